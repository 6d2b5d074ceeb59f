package io.vermilion.cluster;

import java.util.Locale;

/**
 * Node flag bits as Redis 7.0 keeps them in {@code clusterNode.flags}. The same 16-bit value is
 * sent on the bus (header {@code flags} and gossip {@code flags}), so the numbers are part of the
 * wire format and must never change.
 *
 * <p>Only some flags have a text name: {@link #MEET} and {@link #MIGRATE_TO} are internal and never
 * appear in {@code CLUSTER NODES} or {@code nodes.conf}.
 */
public final class NodeFlags {
    public static final int MASTER = 1;
    public static final int SLAVE = 2;
    /** "fail?": this node suspects the other is down, not yet agreed by the majority. */
    public static final int PFAIL = 4;
    public static final int FAIL = 8;
    public static final int MYSELF = 16;
    /** First PING/PONG not yet exchanged; the node still has a random placeholder id. */
    public static final int HANDSHAKE = 32;
    public static final int NOADDR = 64;
    /** Send MEET instead of PING on the next connection (internal). */
    public static final int MEET = 128;
    /** Master eligible for replica migration (internal). */
    public static final int MIGRATE_TO = 256;
    public static final int NOFAILOVER = 512;

    /** Rendering order and names, exactly as Redis prints them. */
    private static final int[] ORDER = {MYSELF, MASTER, SLAVE, PFAIL, FAIL, HANDSHAKE, NOADDR, NOFAILOVER};
    private static final String[] NAMES = {"myself", "master", "slave", "fail?", "fail", "handshake", "noaddr", "nofailover"};

    private NodeFlags() {}

    /**
     * Comma-separated flag names in Redis order, or {@code noflags} when none of the named flags is
     * set (internal-only bits such as MEET do not count).
     */
    public static String render(int flags) {
        io.vermilion.util.Latin1Builder out = new io.vermilion.util.Latin1Builder(32);
        appendTo(out, flags);
        return out.toString();
    }

    /** As {@link #render}, appended to out. */
    public static void appendTo(io.vermilion.util.Latin1Builder out, int flags) {
        int start = out.length();
        for (int i = 0; i < ORDER.length; i++) {
            if ((flags & ORDER[i]) != 0) {
                if (out.length() > start) out.ch(',');
                out.text(NAMES[i]);
            }
        }
        if (out.length() == start) out.text("noflags");
    }

    /**
     * Parses a comma-separated flag list as Redis's config loader does: names are case-insensitive,
     * {@code noflags} adds nothing, anything else (including an empty element) is an error.
     *
     * @throws IllegalArgumentException naming the unknown flag
     */
    public static int parse(String text) {
        int flags = 0;
        for (String s : text.split(",", -1)) {
            flags |= single(s);
        }
        return flags;
    }

    private static int single(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("noflags")) return 0;
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(lower)) return ORDER[i];
        }
        throw new IllegalArgumentException("unknown node flag '" + s + "'");
    }
}
