package io.vermilion.util;

/**
 * CRC16-CCITT (XMODEM variant: polynomial 0x1021, initial value 0, no reflection), the checksum
 * Redis Cluster uses to map a key to one of 16384 hash slots. Table-driven; the table is computed
 * once at class load from the polynomial.
 */
public final class Crc16 {
    private static final int POLY = 0x1021;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ POLY : crc << 1;
            }
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private Crc16() {}

    public static int crc16(byte[] buf, int off, int len) {
        int crc = 0;
        for (int i = off, end = off + len; i < end; i++) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ buf[i]) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }

    public static int crc16(byte[] buf) {
        return crc16(buf, 0, buf.length);
    }
}
