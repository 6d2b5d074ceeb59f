package io.vermilion.protocol;

import io.netty.buffer.ByteBuf;
import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2/RESP3 replies straight into a connection's output buffer. Commands call these
 * methods; nothing builds reply objects on the hot path. The protocol version decides how the
 * RESP3-only types degrade for RESP2 clients exactly as Redis does: null is {@code $-1} (or
 * {@code *-1} for null arrays), maps become flat arrays, sets become arrays, doubles become bulk
 * strings, booleans become integers 1/0.
 *
 * <p>When a client has turned replies off (CLIENT REPLY OFF/SKIP) the session points this writer
 * at a discarding buffer; commands need not know.
 */
public final class Reply {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY2 = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] SMALL_INTS = new byte[1024][];
    static {
        for (int i = 0; i < SMALL_INTS.length; i++) SMALL_INTS[i] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private ByteBuf out;
    private int proto = 2;

    public Reply(ByteBuf out) {
        this.out = out;
    }

    public ByteBuf buffer() { return out; }
    public void buffer(ByteBuf out) { this.out = out; }
    public int proto() { return proto; }
    public void proto(int proto) { this.proto = proto; }
    public boolean resp3() { return proto >= 3; }

    public void ok() { out.writeBytes(OK); }
    public void pong() { out.writeBytes(PONG); }

    /** +text (no CR or LF allowed in text). */
    public void simple(String text) {
        out.writeByte('+');
        out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    /** -text; the text starts with its error code, e.g. "ERR syntax error". Newlines become spaces as in Redis. */
    public void error(String text) {
        out.writeByte('-');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.writeByte(c == '\r' || c == '\n' ? ' ' : c);
        }
        out.writeBytes(CRLF);
    }

    public void integer(long v) {
        if (v >= 0 && v < SMALL_INTS.length) { out.writeBytes(SMALL_INTS[(int) v]); return; }
        out.writeByte(':');
        writeLong(v);
        out.writeBytes(CRLF);
    }

    /** :n where the caller already has n's decimal digits (INCR stores them as the new value). */
    public void integerDigits(byte[] digits) {
        out.writeByte(':');
        out.writeBytes(digits);
        out.writeBytes(CRLF);
    }

    public void bulk(byte[] b) {
        if (b == null) { nullBulk(); return; }
        bulk(b, 0, b.length);
    }

    public void bulk(byte[] b, int off, int len) {
        out.writeByte('$');
        writeLong(len);
        out.writeBytes(CRLF);
        out.writeBytes(b, off, len);
        out.writeBytes(CRLF);
    }

    public void bulk(String s) {
        bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string holding the decimal form of v (as Redis replies e.g. INCRBYFLOAT). */
    public void bulkLong(long v) {
        out.writeByte('$');
        writeLong(Numbers.digits(v));
        out.writeBytes(CRLF);
        writeLong(v);
        out.writeBytes(CRLF);
    }

    public void nullBulk() { out.writeBytes(proto >= 3 ? NULL3 : NULL_BULK2); }
    public void nullArray() { out.writeBytes(proto >= 3 ? NULL3 : NULL_ARRAY2); }

    public void array(long n) {
        if (n == 0) { out.writeBytes(EMPTY_ARRAY); return; }
        out.writeByte('*');
        writeLong(n);
        out.writeBytes(CRLF);
    }

    /** A map of n pairs: %n in RESP3, an array of 2n in RESP2. */
    public void map(long n) {
        if (proto >= 3) {
            out.writeByte('%');
            writeLong(n);
            out.writeBytes(CRLF);
        } else {
            array(n * 2);
        }
    }

    /** A set of n members: ~n in RESP3, an array in RESP2. */
    public void set(long n) {
        if (proto >= 3) {
            out.writeByte('~');
            writeLong(n);
            out.writeBytes(CRLF);
        } else {
            array(n);
        }
    }

    /** A push message header (>n in RESP3; an array in RESP2). */
    public void push(long n) {
        if (proto >= 3) {
            out.writeByte('>');
            writeLong(n);
            out.writeBytes(CRLF);
        } else {
            array(n);
        }
    }

    /** A double: ,%.17g in RESP3, a bulk string in RESP2 (Redis's addReplyDouble). */
    public void dbl(double d) {
        String s = Numbers.formatG17(d);
        if (proto >= 3) {
            out.writeByte(',');
            out.writeCharSequence(s, StandardCharsets.US_ASCII);
            out.writeBytes(CRLF);
        } else {
            bulk(s.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A boolean: #t/#f in RESP3, :1/:0 in RESP2. */
    public void bool(boolean b) {
        if (proto >= 3) {
            out.writeByte('#');
            out.writeByte(b ? 't' : 'f');
            out.writeBytes(CRLF);
        } else {
            integer(b ? 1 : 0);
        }
    }

    /** Verbatim string (=len\r\ntxt:...) in RESP3, a bulk string in RESP2. */
    public void verbatim(String text, String format) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (proto >= 3) {
            out.writeByte('=');
            writeLong(b.length + 4);
            out.writeBytes(CRLF);
            out.writeCharSequence(format, StandardCharsets.US_ASCII);
            out.writeByte(':');
            out.writeBytes(b);
            out.writeBytes(CRLF);
        } else {
            bulk(b);
        }
    }

    /** Raw bytes already in RESP form. */
    public void raw(byte[] resp) { out.writeBytes(resp); }

    private void writeLong(long v) {
        if (v == Long.MIN_VALUE) {
            out.writeCharSequence("-9223372036854775808", StandardCharsets.US_ASCII);
            return;
        }
        if (v >= 0 && v < 10) { out.writeByte((int) ('0' + v)); return; }
        // Digits go to a scratch array and then in one copy: per-byte setByte on a ByteBuf
        // pays a bounds check each time.
        int n = Numbers.digits(v);
        Numbers.writeDigits(v, scratch, 0, n);
        out.writeBytes(scratch, 0, n);
    }

    private final byte[] scratch = new byte[20];
}
