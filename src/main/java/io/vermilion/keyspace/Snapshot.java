package io.vermilion.keyspace;

import io.vermilion.util.HashSlot;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * A consistent point-in-time view of all databases, taken without forking, without stopping the
 * world and without copying the dataset: the JVM's answer to Redis's fork() for BGSAVE, AOF
 * rewrite and replication full sync.
 *
 * <p>How: at creation time T0 nothing is copied. A cursor then walks (database, slot) pairs in
 * order, a few slots per {@link #step} on the command thread. Every change to the keyspace is
 * announced by {@link Db} before it happens; if it touches a slot the cursor has not passed yet,
 * the key's T0 state (value, expiry, or "absent" for a key created after T0) is kept aside,
 * once per key. When the cursor reaches a slot it merges the live table with what was kept, which
 * gives exactly the slot's content at T0. Passed slots need nothing, so the extra memory is
 * bounded by the keys written during the snapshot that the cursor had not yet reached — and
 * holds references, not copies: string values are immutable byte[] shared with the keyspace.
 * Mutable values ({@code Sds}, from APPEND/SETRANGE) are copied with the {@code freeze}
 * function when captured or kept, and Db reports a read of a mutable value as a write (the
 * caller may change it in place).
 *
 * <p>Whole-table operations are cheap too: FLUSHDB/FLUSHALL/flushSlot hand the discarded slot
 * tables to the snapshot (they are never written again), and SWAPDB just swaps which physical
 * database each logical T0 database is read from.
 *
 * <p>Entries are delivered in database order, then slot order; keys already expired at T0 are
 * skipped (a loader would drop them anyway). Everything here runs on the command thread; the
 * values handed out are immutable and may be serialized on another thread.
 *
 * <p>Limit: one slot is captured in one step, so a single hash slot holding millions of keys
 * (one hash tag for everything) makes that step proportionally long.
 */
public final class Snapshot implements AutoCloseable {
    /** Receives the entries of the snapshot. */
    public interface Sink {
        void entry(int db, byte[] key, Object value, long expireAtMs) throws IOException;
    }

    /** Marks a key that did not exist (or was already expired) at T0. */
    private static final Object ABSENT = new Object();


    private final Keyspace ks;
    private final UnaryOperator<Object> freeze;
    private final long startMs;
    private final int dbs;
    private final int[] phys;          // logical (T0) database -> physical database now holding its data
    private final int[] logical;       // inverse of phys
    private final long[] keysAtStart;
    private final long[] expiresAtStart;
    private final KeptTable[][] kept;        // [logical db][slot] -> key -> T0 value and expiry, or ABSENT (lazy)
    private final Dict[][] detached;         // [logical db][slot] -> table discarded by a flush (lazy)
    private final boolean[][] frozen;        // [logical db][slot] -> flushed: its T0 view is complete
    private int curDb;
    private int curSlot;
    private long emitted;
    private boolean closed;

    @SuppressWarnings("unchecked")
    Snapshot(Keyspace ks, UnaryOperator<Object> freeze) {
        this.ks = ks;
        this.functions = ks.functionLibraries() == null ? java.util.List.of() : java.util.List.copyOf(ks.functionLibraries().codes());
        this.freeze = freeze;
        this.startMs = ks.now();
        this.dbs = ks.databases();
        this.phys = new int[dbs];
        this.logical = new int[dbs];
        this.keysAtStart = new long[dbs];
        this.expiresAtStart = new long[dbs];
        for (int i = 0; i < dbs; i++) {
            phys[i] = logical[i] = i;
            keysAtStart[i] = ks.db(i).size();
            expiresAtStart[i] = ks.db(i).expiresCount();
        }
        this.kept = new KeptTable[dbs][];
        this.detached = new Dict[dbs][];
        this.frozen = new boolean[dbs][];
        skipEmptyDbs();
    }

    /** Unix ms of T0. */
    public long startMs() { return startMs; }

    /** Keys of a database at T0 (expired-but-present ones included): the RESIZEDB hint. */
    public long keysAtStart(int db) { return keysAtStart[db]; }

    public long expiresAtStart(int db) { return expiresAtStart[db]; }

    /** Total keys at T0 over all databases. */
    public long totalKeysAtStart() {
        long n = 0;
        for (long k : keysAtStart) n += k;
        return n;
    }

    /** Entries delivered so far. */
    public long emitted() { return emitted; }

    private final java.util.List<byte[]> functions;

    /** The function libraries' codes when the snapshot was taken (written before the keys). */
    public java.util.List<byte[]> functions() { return functions; }

    public boolean done() { return curDb >= dbs; }

    /** Keys kept aside right now (the copy-on-write overhead), for diagnostics and tests. */
    public int keptCount() {
        int n = 0;
        for (KeptTable[] perDb : kept) {
            if (perDb == null) continue;
            for (KeptTable m : perDb) if (m != null) n += m.size();
        }
        return n;
    }

    /**
     * Captures whole slots, in order, until at least {@code budget} entries were delivered or the
     * snapshot is complete. Returns true when complete.
     */
    public boolean step(int budget, Sink sink) throws IOException {
        if (closed) throw new IllegalStateException("snapshot closed");
        long target = emitted + Math.max(1, budget);
        while (curDb < dbs && emitted < target) {
            captureSlot(curDb, curSlot, sink);
            advance();
        }
        return done();
    }

    private void advance() {
        int l = curDb;
        if (kept[l] != null) kept[l][curSlot] = null;
        if (detached[l] != null) detached[l][curSlot] = null;
        if (++curSlot == HashSlot.SLOTS) {
            kept[l] = null;
            detached[l] = null;
            frozen[l] = null;
            curSlot = 0;
            curDb++;
            skipEmptyDbs();
        }
    }

    private void skipEmptyDbs() {
        // A database empty at T0 has nothing to capture: mark it passed right away.
        while (curDb < dbs && keysAtStart[curDb] == 0) curDb++;
    }

    private void captureSlot(int l, int slot, Sink sink) throws IOException {
        boolean isFrozen = frozen[l] != null && frozen[l][slot];
        Dict d = isFrozen ? detached[l][slot] : ks.db(phys[l]).slots[slot];
        KeptTable m = kept[l] == null ? null : kept[l][slot];
        if (d == null && (m == null || m.isEmpty())) return;
        if (d != null) {
            byte[][] keys = d.keys;
            for (int i = 0; i < keys.length; i++) {
                byte[] k = keys[i];
                if (k == null) continue;
                int j = m == null || m.isEmpty() ? -1 : m.find(k);
                if (j >= 0 && m.present(j)) {
                    Object o = m.value(j);
                    m.consume(j);
                    if (o != ABSENT) emit(sink, l, m.key(j), o, m.expire(j));
                } else {
                    long e = d.expireAt(i);
                    if (e != Dict.NO_EXPIRE && e <= startMs) continue;
                    emit(sink, l, k, freeze.apply(d.vals[i]), e);
                }
            }
        }
        if (m != null) {
            // Keys that existed at T0 and were deleted before the cursor got here.
            for (int j = 0; j < m.capacity(); j++) {
                if (!m.present(j)) continue;
                Object o = m.value(j);
                m.consume(j);
                if (o != ABSENT) emit(sink, l, m.key(j), o, m.expire(j));
            }
        }
    }

    private void emit(Sink sink, int db, byte[] key, Object value, long expire) throws IOException {
        emitted++;
        sink.entry(db, key, value, expire == Dict.NO_EXPIRE ? -1 : expire);
    }

    private boolean passed(int l, int slot) {
        return l < curDb || (l == curDb && slot < curSlot);
    }

    // ------------------------------------------------------------------ hooks from Db/Keyspace

    /** Key {@code key} of slot {@code slot} of physical database {@code db} is about to change. */
    @SuppressWarnings("unchecked")
    void beforeWrite(Db db, int slot, byte[] key) {
        int l = logical[db.id()];
        if (passed(l, slot) || keysAtStart[l] == 0) return;
        if (frozen[l] != null && frozen[l][slot]) return;
        if (kept[l] == null) kept[l] = new KeptTable[HashSlot.SLOTS];
        KeptTable m = kept[l][slot];
        if (m == null) kept[l][slot] = m = new KeptTable();
        if (m.find(key) >= 0) return; // the first change wins: that is the T0 state
        Dict d = db.slots[slot];
        int i = d == null ? -1 : d.find(key);
        if (i < 0) {
            m.add(key, ABSENT, Dict.NO_EXPIRE);
            return;
        }
        long e = d.expireAt(i);
        if (e != Dict.NO_EXPIRE && e <= startMs) {
            m.add(d.keys[i], ABSENT, Dict.NO_EXPIRE);
        } else {
            m.add(d.keys[i], freeze.apply(d.vals[i]), e);
        }
    }

    /** A whole slot ({@code slot >= 0}) or database ({@code -1}) of physical {@code db} is about to be emptied. */
    void beforeFlush(Db db, int slot) {
        int l = logical[db.id()];
        if (l < curDb || keysAtStart[l] == 0) return;
        int from = slot >= 0 ? slot : (l == curDb ? curSlot : 0);
        int to = slot >= 0 ? slot + 1 : HashSlot.SLOTS;
        for (int s = from; s < to; s++) {
            if (passed(l, s)) continue;
            if (frozen[l] == null) {
                frozen[l] = new boolean[HashSlot.SLOTS];
                detached[l] = new Dict[HashSlot.SLOTS];
            }
            if (frozen[l][s]) continue;
            // The table is discarded by the flush and never written again: it is the view.
            frozen[l][s] = true;
            detached[l][s] = db.slots[s];
        }
    }

    /** Physical databases a and b are about to exchange contents (SWAPDB). */
    void swapped(int a, int b) {
        int la = logical[a], lb = logical[b];
        phys[la] = b;
        phys[lb] = a;
        logical[a] = lb;
        logical[b] = la;
    }

    /** Stops tracking changes and releases what was kept. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Arrays.fill(kept, null);
        Arrays.fill(detached, null);
        ks.closed(this);
    }
}
