package io.vermilion.types;

import java.nio.charset.StandardCharsets;

/**
 * A stream entry ID: two unsigned 64-bit numbers (milliseconds, sequence), ordered as the 128-bit
 * big-endian number Redis uses as radix-tree key. Immutable; the Java longs hold the unsigned
 * values, so every comparison and every text form is unsigned.
 */
public final class StreamId implements Comparable<StreamId> {
    public static final StreamId ZERO = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    public final long ms;
    public final long seq;

    public StreamId(long ms, long seq) {
        this.ms = ms;
        this.seq = seq;
    }

    public static StreamId of(long ms, long seq) {
        return ms == 0 && seq == 0 ? ZERO : new StreamId(ms, seq);
    }

    public boolean isZero() { return ms == 0 && seq == 0; }

    public boolean isMax() { return ms == -1L && seq == -1L; }

    @Override public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    public static int compare(long ams, long aseq, long bms, long bseq) {
        int c = Long.compareUnsigned(ams, bms);
        return c != 0 ? c : Long.compareUnsigned(aseq, bseq);
    }

    /** The next ID, or null when this is the largest one (Redis's streamIncrID failing). */
    public StreamId next() {
        if (seq == -1L) {
            if (ms == -1L) return null;
            return new StreamId(ms + 1, 0);
        }
        return new StreamId(ms, seq + 1);
    }

    /** The previous ID, or null when this is 0-0 (streamDecrID failing). */
    public StreamId prev() {
        if (seq == 0) {
            if (ms == 0) return null;
            return new StreamId(ms - 1, -1L);
        }
        return new StreamId(ms, seq - 1);
    }

    @Override public boolean equals(Object o) {
        return o instanceof StreamId s && s.ms == ms && s.seq == seq;
    }

    @Override public int hashCode() {
        return Long.hashCode(ms) * 31 + Long.hashCode(seq);
    }

    /** "ms-seq", both unsigned decimal. */
    @Override public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The 16-byte big-endian form (radix-tree key, RDB node keys and PEL IDs). */
    public byte[] encode() {
        byte[] b = new byte[16];
        encode(b, 0);
        return b;
    }

    public void encode(byte[] b, int off) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (ms >>> (56 - 8 * i));
            b[off + 8 + i] = (byte) (seq >>> (56 - 8 * i));
        }
    }

    public static StreamId decode(byte[] b, int off) {
        long ms = 0, seq = 0;
        for (int i = 0; i < 8; i++) {
            ms = (ms << 8) | (b[off + i] & 0xff);
            seq = (seq << 8) | (b[off + 8 + i] & 0xff);
        }
        return of(ms, seq);
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Redis's string2ull on a C string: a canonical integer (string2ll) that is not negative, or
     * else what strtoull accepts in base 10 over the whole text (leading blanks, a sign — a minus
     * wraps around —, leading zeros), failing on overflow. Returns false if not a number.
     */
    public static boolean parseUnsigned(byte[] s, int from, int to, long[] out) {
        // strict canonical form first
        int n = to - from;
        if (n == 0) return false;
        int i = from;
        while (i < to && isSpace(s[i])) i++;
        boolean neg = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        if (i == to || s[i] < '0' || s[i] > '9') return false;
        long v = 0;
        for (; i < to; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) return false;
            // v * 10 + d must stay below 2^64
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) return false;
            long t = v * 10;
            long r = t + d;
            if (Long.compareUnsigned(r, t) < 0) return false;
            v = r;
        }
        if (neg) {
            // string2ll succeeds on a canonical negative number and string2ull then refuses it;
            // only non-canonical negative forms reach strtoull, which negates.
            if (canonicalNegative(s, from, to)) return false;
            v = -v;
        }
        out[0] = v;
        return true;
    }

    private static boolean canonicalNegative(byte[] s, int from, int to) {
        if (to - from < 2 || s[from] != '-' || s[from + 1] < '1' || s[from + 1] > '9') return false;
        if (to - from > 20) return false;
        long[] v = new long[1];
        return Listpack.strictLong(java.util.Arrays.copyOfRange(s, from, to), v);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
    }
}
