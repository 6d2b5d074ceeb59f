package io.vermilion.it.diff;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads exactly one complete RESP2/RESP3 reply from a stream and returns its exact bytes, so two
 * servers' replies can be compared byte for byte. It deliberately does no decoding beyond what is
 * needed to find where a reply ends: the bytes are the thing under test.
 *
 * <p>Not thread-safe; one reader per connection. The stream should be buffered because lines are
 * read a byte at a time.
 */
public final class RespFrameReader {
    /** Longest header or simple line accepted; a server sending more is broken, not slow. */
    private static final int MAX_LINE = 1 << 20;
    /** Largest bulk payload accepted (redis' own proto-max-bulk-len default is 512 MB). */
    private static final long MAX_BULK = 64L << 20;
    /** Nesting bound so a malicious or broken stream cannot blow the stack. */
    private static final int MAX_DEPTH = 64;

    private final InputStream in;

    public RespFrameReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads one reply.
     *
     * @throws EOFException      if the connection ended, before or inside the reply
     * @throws ProtocolException if the bytes are not valid RESP
     */
    public Frame read() throws IOException {
        return read(0);
    }

    private Frame read(int depth) throws IOException {
        if (depth > MAX_DEPTH) throw new ProtocolException("reply nested deeper than " + MAX_DEPTH);
        int t = in.read();
        if (t < 0) throw new EOFException(depth == 0 ? "connection closed" : "connection closed inside a reply");
        byte type = (byte) t;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(type);
        byte[] line = readLine();
        raw.write(line, 0, line.length);
        raw.write('\r');
        raw.write('\n');
        switch (type) {
            case '+', '-', ':', '_', ',', '#', '(' -> {
                return new Frame(type, Frame.NO_LENGTH, raw.toByteArray(), List.of());
            }
            case '$', '!', '=' -> {
                long len = parseLength(type, line);
                if (len == -1) {
                    if (type != '$') throw new ProtocolException("null length for type " + (char) type);
                    return new Frame(type, -1, raw.toByteArray(), List.of());
                }
                if (len > MAX_BULK) throw new ProtocolException("bulk length " + len + " too large");
                byte[] payload = in.readNBytes((int) len + 2);
                if (payload.length < len + 2) throw new EOFException("connection closed inside a bulk reply");
                if (payload[(int) len] != '\r' || payload[(int) len + 1] != '\n') {
                    throw new ProtocolException("bulk payload not terminated by CRLF");
                }
                raw.write(payload, 0, payload.length);
                return new Frame(type, len, raw.toByteArray(), List.of());
            }
            case '*', '~', '>', '%', '|' -> {
                long count = parseLength(type, line);
                if (count == -1) {
                    if (type != '*') throw new ProtocolException("null count for type " + (char) type);
                    return new Frame(type, -1, raw.toByteArray(), List.of());
                }
                long elements = (type == '%' || type == '|') ? count * 2 : count;
                if (elements > Integer.MAX_VALUE - 1) throw new ProtocolException("aggregate too large");
                List<Frame> children = new ArrayList<>((int) Math.min(elements, 1024));
                for (long i = 0; i < elements; i++) {
                    Frame child = read(depth + 1);
                    raw.write(child.raw(), 0, child.raw().length);
                    children.add(child);
                }
                if (type == '|') {
                    // An attribute decorates the reply that follows it: both together are one reply.
                    Frame decorated = read(depth + 1);
                    raw.write(decorated.raw(), 0, decorated.raw().length);
                    children.add(decorated);
                }
                return new Frame(type, count, raw.toByteArray(), List.copyOf(children));
            }
            default -> throw new ProtocolException("unexpected RESP type byte " + Escape.readable(new byte[] {type})
                    + " followed by " + Escape.readable(line));
        }
    }

    /** Reads up to CRLF and returns the bytes before it. */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(32);
        boolean cr = false;
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed inside a reply line");
            if (cr && c == '\n') {
                byte[] all = b.toByteArray();
                byte[] line = new byte[all.length - 1];
                System.arraycopy(all, 0, line, 0, line.length);
                return line;
            }
            b.write(c);
            cr = c == '\r';
            if (b.size() > MAX_LINE) throw new ProtocolException("reply line longer than " + MAX_LINE + " bytes");
        }
    }

    private static long parseLength(byte type, byte[] line) throws ProtocolException {
        String s = new String(line, StandardCharsets.US_ASCII);
        try {
            long n = Long.parseLong(s);
            if (n < -1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad length '" + s + "' for type " + (char) type);
        }
    }
}
