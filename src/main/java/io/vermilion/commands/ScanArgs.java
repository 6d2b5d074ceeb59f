package io.vermilion.commands;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.util.Glob;

/**
 * The arguments of the collection scans (HSCAN, SSCAN, ZSCAN): Redis's parseScanCursorOrReply
 * and the option loop of scanGenericCommand for a key (MATCH, COUNT; no TYPE).
 */
public final class ScanArgs {
    /** Pattern to filter with, or null when everything matches ("*" or no MATCH). */
    public Glob match;
    /** COUNT (default 10). */
    public long count = 10;

    private ScanArgs() {}

    /**
     * A cursor as Redis's strtoul (base 10): optional sign, digits to the end of the C string
     * (an embedded NUL ends it, the empty string is 0), no leading white space, no overflow past
     * 2^64-1; "-n" wraps around. Stores the unsigned value in out[0]; replies "ERR invalid cursor"
     * and returns false when invalid.
     */
    public static boolean cursorOrReply(Client c, byte[] b, long[] out) {
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        boolean ok = true;
        if (end > 0 && (b[0] == ' ' || (b[0] >= '\t' && b[0] <= '\r'))) ok = false;
        int i = 0;
        boolean neg = false;
        if (ok && i < end && (b[i] == '+' || b[i] == '-')) neg = b[i++] == '-';
        int digitsFrom = i;
        long v = 0;
        for (; ok && i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) break;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) { ok = false; break; }
            v = v * 10 + d;
        }
        if (ok) {
            if (i == digitsFrom) ok = end == 0;
            else ok = i == end;
        }
        if (!ok) {
            Args.error(c, "ERR invalid cursor");
            return false;
        }
        out[0] = neg ? -v : v;
        return true;
    }

    /** Parses the options from argv[from]; replies the error and returns null when invalid. */
    public static ScanArgs parseOrReply(Client c, byte[][] argv, int from) {
        ScanArgs a = new ScanArgs();
        for (int i = from; i < argv.length; ) {
            boolean hasValue = argv.length - i >= 2;
            if (hasValue && Args.is(argv[i], "count")) {
                Long n = Args.longOrReply(c, argv[i + 1]);
                if (n == null) return null;
                if (n < 1) {
                    Args.error(c, Errors.SYNTAX);
                    return null;
                }
                a.count = n;
            } else if (hasValue && Args.is(argv[i], "match")) {
                byte[] p = argv[i + 1];
                a.match = p.length == 1 && p[0] == '*' ? null : new Glob(p, false);
            } else {
                Args.error(c, Errors.SYNTAX);
                return null;
            }
            i += 2;
        }
        return a;
    }
}
