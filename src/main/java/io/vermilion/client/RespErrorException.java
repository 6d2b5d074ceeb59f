package io.vermilion.client;

/**
 * Thrown by the convenience methods of {@link RespConnection} ({@code auth}, {@code select},
 * {@code hello}, {@code callOk}) when the server answers with an error reply. Plain
 * {@link RespConnection#call} never throws this: it returns the {@link Reply.Error}.
 */
public final class RespErrorException extends RuntimeException {
    private final transient Reply.Error error;

    public RespErrorException(Reply.Error error) {
        super(error.text());
        this.error = error;
    }

    /** The error reply as received. */
    public Reply.Error error() {
        return error;
    }
}
