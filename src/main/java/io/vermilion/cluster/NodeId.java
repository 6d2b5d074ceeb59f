package io.vermilion.cluster;

import java.security.SecureRandom;

/**
 * Cluster node ids: 40 characters. Redis generates them as random lowercase hex (like a SHA1), but
 * its validity check accepts any of {@code [a-z0-9]}, so we accept the same set when reading.
 */
public final class NodeId {
    public static final int LENGTH = 40;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private NodeId() {}

    /** Same rule as Redis's verifyClusterNodeId: exactly 40 chars, each a-z or 0-9. */
    public static boolean isValid(CharSequence s) {
        if (s == null || s.length() != LENGTH) return false;
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
        }
        return true;
    }

    /** A fresh random 40-char lowercase hex id. */
    public static String random() {
        byte[] b = new byte[LENGTH / 2];
        RANDOM.nextBytes(b);
        char[] c = new char[LENGTH];
        for (int i = 0; i < b.length; i++) {
            c[2 * i] = HEX[(b[i] >> 4) & 0xf];
            c[2 * i + 1] = HEX[b[i] & 0xf];
        }
        return new String(c);
    }

    /** @throws IllegalArgumentException unless {@link #isValid} */
    public static String require(String s) {
        if (!isValid(s)) throw new IllegalArgumentException("invalid node id '" + s + "'");
        return s;
    }
}
