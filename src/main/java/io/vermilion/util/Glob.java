package io.vermilion.util;

/**
 * Glob-style matching over bytes with the exact semantics of Redis 7.0's {@code stringmatchlen}
 * (KEYS, SCAN MATCH, and later PSUBSCRIBE, CLIENT KILL patterns...): {@code *}, {@code ?},
 * {@code [abc]}, {@code [^abc]}, {@code [a-z]} and {@code \} escapes.
 *
 * <p>The corner cases are Redis's, not POSIX fnmatch's, because clients see them:
 * <ul>
 *   <li>a class whose {@code ]} is missing runs to the end of the pattern; {@code [^} with
 *       nothing after it matches any one byte, a lone {@code [} matches nothing;</li>
 *   <li>{@code ]} right after {@code [} (or {@code [^}) closes an empty class;</li>
 *   <li>a range is any {@code x-y} with at least one byte after the {@code -}, so in
 *       {@code [a-]} the {@code ]} is the end of the range and the class stays open;
 *       reversed ranges ({@code [z-a]}) are swapped; range bounds compare as <em>signed</em>
 *       bytes, as C's {@code char} does on the platforms Redis ships on;</li>
 *   <li>a trailing lone {@code \} is a literal backslash; inside a class an escaped byte is
 *       compared case-sensitively even in nocase mode;</li>
 *   <li>once a {@code *} has failed to place the rest of the pattern anywhere in the rest of the
 *       string, no earlier {@code *} is retried (Redis's guard against exponential patterns,
 *       CVE-2022-36021): the answer is the same, only faster;</li>
 *   <li>more than 1000 nested {@code *} expansions answer "no match" (Redis's guard against stack
 *       exhaustion, CVE-2024-31228): e.g. {@code "*a"} repeated 1001 times matches nothing.</li>
 * </ul>
 * Case folding (nocase) is ASCII only, like {@code tolower} in the C locale.
 *
 * <p>An instance is reusable for many subjects (KEYS over a whole database) but is not
 * thread-safe: it keeps per-call state in fields to avoid allocating per key.
 */
public final class Glob {
    /** Deepest {@code *} nesting Redis explores before giving up. */
    static final int MAX_NESTING = 1000;

    private final byte[] p;
    private final int pOff;
    private final int pEnd;
    private final boolean nocase;
    private final boolean matchAll;
    // per-call state
    private byte[] s;
    private int sEnd;
    private boolean stopWidening;

    public Glob(byte[] pattern, boolean nocase) {
        this(pattern, 0, pattern.length, nocase);
    }

    public Glob(byte[] pattern, int off, int len, boolean nocase) {
        this.p = pattern;
        this.pOff = off;
        this.pEnd = off + len;
        this.nocase = nocase;
        this.matchAll = len == 1 && pattern[off] == '*';
    }

    /** True for the pattern "*", which callers may skip matching for. */
    public boolean matchesEverything() {
        return matchAll;
    }

    public boolean matches(byte[] subject) {
        return matches(subject, 0, subject.length);
    }

    public boolean matches(byte[] subject, int off, int len) {
        s = subject;
        sEnd = off + len;
        stopWidening = false;
        try {
            return match(pOff, off, 0);
        } finally {
            s = null;
        }
    }

    /** One-shot, case-sensitive. */
    public static boolean matches(byte[] pattern, byte[] subject) {
        return new Glob(pattern, false).matches(subject);
    }

    public static boolean matches(byte[] pattern, byte[] subject, boolean nocase) {
        return new Glob(pattern, nocase).matches(subject);
    }

    /** The pattern byte at i, or 0 past the end (Redis's arguments are NUL-terminated and it relies on that). */
    private int pat(int i) {
        return i < pEnd ? p[i] : 0;
    }

    private boolean match(int pi, int si, int depth) {
        if (depth > MAX_NESTING) return false;
        while (pi < pEnd && si < sEnd) {
            byte c = p[pi];
            if (c == '*') {
                while (pi + 1 < pEnd && p[pi + 1] == '*') pi++;
                if (pi + 1 == pEnd) return true; // a trailing star takes whatever is left
                for (; si < sEnd; si++) {
                    if (match(pi + 1, si, depth + 1)) return true;
                    if (stopWidening) return false;
                }
                // The rest of the pattern fits nowhere in the rest of the subject: letting an
                // earlier star swallow more can only start the rest later, so it cannot help.
                stopWidening = true;
                return false;
            } else if (c == '?') {
                si++;
            } else if (c == '[') {
                pi = matchClass(pi + 1, s[si]);
                if (pi < 0) return false;
                si++;
            } else {
                if (c == '\\' && pEnd - pi >= 2) c = p[++pi];
                if (!same(c, s[si])) return false;
                si++;
            }
            pi++;
            if (si == sEnd) {
                while (pat(pi) == '*') pi++;
                break;
            }
        }
        return pi == pEnd && si == sEnd;
    }

    /**
     * Matches one subject byte against the class starting at pi (just after '['). Returns the
     * index of the class's last byte (its ']' or the pattern's last byte when unterminated), or
     * -1 if the byte is not accepted.
     */
    private int matchClass(int pi, byte b) {
        boolean negate = pat(pi) == '^';
        if (negate) pi++;
        boolean hit = false;
        while (true) {
            int left = pEnd - pi;
            if (pat(pi) == '\\' && left >= 2) {
                pi++;
                if (p[pi] == b) hit = true; // escaped bytes compare exactly, even in nocase mode
            } else if (pat(pi) == ']') {
                break;
            } else if (left <= 0) {
                pi--; // unterminated: the class ends with the pattern
                break;
            } else if (left >= 3 && p[pi + 1] == '-') {
                int lo = p[pi], hi = p[pi + 2], x = b; // signed, as C char
                if (lo > hi) { int t = lo; lo = hi; hi = t; }
                if (nocase) { lo = lower(lo); hi = lower(hi); x = lower(x); }
                if (x >= lo && x <= hi) hit = true;
                pi += 2;
            } else if (same(p[pi], b)) {
                hit = true;
            }
            pi++;
        }
        return hit != negate ? pi : -1;
    }

    private boolean same(byte a, byte b) {
        return a == b || (nocase && lower(a) == lower(b));
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
