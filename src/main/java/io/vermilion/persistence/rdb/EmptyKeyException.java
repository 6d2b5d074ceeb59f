package io.vermilion.persistence.rdb;

/**
 * A collection value that decoded to no elements (an empty listpack, ziplist, hash of length 0):
 * Redis's RDB_LOAD_ERR_EMPTY_KEY. Loading a file skips such a key, as Redis does; RESTORE
 * refuses the payload ("Bad data format"), as Redis does.
 */
public final class EmptyKeyException extends RdbException {
    public EmptyKeyException(long offset) {
        super("empty key", offset);
    }
}
