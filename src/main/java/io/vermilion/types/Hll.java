package io.vermilion.types;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * HyperLogLog values in Redis 7.0's byte format (a string value, as in Redis), so that a value
 * written by either server reads identically on the other and the same commands produce the same
 * bytes.
 *
 * <p>Layout: a 16-byte header ("HYLL", encoding byte 0 = dense / 1 = sparse, 3 unused bytes, the
 * cached cardinality as a little-endian 64-bit integer whose top bit marks the cache invalid),
 * then the registers. Dense: 16384 six-bit registers packed from the least significant bit of
 * each byte upwards (12288 bytes). Sparse: a run-length sequence of opcodes, ZERO
 * ({@code 00xxxxxx}: 1..64 zero registers), XZERO ({@code 01xxxxxx yyyyyyyy}: 1..16384 zero
 * registers) and VAL ({@code 1vvvvvxx}: value 1..32 repeated 1..4 times).
 *
 * <p>Elements are hashed with MurmurHash64A (seed 0xadc83b19); the low 14 bits pick the register
 * and the position of the first set bit among the remaining 50 (1-based, at most 51) is the value.
 * The estimate is Ertl's improved estimator over the register histogram (hllTau / hllSigma), the
 * one Redis 7.0 uses.
 *
 * <p>Sparse updates reproduce Redis's in-place algorithm exactly (how a run is split, which
 * neighbouring VAL opcodes are merged afterwards, when the value is promoted to dense), because
 * the sparse form is not canonical and the bytes must match Redis's.
 *
 * <p>All methods work on an {@link Sds} owned by one key (the caller unshares first); a sparse
 * value may grow or be replaced by its dense form. Bytes at or after the string's length read as
 * zero (Redis relies on the sds terminator in the same places).
 */
public final class Hll {
    private Hll() {}

    public static final int HDR = 16;
    public static final int P = 14;
    public static final int Q = 64 - P;
    public static final int REGISTERS = 1 << P;
    public static final int BITS = 6;
    public static final int REGISTER_MAX = (1 << BITS) - 1;
    public static final int DENSE_SIZE = HDR + (REGISTERS * BITS + 7) / 8;
    public static final int DENSE = 0;
    public static final int SPARSE = 1;
    static final int SPARSE_VAL_MAX_VALUE = 32;
    static final int SPARSE_VAL_MAX_LEN = 4;
    static final int SPARSE_ZERO_MAX_LEN = 64;
    static final int SPARSE_XZERO_MAX_LEN = 16384;
    static final long SEED = 0xadc83b19L;
    private static final double ALPHA_INF = 0.721347520444481703680; // 0.5 / ln(2)

    public static final String INVALID_HLL = "INVALIDOBJ Corrupted HLL object detected";
    public static final String NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value.";

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    // ------------------------------------------------------------------ hashing

