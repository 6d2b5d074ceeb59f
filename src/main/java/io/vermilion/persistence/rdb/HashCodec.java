package io.vermilion.persistence.rdb;

import io.vermilion.types.BytesMap;
import io.vermilion.types.Hash;
import io.vermilion.types.Listpack;
import java.io.IOException;
import java.util.List;

/**
 * RDB form of hashes, as Redis 7.0: a listpack hash is written as RDB_TYPE_HASH_LISTPACK (16),
 * its listpack bytes as one string (LZF-compressed like any string when rdbcompression is on),
 * so a DUMP is byte-identical to Redis's; a hashtable hash as RDB_TYPE_HASH (4): the number of
 * fields, then field and value strings.
 *
 * <p>Reading accepts every hash encoding Redis 7.0 loads: 4, 9 (zipmap, Redis 2.x), 13 (ziplist,
 * up to 6.2) and 16, with full integrity checks on the blobs (structure, even entry count, no
 * duplicate field; a duplicate in a type-4 hash too), and chooses the encoding as rdbLoadObject
 * does with the thresholds of {@link RdbReader#config()}: a listpack or ziplist with more than
 * hash-max-listpack-entries fields becomes a hashtable; a zipmap also when a field or value is
 * longer than hash-max-listpack-value; a type-4 hash is a listpack unless it has too many fields
 * or a long field or value. A hash without fields is {@link EmptyKeyException}.
 */
public final class HashCodec implements ValueCodec {
    public static final HashCodec INSTANCE = new HashCodec();

    /** Redis 7.0's defaults, used when the reader has no configuration. */
    static final long DEFAULT_MAX_ENTRIES = 128;
    static final long DEFAULT_MAX_VALUE = 64;

    private HashCodec() {}

    @Override public int typeOf(Object v) {
        if (!(v instanceof Hash h)) return -1;
        return h.isListpack() ? Rdb.TYPE_HASH_LISTPACK : Rdb.TYPE_HASH;
    }

    @Override public void write(RdbWriter w, Object v) throws IOException {
        Hash h = (Hash) v;
        if (h.isListpack()) {
            byte[] lp = h.listpack();
            w.writeString(lp, 0, lp.length);
            return;
        }
        BytesMap m = h.map();
        w.writeLen(m.size());
        for (int i = m.next(0); i >= 0; i = m.next(i + 1)) {
            byte[] k = m.keyAt(i), val = m.valueAt(i);
            w.writeString(k, 0, k.length);
            w.writeString(val, 0, val.length);
        }
    }

    @Override public boolean reads(int type) {
        return type == Rdb.TYPE_HASH || type == Rdb.TYPE_HASH_ZIPMAP || type == Rdb.TYPE_HASH_ZIPLIST
                || type == Rdb.TYPE_HASH_LISTPACK;
    }

    @Override public Object read(RdbReader r, int type) throws IOException {
        long maxEntries = r.setting("hash-max-listpack-entries", DEFAULT_MAX_ENTRIES);
        long maxValue = r.setting("hash-max-listpack-value", DEFAULT_MAX_VALUE);
        long at = r.position();
        switch (type) {
            case Rdb.TYPE_HASH: return readTable(r, at, maxEntries, maxValue);
            case Rdb.TYPE_HASH_LISTPACK: return readListpack(r.readString(), at, maxEntries);
            case Rdb.TYPE_HASH_ZIPLIST: return readZiplist(r.readString(), at, maxEntries);
            case Rdb.TYPE_HASH_ZIPMAP: return readZipmap(r.readString(), at, maxEntries, maxValue);
            default: throw new UnsupportedTypeException(type, at);
        }
    }

    @Override public Object freeze(Object v) {
        return ((Hash) v).copy();
    }

    private static RdbException corrupt(String what, long at) {
        return new RdbException(what, at);
    }

