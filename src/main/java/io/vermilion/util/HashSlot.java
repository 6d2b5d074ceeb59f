package io.vermilion.util;

/**
 * Maps a key to its Redis Cluster hash slot: CRC16 of the key, or of the part between the first
 * '{' and the next '}' when that part is non-empty (the "hash tag"), modulo 16384.
 */
public final class HashSlot {
    /** Number of hash slots in a Redis Cluster. */
    public static final int SLOTS = 16384;

    private HashSlot() {}

    public static int of(byte[] key) {
        return of(key, 0, key.length);
    }

    public static int of(byte[] key, int off, int len) {
        int end = off + len;
        int open = -1;
        for (int i = off; i < end; i++) {
            if (key[i] == '{') { open = i; break; }
        }
        if (open >= 0) {
            for (int j = open + 1; j < end; j++) {
                if (key[j] == '}') {
                    if (j > open + 1) {
                        return Crc16.crc16(key, open + 1, j - open - 1) & (SLOTS - 1);
                    }
                    break;
                }
            }
        }
        return Crc16.crc16(key, off, len) & (SLOTS - 1);
    }
}
