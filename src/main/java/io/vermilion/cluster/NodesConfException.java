package io.vermilion.cluster;

/**
 * A {@code nodes.conf} (or CLUSTER NODES line) that cannot be loaded. Redis answers such a file
 * with "Unrecoverable error: corrupted cluster config file." and exits; we also say where and why.
 */
public final class NodesConfException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String reason;

    /** @param lineNumber 1-based line, or 0 when the problem is the file as a whole */
    public NodesConfException(int lineNumber, String reason) {
        super(lineNumber > 0 ? "corrupted cluster config: line " + lineNumber + ": " + reason
                : "corrupted cluster config: " + reason);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    /** 1-based line number, 0 for whole-file problems (such as no "myself" line). */
    public int lineNumber() {
        return lineNumber;
    }

    public String reason() {
        return reason;
    }
}
