package io.vermilion.cluster.runtime;

/**
 * Cluster mode cannot start: the cluster config file is locked by another node, cannot be read
 * or is corrupt, or the bus port cannot be bound. The node must not start; the message is what
 * the log says (Redis's wording where Redis has one).
 */
public final class ClusterStartupException extends Exception {
    private static final long serialVersionUID = 1L;

    public ClusterStartupException(String message) {
        super(message);
    }

    public ClusterStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
