package io.vermilion.keyspace;

import io.vermilion.util.HashSlot;

/**
 * A run of loaded keys (RDB file, AOF base, a replica's full sync) handed from the thread that
 * parses the data to the command thread in one piece. The parsing thread also computes what
 * needs nothing but the key and value: the hash slot (CRC16), the slot table's hash and the
 * entry's memory estimate. The command thread is left with the probe and the store, and the
 * two run in parallel on two cores.
 *
 * <p>Filled by one thread, then applied by another after a safe hand-over (a concurrent
 * queue); never both at once.
 */
public final class LoadBatch {
    /** Keys per batch: one hand-over, one slice check. */
    public static final int CAPACITY = 64;

    private final int[] dbs = new int[CAPACITY];
    private final byte[][] keys = new byte[CAPACITY][];
    private final Object[] vals = new Object[CAPACITY];
    private final long[] expires = new long[CAPACITY];
    private final long[] idles = new long[CAPACITY];
    private final int[] freqs = new int[CAPACITY];
    private final int[] slots = new int[CAPACITY];
    private final int[] hashes = new int[CAPACITY];
    private final int[] mems = new int[CAPACITY];
    private int n;

    /**
     * Adds one entry (parsing thread). {@code expireAtMs}, {@code idleSec} and {@code freq} are
     * -1 when absent, as an RDB reader reports them. Returns true when the batch is full.
     */
    public boolean add(int db, byte[] key, Object val, long expireAtMs, long idleSec, int freq) {
        int i = n++;
        dbs[i] = db;
        keys[i] = key;
        vals[i] = val;
        expires[i] = expireAtMs;
        idles[i] = idleSec;
        freqs[i] = freq;
        slots[i] = HashSlot.of(key);
        hashes[i] = Dict.hash(key);
        mems[i] = Dict.entryBytes(key, val);
        return n == CAPACITY;
    }

    public int size() { return n; }

    public boolean isEmpty() { return n == 0; }

    /** The key of entry i and its database (for an error message). */
    public byte[] key(int i) { return keys[i]; }

    public int db(int i) { return dbs[i]; }

    /**
     * Stores the entries in order (command thread; every database index was checked by the
     * reader). Returns -1, or the index of the first entry whose key is already in its database:
     * the entries before it are stored, it and the rest are not.
     */
    public int applyTo(Keyspace ks) {
        int stamp = ks.newStamp();
        for (int i = 0; i < n; i++) {
            Db db = ks.db(dbs[i]);
            if (!db.load(slots[i], hashes[i], mems[i], keys[i], vals[i], expires[i], idles[i], freqs[i], stamp)) {
                return i;
            }
        }
        return -1;
    }
}
