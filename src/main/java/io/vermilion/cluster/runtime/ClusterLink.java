package io.vermilion.cluster.runtime;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.vermilion.cluster.bus.BusFrameReader;
import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection of the cluster bus. An outbound link is opened by us to a known node and
 * carries our PINGs (its answers are PONGs); an inbound link is accepted from a peer, which PINGs
 * us on it, and is tied to a node once the sender of its first packet is known.
 *
 * <p>Like Redis, an outbound link exists from the moment the connection attempt starts; messages
 * sent before the TCP handshake completes are queued and written once it does.
 */
final class ClusterLink {
    final boolean inbound;
    final long ctime;
    ClusterNode node;
    Channel channel;
    boolean active;
    boolean freed;
    final BusFrameReader reader;
    private List<byte[]> pending = new ArrayList<>();
    private long pendingBytes;

    ClusterLink(ClusterNode node, boolean inbound, long now, long maxFrame) {
        this.node = node;
        this.inbound = inbound;
        this.ctime = now;
        this.reader = new BusFrameReader(maxFrame);
    }

    /** Queues (before connect) or writes one encoded message. */
    void send(byte[] msg) {
        if (freed) return;
        if (active && channel != null) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(msg), channel.voidPromise());
        } else {
            pending.add(msg);
            pendingBytes += msg.length;
        }
    }

    /** The TCP connection is up: write what was queued. */
    void activated() {
        active = true;
        List<byte[]> p = pending;
        pending = new ArrayList<>();
        pendingBytes = 0;
        for (byte[] m : p) channel.write(Unpooled.wrappedBuffer(m), channel.voidPromise());
        if (!p.isEmpty()) channel.flush();
    }

    /** Bytes accepted for sending but not yet written to the socket (CLUSTER LINKS send-buffer-used). */
    long sendBufferUsed() {
        long n = pendingBytes;
        if (channel != null) {
            ChannelOutboundBuffer ob = channel.unsafe().outboundBuffer();
            if (ob != null) n += ob.totalPendingWriteBytes();
        }
        return n;
    }

    /** "r" while we read from it, plus "w" while writes are pending (CLUSTER LINKS events). */
    String events() {
        if (channel == null) return "";
        StringBuilder sb = new StringBuilder();
        if (active) sb.append('r');
        if (sendBufferUsed() > 0 || !active) sb.append('w');
        return sb.toString();
    }

    void close() {
        freed = true;
        pending = new ArrayList<>();
        pendingBytes = 0;
        if (channel != null) channel.close();
    }
}
