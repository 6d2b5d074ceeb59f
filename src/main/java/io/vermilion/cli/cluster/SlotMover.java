package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves one slot, following {@link SlotMove}'s state machine. Keys go in large MIGRATE batches:
 * one GETKEYSINSLOT fetches several batches' worth of keys, the MIGRATE commands for all of them
 * are written at once (with the next GETKEYSINSLOT after them, which the server runs only once
 * they are done), so a round of several thousand keys costs one round trip instead of one per ten
 * keys as in redis-cli. A failing batch is retried key by key to find the key at fault, with a
 * longer timeout for a single big key.
 *
 * <p>Each thread gives its own {@link Conns}: a mover never shares a connection.
 */
final class SlotMover {
    /** Told about progress; called on the moving thread. */
    interface Listener {
        void keysMoved(SlotMove move, int n);
    }

    static final Listener NO_LISTENER = (m, n) -> { };

    /** How many MIGRATE batches one GETKEYSINSLOT round feeds. */
    private static final int DEPTH = 4;
    private static final String ACCEPTABLE_SOURCE_ERR = "ERR Please use SETSLOT only with masters.";

    private final ClusterManager mgr;
    private final ManagerOptions opts;
    private final MoveGuard guard;

    SlotMover(ClusterManager mgr) {
        this.mgr = mgr;
        this.opts = mgr.opts;
        this.guard = MoveGuard.get();
    }

    /** Per-thread connections to the nodes a mover talks to. */
    static final class Conns implements AutoCloseable {
        private final Map<ClusterNode, RespConnection> map = new HashMap<>();
        private final int readTimeout;

        Conns(int readTimeout) {
            this.readTimeout = readTimeout;
        }

        RespConnection of(ClusterNode n) throws IOException {
            RespConnection c = map.get(n);
            if (c == null || c.isBroken()) {
                if (c != null) c.close();
                c = n.open(readTimeout);
                map.put(n, c);
            }
            return c;
        }

        @Override
        public void close() {
            for (RespConnection c : map.values()) c.close();
            map.clear();
        }
    }

    /** A move that could not complete; the message says why. */
    static final class MoveFailed extends Exception {
        MoveFailed(String message) {
            super(message);
        }
    }

    /**
     * Runs the whole move: open the slot on both sides, move the keys, assign it everywhere.
     * Returns normally when the slot was moved or rolled back ({@link SlotMove#state()} says
     * which); throws if it stopped halfway, with the move marked failed and described.
     */
    void move(SlotMove m, Conns conns, Listener listener) throws MoveFailed {
        guard.register(m);
        try {
            String slot = Integer.toString(m.slot());
            ClusterNode src = m.source();
            ClusterNode dst = m.target();
            Reply r = call(conns, dst, m, "CLUSTER", "SETSLOT", slot, "IMPORTING", src.name());
            if (r.isError()) throw fail(m, dst + " refused SETSLOT IMPORTING: " + r.asString());
            m.openedOnNodes = true;
            m.state(SlotMove.State.IMPORTING);
            if (guard.stopRequested() && m.allowRollback) {
                // The source is not redirecting anyone yet: forgetting the import is safe.
                Reply s = call(conns, dst, m, "CLUSTER", "SETSLOT", slot, "STABLE");
                if (s.isError()) throw fail(m, dst + " refused SETSLOT STABLE: " + s.asString());
                m.openedOnNodes = false;
                m.state(SlotMove.State.ROLLED_BACK);
                return;
            }
            r = call(conns, src, m, "CLUSTER", "SETSLOT", slot, "MIGRATING", dst.name());
            if (r.isError()) {
                // Undo the import so the slot is not left open for nothing.
                try {
                    call(conns, dst, m, "CLUSTER", "SETSLOT", slot, "STABLE");
                    m.openedOnNodes = false;
                } catch (MoveFailed ignored) {
                    // reported below with the original error
                }
                throw fail(m, src + " refused SETSLOT MIGRATING: " + r.asString());
            }
            m.sourceMigrating = true;
            m.state(SlotMove.State.MIGRATING);
            migrateKeys(m, conns, listener, false);
            assign(m, conns);
            m.openedOnNodes = false;
            m.state(SlotMove.State.DONE);
        } finally {
            guard.unregister(m);
        }
    }

