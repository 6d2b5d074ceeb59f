package io.vermilion.keyspace;

import io.vermilion.util.HashSlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * One logical database (SELECT n): its keys, values and expiry times, indexed by hash slot.
 *
 * <p>Keys are byte arrays owned by the database once stored (callers must not mutate a key
 * array after handing it over). Values are opaque objects interpreted by the type layer
 * (byte[] for strings, see {@code io.vermilion.types}).
 *
 * <p>Expiry is both lazy (every lookup of an expired key deletes it and reports a miss, as
 * Redis's expireIfNeeded) and active ({@link #activeExpire}: an incremental sweep over the slots
 * that hold keys with a TTL, bounded in work per call). A {@link KeyListener} hears of every
 * deletion by expiry so that AOF/replication can propagate it as a DEL, as Redis does.
 */
public final class Db {
    /** Returned by {@link #getExpire} for a key without TTL. */
    public static final long NO_EXPIRE = Dict.NO_EXPIRE;

    private final int id;
    private final Keyspace keyspace;
    Dict[] slots = new Dict[HashSlot.SLOTS];   // package access: Snapshot walks them
    private long size;
    private long expiring;
    private int sweepSlot;       // active expiry cursor: next slot to visit
    private int sweepPos;        // and position inside it
    // WATCHed keys of this database (Redis's db->watched_keys); null while nobody watches, so
    // that the write paths pay one field read for the feature.
    private java.util.Map<java.nio.ByteBuffer, List<WatchedKey>> watched;

    Db(int id, Keyspace keyspace) {
        this.id = id;
        this.keyspace = keyspace;
    }

    public int id() { return id; }

    /**
     * Sizes the slot tables of an empty database for about {@code keys} keys spread over the hash
     * slots (a loader's hint, e.g. RDB RESIZEDB; the caller bounds it by what its input can hold),
     * so that loading does not resize each table several times. Room is left for the spread of
     * a random hash (mean + 3 standard deviations per slot).
     */
    public void presize(long keys) {
        if (size != 0) return;
        double mean = (double) keys / HashSlot.SLOTS;
        if (mean < 4) return;
        int expected = (int) Math.min(1 << 28, mean + 3 * Math.sqrt(mean));
        for (int s = 0; s < slots.length; s++) {
            if (slots[s] == null) slots[s] = new Dict(keyspace.mem, expected);
        }
    }
    public long size() { return size; }
    public long expiresCount() { return expiring; }

    // ---------------------------------------------------------------- lookups

    // The entry the last lookup found: a read-modify-write command (INCR, SET over an existing
    // key, APPEND...) looks its key up and then stores it, with the same argv array; the store
    // then needs neither the hash nor the probe. The cached position is only trusted after
    // checking that the entry there still holds this key (entries move on removal and resize).
    private Dict lastDict;
    private byte[] lastKey;
    private int lastIdx;

    private int find(Dict d, byte[] key) {
        int i = findOrHole(d, key);
        return i >= 0 ? i : -1;
    }

    private void remember(Dict d, byte[] key, int i) {
        lastDict = d;
        lastKey = key;
        lastIdx = i;
    }

    /** The value of key, or null if absent or expired (deleting it then). Updates the access clock. */
    public Object get(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return null;
        int i = find(d, key);
        if (i < 0) return null;
        if (d.expires != null && isExpired(d.expires[i])) {
            if (!keyspace.replicaExpiry()) expireAt(d, i);
            return null;
        }
        d.lru[i] = keyspace.touched(d.lru[i]);
        Object v = d.vals[i];
        if (!(v instanceof byte[])) keyspace.mayChange(this, d.keys[i]);
        if (keyspace.snapshotting && !(v instanceof byte[])) keyspace.beforeWrite(this, keyspace.slotOf(key), key);
        return v;
    }

