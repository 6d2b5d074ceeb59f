package io.vermilion.client;

import java.io.IOException;

/**
 * The peer sent bytes that are not valid RESP. The stream position is undefined afterwards, so the
 * connection must be closed.
 */
public final class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
