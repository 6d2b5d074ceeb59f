package io.vermilion.persistence.aof;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads commands from an AOF in the format Redis writes ({@code *<argc>\r\n} then per argument
 * {@code $<len>\r\n<bytes>\r\n}), with annotation lines starting with '#' skipped. Parses like
 * Redis's loader (lines of at most 1024 bytes, atoi/strtol numbers, the CRLF after each
 * argument skipped unchecked), but never allocates by a declared length beyond what is left.
 *
 * <p>{@link #validUpTo()} is the offset just after the last complete command: where a truncated
 * file is cut back to.
 */
public final class AofCommandReader {
    /** The file ended in the middle of a command. */
    public static final class Truncated extends IOException {
        Truncated() { super("unexpected end of file"); }
    }

    /** The bytes are not in AOF format. */
    public static final class BadFormat extends IOException {
        BadFormat(String m) { super(m); }
    }

    private static final int LINE_MAX = 1024;
    private final InputStream in;
    private final long size;
    private final byte[] buf = new byte[64 * 1024];
    private int pos, lim;
    private long base;       // file offset of buf[0]
    private long validUpTo;

    /**
     * @param in    the file from {@code start}
     * @param start the file offset {@code in} is positioned at
     * @param size  the total file size
     */
    public AofCommandReader(InputStream in, long start, long size) {
        this.in = in;
        this.base = start;
        this.validUpTo = start;
        this.size = size;
    }

    public long validUpTo() { return validUpTo; }

    public long position() { return base + pos; }

    private boolean fill() throws IOException {
        if (pos < lim) System.arraycopy(buf, pos, buf, 0, lim - pos);
        base += pos;
        lim -= pos;
        pos = 0;
        int r = in.read(buf, lim, buf.length - lim);
        if (r <= 0) return false;
        lim += r;
        return true;
    }

    /** fgets: up to and including '\n', at most LINE_MAX-1 bytes; null at EOF before any byte. */
    private byte[] line() throws IOException {
        byte[] out = new byte[64];
        int n = 0;
        while (n < LINE_MAX - 1) {
            if (pos == lim && !fill()) break;
            byte c = buf[pos++];
            if (n == out.length) out = Arrays.copyOf(out, n * 2);
            out[n++] = c;
            if (c == '\n') break;
        }
        return n == 0 ? null : Arrays.copyOf(out, n);
    }

    private static long atol(byte[] b, int from) {
        int i = from;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t')) i++;
        boolean neg = false;
        if (i < b.length && (b[i] == '-' || b[i] == '+')) neg = b[i++] == '-';
        long v = 0;
        for (; i < b.length && b[i] >= '0' && b[i] <= '9'; i++) {
            v = v * 10 + (b[i] - '0');
            if (v > Integer.MAX_VALUE) return neg ? Integer.MIN_VALUE : Integer.MAX_VALUE;
        }
        return neg ? -v : v;
    }

    private void readFully(byte[] b, int len) throws IOException {
        int off = 0;
        while (off < len) {
            if (pos == lim && !fill()) throw new Truncated();
            int k = Math.min(len - off, lim - pos);
            System.arraycopy(buf, pos, b, off, k);
            pos += k;
            off += k;
        }
    }

    /**
     * The next command, or null at a clean end of file. Throws {@link Truncated} when the file
     * ends inside a command and {@link BadFormat} for bytes that are not a command.
     */
    public byte[][] next() throws IOException {
        byte[] l;
        while (true) {
            l = line();
            if (l == null) return null;
            if (l[0] == '#') {
                // an annotation (#TS:...): the rest of its line is skipped with it
                if (l[l.length - 1] != '\n') while ((l = line()) != null && l[l.length - 1] != '\n') { /* skip */ }
                validUpTo = position();
                continue;
            }
            break;
        }
        if (l[0] != '*') throw new BadFormat("command does not start with '*'");
        if (l.length == 1) throw new Truncated();
        long argc = atol(l, 1);
        if (argc < 1) throw new BadFormat("bad argument count");
        // Every argument takes at least 4 bytes ("$0\r\n"): a count beyond that is a short file.
        if (argc > (size - position()) / 4 + 1) throw new Truncated();
        byte[][] argv = new byte[(int) argc][];
        for (int j = 0; j < argc; j++) {
            byte[] h = line();
            if (h == null) throw new Truncated();
            if (h[0] != '$') throw new BadFormat("argument does not start with '$'");
            long len = atol(h, 1);
            if (len < 0) len = 0;
            if (len > size - position()) throw new Truncated();
            byte[] a = new byte[(int) len];
            readFully(a, (int) len);
            argv[j] = a;
            byte[] crlf = new byte[2];
            readFully(crlf, 2);
        }
        validUpTo = position();
        return argv;
    }
}
