package io.vermilion.persistence.rdb;

import java.util.Arrays;

/**
 * LZF compression in the format of liblzf 3.x as bundled with Redis (RDB string encoding 3).
 *
 * <p>Format: a sequence of chunks, each starting with a control byte {@code c}:
 * <ul>
 *   <li>{@code c < 32}: a literal run, the next {@code c + 1} bytes are copied as they are;
 *   <li>{@code c >> 5} in 1..6: a back reference of {@code (c >> 5) + 2} bytes at distance
 *       {@code ((c & 31) << 8 | next byte) + 1} behind the output position;
 *   <li>{@code c >> 5 == 7}: the same with length {@code 9 + next byte}, then the distance byte.
 * </ul>
 *
 * <p>The compressor makes the same choices as Redis's build of liblzf (16-bit hash of the next
 * three bytes, greedy matching, the "very fast" re-hash after a match), so that DUMP of a long
 * compressible string returns the same bytes as Redis. It keeps one quirk on purpose: a match
 * against the very first input byte is never used.
 */
public final class Lzf {
    private static final int HLOG = 16;
    private static final int HSIZE = 1 << HLOG;
    private static final int MAX_LIT = 1 << 5;
    private static final int MAX_OFF = 1 << 13;
    private static final int MAX_REF = (1 << 8) + (1 << 3);

    private Lzf() {}

    /**
     * The hash table, reused per thread: allocating and clearing 64K entries for every string
     * would dominate the cost of saving many small values. Entries hold {@code stamp + position};
     * the stamp advances past every input, so entries of earlier inputs read as empty and the
     * output is exactly that of a fresh table.
     */
    private static final class Table {
        final int[] slots = new int[HSIZE];
        int stamp;

        Table() { Arrays.fill(slots, -1); }

        /** Reserves stamps for an input of n bytes; returns this call's stamp. */
        int begin(int n) {
            if (stamp > Integer.MAX_VALUE - n - 1) {
                Arrays.fill(slots, -1);
                stamp = 0;
            }
            int s = stamp;
            stamp += n + 1;
            return s;
        }
    }

    private static final ThreadLocal<Table> TABLE = ThreadLocal.withInitial(Table::new);

    private static int idx(int h) {
        return ((h >>> (3 * 8 - HLOG)) - h * 5) & (HSIZE - 1);
    }

    /**
     * Compresses {@code in[off, off+len)} into at most {@code maxOut} bytes. Returns the
     * compressed bytes, or null if they would not fit (the caller then stores the data plain).
     */
    public static byte[] compress(byte[] in, int off, int len, int maxOut) {
        if (len == 0 || maxOut <= 0) return null;
        // liblzf may step one byte past out_end while opening a literal run it never fills;
        // the slack keeps that harmless here as Redis's one spare byte does in C.
        byte[] out = new byte[maxOut + 2];
        int n = compress(in, off, len, out, maxOut);
        return n == 0 ? null : Arrays.copyOf(out, n);
    }

