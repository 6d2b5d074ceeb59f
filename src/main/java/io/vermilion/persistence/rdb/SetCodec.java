package io.vermilion.persistence.rdb;

import io.vermilion.types.BytesSet;
import io.vermilion.types.Intset;
import io.vermilion.types.RedisSet;
import io.vermilion.util.Numbers;
import java.io.IOException;

/**
 * Sets in RDB form, as Redis 7.0 writes and reads them:
 * <ul>
 *   <li>an intset-encoded set is {@link Rdb#TYPE_SET_INTSET} (11): the intset blob as one string
 *       (Redis's rdbSaveRawString of its in-memory bytes, which ours are);</li>
 *   <li>a hashtable set is {@link Rdb#TYPE_SET} (2): the member count, then each member.</li>
 * </ul>
 * Loading follows rdbLoadObject: type 11 must pass the intset integrity check (width, size,
 * non-empty, strictly ascending) and becomes a hash table above set-max-intset-entries; type 2
 * starts as an intset when the count is within set-max-intset-entries and converts at the first
 * non-integer member; a repeated member is corruption (Redis's "Duplicate set members detected").
 * An empty type-2 set is {@link EmptyKeyException}: a file load skips the key, RESTORE fails, as in Redis.
 */
public final class SetCodec implements ValueCodec {
    public static final SetCodec INSTANCE = new SetCodec();

    /**
     * set-max-intset-entries as of the last configuration change: the codecs are shared by the
     * whole JVM and have no configuration of their own, so the node keeps this up to date.
     */
    private static volatile long maxIntsetEntries = 512;

    public static void maxIntsetEntries(long v) { maxIntsetEntries = v; }

    private SetCodec() {}

    @Override public int typeOf(Object v) {
        if (!(v instanceof RedisSet s)) return -1;
        return s.isIntset() ? Rdb.TYPE_SET_INTSET : Rdb.TYPE_SET;
    }

    @Override public void write(RdbWriter w, Object v) throws IOException {
        RedisSet s = (RedisSet) v;
        if (s.isIntset()) {
            byte[] is = s.intset();
            w.writeString(is, 0, is.length);
            return;
        }
        BytesSet t = s.hashtable();
        w.writeLen(t.size());
        int cap = t.capacity();
        for (int i = 0; i < cap; i++) {
            byte[] m = t.slot(i);
            if (m != null) w.writeString(m, 0, m.length);
        }
    }

    @Override public boolean reads(int type) {
        return type == Rdb.TYPE_SET || type == Rdb.TYPE_SET_INTSET;
    }

    @Override public Object read(RdbReader r, int type) throws IOException {
        long max = RedisSet.intsetLimit(maxIntsetEntries);
        long at = r.position();
        if (type == Rdb.TYPE_SET_INTSET) {
            byte[] blob = r.readString();
            if (!Encodings.intset(blob)) throw new RdbException("Intset integrity check failed.", at);
            RedisSet s = RedisSet.ofIntset(blob);
            if (Intset.length(blob) > max) s.convertToHashtable();
            return s;
        }
        int len = r.readCount();
        if (len == 0) throw new EmptyKeyException(at);
        RedisSet s = len > max ? RedisSet.ofHashtable(new BytesSet(Math.min(len, 1 << 16))) : RedisSet.emptyIntset();
        long[] v = new long[1];
        for (int i = 0; i < len; i++) {
            long mat = r.position();
            byte[] m = r.readString();
            boolean added;
            if (s.isIntset() && Numbers.parseLong(m, v)) {
                added = s.addLong(v[0], Long.MAX_VALUE);
            } else {
                added = s.add(m, Long.MAX_VALUE);
            }
            if (!added) throw new RdbException("Duplicate set members detected", mat);
        }
        return s;
    }

    @Override public Object freeze(Object v) {
        return ((RedisSet) v).copy();
    }
}
