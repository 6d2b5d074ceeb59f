package io.vermilion.persistence.rdb;

import java.io.IOException;

/**
 * Receives what an {@link RdbReader} finds, in file order. Throwing from a callback stops the
 * load with that exception (e.g. a database index this node does not have).
 */
public interface RdbHandler {
    /** An aux field (redis-ver, ctime, repl-id, ... or unknown ones, which are to be ignored). */
    default void aux(byte[] key, byte[] value) throws IOException {}

    /** The following keys belong to database {@code db}. */
    default void selectDb(int db) throws IOException {}

    /** Size hint for the current database. */
    default void resizeDb(long dbSize, long expiresSize) throws IOException {}

    /** A function library's source code (FUNCTION2 opcode). */
    default void function(byte[] code) throws IOException {
        throw new RdbException("unsupported function library in RDB", -1);
    }

    /**
     * One key/value pair.
     *
     * @param expireAtMs absolute expiry in unix ms, or -1
     * @param idleSec    recorded LRU idle seconds, or -1
     * @param freq       recorded LFU counter, or -1
     */
    void entry(int db, byte[] key, Object value, long expireAtMs, long idleSec, int freq) throws IOException;

    /** The EOF opcode was reached: no more elements follow (the checksum is checked after). */
    default void end() throws IOException {}
}
