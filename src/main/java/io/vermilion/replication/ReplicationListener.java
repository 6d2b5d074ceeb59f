package io.vermilion.replication;

/** Hears the link of a replica to its master go up and down (on the node's command thread). */
public interface ReplicationListener {
    /** The link to the master is up: synced (full or partial) and streaming. */
    void linkUp();

    /** The link to the master went down (dropped, timed out, or REPLICAOF changed the master). */
    void linkDown();
}
