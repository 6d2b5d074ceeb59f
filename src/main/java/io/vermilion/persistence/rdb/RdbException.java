package io.vermilion.persistence.rdb;

import java.io.IOException;

/**
 * An RDB stream that cannot be read: truncated, corrupt, of an unknown version, or holding a value
 * type this node does not support yet. Carries the byte offset (from the start of the RDB data)
 * where reading failed, or -1 when no position applies.
 */
public class RdbException extends IOException {
    private final long offset;
    private final String reason;

    public RdbException(String reason, long offset) {
        super(offset >= 0 ? reason + " at offset " + offset : reason);
        this.reason = reason;
        this.offset = offset;
    }

    public RdbException(String reason, long offset, Throwable cause) {
        this(reason, offset);
        initCause(cause);
    }

    /** Where in the stream reading failed, or -1. */
    public long offset() { return offset; }

    /** The message without the offset. */
    public String reason() { return reason; }
}