    private static Hash readTable(RdbReader r, long at, long maxEntries, long maxValue) throws IOException {
        long len = r.readLen();
        if (len == 0) throw new EmptyKeyException(at);
        if (len < 0 || len > Integer.MAX_VALUE) throw corrupt("hash length " + Long.toUnsignedString(len) + " too large", at);
        BytesMap seen = null;
        Listpack lp = null;
        BytesMap table = null;
        if (len > maxEntries) {
            table = new BytesMap((int) Math.min(len, 1 << 16), true);
        } else {
            lp = new Listpack();
            // Sized by what was declared only up to a bound: a corrupt length must not allocate.
            seen = new BytesMap((int) Math.min(len, 1 << 16), false);
        }
        for (long i = 0; i < len; i++) {
            byte[] field = r.readString();
            byte[] value = r.readString();
            if (lp != null) {
                if (seen.put(field, null) != null) throw corrupt("Hash with dup elements", at);
                if (field.length > maxValue || value.length > maxValue
                        || lp.bytes() + (long) field.length + value.length > Hash.LISTPACK_MAX_SAFETY_SIZE) {
                    table = toTable(lp, len);
                    lp = null;
                    seen = null;
                } else {
                    lp.append(field);
                    lp.append(value);
                    continue;
                }
            }
            if (table.put(field, value) != null) throw corrupt("Duplicate hash fields detected", at);
        }
        if (lp != null) return Hash.ofListpack(lp.toBytes());
        return Hash.ofMap(table);
    }

    private static BytesMap toTable(Listpack lp, long len) {
        BytesMap m = new BytesMap((int) Math.min(len, 1 << 16), true);
        for (int p = lp.first(); p >= 0; ) {
            int v = lp.next(p);
            m.insertNew(lp.get(p), lp.get(v));
            p = lp.next(v);
        }
        return m;
    }

    /** A listpack hash blob: validated, duplicate-free, converted when it has too many fields. */
    static Hash readListpack(byte[] blob, long at, long maxEntries) throws RdbException {
        int n = Listpack.validate(blob);
        if (n < 0 || n % 2 != 0) throw corrupt("Hash listpack integrity check failed.", at);
        if (n == 0) throw new EmptyKeyException(at);
        Hash h = Hash.ofListpack(blob);
        h.size(); // as Redis's lpLength on load: an "unknown" header count that fits is written back
        BytesMap seen = new BytesMap(n / 2, false);
        for (int f = h.firstField(); f >= 0; f = h.nextField(f)) {
            if (seen.put(h.bytes(f), null) != null) throw corrupt("Hash listpack integrity check failed.", at);
        }
        if (n / 2 > maxEntries) h.convertToTable();
        return h;
    }

    private static Hash readZiplist(byte[] blob, long at, long maxEntries) throws RdbException {
        List<Encodings.Entry> e = Encodings.ziplist(blob);
        if (e == null || !Encodings.pairsWithoutDuplicates(e)) throw corrupt("Hash ziplist integrity check failed.", at);
        if (e.isEmpty()) throw new EmptyKeyException(at);
        Listpack lp = new Listpack();
        for (Encodings.Entry x : e) {
            if (x.isInt()) lp.append(x.value());
            else lp.append(x.text());
        }
        Hash h = Hash.ofListpack(lp.toBytes());
        if (e.size() / 2 > maxEntries) h.convertToTable();
        return h;
    }

    private static Hash readZipmap(byte[] blob, long at, long maxEntries, long maxValue) throws RdbException {
        List<byte[]> e = Encodings.zipmap(blob);
        if (e == null) throw corrupt("Zipmap integrity check failed.", at);
        BytesMap seen = new BytesMap(e.size() / 2, false);
        Listpack lp = new Listpack();
        long maxLen = 0;
        for (int i = 0; i < e.size(); i += 2) {
            byte[] f = e.get(i), v = e.get(i + 1);
            if (seen.put(f, null) != null
                    || lp.bytes() + (long) f.length + v.length > Hash.LISTPACK_MAX_SAFETY_SIZE) {
                throw corrupt("Hash zipmap with dup elements, or big length (" + f.length + ")", at);
            }
            maxLen = Math.max(maxLen, Math.max(f.length, v.length));
            lp.append(f);
            lp.append(v);
        }
        if (e.isEmpty()) throw new EmptyKeyException(at);
        Hash h = Hash.ofListpack(lp.toBytes());
        if (e.size() / 2 > maxEntries || maxLen > maxValue) h.convertToTable();
        return h;
    }
}
