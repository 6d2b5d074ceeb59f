package io.vermilion.server;

import io.vermilion.keyspace.Db;
import io.vermilion.keyspace.WatchedKey;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Blocking commands (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK, ...): clients blocked on keys, woken
 * by writes to those keys, by their timeout, by CLIENT UNBLOCK, or redirected when their slot
 * leaves this node. See docs/blocking.md for the contract a blocking command follows.
 *
 * <p>Design (re-execution, as Redis 7.2, with Redis 7.0's observable behaviour): a command that
 * finds nothing to serve calls {@link #block}; the client's pipeline stops. Every key a blocked
 * client waits on is registered with its database as a {@link WatchedKey}, so the keyspace's
 * own write paths ({@code Db.touched}: puts, deletes, in-place changes, renames, moves,
 * flushes, swaps, expiry) mark the key ready at no cost while nobody is blocked. After each
 * top-level command (after EXEC as a whole), {@link #handleReady} re-runs, for each ready key,
 * the command of the clients blocked on it in FIFO order while the key holds a value they
 * wait for; a re-run that would block again leaves the client blocked in its place.
 */
public final class Blocking {
    private final Server server;
    // Per database: key -> clients blocked on it, first blocked first.
    private final List<Map<ByteBuffer, KeyWaiters>> byDb = new ArrayList<>();
    // Keys that changed since the last handleReady, in the order they changed.
    private final LinkedHashMap<ReadyKey, Boolean> ready = new LinkedHashMap<>();
    private int blockedCount;
    private int withTimeout;
    private boolean handling;
    private boolean scheduled;
    private Waiter rerunning;
    private boolean stillBlocked;
    private ScheduledFuture<?> clusterCheck;

    private record ReadyKey(Db db, ByteBuffer key) {}

    private final class KeyWaiters {
        final ArrayDeque<Waiter> queue = new ArrayDeque<>(2);
        final WatchedKey watch;

        KeyWaiters(Db db, byte[] key) {
            watch = new WatchedKey(db, key, () -> signal(db, key));
        }
    }

    /** One blocked client: what it waits for and how to finish it. */
    final class Waiter implements Client.BlockState {
        final Client client;
        final Db db;
        final byte[][] keys;
        final CommandSpec spec;
        final byte[][] argv;
        final Predicate<Object> wakesOn;
        final Consumer<Client> onTimeout;
        final long deadline;
        final boolean silent;
        ScheduledFuture<?> timer;
        boolean done;

        Waiter(Client c, byte[][] keys, CommandSpec spec, byte[][] argv, Predicate<Object> wakesOn,
               Consumer<Client> onTimeout, long deadline) {
            this.client = c;
            this.db = c.db();
            this.keys = keys;
            this.spec = spec;
            this.argv = argv;
            this.wakesOn = wakesOn;
            this.onTimeout = onTimeout;
            this.deadline = deadline;
            this.silent = c.replyMode == Client.ReplyMode.OFF || c.silentNow;
        }

        @Override
        public void unblock(boolean error) {
            if (done) return;
            finish(this, c -> {
                if (error) server.error(c, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
                else onTimeout.accept(c);
            });
        }
    }

    Blocking(Server server) {
        this.server = server;
    }

    // ------------------------------------------------------------------ for blocking commands

    /**
     * Parses a blocking command's timeout in seconds (a float), as Redis's
     * getTimeoutFromObjectOrReply with UNIT_SECONDS: returns the absolute deadline in unix ms, 0
     * for "forever", or -1 after replying the error.
     */
    public static long timeoutOrReply(Client c, byte[] arg) {
        io.vermilion.util.LongDouble ld = io.vermilion.util.LongDouble.parse(arg);
        if (ld == null) {
            c.server().error(c, "ERR timeout is not a float or out of range");
            return -1;
        }
        double d = io.vermilion.util.Numbers.parseDouble(arg) * 1000.0;
        // A C cast of an out-of-range value to long long gives LLONG_MIN on the machines Redis runs on.
        long ms = (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18)
                ? Long.MIN_VALUE : (long) d;
        return deadlineOrReply(c, ms);
    }

    /** As {@link #timeoutOrReply} for a timeout in milliseconds (XREAD BLOCK). */
    public static long timeoutMsOrReply(Client c, byte[] arg) {
        long[] v = new long[1];
        if (!io.vermilion.util.Numbers.parseLong(arg, v)) {
            c.server().error(c, "ERR timeout is not an integer or out of range");
            return -1;
        }
        return deadlineOrReply(c, v[0]);
    }

    private static long deadlineOrReply(Client c, long ms) {
        if (ms < 0) {
            c.server().error(c, "ERR timeout is negative");
            return -1;
        }
        if (ms > 0) {
            long now = System.currentTimeMillis();
            if (ms > Long.MAX_VALUE - now) {
                c.server().error(c, "ERR timeout is out of range");
                return -1;
            }
            ms += now;
        }
        return ms;
    }

    /**
     * Whether the running command may block (Redis's !CLIENT_DENY_BLOCKING): not inside
     * MULTI/EXEC, not an internal client (AOF loading). A command that may not block answers
     * as if it timed out at once.
     */
    public boolean mayBlock(Client c) {
        if (rerunning != null && rerunning.client == c) return true;
        if (c.isInternal()) return false;
        Transaction tx = c.txOrNull();
        return tx == null || !tx.active();
    }

    /** True while the command of {@code c} runs again because a key it waits on changed. */
    public boolean rerunning(Client c) {
        return rerunning != null && rerunning.client == c;
    }

    /**
     * Blocks the running command's client on {@code keys} (of its database) until one of them
     * holds a value accepted by {@code wakesOn} (checked before each re-run; it gets null for an
     * absent key), the deadline passes ({@code onTimeout} replies, typically a null array), or
     * CLIENT UNBLOCK. When woken the command runs again with {@code rerunArgv} (its own argv
     * unless it must be rewritten, e.g. XREAD's "$" replaced by the last id). The command must
     * not have replied anything before calling this. During a re-run, calling this again keeps
     * the client blocked in its place with its first deadline.
     */
    public void block(Client c, byte[][] keys, long deadlineMs, Predicate<Object> wakesOn,
                      Consumer<Client> onTimeout, byte[][] rerunArgv) {
        if (rerunning != null && rerunning.client == c) {
            stillBlocked = true;
            return;
        }
        Waiter w = new Waiter(c, dedupe(keys), c.runningSpec, rerunArgv != null ? rerunArgv : c.runningArgv,
                wakesOn, onTimeout, deadlineMs);
        Map<ByteBuffer, KeyWaiters> m = map(w.db);
        for (byte[] k : w.keys) {
            KeyWaiters kw = m.get(ByteBuffer.wrap(k));
            if (kw == null) {
                kw = new KeyWaiters(w.db, k);
                m.put(ByteBuffer.wrap(k), kw);
                w.db.watch(kw.watch);
            }
            kw.queue.addLast(w);
        }
        c.block(w);
        blockedCount++;
        if (deadlineMs > 0) {
            withTimeout++;
            long delay = Math.max(0, deadlineMs - System.currentTimeMillis());
            w.timer = server.loop().schedule(() -> timedOut(w), delay, TimeUnit.MILLISECONDS);
        }
        if (server.clusterEnabled() && server.router() != null && clusterCheck == null) {
            clusterCheck = server.loop().scheduleAtFixedRate(this::checkCluster, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** Shorthand: blocks with the command's own argv. */
    public void block(Client c, byte[][] keys, long deadlineMs, Predicate<Object> wakesOn, Consumer<Client> onTimeout) {
        block(c, keys, deadlineMs, wakesOn, onTimeout, null);
    }

    /** Marks a key ready by hand (a command whose change the keyspace does not see, e.g. a stream group created). */
    public void signal(Db db, byte[] key) {
        Map<ByteBuffer, KeyWaiters> m = db.id() < byDb.size() ? byDb.get(db.id()) : null;
        if (m == null || !m.containsKey(ByteBuffer.wrap(key))) return;
        ready.putIfAbsent(new ReadyKey(db, ByteBuffer.wrap(key)), Boolean.TRUE);
        if (!handling && !scheduled && server.loop() != null) {
            // Writes outside a client command (expiry, cluster) are served from the loop.
            scheduled = true;
            server.loop().execute(() -> {
                scheduled = false;
                handleReady();
            });
        }
    }

    // ------------------------------------------------------------------ statistics

    /** INFO blocked_clients. */
    public int blockedClients() { return blockedCount; }

    /** INFO clients_in_timeout_table: blocked clients with a deadline. */
    public int clientsWithTimeout() { return withTimeout; }

    /** Number of keys with blocked clients in a database. */
    public int blockingKeys(Db db) {
        return db.id() < byDb.size() ? byDb.get(db.id()).size() : 0;
    }

    // ------------------------------------------------------------------ waking

    /** True when some key with blocked clients changed. One field test on the hot path. */
    boolean pending() { return !ready.isEmpty(); }

    /** Serves the clients blocked on the keys that changed (after a top-level command). */
    void handleReady() {
        if (handling) return;
        handling = true;
        try {
            while (!ready.isEmpty()) {
                var it = ready.keySet().iterator();
                ReadyKey rk = it.next();
                it.remove();
                serveKey(rk);
            }
        } finally {
            handling = false;
        }
    }

    private void serveKey(ReadyKey rk) {
        Map<ByteBuffer, KeyWaiters> m = byDb.get(rk.db.id());
        KeyWaiters kw = m.get(rk.key);
        if (kw == null) return;
        byte[] key = kw.watch.key;
        // Each waiter at most once per round, so a re-run that blocks again cannot loop.
        Waiter[] snapshot = kw.queue.toArray(new Waiter[0]);
        for (Waiter w : snapshot) {
            if (w.done) continue;
            Object v = rk.db.peek(key);
            if (!w.wakesOn.test(v)) continue;
            rerun(w);
        }
    }

    private void rerun(Waiter w) {
        Client c = w.client;
        Waiter prev = rerunning;
        rerunning = w;
        stillBlocked = false;
        try {
            ClientHandler h = c.handler;
            Runnable run = () -> server.rerun(c, w.spec, w.argv);
            if (h != null) h.runForBlocked(run, w.silent, true);
            else run.run();
        } finally {
            rerunning = prev;
        }
        if (!stillBlocked) {
            release(w);
            resume(w);
        }
    }

    private void timedOut(Waiter w) {
        if (w.done) return;
        w.timer = null;
        finish(w, w.onTimeout);
    }

    /** Replies on behalf of a blocked client (timeout, CLIENT UNBLOCK, redirect) and resumes it. */
    private void finish(Waiter w, Consumer<Client> replier) {
        release(w);
        Client c = w.client;
        if (c.handler != null) c.handler.runForBlocked(() -> replier.accept(c), w.silent, false);
        else replier.accept(c);
        resume(w);
    }

    private void resume(Waiter w) {
        ClientHandler h = w.client.handler;
        if (h != null) server.loop().execute(h::resumeAfterBlock);
    }

    /** Removes a waiter from every key it waits on and clears its client's blocked state. */
    private void release(Waiter w) {
        if (w.done) return;
        w.done = true;
        Map<ByteBuffer, KeyWaiters> m = byDb.get(w.db.id());
        for (byte[] k : w.keys) {
            ByteBuffer bk = ByteBuffer.wrap(k);
            KeyWaiters kw = m.get(bk);
            if (kw == null) continue;
            kw.queue.remove(w);
            if (kw.queue.isEmpty()) {
                m.remove(bk);
                w.db.unwatch(kw.watch);
            }
        }
        if (w.timer != null) {
            w.timer.cancel(false);
            w.timer = null;
        }
        if (w.deadline > 0) withTimeout--;
        blockedCount--;
        if (w.client.blockState() == w) w.client.unblocked();
        if (blockedCount == 0 && clusterCheck != null) {
            clusterCheck.cancel(false);
            clusterCheck = null;
        }
    }

    /** A blocked client disconnected. */
    void clientGone(Client c) {
        if (c.blockState() instanceof Waiter w) release(w);
    }

    /**
     * Cluster mode: a blocked client whose slot is no longer served here (SETSLOT NODE,
     * failover, unassigned) or whose cluster is down is answered as Redis 7.0's
     * clusterRedirectBlockedClientIfNeeded (-MOVED / -CLUSTERDOWN) and unblocked.
     */
    void checkCluster() {
        Server.Router r = server.router();
        if (r == null) return;
        List<Waiter> all = new ArrayList<>();
        for (Map<ByteBuffer, KeyWaiters> m : byDb) {
            for (KeyWaiters kw : m.values()) for (Waiter w : kw.queue) if (!all.contains(w)) all.add(w);
        }
        for (Waiter w : all) {
            if (w.done) continue;
            String err = r.blockedRedirect(w.client, w.spec, w.keys[0]);
            if (err != null) finish(w, c -> server.error(c, err));
        }
    }

    private Map<ByteBuffer, KeyWaiters> map(Db db) {
        while (byDb.size() <= db.id()) byDb.add(new HashMap<>());
        return byDb.get(db.id());
    }

    private static byte[][] dedupe(byte[][] keys) {
        List<byte[]> out = new ArrayList<>(keys.length);
        outer:
        for (byte[] k : keys) {
            for (byte[] o : out) if (java.util.Arrays.equals(o, k)) continue outer;
            out.add(k);
        }
        return out.toArray(new byte[0][]);
    }
}
