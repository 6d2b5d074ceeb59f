package io.vermilion.keyspace;

/** The keyspace-wide sum of the tables' estimated heap bytes (see Dict, docs/memory.md). */
final class MemCounter {
    long bytes;
}
