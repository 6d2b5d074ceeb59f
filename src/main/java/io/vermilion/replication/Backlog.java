package io.vermilion.replication;

/**
 * The replication backlog: the last {@code repl-backlog-size} bytes of the replication stream in
 * a ring, so a replica that lost its link can continue (PSYNC → +CONTINUE) from its offset.
 * Offsets are Redis's: {@link #firstByteOffset()} is the replication offset of the oldest byte
 * held (repl_backlog_first_byte_offset), and the stream's byte at offset {@code o} (counting from
 * 1) is at ring position {@code (o - 1) mod size}.
 */
final class Backlog {
    private byte[] ring;
    private long histlen;
    private long endOffset; // offset of the last byte appended (master_repl_offset)

    Backlog(long size, long masterReplOffset) {
        ring = new byte[(int) Math.max(16, Math.min(size, Integer.MAX_VALUE - 16))];
        endOffset = masterReplOffset;
    }

    int size() { return ring.length; }
    long histlen() { return histlen; }

    /** repl_backlog_first_byte_offset: the offset of the oldest byte held (end + 1 when empty). */
    long firstByteOffset() { return endOffset - histlen + 1; }

    /** Appends stream bytes; the backlog's end offset moves with them. */
    void append(byte[] b, int off, int len) {
        endOffset += len;
        if (len >= ring.length) {
            off += len - ring.length;
            len = ring.length;
        }
        int pos = (int) Math.floorMod(endOffset - len, (long) ring.length);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(b, off, ring, pos, first);
        if (first < len) System.arraycopy(b, off + first, ring, 0, len - first);
        histlen = Math.min(ring.length, histlen + len);
    }

    /** Whether the bytes from {@code offset} (the next byte a replica needs) to the end are held. */
    boolean covers(long offset) {
        return offset >= firstByteOffset() && offset <= endOffset + 1;
    }

    /** The bytes from {@code offset} to the end (requires {@link #covers}). */
    byte[] from(long offset) {
        int len = (int) (endOffset + 1 - offset);
        byte[] out = new byte[len];
        int pos = (int) Math.floorMod(offset - 1, (long) ring.length);
        int first = Math.min(len, ring.length - pos);
        System.arraycopy(ring, pos, out, 0, first);
        if (first < len) System.arraycopy(ring, 0, out, first, len - first);
        return out;
    }

    /** CONFIG SET repl-backlog-size: a new ring keeping the most recent bytes that fit. */
    void resize(long size) {
        int n = (int) Math.max(16, Math.min(size, Integer.MAX_VALUE - 16));
        if (n == ring.length) return;
        long keep = Math.min(histlen, n);
        byte[] tail = from(endOffset + 1 - keep);
        long end = endOffset;
        ring = new byte[n];
        histlen = 0;
        endOffset = end - keep;
        append(tail, 0, tail.length);
    }
}