    /** As {@link #get} without touching the access clock (OBJECT, TYPE-less internal reads). */
    public Object peek(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return null;
        int i = find(d, key);
        if (i < 0) return null;
        if (d.expires != null && isExpired(d.expires[i])) {
            if (!keyspace.replicaExpiry()) expireAt(d, i);
            return null;
        }
        Object v = d.vals[i];
        if (!(v instanceof byte[])) keyspace.mayChange(this, d.keys[i]);
        // A mutable value (Sds) may be changed in place by the caller: a snapshot keeps a copy first.
        if (keyspace.snapshotting && !(v instanceof byte[])) keyspace.beforeWrite(this, keyspace.slotOf(key), key);
        return v;
    }

    public boolean exists(byte[] key) {
        return peek(key) != null;
    }

    /** Seconds since the key was last accessed (OBJECT IDLETIME, non-LFU policies), or -1 if absent. */
    public long idleSeconds(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return -1;
        int i = find(d, key);
        if (i < 0 || (d.expires != null && isExpired(d.expires[i]))) return -1;
        return keyspace.idleSeconds(d.lru[i]);
    }

    /** The decayed LFU counter of key (OBJECT FREQ, LFU policies), or -1 if absent. */
    public int lfuFrequency(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return -1;
        int i = find(d, key);
        if (i < 0 || (d.expires != null && isExpired(d.expires[i]))) return -1;
        return keyspace.lfuDecayed(d.lru[i]);
    }

    /** Marks the key as accessed now (TOUCH). */
    public boolean touch(byte[] key) {
        return get(key) != null;
    }

