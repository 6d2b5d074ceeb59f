package io.vermilion.persistence.rdb;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where an {@link RdbReader} gets its bytes: a file, a memory buffer (RESTORE payloads) or a
 * replication socket. The reader does its own buffering, offset counting and checksumming.
 */
public interface RdbSource {
    /** Reads up to len bytes; returns how many, or -1 at the end of the data. */
    int read(byte[] b, int off, int len) throws IOException;

    /** Bytes left when known (files, buffers), else -1: lets the reader reject absurd lengths early. */
    default long remaining() { return -1; }

    /** A byte array (or a range of one). */
    final class Bytes implements RdbSource {
        private final byte[] buf;
        private int pos;
        private final int end;

        public Bytes(byte[] buf) { this(buf, 0, buf.length); }

        public Bytes(byte[] buf, int off, int len) {
            this.buf = buf;
            this.pos = off;
            this.end = off + len;
        }

        @Override public int read(byte[] b, int off, int len) {
            if (pos >= end) return -1;
            int n = Math.min(len, end - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override public long remaining() { return end - pos; }
    }

    /** Adapts an InputStream; {@code size} is its total length when known, else -1. */
    final class Stream implements RdbSource {
        private final InputStream in;
        private long left;

        public Stream(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0 && left >= 0) left = Math.max(0, left - n);
            return n;
        }

        @Override public long remaining() { return left; }
    }
}
