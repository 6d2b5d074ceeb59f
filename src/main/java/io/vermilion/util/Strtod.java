package io.vermilion.util;

import java.nio.charset.StandardCharsets;

/**
 * C's {@code strtod} on bytes (glibc semantics: leading white space, sign, "inf"/"infinity",
 * "nan", hexadecimal and decimal forms, correctly rounded), and the double formatting Redis 7.0
 * uses for sorted-set scores: {@code %.17g} replies and {@code d2string} (integral values as
 * integers) for listpack entries. The common cases (short decimals, integral values) take an
 * allocation-free fast path; everything else falls back to exact JDK conversions.
 */
public final class Strtod {
    private Strtod() {}

    /** Result of {@link #parse}: where parsing stopped, and whether ERANGE would be set. */
    public static final class Result {
        /** Index just after the converted text, or the start offset when nothing converted. */
        public int end;
        /** Overflow (to ±inf) or underflow (to 0 from a non-zero number). */
        public boolean range;
    }

    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean matchWord(byte[] s, int i, int end, String w) {
        if (end - i < w.length()) return false;
        for (int k = 0; k < w.length(); k++) if (lower(s[i + k]) != w.charAt(k)) return false;
        return true;
    }

    /**
     * strtod over s[off, off+len): C-string semantics, so the text ends at the first NUL byte.
     * Returns the value (NaN for "nan"); {@code r.end} is where conversion stopped.
     */
    public static double parse(byte[] s, int off, int len, Result r) {
        int end = off + len;
        for (int k = off; k < end; k++) if (s[k] == 0) { end = k; break; }
        r.range = false;
        r.end = off;
        int i = off;
        while (i < end && isSpace(s[i])) i++;
        boolean neg = false;
        if (i < end && (s[i] == '+' || s[i] == '-')) { neg = s[i] == '-'; i++; }
        if (i < end && (lower(s[i]) == 'i' || lower(s[i]) == 'n')) {
            if (matchWord(s, i, end, "infinity")) { r.end = i + 8; return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }
            if (matchWord(s, i, end, "inf")) { r.end = i + 3; return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; }
            if (matchWord(s, i, end, "nan")) {
                int j = i + 3;
                if (j < end && s[j] == '(') {
                    int k = j + 1;
                    while (k < end && (Character.isLetterOrDigit(s[k]) || s[k] == '_')) k++;
                    if (k < end && s[k] == ')') j = k + 1;
                }
                r.end = j;
                return Double.NaN;
            }
            return 0;
        }
        if (i + 1 < end && s[i] == '0' && lower(s[i + 1]) == 'x') {
            double h = hex(s, i + 2, end, neg, r);
            if (r.end >= 0) return h;
            // "0x" without hex digits: strtod converts the "0"
            r.end = i + 1;
            r.range = false;
            return neg ? -0.0 : 0.0;
        }
        // decimal
        int start = i;
        long mant = 0;
        int mantDigits = 0;     // significant digits accumulated in mant
        int dropped = 0;        // integer digits not accumulated (scale up)
        int fracUsed = 0;       // fraction digits accumulated (scale down)
        boolean nonZero = false;
        boolean exactFast = true;
        int digits = 0;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            int d = s[i] - '0';
            if (d != 0) nonZero = true;
            if (mantDigits < 18) {
                if (mant != 0 || d != 0) { mant = mant * 10 + d; mantDigits++; }
            } else {
                dropped++;
                exactFast = false;
            }
            i++;
            digits++;
        }
        if (i < end && s[i] == '.') {
            i++;
            while (i < end && s[i] >= '0' && s[i] <= '9') {
                int d = s[i] - '0';
                if (d != 0) nonZero = true;
                if (mantDigits < 18) {
                    if (mant != 0 || d != 0) { mant = mant * 10 + d; mantDigits++; }
                    fracUsed++;
                } else {
                    exactFast = false;
                }
                i++;
                digits++;
            }
        }
        if (digits == 0) return 0; // no conversion
        int mantEnd = i;
        long exp = 0;
        if (i < end && lower(s[i]) == 'e') {
            int j = i + 1;
            boolean eneg = false;
            if (j < end && (s[j] == '+' || s[j] == '-')) { eneg = s[j] == '-'; j++; }
            if (j < end && s[j] >= '0' && s[j] <= '9') {
                while (j < end && s[j] >= '0' && s[j] <= '9') {
                    if (exp < 100000) exp = exp * 10 + (s[j] - '0');
                    j++;
                }
                if (eneg) exp = -exp;
                i = j;
            }
        }
        r.end = i;
        if (!nonZero) return neg ? -0.0 : 0.0;
        long e10 = exp + dropped - fracUsed;
        double v;
        if (exactFast && mant < (1L << 53) && e10 >= -22 && e10 <= 22) {
            v = e10 >= 0 ? mant * POW10[(int) e10] : mant / POW10[(int) -e10];
        } else {
            String txt = new String(s, start, mantEnd - start, StandardCharsets.ISO_8859_1);
            if (txt.charAt(0) == '.') txt = "0" + txt;
            if (txt.charAt(txt.length() - 1) == '.') txt = txt + "0";
            if (exp != 0) txt = txt + "e" + exp;
            v = Double.parseDouble(txt);
        }
        if (Double.isInfinite(v) || v == 0) r.range = true;
        return neg ? -v : v;
    }

    /** Parses hex digits after "0x"; sets r.end to -1 if there are none. */
    private static double hex(byte[] s, int i, int end, boolean neg, Result r) {
        int start = i;
        int digits = 0;
        while (i < end && Character.digit(s[i], 16) >= 0) { i++; digits++; }
        if (i < end && s[i] == '.') {
            int j = i + 1;
            int fd = 0;
            while (j < end && Character.digit(s[j], 16) >= 0) { j++; fd++; }
            if (digits + fd > 0) { i = j; digits += fd; }
        }
        if (digits == 0) { r.end = -1; return 0; }
        int mantEnd = i;
        String exp = "0";
        if (i < end && lower(s[i]) == 'p') {
            int j = i + 1;
            int es = j;
            if (j < end && (s[j] == '+' || s[j] == '-')) j++;
            int ed = j;
            while (j < end && s[j] >= '0' && s[j] <= '9') j++;
            if (j > ed) { exp = new String(s, es, j - es, StandardCharsets.ISO_8859_1); i = j; }
        }
        String m = new String(s, start, mantEnd - start, StandardCharsets.ISO_8859_1);
        if (m.charAt(0) == '.') m = "0" + m;
        if (m.charAt(m.length() - 1) == '.') m = m + "0";
        double v;
        try {
            v = Double.parseDouble("0x" + m + "p" + exp);
        } catch (NumberFormatException e) {
            v = Double.POSITIVE_INFINITY;
        }
        boolean nonZero = false;
        for (int k = start; k < mantEnd; k++) if (s[k] != '0' && s[k] != '.') nonZero = true;
        r.end = i;
        r.range = nonZero && (v == 0 || Double.isInfinite(v));
        return neg ? -v : v;
    }

    /**
     * Redis's string2d (getDoubleFromObject): the whole argument must convert, no leading
     * space, not empty, no overflow/underflow to 0, not NaN. Returns NaN when invalid.
     */
    public static double string2d(byte[] s) {
        if (s.length == 0 || isSpace(s[0])) return Double.NaN;
        Result r = new Result();
        double v = parse(s, 0, s.length, r);
        if (r.end != s.length) return Double.NaN;
        if (r.range && (Double.isInfinite(v) || v == 0)) return Double.NaN;
        return v;
    }

    /**
     * strtod as zslParseRange uses it: the text from off must convert up to its end (or NUL);
     * NaN when it does not or is "nan". Overflow is accepted (±inf), as Redis does.
     */
    public static double rangeValue(byte[] s, int off) {
        Result r = new Result();
        double v = parse(s, off, s.length - off, r);
        int stop = s.length;
        for (int k = off; k < s.length; k++) if (s[k] == 0) { stop = k; break; }
        if (r.end != stop) return Double.NaN;
        return v;
    }

    /** zzlStrtod: a listpack score stored as text (at most 127 bytes used, no checks). */
    public static double lenient(byte[] s, int off, int len) {
        Result r = new Result();
        return parse(s, off, Math.min(len, 127), r);
    }

    // ------------------------------------------------------------------ formatting

    /** Redis's double2ll: integral and within ±LLONG_MAX/2. */
    public static boolean isSafeLong(double d) {
        if (d < -4.611686018427388E18 || d > 4.611686018427388E18) return false;
        long l = (long) d;
        return l == d;
    }

    /** %.17g (with "inf"/"-inf"/"nan"), as Redis 7.0's addReplyDouble. */
    public static byte[] g17(double d) {
        if (d == (long) d && Math.abs(d) < 1e17) {
            if (d == 0 && 1 / d < 0) return new byte[] {'-', '0'};
            return Numbers.toBytes((long) d);
        }
        byte[] f = g17Fast(d);
        if (f != null) return f;
        return formatG17Slow(d).getBytes(StandardCharsets.US_ASCII);
    }

    private static final long[] P10 = new long[19];
    static {
        P10[0] = 1;
        for (int i = 1; i < P10.length; i++) P10[i] = P10[i - 1] * 10;
    }

    /**
     * Exact %.17g for a non-integral double of magnitude in [0.01, 1e17) with 128-bit integer
     * arithmetic: the value is m * 2^e exactly, so floor(v * 10^p) and the remainder (for round
     * half to even, as glibc's printf) come from one 64x64 multiplication and a shift. Returns
     * null outside that range (the caller then takes the BigDecimal path).
     */
    static byte[] g17Fast(double d) {
        boolean neg = d < 0;
        double a = Math.abs(d);
        if (!(a >= 0.01 && a < 1e17)) return null;
        long bits = Double.doubleToRawLongBits(a);
        int be = (int) ((bits >>> 52) & 0x7ff);
        long m = (bits & ((1L << 52) - 1)) | (1L << 52);
        int s = 1075 - be;                 // a = m / 2^s
        if (s <= 0 || s >= 128) return null;
        int exp10 = (int) Math.floor(Math.log10(a));
        long q = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            int p = 16 - exp10;
            if (p < 0 || p > 18) return null;
            long hi = Math.multiplyHigh(m, P10[p]);
            long lo = m * P10[p];
            long remHi, remLo, halfHi, halfLo;
            if (s < 64) {
                if ((hi >>> s) != 0) { exp10++; continue; }
                q = (hi << (64 - s)) | (lo >>> s);
                remHi = 0;
                remLo = lo & ((1L << s) - 1);
                halfHi = 0;
                halfLo = 1L << (s - 1);
            } else {
                int t = s - 64;
                q = t == 0 ? hi : hi >>> t;
                remHi = t == 0 ? 0 : hi & ((1L << t) - 1);
                remLo = lo;
                if (t == 0) { halfHi = 0; halfLo = 1L << 63; } else { halfHi = 1L << (t - 1); halfLo = 0; }
            }
            if (q >= P10[17] || q < 0) { exp10++; continue; }
            if (q < P10[16]) { exp10--; continue; }
            int cmp = remHi != halfHi ? Long.compareUnsigned(remHi, halfHi) : Long.compareUnsigned(remLo, halfLo);
            if (cmp > 0 || (cmp == 0 && (q & 1) != 0)) q++;
            if (q == P10[17]) { q = P10[16]; exp10++; }
            return fixed(neg, q, exp10);
        }
        return null;
    }

    /** %g's fixed notation of the 17 digits of q with decimal exponent exp10 (-4 <= exp10 < 17). */
    private static byte[] fixed(boolean neg, long q, int exp10) {
        if (exp10 < -4 || exp10 >= 17) return null;
        byte[] dg = new byte[17];
        for (int i = 16; i >= 0; i--) { dg[i] = (byte) ('0' + q % 10); q /= 10; }
        int last = 16;
        int intDigits = exp10 + 1;  // digits before the point (may be <= 0)
        while (last >= Math.max(intDigits, 0) && dg[last] == '0') last--;
        byte[] out = new byte[40];
        int n = 0;
        if (neg) out[n++] = '-';
        if (intDigits <= 0) {
            out[n++] = '0';
            out[n++] = '.';
            for (int i = 0; i < -intDigits; i++) out[n++] = '0';
            for (int i = 0; i <= last; i++) out[n++] = dg[i];
        } else {
            for (int i = 0; i < intDigits; i++) out[n++] = dg[i];
            if (last >= intDigits) {
                out[n++] = '.';
                for (int i = intDigits; i <= last; i++) out[n++] = dg[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** d2string: what zzlInsertAt stores for a non-integral score (and anything it formats). */
    public static byte[] d2string(double d) {
        if (Double.isNaN(d)) return new byte[] {'n', 'a', 'n'};
        if (d == 0) return 1 / d < 0 ? new byte[] {'-', '0'} : new byte[] {'0'};
        if (isSafeLong(d)) return Numbers.toBytes((long) d);
        return g17(d);
    }

    private static String formatG17Slow(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        return Numbers.formatG17(d);
    }

}
