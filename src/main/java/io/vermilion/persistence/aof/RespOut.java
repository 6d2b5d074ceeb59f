package io.vermilion.persistence.aof;

import io.vermilion.persistence.rdb.RdbSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Buffered RESP command encoding onto a sink (AOF files). */
final class RespOut {
    private final RdbSink sink;
    private final byte[] buf = new byte[64 * 1024];
    private int n;

    RespOut(RdbSink sink) { this.sink = sink; }

    void raw(byte[] b) throws IOException { raw(b, 0, b.length); }

    void raw(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - n) {
            flushBuffer();
            if (len > buf.length) {
                sink.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    void bulk(byte[] b) throws IOException {
        raw(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        raw(b);
        raw(CRLF);
    }

    /** One command: *argc then a bulk string per argument. */
    void command(byte[][] argv) throws IOException {
        raw(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : argv) bulk(a);
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private void flushBuffer() throws IOException {
        if (n > 0) sink.write(buf, 0, n);
        n = 0;
    }

    void flush() throws IOException {
        flushBuffer();
        sink.flush();
    }

    /** One command in RESP: *argc then a bulk string per argument. */
    static byte[] encode(byte[][] argv) {
        int size = 16;
        for (byte[] a : argv) size += a.length + 16;
        byte[] out = new byte[size];
        int p = 0;
        p = put(out, p, ("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : argv) {
            p = put(out, p, ("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            p = put(out, p, a);
            out[p++] = '\r';
            out[p++] = '\n';
        }
        return java.util.Arrays.copyOf(out, p);
    }

    private static int put(byte[] dst, int p, byte[] src) {
        System.arraycopy(src, 0, dst, p, src.length);
        return p + src.length;
    }
}
