package io.vermilion.cluster.bus;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * Splits the byte stream of one cluster bus link into frames, the way Redis's read handler does:
 * read the 8-byte prefix (signature + totlen), check it at once, then wait for totlen bytes.
 *
 * <p>Redis has no upper bound on totlen; we add {@code maxFrame} so a hostile or broken peer
 * cannot make us buffer without end. The buffer grows only as bytes actually arrive, so the limit
 * caps memory, it is not pre-allocated. The default of 1 GiB lets through the largest PUBLISH a
 * client can send with default limits (client-query-buffer-limit is 1 GiB).
 *
 * <p>After a {@link BusProtocolException.Kind#BAD_FRAME} error the stream cannot be re-synchronised,
 * so the reader stays failed and rethrows; the caller must close the link (as Redis does).
 * A {@link BusProtocolException.Kind#BAD_PACKET} error from {@link #next()} consumed that one
 * frame only: keep reading. Not thread-safe: one reader per link, used from its event loop.
 */
public final class BusFrameReader {
    public static final long DEFAULT_MAX_FRAME = 1L << 30;
    private static final int INITIAL = 1024;
    /** Above this, an emptied buffer is dropped back to INITIAL so idle links stay small. */
    private static final int KEEP_MAX = 1 << 20;

    private final long maxFrame;
    private byte[] buf = new byte[INITIAL];
    private int start;
    private int end;
    private BusProtocolException failed;

    public BusFrameReader() {
        this(DEFAULT_MAX_FRAME);
    }

    /** @param maxFrame largest accepted totlen; at least the header size, at most 2^31 - 9 */
    public BusFrameReader(long maxFrame) {
        if (maxFrame < ClusterMsgLayout.HEADER_LEN || maxFrame > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxFrame out of range: " + maxFrame);
        }
        this.maxFrame = maxFrame;
    }

    /** Appends received bytes. */
    public void feed(byte[] src, int off, int len) {
        if (len == 0 || failed != null) return; // a failed link is going away: keep nothing
        ensureRoom(len);
        System.arraycopy(src, off, buf, end, len);
        end += len;
    }

    public void feed(byte[] src) {
        feed(src, 0, src.length);
    }

    /** Appends and consumes all readable bytes of {@code src} (the caller still releases it). */
    public void feed(ByteBuf src) {
        int len = src.readableBytes();
        if (failed != null) {
            src.skipBytes(len);
            return;
        }
        if (len == 0) return;
        ensureRoom(len);
        src.readBytes(buf, end, len);
        end += len;
    }

    /** Bytes held that are not yet part of a returned frame. */
    public int buffered() {
        return end - start;
    }

    /**
     * The next whole frame, or {@code null} when more bytes are needed.
     *
     * @throws BusProtocolException BAD_FRAME when the prefix is invalid (sticky)
     */
    public byte[] nextFrame() throws BusProtocolException {
        if (failed != null) throw failed;
        int avail = end - start;
        if (avail < ClusterMsgLayout.PREFIX_LEN) return null;
        int totlen;
        try {
            totlen = ClusterMsgCodec.checkPrefix(buf, start, maxFrame);
        } catch (BusProtocolException e) {
            failed = e;
            throw e;
        }
        if (avail < totlen) return null;
        byte[] frame = Arrays.copyOfRange(buf, start, start + totlen);
        start += totlen;
        if (start == end) {
            start = end = 0;
            if (buf.length > KEEP_MAX) buf = new byte[INITIAL];
        }
        return frame;
    }

    /**
     * The next whole decoded message, or {@code null} when more bytes are needed.
     *
     * @throws BusProtocolException BAD_FRAME (close the link) or BAD_PACKET (this frame was
     *                              consumed and dropped; call again)
     */
    public ClusterMsg next() throws BusProtocolException {
        byte[] frame = nextFrame();
        return frame == null ? null : ClusterMsgCodec.decode(frame);
    }

    /**
     * Stateless variant for a Netty {@code ByteToMessageDecoder}: if {@code in} holds a whole frame
     * at its reader index, consumes and returns it; otherwise leaves {@code in} untouched and
     * returns {@code null}. The prefix is checked as soon as 8 bytes are there.
     *
     * @throws BusProtocolException BAD_FRAME: close the channel
     */
    public static byte[] readFrame(ByteBuf in, long maxFrame) throws BusProtocolException {
        if (in.readableBytes() < ClusterMsgLayout.PREFIX_LEN) return null;
        byte[] prefix = new byte[ClusterMsgLayout.PREFIX_LEN];
        in.getBytes(in.readerIndex(), prefix);
        int totlen = ClusterMsgCodec.checkPrefix(prefix, 0, maxFrame);
        if (in.readableBytes() < totlen) return null;
        byte[] frame = new byte[totlen];
        in.readBytes(frame);
        return frame;
    }

    private void ensureRoom(int len) {
        if (buf.length - end >= len) return;
        int used = end - start;
        long required = (long) used + len;
        if (required > Integer.MAX_VALUE - 8) {
            // Only reachable past maxFrame without a complete prefix check, i.e. a caller feeding
            // gigabytes without draining; refuse rather than overflow.
            throw new IllegalStateException("cluster bus link buffer overflow");
        }
        if (buf.length - used >= len && start > 0) {
            System.arraycopy(buf, start, buf, 0, used);
        } else {
            long cap = Math.max(required, Math.min((long) buf.length * 2, Integer.MAX_VALUE - 8));
            byte[] nb = new byte[(int) cap];
            System.arraycopy(buf, start, nb, 0, used);
            buf = nb;
        }
        start = 0;
        end = used;
    }
}
