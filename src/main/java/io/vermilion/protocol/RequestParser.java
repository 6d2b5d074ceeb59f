package io.vermilion.protocol;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental parser of client requests: RESP multibulk ({@code *N\r\n$len\r\n...}) and inline
 * commands ({@code PING hello\r\n}), as Redis accepts them.
 *
 * <p>The parser is resumable: {@link #parse(ByteBuf)} consumes what it can from the buffer and
 * returns {@code null} when it needs more bytes, keeping its position (argument count, arguments
 * read so far) between calls. It never allocates in proportion to a <em>declared</em> length:
 * a bulk's byte[] is allocated only once all of its bytes have arrived, so a client that
 * announces a 2 GB bulk and sends nothing costs nothing but the bytes it really sent (those are
 * bounded by client-query-buffer-limit in the server).
 *
 * <p>Limits and error texts follow Redis 7.0 (networking.c): inline requests and count lines
 * longer than 64 KB without a newline, multibulk counts above 1024*1024*1024... see constants.
 */
public final class RequestParser {
    /** Longest inline request / count line Redis accepts before a newline (PROTO_INLINE_MAX_SIZE). */
    public static final int INLINE_MAX_SIZE = 64 * 1024;
    /** Largest multibulk count (INT_MAX in Redis 7.0). */
    public static final long MAX_MULTIBULK = Integer.MAX_VALUE;

    /** Largest multibulk count / bulk length a client that still has to AUTH may announce (Redis 7.0.15). */
    public static final int UNAUTHENTICATED_MAX_COUNT = 10;
    public static final int UNAUTHENTICATED_MAX_BULK = 16384;

    private long maxBulkLen;
    private boolean unauthenticated;
    // multibulk state
    private int remaining = -1;     // arguments still to read; -1 = not inside a multibulk
    private long bulkLen = -1;      // length of the bulk being read; -1 = expecting a '$' line
    private byte[][] argv;
    private int argc;

    public RequestParser(long maxBulkLen) {
        this.maxBulkLen = maxBulkLen;
    }

    public void setMaxBulkLen(long maxBulkLen) {
        this.maxBulkLen = maxBulkLen;
    }

    /**
     * While true (a password is required and the client has not authenticated), requests may
     * not announce more than 10 arguments or bulks above 16 KB: an unauthenticated peer cannot
     * make the server buffer much.
     */
    public void setUnauthenticated(boolean unauthenticated) {
        this.unauthenticated = unauthenticated;
    }

    /** True when the parser holds part of a request. */
    public boolean inRequest() {
        return remaining >= 0;
    }

    /**
     * Parses one request from {@code in}. Returns the arguments, an empty array for a request
     * that carries no command (empty inline line, {@code *0}, {@code *-1}), or {@code null} when
     * more bytes are needed. A heap buffer is parsed through its array ({@link #parse(byte[], int, int)}).
     */
    public byte[][] parse(ByteBuf in) throws ProtocolException {
        if (in.hasArray()) {
            int base = in.arrayOffset();
            try {
                return parse(in.array(), base + in.readerIndex(), base + in.writerIndex());
            } finally {
                in.readerIndex(pos - base);
            }
        }
        return parseBuf(in);
    }

    private int pos;

    /** After {@link #parse(byte[], int, int)}: where the bytes it did not consume start. */
    public int position() { return pos; }

    /**
     * Parses one request from {@code b[from, limit)}, as {@link #parse(ByteBuf)}; afterwards
     * {@link #position()} tells how far it consumed (also when it returns null: the arguments
     * complete so far are kept, the caller must keep the bytes from position() on).
     */
    public byte[][] parse(byte[] b, int from, int limit) throws ProtocolException {
        int p = from;
        pos = p;
        if (remaining < 0) {
            if (p >= limit) return null;
            if (b[p] != '*') return parseInline(b, p, limit);
            int eol = findCr(b, p, limit);
            if (eol < 0) {
                if (limit - p > INLINE_MAX_SIZE) throw new ProtocolException("Protocol error: too big mbulk count string");
                return null;
            }
            long n = parseLong(b, p + 1, eol);
            if (n == Long.MIN_VALUE || n > MAX_MULTIBULK) {
                throw new ProtocolException("Protocol error: invalid multibulk length");
            }
            if (unauthenticated && n > UNAUTHENTICATED_MAX_COUNT) {
                throw new ProtocolException("Protocol error: unauthenticated multibulk length");
            }
            p = eol + 2;
            pos = p;
            if (n <= 0) return EMPTY;
            remaining = (int) n;
            // Never trust the declared count for allocation: grow as arguments arrive.
            argv = new byte[(int) Math.min(n, 64)][];
            argc = 0;
            bulkLen = -1;
        }
        while (remaining > 0) {
            if (bulkLen < 0) {
                if (p >= limit) return null;
                int eol = findCr(b, p, limit);
                if (eol < 0) {
                    if (limit - p > INLINE_MAX_SIZE) throw new ProtocolException("Protocol error: too big bulk count string");
                    return null;
                }
                byte first = b[p];
                if (first != '$') {
                    throw new ProtocolException("Protocol error: expected '$', got '" + (char) (first & 0xFF) + "'");
                }
                long len = parseLong(b, p + 1, eol);
                if (len == Long.MIN_VALUE || len < 0 || len > maxBulkLen) {
                    throw new ProtocolException("Protocol error: invalid bulk length");
                }
                if (unauthenticated && len > UNAUTHENTICATED_MAX_BULK) {
                    throw new ProtocolException("Protocol error: unauthenticated bulk length");
                }
                p = eol + 2;
                pos = p;
                bulkLen = len;
            }
            if (limit - p < bulkLen + 2) return null;
            int len = (int) bulkLen;
            byte[] arg = new byte[len];
            System.arraycopy(b, p, arg, 0, len);
            p += len + 2; // CRLF (Redis does not check these two bytes either)
            pos = p;
            addArg(arg);
        }
        return finishRequest();
    }

    private byte[][] parseInline(byte[] b, int start, int limit) throws ProtocolException {
        int nl = -1;
        for (int i = start; i < limit; i++) {
            if (b[i] == '\n') { nl = i; break; }
        }
        if (nl < 0) {
            if (limit - start > INLINE_MAX_SIZE) throw new ProtocolException("Protocol error: too big inline request");
            return null;
        }
        int end = nl;
        if (end > start && b[end - 1] == '\r') end--;
        byte[] line = java.util.Arrays.copyOfRange(b, start, end);
        pos = nl + 1;
        List<byte[]> args = splitArgs(line);
        if (args == null) throw new ProtocolException("Protocol error: unbalanced quotes in request");
        return args.toArray(new byte[0][]);
    }

    /** The first '\r' in b[from, limit) that has a byte after it, or -1 (Redis assumes '\n' follows). */
    private static int findCr(byte[] b, int from, int limit) {
        for (int i = from; i < limit - 1; i++) {
            if (b[i] == '\r') return i;
        }
        return -1;
    }

    /** Parses a signed decimal between [from, to); Long.MIN_VALUE when it is not one. */
    private static long parseLong(byte[] b, int from, int to) {
        if (from >= to || to - from > 20) return Long.MIN_VALUE;
        boolean neg = false;
        int i = from;
        if (b[i] == '-') { neg = true; i++; if (i == to) return Long.MIN_VALUE; }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) return Long.MIN_VALUE;
            v = v * 10 + d;
            if (v < 0) return Long.MIN_VALUE;
        }
        return neg ? -v : v;
    }

    /** {@link #parse(ByteBuf)} for a buffer without an array (direct memory). */
    private byte[][] parseBuf(ByteBuf in) throws ProtocolException {
        if (remaining < 0) {
            if (!in.isReadable()) return null;
            if (in.getByte(in.readerIndex()) != '*') return parseInline(in);
            int eol = findCrlf(in, in.readerIndex());
            if (eol < 0) {
                if (in.readableBytes() > INLINE_MAX_SIZE) throw new ProtocolException("Protocol error: too big mbulk count string");
                return null;
            }
            long n = parseLong(in, in.readerIndex() + 1, eol);
            if (n == Long.MIN_VALUE || n > MAX_MULTIBULK) {
                throw new ProtocolException("Protocol error: invalid multibulk length");
            }
            if (unauthenticated && n > UNAUTHENTICATED_MAX_COUNT) {
                throw new ProtocolException("Protocol error: unauthenticated multibulk length");
            }
            in.readerIndex(eol + 2);
            if (n <= 0) return EMPTY;
            remaining = (int) n;
            // Never trust the declared count for allocation: grow as arguments arrive.
            argv = new byte[(int) Math.min(n, 64)][];
            argc = 0;
            bulkLen = -1;
        }
        while (remaining > 0) {
            if (bulkLen < 0) {
                if (!in.isReadable()) return null;
                int eol = findCrlf(in, in.readerIndex());
                if (eol < 0) {
                    if (in.readableBytes() > INLINE_MAX_SIZE) throw new ProtocolException("Protocol error: too big bulk count string");
                    return null;
                }
                byte first = in.getByte(in.readerIndex());
                if (first != '$') {
                    throw new ProtocolException("Protocol error: expected '$', got '" + (char) (first & 0xFF) + "'");
                }
                long len = parseLong(in, in.readerIndex() + 1, eol);
                if (len == Long.MIN_VALUE || len < 0 || len > maxBulkLen) {
                    throw new ProtocolException("Protocol error: invalid bulk length");
                }
                if (unauthenticated && len > UNAUTHENTICATED_MAX_BULK) {
                    throw new ProtocolException("Protocol error: unauthenticated bulk length");
                }
                in.readerIndex(eol + 2);
                bulkLen = len;
            }
            if (in.readableBytes() < bulkLen + 2) return null;
            byte[] arg = new byte[(int) bulkLen];
            in.readBytes(arg);
            in.skipBytes(2); // CRLF (Redis does not check these two bytes either)
            addArg(arg);
        }
        return finishRequest();
    }

    /** Appends one complete bulk argument to the request being built (both input paths). */
    private void addArg(byte[] arg) {
        if (argc == argv.length) {
            byte[][] bigger = new byte[(int) Math.min((long) argv.length * 2, argc + remaining)][];
            System.arraycopy(argv, 0, bigger, 0, argc);
            argv = bigger;
        }
        argv[argc++] = arg;
        remaining--;
        bulkLen = -1;
    }

    /** The request whose last argument has arrived; the parser is ready for the next one. */
    private byte[][] finishRequest() {
        byte[][] result = argv.length == argc ? argv : java.util.Arrays.copyOf(argv, argc);
        argv = null;
        remaining = -1;
        return result;
    }

    private static final byte[][] EMPTY = new byte[0][];

    private byte[][] parseInline(ByteBuf in) throws ProtocolException {
        int start = in.readerIndex();
        int nl = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (nl < 0) {
            if (in.readableBytes() > INLINE_MAX_SIZE) throw new ProtocolException("Protocol error: too big inline request");
            return null;
        }
        int end = nl;
        if (end > start && in.getByte(end - 1) == '\r') end--;
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(nl + 1);
        List<byte[]> args = splitArgs(line);
        if (args == null) throw new ProtocolException("Protocol error: unbalanced quotes in request");
        return args.toArray(new byte[0][]);
    }

    private static int findCrlf(ByteBuf in, int from) {
        int cr = in.indexOf(from, in.writerIndex(), (byte) '\r');
        if (cr < 0 || cr + 1 >= in.writerIndex()) return -1;
        return cr; // Redis only looks for '\r' and assumes '\n' follows.
    }

    /** Parses a signed decimal between [from, to); Long.MIN_VALUE when it is not one. */
    private static long parseLong(ByteBuf in, int from, int to) {
        if (from >= to || to - from > 20) return Long.MIN_VALUE;
        boolean neg = false;
        int i = from;
        if (in.getByte(i) == '-') { neg = true; i++; if (i == to) return Long.MIN_VALUE; }
        long v = 0;
        for (; i < to; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9) return Long.MIN_VALUE;
            v = v * 10 + d;
            if (v < 0) return Long.MIN_VALUE;
        }
        return neg ? -v : v;
    }

    /**
     * Splits a line into arguments the way Redis splits inline commands and config lines
     * (sdssplitargs): whitespace separated, "double quotes" with \n \r \t \b \a \\ \" \xHH
     * escapes, 'single quotes' with \' only; a closing quote must be followed by a space or the
     * end. Returns null for unbalanced quotes.
     */
    public static List<byte[]> splitArgs(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0, n = line.length;
        java.io.ByteArrayOutputStream cur = new java.io.ByteArrayOutputStream();
        while (true) {
            while (i < n && isSpace(line[i])) i++;
            if (i >= n) return out;
            boolean inq = false, insq = false, done = false;
            cur.reset();
            while (!done) {
                if (inq) {
                    if (i >= n) return null;
                    byte c = line[i];
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        cur.write(hexVal(line[i + 2]) * 16 + hexVal(line[i + 3]));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        byte e = line[i];
                        switch (e) {
                            case 'n': cur.write('\n'); break;
                            case 'r': cur.write('\r'); break;
                            case 't': cur.write('\t'); break;
                            case 'b': cur.write('\b'); break;
                            case 'a': cur.write(7); break;
                            default: cur.write(e); break;
                        }
                    } else if (c == '"') {
                        if (i + 1 < n && !isSpace(line[i + 1])) return null;
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (insq) {
                    if (i >= n) return null;
                    byte c = line[i];
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line[i + 1])) return null;
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i >= n) { done = true; break; }
                    byte c = line[i];
                    if (isSpace(c)) {
                        done = true;
                    } else if (c == '"') {
                        inq = true;
                    } else if (c == '\'') {
                        insq = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (i < n) i++;
            }
            out.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0B || c == '\f';
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hexVal(byte c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return c - 'A' + 10;
    }
}
