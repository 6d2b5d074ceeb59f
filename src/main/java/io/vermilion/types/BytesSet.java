package io.vermilion.types;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A set of byte strings: an open-addressing hash table with linear probing and backward-shift
 * deletion (no tombstones), holding the member arrays themselves in one {@code byte[][]}. This
 * is the "hashtable" encoding of a set; per member it costs the member's array plus one
 * reference slot (at a load factor between 1/8 and 3/4), with no entry objects.
 *
 * <p>Members are stored by reference: callers hand over arrays they will not change again
 * (request arguments, freshly decoded strings).
 *
 * <p>Two things Redis's dict offers are provided the same way:
 * <ul>
 *   <li>{@link #random}: a uniformly chosen member (Redis's dictGetFairRandomKey aims at the
 *       same thing): random slots are probed until an occupied one is hit; the table never
 *       falls below 1/8 full, so that takes 8 probes at most on average.</li>
 *   <li>{@link #scan}: a cursor over home buckets in reverse-binary order, as Redis's dictScan,
 *       so that a member present for the whole iteration is returned at least once even when the
 *       table grows or shrinks between calls. Every member lives in the probe run that starts at
 *       its home bucket (linear probing keeps that invariant through insertions and
 *       backward-shift deletions), so a bucket is visited by walking that run.</li>
 * </ul>
 */
public final class BytesSet {
    private static final int MIN_CAPACITY = 4;

    private byte[][] table;
    private int size;

    public BytesSet() {
        table = new byte[MIN_CAPACITY][];
    }

    /** An empty set sized for {@code expected} members without resizing. */
    public BytesSet(int expected) {
        table = new byte[capacityFor(expected)][];
    }

    private static int capacityFor(int n) {
        int cap = MIN_CAPACITY;
        while (cap < (1 << 30) && (long) n * 4 > (long) cap * 3) cap <<= 1;
        return cap;
    }

    public int size() { return size; }

    /** Number of slots; with {@link #slot} an allocation-free way to walk every member. */
    public int capacity() { return table.length; }

    /** The member in slot i, or null if that slot is empty. */
    public byte[] slot(int i) { return table[i]; }

    /** The hash of a member (FNV-1a style words, murmur3 finalizer). */
    static int hash(byte[] k, int off, int len) {
        int h = 0x9E3779B9 ^ len;
        int i = off, n = off + len;
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

    static int hash(byte[] k) {
        return hash(k, 0, k.length);
    }

    private static boolean same(byte[] a, byte[] k, int off, int len) {
        return a.length == len && Arrays.equals(a, 0, len, k, off, off + len);
    }

    private int find(byte[] k, int off, int len) {
        int mask = table.length - 1;
        int i = hash(k, off, len) & mask;
        byte[] e;
        while ((e = table[i]) != null) {
            if (same(e, k, off, len)) return i;
            i = (i + 1) & mask;
        }
        return -1;
    }

    public boolean contains(byte[] k) {
        return find(k, 0, k.length) >= 0;
    }

    public boolean contains(byte[] k, int off, int len) {
        return find(k, off, len) >= 0;
    }

    /** Adds member (kept by reference); false if it was already present. */
    public boolean add(byte[] member) {
        int mask = table.length - 1;
        int i = hash(member) & mask;
        byte[] e;
        while ((e = table[i]) != null) {
            if (e.length == member.length && Arrays.equals(e, member)) return false;
            i = (i + 1) & mask;
        }
        if ((long) (size + 1) * 4 > (long) table.length * 3) {
            resize(table.length << 1);
            insertNew(member);
        } else {
            table[i] = member;
        }
        size++;
        return true;
    }

    /** Adds a member known to be absent (bulk loads, copies). */
    private void insertNew(byte[] member) {
        int mask = table.length - 1;
        int i = hash(member) & mask;
        while (table[i] != null) i = (i + 1) & mask;
        table[i] = member;
    }

    public boolean remove(byte[] k) {
        return remove(k, 0, k.length);
    }

    public boolean remove(byte[] k, int off, int len) {
        int i = find(k, off, len);
        if (i < 0) return false;
        removeAt(i);
        return true;
    }

    /** Removes the member in slot idx, shifting back the members of its probe run. */
    public void removeAt(int idx) {
        int mask = table.length - 1;
        int hole = idx;
        int i = idx;
        while (true) {
            i = (i + 1) & mask;
            byte[] e = table[i];
            if (e == null) break;
            int home = hash(e) & mask;
            // e may move into the hole unless its home lies cyclically in (hole, i].
            boolean between = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!between) {
                table[hole] = e;
                hole = i;
            }
        }
        table[hole] = null;
        size--;
        if (table.length > MIN_CAPACITY && size * 8 < table.length) resize(capacityFor(size));
    }

    private void resize(int cap) {
        byte[][] old = table;
        table = new byte[cap][];
        for (byte[] e : old) if (e != null) insertNew(e);
    }

    /** The slot of a uniformly chosen member; the set must not be empty. */
    public int randomSlot(Random rnd) {
        if (size == 0) throw new IllegalStateException("empty set");
        int mask = table.length - 1;
        while (true) {
            int i = rnd.nextInt() & mask;
            if (table[i] != null) return i;
        }
    }

    /** A uniformly chosen member; the set must not be empty. */
    public byte[] random(Random rnd) {
        return table[randomSlot(rnd)];
    }

    public void forEach(Consumer<byte[]> f) {
        for (byte[] e : table) if (e != null) f.accept(e);
    }

    /**
     * Visits the members whose home bucket is {@code cursor}'s (as many buckets as needed until
     * at least {@code count} members were seen or the iteration ended) and returns the next cursor,
     * 0 when the iteration is complete. The cursor is Redis's: the bucket index with its bits
     * reversed and incremented, so it stays meaningful across resizes.
     */
    public long scan(long cursor, long count, Consumer<byte[]> f) {
        long v = cursor;
        long maxBuckets = Math.max(count * 10, 10);   // bound the work as Redis's scan does
        int seen = 0;
        do {
            int mask = table.length - 1;
            int home = (int) (v & mask);
            for (int i = home; table[i] != null; i = (i + 1) & mask) {
                byte[] e = table[i];
                if ((hash(e) & mask) == home) {
                    f.accept(e);
                    seen++;
                }
            }
            v |= ~(long) mask;
            v = Long.reverse(v);
            v++;
            v = Long.reverse(v);
        } while (v != 0 && seen < count && --maxBuckets > 0);
        return v;
    }

    /**
     * An independent copy. Member arrays are shared: they are never changed in place (a member
     * is only ever added or removed), so sharing them is as good as copying and far cheaper for
     * snapshots.
     */
    public BytesSet copy() {
        BytesSet c = new BytesSet();
        c.table = table.clone();
        c.size = size;
        return c;
    }

    /** Estimated heap bytes: the table plus size times a sampled member (see MemoryUsage). */
    public long memoryEstimate() {
        return 24 + MemoryUsage.refs(table.length) + (long) size * MemoryUsage.sampledPairBytes(table, null, size);
    }
}
