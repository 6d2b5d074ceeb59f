package io.vermilion.cluster.runtime;

/**
 * What the cluster needs from replication (Redis's replicationSetMaster / replicationUnsetMaster /
 * replicationGetSlaveOffset / master_repl_offset / the master link's last interaction). The
 * composition root plugs io.vermilion.replication.Replication in here; until then {@link #none()}
 * stands for a node that does not replicate data (offset 0, never out of date), so the cluster
 * side (roles, elections, manual failover, migration) works on its own.
 *
 * <p>Every method is called on the node's event loop.
 */
public interface ReplicationHook {
    /** Start (or switch to) replicating from host:port. */
    void replicaOf(String host, int port);

    /** Stop replicating and become a master, keeping the data (replicationUnsetMaster). */
    void becomeMaster();

    /** True while a master is configured (Redis's server.masterhost != NULL). */
    boolean hasMaster();

    /** The offset gossiped in the bus header: processed offset for a replica, master_repl_offset for a master. */
    long offset();

    /**
     * Milliseconds since the replica last heard from its master: since the last interaction when the
     * link is up, since the link went down otherwise (Redis's data_age before node-timeout is removed).
     */
    long dataAgeMs();

    /** A node that does not replicate data: offset 0, data never too old (one per node: it has state). */
    static ReplicationHook none() {
        return new ReplicationHook() {
            private boolean master;

            @Override public void replicaOf(String host, int port) { master = true; }
            @Override public void becomeMaster() { master = false; }
            @Override public boolean hasMaster() { return master; }
            @Override public long offset() { return 0; }
            @Override public long dataAgeMs() { return 0; }
        };
    }
}
