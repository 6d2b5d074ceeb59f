package io.vermilion.persistence.rdb;

import io.vermilion.types.Listpack;
import io.vermilion.types.ZSetValue;
import io.vermilion.util.Strtod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Sorted sets in RDB form, as Redis 7.0 writes and loads them:
 * <ul>
 *   <li>write: a listpack zset as RDB_TYPE_ZSET_LISTPACK (17, the listpack bytes as one string);
 *       a skiplist zset as RDB_TYPE_ZSET_2 (5): the length, then member and binary double score
 *       from the highest element to the lowest (rdbSaveObject's order).</li>
 *   <li>read: 3 (ZSET, scores as length-prefixed text, 253/254/255 for nan/+inf/-inf), 5, 12
 *       (ZIPLIST, converted to a listpack) and 17, with Redis's integrity checks (structure,
 *       pairs, duplicate members, NaN scores, empty values are corruption) and its conversions
 *       on load: a skiplist small enough becomes a listpack, a listpack too long a skiplist.</li>
 * </ul>
 * The conversion thresholds are zset-max-listpack-entries / -value as of the last configuration
 * change: the codecs are shared by the whole JVM and have no configuration of their own, so the
 * node keeps {@link #limits} up to date (as for SetCodec); a codec made with explicit limits
 * (tests) uses those.
 */
public final class ZSetCodec implements ValueCodec {
    private static volatile long sharedMaxEntries = 128, sharedMaxValue = 64;

    private final long maxEntries, maxValue; // -1: the shared limits

    /** The shared codec: the limits last set with {@link #limits}. */
    public ZSetCodec() { this(-1, -1); }

    /** A codec with fixed limits. */
    public ZSetCodec(long maxEntries, long maxValue) {
        this.maxEntries = maxEntries;
        this.maxValue = maxValue;
    }

    /** Sets the limits the shared codec converts with on load. */
    public static void limits(long maxEntries, long maxValue) {
        sharedMaxEntries = maxEntries;
        sharedMaxValue = maxValue;
    }

    private long maxEntries() { return maxEntries >= 0 ? maxEntries : sharedMaxEntries; }

    private long maxValue() { return maxValue >= 0 ? maxValue : sharedMaxValue; }

    @Override public int typeOf(Object v) {
        if (!(v instanceof ZSetValue z)) return -1;
        return z.isListpack() ? Rdb.TYPE_ZSET_LISTPACK : Rdb.TYPE_ZSET_2;
    }

    @Override public void write(RdbWriter w, Object v) throws IOException {
        ZSetValue z = (ZSetValue) v;
        if (z.isListpack()) {
            Listpack lp = z.listpack();
            w.writeString(lp.array(), 0, lp.bytes());
            return;
        }
        w.writeLen(z.size());
        try {
            z.forEach(true, (b, off, len, score) -> {
                try {
                    w.writeString(b, off, len);
                    w.writeLongLE(Double.doubleToRawLongBits(score));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override public boolean reads(int type) {
        return type == Rdb.TYPE_ZSET || type == Rdb.TYPE_ZSET_2 || type == Rdb.TYPE_ZSET_ZIPLIST
                || type == Rdb.TYPE_ZSET_LISTPACK;
    }

    @Override public Object read(RdbReader r, int type) throws IOException {
        long at = r.position();
        switch (type) {
            case Rdb.TYPE_ZSET:
            case Rdb.TYPE_ZSET_2:
                return readSkiplist(r, type, at);
            case Rdb.TYPE_ZSET_LISTPACK: {
                byte[] blob = r.readString();
                int n = Listpack.validate(blob);
                if (n < 0 || n % 2 != 0) throw new RdbException("Zset listpack integrity check failed.", at);
                List<Encodings.Entry> entries = Encodings.listpack(blob, true);
                if (entries == null || !Encodings.pairsWithoutDuplicates(entries)) {
                    throw new RdbException("Zset listpack integrity check failed.", at);
                }
                if (n == 0) throw new RdbException("Empty keys are not allowed (zset listpack)", at);
                ZSetValue z = ZSetValue.wrapListpack(Listpack.wrap(blob));
                if (z.size() > maxEntries()) z.convertToSkiplist();
                return z;
            }
            case Rdb.TYPE_ZSET_ZIPLIST: {
                byte[] blob = r.readString();
                List<Encodings.Entry> entries = Encodings.ziplist(blob);
                if (entries == null || !Encodings.pairsWithoutDuplicates(entries)) {
                    throw new RdbException("Zset ziplist integrity check failed.", at);
                }
                if (entries.isEmpty()) throw new RdbException("Empty keys are not allowed (zset ziplist)", at);
                Listpack lp = new Listpack();
                for (Encodings.Entry e : entries) {
                    if (e.isInt()) lp.append(e.value());
                    else lp.append(e.text());
                }
                lp.trim();
                ZSetValue z = ZSetValue.wrapListpack(lp);
                if (z.size() > maxEntries()) z.convertToSkiplist();
                return z;
            }
            default:
                throw new UnsupportedTypeException(type, at);
        }
    }

    private ZSetValue readSkiplist(RdbReader r, int type, long at) throws IOException {
        int len = r.readCount();
        if (len == 0) throw new RdbException("Empty keys are not allowed (zset)", at);
        ZSetValue z = ZSetValue.newSkiplist(Math.min(len, 1 << 16));
        long maxElem = 0, total = 0;
        for (int i = 0; i < len; i++) {
            byte[] member = r.readString();
            double score = type == Rdb.TYPE_ZSET_2 ? Double.longBitsToDouble(r.readLongLE()) : readTextDouble(r);
            if (Double.isNaN(score)) throw new RdbException("Zset with NAN score detected", r.position());
            maxElem = Math.max(maxElem, member.length);
            total += member.length;
            if (!z.loadAdd(member, score)) throw new RdbException("Duplicate zset fields detected", r.position());
        }
        z.convertToListpackIfNeeded(maxEntries(), maxValue(), maxElem, total);
        return z;
    }

    /** rdbLoadDoubleValue: a length byte (253 nan, 254 +inf, 255 -inf) and that many chars. */
    private static double readTextDouble(RdbReader r) throws IOException {
        int len = r.readByte();
        switch (len) {
            case 253: return Double.NaN;
            case 254: return Double.POSITIVE_INFINITY;
            case 255: return Double.NEGATIVE_INFINITY;
            default: {
                long at = r.position();
                byte[] b = r.readBytes(len);
                Strtod.Result res = new Strtod.Result();
                double d = Strtod.parse(b, 0, b.length, res);
                if (res.end == 0) throw new RdbException("Invalid double value", at); // sscanf matched nothing
                return d;
            }
        }
    }

    @Override public Object freeze(Object v) {
        return ((ZSetValue) v).copy();
    }
}
