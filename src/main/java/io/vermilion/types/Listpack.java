package io.vermilion.types;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A listpack in Redis's own byte format (listpack.md in the Redis sources): the compact
 * encoding of small hashes and sorted sets, and the nodes of lists (quicklist) and streams. The
 * in-memory bytes are exactly what Redis writes into an RDB file or a DUMP payload, so saving a
 * listpack-encoded value is a copy, and a listpack read from Redis is used as it is (after
 * validation by the loader).
 *
 * <p>Layout: a 6-byte header (total bytes as u32 LE, element count as u16 LE, 65535 meaning
 * "count by scanning"), the entries, and a 0xFF terminator. An entry is an encoding byte (small
 * unsigned int, 13/16/24/32/64-bit signed int, or a string with a 6/12/32-bit length), its data,
 * and a "backlen" of 1 to 5 bytes giving the entry's length so it can be walked backwards.
 * Strings that are canonical integers (Redis's string2ll) are stored as integers, as Redis's
 * lpEncodeGetType does, so our bytes are Redis's bytes for the same operations.
 *
 * <p>Entries are addressed by their byte offset ({@code p}); {@code -1} means "none". An offset
 * stays valid until the next write. The backing array may have spare capacity at its end (to make
 * appends cheap); {@link #trim} drops it, {@link #toBytes} returns the exact bytes.
 *
 * <p>Not thread-safe; owned by the command thread like every value.
 */
public final class Listpack {
    private static final int HDR = 6;
    private static final int EOF = 0xFF;
    private static final int NUMELE_UNKNOWN = 65535;
    private static final byte[] EMPTY_LP = {7, 0, 0, 0, 0, 0, (byte) 0xFF};

    private byte[] buf;
    private int bytes;     // used bytes, terminator included
    private int count;     // number of entries (always known here, whatever the header says)

    /** An empty listpack. */
    public Listpack() {
        buf = EMPTY_LP.clone();
        bytes = 7;
    }

    private Listpack(byte[] buf, int bytes, int count) {
        this.buf = buf;
        this.bytes = bytes;
        this.count = count;
    }

    /**
     * A listpack over Redis listpack bytes (from an RDB file or a DUMP payload), taking ownership
     * of the array. The caller has validated the structure (e.g. with {@link #validate}).
     */
    public static Listpack wrap(byte[] blob) {
        int total = u32(blob, 0);
        int n = (blob[4] & 0xff) | (blob[5] & 0xff) << 8;
        Listpack lp = new Listpack(blob, total, n);
        if (n == NUMELE_UNKNOWN) {
            int c = 0;
            for (int p = lp.first(); p >= 0; p = lp.next(p)) c++;
            lp.count = c;
        }
        return lp;
    }

    /**
     * Full structural check of untrusted listpack bytes, as Redis's lpValidateIntegrity with
     * deep validation: header size equals the blob size, every entry's encoding and backlen are
     * consistent and inside the blob, the terminator is last, the count matches the header
     * (unless it is 65535). Returns the number of entries, or -1 if invalid.
     */
    public static int validate(byte[] b) {
        if (b.length < 7) return -1;
        if (u32(b, 0) != b.length) return -1;
        if ((b[b.length - 1] & 0xff) != EOF) return -1;
        int declared = (b[4] & 0xff) | (b[5] & 0xff) << 8;
        int p = HDR;
        int n = 0;
        int end = b.length - 1;
        while (p < end) {
            long encLen = encodedSizeChecked(b, p, end);
            if (encLen < 0) return -1;
            int blen = backlenSize(encLen);
            long next = p + encLen + blen;
            if (next > end) return -1;
            if (decodeBacklen(b, (int) next - 1) != encLen) return -1;
            p = (int) next;
            n++;
        }
        if (p != end) return -1;
        if (declared != NUMELE_UNKNOWN && declared != n) return -1;
        return n;
    }

    // ------------------------------------------------------------------ size and bytes

    /** Number of entries. */
    public int size() { return count; }

    /** Bytes of the listpack (header and terminator included), without spare capacity. */
    public int bytes() { return bytes; }

    /** Bytes allocated (for memory accounting). */
    public int capacity() { return buf.length; }

    /** The exact Redis listpack bytes (a copy). */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, bytes);
    }

    /** Drops spare capacity. */
    public void trim() {
        if (buf.length != bytes) buf = Arrays.copyOf(buf, bytes);
    }

    /** A deep copy (exact size). */
    public Listpack copy() {
        return new Listpack(Arrays.copyOf(buf, bytes), bytes, count);
    }

    // ------------------------------------------------------------------ navigation

    /** Offset of the first entry, or -1 when empty. */
    public int first() { return count == 0 ? -1 : HDR; }

    /** Offset of the last entry, or -1 when empty. */
    public int last() {
        if (count == 0) return -1;
        return prevOf(bytes - 1);
    }

    /** The entry after p, or -1. */
    public int next(int p) {
        int q = p + entrySize(p);
        return q >= bytes - 1 ? -1 : q;
    }

    /** The entry before p, or -1. */
    public int prev(int p) {
        if (p <= HDR) return -1;
        return prevOf(p);
    }

    /** The entry at index i (negative: from the tail, -1 is the last), or -1 if out of range. */
    public int seek(long i) {
        if (i < 0) i += count;
        if (i < 0 || i >= count) return -1;
        if (i < count / 2) {
            int p = HDR;
            for (long k = 0; k < i; k++) p = p + entrySize(p);
            return p;
        }
        int p = last();
        for (long k = count - 1; k > i; k--) p = prevOf(p);
        return p;
    }

    private int prevOf(int p) {
        int len = (int) decodeBacklen(buf, p - 1);
        return p - backlenSize(len) - len;
    }

    // ------------------------------------------------------------------ reading

    /** Whether the entry at p is stored as an integer. */
    public boolean isInt(int p) { return isInt(buf, p); }

    /** The integer at p (only if {@link #isInt}). */
    public long getInt(int p) { return getInt(buf, p); }

    /** Offset of a string entry's bytes (only if not {@link #isInt}). */
    public int strStart(int p) { return strStart(buf, p); }

    /** Length of a string entry (only if not {@link #isInt}). */
    public int strLen(int p) { return strLen(buf, p); }

    /** The backing array (for reading string entries in place with strStart/strLen; do not keep). */
    public byte[] array() { return buf; }

    // ------------------------------------------------------------------ listpack bytes, for
    // values that keep a bare listpack array (types.Hash) instead of a Listpack object

    /** Whether the entry at b[p] is stored as an integer. */
    public static boolean isInt(byte[] b, int p) {
        int e = b[p] & 0xff;
        if ((e & 0x80) == 0) return true;            // 7-bit uint
        if ((e & 0xC0) == 0x80) return false;        // 6-bit str
        if ((e & 0xE0) == 0xC0) return true;         // 13-bit int
        if ((e & 0xF0) == 0xE0) return false;        // 12-bit str
        return e != 0xF0;                            // 16/24/32/64-bit ints; 0xF0 is a 32-bit str
    }

    /** The integer entry at b[p]. */
    public static long getInt(byte[] b, int p) {
        int e = b[p] & 0xff;
        if ((e & 0x80) == 0) return e;
        if ((e & 0xE0) == 0xC0) {
            int v = ((e & 0x1F) << 8) | (b[p + 1] & 0xff);
            return v >= 1 << 12 ? v - (1 << 13) : v;
        }
        switch (e) {
            case 0xF1: return (short) ((b[p + 1] & 0xff) | (b[p + 2] & 0xff) << 8);
            case 0xF2: {
                int v = (b[p + 1] & 0xff) | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff) << 16;
                return (v << 8) >> 8;
            }
            case 0xF3: return u32(b, p + 1);
            case 0xF4: {
                long v = 0;
                for (int i = 7; i >= 0; i--) v = (v << 8) | (b[p + 1 + i] & 0xff);
                return v;
            }
            default: throw new IllegalStateException("not an integer entry");
        }
    }

    /** Offset of the bytes of the string entry at b[p]. */
    public static int strStart(byte[] b, int p) {
        int e = b[p] & 0xff;
        if ((e & 0xC0) == 0x80) return p + 1;
        if ((e & 0xF0) == 0xE0) return p + 2;
        return p + 5;
    }

    /** Length of the string entry at b[p]. */
    public static int strLen(byte[] b, int p) {
        int e = b[p] & 0xff;
        if ((e & 0xC0) == 0x80) return e & 0x3F;
        if ((e & 0xF0) == 0xE0) return ((e & 0x0F) << 8) | (b[p + 1] & 0xff);
        return u32(b, p + 1);
    }

    /** Bytes the entry at b[p] occupies (encoding, data and backlen). */
    public static int entrySize(byte[] b, int p) {
        int l = encodedSize(b, p);
        return l + backlenSize(l);
    }

    /** Writes the header of the listpack b (its length is the total size) holding count entries. */
    public static void writeHeader(byte[] b, int count) {
        writeHeader(b, b.length, count);
    }

    private static void writeHeader(byte[] b, int bytes, int count) {
        b[0] = (byte) bytes;
        b[1] = (byte) (bytes >>> 8);
        b[2] = (byte) (bytes >>> 16);
        b[3] = (byte) (bytes >>> 24);
        int n = Math.min(count, NUMELE_UNKNOWN);
        b[4] = (byte) n;
        b[5] = (byte) (n >>> 8);
    }

    /** Size of s's entry (encoding, data, backlen), as Redis's lpEncodeGetType chooses. */
    public static int encodedEntrySize(byte[] s) {
        long[] v = new long[1];
        if (s.length <= 20 && strictLong(s, v)) return intEntrySize(v[0]);
        int enc = (s.length < 64 ? 1 : s.length < 4096 ? 2 : 5) + s.length;
        return enc + backlenSize(enc);
    }

    /** Writes s's entry (an integer when s is a canonical one) at out[at..]; returns the offset after it. */
    public static int writeEntry(byte[] out, int at, byte[] s) {
        long[] v = new long[1];
        if (s.length <= 20 && strictLong(s, v)) {
            byte[] e = encodeInt(v[0]);
            System.arraycopy(e, 0, out, at, e.length);
            return at + e.length;
        }
        int len = s.length;
        int hdr = len < 64 ? 1 : len < 4096 ? 2 : 5;
        if (hdr == 1) {
            out[at] = (byte) (0x80 | len);
        } else if (hdr == 2) {
            out[at] = (byte) (0xE0 | (len >>> 8));
            out[at + 1] = (byte) len;
        } else {
            out[at] = (byte) 0xF0;
            out[at + 1] = (byte) len;
            out[at + 2] = (byte) (len >>> 8);
            out[at + 3] = (byte) (len >>> 16);
            out[at + 4] = (byte) (len >>> 24);
        }
        System.arraycopy(s, 0, out, at + hdr, len);
        int encLen = hdr + len;
        writeBacklen(out, at + encLen, encLen);
        return at + encLen + backlenSize(encLen);
    }

    private static int intEntrySize(long v) {
        if (v >= 0 && v <= 127) return 2;
        if (v >= -4096 && v <= 4095) return 3;
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) return 4;
        if (v >= -(1 << 23) && v < (1 << 23)) return 5;
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return 6;
        return 10;
    }

    /** The entry at p as bytes (integers as their decimal text). */
    public byte[] get(int p) {
        if (isInt(p)) return Long.toString(getInt(p)).getBytes(StandardCharsets.US_ASCII);
        int s = strStart(p);
        return Arrays.copyOfRange(buf, s, s + strLen(p));
    }

    /** Whether the entry at p equals s (as Redis's lpCompare: integers compare as their text). */
    public boolean eq(int p, byte[] s) {
        if (isInt(p)) {
            long[] v = new long[1];
            return strictLong(s, v) && v[0] == getInt(p);
        }
        int len = strLen(p);
        if (len != s.length) return false;
        return Arrays.equals(buf, strStart(p), strStart(p) + len, s, 0, len);
    }

    /**
     * lpFind: the first entry from p (inclusive) equal to s, looking at one entry then skipping
     * {@code skip} (1 for the fields of a hash, whose values are skipped), or -1.
     */
    public int find(int p, byte[] s, int skip) {
        long[] v = new long[1];
        boolean sInt = strictLong(s, v);
        int k = 0;
        while (p >= 0) {
            if (k == 0) {
                boolean match;
                if (isInt(p)) match = sInt && getInt(p) == v[0];
                else {
                    int len = strLen(p);
                    match = len == s.length && Arrays.equals(buf, strStart(p), strStart(p) + len, s, 0, len);
                }
                if (match) return p;
                k = skip;
            } else {
                k--;
            }
            p = next(p);
        }
        return -1;
    }

    /** Bytes the entry at p occupies (encoding, data and backlen). */
    public int entrySize(int p) { return entrySize(buf, p); }

    // ------------------------------------------------------------------ writing

    /** Appends s at the tail. */
    public void append(byte[] s) { insertAt(bytes - 1, s); }

    /** Appends an integer at the tail. */
    public void append(long v) { insertEncoded(bytes - 1, encodeInt(v)); }

    /** Inserts s at the head. */
    public void prepend(byte[] s) { insertAt(HDR, s); }

    /** Inserts s before the entry at p (p may be the terminator's offset: append). Returns the new entry's offset. */
    public int insertBefore(int p, byte[] s) { return insertAt(p, s); }

    /** Inserts s after the entry at p. Returns the new entry's offset. */
    public int insertAfter(int p, byte[] s) { return insertAt(p + entrySize(p), s); }

    /** Replaces the entry at p with s. Returns its offset (p). */
    public int replace(int p, byte[] s) {
        byte[] enc = encode(s);
        int old = entrySize(p);
        int delta = enc.length - old;
        ensure(bytes + delta);
        System.arraycopy(buf, p + old, buf, p + enc.length, bytes - (p + old));
        System.arraycopy(enc, 0, buf, p, enc.length);
        bytes += delta;
        writeHeader();
        return p;
    }

    /** Deletes the entry at p. Returns the offset of the entry that followed it, or -1. */
    public int delete(int p) {
        int sz = entrySize(p);
        System.arraycopy(buf, p + sz, buf, p, bytes - (p + sz));
        bytes -= sz;
        count--;
        writeHeader();
        return p >= bytes - 1 ? -1 : p;
    }

    /** Deletes n consecutive entries starting at p. Returns the offset of the entry after them, or -1. */
    public int delete(int p, int n) {
        int q = p;
        int k = 0;
        while (k < n && q < bytes - 1) {
            q += entrySize(q);
            k++;
        }
        System.arraycopy(buf, q, buf, p, bytes - q);
        bytes -= q - p;
        count -= k;
        writeHeader();
        return p >= bytes - 1 ? -1 : p;
    }

    /** Deletes the entries with index [start, start+n). */
    public void deleteRange(long start, long n) {
        int p = seek(start);
        if (p >= 0 && n > 0) delete(p, (int) Math.min(n, Integer.MAX_VALUE));
    }

    private int insertAt(int at, byte[] s) {
        return insertEncoded(at, encode(s));
    }

    private int insertEncoded(int at, byte[] enc) {
        ensure(bytes + enc.length);
        System.arraycopy(buf, at, buf, at + enc.length, bytes - at);
        System.arraycopy(enc, 0, buf, at, enc.length);
        bytes += enc.length;
        count++;
        writeHeader();
        return at;
    }

    private void ensure(int need) {
        if (need <= buf.length) return;
        int cap = need < 64 ? need : need + Math.min(need >> 2, 4096);
        buf = Arrays.copyOf(buf, cap);
    }

    private void writeHeader() { writeHeader(buf, bytes, count); }

    // ------------------------------------------------------------------ encoding

    /** The full entry (encoding, data, backlen) for s, an integer when s is a canonical one. */
    static byte[] encode(byte[] s) {
        byte[] e = new byte[encodedEntrySize(s)];
        writeEntry(e, 0, s);
        return e;
    }

    static byte[] encodeInt(long v) {
        byte[] e;
        if (v >= 0 && v <= 127) {
            e = new byte[] {(byte) v, 1};
        } else if (v >= -4096 && v <= 4095) {
            int u = v < 0 ? (int) ((1 << 13) + v) : (int) v;
            e = new byte[] {(byte) (0xC0 | (u >>> 8)), (byte) u, 2};
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            e = new byte[] {(byte) 0xF1, (byte) v, (byte) (v >>> 8), 3};
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
            e = new byte[] {(byte) 0xF2, (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), 4};
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            e = new byte[] {(byte) 0xF3, (byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24), 5};
        } else {
            e = new byte[10];
            e[0] = (byte) 0xF4;
            for (int i = 0; i < 8; i++) e[1 + i] = (byte) (v >>> (8 * i));
            e[9] = 9;
        }
        return e;
    }

    /** Length of an entry's encoding and data (without backlen), trusting the bytes. */
    private static int encodedSize(byte[] b, int p) {
        int e = b[p] & 0xff;
        if ((e & 0x80) == 0) return 1;
        if ((e & 0xC0) == 0x80) return 1 + (e & 0x3F);
        if ((e & 0xE0) == 0xC0) return 2;
        if ((e & 0xF0) == 0xE0) return 2 + (((e & 0x0F) << 8) | (b[p + 1] & 0xff));
        switch (e) {
            case 0xF0: return 5 + u32(b, p + 1);
            case 0xF1: return 3;
            case 0xF2: return 4;
            case 0xF3: return 5;
            case 0xF4: return 9;
            default: throw new IllegalStateException("bad listpack encoding " + e);
        }
    }

    /** As encodedSize, for untrusted bytes: -1 if the encoding is invalid or runs past end. */
    private static long encodedSizeChecked(byte[] b, int p, int end) {
        int e = b[p] & 0xff;
        long len;
        if ((e & 0x80) == 0) len = 1;
        else if ((e & 0xC0) == 0x80) len = 1 + (e & 0x3F);
        else if ((e & 0xE0) == 0xC0) len = 2;
        else if ((e & 0xF0) == 0xE0) {
            if (p + 1 >= end) return -1;
            len = 2 + (((e & 0x0F) << 8) | (b[p + 1] & 0xff));
        } else {
            switch (e) {
                case 0xF0:
                    if (p + 4 >= end) return -1;
                    len = 5 + (u32(b, p + 1) & 0xffffffffL);
                    break;
                case 0xF1: len = 3; break;
                case 0xF2: len = 4; break;
                case 0xF3: len = 5; break;
                case 0xF4: len = 9; break;
                default: return -1;
            }
        }
        return p + len > end ? -1 : len;
    }

    static int backlenSize(long l) {
        if (l <= 127) return 1;
        if (l < 16383) return 2;
        if (l < 2097151) return 3;
        if (l < 268435455) return 4;
        return 5;
    }

    /** Writes the backlen of an entry of encoded length l at e[at..]. */
    private static void writeBacklen(byte[] e, int at, long l) {
        int n = backlenSize(l);
        // The last byte holds the lowest 7 bits; every byte but the first has its high bit set.
        for (int i = n - 1; i >= 0; i--) {
            int bits = (int) (l & 127);
            l >>>= 7;
            e[at + i] = (byte) (i == 0 ? bits : bits | 128);
        }
    }

    /** The backlen ending at index p (its last byte), read backwards; -1 if it runs off the array. */
    private static long decodeBacklen(byte[] b, int p) {
        long v = 0;
        int shift = 0;
        while (true) {
            if (p < 0 || shift > 28) return -1;
            int x = b[p] & 0xff;
            v |= (long) (x & 127) << shift;
            if ((x & 128) == 0) return v;
            shift += 7;
            p--;
        }
    }

    private static int u32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    /** Redis's string2ll (strict: canonical decimal, fits 64 bits). */
    public static boolean strictLong(byte[] s, long[] out) {
        int n = s.length;
        if (n == 0 || n > 20) return false;
        if (n == 1 && s[0] == '0') { out[0] = 0; return true; }
        int i = 0;
        boolean neg = false;
        if (s[0] == '-') {
            if (n == 1) return false;
            neg = true;
            i = 1;
        }
        if (s[i] < '1' || s[i] > '9') return false;
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) return false;
            if (v < (Long.MIN_VALUE + d) / 10) return false;
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) return false;
            v = -v;
        }
        out[0] = v;
        return true;
    }
}
