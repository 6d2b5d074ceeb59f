package io.vermilion.keyspace;

import java.util.Arrays;

/**
 * The T0 states a {@link Snapshot} keeps aside for one hash slot: key, value (or "absent") and
 * expiry per key changed ahead of the cursor, in parallel arrays with linear probing. It replaces
 * a HashMap of wrapper records (key wrapper, map node and value record: about 80 bytes per kept
 * key beyond the value) with about 16-21 bytes per key, and needs no allocation to check whether
 * a key is already kept, which every write during a snapshot does.
 *
 * <p>Entries are never removed one by one: when the cursor reaches the slot each entry is
 * consumed once (merged with the live table) and then the whole table is dropped.
 */
final class KeptTable {
    /** The value of a consumed entry. */
    private static final Object CONSUMED = new Object();

    private byte[][] keys = new byte[4][];
    private Object[] vals = new Object[4];
    private long[] expires;      // null while every kept key has none
    private int used;            // entries added
    private int live;            // entries added and not consumed

    int size() { return live; }

    boolean isEmpty() { return live == 0; }

    /** Index of key, or -1. */
    int find(byte[] key) {
        int mask = keys.length - 1;
        int i = Dict.hash(key) & mask;
        while (true) {
            byte[] k = keys[i];
            if (k == null) return -1;
            if (k == key || Arrays.equals(k, key)) return i;
            i = (i + 1) & mask;
        }
    }

    /** Adds a key known to be absent with its T0 value (or the caller's "absent" mark) and expiry. */
    void add(byte[] key, Object value, long expire) {
        if ((used + 1) * 4 > keys.length * 3) grow();
        int i = slotFor(keys, key);
        keys[i] = key;
        vals[i] = value;
        if (expire != Dict.NO_EXPIRE) {
            if (expires == null) {
                expires = new long[keys.length];
                Arrays.fill(expires, Dict.NO_EXPIRE);
            }
            expires[i] = expire;
        }
        used++;
        live++;
    }

    private static int slotFor(byte[][] ks, byte[] key) {
        int mask = ks.length - 1;
        int i = Dict.hash(key) & mask;
        while (ks[i] != null) i = (i + 1) & mask;
        return i;
    }

    private void grow() {
        byte[][] ok = keys;
        Object[] ov = vals;
        long[] oe = expires;
        int cap = ok.length * 2;
        keys = new byte[cap][];
        vals = new Object[cap];
        if (oe != null) {
            expires = new long[cap];
            Arrays.fill(expires, Dict.NO_EXPIRE);
        }
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] == null) continue;
            int i = slotFor(keys, ok[j]);
            keys[i] = ok[j];
            vals[i] = ov[j];
            if (oe != null) expires[i] = oe[j];
        }
    }

    int capacity() { return keys.length; }

    /** True if index i holds an entry not consumed yet. */
    boolean present(int i) { return keys[i] != null && vals[i] != CONSUMED; }

    byte[] key(int i) { return keys[i]; }

    Object value(int i) { return vals[i]; }

    long expire(int i) { return expires == null ? Dict.NO_EXPIRE : expires[i]; }

    /** Marks entry i as merged into the output (the live table had its key). */
    void consume(int i) {
        if (vals[i] == CONSUMED) return;
        vals[i] = CONSUMED;
        live--;
    }
}
