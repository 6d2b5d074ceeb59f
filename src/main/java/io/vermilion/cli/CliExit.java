package io.vermilion.cli;

/**
 * Unwinds to {@link CliMain} to end the process with a status code (instead of calling
 * {@code System.exit} from deep inside), so output is flushed and resources are closed.
 */
public final class CliExit extends RuntimeException {
    private final int status;

    public CliExit(int status) {
        super(null, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
