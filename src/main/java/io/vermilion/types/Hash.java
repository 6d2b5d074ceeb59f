package io.vermilion.types;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The hash type. Two encodings, as Redis 7.0:
 * <ul>
 *   <li>"listpack": field, value, field, value... in one {@code byte[]} holding Redis's exact
 *       listpack bytes (no spare capacity), in insertion order. Saving it (RDB, DUMP) is writing
 *       the array; a listpack loaded from Redis is used as it is.</li>
 *   <li>"hashtable": a {@link BytesMap} from field to value.</li>
 * </ul>
 * A hash starts as a listpack and becomes a hashtable, never back, when it gets more than
 * {@code hash-max-listpack-entries} fields or a field or value longer than
 * {@code hash-max-listpack-value} bytes; the commands pass those limits at write time.
 *
 * <p>Memory: the object is one reference (to the listpack array or the map), so a small hash
 * costs this 16-byte object plus its listpack array.
 *
 * <p>Elements are addressed by <em>handles</em> (ints, valid until the next write): in a
 * listpack the byte offset of the entry, in a hashtable {@code 2*slot} for a field and
 * {@code 2*slot+1} for its value. {@link #firstField}/{@link #nextField} iterate the fields in
 * the encoding's order, {@link #valueOf} goes from a field to its value, and
 * {@link #isInt}/{@link #intAt}/{@link #array}/{@link #start}/{@link #len} read an element in
 * place without copying.
 */
public final class Hash implements RedisValue {
    /** Redis's LISTPACK_MAX_SAFETY_SIZE: a listpack never grows beyond this (lpSafeToAdd). */
    public static final long LISTPACK_MAX_SAFETY_SIZE = 1L << 30;

    private static final int HDR = 6;
    private static final int NUMELE_UNKNOWN = 65535;
    private static final byte[] EMPTY_LP = {7, 0, 0, 0, 0, 0, (byte) 0xFF};

    /** byte[] (listpack, exact size) or BytesMap. */
    private Object rep;

    /** An empty listpack-encoded hash. */
    public Hash() {
        rep = EMPTY_LP.clone();
    }

    private Hash(Object rep) {
        this.rep = rep;
    }

    /** A hash over listpack bytes already validated (field/value pairs, no duplicate fields); takes the array. */
    public static Hash ofListpack(byte[] lp) {
        return new Hash(lp);
    }

    /** A hashtable-encoded hash over a map (taken, not copied). */
    public static Hash ofMap(BytesMap m) {
        return new Hash(m);
    }

    @Override public String typeName() { return "hash"; }

    @Override public String encoding() { return rep instanceof byte[] ? "listpack" : "hashtable"; }

    public boolean isListpack() { return rep instanceof byte[]; }

    /** The listpack bytes (listpack encoding only; do not modify). */
    public byte[] listpack() { return (byte[]) rep; }

    /** The map (hashtable encoding only). */
    public BytesMap map() { return (BytesMap) rep; }

    @Override public long size() {
        if (rep instanceof byte[] lp) return lpCount(lp) / 2;
        return ((BytesMap) rep).size();
    }

    @Override public Hash copy() {
        if (rep instanceof byte[] lp) return new Hash(lp.clone());
        return new Hash(((BytesMap) rep).copy());
    }

    @Override public void rewrite(byte[] key, Consumer<byte[][]> out) {
        // rewriteHashObject: HMSET key f v ... with at most 64 pairs per command.
        long left = size();
        byte[][] cmd = null;
        int n = 0;
        for (int f = firstField(); f >= 0; f = nextField(f)) {
            if (cmd == null) {
                int pairs = (int) Math.min(left, REWRITE_ITEMS_PER_CMD);
                cmd = new byte[2 + pairs * 2][];
                cmd[0] = HMSET;
                cmd[1] = key;
                n = 2;
            }
            cmd[n++] = bytes(f);
            cmd[n++] = bytes(valueOf(f));
            left--;
            if (n == cmd.length) {
                out.accept(cmd);
                cmd = null;
            }
        }
    }

    private static final byte[] HMSET = "HMSET".getBytes(StandardCharsets.US_ASCII);

    // ------------------------------------------------------------------ lookups

    /** The handle of field's value, or -1 if absent. */
    public int findValue(byte[] field) {
        if (rep instanceof byte[] lp) {
            int p = lpFindField(lp, field);
            return p < 0 ? -1 : p + Listpack.entrySize(lp, p);
        }
        int i = ((BytesMap) rep).find(field);
        return i < 0 ? -1 : 2 * i + 1;
    }

    public boolean contains(byte[] field) {
        if (rep instanceof byte[] lp) return lpFindField(lp, field) >= 0;
        return ((BytesMap) rep).find(field) >= 0;
    }

    /** The value of field as bytes (a copy for listpack entries), or null. */
    public byte[] get(byte[] field) {
        int v = findValue(field);
        return v < 0 ? null : bytes(v);
    }

    /** First field's handle, or -1 when empty. */
    public int firstField() {
        if (rep instanceof byte[] lp) return lp.length > HDR + 1 ? HDR : -1;
        int i = ((BytesMap) rep).next(0);
        return i < 0 ? -1 : 2 * i;
    }

    /** The field after field handle f, or -1. */
    public int nextField(int f) {
        if (rep instanceof byte[] lp) {
            int v = f + Listpack.entrySize(lp, f);
            int n = v + Listpack.entrySize(lp, v);
            return n >= lp.length - 1 ? -1 : n;
        }
        int i = ((BytesMap) rep).next(f / 2 + 1);
        return i < 0 ? -1 : 2 * i;
    }

    /** The value handle of field handle f. */
    public int valueOf(int f) {
        if (rep instanceof byte[] lp) return f + Listpack.entrySize(lp, f);
        return f + 1;
    }

    /** Whether the element is stored as an integer (listpack integer entries). */
    public boolean isInt(int e) {
        if (rep instanceof byte[] lp) return Listpack.isInt(lp, e);
        return false;
    }

    /** The integer of an element for which {@link #isInt} holds. */
    public long intAt(int e) {
        return Listpack.getInt((byte[]) rep, e);
    }

    /** The array holding a string element's bytes (read with {@link #start}/{@link #len}; do not keep or modify). */
    public byte[] array(int e) {
        if (rep instanceof byte[] lp) return lp;
        BytesMap m = (BytesMap) rep;
        return (e & 1) == 0 ? m.keyAt(e >> 1) : m.valueAt(e >> 1);
    }

    public int start(int e) {
        if (rep instanceof byte[] lp) return Listpack.strStart(lp, e);
        return 0;
    }

    public int len(int e) {
        if (rep instanceof byte[] lp) return Listpack.strLen(lp, e);
        return array(e).length;
    }

    /** Length of an element as a string (HSTRLEN: an integer counts its decimal digits). */
    public int textLength(int e) {
        if (isInt(e)) return io.vermilion.util.Numbers.digits(intAt(e));
        return len(e);
    }

    /** An element as bytes (integers as decimal text); a fresh array for listpack elements. */
    public byte[] bytes(int e) {
        if (rep instanceof byte[] lp) {
            if (Listpack.isInt(lp, e)) return Long.toString(Listpack.getInt(lp, e)).getBytes(StandardCharsets.US_ASCII);
            int s = Listpack.strStart(lp, e);
            return Arrays.copyOfRange(lp, s, s + Listpack.strLen(lp, e));
        }
        return array(e);
    }

    /** Handle of the pair at index i (0-based, in encoding order) of a listpack hash: its field. */
    public int listpackPair(int i) {
        byte[] lp = (byte[]) rep;
        int p = HDR;
        for (int k = 0; k < i; k++) {
            p += Listpack.entrySize(lp, p);
            p += Listpack.entrySize(lp, p);
        }
        return p;
    }

    // ------------------------------------------------------------------ writes

    /**
     * Sets field to value, converting to a hashtable first when either is longer than
     * {@code maxValue} and after the write when there are more than {@code maxEntries} fields
     * (Redis's hashTypeSet). Returns true if the field existed (an update).
     */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (rep instanceof byte[] && (field.length > maxValue || value.length > maxValue)) convertToTable();
        if (rep instanceof byte[] lp) {
            int f = lpFindField(lp, field);
            boolean update = f >= 0;
            if (update) rep = lpReplace(lp, f + Listpack.entrySize(lp, f), value);
            else rep = lpAppendPair(lp, field, value);
            if (size() > maxEntries) convertToTable();
            return update;
        }
        // The map keeps the arrays: they are the client's arguments, never written again.
        return ((BytesMap) rep).put(field, value) != null;
    }

    /**
     * HSET of the pairs argv[from], argv[from+1], ... : the same result as {@link #set} for each
     * pair in turn (a field given twice takes its last value), but a listpack is rebuilt once for
     * all new fields rather than once per field. Returns the number of fields that were new.
     */
    public int setPairs(byte[][] argv, int from, long maxEntries, long maxValue) {
        int created = 0;
        if (!(rep instanceof byte[])) {
            for (int i = from; i + 1 < argv.length; i += 2) {
                if (!set(argv[i], argv[i + 1], maxEntries, maxValue)) created++;
            }
            return created;
        }
        int pairs = (argv.length - from) / 2;
        int[] pending = new int[pairs];      // argv index of each new field (its value follows, or is redirected)
        int[] valueAt = new int[pairs];
        int n = 0;
        for (int i = from; i + 1 < argv.length; i += 2) {
            byte[] field = argv[i], value = argv[i + 1];
            if (rep instanceof byte[] && (field.length > maxValue || value.length > maxValue)) {
                flushPending(argv, pending, valueAt, n);
                n = 0;
                convertToTable();
            }
            if (!(rep instanceof byte[] lp)) {
                if (!set(field, value, maxEntries, maxValue)) created++;
                continue;
            }
            int f = lpFindField(lp, field);
            if (f >= 0) {
                rep = lpReplace(lp, f + Listpack.entrySize(lp, f), value);
                continue;
            }
            int j = 0;
            while (j < n && !Arrays.equals(argv[pending[j]], field)) j++;
            if (j < n) {
                valueAt[j] = i + 1;
                continue;
            }
            pending[n] = i;
            valueAt[n] = i + 1;
            n++;
            created++;
            if (lpCount(lp) / 2 + n > maxEntries) {
                // Redis converts as soon as the count is passed; what follows goes to the table.
                flushPending(argv, pending, valueAt, n);
                n = 0;
                convertToTable();
            }
        }
        flushPending(argv, pending, valueAt, n);
        return created;
    }

    /** Appends the n pending pairs to the listpack in one new array. */
    private void flushPending(byte[][] argv, int[] pending, int[] valueAt, int n) {
        if (n == 0) return;
        byte[] lp = (byte[]) rep;
        int add = 0;
        for (int j = 0; j < n; j++) add += Listpack.encodedEntrySize(argv[pending[j]]) + Listpack.encodedEntrySize(argv[valueAt[j]]);
        byte[] out = Arrays.copyOf(lp, lp.length + add);
        int at = lp.length - 1;
        for (int j = 0; j < n; j++) {
            at = Listpack.writeEntry(out, at, argv[pending[j]]);
            at = Listpack.writeEntry(out, at, argv[valueAt[j]]);
        }
        out[at] = (byte) 0xFF;
        Listpack.writeHeader(out, lpCount(lp) + 2 * n);
        rep = out;
    }

    /**
     * Redis's hashTypeTryConversion for the arguments about to be written: converts when one of
     * them is longer than {@code maxValue}, or the listpack could pass its safety size.
     */
    public void prepareFor(byte[][] argv, int from, int to, long maxValue) {
        if (!(rep instanceof byte[] lp)) return;
        long sum = 0;
        for (int i = from; i <= to; i++) {
            if (argv[i].length > maxValue) {
                convertToTable();
                return;
            }
            sum += argv[i].length;
        }
        if (lp.length + sum > LISTPACK_MAX_SAFETY_SIZE) convertToTable();
    }

    /** Deletes field; true if it was there. */
    public boolean delete(byte[] field) {
        if (rep instanceof byte[] lp) {
            int f = lpFindField(lp, field);
            if (f < 0) return false;
            int v = f + Listpack.entrySize(lp, f);
            int end = v + Listpack.entrySize(lp, v);
            rep = lpCut(lp, f, end, -2);
            return true;
        }
        return ((BytesMap) rep).remove(field);
    }

    /** Converts a listpack hash to a hashtable (no-op for a hashtable). */
    public void convertToTable() {
        if (!(rep instanceof byte[] lp)) return;
        int pairs = lpCount(lp) / 2;
        BytesMap m = new BytesMap(pairs, true);
        for (int f = firstField(); f >= 0; f = nextField(f)) {
            m.insertNew(bytes(f), bytes(valueOf(f)));
        }
        rep = m;
    }

    // ------------------------------------------------------------------ listpack bytes

    private static int u16(byte[] b, int p) { return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8; }

    /** Number of entries of a listpack (scanning when the header says "unknown"). */
    static int lpCount(byte[] lp) {
        int n = u16(lp, 4);
        if (n != NUMELE_UNKNOWN) return n;
        int c = 0;
        for (int p = HDR; p < lp.length - 1; p += Listpack.entrySize(lp, p)) c++;
        // As Redis's lpLength: a count that fits again is written back into the header.
        if (c < NUMELE_UNKNOWN) {
            lp[4] = (byte) c;
            lp[5] = (byte) (c >>> 8);
        }
        return c;
    }

    /** Offset of the field entry equal to {@code field} (lpFind with skip 1), or -1. */
    static int lpFindField(byte[] lp, byte[] field) {
        long[] v = null;
        boolean asInt = false;
        long iv = 0;
        if (field.length <= 20 && field.length > 0) {
            v = new long[1];
            asInt = Listpack.strictLong(field, v);
            iv = v[0];
        }
        int end = lp.length - 1;
        int len = field.length;
        for (int p = HDR; p < end; ) {
            int e = lp[p] & 0xff;
            if ((e & 0xC0) == 0x80) {               // 6-bit string: the common case
                int l = e & 0x3F;
                if (l == len && Arrays.equals(lp, p + 1, p + 1 + l, field, 0, len)) return p;
                p += 1 + l + 1;
            } else if (Listpack.isInt(lp, p)) {
                if (asInt && Listpack.getInt(lp, p) == iv) return p;
                p += Listpack.entrySize(lp, p);
            } else {
                int s = Listpack.strStart(lp, p), l = Listpack.strLen(lp, p);
                if (l == len && Arrays.equals(lp, s, s + l, field, 0, len)) return p;
                p += Listpack.entrySize(lp, p);
            }
            p += Listpack.entrySize(lp, p);                  // skip the value
        }
        return -1;
    }

    /** A new listpack with field and value appended. */
    static byte[] lpAppendPair(byte[] lp, byte[] field, byte[] value) {
        byte[] ef = Listpack.encode(field), ev = Listpack.encode(value);
        int at = lp.length - 1;
        byte[] out = Arrays.copyOf(lp, lp.length + ef.length + ev.length);
        System.arraycopy(ef, 0, out, at, ef.length);
        System.arraycopy(ev, 0, out, at + ef.length, ev.length);
        out[out.length - 1] = (byte) 0xFF;
        Listpack.writeHeader(out, lpCount(lp) + 2);
        return out;
    }

    /** The listpack with the entry at p replaced by s (in place when the size is unchanged). */
    static byte[] lpReplace(byte[] lp, int p, byte[] s) {
        byte[] enc = Listpack.encode(s);
        int old = Listpack.entrySize(lp, p);
        if (enc.length == old) {
            System.arraycopy(enc, 0, lp, p, old);
            return lp;
        }
        byte[] out = new byte[lp.length - old + enc.length];
        System.arraycopy(lp, 0, out, 0, p);
        System.arraycopy(enc, 0, out, p, enc.length);
        System.arraycopy(lp, p + old, out, p + enc.length, lp.length - p - old);
        Listpack.writeHeader(out, lpCount(lp));
        return out;
    }

    /** A new listpack without the bytes [from, to), whose entry count changes by delta. */
    private static byte[] lpCut(byte[] lp, int from, int to, int delta) {
        int count = lpCount(lp) + delta;
        byte[] out = new byte[lp.length - (to - from)];
        System.arraycopy(lp, 0, out, 0, from);
        System.arraycopy(lp, to, out, from, lp.length - to);
        Listpack.writeHeader(out, count);
        return out;
    }

    /** Builds a listpack hash from pairs (for loaders): fields must be distinct. */
    public static byte[] listpackOf(java.util.List<byte[]> flatPairs) {
        Listpack l = new Listpack();
        for (byte[] b : flatPairs) l.append(b);
        return l.toBytes();
    }

    @Override public long memoryEstimate() {
        return 16 + (rep instanceof byte[] lp ? MemoryUsage.array(lp.length) : ((BytesMap) rep).memoryEstimate());
    }
}
