package io.vermilion.keyspace;

/**
 * One client's WATCH of one key in one database. The database calls {@link #dirty} when the key
 * is modified (written, deleted, expired, flushed, swapped away...), which makes the client's
 * next EXEC fail.
 */
public final class WatchedKey {
    public final Db db;
    public final byte[] key;
    final Runnable dirty;
    /** The key existed but was logically expired when watched (Redis 7.0's watchedKey.expired). */
    boolean expired;

    public WatchedKey(Db db, byte[] key, Runnable dirty) {
        this.db = db;
        this.key = key;
        this.dirty = dirty;
    }
}
