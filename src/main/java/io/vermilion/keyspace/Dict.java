package io.vermilion.keyspace;

import java.util.Arrays;

/**
 * The keys of one hash slot of one database: an open-addressing hash table with linear probing
 * and backward-shift deletion (no tombstones), in parallel arrays.
 *
 * <p>Why this shape: memory per key is a first-class target. A java.util.HashMap costs a 32-byte
 * Node per entry plus boxing; here an entry costs one reference in {@code keys}, one in
 * {@code vals} and an int of access clock in {@code lru} (about 16 bytes at the 0.75 load factor
 * with compressed oops), plus the key and value byte arrays themselves. Expiry times live in a
 * {@code long[]} allocated only once some key of this slot gets a TTL.
 *
 * <p>Splitting the keyspace into one table per hash slot gives CLUSTER COUNTKEYSINSLOT in O(1),
 * GETKEYSINSLOT in time proportional to that slot's keys, and a natural SCAN cursor (the slot
 * number) that survives rehashing. Tables are small (1M keys is ~61 per slot), so resizing never
 * causes a long pause.
 *
 * <p>Not thread-safe: only the node's command thread touches a Dict.
 */
final class Dict {
    static final long NO_EXPIRE = -1;
    private static final int MIN_CAPACITY = 4;

    byte[][] keys;
    Object[] vals;
    int[] lru;
    long[] expires;     // null until the first TTL in this slot; NO_EXPIRE for keys without TTL
    int size;
    int expiring;       // keys with a TTL
    // Memory accounting (docs/memory.md): the estimated heap bytes of each entry (key, value and
    // its share of the entry arrays) and of this whole table, kept in step with every change;
    // every change is also added to the keyspace-wide counter.
    int[] mem;
    long bytes;
    final MemCounter counter;

    /** Heap bytes of one slot of the parallel arrays (key ref, value ref, lru int, mem int). */
    static final int SLOT_BYTES = 16;
    /** Heap bytes of the Dict object and its array headers. */
    static final int TABLE_BYTES = 40 + 4 * 16;
    /** Heap bytes of an entry beyond its key, value and slot (expiry long when TTLs exist). */
    static final int ENTRY_BYTES = 8;

    Dict(MemCounter counter) {
        this(counter, 0);
    }

    /** A table sized for about {@code expected} keys without resizing (a loader's hint). */
    Dict(MemCounter counter, int expected) {
        this.counter = counter;
        int cap = MIN_CAPACITY;
        while (cap < (1 << 30) && (long) cap * 3 < (long) expected * 4) cap <<= 1;
        alloc(cap);
        add(TABLE_BYTES);
    }

    private void alloc(int cap) {
        keys = new byte[cap][];
        vals = new Object[cap];
        lru = new int[cap];
        mem = new int[cap];
        add((long) cap * SLOT_BYTES);
    }

    private void add(long delta) {
        bytes += delta;
        counter.bytes += delta;
    }

    /** Estimated heap bytes of an entry holding key and val. */
    static int entryBytes(byte[] key, Object val) {
        long b = ENTRY_BYTES + io.vermilion.types.MemoryUsage.array(key.length) + io.vermilion.types.MemoryUsage.of(val);
        return (int) Math.min(Integer.MAX_VALUE, b);
    }

    /** Stores a new value at idx, accounting for the change in size. */
    void setValue(int idx, Object val) {
        vals[idx] = val;
        remeasure(idx);
    }

    /** Measures the value at idx again (it may have been changed in place); returns the new size. */
    int remeasure(int idx) {
        int n = entryBytes(keys[idx], vals[idx]);
        add(n - mem[idx]);
        mem[idx] = n;
        return n;
    }

    /** Takes this table's bytes out of the keyspace-wide counter (the table left the keyspace). */
    void detach() {
        counter.bytes -= bytes;
    }

