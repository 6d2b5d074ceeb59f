package io.vermilion.util;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * An exact model of the x87 80-bit {@code long double} that Redis uses for INCRBYFLOAT and
 * HINCRBYFLOAT on x86-64: a 64-bit binary significand, exponents down to the subnormal quantum
 * 2<sup>-16445</sup>, and overflow to infinity at 2<sup>16384</sup>. Every value is held exactly as
 * {@code ±mant × 2^exp}; parsing and addition compute the exact result with big integers and
 * then round once to the nearest representable value (ties to even), which is what glibc's
 * {@code strtold} and the FPU's addition do. Formatting is {@code printf("%.17Lf")} (also exact,
 * ties to even) followed by Redis's trailing-zero trim, so replies match Redis byte for byte.
 *
 * <p>Instances are immutable. Only the operations Redis needs exist: parse, from a long, add,
 * and the "human" string form.
 */
public final class LongDouble {
    /** Bits of the significand, including the explicit integer bit. */
    static final int PRECISION = 64;
    /** Exponent of the smallest subnormal's unit: values are multiples of 2^MIN_QUANTUM. */
    static final int MIN_QUANTUM = -16445;
    /** Values of magnitude 2^MAX_BITS or more overflow to infinity. */
    static final int MAX_BITS = 16384;
    /** string2ld's buffer: strings of this length or longer are rejected. */
    public static final int MAX_CHARS = 5 * 1024;

    private static final int FINITE = 0, INF = 1, NAN = 2;
    private static final BigInteger TEN17 = BigInteger.TEN.pow(17);

    public static final LongDouble ZERO = new LongDouble(FINITE, false, BigInteger.ZERO, 0);

    private final int kind;
    private final boolean negative;
    private final BigInteger mant;   // < 2^64, zero for ±0
    private final int exp;

    private LongDouble(int kind, boolean negative, BigInteger mant, int exp) {
        this.kind = kind;
        this.negative = negative;
        this.mant = mant;
        this.exp = exp;
    }

    private static LongDouble inf(boolean negative) {
        return new LongDouble(INF, negative, BigInteger.ZERO, 0);
    }

    private static LongDouble zero(boolean negative) {
        return negative ? new LongDouble(FINITE, true, BigInteger.ZERO, 0) : ZERO;
    }

    public boolean isNaN() { return kind == NAN; }
    public boolean isInfinite() { return kind == INF; }
    public boolean isFinite() { return kind == FINITE; }
    public boolean isZero() { return kind == FINITE && mant.signum() == 0; }
    public boolean isNegative() { return negative; }

    /** A long converts exactly: 64 significand bits hold every long. */
    public static LongDouble of(long v) {
        if (v == 0) return ZERO;
        BigInteger m = BigInteger.valueOf(v).abs();
        int shift = m.getLowestSetBit();
        return new LongDouble(FINITE, v < 0, m.shiftRight(shift), shift);
    }

    // ------------------------------------------------------------------ parsing

    /**
     * Parses s as Redis's string2ld: the whole string must be a number strtold accepts (decimal or
     * hexadecimal, optional sign, "inf"/"infinity"), with no leading space, shorter than
     * {@link #MAX_CHARS}, not NaN, and not overflowing to infinity or underflowing to zero.
     * Returns null when Redis would reject the string.
     */
    public static LongDouble parse(byte[] s) {
        return parse(s, 0, s.length);
    }

    public static LongDouble parse(byte[] s, int off, int len) {
        if (len == 0 || len >= MAX_CHARS) return null;
        int i = off, end = off + len;
        boolean neg = false;
        if (s[i] == '+' || s[i] == '-') {
            neg = s[i] == '-';
            i++;
        }
        if (i == end) return null;
        int rest = end - i;
        if (matchesWord(s, i, rest, "inf") || matchesWord(s, i, rest, "infinity")) return inf(neg);
        // Anything else that is not a plain number (NaN spellings included) is rejected: strtold
        // would either stop early or produce a NaN, and Redis refuses both.
        if (rest >= 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            return parseHex(s, i + 2, end, neg);
        }
        return parseDecimal(s, i, end, neg);
    }

