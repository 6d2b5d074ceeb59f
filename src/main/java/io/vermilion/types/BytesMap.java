package io.vermilion.types;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A compact hash table from {@code byte[]} keys to {@code byte[]} values (or keys alone, for
 * sets): the "hashtable" encoding of hashes (and, later, of sets and the dictionary of sorted
 * sets). Open addressing with linear probing and backward-shift deletion (no tombstones) in two
 * parallel arrays, so an entry costs two references plus its key and value arrays: no entry
 * objects, no boxing.
 *
 * <p>Capacity is a power of two, grown at a 3/4 load factor and shrunk when a deletion leaves it
 * under 1/10 full (Redis's HASHTABLE_MIN_FILL), so a random slot is occupied with a probability
 * of at least 1/10 and {@link #randomSlot} stays cheap.
 *
 * <p>{@link #scan} has Redis's SCAN guarantees over resizes: the cursor walks <em>home
 * buckets</em> (hash &amp; mask) in reverse-binary order, exactly like Redis's dictScan, and a
 * call returns every entry whose home is the visited bucket. An entry's home in a table of size
 * 2^n is the low n bits of its hash, as a Redis bucket is, so every entry present from the start
 * to the end of a full iteration is returned at least once whatever resizes happen in between.
 *
 * <p>Slots are addressed by index ({@link #next}, {@link #keyAt}, {@link #valueAt}); an index is
 * valid until the next write. Not thread-safe; owned by the command thread like every value.
 */
public final class BytesMap {
    private static final int MIN_CAPACITY = 4;
    /** Per-process seed: hash order differs between runs as Redis's (siphash keyed at start-up). */
    private static final int SEED = ThreadLocalRandom.current().nextInt();

    private byte[][] keys;
    private byte[][] vals;     // null for a keys-only map
    private int size;

    /** An empty map with values. */
    public BytesMap() {
        this(0, true);
    }

    /**
     * An empty map sized for {@code expected} entries without resizing.
     * @param withValues false for a set of keys (values are then always null)
     */
    public BytesMap(int expected, boolean withValues) {
        int cap = capacityFor(expected);
        keys = new byte[cap][];
        vals = withValues ? new byte[cap][] : null;
    }

    /** Smallest power-of-two capacity holding n entries at a load of at most 3/4. */
    static int capacityFor(long n) {
        long need = Math.max(MIN_CAPACITY, (n * 4 + 2) / 3);
        if (need > 1 << 30) return 1 << 30;
        int c = Integer.highestOneBit((int) need);
        return c < need ? c << 1 : c;
    }

    public static int hash(byte[] k) {
        int h = SEED ^ k.length;
        int i = 0, n = k.length;
        for (; i + 4 <= n; i += 4) {
            int w = (k[i] & 0xFF) | (k[i + 1] & 0xFF) << 8 | (k[i + 2] & 0xFF) << 16 | (k[i + 3] & 0xFF) << 24;
            w *= 0xCC9E2D51;
            w = Integer.rotateLeft(w, 15);
            w *= 0x1B873593;
            h ^= w;
            h = Integer.rotateLeft(h, 13) * 5 + 0xE6546B64;
        }
        int t = 0;
        switch (n - i) {
            case 3: t ^= (k[i + 2] & 0xFF) << 16; // fall through
            case 2: t ^= (k[i + 1] & 0xFF) << 8;  // fall through
            case 1:
                t ^= k[i] & 0xFF;
                t *= 0xCC9E2D51;
                t = Integer.rotateLeft(t, 15);
                h ^= t * 0x1B873593;
                break;
            default:
                break;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    public int size() { return size; }

    public boolean isEmpty() { return size == 0; }

    /** Number of slots (for tests and memory accounting). */
    public int capacity() { return keys.length; }

    public boolean hasValues() { return vals != null; }

    // ------------------------------------------------------------------ lookups

    /** Slot index of key, or -1. */
    public int find(byte[] key) {
        return find(key, 0, key.length);
    }

    /** Slot index of the key given as {@code b[off..off+len)}, or -1. */
    public int find(byte[] b, int off, int len) {
        byte[][] ks = keys;
        int mask = ks.length - 1;
        int i = hashRange(b, off, len) & mask;
        while (true) {
            byte[] k = ks[i];
            if (k == null) return -1;
            if (k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) return i;
            i = (i + 1) & mask;
        }
    }

    private static int hashRange(byte[] b, int off, int len) {
        return off == 0 && len == b.length ? hash(b) : hash(Arrays.copyOfRange(b, off, off + len));
    }

    public boolean containsKey(byte[] key) { return find(key) >= 0; }

    /** The value of key, or null (also for a keys-only map). */
    public byte[] get(byte[] key) {
        int i = find(key);
        return i < 0 || vals == null ? null : vals[i];
    }

    /** First occupied slot at or after {@code i}, or -1. Iterate with {@code for (i = next(0); i >= 0; i = next(i + 1))}. */
    public int next(int i) {
        byte[][] ks = keys;
        for (; i < ks.length; i++) if (ks[i] != null) return i;
        return -1;
    }

    public byte[] keyAt(int i) { return keys[i]; }

    public byte[] valueAt(int i) { return vals == null ? null : vals[i]; }

    /** Replaces the value of the occupied slot i. */
    public void setValueAt(int i, byte[] v) { vals[i] = v; }

    /** A uniformly chosen occupied slot, or -1 when empty. */
    public int randomSlot(ThreadLocalRandom r) {
        if (size == 0) return -1;
        int mask = keys.length - 1;
        while (true) {
            int i = r.nextInt() & mask;
            if (keys[i] != null) return i;
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Sets key to value (the map keeps both arrays; callers must not change them afterwards).
     * Returns the previous value, or null if the key was new (for a keys-only map: the key
     * itself if it was present, null if it was added).
     */
    public byte[] put(byte[] key, byte[] value) {
        int i = find(key);
        if (i >= 0) {
            if (vals == null) return keys[i];
            byte[] old = vals[i];
            vals[i] = value;
            return old;
        }
        insertNew(key, value);
        return null;
    }

    /** Adds a key the caller knows to be absent. */
    public void insertNew(byte[] key, byte[] value) {
        if ((size + 1) * 4L > keys.length * 3L) resize(keys.length * 2);
        byte[][] ks = keys;
        int mask = ks.length - 1;
        int i = hash(key) & mask;
        while (ks[i] != null) i = (i + 1) & mask;
        ks[i] = key;
        if (vals != null) vals[i] = value;
        size++;
    }

    /** Removes key; returns true if it was present. Shrinks the table when it falls under 1/10 full. */
    public boolean remove(byte[] key) {
        int i = find(key);
        if (i < 0) return false;
        removeAt(i);
        return true;
    }

    /** Removes the entry of the occupied slot i (indexes of other entries may change). */
    public void removeAt(int i) {
        byte[][] ks = keys;
        byte[][] vs = vals;
        int mask = ks.length - 1;
        // Backward-shift deletion: move later members of the probe run into the hole when their
        // home bucket lies at or before it (cyclically), so lookups never meet a false gap.
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            byte[] k = ks[j];
            if (k == null) break;
            int home = hash(k) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                ks[hole] = k;
                if (vs != null) vs[hole] = vs[j];
                hole = j;
            }
        }
        ks[hole] = null;
        if (vs != null) vs[hole] = null;
        size--;
        if (ks.length > MIN_CAPACITY && size * 10L < ks.length) resize(capacityFor(size));
    }

    /** Removes everything (keeps the capacity at the minimum). */
    public void clear() {
        keys = new byte[MIN_CAPACITY][];
        if (vals != null) vals = new byte[MIN_CAPACITY][];
        size = 0;
    }

    private void resize(int cap) {
        byte[][] oks = keys, ovs = vals;
        byte[][] ks = new byte[cap][];
        byte[][] vs = ovs == null ? null : new byte[cap][];
        int mask = cap - 1;
        for (int j = 0; j < oks.length; j++) {
            byte[] k = oks[j];
            if (k == null) continue;
            int i = hash(k) & mask;
            while (ks[i] != null) i = (i + 1) & mask;
            ks[i] = k;
            if (vs != null) vs[i] = ovs[j];
        }
        keys = ks;
        vals = vs;
    }

    /** A deep copy (keys and values are copied too). */
    public BytesMap copy() {
        BytesMap m = new BytesMap(0, vals != null);
        m.keys = new byte[keys.length][];
        if (vals != null) m.vals = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == null) continue;
            m.keys[i] = keys[i].clone();
            if (vals != null && vals[i] != null) m.vals[i] = vals[i].clone();
        }
        m.size = size;
        return m;
    }

    // ------------------------------------------------------------------ scan

    /** What {@link #scan} reports for each entry. */
    @FunctionalInterface
    public interface Visitor {
        void visit(byte[] key, byte[] value);
    }

    /**
     * One step of a resumable scan (Redis's dictScan): reports every entry whose home bucket is
     * {@code cursor & mask} and returns the next cursor, 0 when the iteration is complete.
     * The cursor is an unsigned 64-bit value; bits above the table's mask are kept as Redis
     * does, so a cursor from a larger table still works after a shrink.
     */
    public long scan(long cursor, Visitor v) {
        if (size == 0) return 0;
        byte[][] ks = keys;
        int mask = ks.length - 1;
        int bucket = (int) (cursor & mask);
        // Entries whose home is `bucket` sit in the probe run that starts there.
        for (int i = bucket; ; i = (i + 1) & mask) {
            byte[] k = ks[i];
            if (k == null) break;
            if ((hash(k) & mask) == bucket) v.visit(k, vals == null ? null : vals[i]);
        }
        // Reverse-binary increment of the bits under the mask.
        long c = cursor | ~(long) mask;
        c = Long.reverse(c);
        c++;
        c = Long.reverse(c);
        return c;
    }

    /** Estimated heap bytes: the table arrays plus size times a sampled entry (see MemoryUsage). */
    public long memoryEstimate() {
        return 24 + MemoryUsage.refs(keys.length) + (vals == null ? 0 : MemoryUsage.refs(vals.length))
                + (long) size * MemoryUsage.sampledPairBytes(keys, vals, size);
    }
}