    /** Core of {@link #compress(byte[], int, int, int)}: returns the length written, 0 if it does not fit. */
    private static int compress(byte[] in, int inOff, int inLen, byte[] out, int outLen) {
        Table table = TABLE.get();
        final int[] htab = table.slots;
        final int stamp = table.begin(inLen) - inOff; // entry value = stamp + absolute position
        final int valid = stamp + inOff;              // smallest value written by this call
        int ip = inOff;
        final int inEnd = inOff + inLen;
        int op = 0;
        final int outEnd = outLen;
        int lit = 0;
        op++; // room for the header of the first literal run

        int hval = inLen >= 2 ? ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff) : 0;
        while (ip < inEnd - 2) {
            hval = (hval << 8) | (in[ip + 2] & 0xff);
            int slot = idx(hval);
            int e = htab[slot];
            int ref = e >= valid ? e - stamp : -1;
            htab[slot] = stamp + ip;
            int off;
            if (ref > inOff && (off = ip - ref - 1) < MAX_OFF
                    && in[ref + 2] == in[ip + 2] && in[ref] == in[ip] && in[ref + 1] == in[ip + 1]) {
                int len = 2;
                int maxlen = inEnd - ip - len;
                if (maxlen > MAX_REF) maxlen = MAX_REF;
                if (op + 3 + 1 >= outEnd && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
                out[op - lit - 1] = (byte) (lit - 1); // close the literal run
                if (lit == 0) op--;                   // or drop its header if it is empty
                matching:
                {
                    if (maxlen > 16) {
                        // Sixteen steps without the bound check (maxlen > 16 makes them safe),
                        // exactly as liblzf unrolls them: this decides match lengths near maxlen.
                        for (int k = 0; k < 16; k++) {
                            len++;
                            if (in[ref + len] != in[ip + len]) break matching;
                        }
                    }
                    do {
                        len++;
                    } while (len < maxlen && in[ref + len] == in[ip + len]);
                }
                len -= 2; // octets - 2
                ip++;
                if (len < 7) {
                    out[op++] = (byte) ((off >>> 8) + (len << 5));
                } else {
                    out[op++] = (byte) ((off >>> 8) + (7 << 5));
                    out[op++] = (byte) (len - 7);
                }
                out[op++] = (byte) off;
                lit = 0;
                op++; // header of the next literal run
                ip += len + 1;
                if (ip >= inEnd - 2) break;
                // Hash the last two positions of the match so later data can refer to them.
                ip -= 2;
                hval = ((in[ip] & 0xff) << 8) | (in[ip + 1] & 0xff);
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = stamp + ip;
                ip++;
                hval = (hval << 8) | (in[ip + 2] & 0xff);
                htab[idx(hval)] = stamp + ip;
                ip++;
            } else {
                if (op >= outEnd) return 0;
                lit++;
                out[op++] = in[ip++];
                if (lit == MAX_LIT) {
                    out[op - lit - 1] = (byte) (lit - 1);
                    lit = 0;
                    op++;
                }
            }
        }
        if (op + 3 > outEnd) return 0; // at most 3 more bytes follow
        while (ip < inEnd) {
            lit++;
            out[op++] = in[ip++];
            if (lit == MAX_LIT) {
                out[op - lit - 1] = (byte) (lit - 1);
                lit = 0;
                op++;
            }
        }
        out[op - lit - 1] = (byte) (lit - 1);
        if (lit == 0) op--;
        return op;
    }

    /** Thrown by {@link #decompress} for data that is not valid LZF of the announced length. */
    public static final class CorruptException extends Exception {
        public CorruptException(String msg) {
            super(msg);
        }
    }

    /**
     * Decompresses {@code in[off, off+len)}, which must expand to exactly {@code outLen} bytes.
     * Every read and write is bounds-checked: hostile input fails with an exception, never with
     * an array index error or an oversized allocation (the output is allocated once, at outLen).
     */
    public static byte[] decompress(byte[] in, int off, int len, int outLen) throws CorruptException {
        byte[] out = new byte[outLen];
        int ip = off;
        final int inEnd = off + len;
        int op = 0;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < (1 << 5)) {
                int n = ctrl + 1;
                if (op + n > outLen) throw new CorruptException("literal run overflows the output");
                if (ip + n > inEnd) throw new CorruptException("literal run past the end of input");
                System.arraycopy(in, ip, out, op, n);
                ip += n;
                op += n;
            } else {
                int n = ctrl >>> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (ip >= inEnd) throw new CorruptException("back reference truncated");
                if (n == 7) {
                    n += in[ip++] & 0xff;
                    if (ip >= inEnd) throw new CorruptException("back reference truncated");
                }
                ref -= in[ip++] & 0xff;
                n += 2;
                if (op + n > outLen) throw new CorruptException("back reference overflows the output");
                if (ref < 0) throw new CorruptException("back reference before the start of output");
                if (op >= ref + n) {
                    System.arraycopy(out, ref, out, op, n);
                    op += n;
                } else {
                    // Overlapping copy repeats the pattern: byte by byte on purpose.
                    for (int k = 0; k < n; k++) out[op++] = out[ref++];
                }
            }
        }
        if (op != outLen) throw new CorruptException("decompressed " + op + " bytes, expected " + outLen);
        return out;
    }
}
