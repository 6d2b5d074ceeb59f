package io.vermilion.it.diff;

/** Renders bytes as a readable, unambiguous, double-quoted string for failure messages. */
public final class Escape {
    /** Replies longer than this are cut in messages; the comparison itself always uses all bytes. */
    private static final int MAX_SHOWN = 4000;

    private Escape() {}

    public static String readable(byte[] b) {
        StringBuilder sb = new StringBuilder(Math.min(b.length, MAX_SHOWN) + 16).append('"');
        int n = Math.min(b.length, MAX_SHOWN);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) sb.append((char) c);
                    else sb.append(String.format("\\x%02x", c));
                }
            }
        }
        sb.append('"');
        if (b.length > n) sb.append("... (").append(b.length).append(" bytes)");
        return sb.toString();
    }
}
