package io.vermilion.types;

import java.util.function.Consumer;

/**
 * Every value that is not a string (lists, hashes, sets, sorted sets, streams) implements this:
 * it is the one seam through which the generic keyspace commands (TYPE, OBJECT ENCODING, COPY,
 * SCAN TYPE, MEMORY USAGE), the fork-less snapshot, and the command-form AOF rewrite see a value
 * without knowing its type. The RDB form (RDB files, DUMP/RESTORE, MIGRATE, full sync) lives in
 * {@code io.vermilion.persistence.rdb} as one {@code ValueCodec} per type, registered in
 * {@code Codecs}.
 *
 * <p>Values are mutable and owned by the command thread. Rules every implementation follows:
 * <ul>
 *   <li>{@link #copy()} returns a deep, independent copy with the same encoding: a snapshot
 *       keeps the copy while the keyspace keeps changing the original; COPY stores it.</li>
 *   <li>A value that became empty is deleted from the keyspace by the command that emptied it
 *       (Redis never stores an empty collection).</li>
 *   <li>Conversions between encodings follow Redis 7.0's rules and thresholds (the
 *       {@code *-max-listpack-*} / {@code set-max-intset-entries} directives read at the time of
 *       the write), and never go back to the compact form except where Redis does.</li>
 * </ul>
 */
public interface RedisValue {
    /** The name TYPE replies: "list", "hash", "set", "zset", "stream". */
    String typeName();

    /** OBJECT ENCODING: Redis 7.0's names ("quicklist", "listpack", "intset", "hashtable", "skiplist", "stream"). */
    String encoding();

    /** A deep, independent copy in the same encoding. */
    RedisValue copy();

    /** Number of elements (LLEN, HLEN, SCARD, ZCARD, XLEN). */
    long size();

    /**
     * The commands that recreate this value, for an AOF rewrite without RDB preamble (Redis's
     * rewriteAppendOnlyFileRio): e.g. RPUSH key e1 ... e64 in batches of
     * {@link #REWRITE_ITEMS_PER_CMD}. The expiry is emitted by the caller.
     */
    void rewrite(byte[] key, Consumer<byte[][]> out);

    /** Redis's AOF_REWRITE_ITEMS_PER_CMD. */
    int REWRITE_ITEMS_PER_CMD = 64;

    /** Estimated heap bytes of this value (sampled for big collections); see {@link MemoryUsage}. */
    default long memoryEstimate() { return 64 + size() * 32; }
}
