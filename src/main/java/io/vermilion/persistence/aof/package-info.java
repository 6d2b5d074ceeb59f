/**
 * The append-only file in Redis 7.0's multi-part layout: manifest, base and incremental files,
 * appending with fsync policies and group commit, loading by replay, and rewriting from a
 * fork-less snapshot.
 */
package io.vermilion.persistence.aof;
