package io.vermilion.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.vermilion.server.Client;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * One replica as its master tracks it (Redis's slave client fields): what it announced with
 * REPLCONF, its state in the sync, the stream kept for it while its RDB is produced and sent
 * (bounded by the replica class of client-output-buffer-limit), and its last ACK.
 */
final class ReplicaConn {
    enum State {
        /** Waiting for a full sync to start (diskless delay, or another sync running). */
        WAIT_START,
        /** Its RDB is being produced / sent; the stream is kept in {@link #pending}. */
        WAIT_END,
        /** Diskless: RDB sent, the stream starts at its first ACK (after it loaded). */
        ONLINE_AWAIT_ACK,
        ONLINE;

        boolean online() { return this == ONLINE || this == ONLINE_AWAIT_ACK; }
    }

    final Replication repl;
    final Client client;
    State state;
    int listeningPort;
    String announcedIp;
    boolean capaEof, capaPsync2, rdbOnly;
    boolean psync;            // PSYNC (not the old SYNC)
    boolean plainSync;        // SYNC: no ACKs to expect
    long ackOffset;
    long ackTimeMs = System.currentTimeMillis();
    FullSync sync;            // the full sync this replica is part of
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private long pendingBytes;

    ReplicaConn(Replication repl, Client client) {
        this.repl = repl;
        this.client = client;
    }

    String ip() {
        if (announcedIp != null) return announcedIp;
        Channel ch = client.channel();
        if (ch != null && ch.remoteAddress() instanceof InetSocketAddress a) return a.getAddress().getHostAddress();
        return "?";
    }

    String describe() { return ip() + ":" + listeningPort; }

    /** Redis's replstateToString. */
    String stateName() {
        if (state == null) return "";
        return switch (state) {
            case WAIT_START, WAIT_END -> "wait_bgsave";
            case ONLINE_AWAIT_ACK, ONLINE -> "online";
        };
    }

    /** A batch of the stream: written if online, else kept until the RDB is sent. */
    void stream(ByteBuf b) {
        if (state == State.ONLINE) {
            Channel ch = client.channel();
            if (ch != null && ch.isActive()) ch.writeAndFlush(b.retainedDuplicate());
        } else if (state == State.WAIT_END || state == State.ONLINE_AWAIT_ACK) {
            pending.add(b.retainedDuplicate());
            pendingBytes += b.readableBytes();
            long limit = hardLimit();
            if (limit > 0 && pendingBytes > limit) {
                repl.log.warning("Client " + client.infoLine() + " scheduled to be closed ASAP for overcoming of output "
                        + "buffer limits.");
                client.kill();
            }
        }
    }

    /** The hard limit of the replica class of client-output-buffer-limit (0: none). */
    private long hardLimit() {
        String[] p = repl.config.get("client-output-buffer-limit").trim().split("\\s+");
        for (int i = 0; i + 3 < p.length; i += 4) {
            if (p[i].equals("slave") || p[i].equals("replica")) {
                try {
                    return Long.parseLong(p[i + 1]);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** Copies what another replica of the same sync has kept so far (joining a running disk sync). */
    void copyPending(ReplicaConn other) {
        for (ByteBuf b : other.pending) {
            pending.add(b.retainedDuplicate());
            pendingBytes += b.readableBytes();
        }
    }

    /** The RDB was sent: the kept stream follows it and the replica is online (or waits for its ACK). */
    void rdbSent(boolean waitAck) {
        sync = null;
        if (rdbOnly) {
            // redis-cli --rdb / --cluster backup: the RDB is all it wants.
            Channel ch = client.channel();
            if (ch != null) ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ch.close());
            releasePending();
            return;
        }
        ackTimeMs = System.currentTimeMillis();
        if (waitAck) {
            state = State.ONLINE_AWAIT_ACK;
        } else {
            startStream();
        }
        repl.log.notice("Synchronization with replica " + describe() + " succeeded");
    }

    /** Sends the kept stream and goes online. */
    void startStream() {
        repl.flushBatch();
        Channel ch = client.channel();
        while (!pending.isEmpty()) {
            ByteBuf b = pending.poll();
            if (ch != null && ch.isActive()) ch.write(b);
            else b.release();
        }
        pendingBytes = 0;
        if (ch != null) ch.flush();
        state = State.ONLINE;
        repl.refreshGoodReplicas();
    }

    void releasePending() {
        while (!pending.isEmpty()) pending.poll().release();
        pendingBytes = 0;
    }

    long pendingBytes() { return pendingBytes; }

    /** A newline to a replica waiting for its RDB: keeps its read timeout from firing (Redis). */
    void keepAlive() {
        Channel ch = client.channel();
        if (ch != null && ch.isActive() && (state == State.WAIT_START
                || (state == State.WAIT_END && sync != null && !sync.diskless && !sync.sending))) {
            ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\n'}));
        }
    }
}