    /** Sets the new owner on the target first (it then spreads the news), the source, then every other master. */
    private void assign(SlotMove m, Conns conns) throws MoveFailed {
        String slot = Integer.toString(m.slot());
        ClusterNode src = m.source();
        ClusterNode dst = m.target();
        Reply r = call(conns, dst, m, "CLUSTER", "SETSLOT", slot, "NODE", dst.name());
        if (r.isError()) throw fail(m, dst + " refused SETSLOT NODE: " + r.asString());
        m.state(SlotMove.State.ASSIGNED);
        r = call(conns, src, m, "CLUSTER", "SETSLOT", slot, "NODE", dst.name());
        // A source that just gave away its last slot may already have turned into a replica.
        if (r.isError() && !r.asString().startsWith(ACCEPTABLE_SOURCE_ERR)) {
            throw fail(m, src + " refused SETSLOT NODE: " + r.asString());
        }
        // The other masters learn it by gossip anyway; telling them now avoids extra redirections.
        List<ClusterNode> others = new ArrayList<>();
        for (ClusterNode n : mgr.nodes) if (n != src && n != dst && !n.isSlave()) others.add(n);
        List<RespConnection> sent = new ArrayList<>();
        for (ClusterNode n : others) {
            try {
                RespConnection c = conns.of(n);
                c.send("CLUSTER", "SETSLOT", slot, "NODE", dst.name());
                c.flush();
                sent.add(c);
            } catch (IOException e) {
                sent.add(null);
            }
        }
        for (int i = 0; i < others.size(); i++) {
            RespConnection c = sent.get(i);
            try {
                Reply x = c == null ? null : c.read();
                if (x == null || x.isError()) {
                    mgr.log.warn("*** " + others.get(i) + " did not take slot " + m.slot() + "'s new owner"
                            + (x == null ? "" : ": " + x.asString()) + "; it will learn it from the cluster bus.");
                }
            } catch (IOException e) {
                mgr.log.warn("*** " + others.get(i) + " did not take slot " + m.slot() + "'s new owner ("
                        + io.vermilion.cli.Session.describe(e) + "); it will learn it from the cluster bus.");
            }
        }
    }

    /**
     * Moves every key of the slot from source to target with MIGRATE, whatever the slot's state
     * ({@code cold} moves are used by fix, where the slot is not open the usual way).
     */
    void migrateKeys(SlotMove m, Conns conns, Listener listener, boolean cold) throws MoveFailed {
        ClusterNode src = m.source();
        int batch = Math.max(1, opts.pipeline);
        RespConnection sc;
        try {
            sc = conns.of(src);
        } catch (IOException e) {
            throw fail(m, "cannot reach " + src + ": " + io.vermilion.cli.Session.describe(e));
        }
        String slot = Integer.toString(m.slot());
        String count = Integer.toString(batch * DEPTH);
        try {
            Reply keys = sc.call("CLUSTER", "GETKEYSINSLOT", slot, count);
            while (true) {
                if (keys.isError()) {
                    mgr.log.replyError(src, keys.asString());
                    throw fail(m, src + " refused GETKEYSINSLOT: " + keys.asString());
                }
                List<Reply> all = keys.asList();
                if (all.isEmpty()) return;
                List<List<byte[]>> chunks = new ArrayList<>();
                for (int i = 0; i < all.size(); i += batch) {
                    List<byte[]> chunk = new ArrayList<>();
                    for (int j = i; j < Math.min(all.size(), i + batch); j++) chunk.add(all.get(j).asBytes());
                    chunks.add(chunk);
                }
                for (List<byte[]> chunk : chunks) sc.send(migrateCommand(m.target(), chunk, false, opts.timeout));
                sc.send("CLUSTER", "GETKEYSINSLOT", slot, count);
                List<Reply> replies = new ArrayList<>();
                for (int i = 0; i < chunks.size(); i++) replies.add(sc.read());
                Reply next = sc.read();
                boolean retry = false;
                for (int i = 0; i < chunks.size(); i++) {
                    Reply r = replies.get(i);
                    List<byte[]> chunk = chunks.get(i);
                    if (r.isError()) {
                        handleMigrateError(m, conns, chunk, r.asString(), listener);
                        retry = true; // the keys list fetched after a failed batch may be stale
                    } else {
                        m.addKeys(chunk.size());
                        listener.keysMoved(m, chunk.size());
                    }
                }
                keys = retry ? sc.call("CLUSTER", "GETKEYSINSLOT", slot, count) : next;
            }
        } catch (IOException e) {
            throw fail(m, "lost the connection to " + src + " while moving keys: " + io.vermilion.cli.Session.describe(e));
        }
    }

