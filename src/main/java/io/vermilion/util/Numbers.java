package io.vermilion.util;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Number parsing and formatting with Redis's exact rules (util.c: string2ll, string2ld, %.17g).
 * All parsing works on bytes and never throws: a failure is reported by a sentinel or a flag,
 * because bad numbers are a normal client input.
 */
public final class Numbers {
    private Numbers() {}

    /** Result holder for {@link #parseLong(byte[], long[])}. */
    public static boolean parseLong(byte[] s, long[] out) {
        return parseLong(s, 0, s.length, out);
    }

    /**
     * Strict signed 64-bit parse as Redis's string2ll: optional '-', no '+', no leading zeros
     * (except "0"), no spaces, at most 20 chars, no overflow.
     */
    public static boolean parseLong(byte[] s, int off, int len, long[] out) {
        if (len == 0 || len > 20) return false;
        int i = off, end = off + len;
        if (len == 1 && s[i] == '0') { out[0] = 0; return true; }
        boolean neg = false;
        if (s[i] == '-') { neg = true; i++; if (i == end) return false; }
        if (s[i] < '1' || s[i] > '9') return false;
        long v = 0; // accumulate negatively so that Long.MIN_VALUE fits
        for (; i < end; i++) {
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

    /** Digits of a long as ASCII bytes. */
    public static byte[] toBytes(long v) {
        byte[] b = new byte[digits(v)];
        writeDigits(v, b, 0, b.length);
        return b;
    }

    /** Writes the decimal form of v (exactly len = digits(v) chars) into b at off. */
    public static void writeDigits(long v, byte[] b, int off, int len) {
        if (v == Long.MIN_VALUE) {
            byte[] min = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, b, off, min.length);
            return;
        }
        int end = off + len;
        if (v < 0) { b[off] = '-'; v = -v; }
        do {
            b[--end] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
    }

    /** Number of characters of the decimal form of v. */
    public static int digits(long v) {
        if (v == Long.MIN_VALUE) return 20;
        int n = 1;
        if (v < 0) { n++; v = -v; }
        while (v >= 10) { v /= 10; n++; }
        return n;
    }

    /**
     * Parses a double the way Redis's string2d / getDoubleFromObject does: strtod syntax,
     * no leading space, whole string consumed, not NaN. Returns NaN on failure.
     */
    public static double parseDouble(byte[] s) {
        if (s.length == 0 || s.length > 5120) return Double.NaN;
        if (isSpace(s[0])) return Double.NaN;
        String str = new String(s, StandardCharsets.ISO_8859_1);
        String t = str.toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "inf": case "+inf": case "infinity": case "+infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-infinity": return Double.NEGATIVE_INFINITY;
            default: break;
        }
        if (!looksLikeStrtodNumber(str)) return Double.NaN;
        try {
            double d = parseC(str);
            return d;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double parseC(String str) {
        if (str.length() > 2 && (str.startsWith("0x") || str.startsWith("0X") || str.startsWith("-0x")
                || str.startsWith("+0x") || str.startsWith("-0X") || str.startsWith("+0X"))) {
            // hex float: Java needs a 'p' exponent
            String h = str;
            if (h.indexOf('p') < 0 && h.indexOf('P') < 0) h = h + "p0";
            return Double.parseDouble(h);
        }
        return Double.parseDouble(str);
    }

    /** Accepts what C's strtod accepts as a complete decimal (or hex) number, rejecting Java-only forms like "1d" or "1f". */
    private static boolean looksLikeStrtodNumber(String s) {
        int i = 0, n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        if (i + 1 < n && s.charAt(i) == '0' && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')) {
            i += 2;
            int digits = 0;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0) { i++; digits++; }
            if (i < n && s.charAt(i) == '.') { i++; while (i < n && Character.digit(s.charAt(i), 16) >= 0) { i++; digits++; } }
            if (digits == 0) return false;
            if (i < n && (s.charAt(i) == 'p' || s.charAt(i) == 'P')) {
                i++;
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
                int e = 0;
                while (i < n && Character.isDigit(s.charAt(i))) { i++; e++; }
                if (e == 0) return false;
            }
            return i == n;
        }
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') { i++; digits++; }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            int e = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') { i++; e++; }
            if (e == 0) return false;
        }
        return i == n;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == '\f';
    }

    /** C's printf("%.17g", d), as Redis uses to reply doubles. */
    public static String formatG17(double d) {
        return formatG(d, 17);
    }

    /** C's printf("%.<precision>g", d). */
    public static String formatG(double d, int precision) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (1 / d < 0) ? "-0" : "0";
        BigDecimal bd = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1; // decimal exponent of the first significant digit
        String out;
        if (exp < -4 || exp >= precision) {
            BigDecimal unscaled = new BigDecimal(bd.unscaledValue()).movePointLeft(bd.precision() - 1);
            String mant = stripZeros(unscaled.toPlainString());
            String es = Integer.toString(Math.abs(exp));
            if (es.length() < 2) es = "0" + es;
            out = mant + "e" + (exp < 0 ? "-" : "+") + es;
        } else {
            out = stripZeros(bd.toPlainString());
        }
        return out;
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) return s;
        int end = s.length();
        while (s.charAt(end - 1) == '0') end--;
        if (s.charAt(end - 1) == '.') end--;
        return s.substring(0, end);
    }
}
