/**
 * Redis 7.0 replication, both roles: the master's SYNC/PSYNC/REPLCONF side, the replication
 * backlog and the command stream; the replica's handshake, RDB transfer and stream application.
 * {@link io.vermilion.replication.Replication} is the per-node entry point; see docs/replication.md.
 */
package io.vermilion.replication;
