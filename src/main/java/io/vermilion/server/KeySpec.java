package io.vermilion.server;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a command's keys are, in Redis 7.0's key-spec model: a begin-search step (a fixed index,
 * or the position after a keyword) and a find-keys step (a range relative to the start, or a
 * count argument followed by keys). Cluster clients route by these; COMMAND INFO prints them;
 * the dispatcher uses them to find the keys of a request for slot checks.
 */
public final class KeySpec {
    /** Flag order as Redis prints them. */
    static final List<String> FLAG_ORDER = List.of("RO", "RW", "OW", "RM", "ACCESS", "UPDATE", "INSERT",
            "DELETE", "NOT_KEY", "INCOMPLETE", "VARIABLE_FLAGS");

    final List<String> flags;
    final String notes;
    // begin search: index (pos) or keyword (keyword, startFrom)
    final int bsIndex;            // > 0 for an index spec, 0 for keyword, -1 unknown
    final String bsKeyword;
    final int bsStartFrom;
    // find keys: range (lastKey, keyStep, limit) or keynum (keyNumIdx, firstKey, keyStep)
    final boolean fkRange;
    final boolean fkUnknown;
    final int lastKey, keyStep, limit;
    final int keyNumIdx, firstKey;

    private KeySpec(List<String> flags, String notes, int bsIndex, String bsKeyword, int bsStartFrom,
                    boolean fkRange, boolean fkUnknown, int a, int b, int c) {
        List<String> ordered = new ArrayList<>();
        for (String f : FLAG_ORDER) if (flags.contains(f)) ordered.add(f);
        if (ordered.size() != flags.size()) throw new IllegalArgumentException("unknown key spec flag in " + flags);
        this.flags = List.copyOf(ordered);
        this.notes = notes;
        this.bsIndex = bsIndex;
        this.bsKeyword = bsKeyword;
        this.bsStartFrom = bsStartFrom;
        this.fkRange = fkRange;
        this.fkUnknown = fkUnknown;
        if (fkRange) { lastKey = a; keyStep = b; limit = c; keyNumIdx = 0; firstKey = 0; }
        else { keyNumIdx = a; firstKey = b; keyStep = c; lastKey = 0; limit = 0; }
    }

    /** Builder start: flags as a space-separated list, e.g. "RW ACCESS UPDATE". */
    public static Begin flags(String flags) {
        return new Begin(flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+")), null);
    }

    public static Begin flags(String flags, String notes) {
        return new Begin(flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+")), notes);
    }

    public static final class Begin {
        private final List<String> flags;
        private final String notes;
        private int index = -1;
        private String keyword;
        private int startFrom;

        Begin(List<String> flags, String notes) { this.flags = flags; this.notes = notes; }

        public Begin index(int pos) { this.index = pos; return this; }
        public Begin keyword(String kw, int startFrom) { this.index = 0; this.keyword = kw; this.startFrom = startFrom; return this; }

        /** Keys from the start through lastKey (relative; negative counts from the end), every keyStep. */
        public KeySpec range(int lastKey, int keyStep, int limit) {
            return new KeySpec(flags, notes, index, keyword, startFrom, true, false, lastKey, keyStep, limit);
        }

        /** A count argument at keyNumIdx (relative), keys start at firstKey (relative to it... as Redis). */
        public KeySpec keynum(int keyNumIdx, int firstKey, int keyStep) {
            return new KeySpec(flags, notes, index, keyword, startFrom, false, false, keyNumIdx, firstKey, keyStep);
        }

        public KeySpec unknown() {
            return new KeySpec(flags, notes, index, keyword, startFrom, false, true, 0, 0, 0);
        }
    }

    boolean isIndexRange() {
        return bsIndex > 0 && fkRange;
    }

    /**
     * Appends the argv positions of this spec's keys to out, or returns false if argv does not
     * fit the spec (as Redis's getKeysUsingKeySpecs, which then treats the command as invalid).
     */
    public boolean positions(byte[][] argv, List<Integer> out) {
        int argc = argv.length;
        int first;
        if (bsIndex > 0) {
            first = bsIndex;
        } else if (bsIndex == 0 && bsKeyword != null) {
            int start = bsStartFrom >= 0 ? bsStartFrom : argc + bsStartFrom;
            int end = bsStartFrom >= 0 ? argc - 1 : 0;
            int step = bsStartFrom >= 0 ? 1 : -1;
            first = -1;
            byte[] kw = bsKeyword.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = start; step > 0 ? i <= end : i >= end; i += step) {
                if (i <= 0 || i >= argc) break;
                if (equalsIgnoreCase(argv[i], kw)) { first = i + 1; break; }
            }
            if (first < 0) return true; // keyword absent: no keys from this spec
        } else {
            return true;
        }
        if (fkUnknown) return true;
        int last;
        int step;
        if (fkRange) {
            step = keyStep;
            if (lastKey >= 0) {
                last = first + lastKey;
            } else if (limit <= 1) {
                last = argc + lastKey;
            } else {
                last = first + ((argc - first) / limit + lastKey);
            }
        } else {
            int numIdx = first + keyNumIdx;
            if (numIdx >= argc) return false;
            long[] n = new long[1];
            if (!io.vermilion.util.Numbers.parseLong(argv[numIdx], n) || n[0] < 0) return false;
            step = keyStep;
            first = numIdx + firstKey;
            last = first + (int) Math.min(n[0], Integer.MAX_VALUE / 2) * step - 1;
            if (n[0] == 0) return true;
        }
        if (last >= argc || last < first && !(fkRange && lastKey < 0 && last < first)) {
            if (last >= argc) return false;
        }
        for (int i = first; i <= last; i += step) {
            if (i >= argc) return false;
            out.add(i);
        }
        return true;
    }

    static boolean equalsIgnoreCase(byte[] a, byte[] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) {
            int x = a[i], y = b[i];
            if (x >= 'A' && x <= 'Z') x += 32;
            if (y >= 'A' && y <= 'Z') y += 32;
            if (x != y) return false;
        }
        return true;
    }
}