    static int hash(byte[] k) {
        // FNV-1a style mixing followed by a murmur3 finalizer: independent of the CRC16 that chose the slot.
        int h = 0x811C9DC5 ^ k.length;
        int i = 0, n = k.length;
        for (; i + 4 <= n; i += 4) {
            int w = (k[i] & 0xFF) | (k[i + 1] & 0xFF) << 8 | (k[i + 2] & 0xFF) << 16 | (k[i + 3] & 0xFF) << 24;
            h = (h ^ w) * 0x01000193;
            h = Integer.rotateLeft(h, 13);
        }
        for (; i < n; i++) h = (h ^ (k[i] & 0xFF)) * 0x01000193;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    int capacity() { return keys.length; }

    /** Index of key, or -1. */
    int find(byte[] key) {
        int i = findOrHole(key);
        return i >= 0 ? i : -1;
    }

    /**
     * Index of key, or {@code -(h + 1)} where h is the empty slot that ended the probe: where
     * {@link #insertAt} puts the key if nothing changes the table in between.
     */
    int findOrHole(byte[] key) {
        return findOrHole(key, hash(key));
    }

    /** As {@link #findOrHole(byte[])} with the key's {@link #hash} already computed. */
    int findOrHole(byte[] key, int hash) {
        int mask = keys.length - 1;
        int i = hash & mask;
        byte[][] ks = keys;
        while (true) {
            byte[] k = ks[i];
            if (k == null) return -(i + 1);
            if (k == key || Arrays.equals(k, key)) return i;
            i = (i + 1) & mask;
        }
    }

    /**
     * Inserts a new key at the hole {@link #findOrHole} just gave (no second hash and probe);
     * through {@link #insert} when the table must grow first. Returns its index.
     */
    int insertAt(int hole, byte[] key, Object val, int clock) {
        if ((size + 1) * 4 > keys.length * 3 || hole < 0 || hole >= keys.length || keys[hole] != null) {
            return insert(key, val, clock);
        }
        return place(hole, key, val, clock, entryBytes(key, val));
    }

    /**
     * As {@link #insertAt(int, byte[], Object, int)} with the key's {@link #hash} and
     * {@link #entryBytes} already computed (by a loader, off the command thread).
     */
    int insertAt(int hole, byte[] key, int hash, Object val, int clock, int entryBytes) {
        if ((size + 1) * 4 > keys.length * 3 || hole < 0 || hole >= keys.length || keys[hole] != null) {
            if ((size + 1) * 4 > keys.length * 3) resize(keys.length * 2);
            int mask = keys.length - 1;
            int i = hash & mask;
            while (keys[i] != null) i = (i + 1) & mask;
            hole = i;
        }
        return place(hole, key, val, clock, entryBytes);
    }

    /** Inserts a new key (caller checked it is absent); returns its index. */
    int insert(byte[] key, Object val, int clock) {
        if ((size + 1) * 4 > keys.length * 3) resize(keys.length * 2);
        int mask = keys.length - 1;
        int i = hash(key) & mask;
        while (keys[i] != null) i = (i + 1) & mask;
        return place(i, key, val, clock, entryBytes(key, val));
    }

    private int place(int i, byte[] key, Object val, int clock, int entryBytes) {
        keys[i] = key;
        vals[i] = val;
        lru[i] = clock;
        mem[i] = entryBytes;
        add(mem[i]);
        if (expires != null) expires[i] = NO_EXPIRE;
        size++;
        return i;
    }

    long expireAt(int idx) {
        return expires == null ? NO_EXPIRE : expires[idx];
    }

    void setExpire(int idx, long when) {
        if (expires == null) {
            if (when == NO_EXPIRE) return;
            expires = new long[keys.length];
            add(8L * keys.length);
            Arrays.fill(expires, NO_EXPIRE);
        }
        long old = expires[idx];
        if (old == NO_EXPIRE && when != NO_EXPIRE) expiring++;
        else if (old != NO_EXPIRE && when == NO_EXPIRE) expiring--;
        expires[idx] = when;
    }

    /** Removes the entry at idx, shifting back the entries of its probe run. */
    void removeAt(int idx) {
        if (expires != null && expires[idx] != NO_EXPIRE) expiring--;
        add(-mem[idx]);
        int mask = keys.length - 1;
        int hole = idx;
        int i = idx;
        while (true) {
            i = (i + 1) & mask;
            byte[] k = keys[i];
            if (k == null) break;
            int home = hash(k) & mask;
            // Move k into the hole if its home position is not cyclically in (hole, i].
            boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!between) {
                keys[hole] = k;
                vals[hole] = vals[i];
                lru[hole] = lru[i];
                mem[hole] = mem[i];
                if (expires != null) expires[hole] = expires[i];
                hole = i;
            }
        }
        keys[hole] = null;
        vals[hole] = null;
        lru[hole] = 0;
        mem[hole] = 0;
        if (expires != null) expires[hole] = NO_EXPIRE;
        size--;
        if (keys.length > MIN_CAPACITY && size * 8 < keys.length) resize(keys.length / 2);
    }

    private void resize(int cap) {
        cap = Math.max(cap, MIN_CAPACITY);
        byte[][] ok = keys;
        Object[] ov = vals;
        int[] ol = lru;
        int[] om = mem;
        long[] oe = expires;
        add(-(long) ok.length * SLOT_BYTES - (oe != null ? 8L * ok.length : 0));
        alloc(cap);
        if (oe != null && expiring > 0) {
            expires = new long[cap];
            Arrays.fill(expires, NO_EXPIRE);
            add(8L * cap);
        } else {
            expires = null;
        }
        int mask = cap - 1;
        for (int j = 0; j < ok.length; j++) {
            byte[] k = ok[j];
            if (k == null) continue;
            int i = hash(k) & mask;
            while (keys[i] != null) i = (i + 1) & mask;
            keys[i] = k;
            vals[i] = ov[j];
            lru[i] = ol[j];
            mem[i] = om[j];
            if (expires != null) expires[i] = oe[j];
        }
    }
}
