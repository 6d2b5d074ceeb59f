package io.vermilion.keyspace;

/**
 * All databases of a node, plus the clocks and counters they share. Owned by the node's command
 * thread; nothing here is synchronized.
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

    private final Db[] dbs;
    private final Stats stats = new Stats();
    private KeyListener listener;
    private final java.util.List<KeyListener> extraListeners = new java.util.ArrayList<>();
    private boolean activeExpireEnabled = true;
    private boolean expiryEnabled = true; // false while loading data files or on a replica
    // Point-in-time snapshots in progress (BGSAVE, AOF rewrite, full sync): Db tells them about
    // every change before it happens. The flag keeps the no-snapshot path to one field read.
    private final java.util.List<Snapshot> snapshots = new java.util.ArrayList<>();
    boolean snapshotting;

    public Keyspace(int databases) {
        dbs = new Db[databases];
        for (int i = 0; i < databases; i++) dbs[i] = new Db(i, this);
    }

    public int databases() { return dbs.length; }
    public Db db(int i) { return dbs[i]; }
    public Stats stats() { return stats; }

    public void setListener(KeyListener l) { this.listener = l; }

    /** Adds a listener beside the one of {@link #setListener} (AOF/replication and keyspace events both listen). */
    public void addListener(KeyListener l) { extraListeners.add(l); }

    /** Wall clock in unix milliseconds, as Redis's mstime(). */
    public long now() { return System.currentTimeMillis(); }

    /** Access clock in seconds, the resolution of OBJECT IDLETIME. */
    int lruClock() { return (int) (System.currentTimeMillis() / 1000); }

    public boolean activeExpireEnabled() { return activeExpireEnabled; }
    public void activeExpireEnabled(boolean on) { activeExpireEnabled = on; }

    public boolean expiryEnabled() { return expiryEnabled; }
    public void expiryEnabled(boolean on) { expiryEnabled = on; }

    void keyExpired(Db db, byte[] key) {
        if (listener != null) listener.expired(db, key);
        for (int i = 0; i < extraListeners.size(); i++) extraListeners.get(i).expired(db, key);
    }

    /** SWAPDB a b. */
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

    public long totalKeys() {
        long n = 0;
        for (Db d : dbs) n += d.size();
        return n;
    }

    /** Runs active expiry over all databases with a total budget of visited entries. */
    public int activeExpireCycle(int budgetPerDb) {
        if (!activeExpireEnabled || !expiryEnabled) return 0;
        int n = 0;
        for (Db d : dbs) n += d.activeExpire(budgetPerDb);
        return n;
    }
}
