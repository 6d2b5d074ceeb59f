/**
 * Persistence of a node, compatible with Redis 7.0 files: loading at startup, SAVE/BGSAVE and save
 * points over fork-less snapshots ({@link io.vermilion.persistence.SnapshotSave},
 * {@link io.vermilion.keyspace.Snapshot}), the propagated form of commands, and the INFO numbers.
 * See docs/persistence.md.
 */
package io.vermilion.persistence;
