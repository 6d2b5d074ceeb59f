package io.vermilion.config;

/**
 * The number syntaxes of redis.conf. All results are 64-bit two's complement values, the way
 * Redis keeps them in a {@code long long}: an unsigned quantity above {@code Long.MAX_VALUE}
 * comes back negative and callers compare it with {@link Long#compareUnsigned}.
 */
final class Numbers {
    private Numbers() {}

    /**
     * Strict integer: optional '-', no leading zeros, no '+', no blanks, fits a signed 64-bit
     * value, fewer than 21 characters. Returns null if {@code s} is not such a number.
     */
    static Long strictLong(String s) {
        int n = s.length();
        if (n == 0 || n >= 21) return null;
        if (n == 1 && s.charAt(0) == '0') return 0L;
        int i = 0;
        boolean negative = s.charAt(0) == '-';
        if (negative && ++i == n) return null;
        char first = s.charAt(i);
        if (first < '1' || first > '9') return null;
        // Accumulate as a negative number so that Long.MIN_VALUE is reachable without overflow.
        long acc = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return null;
            int d = c - '0';
            if (acc < (Long.MIN_VALUE + d) / 10) return null;
            acc = acc * 10 - d;
        }
        if (negative) return acc;
        if (acc == Long.MIN_VALUE) return null;
        return -acc;
    }

    /**
     * Memory value: digits followed by an optional unit b, k (1000), kb (1024), m, mb, g or gb,
     * case-insensitive. Returns null if malformed. As in Redis, an empty digit string counts as
     * zero, a magnitude too large for 64 bits saturates, and the unit multiplication wraps.
     */
    static Long memory(String s) {
        if (s.startsWith("-")) return null;
        int u = 0;
        while (u < s.length() && s.charAt(u) >= '0' && s.charAt(u) <= '9') u++;
        long mul;
        switch (s.substring(u).toLowerCase(java.util.Locale.ROOT)) {
            case "", "b" -> mul = 1;
            case "k" -> mul = 1000;
            case "kb" -> mul = 1024;
            case "m" -> mul = 1000L * 1000;
            case "mb" -> mul = 1024L * 1024;
            case "g" -> mul = 1000L * 1000 * 1000;
            case "gb" -> mul = 1024L * 1024 * 1024;
            default -> { return null; }
        }
        if (u >= 128) return null;
        long v = 0;
        for (int i = 0; i < u; i++) {
            int d = s.charAt(i) - '0';
            // v*10+d overflows unsigned 64 bits -> saturate at all ones, like strtoull.
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) { v = -1L; break; }
            v = v * 10 + d;
        }
        return v * mul;
    }

    /**
     * C {@code strtoll(s, &end, 8)} requiring the whole string to be consumed: leading blanks and
     * a sign are allowed and an empty string reads as 0. Returns null on garbage or overflow.
     */
    static Long octal(String s) {
        int i = 0;
        while (i < s.length() && ArgSplitter.isSpace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) negative = s.charAt(i++) == '-';
        int start = i;
        long v = 0;
        for (; i < s.length(); i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 7) break;
            if (v > (Long.MAX_VALUE - d) / 8) return null;
            v = v * 8 + d;
        }
        // No digits: strtoll leaves the end pointer at the start of the string.
        if (i == start) return s.isEmpty() ? 0L : null;
        if (i != s.length()) return null;
        return negative ? -v : v;
    }

    /**
     * C {@code strtoll(s, &end, 10)} requiring the whole string to be consumed (leading blanks,
     * sign and an empty string allowed). Returns null otherwise. Overflow saturates like strtoll.
     */
    static Long lenientLong(String s) {
        int i = 0;
        while (i < s.length() && ArgSplitter.isSpace(s.charAt(i))) i++;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) negative = s.charAt(i++) == '-';
        int start = i;
        long v = 0;
        boolean overflow = false;
        for (; i < s.length(); i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) break;
            if (v > (Long.MAX_VALUE - d) / 10) overflow = true;
            else v = v * 10 + d;
        }
        if (i == start) {
            // No digits: strtoll leaves the end pointer at the start of the string.
            return s.isEmpty() ? 0L : null;
        }
        if (i != s.length()) return null;
        if (overflow) return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        return negative ? -v : v;
    }
}
