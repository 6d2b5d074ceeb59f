package io.vermilion.persistence.tools;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file read sequentially with C stdio's observable behaviour, which the checkers' reports depend
 * on: a position, short reads at the end of the file that still advance it, an end-of-file flag
 * set by any read that wanted more than was left ({@code feof}), and {@code fgets}-style line reads.
 */
final class ToolFile implements Closeable {
    private final FileChannel ch;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    private long bufStart;          // file offset of buf[0]
    private boolean eof;

    ToolFile(Path path, boolean writable) throws IOException {
        ch = writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ);
        size = ch.size();
        buf.limit(0);
    }

    long size() { return size; }

    long position() { return bufStart + buf.position(); }

    long remaining() { return size - position(); }

    /** C's feof: a read reached the end of the file. */
    boolean eof() { return eof; }

    void seek(long pos) throws IOException {
        if (pos >= bufStart && pos <= bufStart + buf.limit()) {
            buf.position((int) (pos - bufStart));
        } else {
            bufStart = pos;
            buf.limit(0);
        }
        eof = false;
    }

    private boolean fill() throws IOException {
        long pos = position();
        buf.clear();
        bufStart = pos;
        int n = ch.read(buf, pos);
        buf.flip();
        return n > 0;
    }

    /** Next byte, or -1 at the end of the file (which sets the end-of-file flag). */
    int read() throws IOException {
        if (!buf.hasRemaining() && !fill()) {
            eof = true;
            return -1;
        }
        return buf.get() & 0xff;
    }

    /** Reads up to len bytes (fewer only at the end of the file); returns how many. */
    int read(byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            if (!buf.hasRemaining() && !fill()) {
                eof = true;
                break;
            }
            int k = Math.min(len - done, buf.remaining());
            buf.get(b, off + done, k);
            done += k;
        }
        return done;
    }

    /** Skips n bytes, feeding them to sink (may be null); n must not exceed {@link #remaining}. */
    void skip(long n, java.util.function.BiConsumer<byte[], Integer> sink) throws IOException {
        byte[] tmp = new byte[(int) Math.min(n, 1 << 16)];
        while (n > 0) {
            int k = read(tmp, 0, (int) Math.min(n, tmp.length));
            if (k == 0) break;
            if (sink != null) sink.accept(tmp, k);
            n -= k;
        }
    }

    /**
     * C's fgets with a buffer of {@code max} bytes: up to max-1 bytes, through the first newline.
     * Returns null when nothing could be read.
     */
    byte[] fgets(int max) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        while (line.size() < max - 1) {
            int c = read();
            if (c < 0) break;
            line.write(c);
            if (c == '\n') break;
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    void truncate(long len) throws IOException {
        ch.truncate(len);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
