package io.vermilion.persistence.rdb;

/**
 * The CRC-64 Redis uses for RDB files and DUMP payloads: the "Jones" polynomial
 * (0xad93d23594c935a9), reflected input and output, initial value 0, no final xor. Check value:
 * {@code update(0, "123456789")} is {@code 0xe9c6d914c4b8d9ca}.
 *
 * <p>Computed with slicing-by-8 (eight 256-entry tables, eight input bytes per step): an RDB file
 * of several gigabytes is checksummed while it is written, so the byte-at-a-time loop would be
 * the bottleneck of a save.
 */
public final class Crc64 {
    /** The polynomial bit-reversed, as a reflected CRC processes the least significant bit first. */
    private static final long POLY_REFLECTED = 0x95ac9329ac4bc9b5L;
    private static final long[][] T = new long[8][256];

    static {
        for (int n = 0; n < 256; n++) {
            long c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            T[0][n] = c;
        }
        for (int n = 0; n < 256; n++) {
            long c = T[0][n];
            for (int t = 1; t < 8; t++) {
                c = T[0][(int) (c & 0xff)] ^ (c >>> 8);
                T[t][n] = c;
            }
        }
    }

    private Crc64() {}

    /** Continues a CRC over {@code len} bytes of {@code b} from {@code off}. Start with crc 0. */
    public static long update(long crc, byte[] b, int off, int len) {
        long c = crc;
        int i = off;
        int end = off + len;
        long[] t0 = T[0], t1 = T[1], t2 = T[2], t3 = T[3], t4 = T[4], t5 = T[5], t6 = T[6], t7 = T[7];
        while (end - i >= 8) {
            c ^= (b[i] & 0xffL) | (b[i + 1] & 0xffL) << 8 | (b[i + 2] & 0xffL) << 16 | (b[i + 3] & 0xffL) << 24
                    | (b[i + 4] & 0xffL) << 32 | (b[i + 5] & 0xffL) << 40 | (b[i + 6] & 0xffL) << 48
                    | (b[i + 7] & 0xffL) << 56;
            c = t7[(int) (c & 0xff)] ^ t6[(int) ((c >>> 8) & 0xff)] ^ t5[(int) ((c >>> 16) & 0xff)]
                    ^ t4[(int) ((c >>> 24) & 0xff)] ^ t3[(int) ((c >>> 32) & 0xff)] ^ t2[(int) ((c >>> 40) & 0xff)]
                    ^ t1[(int) ((c >>> 48) & 0xff)] ^ t0[(int) (c >>> 56)];
            i += 8;
        }
        while (i < end) {
            c = t0[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
            i++;
        }
        return c;
    }

    public static long update(long crc, byte[] b) {
        return update(crc, b, 0, b.length);
    }

    public static long update(long crc, int singleByte) {
        return T[0][(int) ((crc ^ singleByte) & 0xff)] ^ (crc >>> 8);
    }
}
