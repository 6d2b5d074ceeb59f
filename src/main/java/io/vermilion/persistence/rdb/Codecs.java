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
            StreamCodec.INSTANCE,
            HashCodec.INSTANCE);

    /**
     * {@code base} reading with the encoding thresholds of a node's configuration: every reader
     * it reads from gets {@code cfg} (see {@link RdbReader#config()}), so that what a node loads
     * is encoded as its configuration says, as Redis's rdbLoadObject.
     */
    public static ValueCodec configured(ValueCodec base, io.vermilion.config.Config cfg) {
        return new ValueCodec() {
            @Override public int typeOf(Object v) { return base.typeOf(v); }
            @Override public void write(RdbWriter w, Object v) throws java.io.IOException { base.write(w, v); }
            @Override public boolean reads(int type) { return base.reads(type); }
            @Override public Object read(RdbReader r, int type) throws java.io.IOException {
                if (r.config() == null) r.config(cfg);
                return base.read(r, type);
            }
            @Override public Object freeze(Object v) { return base.freeze(v); }
        };
    }
}
