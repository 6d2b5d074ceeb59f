package io.vermilion.cluster.runtime;

import io.vermilion.cluster.NodeFlags;
import io.vermilion.cluster.SlotBitmap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live state this node keeps about one cluster node (itself included): identity, address,
 * flags, claimed slots, epochs, liveness timestamps, links and failure reports. It is the
 * mutable counterpart of {@link io.vermilion.cluster.ClusterNodeInfo}, which is the printed
 * snapshot. Touched only on the node's event loop.
 */
public final class ClusterNode {
    String name;
    final long ctime;
    long configEpoch;
    int flags;
    final SlotBitmap slots = new SlotBitmap();
    int numSlots;
    final List<ClusterNode> replicas = new ArrayList<>();
    ClusterNode master;
    /** Cron "ping number" in which this node was last put in a gossip section (no duplicates per packet). */
    long lastInPingGossip;
    /** Wall-clock ms of the oldest unanswered PING, 0 when none is pending. */
    long pingSent;
    long pongReceived;
    /** Last time any packet from the node arrived (counts as liveness, as Redis does). */
    long dataReceived;
    long failTime;
    /** When we last voted for a replica of this master. */
    long votedTime;
    long replOffset;
    long replOffsetTime;
    /** Since when this master has had no working replica (replica migration), 0 when it has one. */
    long orphanedTime;
    String ip = "";
    String hostname = "";
    int port;
    int cport;
    int pport;
    /** Our outbound link to it (the one we PING on); null when not connected. */
    ClusterLink link;
    /** The link it opened to us, once we know who is on the other end. */
    ClusterLink inboundLink;
    /** Reporter -> time of its last report that this node is PFAIL/FAIL. */
    final Map<ClusterNode, Long> failReports = new LinkedHashMap<>();
    /** Reconnection back-off: consecutive failed connection attempts and when to retry. */
    int connectFailures;
    long nextConnectTime;

    ClusterNode(String name, int flags, long now) {
        this.name = name;
        this.flags = flags;
        this.ctime = now;
    }

    public String name() { return name; }
    public int flags() { return flags; }
    public String ip() { return ip; }
    public int port() { return port; }
    public int cport() { return cport; }
    public String hostname() { return hostname; }
    public long configEpoch() { return configEpoch; }
    public int numSlots() { return numSlots; }
    public ClusterNode master() { return master; }
    public List<ClusterNode> replicas() { return replicas; }
    public boolean connected() { return link != null || isMyself(); }

    public boolean has(int flag) { return (flags & flag) != 0; }
    public boolean isMaster() { return has(NodeFlags.MASTER); }
    public boolean isReplica() { return has(NodeFlags.SLAVE); }
    public boolean isMyself() { return has(NodeFlags.MYSELF); }
    public boolean inHandshake() { return has(NodeFlags.HANDSHAKE); }
    public boolean hasAddr() { return !has(NodeFlags.NOADDR); }
    /** PFAIL: we could not reach it for node-timeout. */
    public boolean timedOut() { return has(NodeFlags.PFAIL); }
    public boolean failed() { return has(NodeFlags.FAIL); }

    /** Adds a slot to this node's bitmap; returns whether it was already set. */
    boolean setSlotBit(int slot) {
        boolean old = slots.get(slot);
        if (!old) {
            slots.set(slot);
            numSlots++;
        }
        return old;
    }

    boolean clearSlotBit(int slot) {
        boolean old = slots.get(slot);
        if (old) {
            slots.clear(slot);
            numSlots--;
        }
        return old;
    }

    boolean addReplica(ClusterNode r) {
        if (replicas.contains(r)) return false;
        replicas.add(r);
        flags |= NodeFlags.MIGRATE_TO;
        return true;
    }

    boolean removeReplica(ClusterNode r) {
        boolean removed = replicas.remove(r);
        if (removed && replicas.isEmpty()) flags &= ~NodeFlags.MIGRATE_TO;
        return removed;
    }

    int nonFailingReplicas() {
        int n = 0;
        for (ClusterNode r : replicas) if (!r.failed()) n++;
        return n;
    }

    @Override
    public String toString() {
        return name + " " + ip + ":" + port + "@" + cport + " " + NodeFlags.render(flags);
    }
}
