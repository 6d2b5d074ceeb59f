package io.vermilion.util;

/**
 * CRC16-CCITT (XMODEM variant: polynomial 0x1021, initial value 0, no reflection), the checksum
 * Redis Cluster uses to map a key to one of 16384 hash slots. Table-driven; the table is computed
 * once at class load from the polynomial.
 */
public final class Crc16 {
    private static final int POLY = 0x1021;
    private static final int[] TABLE = new int[256];
    /** CRC of byte i followed by a zero byte: lets the loop consume two bytes per step. */
    private static final int[] TABLE2 = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ POLY : crc << 1;
            }
            TABLE[i] = crc & 0xFFFF;
        }
        for (int i = 0; i < 256; i++) {
            TABLE2[i] = ((TABLE[i] << 8) ^ TABLE[TABLE[i] >>> 8]) & 0xFFFF;
        }
    }

    private Crc16() {}

    public static int crc16(byte[] buf, int off, int len) {
        int crc = 0;
        int i = off, end = off + len;
        // Two bytes per step ("slicing by 2"): the 16-bit register is exactly consumed, and the
        // two table loads are independent, which roughly halves the time of the byte loop.
        for (; i + 1 < end; i += 2) {
            int x = crc ^ ((buf[i] & 0xFF) << 8 | (buf[i + 1] & 0xFF));
            crc = TABLE2[x >>> 8] ^ TABLE[x & 0xFF];
        }
        if (i < end) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ buf[i]) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }

    public static int crc16(byte[] buf) {
        return crc16(buf, 0, buf.length);
    }
}
