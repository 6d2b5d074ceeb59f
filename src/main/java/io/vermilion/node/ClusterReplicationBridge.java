package io.vermilion.node;

import io.vermilion.cluster.runtime.ReplicationHook;
import io.vermilion.replication.Replication;
import io.vermilion.replication.ReplicationListener;

/**
 * Gives the cluster failover (io.vermilion.cluster.runtime) what it needs from this node's
 * {@link Replication}: start/stop replicating, the offset gossiped on the bus, and the age of
 * the replica's data as Redis computes it for cluster-replica-validity-factor (since the last
 * interaction while the link is up, since the link went down otherwise; a replica that never
 * synced has no recent data at all).
 */
final class ClusterReplicationBridge implements ReplicationHook, ReplicationListener {
    private final Replication r;
    /** When the master link last went down (Redis's repl_down_since), 0 if never. */
    private long downSince;

    ClusterReplicationBridge(Replication r) {
        this.r = r;
        r.addListener(this);
    }

    @Override public void replicaOf(String host, int port) { r.replicaOf(host, port); }
    @Override public void becomeMaster() { r.becomeMaster(); }
    @Override public boolean hasMaster() { return r.isReplica(); }
    @Override public long offset() { return r.isReplica() ? r.processedOffset() : r.masterReplOffset(); }

    @Override
    public long dataAgeMs() {
        long now = System.currentTimeMillis();
        if (r.linkUp()) return now - r.lastMasterInteractionMs();
        return now - downSince; // never synced: as old as the epoch, as in Redis
    }

    @Override public void linkUp() { }
    @Override public void linkDown() { downSince = System.currentTimeMillis(); }
}