    private static boolean matchesWord(byte[] s, int i, int n, String word) {
        if (n != word.length()) return false;
        for (int k = 0; k < n; k++) {
            int c = s[i + k];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != word.charAt(k)) return false;
        }
        return true;
    }

    private static LongDouble parseDecimal(byte[] s, int i, int end, boolean neg) {
        StringBuilder digits = new StringBuilder();
        int fracDigits = 0;
        int seen = 0;
        boolean dot = false;
        for (; i < end; i++) {
            byte c = s[i];
            if (c >= '0' && c <= '9') {
                seen++;
                if (digits.length() > 0 || c != '0') digits.append((char) c);
                if (dot) fracDigits++;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (seen == 0) return null;
        long e10 = 0;
        if (i < end) {
            if (s[i] != 'e' && s[i] != 'E') return null;
            i++;
            long[] ex = new long[1];
            i = parseExponent(s, i, end, ex);
            if (i != end) return null;
            e10 = ex[0];
        }
        if (digits.length() == 0) return zero(neg);
        e10 -= fracDigits;
        // Decide over/underflow from the order of magnitude before building huge powers of ten:
        // the value lies in [10^order, 10^(order+1)).
        long order = e10 + digits.length() - 1;
        if (order > 4933) return null;    // overflows to infinity (ERANGE): rejected
        if (order < -4952) return null;   // below half the smallest subnormal: underflows to zero
        BigInteger m = new BigInteger(digits.toString());
        BigInteger n, d;
        if (e10 >= 0) {
            n = m.multiply(BigInteger.TEN.pow((int) e10));
            d = BigInteger.ONE;
        } else {
            n = m;
            d = BigInteger.TEN.pow((int) -e10);
        }
        return checked(round(neg, n, d, 0));
    }

    private static LongDouble parseHex(byte[] s, int i, int end, boolean neg) {
        BigInteger m = BigInteger.ZERO;
        int fracDigits = 0;
        int seen = 0;
        boolean dot = false;
        StringBuilder hex = new StringBuilder();
        for (; i < end; i++) {
            int c = s[i];
            int v = Character.digit(c, 16);
            if (v >= 0 && c < 128) {
                seen++;
                if (hex.length() > 0 || v != 0) hex.append((char) c);
                if (dot) fracDigits++;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (seen == 0) return null;   // "0x" alone: strtold stops after the 0
        long e2 = 0;
        if (i < end) {
            if (s[i] != 'p' && s[i] != 'P') return null;
            i++;
            long[] ex = new long[1];
            i = parseExponent(s, i, end, ex);
            if (i != end) return null;
            e2 = ex[0];
        }
        if (hex.length() == 0) return zero(neg);
        m = new BigInteger(hex.toString(), 16);
        e2 -= 4L * fracDigits;
        long top = e2 + m.bitLength();          // value in [2^(top-1), 2^top)
        if (top > MAX_BITS + 1) return null;      // overflow, as above
        if (top < MIN_QUANTUM - 1) return null;   // underflow to zero
        return checked(round(neg, m, BigInteger.ONE, e2));
    }

    /** Parses [+-]digits at i into out[0] (saturated); returns the index after it, or -1. */
    private static int parseExponent(byte[] s, int i, int end, long[] out) {
        boolean neg = false;
        if (i < end && (s[i] == '+' || s[i] == '-')) {
            neg = s[i] == '-';
            i++;
        }
        int start = i;
        long v = 0;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            if (v < 1_000_000_000L) v = v * 10 + (s[i] - '0');
            i++;
        }
        if (i == start) return -1;
        out[0] = neg ? -v : v;
        return i;
    }

    /** string2ld's range rule: overflow to infinity and underflow to zero both reject. */
    private static LongDouble checked(LongDouble v) {
        if (v.kind != FINITE || v.mant.signum() == 0) return null;
        return v;
    }

    // ------------------------------------------------------------------ arithmetic

    /**
     * The nearest long double to {@code n / d × 2^e2} (n, d > 0 or n = 0), ties to even, with
     * gradual underflow below 2^-16382 and infinity from 2^16384.
     */
    static LongDouble round(boolean neg, BigInteger n, BigInteger d, long e2) {
        if (n.signum() == 0) return zero(neg);
        // floor(log2(n/d)) is t or t-1 where t is the difference of bit lengths.
        int t = n.bitLength() - d.bitLength();
        boolean atLeast = t >= 0 ? n.compareTo(d.shiftLeft(t)) >= 0 : n.shiftLeft(-t).compareTo(d) >= 0;
        long top = e2 + (atLeast ? t : t - 1);            // value in [2^top, 2^(top+1))
        if (top >= MAX_BITS) return inf(neg);
        long quantum = Math.max(top - (PRECISION - 1), MIN_QUANTUM);
        if (quantum - e2 > Integer.MAX_VALUE / 2 || e2 - quantum > Integer.MAX_VALUE / 2) {
            return zero(neg);   // unreachable for inputs within range; guards absurd shifts
        }
        long shift = e2 - quantum;                         // n/d * 2^shift, then round to integer
        BigInteger num = shift >= 0 ? n.shiftLeft((int) shift) : n;
        BigInteger den = shift >= 0 ? d : d.shiftLeft((int) -shift);
        BigInteger q = roundHalfEven(num, den);
        if (q.bitLength() > PRECISION) {                   // rounded up to 2^64
            q = q.shiftRight(1);
            quantum++;
        }
        if (q.signum() == 0) return zero(neg);
        if (quantum + q.bitLength() > MAX_BITS) return inf(neg);
        int low = q.getLowestSetBit();
        return new LongDouble(FINITE, neg, q.shiftRight(low), (int) (quantum + low));
    }

    private static BigInteger roundHalfEven(BigInteger num, BigInteger den) {
        if (den.equals(BigInteger.ONE)) return num;
        BigInteger[] qr = num.divideAndRemainder(den);
        int cmp = qr[1].shiftLeft(1).compareTo(den);
        if (cmp > 0 || (cmp == 0 && qr[0].testBit(0))) return qr[0].add(BigInteger.ONE);
        return qr[0];
    }

    /** this + o, rounded as the FPU does; NaN for inf + -inf. */
    public LongDouble add(LongDouble o) {
        if (kind == NAN || o.kind == NAN) return new LongDouble(NAN, false, BigInteger.ZERO, 0);
        if (kind == INF || o.kind == INF) {
            if (kind == INF && o.kind == INF && negative != o.negative) {
                return new LongDouble(NAN, false, BigInteger.ZERO, 0);
            }
            return kind == INF ? this : o;
        }
        if (o.mant.signum() == 0) return mant.signum() == 0 ? zero(negative && o.negative) : this;
        if (mant.signum() == 0) return o;
        int e = Math.min(exp, o.exp);
        BigInteger a = mant.shiftLeft(exp - e);
        BigInteger b = o.mant.shiftLeft(o.exp - e);
        if (negative) a = a.negate();
        if (o.negative) b = b.negate();
        BigInteger sum = a.add(b);
        if (sum.signum() == 0) return ZERO;   // x - x is +0 when rounding to nearest
        return round(sum.signum() < 0, sum.abs(), BigInteger.ONE, e);
    }

    // ------------------------------------------------------------------ formatting

    /**
     * Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf" with the trailing zeros (and a bare '.')
     * removed, "-0" turned into "0", "inf"/"-inf" for infinities.
     */
    public byte[] toHumanBytes() {
        return toHumanString().getBytes(StandardCharsets.US_ASCII);
    }

    public String toHumanString() {
        if (kind == INF) return negative ? "-inf" : "inf";
        if (kind == NAN) return negative ? "-nan" : "nan";
        if (mant.signum() == 0) return "0";
        String sign = negative ? "-" : "";
        if (exp >= 0) return sign + mant.shiftLeft(exp).toString();
        // Scaled by 10^17 and rounded to an integer: that integer's digits are the %.17Lf digits.
        BigInteger scaled = roundHalfEven(mant.multiply(TEN17), BigInteger.ONE.shiftLeft(-exp));
        if (scaled.signum() == 0) return "0";
        String digits = scaled.toString();
        if (digits.length() <= 17) digits = "0".repeat(18 - digits.length()) + digits;
        String intPart = digits.substring(0, digits.length() - 17);
        String frac = digits.substring(digits.length() - 17);
        int fend = frac.length();
        while (fend > 0 && frac.charAt(fend - 1) == '0') fend--;
        return fend == 0 ? sign + intPart : sign + intPart + "." + frac.substring(0, fend);
    }

    @Override
    public String toString() {
        return toHumanString();
    }
}
