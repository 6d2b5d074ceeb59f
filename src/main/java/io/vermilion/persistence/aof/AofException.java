package io.vermilion.persistence.aof;

import java.io.IOException;

/** An AOF or manifest that cannot be used; the message is what Redis would log. */
public class AofException extends IOException {
    public AofException(String message) {
        super(message);
    }

    public AofException(String message, Throwable cause) {
        super(message, cause);
    }
}
