package io.vermilion.persistence.rdb;

/**
 * An RDB value of a type Redis knows but this node cannot load (yet): the message names the type
 * byte precisely ("unsupported type 4 (hash)") so an operator can tell what the file contains.
 */
public final class UnsupportedTypeException extends RdbException {
    private final int type;

    public UnsupportedTypeException(int type, long offset) {
        super("unsupported type " + type + " (" + Rdb.typeName(type) + ")", offset);
        this.type = type;
    }

    public int type() { return type; }
}
