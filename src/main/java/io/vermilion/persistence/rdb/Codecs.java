package io.vermilion.persistence.rdb;

/**
 * The RDB codecs of every value type, in one list: what RDB files, AOF preambles, DUMP/RESTORE,
 * MIGRATE and full syncs use. Adding a type is one entry here (its codec lives beside this file:
 * the type byte(s) it writes, every encoding of it Redis 7.0 can load, and freeze = copy).
 */
public final class Codecs {
    private Codecs() {}

    public static final ValueCodec ALL = ValueCodec.of(
            ValueCodec.STRINGS,
            ListCodec.INSTANCE,
            new ZSetCodec(),
            SetCodec.INSTANCE,
            StreamCodec.INSTANCE);
}
