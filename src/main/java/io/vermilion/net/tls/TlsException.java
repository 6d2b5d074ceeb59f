package io.vermilion.net.tls;

/** A TLS configuration that cannot be applied; the message is logged (Redis logs, then refuses). */
public final class TlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlsException(String message) {
        super(message, null, false, false);
    }
}