    /**
     * A MIGRATE batch failed. BUSYKEY: keys already on the target are compared (or replaced with
     * --cluster-replace) as redis-cli does. A slot nobody serves (fix) gets the target as owner.
     * Anything else: retry key by key to find the culprit.
     */
    private void handleMigrateError(SlotMove m, Conns conns, List<byte[]> chunk, String err, Listener listener)
            throws MoveFailed, IOException {
        ClusterNode src = m.source();
        ClusterNode dst = m.target();
        RespConnection sc = conns.of(src);
        boolean busy = err.contains("BUSYKEY");
        if (busy) {
            mgr.log.warn("\n*** Target key exists");
            if (!opts.replace) {
                mgr.log.warn("*** Checking key values on both nodes...");
                List<byte[]> diffs = compareValues(conns, src, dst, chunk);
                if (diffs == null) {
                    mgr.log.error("*** Value check failed!");
                    throw fail(m, "keys already exist on " + dst + " and their values could not be compared"
                            + " (DEBUG DIGEST-VALUE needs enable-debug-command); rerun with --cluster-replace to overwrite them");
                }
                if (!diffs.isEmpty()) {
                    StringBuilder sb = new StringBuilder("*** Found " + diffs.size()
                            + " key(s) in both source node and target node having different values.\n"
                            + "    Source node: " + src + "\n    Target node: " + dst + "\n    Keys(s):\n");
                    for (byte[] k : diffs) sb.append("    - ").append(new String(k, StandardCharsets.UTF_8)).append('\n');
                    sb.append("Please fix the above key(s) manually and try again or relaunch the command \n"
                            + "with --cluster-replace option to force key overriding.\n");
                    mgr.log.log(ManagerLog.Level.ERR, sb.toString());
                    throw fail(m, diffs.size() + " key(s) exist on both " + src + " and " + dst + " with different values");
                }
            }
            mgr.log.warn("*** Replacing target keys...");
            Reply r = sc.call(migrateCommand(dst, chunk, true, opts.timeout));
            if (r.isError()) {
                mgr.log.replyError(src, r.asString());
                throw fail(m, "MIGRATE ... REPLACE failed: " + r.asString());
            }
            m.addKeys(chunk.size());
            listener.keysMoved(m, chunk.size());
            return;
        }
        if (opts.fix && mgr.slotOwnerName(src, m.slot()) == null) {
            mgr.log.warn("*** Slot was not served, setting owner to node " + dst + ".");
            sc.call("CLUSTER", "SETSLOT", Integer.toString(m.slot()), "node", dst.name());
        }
        // Find the key at fault: one MIGRATE per key, a longer timeout for a lone big key.
        int longTimeout = (int) Math.min((long) opts.timeout * 4, 600_000L);
        for (byte[] key : chunk) {
            Reply r = sc.call(migrateCommand(dst, List.of(key), false, opts.timeout));
            if (r.isError() && r.asString().contains("IOERR")) {
                r = sc.call(migrateCommand(dst, List.of(key), false, longTimeout));
            }
            if (r.isError()) {
                if (r.asString().contains("BUSYKEY")) {
                    handleMigrateError(m, conns, List.of(key), r.asString(), listener);
                    continue;
                }
                mgr.log.replyError(src, r.asString());
                String size = keySize(sc, key);
                throw fail(m, "key '" + new String(key, StandardCharsets.UTF_8) + "'" + size
                        + " could not be migrated: " + r.asString()
                        + (r.asString().contains("IOERR") ? " (a bigger --cluster-timeout may help)" : ""));
            }
            // NOKEY: the key expired or was deleted meanwhile, nothing to move.
            m.addKeys(1);
            listener.keysMoved(m, 1);
        }
    }

