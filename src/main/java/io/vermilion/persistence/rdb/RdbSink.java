package io.vermilion.persistence.rdb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Where an {@link RdbWriter} puts its bytes: a file, a memory buffer (DUMP, tests) or, for
 * replication, a socket. The writer buffers and checksums; a sink only moves bytes.
 */
public interface RdbSink {
    void write(byte[] b, int off, int len) throws IOException;

    /** Pushes buffered bytes down (not necessarily to stable storage). */
    default void flush() throws IOException {}

    /** An in-memory sink that grows as needed. */
    final class Bytes implements RdbSink {
        private byte[] buf;
        private int len;

        public Bytes() { this(256); }

        public Bytes(int initial) { buf = new byte[Math.max(16, initial)]; }

        @Override public void write(byte[] b, int off, int n) {
            if (len + n > buf.length) {
                long want = Math.max((long) buf.length * 2, (long) len + n);
                if (want > Integer.MAX_VALUE - 8) {
                    if ((long) len + n > Integer.MAX_VALUE - 8) throw new IllegalStateException("payload over 2 GB");
                    want = Integer.MAX_VALUE - 8;
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        public int size() { return len; }

        public byte[] toByteArray() { return Arrays.copyOf(buf, len); }
    }

    /** Adapts an OutputStream (a socket's, for instance). */
    final class Stream implements RdbSink {
        private final OutputStream out;

        public Stream(OutputStream out) { this.out = out; }

        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }

        @Override public void flush() throws IOException { out.flush(); }
    }

    /**
     * A file written through its channel, so that {@link #sync} can fsync it before it is renamed
     * into place (a crash must never leave a half-written file under the final name).
     */
    final class File implements RdbSink, AutoCloseable {
        private final FileChannel ch;

        public File(Path path) throws IOException {
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        }

        @Override public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer bb = ByteBuffer.wrap(b, off, len);
            while (bb.hasRemaining()) ch.write(bb);
        }

        /** fsync: data and metadata on stable storage. */
        public void sync() throws IOException { ch.force(true); }

        public long size() throws IOException { return ch.size(); }

        @Override public void close() throws IOException { ch.close(); }
    }
}
