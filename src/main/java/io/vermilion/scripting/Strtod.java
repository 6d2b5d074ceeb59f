package io.vermilion.scripting;

/**
 * C's strtod on a byte string (what lua-cjson parses numbers with): optional sign, then a
 * decimal number with optional fraction and exponent, a hexadecimal one ("0x1p4"),
 * "inf"/"infinity" or "nan"/"nan(...)", case-insensitive. A NUL or the end of the data stops
 * it. {@link #parse} returns the index after the number, or the start if there is none.
 */
final class Strtod {
    private final byte[] b;
    private final int start;
    double value;

    Strtod(byte[] b, int start) {
        this.b = b;
        this.start = start;
    }

    private int at(int i) { return i < b.length ? b[i] & 0xff : 0; }

    private static boolean digit(int c) { return c >= '0' && c <= '9'; }

    private boolean word(int p, String w) {
        for (int i = 0; i < w.length(); i++) if (Character.toLowerCase(at(p + i)) != w.charAt(i)) return false;
        return true;
    }

    int parse() {
        int p = start;
        boolean neg = false;
        if (at(p) == '+' || at(p) == '-') { neg = at(p) == '-'; p++; }
        if (word(p, "infinity")) { value = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; return p + 8; }
        if (word(p, "inf")) { value = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY; return p + 3; }
        if (word(p, "nan")) {
            value = Double.NaN;
            p += 3;
            if (at(p) == '(') {
                int q = p + 1;
                while (Character.isLetterOrDigit(at(q)) || at(q) == '_') q++;
                if (at(q) == ')') p = q + 1;
            }
            return p;
        }
        if (at(p) == '0' && (at(p + 1) | 0x20) == 'x') {
            int q = hex(p + 2, neg);
            if (q >= 0) return q;
            value = neg ? -0.0 : 0.0; // "0x" alone: the 0
            return p + 1;
        }
        int digits = start, q = p;
        int nd = 0;
        while (digit(at(q))) { q++; nd++; }
        if (at(q) == '.') {
            q++;
            while (digit(at(q))) { q++; nd++; }
        }
        if (nd == 0) return start;
        if ((at(q) | 0x20) == 'e') {
            int r = q + 1;
            if (at(r) == '+' || at(r) == '-') r++;
            if (digit(at(r))) {
                while (digit(at(r))) r++;
                q = r;
            }
        }
        String s = new String(b, p, q - p, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (s.startsWith(".")) s = "0" + s;
        double d;
        try {
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return digits;
        }
        value = neg ? -d : d;
        return q;
    }

    /** Hex mantissa with an optional binary exponent; -1 when no hex digit follows "0x". */
    private int hex(int p, boolean neg) {
        double m = 0;
        int nd = 0, exp = 0;
        while (Character.digit(at(p), 16) >= 0) { m = m * 16 + Character.digit(at(p), 16); p++; nd++; }
        if (at(p) == '.') {
            int q = p + 1;
            int fd = 0;
            while (Character.digit(at(q), 16) >= 0) { m = m * 16 + Character.digit(at(q), 16); exp -= 4; q++; fd++; }
            if (nd + fd > 0) { p = q; nd += fd; }
        }
        if (nd == 0) return -1;
        if ((at(p) | 0x20) == 'p') {
            int r = p + 1;
            boolean en = false;
            if (at(r) == '+' || at(r) == '-') { en = at(r) == '-'; r++; }
            if (digit(at(r))) {
                int e = 0;
                while (digit(at(r))) { e = Math.min(100000, e * 10 + (at(r) - '0')); r++; }
                exp += en ? -e : e;
                p = r;
            }
        }
        double d = m * Math.pow(2, exp);
        value = neg ? -d : d;
        return p;
    }
}
