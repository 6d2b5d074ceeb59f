package io.vermilion.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes RESP2 and RESP3 replies from a blocking {@link InputStream}, one complete {@link Reply}
 * per {@link #read()} call.
 *
 * <p>The reader keeps its own buffer (so do not wrap the stream in a {@code BufferedInputStream})
 * and never reads past what it needs into anything but that buffer; the raw helpers
 * ({@link #readLine()}, {@link #readFully}, {@link #transferTo}) let protocols that leave RESP for a
 * while, such as the RDB payload of a replication handshake, continue on the same bytes.
 *
 * <p>Everything in RESP3 is understood, including the streamed forms ({@code $?}, {@code *?} with
 * {@code ;} chunks and the {@code .} terminator) that Redis itself never sends. Not thread safe.
 */
public final class ReplyReader {
    /** Largest bulk string accepted, as Redis's default {@code proto-max-bulk-len}. */
    public static final long DEFAULT_MAX_BULK = 512L * 1024 * 1024;
    /** Nesting deeper than this is treated as garbage rather than risking a stack overflow. */
    private static final int MAX_DEPTH = 4096;
    private static final int STREAMED = -2;
    private static final String EOF_MESSAGE = "Server closed the connection";

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int lim;
    private final long maxBulk;

    public ReplyReader(InputStream in) {
        this(in, 16 * 1024, DEFAULT_MAX_BULK);
    }

    public ReplyReader(InputStream in, int bufferSize, long maxBulk) {
        this.in = in;
        this.buf = new byte[Math.max(64, bufferSize)];
        this.maxBulk = maxBulk;
    }

    /**
     * Reads the next complete reply, blocking as long as the stream does.
     *
     * @throws EOFException if the stream ends, before or in the middle of a reply
     * @throws ProtocolException if the bytes are not RESP
     */
    public Reply read() throws IOException {
        return readReply(0);
    }

    /** True if bytes are already buffered, i.e. {@link #read()} may not need to block at first. */
    public boolean hasBuffered() {
        return pos < lim;
    }

    /** Number of buffered, not yet consumed bytes. */
    public int buffered() {
        return lim - pos;
    }

    private Reply readReply(int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new ProtocolException("Protocol error, nesting deeper than " + MAX_DEPTH);
        int type = readByte();
        switch (type) {
            case '+':
                return new Reply.SimpleString(readLine());
            case '-':
                return new Reply.Error(readLine());
            case ':':
                return new Reply.Integer(readLong());
            case '$':
                return readBulk();
            case '*': {
                int n = readCount();
                if (n == -1) return new Reply.Array(null);
                return new Reply.Array(readElements(n, depth));
            }
            case '%':
                return new Reply.Map(readEntries(readCount(), depth));
            case '~':
                return new Reply.Set(readElements(readCount(), depth));
            case '>':
                return new Reply.Push(readElements(readCount(), depth));
            case '|': {
                List<Reply.Entry> attrs = readEntries(readCount(), depth);
                return new Reply.Attribute(attrs, readReply(depth + 1));
            }
            case '_':
                if (readLine().length != 0) throw new ProtocolException("Bad nil value");
                return Reply.Null.INSTANCE;
            case '#': {
                byte[] l = readLine();
                if (l.length == 1 && (l[0] == 't' || l[0] == 'f')) {
                    return l[0] == 't' ? Reply.Boolean.TRUE : Reply.Boolean.FALSE;
                }
                throw new ProtocolException("Bad bool value");
            }
            case ',': {
                byte[] l = readLine();
                if (l.length == 0) throw new ProtocolException("Bad double value");
                return new Reply.Double(new String(l, StandardCharsets.US_ASCII));
            }
            case '(': {
                byte[] l = readLine();
                if (!isBigNumber(l)) throw new ProtocolException("Bad bignum value");
                return new Reply.BigNumber(new String(l, StandardCharsets.US_ASCII));
            }
            case '!': {
                long len = readLength();
                if (len < 0) throw new ProtocolException("Bad blob error length");
                return new Reply.Error(readPayload(len));
            }
            case '=': {
                long len = readLength();
                if (len < 4) throw new ProtocolException("Bad verbatim string length");
                byte[] all = readPayload(len);
                if (all[3] != ':') {
                    throw new ProtocolException("Verbatim string 4 bytes of content type are missing or incorrectly encoded.");
                }
                return new Reply.Verbatim(new String(all, 0, 3, StandardCharsets.US_ASCII),
                        Arrays.copyOfRange(all, 4, all.length));
            }
            case -1:
                throw new EOFException(EOF_MESSAGE);
            default:
                // Same wording as hiredis, which is what redis-cli users see.
                throw new ProtocolException("Protocol error, got " + describe(type) + " as reply type byte");
        }
    }

    private static String describe(int b) {
        if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') return "\"" + (char) b + "\"";
        return String.format("\"\\x%02x\"", b);
    }

    private static boolean isBigNumber(byte[] l) {
        int i = (l.length > 0 && (l[0] == '-' || l[0] == '+')) ? 1 : 0;
        if (i >= l.length) return false;
        for (; i < l.length; i++) if (l[i] < '0' || l[i] > '9') return false;
        return true;
    }

    private Reply readBulk() throws IOException {
        long len = readLength();
        if (len == -1) return new Reply.Bulk(null);
        if (len == STREAMED) return new Reply.Bulk(readStreamedString());
        if (len < 0) throw new ProtocolException("Bad bulk string length");
        return new Reply.Bulk(readPayload(len));
    }

    /** Streamed string: {@code ;len\r\n<data>\r\n} chunks up to a {@code ;0\r\n} chunk. */
    private byte[] readStreamedString() throws IOException {
        Growable out = new Growable(64);
        while (true) {
            int b = readByte();
            if (b == -1) throw new EOFException(EOF_MESSAGE);
            if (b != ';') throw new ProtocolException("Bad streamed string chunk");
            long len = readLong();
            if (len == 0) return out.toArray();
            if (len < 0 || out.size + len > maxBulk) throw new ProtocolException("Bad streamed string chunk length");
            out.append(readPayload(len));
        }
    }

    private List<Reply> readElements(int n, int depth) throws IOException {
        if (n == STREAMED) {
            List<Reply> list = new ArrayList<>();
            while (!consumeStreamEnd()) list.add(readReply(depth + 1));
            return list;
        }
        if (n < 0) throw new ProtocolException("Bad aggregate length");
        // Do not trust the announced count for the allocation: a corrupt header must not OOM us.
        List<Reply> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) list.add(readReply(depth + 1));
        return list;
    }

    private List<Reply.Entry> readEntries(int n, int depth) throws IOException {
        if (n == STREAMED) {
            List<Reply.Entry> list = new ArrayList<>();
            while (!consumeStreamEnd()) list.add(new Reply.Entry(readReply(depth + 1), readReply(depth + 1)));
            return list;
        }
        if (n < 0) throw new ProtocolException("Bad aggregate length");
        List<Reply.Entry> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) list.add(new Reply.Entry(readReply(depth + 1), readReply(depth + 1)));
        return list;
    }

    /** In a streamed aggregate, consumes the {@code .\r\n} terminator if it comes next. */
    private boolean consumeStreamEnd() throws IOException {
        if (peekByte() != '.') return false;
        pos++;
        if (readLine().length != 0) throw new ProtocolException("Bad stream terminator");
        return true;
    }

    /** Aggregate count: {@code -1} (null), {@link #STREAMED} for {@code ?}, or a non-negative int. */
    private int readCount() throws IOException {
        long n = readLength();
        if (n > Integer.MAX_VALUE) throw new ProtocolException("Bad aggregate length");
        return (int) n;
    }

    /** A length header: a number, or {@code ?} (streamed) mapped to {@link #STREAMED}. */
    private long readLength() throws IOException {
        if (peekByte() == '?') {
            pos++;
            if (readLine().length != 0) throw new ProtocolException("Bad streamed length");
            return STREAMED;
        }
        long n = readLong();
        if (n < -1) throw new ProtocolException("Bad length " + n);
        return n;
    }

    private byte[] readPayload(long len) throws IOException {
        if (len > maxBulk || len > Integer.MAX_VALUE - 8) throw new ProtocolException("Bulk string too large: " + len);
        byte[] data = readBytes((int) len);
        int cr = readByte();
        int lf = cr == '\r' ? readByte() : cr;
        if (cr == -1 || lf == -1) throw new EOFException(EOF_MESSAGE);
        if (cr != '\r' || lf != '\n') throw new ProtocolException("Bulk string not terminated by CRLF");
        return data;
    }

    /** Below this a payload's array is allocated at once; above it, only as its bytes arrive. */
    private static final int EAGER_PAYLOAD = 1 << 20;

    /**
     * {@code len} bytes of payload. A declared length is not trusted for the allocation: a large
     * one is read into an array that doubles as bytes really arrive, so a peer announcing 512 MB
     * and closing costs what it sent, not 512 MB (found by FuzzTest.cliReplyReader).
     */
    private byte[] readBytes(int len) throws IOException {
        if (len <= EAGER_PAYLOAD) {
            byte[] data = new byte[len];
            readFully(data, 0, len);
            return data;
        }
        byte[] data = new byte[EAGER_PAYLOAD];
        int filled = 0;
        while (filled < len) {
            if (filled == data.length) data = Arrays.copyOf(data, (int) Math.min(len, 2L * data.length));
            int n = data.length - filled;
            readFully(data, filled, n);
            filled += n;
        }
        return data;
    }

    /** Parses a signed decimal terminated by CRLF without allocating. */
    private long readLong() throws IOException {
        int b = readByte();
        boolean negative = false;
        if (b == '-' || b == '+') {
            negative = b == '-';
            b = readByte();
        }
        long v = 0;
        int digits = 0;
        while (b >= '0' && b <= '9') {
            int d = b - '0';
            if (v > (Long.MAX_VALUE - d) / 10) throw new ProtocolException("Bad integer value");
            v = v * 10 + d;
            digits++;
            b = readByte();
        }
        if (b == -1) throw new EOFException(EOF_MESSAGE);
        if (digits == 0 || b != '\r') throw new ProtocolException("Bad integer value");
        b = readByte();
        if (b == -1) throw new EOFException(EOF_MESSAGE);
        if (b != '\n') throw new ProtocolException("Bad integer value");
        return negative ? -v : v;
    }

    // ---------------------------------------------------------------- raw access

    /** Reads bytes up to the next CRLF and returns them without it. */
    public byte[] readLine() throws IOException {
        for (int i = pos; i < lim - 1; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n') {
                byte[] line = Arrays.copyOfRange(buf, pos, i);
                pos = i + 2;
                return line;
            }
        }
        Growable out = new Growable(Math.max(16, lim - pos + 16));
        while (true) {
            int b = readByte();
            if (b == -1) throw new EOFException(EOF_MESSAGE);
            if (b == '\r') {
                int n = readByte();
                if (n == '\n') return out.toArray();
                if (n == -1) throw new EOFException(EOF_MESSAGE);
                out.append((byte) '\r');
                pos--; // readByte just returned buf[pos - 1]; look at it again
            } else {
                out.append((byte) b);
            }
        }
    }

    /** Reads exactly {@code len} bytes, from the buffer first and then straight from the stream. */
    public void readFully(byte[] dst, int off, int len) throws IOException {
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        off += n;
        len -= n;
        while (len > 0) {
            int r = in.read(dst, off, len);
            if (r < 0) throw new EOFException(EOF_MESSAGE);
            off += r;
            len -= r;
        }
    }

    /** Copies exactly {@code len} raw bytes to {@code out} (e.g. an RDB payload) and returns {@code len}. */
    public long transferTo(OutputStream out, long len) throws IOException {
        long left = len;
        while (left > 0) {
            if (pos == lim && !fill()) throw new EOFException(EOF_MESSAGE);
            int n = (int) Math.min(left, lim - pos);
            out.write(buf, pos, n);
            pos += n;
            left -= n;
        }
        return len;
    }

    /** Next byte without consuming it, or -1 at end of stream. */
    public int peekByte() throws IOException {
        if (pos == lim && !fill()) return -1;
        return buf[pos] & 0xff;
    }

    private int readByte() throws IOException {
        if (pos == lim && !fill()) return -1;
        return buf[pos++] & 0xff;
    }

    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        lim = n;
        return true;
    }

    /** A minimal growable byte array (ByteArrayOutputStream is synchronized and copies on toByteArray anyway). */
    private static final class Growable {
        byte[] a;
        int size;

        Growable(int cap) { a = new byte[cap]; }

        void append(byte b) {
            if (size == a.length) a = Arrays.copyOf(a, a.length * 2);
            a[size++] = b;
        }

        void append(byte[] b) {
            if (size + b.length > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, size + b.length));
            System.arraycopy(b, 0, a, size, b.length);
            size += b.length;
        }

        byte[] toArray() { return Arrays.copyOf(a, size); }
    }
}