    private static String keySize(RespConnection sc, byte[] key) {
        try {
            Reply r = sc.call("MEMORY".getBytes(StandardCharsets.US_ASCII), "USAGE".getBytes(StandardCharsets.US_ASCII), key);
            return r.unwrap() instanceof Reply.Integer i ? " (" + i.value() + " bytes)" : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** DEBUG DIGEST-VALUE on both sides; keys present on both with different digests. Null on error. */
    private List<byte[]> compareValues(Conns conns, ClusterNode a, ClusterNode b, List<byte[]> keys) throws IOException {
        byte[][] argv = new byte[keys.size() + 2][];
        argv[0] = "DEBUG".getBytes(StandardCharsets.US_ASCII);
        argv[1] = "DIGEST-VALUE".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < keys.size(); i++) argv[i + 2] = keys.get(i);
        Reply r1 = conns.of(a).call(argv);
        Reply r2 = conns.of(b).call(argv);
        boolean ok = true;
        if (r1.isError()) {
            mgr.log.replyError(a, r1.asString());
            ok = false;
        }
        if (r2.isError()) {
            mgr.log.replyError(b, r2.asString());
            ok = false;
        }
        if (!ok) return null;
        String zero = "0".repeat(40);
        List<byte[]> diffs = new ArrayList<>();
        List<Reply> d1 = r1.asList(), d2 = r2.asList();
        for (int i = 0; i < keys.size() && i < d1.size() && i < d2.size(); i++) {
            String h1 = d1.get(i).asString(), h2 = d2.get(i).asString();
            if (zero.equals(h1) || zero.equals(h2)) continue;
            if (!h1.equals(h2)) diffs.add(keys.get(i));
        }
        return diffs;
    }

    /** {@code MIGRATE host port "" 0 timeout [REPLACE] [AUTH ...] KEYS k...}. */
    byte[][] migrateCommand(ClusterNode target, List<byte[]> keys, boolean replace, int timeout) {
        List<byte[]> a = new ArrayList<>();
        a.add(b("MIGRATE"));
        a.add(b(target.host()));
        a.add(b(Integer.toString(target.port())));
        a.add(new byte[0]);
        a.add(b("0"));
        a.add(b(Integer.toString(timeout)));
        if (replace) a.add(b("REPLACE"));
        ManagerOptions.Credentials c = opts.credentials;
        if (c.password() != null) {
            if (c.user() != null) {
                a.add(b("AUTH2"));
                a.add(c.user());
            } else {
                a.add(b("AUTH"));
            }
            a.add(c.password());
        }
        a.add(b("KEYS"));
        a.addAll(keys);
        return a.toArray(new byte[0][]);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Reply call(Conns conns, ClusterNode n, SlotMove m, String... args) throws MoveFailed {
        try {
            return conns.of(n).call(args);
        } catch (IOException e) {
            throw fail(m, "lost the connection to " + n + ": " + io.vermilion.cli.Session.describe(e));
        }
    }

    private static MoveFailed fail(SlotMove m, String why) {
        m.fail(why);
        return new MoveFailed(why);
    }
}
