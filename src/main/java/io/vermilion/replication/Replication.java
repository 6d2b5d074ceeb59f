package io.vermilion.replication;

import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The replication of one node, both roles (Redis 7.0's replication.c). SEAM ONLY in this commit:
 * the public API that the cluster failover builds on; the protocol follows in the next commits.
 */
public final class Replication implements Server.ReplicationHook {
    static final String ZERO_ID = "0000000000000000000000000000000000000000";

    final Server server;
    String replId = randomId();
    String replId2 = ZERO_ID;
    long secondReplOffset = -1;
    long masterReplOffset;
    long lastMasterInteractionMs;
    String masterHost;
    int masterPort;
    boolean linkUp;
    final List<ReplicationListener> listeners = new ArrayList<>();

    public Replication(Server server) {
        this.server = server;
        server.replication(this);
    }

    /** The replication of a node (installed by its constructor). */
    public static Replication of(Server s) {
        if (s.replication() instanceof Replication r) return r;
        throw new IllegalStateException("no replication on this node");
    }

    static String randomId() {
        byte[] r = new byte[20];
        new SecureRandom().nextBytes(r);
        StringBuilder sb = new StringBuilder(40);
        for (byte b : r) sb.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        return sb.toString();
    }

    /**
     * Makes this node a replica of host:port (REPLICAOF host port): drops any current master link,
     * keeps its own replication id and offset as the "cached master" so the new master can
     * continue partially (PSYNC2), and connects; the handshake and sync run asynchronously, and
     * {@link ReplicationListener#linkUp} tells when the stream flows. Command thread only.
     */
    public void replicaOf(String host, int port) {
        masterHost = host;
        masterPort = port;
        linkUp = false;
    }

    /**
     * Turns a replica into a master (REPLICAOF NO ONE): the link is dropped, the master's
     * replication id becomes the second id (valid up to the current offset + 1) and a new id is
     * drawn, the offset is kept — so the former siblings can PSYNC and continue partially. No-op
     * on a master. Command thread only.
     */
    public void becomeMaster() {
        if (masterHost == null) return;
        masterHost = null;
        masterPort = 0;
        linkUp = false;
        replId2 = replId;
        secondReplOffset = masterReplOffset + 1;
        replId = randomId();
    }

    /** Whether this node replicates from a master (REPLICAOF host port in effect). */
    @Override public boolean isReplica() { return masterHost != null; }
    /** The master's host, or null on a master. */
    public String masterHost() { return masterHost; }
    /** The master's port, or 0 on a master. */
    public int masterPort() { return masterPort; }
    /** Whether the link to the master is up (master_link_status:up): synced and streaming. */
    public boolean linkUp() { return linkUp; }
    /** master_repl_offset: bytes of replication stream produced (master) or applied (replica). */
    public long masterReplOffset() { return masterReplOffset; }
    /** What a replica has applied of its master's stream (slave_repl_offset); failover ranks by it. */
    public long processedOffset() { return masterReplOffset; }
    /** When data last came from the master (ms since the epoch), 0 if never. */
    public long lastMasterInteractionMs() { return lastMasterInteractionMs; }
    /** The replicas connected to this node, in connection order. */
    public List<ReplicaInfo> replicas() { return List.of(); }
    /** master_replid: the current replication id. */
    public String replId() { return replId; }
    /** master_replid2: the previous id after a promotion (all zeros if none). */
    public String replId2() { return replId2; }
    /** second_repl_offset: up to where {@link #replId2} is valid, -1 if none. */
    public long secondReplOffset() { return secondReplOffset; }
    /** Registers a listener of the master link going up and down. */
    public void addListener(ReplicationListener l) { listeners.add(l); }
    public void removeListener(ReplicationListener l) { listeners.remove(l); }

    @Override
    public String refuse(Client c, CommandSpec spec, boolean write) {
        return null;
    }
}
