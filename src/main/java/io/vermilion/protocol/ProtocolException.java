package io.vermilion.protocol;

/** A client sent bytes that are not valid RESP; the message is Redis's text without "ERR ". */
public final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