    /**
     * Makes key look idle for {@code idleSeconds} (RESTORE IDLETIME, RDB IDLE). Ignored under an
     * LFU policy, where keys carry a frequency instead, as Redis's objectSetLRUOrLFU.
     */
    public boolean setIdle(byte[] key, long idleSeconds) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null || keyspace.lfu()) return false;
        int i = find(d, key);
        if (i < 0) return false;
        long clock = keyspace.lruClock() - Math.max(0, idleSeconds);
        d.lru[i] = (int) Math.max(0, clock);
        return true;
    }

    /** Sets key's LFU counter (RESTORE FREQ, RDB FREQ); only under an LFU policy. */
    public boolean setFrequency(byte[] key, int counter) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null || !keyspace.lfu()) return false;
        int i = find(d, key);
        if (i < 0) return false;
        d.lru[i] = keyspace.lfuStamp(Math.max(0, Math.min(255, counter)));
        return true;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Sets key to val. With keepTtl false any TTL is removed (SET semantics); with true an
     * existing TTL survives (SET KEEPTTL, SETRANGE, APPEND, INCR...).
     * Returns true if the key was new.
     */
    public boolean put(byte[] key, Object val, boolean keepTtl) {
        int slot = keyspace.slotOf(key);
        if (keyspace.snapshotting) keyspace.beforeWrite(this, slot, key);
        Dict d = slots[slot];
        if (d == null) slots[slot] = d = new Dict(keyspace.mem);
        int i = findOrHole(d, key);
        if (i >= 0) {
            if (d.expires != null && isExpired(d.expires[i])) {
                // An expired key is logically absent: replace it as a new key.
                expireAt(d, i);
                return put(key, val, keepTtl);
            }
            d.setValue(i, val);
            if (watched != null) touched(key);
            // A new value is a new object to Redis (fresh LRU time), except that under LFU the
            // frequency counter is carried over from the value it replaces (dbSetValue).
            if (!keyspace.lfu()) d.lru[i] = keyspace.lruClock();
            if (!keepTtl && d.expires != null && d.expires[i] != NO_EXPIRE) {
                d.setExpire(i, NO_EXPIRE);
                expiring--;
            }
            return false;
        }
        remember(d, key, d.insertAt(-i - 1, key, val, keyspace.newStamp()));
        size++;
        if (watched != null) touched(key);
        keyspace.added(this, key);
        return true;
    }

    /**
     * Loading (an RDB file or stream, on the command thread): adds key with its TTL and access
     * information, its slot, table hash and entry size computed beforehand off this thread
     * ({@link LoadBatch}). Returns false if the key is already there (a duplicate in the data).
     */
    boolean load(int slot, int hash, int entryBytes, byte[] key, Object val, long expireAtMs,
            long idleSec, int freq, int stamp) {
        if (keyspace.snapshotting) keyspace.beforeWrite(this, slot, key);
        Dict d = slots[slot];
        if (d == null) slots[slot] = d = new Dict(keyspace.mem);
        int i = d.findOrHole(key, hash);
        if (i >= 0) {
            if (d.expires == null || !isExpired(d.expires[i])) return false;
            // An expired key is logically absent: replace it as a new key (as put does).
            expireAt(d, i);
            return load(slot, hash, entryBytes, key, val, expireAtMs, idleSec, freq, stamp);
        }
        int idx = d.insertAt(-i - 1, key, hash, val, stamp, entryBytes);
        size++;
        if (watched != null) touched(key);
        keyspace.added(this, key);
        if (expireAtMs != NO_EXPIRE) {
            d.setExpire(idx, expireAtMs);
            expiring++;
        }
        if (idleSec >= 0 && !keyspace.lfu()) d.lru[idx] = (int) Math.max(0, keyspace.lruClock() - idleSec);
        if (freq >= 0 && keyspace.lfu()) d.lru[idx] = keyspace.lfuStamp(Math.max(0, Math.min(255, freq)));
        return true;
    }

    /** As {@link #find}, but a miss tells where the key would go ({@link Dict#findOrHole}). */
    private int findOrHole(Dict d, byte[] key) {
        if (key == lastKey && d == lastDict) {
            byte[][] ks = d.keys;
            int i = lastIdx;
            if (i < ks.length) {
                byte[] k = ks[i];
                if (k == key || (k != null && Arrays.equals(k, key))) return i;
            }
        }
        int i = d.findOrHole(key);
        if (i >= 0) remember(d, key, i);
        return i;
    }

    /**
     * RENAME: moves the live key {@code from} to {@code to} in this database with its value, TTL
     * and access information, replacing any value at {@code to}. Returns false if {@code from}
     * is absent. Renaming a key to itself changes nothing.
     */
    public boolean rename(byte[] from, byte[] to) {
        int slot = keyspace.slotOf(from);
        Dict d = slots[slot];
        if (d == null) return false;
        int i = d.find(from);
        if (i < 0) return false;
        if (d.expires != null && isExpired(d.expires[i])) {
            expireAt(d, i);
            return false;
        }
        if (Arrays.equals(from, to)) return true;
        Object val = d.vals[i];
        int stamp = d.lru[i];
        long when = d.expireAt(i);
        removeAt(slot, d, i);
        if (watched != null) touched(from);
        delete(to);
        adopt(to, val, stamp, when);
        return true;
    }

    /**
     * MOVE: transfers the live key to {@code dst} with its value, TTL and access information.
     * Returns false if the key is absent here or present in {@code dst} (then nothing changes).
     */
    public boolean moveTo(byte[] key, Db dst) {
        if (dst == this) return false;
        int slot = keyspace.slotOf(key);
        Dict d = slots[slot];
        if (d == null) return false;
        int i = find(d, key);
        if (i < 0) return false;
        if (d.expires != null && isExpired(d.expires[i])) {
            expireAt(d, i);
            return false;
        }
        if (dst.exists(key)) return false;
        Object val = d.vals[i];
        int stamp = d.lru[i];
        long when = d.expireAt(i);
        removeAt(slot, d, i);
        if (watched != null) touched(key);
        dst.adopt(key, val, stamp, when);
        return true;
    }

    /** Inserts an absent key with existing access information and expiry (rename/move). */
    private void adopt(byte[] key, Object val, int stamp, long when) {
        int slot = keyspace.slotOf(key);
        if (keyspace.snapshotting) keyspace.beforeWrite(this, slot, key);
        Dict d = slots[slot];
        if (d == null) slots[slot] = d = new Dict(keyspace.mem);
        int i = d.insert(key, val, stamp);
        size++;
        if (when != NO_EXPIRE) {
            d.setExpire(i, when);
            expiring++;
        }
        if (watched != null) touched(key);
        keyspace.added(this, key);
    }

    /** Replaces the value of an existing, live key in place (keeps TTL). Returns false if absent. */
    public boolean replace(byte[] key, Object val) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return false;
        int i = find(d, key);
        if (i < 0) return false;
        if (keyspace.snapshotting) keyspace.beforeWrite(this, keyspace.slotOf(key), key);
        d.setValue(i, val);
        if (watched != null) touched(key);
        return true;
    }

    /**
     * As {@link #replace} for a value with the same content in another representation (Redis's
     * dbUnshareStringValue: a byte[] string becoming a mutable Sds). Nothing changed logically,
     * so WATCH is not signalled; the caller signals it ({@link #touched}) if it then modifies it.
     */
    public boolean swapRepresentation(byte[] key, Object val) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return false;
        int i = find(d, key);
        if (i < 0) return false;
        if (keyspace.snapshotting) keyspace.beforeWrite(this, keyspace.slotOf(key), key);
        d.setValue(i, val);
        return true;
    }

    /** Deletes key; true if it existed (an expired key counts as absent). */
    public boolean delete(byte[] key) {
        int slot = keyspace.slotOf(key);
        Dict d = slots[slot];
        if (d == null) return false;
        int i = find(d, key);
        if (i < 0) return false;
        boolean live = d.expires == null || !isExpired(d.expires[i]);
        if (!live) {
            expireAt(d, i);
            return false;
        }
        removeAt(slot, d, i);
        if (watched != null) touched(key);
        return true;
    }

    private void removeAt(int slot, Dict d, int i) {
        if (keyspace.snapshotting) keyspace.beforeWrite(this, slot, d.keys[i]);
        if (d.expires != null && d.expires[i] != NO_EXPIRE) expiring--;
        d.removeAt(i);
        size--;
        if (d.size == 0) {
            slots[slot] = null;
            d.detach();
        }
    }

    /** Measures key's value again after it may have changed in place (memory accounting). */
    void remeasure(byte[] key) {
        Dict d = slots[HashSlot.of(key)];
        if (d == null) return;
        int i = find(d, key);
        if (i >= 0) d.remeasure(i);
    }

    /** Estimated heap bytes of key's entry (MEMORY USAGE), or -1 if absent. */
    public long memoryUsage(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return -1;
        int i = find(d, key);
        if (i < 0 || (d.expires != null && isExpired(d.expires[i]))) return -1;
        return d.remeasure(i) + Dict.SLOT_BYTES;
    }

    // ---------------------------------------------------------------- expiry

    /** As {@link #getExpire} without deleting an expired key (eviction's ghost check). */
    long getExpireRaw(byte[] key) {
        Dict d = slots[HashSlot.of(key)];
        if (d == null) return -2;
        int i = find(d, key);
        return i < 0 ? -2 : d.expireAt(i);
    }

    /**
     * Deletes key for maxmemory eviction (Redis's dbSyncDelete from performEvictions), whether
     * or not its time has passed; signals WATCH. Returns the estimated bytes freed, or -1 if absent.
     */
    public long evict(byte[] key) {
        int slot = HashSlot.of(key);
        Dict d = slots[slot];
        if (d == null) return -1;
        int i = find(d, key);
        if (i < 0) return -1;
        long before = keyspace.mem.bytes;
        removeAt(slot, d, i);
        if (watched != null) touched(key);
        return before - keyspace.mem.bytes;
    }

    /** Absolute expiry in unix ms, {@link #NO_EXPIRE}, or -2 if the key does not exist. */
    public long getExpire(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return -2;
        int i = find(d, key);
        if (i < 0) return -2;
        long e = d.expireAt(i);
        if (e != NO_EXPIRE && isExpired(e)) {
            expireAt(d, i);
            return -2;
        }
        return e;
    }

    /** Sets the absolute expiry (unix ms) of an existing key; false if absent. */
    public boolean setExpire(byte[] key, long whenMs) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return false;
        int i = find(d, key);
        if (i < 0) return false;
        if (keyspace.snapshotting) keyspace.beforeWrite(this, keyspace.slotOf(key), key);
        long old = d.expireAt(i);
        d.setExpire(i, whenMs);
        // NO_EXPIRE (-1, a time in 1969) can arrive here on a replica or while loading, where
        // past times are stored: it then means "no TTL", and the counters must agree.
        if (old == NO_EXPIRE && whenMs != NO_EXPIRE) expiring++;
        else if (old != NO_EXPIRE && whenMs == NO_EXPIRE) expiring--;
        if (watched != null) touched(key);
        return true;
    }

    /** Removes the TTL of key; true if it had one. */
    public boolean persist(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return false;
        int i = find(d, key);
        if (i < 0 || d.expireAt(i) == NO_EXPIRE) return false;
        if (isExpired(d.expires[i])) {
            expireAt(d, i);
            return false;
        }
        if (keyspace.snapshotting) keyspace.beforeWrite(this, keyspace.slotOf(key), key);
        d.setExpire(i, NO_EXPIRE);
        expiring--;
        if (watched != null) touched(key);
        return true;
    }

    private boolean isExpired(long when) {
        return when != NO_EXPIRE && when <= keyspace.now() && keyspace.expiryEnabled();
    }

    private void expireAt(Dict d, int i) {
        byte[] key = d.keys[i];
        int slot = keyspace.slotOf(key);
        removeAt(slot, d, i);
        keyspace.stats().expiredKeys++;
        if (watched != null) touched(key);
        keyspace.keyExpired(this, key);
    }

    /**
     * One step of active expiry: visits up to {@code budget} keys, continuing the sweep where the
     * last call stopped, deleting those whose time has passed. Returns the number deleted.
     */
    public int activeExpire(int budget) {
        if (expiring == 0) return 0;
        int deleted = 0;
        int visitedSlots = 0;
        long now = keyspace.now();
        while (budget > 0 && visitedSlots <= HashSlot.SLOTS) {
            Dict d = slots[sweepSlot];
            if (d == null || d.expiring == 0 || sweepPos >= d.capacity()) {
                sweepSlot = (sweepSlot + 1) & (HashSlot.SLOTS - 1);
                sweepPos = 0;
                visitedSlots++;
                continue;
            }
            int cap = d.capacity();
            while (sweepPos < cap && budget > 0) {
                budget--;
                if (d.keys[sweepPos] != null && d.expires[sweepPos] != NO_EXPIRE && d.expires[sweepPos] <= now) {
                    byte[] key = d.keys[sweepPos];
                    removeAt(sweepSlot, d, sweepPos);
                    keyspace.stats().expiredKeys++;
                    if (watched != null) touched(key);
                    keyspace.keyExpired(this, key);
                    deleted++;
                    if (slots[sweepSlot] != d || d.capacity() != cap) { sweepPos = 0; break; }
                    continue; // the shifted-back entry now sits at sweepPos
                }
                sweepPos++;
            }
            if (slots[sweepSlot] == null) sweepPos = Integer.MAX_VALUE;
        }
        return deleted;
    }

    // ---------------------------------------------------------------- slots and iteration

    /** Number of keys in a hash slot (expired-but-not-yet-deleted keys included, as Redis). */
    public int countInSlot(int slot) {
        Dict d = slots[slot];
        return d == null ? 0 : d.size;
    }

    /** Up to {@code max} keys of a slot. */
    public List<byte[]> keysInSlot(int slot, int max) {
        Dict d = slots[slot];
        List<byte[]> out = new ArrayList<>();
        if (d == null) return out;
        for (byte[] k : d.keys) {
            if (out.size() >= max) break;
            if (k != null) out.add(k);
        }
        return out;
    }

    /** Live keys of one slot with their values (a copy, safe against later changes). */
    public void forEachInSlot(int slot, BiConsumer<byte[], Object> f) {
        Dict d = slots[slot];
        if (d == null) return;
        long now = keyspace.now();
        List<Integer> live = new ArrayList<>(d.size);
        for (int i = 0; i < d.keys.length; i++) {
            if (d.keys[i] == null) continue;
            if (d.expires != null && d.expires[i] != NO_EXPIRE && d.expires[i] <= now && keyspace.expiryEnabled()) continue;
            live.add(i);
        }
        byte[][] ks = new byte[live.size()][];
        Object[] vs = new Object[live.size()];
        for (int j = 0; j < ks.length; j++) { ks[j] = d.keys[live.get(j)]; vs[j] = d.vals[live.get(j)]; }
        for (int j = 0; j < ks.length; j++) f.accept(ks[j], vs[j]);
    }

    /** Receives a stored entry: key, value and absolute expiry ({@link #NO_EXPIRE} without TTL). */
    @FunctionalInterface
    public interface StoredVisitor {
        void visit(byte[] key, Object value, long expireAt);
    }

    /**
     * Every stored entry, logically expired ones included, with no side effect (no deletion, no
     * access clock, no snapshot copy): what DEBUG DIGEST reads, as Redis walks db->dict. The
     * visitor must not change this database.
     */
    public void forEachStored(StoredVisitor v) {
        for (Dict d : slots) {
            if (d == null || d.size == 0) continue;
            for (int i = 0; i < d.keys.length; i++) {
                if (d.keys[i] != null) v.visit(d.keys[i], d.vals[i], d.expireAt(i));
            }
        }
    }

    /**
     * The stored value and expiry of one key, logically expired or not, with no side effect
     * (DEBUG DIGEST-VALUE, which Redis answers from dictFind); false if the key is not stored.
     */
    public boolean stored(byte[] key, StoredVisitor v) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return false;
        int i = d.find(key);
        if (i < 0) return false;
        v.visit(d.keys[i], d.vals[i], d.expireAt(i));
        return true;
    }

    /** Live keys of one slot (expired ones skipped, not deleted). */
    public List<byte[]> liveKeysInSlot(int slot) {
        Dict d = slots[slot];
        List<byte[]> out = new ArrayList<>();
        if (d == null) return out;
        long now = keyspace.now();
        boolean exp = keyspace.expiryEnabled();
        for (int i = 0; i < d.keys.length; i++) {
            byte[] k = d.keys[i];
            if (k == null) continue;
            if (exp && d.expires != null && d.expires[i] != NO_EXPIRE && d.expires[i] <= now) continue;
            out.add(k);
        }
        return out;
    }

    /**
     * One SCAN step. The cursor is a slot number: this appends every key (expired ones included:
     * the caller filters them, deleting as it goes) of whole slots from {@code cursor} on, until
     * at least {@code count} keys are collected, and returns the slot to continue from, or 0 when
     * no slot with keys remains. Because a key never changes slot and slots are visited in order,
     * a full iteration returns every key that exists from its start to its end, whatever is
     * written in between, and returns no key twice. A cursor outside 0..16383 ends the scan.
     */
    public long scan(long cursor, long count, List<byte[]> out) {
        if (cursor < 0 || cursor >= HashSlot.SLOTS) return 0;
        int s = (int) cursor;
        long taken = 0;
        while (s < HashSlot.SLOTS && taken < count) {
            Dict d = slots[s++];
            if (d == null) continue;
            for (byte[] k : d.keys) {
                if (k != null) { out.add(k); taken++; }
            }
        }
        int next = s < HashSlot.SLOTS ? nextNonEmptySlot(s) : -1;
        return next < 0 ? 0 : next;
    }

    /**
     * Deletes key if it exists and its time has passed (Redis's expireIfNeeded); true if it did.
     * An absent key is not "expired".
     */
    public boolean expireIfNeeded(byte[] key) {
        Dict d = slots[keyspace.slotOf(key)];
        if (d == null) return false;
        int i = find(d, key);
        if (i < 0 || d.expires == null || !isExpired(d.expires[i])) return false;
        expireAt(d, i);
        return true;
    }

    /**
     * Checks the structural invariants (for tests): every key sits in the table of its hash
     * slot and is reachable by lookup, per-slot and total key and TTL counts agree with the
     * tables, TTLs exist only for present keys, no empty table is kept.
     */
    void verify() {
        long keys = 0, ttls = 0;
        for (int slot = 0; slot < HashSlot.SLOTS; slot++) {
            Dict d = slots[slot];
            if (d == null) continue;
            int n = 0, e = 0;
            for (int i = 0; i < d.capacity(); i++) {
                byte[] k = d.keys[i];
                if (k == null) {
                    check(d.vals[i] == null, "value without key in slot " + slot);
                    check(d.expires == null || d.expires[i] == NO_EXPIRE, "TTL without key in slot " + slot);
                    continue;
                }
                n++;
                check(HashSlot.of(k) == slot, "key in the wrong slot " + slot);
                check(d.find(k) == i, "key not reachable by lookup in slot " + slot);
                check(d.vals[i] != null, "key without value in slot " + slot);
                if (d.expires != null && d.expires[i] != NO_EXPIRE) e++;
            }
            check(n > 0, "empty table kept for slot " + slot);
            long bytes = Dict.TABLE_BYTES + (long) d.capacity() * Dict.SLOT_BYTES + (d.expires != null ? 8L * d.capacity() : 0);
            for (int i = 0; i < d.capacity(); i++) bytes += d.mem[i];
            check(bytes == d.bytes, "slot " + slot + " accounts " + d.bytes + " bytes, holds " + bytes);
            check(n == d.size, "slot " + slot + " counts " + d.size + " keys, holds " + n);
            check(e == d.expiring, "slot " + slot + " counts " + d.expiring + " TTLs, holds " + e);
            check(d.size * 4 <= d.capacity() * 3, "slot " + slot + " over its load factor");
            keys += n;
            ttls += e;
        }
        check(keys == size, "db counts " + size + " keys, holds " + keys);
        check(ttls == expiring, "db counts " + expiring + " TTLs, holds " + ttls);
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what);
    }

    /** The next slot at or after {@code from} that holds keys, or -1. */
    public int nextNonEmptySlot(int from) {
        for (int s = from; s < HashSlot.SLOTS; s++) if (slots[s] != null) return s;
        return -1;
    }

    /**
     * A random live key, or null when the database is empty. Expired keys met on the way are
     * deleted, so every round either answers or shrinks the database.
     */
    public byte[] randomKey() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (size > 0) {
            int start = r.nextInt(HashSlot.SLOTS);
            int s = nextNonEmptySlot(start);
            if (s < 0) s = nextNonEmptySlot(0);
            if (s < 0) return null;
            Dict d = slots[s];
            int pos = r.nextInt(d.capacity());
            for (int j = 0; j < d.capacity(); j++) {
                int i = (pos + j) & (d.capacity() - 1);
                if (d.keys[i] != null) {
                    if (d.expires != null && isExpired(d.expires[i])) {
                        expireAt(d, i);
                        break; // try again
                    }
                    return d.keys[i];
                }
            }
        }
        return null;
    }

    /** Removes every key; returns how many there were. */
    public long flush() {
        if (keyspace.snapshotting) keyspace.beforeFlush(this, -1);
        if (watched != null) touchAllExisting(null);
        long n = size;
        for (Dict d : slots) if (d != null) d.detach();
        slots = new Dict[HashSlot.SLOTS];
        size = 0;
        expiring = 0;
        sweepSlot = 0;
        sweepPos = 0;
        return n;
    }

    /** Deletes every key of one slot (CLUSTER DELSLOTS on an owner, FLUSHSLOTS); returns the count. */
    public int flushSlot(int slot) {
        Dict d = slots[slot];
        if (d == null) return 0;
        if (keyspace.snapshotting) keyspace.beforeFlush(this, slot);
        if (watched != null) {
            for (byte[] k : d.keys) if (k != null) touched(k);
        }
        slots[slot] = null;
        d.detach();
        size -= d.size;
        expiring -= d.expiring;
        return d.size;
    }

    /** Swaps contents with another database (SWAPDB). */
    void swapWith(Db other) {
        // Watches stay with the database number; a watched key is touched when it exists on
        // either side, as Redis's touchAllWatchedKeysInDb.
        if (watched != null) touchAllExisting(other);
        if (other.watched != null) other.touchAllExisting(this);
        Dict[] s = slots; slots = other.slots; other.slots = s;
        long z = size; size = other.size; other.size = z;
        long e = expiring; expiring = other.expiring; other.expiring = e;
        sweepSlot = sweepPos = 0;
        other.sweepSlot = other.sweepPos = 0;
    }

    // ---------------------------------------------------------------- WATCH

    /**
     * Watches key for a transaction (WATCH). A key that is present but already logically expired
     * is remembered as such: its later deletion by expiry is then no change (Redis 7.0).
     */
    public void watch(WatchedKey w) {
        if (watched == null) watched = new java.util.HashMap<>();
        Dict d = slots[keyspace.slotOf(w.key)];
        int i = d == null ? -1 : d.find(w.key);
        w.expired = i >= 0 && d.expires != null && isExpired(d.expires[i]);
        watched.computeIfAbsent(java.nio.ByteBuffer.wrap(w.key), k -> new ArrayList<>(2)).add(w);
    }

    public void unwatch(WatchedKey w) {
        if (watched == null) return;
        java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(w.key);
        List<WatchedKey> l = watched.get(k);
        if (l == null) return;
        l.remove(w);
        if (l.isEmpty()) watched.remove(k);
        if (watched.isEmpty()) watched = null;
    }

    /** Number of distinct watched keys (INFO watching_clients and friends, tests). */
    public int watchedKeys() { return watched == null ? 0 : watched.size(); }

    /** True if the watched key has logically expired since it was watched (checked at EXEC). */
    public boolean expiredSinceWatch(WatchedKey w) {
        if (w.expired) return false;
        Dict d = slots[keyspace.slotOf(w.key)];
        int i = d == null ? -1 : d.find(w.key);
        return i >= 0 && d.expires != null && isExpired(d.expires[i]);
    }

    /**
     * Redis's signalModifiedKey: every write path of this class calls it after changing key.
     * Commands that change a value in place (APPEND on a raw string...) call it themselves.
     */
    public void touched(byte[] key) {
        if (watched == null) return;
        List<WatchedKey> l = watched.get(java.nio.ByteBuffer.wrap(key));
        if (l == null) return;
        boolean present = slots[keyspace.slotOf(key)] != null && slots[keyspace.slotOf(key)].find(key) >= 0;
        for (int j = 0; j < l.size(); j++) {
            WatchedKey w = l.get(j);
            if (w.expired && !present) {
                // Watched while already expired, now deleted: logically nothing changed.
                w.expired = false;
                continue;
            }
            w.dirty.run();
        }
    }

    /** Touches every watched key present here or in {@code other} (FLUSHDB, SWAPDB). */
    private void touchAllExisting(Db other) {
        List<byte[]> hit = new ArrayList<>();
        for (java.nio.ByteBuffer k : watched.keySet()) {
            byte[] key = watched.get(k).get(0).key;
            Dict d = slots[keyspace.slotOf(key)];
            boolean here = d != null && find(d, key) >= 0;
            Dict o = other == null ? null : other.slots[keyspace.slotOf(key)];
            if (here || (o != null && o.find(key) >= 0)) hit.add(key);
        }
        for (byte[] key : hit) {
            List<WatchedKey> l = watched.get(java.nio.ByteBuffer.wrap(key));
            if (l != null) for (WatchedKey w : l) w.dirty.run();
        }
    }
}