    /** MurmurHash64A as Redis uses it (little-endian 8-byte blocks on every platform). */
    public static long murmur64a(byte[] key, int off, int len, long seed) {
        final long m = 0xc6a4a7935bd1e995L;
        final int r = 47;
        long h = (seed & 0xffffffffL) ^ (len * m);
        int end = off + (len & ~7);
        int i = off;
        for (; i < end; i += 8) {
            long k = (long) LONG_LE.get(key, i);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        int rest = len & 7;
        if (rest != 0) {
            for (int j = rest - 1; j >= 0; j--) h ^= (long) (key[i + j] & 0xff) << (8 * j);
            h *= m;
        }
        h ^= h >>> r;
        h *= m;
        h ^= h >>> r;
        return h;
    }

    /** The register an element's hash selects. */
    static int index(long hash) {
        return (int) (hash & (REGISTERS - 1));
    }

    /** The register value for a hash: 1 + the number of zero bits before the first 1 (at most Q+1). */
    static int count(long hash) {
        return Long.numberOfTrailingZeros((hash >>> P) | (1L << Q)) + 1;
    }

    // ------------------------------------------------------------------ header

    /** Redis's isHLLObjectOrReply test on the bytes of a string value. */
    public static boolean isValid(byte[] a, int len) {
        if (len < HDR) return false;
        if (a[0] != 'H' || a[1] != 'Y' || a[2] != 'L' || a[3] != 'L') return false;
        int enc = a[4] & 0xff;
        if (enc > SPARSE) return false;
        return enc != DENSE || len == DENSE_SIZE;
    }

    public static int encoding(Sds s) {
        return s.buf[4];
    }

    public static boolean cacheValid(Sds s) {
        return (s.buf[15] & 0x80) == 0;
    }

    public static void invalidateCache(Sds s) {
        s.buf[15] |= (byte) 0x80;
    }

    public static long cachedCardinality(Sds s) {
        return (long) LONG_LE.get(s.buf, 8);
    }

    static void setCachedCardinality(Sds s, long card) {
        LONG_LE.set(s.buf, 8, card);
    }

    /** A new, empty HLL: sparse, one XZERO opcode for all registers, cached cardinality 0 (valid). */
    public static Sds create() {
        Sds s = new Sds(HDR + 2);
        byte[] a = s.buf;
        a[0] = 'H';
        a[1] = 'Y';
        a[2] = 'L';
        a[3] = 'L';
        a[4] = SPARSE;
        int l = REGISTERS - 1;
        a[HDR] = (byte) (0x40 | (l >>> 8));
        a[HDR + 1] = (byte) l;
        return s;
    }

    // ------------------------------------------------------------------ dense registers

    /** Register i of a dense HLL whose register bytes start at base. */
    static int denseGet(byte[] a, int base, int i) {
        int bit = i * BITS;
        int b = base + (bit >>> 3);
        int fb = bit & 7;
        int v = (a[b] & 0xff) >>> fb;
        if (fb > 2) v |= (a[b + 1] & 0xff) << (8 - fb); // the register continues in the next byte
        return v & REGISTER_MAX;
    }

    static void denseSet(byte[] a, int base, int i, int val) {
        int bit = i * BITS;
        int b = base + (bit >>> 3);
        int fb = bit & 7;
        a[b] = (byte) ((a[b] & ~(REGISTER_MAX << fb)) | (val << fb));
        if (fb > 2) {
            int rs = 8 - fb;
            a[b + 1] = (byte) ((a[b + 1] & ~(REGISTER_MAX >>> rs)) | (val >>> rs));
        }
    }

    /** Sets register i of a dense HLL to val if that is larger; true if it changed. */
    static boolean denseRaise(byte[] a, int i, int val) {
        if (val <= denseGet(a, HDR, i)) return false;
        denseSet(a, HDR, i, val);
        return true;
    }

    /** The histogram of the register values of a dense HLL (16 registers from each 12 bytes). */
    static void denseHisto(byte[] a, int[] histo) {
        for (int p = HDR, end = HDR + REGISTERS * BITS / 8; p < end; p += 12) {
            // Registers are packed from the LSB up, so 6 bytes read little-endian hold 8 whole registers.
            long w0 = (a[p] & 0xffL) | (a[p + 1] & 0xffL) << 8 | (a[p + 2] & 0xffL) << 16 | (a[p + 3] & 0xffL) << 24
                    | (a[p + 4] & 0xffL) << 32 | (a[p + 5] & 0xffL) << 40;
            long w1 = (a[p + 6] & 0xffL) | (a[p + 7] & 0xffL) << 8 | (a[p + 8] & 0xffL) << 16 | (a[p + 9] & 0xffL) << 24
                    | (a[p + 10] & 0xffL) << 32 | (a[p + 11] & 0xffL) << 40;
            for (int k = 0; k < 48; k += 6) {
                histo[(int) (w0 >>> k) & 63]++;
                histo[(int) (w1 >>> k) & 63]++;
            }
        }
    }

    // ------------------------------------------------------------------ sparse

    private static int at(Sds s, int i) {
        return i < s.len ? s.buf[i] & 0xff : 0;
    }

    private static boolean isZero(int op) { return (op & 0xc0) == 0; }
    private static boolean isXzero(int op) { return (op & 0xc0) == 0x40; }
    private static boolean isVal(int op) { return (op & 0x80) != 0; }
    private static int zeroLen(int op) { return (op & 0x3f) + 1; }
    private static int valValue(int op) { return ((op >>> 2) & 0x1f) + 1; }
    private static int valLen(int op) { return (op & 0x3) + 1; }
    private static byte val(int value, int len) { return (byte) (0x80 | (value - 1) << 2 | (len - 1)); }

    /** Appends the zero run of len registers as ZERO or XZERO; returns the new write position. */
    private static int putZeros(byte[] seq, int n, int len) {
        if (len > SPARSE_ZERO_MAX_LEN) {
            seq[n++] = (byte) (0x40 | ((len - 1) >>> 8));
            seq[n++] = (byte) (len - 1);
        } else {
            seq[n++] = (byte) (len - 1);
        }
        return n;
    }

    private static void ensureCapacity(Sds s, int need) {
        if (need > s.buf.length) s.buf = Arrays.copyOf(s.buf, Math.max(need, s.buf.length * 2));
    }

    /**
     * Converts a sparse HLL to dense (the header, cached cardinality included, is kept; the
     * encoding byte becomes dense). False, leaving s as it was, if the sparse data does not
     * describe exactly 16384 registers.
     */
    public static boolean toDense(Sds s) {
        if (s.buf[4] == DENSE) return true;
        byte[] d = new byte[DENSE_SIZE];
        System.arraycopy(s.buf, 0, d, 0, HDR);
        d[4] = DENSE;
        int idx = 0;
        int p = HDR;
        while (p < s.len) {
            int op = s.buf[p] & 0xff;
            if (isZero(op)) {
                idx += zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                idx += ((op & 0x3f) << 8 | at(s, p + 1)) + 1;
                p += 2;
            } else {
                int run = valLen(op), v = valValue(op);
                if (idx + run > REGISTERS) break;
                for (int k = 0; k < run; k++) denseSet(d, HDR, idx++, v);
                p++;
            }
        }
        if (idx != REGISTERS) return false;
        s.buf = d;
        s.len = DENSE_SIZE;
        return true;
    }

    /**
     * Sets register index of a sparse HLL to count if that is larger (Redis's hllSparseSet).
     * Returns 1 if it changed (the cache is then invalidated), 0 if not, -1 if the data is corrupt.
     * May promote to dense: when count exceeds what VAL can hold or the value would grow past
     * maxSparseBytes (hll-sparse-max-bytes).
     */
    public static int sparseSet(Sds s, int index, int count, long maxSparseBytes) {
        if (count > SPARSE_VAL_MAX_VALUE) return promote(s, index, count);
        ensureCapacity(s, s.len + 5); // a split writes at most 5 bytes where 1 or 2 were
        byte[] a = s.buf;
        int end = s.len;
        // Find the opcode covering the register: p, the register it starts at, and its predecessor.
        int p = HDR, first = 0, span = 0, prev = -1;
        while (p < end) {
            int op = a[p] & 0xff;
            int oplen = 1;
            if (isZero(op)) {
                span = zeroLen(op);
            } else if (isVal(op)) {
                span = valLen(op);
            } else {
                span = ((op & 0x3f) << 8 | at(s, p + 1)) + 1;
                oplen = 2;
            }
            if (index <= first + span - 1) break;
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) return -1;
        int op = a[p] & 0xff;
        int oplen = isXzero(op) ? 2 : 1;
        int next = p + oplen < end ? p + oplen : -1;

        if (isVal(op)) {
            if (valValue(op) >= count) return 0;
            if (valLen(op) == 1) {
                a[p] = val(count, 1);
                return merged(s, prev, p);
            }
        } else if (isZero(op) && zeroLen(op) == 1) {
            a[p] = val(count, 1);
            return merged(s, prev, p);
        }

        // Split the run into (left part) VAL(count,1) (right part).
        byte[] seq = new byte[5];
        int n = 0;
        int last = first + span - 1;
        if (isVal(op)) {
            int cur = valValue(op);
            if (index != first) seq[n++] = val(cur, index - first);
            seq[n++] = val(count, 1);
            if (index != last) seq[n++] = val(cur, last - index);
        } else {
            if (index != first) n = putZeros(seq, n, index - first);
            seq[n++] = val(count, 1);
            if (index != last) n = putZeros(seq, n, last - index);
        }
        int delta = n - oplen;
        if (delta > 0 && (long) s.len + delta > maxSparseBytes) return promote(s, index, count);
        if (delta != 0 && next >= 0) System.arraycopy(a, next, a, next + delta, end - next);
        s.len += delta;
        if (delta < 0) Arrays.fill(a, s.len, s.len - delta, (byte) 0); // bytes past the end read as 0
        System.arraycopy(seq, 0, a, p, n);
        return merged(s, prev, p);
    }

    /**
     * After an update: merges adjacent VAL opcodes of equal value whose lengths fit one opcode,
     * looking at up to five opcodes from the one before the change, then invalidates the cache.
     */
    private static int merged(Sds s, int prev, int p0) {
        byte[] a = s.buf;
        int p = prev >= 0 ? prev : HDR;
        for (int steps = 0; steps < 5 && p < s.len; steps++) {
            int op = a[p] & 0xff;
            if (isXzero(op)) {
                p += 2;
            } else if (isZero(op)) {
                p++;
            } else {
                if (p + 1 < s.len && isVal(a[p + 1] & 0xff)) {
                    int nextOp = a[p + 1] & 0xff;
                    int len = valLen(op) + valLen(nextOp);
                    if (valValue(op) == valValue(nextOp) && len <= SPARSE_VAL_MAX_LEN) {
                        System.arraycopy(a, p + 1, a, p, s.len - p - 1);
                        a[p] = val(valValue(op), len);
                        s.len--;
                        a[s.len] = 0;
                        continue; // the merged opcode may merge again with the next one
                    }
                }
                p++;
            }
        }
        invalidateCache(s);
        return 1;
    }

    private static int promote(Sds s, int index, int count) {
        if (!toDense(s)) return -1;
        denseRaise(s.buf, index, count);
        return 1;
    }

    /** Register histogram of a sparse HLL; false if the opcodes do not cover exactly 16384 registers. */
    static boolean sparseHisto(Sds s, int[] histo) {
        byte[] a = s.buf;
        int idx = 0;
        int p = HDR;
        while (p < s.len) {
            int op = a[p] & 0xff;
            if (isZero(op)) {
                int run = zeroLen(op);
                idx += run;
                histo[0] += run;
                p++;
            } else if (isXzero(op)) {
                int run = ((op & 0x3f) << 8 | at(s, p + 1)) + 1;
                idx += run;
                histo[0] += run;
                p += 2;
            } else {
                int run = valLen(op);
                idx += run;
                histo[valValue(op)] += run;
                p++;
            }
        }
        return idx == REGISTERS;
    }

    // ------------------------------------------------------------------ adding, counting, merging

    /** Adds an element (PFADD): 1 if a register changed, 0 if not, -1 if the HLL is corrupt. */
    public static int add(Sds s, byte[] ele, long maxSparseBytes) {
        long h = murmur64a(ele, 0, ele.length, SEED);
        int index = index(h), count = count(h);
        if (s.buf[4] == DENSE) return denseRaise(s.buf, index, count) ? 1 : 0;
        return sparseSet(s, index, count, maxSparseBytes);
    }

    /**
     * PFCOUNT of one HLL: the cached value when valid, else the estimate, which is then cached.
     * Returns -1 if the sparse data is corrupt (nothing is changed then).
     */
    public static long cardinality(Sds s) {
        if (cacheValid(s)) return cachedCardinality(s);
        int[] histo = new int[64];
        if (s.buf[4] == DENSE) {
            denseHisto(s.buf, histo);
        } else if (!sparseHisto(s, histo)) {
            return -1;
        }
        long card = estimate(histo);
        setCachedCardinality(s, card);
        return card;
    }

    /** Whether {@link #cardinality} would recompute (and so write) the cache. */
    public static boolean needsCount(Sds s) {
        return !cacheValid(s);
    }

    /** The estimate for 16384 registers given as one byte each (the union PFCOUNT builds). */
    public static long estimateRaw(byte[] registers) {
        int[] histo = new int[64];
        for (int i = 0; i < REGISTERS; i += 8) {
            if ((long) LONG_LE.get(registers, i) == 0) {
                histo[0] += 8;
            } else {
                for (int k = 0; k < 8; k++) histo[registers[i + k]]++;
            }
        }
        return estimate(histo);
    }

    /** Ertl's estimator over a register histogram (Redis 7.0's hllCount). */
    static long estimate(int[] histo) {
        double m = REGISTERS;
        double z = m * tau((m - histo[Q + 1]) / m);
        for (int j = Q; j >= 1; --j) {
            z += histo[j];
            z *= 0.5;
        }
        z += m * sigma(histo[0] / m);
        return Math.round(ALPHA_INF * m * m / z);
    }

    static double sigma(double x) {
        if (x == 1.) return Double.POSITIVE_INFINITY;
        double zPrime;
        double y = 1;
        double z = x;
        do {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    static double tau(double x) {
        if (x == 0. || x == 1.) return 0.;
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do {
            x = Math.sqrt(x);
            zPrime = z;
            y *= 0.5;
            double d = 1 - x;
            z -= d * d * y;
        } while (zPrime != z);
        return z / 3;
    }

    /**
     * Raises max[i] to the registers of an HLL held in a[0..len) (validated with
     * {@link #isValid}); false if its sparse data is corrupt.
     */
    public static boolean mergeInto(byte[] max, byte[] a, int len) {
        if (a[4] == DENSE) {
            // 6 bytes read little-endian hold 8 whole registers (see denseHisto).
            for (int p = HDR, i = 0; i < REGISTERS; p += 6) {
                long w = (a[p] & 0xffL) | (a[p + 1] & 0xffL) << 8 | (a[p + 2] & 0xffL) << 16 | (a[p + 3] & 0xffL) << 24
                        | (a[p + 4] & 0xffL) << 32 | (a[p + 5] & 0xffL) << 40;
                if (w == 0) {
                    i += 8;
                    continue;
                }
                for (int k = 0; k < 48; k += 6, i++) {
                    int v = (int) (w >>> k) & 63;
                    if (v > max[i]) max[i] = (byte) v;
                }
            }
            return true;
        }
        int i = 0;
        int p = HDR;
        while (p < len) {
            int op = a[p] & 0xff;
            if (isZero(op)) {
                i += zeroLen(op);
                p++;
            } else if (isXzero(op)) {
                i += ((op & 0x3f) << 8 | (p + 1 < len ? a[p + 1] & 0xff : 0)) + 1;
                p += 2;
            } else {
                int run = valLen(op), v = valValue(op);
                if (run + i > REGISTERS) break;
                for (int k = 0; k < run; k++, i++) if (v > max[i]) max[i] = (byte) v;
                p++;
            }
        }
        return i == REGISTERS;
    }

    /**
     * Writes merged registers into a destination HLL (PFMERGE): dense registers are raised
     * directly, sparse ones through {@link #sparseSet} (which may promote), then the cache is
     * invalidated.
     */
    public static void storeMerged(Sds dst, byte[] max, long maxSparseBytes) {
        for (int j = 0; j < REGISTERS; j++) {
            if (max[j] == 0) continue;
            if (dst.buf[4] == DENSE) denseRaise(dst.buf, j, max[j]);
            else sparseSet(dst, j, max[j], maxSparseBytes);
        }
        invalidateCache(dst);
    }

    // ------------------------------------------------------------------ PFDEBUG helpers

    /** All 16384 registers of a dense HLL. */
    public static int[] registers(Sds s) {
        int[] r = new int[REGISTERS];
        for (int i = 0; i < REGISTERS; i++) r[i] = denseGet(s.buf, HDR, i);
        return r;
    }

    /** PFDEBUG DECODE's text for a sparse HLL: "z:N", "Z:N", "v:V,N" separated by spaces. */
    public static String decode(Sds s) {
        StringBuilder sb = new StringBuilder();
        int p = HDR;
        while (p < s.len) {
            int op = s.buf[p] & 0xff;
            if (sb.length() > 0) sb.append(' ');
            if (isZero(op)) {
                sb.append("z:").append(zeroLen(op));
                p++;
            } else if (isXzero(op)) {
                sb.append("Z:").append(((op & 0x3f) << 8 | at(s, p + 1)) + 1);
                p += 2;
            } else {
                sb.append("v:").append(valValue(op)).append(',').append(valLen(op));
                p++;
            }
        }
        return sb.toString();
    }

    /**
     * PFSELFTEST: dense registers keep what is stored in them without disturbing neighbours, and
     * for unique elements up to 10 million the dense and sparse representations agree and the
     * estimate stays within six standard errors. Returns null on success, else the failure text.
     */
    public static String selfTest(long maxSparseBytes, java.util.Random rnd) {
        byte[] dense = new byte[DENSE_SIZE];
        byte[] expect = new byte[REGISTERS];
        for (int cycle = 0; cycle < 1000; cycle++) {
            for (int i = 0; i < REGISTERS; i++) {
                int r = rnd.nextInt(REGISTER_MAX + 1);
                expect[i] = (byte) r;
                denseSet(dense, HDR, i, r);
            }
            for (int i = 0; i < REGISTERS; i++) {
                int v = denseGet(dense, HDR, i);
                if (v != expect[i]) return "TESTFAILED Register " + i + " should be " + expect[i] + " but is " + v;
            }
        }
        Sds d = new Sds(DENSE_SIZE);
        d.buf[4] = DENSE;
        Sds sp = create();
        double relerr = 1.04 / Math.sqrt(REGISTERS);
        long checkpoint = 1;
        long seed = rnd.nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000; j++) {
            LONG_LE.set(ele, 0, j ^ seed);
            long h = murmur64a(ele, 0, 8, SEED);
            denseRaise(d.buf, index(h), count(h));
            if (sp.buf[4] == DENSE) denseRaise(sp.buf, index(h), count(h));
            else sparseSet(sp, index(h), count(h), maxSparseBytes);
            if (j != checkpoint) continue;
            if (j < maxSparseBytes / 2 && sp.buf[4] != SPARSE) return "TESTFAILED sparse encoding not used";
            invalidateCache(d);
            invalidateCache(sp);
            long cd = cardinality(d);
            if (cd != cardinality(sp)) return "TESTFAILED dense/sparse disagree";
            long abserr = Math.abs(checkpoint - cd);
            long maxerr = (long) Math.ceil(relerr * 6 * checkpoint);
            if (j == 10) maxerr = 1;
            if (abserr > maxerr) return "TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr;
            checkpoint *= 10;
        }
        return null;
    }
}
