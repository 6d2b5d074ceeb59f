package io.vermilion.config;

/**
 * Redis-style glob matching as used by CONFIG GET: {@code *}, {@code ?}, {@code [abc]},
 * {@code [^a-z]} and backslash escapes. An unterminated {@code [} class runs to the end of the
 * pattern, as in Redis.
 */
public final class Glob {
    private Glob() {}

    public static boolean matches(String pattern, String s, boolean nocase) {
        return match(pattern, 0, s, 0, nocase);
    }

    private static boolean match(String p, int pi, String s, int si, boolean nocase) {
        while (pi < p.length()) {
            char pc = p.charAt(pi);
            if (pc == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') pi++;
                if (pi == p.length()) return true;
                for (int k = si; k <= s.length(); k++) {
                    if (match(p, pi, s, k, nocase)) return true;
                }
                return false;
            }
            if (si >= s.length()) return false;
            char sc = s.charAt(si);
            if (pc == '?') {
                pi++;
            } else if (pc == '[') {
                pi++;
                boolean negate = pi < p.length() && p.charAt(pi) == '^';
                if (negate) pi++;
                boolean hit = false;
                while (pi < p.length() && p.charAt(pi) != ']') {
                    char c = p.charAt(pi);
                    if (c == '\\' && pi + 1 < p.length()) {
                        pi++;
                        if (p.charAt(pi) == sc) hit = true;
                        pi++;
                    } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-') {
                        char lo = p.charAt(pi);
                        char hi = p.charAt(pi + 2);
                        if (lo > hi) { char t = lo; lo = hi; hi = t; }
                        char x = sc;
                        if (nocase) { lo = lower(lo); hi = lower(hi); x = lower(x); }
                        if (x >= lo && x <= hi) hit = true;
                        pi += 3;
                    } else {
                        if (same(c, sc, nocase)) hit = true;
                        pi++;
                    }
                }
                if (pi < p.length()) pi++; // the closing ']'
                if (hit == negate) return false;
            } else {
                if (pc == '\\' && pi + 1 < p.length()) {
                    pi++;
                    pc = p.charAt(pi);
                }
                if (!same(pc, sc, nocase)) return false;
                pi++;
            }
            si++;
        }
        return si == s.length();
    }

    private static boolean same(char a, char b, boolean nocase) {
        return a == b || (nocase && lower(a) == lower(b));
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
