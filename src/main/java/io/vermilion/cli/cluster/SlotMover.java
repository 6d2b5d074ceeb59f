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

    /** Moves one slot (see {@link #moveGroup}). */
    void move(SlotMove m, Conns conns, Listener listener) throws MoveFailed {
        moveGroup(List.of(m), conns, listener);
    }

    /**
     * Moves a group of slots that share source and target, each through its own state machine
     * but in step: every SETSLOT of a step goes to the node in one pipelined write. A node saves
     * its cluster configuration (with fsync) once per event-loop round rather than once per
     * SETSLOT then, which is where most of the time of moving thousands of small slots goes.
     * Keys of several slots travel in the same MIGRATE.
     *
     * <p>Returns normally when every slot was moved (or rolled back after an interruption, see
     * {@link SlotMove#state()}); throws if any slot stopped halfway. One slot failing (a key too
     * big) does not stop the others of the group: they are finished.
     */
    void moveGroup(List<SlotMove> group, Conns conns, Listener listener) throws MoveFailed {
        for (SlotMove m : group) guard.register(m);
        try {
            ClusterNode src = group.get(0).source();
            ClusterNode dst = group.get(0).target();
            List<SlotMove> failed = new ArrayList<>();

            // 1. The target accepts the slots (no client is sent there yet).
            List<Reply> rs = pipeline(conns, dst, group, m -> setslot(m, "IMPORTING", src.name()));
            List<SlotMove> opened = new ArrayList<>();
            for (int i = 0; i < group.size(); i++) {
                SlotMove m = group.get(i);
                if (rs.get(i).isError()) {
                    m.fail(dst + " refused SETSLOT IMPORTING: " + rs.get(i).asString());
                    failed.add(m);
                } else {
                    m.openedOnNodes = true;
                    m.state(SlotMove.State.IMPORTING);
                    opened.add(m);
                }
            }
            if (guard.stopRequested() && !opened.isEmpty() && opened.get(0).allowRollback) {
                // Interrupted before the source redirects anyone: forgetting the import is safe.
                rollBack(conns, dst, opened, failed, SlotMove.State.ROLLED_BACK);
                throwIfFailed(failed);
                return;
            }
            // 2. The source starts sending clients of missing keys to the target.
            rs = pipeline(conns, src, opened, m -> setslot(m, "MIGRATING", dst.name()));
            List<SlotMove> active = new ArrayList<>();
            List<SlotMove> refused = new ArrayList<>();
            for (int i = 0; i < opened.size(); i++) {
                SlotMove m = opened.get(i);
                if (rs.get(i).isError()) {
                    m.fail(src + " refused SETSLOT MIGRATING: " + rs.get(i).asString());
                    refused.add(m);
                } else {
                    m.sourceMigrating = true;
                    m.state(SlotMove.State.MIGRATING);
                    active.add(m);
                }
            }
            // Refused slots never redirected anyone: undo their import so they are not left open.
            if (!refused.isEmpty()) rollBack(conns, dst, refused, failed, SlotMove.State.FAILED);
            // 3. From here the only way is forward.
            List<SlotMove> emptied = migrateKeys(active, conns, listener, failed);
            assign(emptied, conns, failed);
            throwIfFailed(failed);
        } finally {
            for (SlotMove m : group) guard.unregister(m);
        }
    }

    private static String[] setslot(SlotMove m, String state, String id) {
        return new String[] {"CLUSTER", "SETSLOT", Integer.toString(m.slot()), state, id};
    }

    /** SETSLOT STABLE on the target for slots whose source never started migrating. */
    private void rollBack(Conns conns, ClusterNode dst, List<SlotMove> moves, List<SlotMove> failed, SlotMove.State end) {
        List<Reply> rs;
        try {
            rs = pipeline(conns, dst, moves, m -> new String[] {"CLUSTER", "SETSLOT", Integer.toString(m.slot()), "STABLE"});
        } catch (MoveFailed e) {
            for (SlotMove m : moves) if (!failed.contains(m)) failed.add(m);
            return;
        }
        for (int i = 0; i < moves.size(); i++) {
            SlotMove m = moves.get(i);
            if (rs.get(i).isError()) {
                if (m.failure() == null) m.fail(dst + " refused SETSLOT STABLE: " + rs.get(i).asString());
                if (!failed.contains(m)) failed.add(m);
            } else {
                m.openedOnNodes = false;
                if (end == SlotMove.State.ROLLED_BACK) m.state(end);
                else if (!failed.contains(m)) failed.add(m);
            }
        }
    }

    private static void throwIfFailed(List<SlotMove> failed) throws MoveFailed {
        if (failed.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        for (SlotMove m : failed) {
            if (sb.length() > 0) sb.append("; ");
            sb.append("slot ").append(m.slot()).append(": ").append(m.failure());
        }
        throw new MoveFailed(sb.toString());
    }

    /** Writes one command per move to {@code n} in one go and reads the replies. */
    private List<Reply> pipeline(Conns conns, ClusterNode n, List<SlotMove> moves,
                                 java.util.function.Function<SlotMove, String[]> command) throws MoveFailed {
        List<Reply> out = new ArrayList<>();
        if (moves.isEmpty()) return out;
        try {
            RespConnection c = conns.of(n);
            for (SlotMove m : moves) c.send(command.apply(m));
            for (int i = 0; i < moves.size(); i++) out.add(c.read());
            return out;
        } catch (IOException e) {
            String why = "lost the connection to " + n + ": " + io.vermilion.cli.Session.describe(e);
            for (SlotMove m : moves) if (m.failure() == null) m.fail(why);
            throw new MoveFailed(why);
        }
    }

    /**
     * Sets the new owner on the target first (it then spreads the news, and if it crashed the
     * slot would not be left without owner), the source, then every other master.
     */
    private void assign(List<SlotMove> moves, Conns conns, List<SlotMove> failed) throws MoveFailed {
        if (moves.isEmpty()) return;
        ClusterNode src = moves.get(0).source();
        ClusterNode dst = moves.get(0).target();
        List<Reply> rs = pipeline(conns, dst, moves, m -> setslot(m, "NODE", dst.name()));
        List<SlotMove> owned = new ArrayList<>();
        for (int i = 0; i < moves.size(); i++) {
            SlotMove m = moves.get(i);
            if (rs.get(i).isError()) {
                m.fail(dst + " refused SETSLOT NODE: " + rs.get(i).asString());
                failed.add(m);
            } else {
                m.state(SlotMove.State.ASSIGNED);
                owned.add(m);
            }
        }
        rs = pipeline(conns, src, owned, m -> setslot(m, "NODE", dst.name()));
        List<SlotMove> done = new ArrayList<>();
        for (int i = 0; i < owned.size(); i++) {
            SlotMove m = owned.get(i);
            // A source that just gave away its last slot may already have turned into a replica.
            if (rs.get(i).isError() && !rs.get(i).asString().startsWith(ACCEPTABLE_SOURCE_ERR)) {
                m.fail(src + " refused SETSLOT NODE: " + rs.get(i).asString());
                failed.add(m);
            } else {
                done.add(m);
            }
        }
        // The other masters learn it by gossip anyway; telling them now avoids extra redirections.
        List<ClusterNode> others = new ArrayList<>();
        for (ClusterNode n : mgr.nodes) if (n != src && n != dst && !n.isSlave()) others.add(n);
        Map<ClusterNode, RespConnection> sent = new HashMap<>();
        for (ClusterNode n : others) {
            try {
                RespConnection c = conns.of(n);
                for (SlotMove m : done) c.send(setslot(m, "NODE", dst.name()));
                c.flush();
                sent.put(n, c);
            } catch (IOException e) {
                mgr.log.warn("*** " + n + " was not told the new owner of " + done.size() + " slot(s) ("
                        + io.vermilion.cli.Session.describe(e) + "); it will learn it from the cluster bus.");
            }
        }
        for (Map.Entry<ClusterNode, RespConnection> e : sent.entrySet()) {
            int refusedCount = 0;
            String last = null;
            try {
                for (int i = 0; i < done.size(); i++) {
                    Reply x = e.getValue().read();
                    if (x.isError()) {
                        refusedCount++;
                        last = x.asString();
                    }
                }
            } catch (IOException ex) {
                refusedCount = done.size();
                last = io.vermilion.cli.Session.describe(ex);
            }
            if (refusedCount > 0) {
                mgr.log.warn("*** " + e.getKey() + " did not take the new owner of " + refusedCount + " slot(s) (" + last
                        + "); it will learn it from the cluster bus.");
            }
        }
        for (SlotMove m : done) {
            m.openedOnNodes = false;
            m.state(SlotMove.State.DONE);
        }
    }

    /**
     * Moves every key of the slots from source to target with MIGRATE (the slots' state is the
     * caller's business: fix also uses this for "cold" moves). Returns the slots emptied; slots
     * whose keys could not all be moved are marked failed and added to {@code failed}.
     */
    List<SlotMove> migrateKeys(List<SlotMove> moves, Conns conns, Listener listener, List<SlotMove> failed) {
        List<SlotMove> pending = new ArrayList<>(moves);
        List<SlotMove> emptied = new ArrayList<>();
        if (moves.isEmpty()) return emptied;
        ClusterNode src = moves.get(0).source();
        int batch = Math.max(1, opts.pipeline);
        String count = Integer.toString(batch * DEPTH);
        RespConnection sc;
        try {
            sc = conns.of(src);
        } catch (IOException e) {
            failAll(pending, failed, "cannot reach " + src + ": " + io.vermilion.cli.Session.describe(e));
            return emptied;
        }
        try {
            while (!pending.isEmpty()) {
                for (SlotMove m : pending) sc.send("CLUSTER", "GETKEYSINSLOT", Integer.toString(m.slot()), count);
                List<byte[]> keys = new ArrayList<>();
                List<SlotMove> owners = new ArrayList<>();
                List<SlotMove> still = new ArrayList<>();
                for (SlotMove m : new ArrayList<>(pending)) {
                    Reply r = sc.read();
                    if (r.isError()) {
                        mgr.log.replyError(src, r.asString());
                        m.fail(src + " refused GETKEYSINSLOT: " + r.asString());
                        failed.add(m);
                        continue;
                    }
                    List<Reply> ks = r.asList();
                    if (ks.isEmpty()) {
                        emptied.add(m);
                        continue;
                    }
                    still.add(m);
                    for (Reply k : ks) {
                        keys.add(k.asBytes());
                        owners.add(m);
                    }
                }
                pending = still;
                if (keys.isEmpty()) break;
                List<int[]> chunks = new ArrayList<>();
                // One MIGRATE never mixes slots (the cluster refuses it with CROSSSLOT).
                for (int i = 0; i < keys.size(); ) {
                    int j = i;
                    while (j < keys.size() && j - i < batch && owners.get(j) == owners.get(i)) j++;
                    chunks.add(new int[] {i, j});
                    i = j;
                }
                boolean asking = moves.get(0).cold;
                for (int[] c : chunks) {
                    if (asking) sc.send("ASKING");
                    sc.send(migrateCommand(moves.get(0).target(), keys.subList(c[0], c[1]), false, opts.timeout));
                }
                List<Reply> replies = new ArrayList<>();
                for (int i = 0; i < chunks.size(); i++) {
                    if (asking) sc.read();
                    replies.add(sc.read());
                }
                for (int i = 0; i < chunks.size(); i++) {
                    int[] c = chunks.get(i);
                    if (replies.get(i).isError()) {
                        handleMigrateError(conns, keys.subList(c[0], c[1]), owners.subList(c[0], c[1]),
                                replies.get(i).asString(), listener, failed);
                    } else {
                        credit(owners.subList(c[0], c[1]), listener);
                    }
                }
                pending.removeIf(failed::contains);
            }
        } catch (IOException e) {
            failAll(pending, failed, "lost the connection to " + src + " while moving keys: " + io.vermilion.cli.Session.describe(e));
        }
        return emptied;
    }

    /** Counts moved keys per slot (consecutive keys usually share a slot). */
    private static void credit(List<SlotMove> owners, Listener listener) {
        int i = 0;
        while (i < owners.size()) {
            SlotMove m = owners.get(i);
            int j = i;
            while (j < owners.size() && owners.get(j) == m) j++;
            m.addKeys(j - i);
            listener.keysMoved(m, j - i);
            i = j;
        }
    }

    private static void failAll(List<SlotMove> moves, List<SlotMove> failed, String why) {
        for (SlotMove m : moves) {
            if (m.failure() == null) m.fail(why);
            if (!failed.contains(m)) failed.add(m);
        }
    }

    /**
     * A MIGRATE batch failed. BUSYKEY: keys already on the target are compared (or replaced with
     * --cluster-replace) as redis-cli does. A slot nobody serves (fix) gets the target as owner.
     * Anything else: retry key by key to find the culprit; its slot is marked failed (and stays
     * open, consistent), the other slots go on.
     */
    private void handleMigrateError(Conns conns, List<byte[]> chunk, List<SlotMove> owners, String err,
                                    Listener listener, List<SlotMove> failed) throws IOException {
        SlotMove first = owners.get(0);
        ClusterNode src = first.source();
        ClusterNode dst = first.target();
        RespConnection sc = conns.of(src);
        if (transientError(err)) {
            // A node just restarted (LOADING, or CLUSTERDOWN until it has rejoined): wait for it.
            long deadline = System.currentTimeMillis() + Math.max(30_000, opts.timeout);
            while (System.currentTimeMillis() < deadline) {
                ClusterManager.sleep(200);
                Reply r = migrate(sc, first, migrateCommand(dst, chunk, false, opts.timeout));
                if (!r.isError()) {
                    credit(owners, listener);
                    return;
                }
                err = r.asString();
                if (!transientError(err)) break;
            }
        }
        if (err.contains("BUSYKEY")) {
            mgr.log.warn("\n*** Target key exists");
            if (!opts.replace) {
                mgr.log.warn("*** Checking key values on both nodes...");
                List<byte[]> diffs = compareValues(conns, src, dst, chunk);
                if (diffs == null) {
                    mgr.log.error("*** Value check failed!");
                    failOwners(owners, failed, "keys already exist on " + dst + " and their values could not be compared;"
                            + " rerun with --cluster-replace to overwrite them");
                    return;
                }
                if (!diffs.isEmpty()) {
                    StringBuilder sb = new StringBuilder("*** Found " + diffs.size()
                            + " key(s) in both source node and target node having different values.\n"
                            + "    Source node: " + src + "\n    Target node: " + dst + "\n    Keys(s):\n");
                    for (byte[] k : diffs) sb.append("    - ").append(new String(k, StandardCharsets.UTF_8)).append('\n');
                    sb.append("Please fix the above key(s) manually and try again or relaunch the command \n"
                            + "with --cluster-replace option to force key overriding.\n");
                    mgr.log.log(ManagerLog.Level.ERR, sb.toString());
                    failOwners(owners, failed, diffs.size() + " key(s) exist on both " + src + " and " + dst
                            + " with different values");
                    return;
                }
            }
            mgr.log.warn("*** Replacing target keys...");
            Reply r = migrate(sc, first, migrateCommand(dst, chunk, true, opts.timeout));
            if (r.isError()) {
                mgr.log.replyError(src, r.asString());
                failOwners(owners, failed, "MIGRATE ... REPLACE failed: " + r.asString());
                return;
            }
            credit(owners, listener);
            return;
        }
        if (opts.fix && mgr.slotOwnerName(src, first.slot()) == null) {
            mgr.log.warn("*** Slot was not served, setting owner to node " + dst + ".");
            sc.call("CLUSTER", "SETSLOT", Integer.toString(first.slot()), "node", dst.name());
        }
        // Find the key at fault: one MIGRATE per key, a longer timeout for a lone big key.
        int longTimeout = (int) Math.min((long) opts.timeout * 4, 600_000L);
        for (int i = 0; i < chunk.size(); i++) {
            byte[] key = chunk.get(i);
            SlotMove m = owners.get(i);
            if (failed.contains(m)) continue;
            Reply r = migrate(sc, m, migrateCommand(dst, List.of(key), false, opts.timeout));
            if (r.isError() && r.asString().contains("IOERR")) {
                r = migrate(sc, m, migrateCommand(dst, List.of(key), false, longTimeout));
            }
            if (r.isError()) {
                if (r.asString().contains("BUSYKEY")) {
                    handleMigrateError(conns, List.of(key), List.of(m), r.asString(), listener, failed);
                    continue;
                }
                mgr.log.replyError(src, r.asString());
                String size = keySize(sc, key);
                m.fail("key '" + new String(key, StandardCharsets.UTF_8) + "'" + size + " could not be migrated: "
                        + r.asString() + (r.asString().contains("IOERR") ? " (a bigger --cluster-timeout may help)" : ""));
                failed.add(m);
                continue;
            }
            // NOKEY: the key expired or was deleted meanwhile, nothing to move.
            m.addKeys(1);
            listener.keysMoved(m, 1);
        }
    }

    /**
     * One MIGRATE. A cold move (fix) runs on a node that does not own the slot but has it
     * importing: MIGRATE is only served there after ASKING, like any keyed command.
     */
    private static Reply migrate(RespConnection sc, SlotMove m, byte[][] cmd) throws IOException {
        if (!m.cold) return sc.call(cmd);
        sc.send("ASKING");
        sc.send(cmd);
        sc.read();
        return sc.read();
    }

    /** Errors that go away by themselves: a target loading its data or not yet back in the cluster. */
    private static boolean transientError(String err) {
        return err.contains("CLUSTERDOWN") || err.contains("LOADING") || err.contains("TRYAGAIN");
    }

    private static void failOwners(List<SlotMove> owners, List<SlotMove> failed, String why) {
        for (SlotMove m : owners) {
            if (failed.contains(m)) continue;
            m.fail(why);
            failed.add(m);
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

    /**
     * Keys present on both sides with different values, compared with DEBUG DIGEST-VALUE as
     * redis-cli does; where DEBUG is not allowed (the default since 7.0) the DUMP payloads are
     * compared instead (equal payloads mean equal values; different ones are taken as different).
     * Null if neither works.
     */
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
        if (!ok) return compareDumps(conns, a, b, keys);
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

    private List<byte[]> compareDumps(Conns conns, ClusterNode a, ClusterNode b, List<byte[]> keys) throws IOException {
        mgr.log.warn("*** Comparing the values with DUMP instead...");
        List<Reply> d1 = dumpsWhenReady(conns, a, keys, false), d2 = dumpsWhenReady(conns, b, keys, true);
        List<byte[]> diffs = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Reply x = d1.get(i), y = d2.get(i);
            // -ASK: the key is no longer on the migrating side (a multi-key MIGRATE that failed on
            // one key still moved, and deleted, the others), so there is nothing to compare.
            if (isAsk(x) || isAsk(y)) continue;
            if (x.isError()) {
                mgr.log.replyError(a, x.asString());
                return null;
            }
            if (y.isError()) {
                mgr.log.replyError(b, y.asString());
                return null;
            }
            if (x.isNull() || y.isNull()) continue;
            if (!java.util.Arrays.equals(x.asBytes(), y.asBytes())) diffs.add(keys.get(i));
        }
        return diffs;
    }

    private static boolean isAsk(Reply r) {
        return r.isError() && r.asString().startsWith("ASK ");
    }

    /**
     * {@link #dumps}, waited for while the node answers a transient error (it has just restarted:
     * LOADING, or CLUSTERDOWN until it has rejoined), as the MIGRATE retry above waits.
     */
    private List<Reply> dumpsWhenReady(Conns conns, ClusterNode n, List<byte[]> keys, boolean asking) throws IOException {
        long deadline = System.currentTimeMillis() + Math.max(30_000, opts.timeout);
        while (true) {
            List<Reply> out = dumps(conns.of(n), keys, asking);
            String waitFor = null;
            for (Reply r : out) {
                if (r.isError() && transientError(r.asString())) {
                    waitFor = r.asString();
                    break;
                }
            }
            if (waitFor == null || System.currentTimeMillis() >= deadline) return out;
            ClusterManager.sleep(200);
        }
    }

    /** DUMP of each key, pipelined; on the importing side each read needs ASKING. */
    private static List<Reply> dumps(RespConnection c, List<byte[]> keys, boolean asking) throws IOException {
        for (byte[] k : keys) {
            if (asking) c.send("ASKING");
            c.send("DUMP".getBytes(StandardCharsets.US_ASCII), k);
        }
        List<Reply> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (asking) c.read();
            out.add(c.read());
        }
        return out;
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
