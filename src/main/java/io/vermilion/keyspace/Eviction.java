package io.vermilion.keyspace;

import io.vermilion.util.HashSlot;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the keys that maxmemory eviction deletes, with Redis 7.0's sampled approximations
 * (evict.c): the LRU, LFU and TTL policies sample {@code maxmemory-samples} keys of every
 * database into a 16-entry eviction pool kept sorted by "idle" score (idle time, 255 minus the
 * decayed LFU counter, or the nearness of the expire time), and evict the best candidate still
 * present; the random policies pick a random key, visiting the databases in turn.
 *
 * <p>The pool lives as long as the keyspace, as Redis's static EvictionPoolLRU does, so good
 * candidates found by earlier rounds are remembered. Owned by the command thread.
 */
public final class Eviction {
    /** maxmemory-policy values. */
    public enum Policy {
        NOEVICTION, ALLKEYS_LRU, VOLATILE_LRU, ALLKEYS_LFU, VOLATILE_LFU, ALLKEYS_RANDOM, VOLATILE_RANDOM, VOLATILE_TTL;

        public static Policy of(String name) {
            return valueOf(name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }

        public boolean allKeys() { return this == ALLKEYS_LRU || this == ALLKEYS_LFU || this == ALLKEYS_RANDOM; }
        boolean pooled() { return this != NOEVICTION && this != ALLKEYS_RANDOM && this != VOLATILE_RANDOM; }
    }

    /** Redis's EVPOOL_SIZE. */
    static final int POOL_SIZE = 16;

    private final Keyspace keyspace;
    private final long[] idle = new long[POOL_SIZE];
    private final byte[][] poolKey = new byte[POOL_SIZE][];
    private final int[] poolDb = new int[POOL_SIZE];
    private int nextDb;

    Eviction(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** A key chosen for eviction: its database and name. */
    public record Victim(Db db, byte[] key) {}

    /**
     * Chooses the next key to evict under {@code policy}, or null when no key can be evicted
     * (empty keyspace, or no key with a TTL under a volatile policy).
     */
    public Victim choose(Policy policy, int samples) {
        if (policy == Policy.NOEVICTION) return null;
        boolean all = policy.allKeys();
        if (!policy.pooled()) {
            for (int i = 0; i < keyspace.databases(); i++) {
                int j = (++nextDb) % keyspace.databases();
                Db db = keyspace.db(j);
                if ((all ? db.size() : db.expiresCount()) == 0) continue;
                byte[] k = randomKey(db, !all);
                if (k != null) return new Victim(db, k);
            }
            return null;
        }
        byte[][] sample = new byte[Math.max(1, samples)][];
        while (true) {
            long total = 0;
            for (int i = 0; i < keyspace.databases(); i++) {
                Db db = keyspace.db(i);
                long n = all ? db.size() : db.expiresCount();
                if (n == 0) continue;
                total += n;
                populate(policy, i, db, sample);
            }
            if (total == 0) return null;
            for (int k = POOL_SIZE - 1; k >= 0; k--) {
                byte[] key = poolKey[k];
                if (key == null) continue;
                Db db = keyspace.db(poolDb[k]);
                poolKey[k] = null;
                idle[k] = 0;
                // Ghost entries (deleted, or lost their TTL under a volatile policy) are skipped.
                long e = db.getExpireRaw(key);
                if (e == -2 || (!all && e == Db.NO_EXPIRE)) continue;
                return new Victim(db, key);
            }
        }
    }

    /** Samples keys of one database into the pool (Redis's evictionPoolPopulate). */
    private void populate(Policy policy, int dbIndex, Db db, byte[][] sample) {
        int n = sampleKeys(db, policy.allKeys(), sample);
        for (int s = 0; s < n; s++) {
            byte[] key = sample[s];
            long score = score(policy, db, key);
            if (score == Long.MIN_VALUE) continue;
            int k = 0;
            while (k < POOL_SIZE && poolKey[k] != null && idle[k] < score) k++;
            if (k == 0 && poolKey[POOL_SIZE - 1] != null) continue; // worse than every candidate
            if (k < POOL_SIZE && poolKey[k] == null) {
                // empty slot: insert here
            } else if (poolKey[POOL_SIZE - 1] == null) {
                // free space on the right: shift k..end right
                System.arraycopy(poolKey, k, poolKey, k + 1, POOL_SIZE - k - 1);
                System.arraycopy(idle, k, idle, k + 1, POOL_SIZE - k - 1);
                System.arraycopy(poolDb, k, poolDb, k + 1, POOL_SIZE - k - 1);
            } else {
                // full: drop the first (worst) entry, shift 1..k left
                k--;
                System.arraycopy(poolKey, 1, poolKey, 0, k);
                System.arraycopy(idle, 1, idle, 0, k);
                System.arraycopy(poolDb, 1, poolDb, 0, k);
            }
            poolKey[k] = key;
            idle[k] = score;
            poolDb[k] = dbIndex;
        }
    }

    /** The higher, the better to evict; Long.MIN_VALUE if the key vanished. */
    private long score(Policy policy, Db db, byte[] key) {
        Dict d = db.slots[HashSlot.of(key)];
        int i = d == null ? -1 : d.find(key);
        if (i < 0) return Long.MIN_VALUE;
        switch (policy) {
            case ALLKEYS_LRU: case VOLATILE_LRU:
                return keyspace.idleSeconds(d.lru[i]) * 1000;
            case ALLKEYS_LFU: case VOLATILE_LFU:
                return 255 - keyspace.lfuDecayed(d.lru[i]);
            default: // VOLATILE_TTL: the sooner it expires, the better
                return Long.MAX_VALUE - d.expireAt(i);
        }
    }

    /**
     * Up to sample.length keys of db taken at random places (all keys, or only keys with a TTL),
     * as Redis's dictGetSomeKeys: runs of neighbouring entries from random starting points.
     */
    private static int sampleKeys(Db db, boolean all, byte[][] sample) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        int want = sample.length, got = 0;
        for (int attempt = 0; attempt < want * 4 && got < want; attempt++) {
            Dict d = null;
            int start = r.nextInt(HashSlot.SLOTS);
            for (int j = 0; j < HashSlot.SLOTS; j++) {
                Dict c = db.slots[(start + j) & (HashSlot.SLOTS - 1)];
                if (c != null && (all || c.expiring > 0)) { d = c; break; }
            }
            if (d == null) break;
            int cap = d.capacity();
            int pos = r.nextInt(cap);
            int taken = 0;
            for (int j = 0; j < cap && got < want && taken < 3; j++) {
                int i = (pos + j) & (cap - 1);
                if (d.keys[i] == null) continue;
                if (!all && d.expireAt(i) == Dict.NO_EXPIRE) continue;
                sample[got++] = d.keys[i];
                taken++;
            }
        }
        return got;
    }

    /** A random key of db (with a TTL when volatileOnly), or null. */
    private static byte[] randomKey(Db db, boolean volatileOnly) {
        byte[][] one = new byte[1][];
        return sampleKeys(db, !volatileOnly, one) == 1 ? one[0] : null;
    }
}
