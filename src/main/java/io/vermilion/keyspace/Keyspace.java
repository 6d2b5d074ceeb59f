package io.vermilion.keyspace;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * All databases of a node, plus the clocks and counters they share. Owned by the node's command
 * thread; nothing here is synchronized.
 *
 * <p>Each key carries one int of access information (Redis's 24-bit {@code lru} field, widened):
 * under an LRU (or non-LFU) maxmemory policy it is the last access time in seconds; under an
 * LFU policy it is Redis's packed {@code (minutes << 8) | logarithmic counter}. Like Redis, the
 * meaning switches with the policy and old values are simply reinterpreted.
 */
public final class Keyspace {
    /** Hears of keys deleted by expiry (for AOF/replica propagation and keyspace events). */
    public interface KeyListener {
        void expired(Db db, byte[] key);
    }

    /** Counters reported by INFO stats / keyspace. */
    public static final class Stats {
        public long expiredKeys;
        public long keyspaceHits;
        public long keyspaceMisses;
    }

    /** Counter value of a new key under LFU (Redis's LFU_INIT_VAL), so it is not evicted at once. */
    static final int LFU_INIT_VAL = 5;

    private final Db[] dbs;
    private final Stats stats = new Stats();
    private final LongSupplier clock;
    private KeyListener listener;
    private final java.util.List<KeyListener> extraListeners = new java.util.ArrayList<>();
    private boolean activeExpireEnabled = true;
    private boolean expiryEnabled = true; // false while loading data files or on a replica
    // Point-in-time snapshots in progress (BGSAVE, AOF rewrite, full sync): Db tells them about
    // every change before it happens. The flag keeps the no-snapshot path to one field read.
    private final java.util.List<Snapshot> snapshots = new java.util.ArrayList<>();
    boolean snapshotting;
    private boolean lfu;
    // Memory accounting (docs/memory.md): estimated heap bytes of every table, and the values
    // handed out by lookups since the last count, which a command may have changed in place.
    final MemCounter mem = new MemCounter();
    private final Eviction eviction = new Eviction(this);
    private Db[] changedDb = new Db[64];
    private byte[][] changedKey = new byte[64][];
    private int changed;
    private int lfuLogFactor = 10;
    private int lfuDecayTime = 1;

    public Keyspace(int databases) {
        this(databases, System::currentTimeMillis);
        systemClock = true;
    }

    /** With an explicit wall clock in unix ms (tests drive expiry with it). */
    public Keyspace(int databases, LongSupplier clock) {
        this.clock = clock;
        dbs = new Db[databases];
        for (int i = 0; i < databases; i++) dbs[i] = new Db(i, this);
    }

    // One-entry cache for slotOf: a command looks its key up two or three times (router, read,
    // write) with the same argv array, and CRC16 was a fifth of the CPU of an INCR.
    private byte[] lastSlotKey;
    private int lastSlot;

    /** The hash slot of key; computed once for consecutive calls with the same array. */
    public int slotOf(byte[] key) {
        if (key == lastSlotKey) return lastSlot;
        int s = io.vermilion.util.HashSlot.of(key);
        lastSlotKey = key;
        lastSlot = s;
        return s;
    }

    public int databases() { return dbs.length; }
    public Db db(int i) { return dbs[i]; }
    public Stats stats() { return stats; }

    public void setListener(KeyListener l) { this.listener = l; }

    /**
     * The function libraries (FUNCTION LOAD): not keys, but part of what RDB files and AOF
     * rewrites carry (Redis's FUNCTION2 opcode / FUNCTION LOAD commands). Null: none on this node.
     */
    public interface FunctionLibraries {
        /** The libraries' source codes in load order. */
        java.util.List<byte[]> codes();

        /**
         * A library read from an RDB file; {@code first} marks the first one of a load, which
         * replaces the libraries present before (the dataset being loaded is the whole state).
         */
        void loadFromRdb(byte[] code, boolean first) throws java.io.IOException;
    }

    private FunctionLibraries functionLibraries;

    public void functionLibraries(FunctionLibraries f) { functionLibraries = f; }

    public FunctionLibraries functionLibraries() { return functionLibraries; }

    /** Hears every key added to a database (Redis's dbAdd: the "new" keyspace event); null: none. */
    public interface NewKeyListener { void added(Db db, byte[] key); }

    private NewKeyListener newKeyListener;

    public void newKeyListener(NewKeyListener l) { newKeyListener = l; }

    void added(Db db, byte[] key) {
        if (newKeyListener != null) newKeyListener.added(db, key);
    }

    /** Adds a listener beside the one of {@link #setListener} (AOF/replication and keyspace events both listen). */
    public void addListener(KeyListener l) { extraListeners.add(l); }

    /**
     * Wall clock in unix milliseconds, as Redis's mstime(); while a command runs, the time it
     * started (see {@link #enterCommand}).
     */
    public long now() { return commandDepth > 0 ? commandNow : clock.getAsLong(); }

    private int commandDepth;
    private long commandNow;

    /**
     * A command starts (Server.call): until the matching {@link #exitCommand}, {@link #now}
     * returns this moment, as Redis's call() fixes the time that expiry and the LRU clock see
     * (fixed_time_expire). Nested calls (EXEC, scripts) keep the outermost command's time.
     */
    public void enterCommand(long nanoTime) {
        if (commandDepth++ == 0) commandNow = systemClock ? wallMs(nanoTime) : clock.getAsLong();
    }

    // With the system clock, a command's time is derived from the System.nanoTime() its caller
    // read anyway (a clock read costs ~100 ns on this kind of VM): the wall clock at a base
    // instant (read with sub-millisecond precision) plus the monotonic time since, re-based
    // every 50 ms so that a stepped wall clock is followed soon; never going back.
    private boolean systemClock;
    private long baseNanos;
    private long baseWallNanos;
    private long lastWallMs;

    private long wallMs(long nanoTime) {
        if (baseWallNanos == 0 || nanoTime - baseNanos > 50_000_000L || nanoTime < baseNanos) {
            java.time.Instant t = java.time.Instant.now();
            baseNanos = System.nanoTime();
            baseWallNanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        }
        long ms = (baseWallNanos + (nanoTime - baseNanos)) / 1_000_000L;
        if (ms < lastWallMs) ms = lastWallMs;
        lastWallMs = ms;
        return ms;
    }

    public void exitCommand() {
        if (commandDepth > 0) commandDepth--;
    }

    /** Access clock in seconds, the resolution of OBJECT IDLETIME. */
    int lruClock() { return (int) (now() / 1000); }

    public boolean activeExpireEnabled() { return activeExpireEnabled; }
    public void activeExpireEnabled(boolean on) { activeExpireEnabled = on; }

    public boolean expiryEnabled() { return expiryEnabled; }

    private boolean replicaExpiry;

    /**
     * On a replica (Redis's expireIfNeeded when masterhost is set): lookups hide a logically
     * expired key but never delete it; the master's DEL does. Active expiry is off as well.
     */
    public boolean replicaExpiry() { return replicaExpiry; }
    public void replicaExpiry(boolean on) { replicaExpiry = on; }
    public void expiryEnabled(boolean on) { expiryEnabled = on; }

    // ---------------------------------------------------------------- access tracking (LRU / LFU)

    /** True under volatile-lfu / allkeys-lfu: keys then track access frequency, not time. */
    public boolean lfu() { return lfu; }

    /** Follows maxmemory-policy, lfu-log-factor and lfu-decay-time. */
    public void accessTracking(boolean lfuPolicy, int logFactor, int decayTime) {
        this.lfu = lfuPolicy;
        this.lfuLogFactor = logFactor;
        this.lfuDecayTime = decayTime;
    }

    private int lfuMinutes() {
        return (int) ((now() / 60_000) & 0xFFFF);
    }

    /** An LFU access stamp with the given counter, as of now. */
    int lfuStamp(int counter) {
        return (lfuMinutes() << 8) | counter;
    }

    /** Access information of a newly created value. */
    int newStamp() {
        return lfu ? (lfuMinutes() << 8) | LFU_INIT_VAL : lruClock();
    }

    /** Access information after one more access (Redis's updateLFU, or the LRU clock). */
    int touched(int stamp) {
        if (!lfu) return lruClock();
        int counter = lfuDecayed(stamp);
        if (counter < 255) {
            // Logarithmic counter: the higher it already is, the less likely an access bumps it.
            double base = Math.max(0, counter - LFU_INIT_VAL);
            double p = 1.0 / (base * lfuLogFactor + 1);
            if (ThreadLocalRandom.current().nextDouble() < p) counter++;
        }
        return (lfuMinutes() << 8) | counter;
    }

    /** The LFU counter of a stamp after decay for the minutes elapsed (Redis's LFUDecrAndReturn). */
    int lfuDecayed(int stamp) {
        int last = (stamp >>> 8) & 0xFFFF;
        int counter = stamp & 0xFF;
        int now = lfuMinutes();
        int elapsed = now >= last ? now - last : 65535 - last + now;
        int periods = lfuDecayTime > 0 ? elapsed / lfuDecayTime : 0;
        return Math.max(0, counter - periods);
    }

    /** Seconds since the access recorded in an LRU stamp. */
    long idleSeconds(int stamp) {
        return Math.max(0, lruClock() - stamp);
    }

    void keyExpired(Db db, byte[] key) {
        if (listener != null) listener.expired(db, key);
        for (int i = 0; i < extraListeners.size(); i++) extraListeners.get(i).expired(db, key);
    }

    /** SWAPDB a b (both indexes valid). */
    public void swap(int a, int b) {
        if (a == b) return;
        for (Snapshot s : snapshots) s.swapped(a, b);
        dbs[a].swapWith(dbs[b]);
    }

    /**
     * Starts a consistent point-in-time view of every database, read incrementally with
     * {@link Snapshot#step} while the keyspace keeps changing. {@code freeze} turns a mutable
     * value into an immutable copy (identity for immutable ones).
     */
    public Snapshot snapshot(java.util.function.UnaryOperator<Object> freeze) {
        Snapshot s = new Snapshot(this, freeze);
        snapshots.add(s);
        snapshotting = true;
        return s;
    }

    void closed(Snapshot s) {
        snapshots.remove(s);
        snapshotting = !snapshots.isEmpty();
    }

    void beforeWrite(Db db, int slot, byte[] key) {
        for (int i = 0; i < snapshots.size(); i++) snapshots.get(i).beforeWrite(db, slot, key);
    }

    void beforeFlush(Db db, int slot) {
        for (int i = 0; i < snapshots.size(); i++) snapshots.get(i).beforeFlush(db, slot);
    }

    void mayChange(Db db, byte[] key) {
        if (changed == changedKey.length) {
            if (changed >= 4096) { remeasureChanged(); }
            else {
                changedDb = java.util.Arrays.copyOf(changedDb, changed * 2);
                changedKey = java.util.Arrays.copyOf(changedKey, changed * 2);
            }
        }
        changedDb[changed] = db;
        changedKey[changed++] = key;
    }

    private void remeasureChanged() {
        int n = changed;
        changed = 0;
        for (int i = 0; i < n; i++) {
            changedDb[i].remeasure(changedKey[i]);
            changedDb[i] = null;
            changedKey[i] = null;
        }
    }

    /**
     * Estimated heap bytes of the dataset: keys, values, and the tables holding them. Kept
     * incrementally; values handed out since the last call are measured again first, so the
     * figure includes what the last command changed in place. O(changed values).
     */
    public long datasetBytes() {
        if (changed > 0) remeasureChanged();
        return mem.bytes;
    }

    /** The eviction pool and key sampler of maxmemory (see {@link Eviction}). */
    public Eviction eviction() { return eviction; }

    public long totalKeys() {
        long n = 0;
        for (Db d : dbs) n += d.size();
        return n;
    }

    /** Runs active expiry over all databases with a total budget of visited entries. */
    public int activeExpireCycle(int budgetPerDb) {
        if (!activeExpireEnabled || !expiryEnabled || replicaExpiry) return 0;
        int n = 0;
        for (Db d : dbs) n += d.activeExpire(budgetPerDb);
        return n;
    }
}
