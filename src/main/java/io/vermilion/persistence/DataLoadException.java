package io.vermilion.persistence;

/** The data files exist but cannot be loaded: the node must not start (Redis exits as well). */
public final class DataLoadException extends Exception {
    public DataLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
