package io.vermilion.types;

import java.util.Arrays;

/**
 * Score and lexicographic ranges over a sorted set (Redis's zrangespec / zlexrangespec), as
 * ZRANGEBYSCORE, ZCOUNT, ZRANGEBYLEX, ZLEXCOUNT and ZREMRANGEBY* take them.
 */
public final class ZRange {
    private ZRange() {}

    /** min..max with exclusive flags; min > max (or equal and either exclusive) is empty. */
    public record Score(double min, double max, boolean minEx, boolean maxEx) {
        public boolean isEmpty() {
            return min > max || (min == max && (minEx || maxEx));
        }

        public boolean gteMin(double v) { return minEx ? v > min : v >= min; }

        public boolean lteMax(double v) { return maxEx ? v < max : v <= max; }
    }

    /**
     * A lex range: each end is a member (inclusive or exclusive) or the infinite string
     * ("-": below everything, "+": above everything).
     */
    public static final class Lex {
        private final byte[] min, max;
        private final boolean minEx, maxEx;
        private final int minInf, maxInf; // -1 "-", +1 "+", 0 a member

        public Lex(byte[] min, boolean minEx, int minInf, byte[] max, boolean maxEx, int maxInf) {
            this.min = min;
            this.minEx = minEx;
            this.minInf = minInf;
            this.max = max;
            this.maxEx = maxEx;
            this.maxInf = maxInf;
        }

        /**
         * Parses ZRANGEBYLEX's min/max items ("[a", "(a", "-", "+"), or returns null when either is
         * invalid ("ERR min or max not valid string range item").
         */
        public static Lex parse(byte[] min, byte[] max) {
            int mi = kind(min), ma = kind(max);
            if (mi == BAD || ma == BAD) return null;
            return new Lex(member(min, mi), mi == EX || mi == MINUS || mi == PLUS, inf(mi),
                    member(max, ma), ma == EX || ma == MINUS || ma == PLUS, inf(ma));
        }

        private static final int BAD = 0, MINUS = 1, PLUS = 2, EX = 3, IN = 4;

        private static int kind(byte[] s) {
            if (s.length == 0) return BAD;
            switch (s[0]) {
                case '+': return s.length == 1 || s[1] == 0 ? PLUS : BAD;
                case '-': return s.length == 1 || s[1] == 0 ? MINUS : BAD;
                case '(': return EX;
                case '[': return IN;
                default: return BAD;
            }
        }

        private static byte[] member(byte[] s, int k) {
            return k == EX || k == IN ? Arrays.copyOfRange(s, 1, s.length) : null;
        }

        private static int inf(int k) {
            return k == MINUS ? -1 : k == PLUS ? 1 : 0;
        }

        /** sdscmplex(value, end): compares a member with a range end. */
        private static int cmp(byte[] v, int off, int len, byte[] end, int endInf) {
            if (endInf < 0) return 1;
            if (endInf > 0) return -1;
            return Arrays.compareUnsigned(v, off, off + len, end, 0, end.length);
        }

        public boolean gteMin(byte[] v, int off, int len) {
            int c = cmp(v, off, len, min, minInf);
            return minEx ? c > 0 : c >= 0;
        }

        public boolean lteMax(byte[] v, int off, int len) {
            int c = cmp(v, off, len, max, maxInf);
            return maxEx ? c < 0 : c <= 0;
        }

        /** min > max, or min == max with either end exclusive (zslIsInLexRange's first test). */
        public boolean isEmpty() {
            int c;
            if (minInf == maxInf && minInf != 0) c = 0;
            else if (minInf < 0 || maxInf > 0) c = -1;
            else if (minInf > 0 || maxInf < 0) c = 1;
            else c = Arrays.compareUnsigned(min, max);
            return c > 0 || (c == 0 && (minEx || maxEx));
        }
    }
}
