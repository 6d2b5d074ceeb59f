package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forms a cluster out of empty nodes: plans the slot ranges as redis-cli does, assigns them,
 * gives every node a distinct config epoch, introduces the nodes with CLUSTER MEET, and then
 * waits until every node knows every other and agrees on the slots, so that the caller can use
 * the cluster at once (redis-cli returns before that, and a reshard right after it can fail).
 *
 * <p>One piece of code serves the local-cluster launcher ({@link #apply}), the test fixtures and
 * {@code vermilion-cli --cluster create} ({@link #create}), which adds redis-cli's checks,
 * replicas ({@code --cluster-replicas}), the printed plan and the confirmation.
 */
public final class ClusterCreate {
    /** Number of hash slots. */
    public static final int SLOTS = 16384;

    /** A master and its inclusive slot range. */
    public record Assignment(HostPort node, int first, int last) {}

    private ClusterCreate() {}

    /** redis-cli's split: equal float shares, rounded, the last node takes the rest. */
    public static List<Assignment> plan(List<HostPort> masters) {
        List<Assignment> out = new ArrayList<>();
        List<int[]> ranges = slotRanges(masters.size());
        for (int i = 0; i < masters.size(); i++) out.add(new Assignment(masters.get(i), ranges.get(i)[0], ranges.get(i)[1]));
        return out;
    }

    /**
     * The inclusive ranges for {@code n} masters. redis-cli computes them in single precision
     * (float cursor, lround), which we reproduce so the boundaries are the same.
     */
    static List<int[]> slotRanges(int n) {
        List<int[]> out = new ArrayList<>();
        float per = SLOTS / (float) n;
        float cursor = 0.0f;
        long first = 0;
        for (int i = 0; i < n; i++) {
            long last = Math.round((double) (cursor + per - 1));
            if (last > SLOTS || i == n - 1) last = SLOTS - 1;
            if (last < first) last = first;
            out.add(new int[] {(int) first, (int) last});
            first = last + 1;
            cursor += per;
        }
        return out;
    }

    /** Connects to a node with a short timeout (no AUTH: launcher and fixtures). */
    static RespConnection connect(HostPort hp) throws IOException {
        return RespConnection.connect(hp.host(), hp.port(), 2000, 10_000);
    }

    /** Checks that every node runs in cluster mode, knows only itself and owns no slot. */
    public static void checkEmpty(List<HostPort> nodes) throws IOException {
        for (HostPort hp : nodes) {
            try (RespConnection c = connect(hp)) {
                Reply info = c.call("CLUSTER", "INFO");
                if (info.isError()) {
                    throw new IOException("[ERR] Node " + hp + " is not configured as a cluster node.");
                }
                String s = info.asString();
                if (!s.contains("cluster_known_nodes:1\r\n") || !s.contains("cluster_slots_assigned:0\r\n")) {
                    throw new IOException("[ERR] Node " + hp
                            + " is not empty. Either the node already knows other nodes (check with CLUSTER NODES)"
                            + " or contains some key in database 0.");
                }
                Reply n = c.call("DBSIZE");
                if (!n.isError() && n.asLong() != 0) {
                    throw new IOException("[ERR] Node " + hp
                            + " is not empty. Either the node already knows other nodes (check with CLUSTER NODES)"
                            + " or contains some key in database 0.");
                }
            }
        }
    }

    /**
     * Assigns slots, sets epochs, meets the nodes and waits for the cluster to be whole (the
     * launcher's and the fixtures' entry point: no questions, masters only).
     */
    public static void apply(List<Assignment> plan, PrintStream out, long timeoutMs) throws IOException, InterruptedException {
        ManagerLog log = ManagerLog.to(out);
        ClusterManager mgr = new ClusterManager(log, new ManagerOptions());
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (Assignment a : plan) {
                ClusterNode n = mgr.newNode(a.node().host(), a.node().port());
                try {
                    n.loadInfo(false);
                } catch (ClusterNode.ReplyError e) {
                    throw new IOException("[ERR] " + a.node() + ": " + e.getMessage());
                }
                nodes.add(n);
            }
            mgr.nodes = nodes;
            log.info(">>> Performing hash slots allocation on " + plan.size() + " nodes...");
            for (int i = 0; i < plan.size(); i++) {
                Assignment a = plan.get(i);
                log.println("Master[" + i + "] -> Slots " + a.first() + " - " + a.last());
                nodes.get(i).planMaster(a.first(), a.last());
            }
            String why = configure(mgr, timeoutMs);
            if (why != null) throw new IOException(why);
            log.ok("[OK] All nodes agree about slots configuration.");
            log.ok("[OK] All 16384 slots covered.");
        } finally {
            mgr.closeAll();
        }
    }

    /**
     * Waits until every node knows all the others (no handshake), all report the same slot map,
     * and all say cluster_state:ok.
     */
    public static void waitForCluster(List<HostPort> nodes, PrintStream out, long timeoutMs)
            throws IOException, InterruptedException {
        out.println("Waiting for the cluster to join");
        out.flush();
        String why = ClusterWait.await(nodes, ClusterCreate::connect, timeoutMs, reason -> {
            out.print('.');
            out.flush();
        });
        out.println();
        if (why != null) throw new IOException("[ERR] The cluster did not become ready in " + timeoutMs + " ms: " + why);
        out.println("[OK] All nodes agree about slots configuration.");
        out.println("[OK] All 16384 slots covered.");
    }

    // ---------------------------------------------------------------- the shared steps

    /**
     * Writes the planned configuration (dirty nodes) and joins the nodes: slots to masters, epochs,
     * MEET, wait for the join, replicas, wait again. Returns null on success, else why it failed
     * (already printed as redis-cli would when it is a reply error).
     */
    static String configure(ClusterManager mgr, long timeoutMs) throws IOException {
        ManagerLog log = mgr.log;
        List<ClusterNode> nodes = mgr.nodes;
        for (ClusterNode n : nodes) {
            if (!n.dirty || n.replicate() != null) continue;
            int first = n.slots.nextSetBit(0);
            if (first < 0) continue;
            // Ranges, not one argument per slot: the slots of a planned master are contiguous.
            List<String> args = new ArrayList<>(List.of("CLUSTER", "ADDSLOTSRANGE"));
            for (int s = first; s >= 0; s = n.slots.nextSetBit(s + 1)) {
                int end = n.slots.nextClearBit(s) - 1;
                args.add(Integer.toString(s));
                args.add(Integer.toString(end));
                s = end;
            }
            Reply r = n.call(args.toArray(new String[0]));
            if (r.isError()) {
                log.replyError(n, r.asString());
                return n + ": " + r.asString();
            }
            n.dirty = false;
        }
        // Replicas cannot be told their master before they know it: that comes after the join.
        log.info(">>> Nodes configuration updated");
        log.info(">>> Assign a different config epoch to each node");
        int epoch = 1;
        for (ClusterNode n : nodes) {
            // Fails harmlessly if the node already has an epoch; the cluster resolves collisions.
            n.call("cluster", "set-config-epoch", Integer.toString(epoch++));
        }
        log.info(">>> Sending CLUSTER MEET messages to join the cluster");
        ClusterNode first = nodes.get(0);
        String firstIp;
        try {
            firstIp = InetAddress.getByName(first.host()).getHostAddress();
        } catch (UnknownHostException e) {
            log.stderr("Invalid IP address or hostname specified: " + first.host());
            return "cannot resolve " + first.host();
        }
        for (int i = 1; i < nodes.size(); i++) {
            ClusterNode n = nodes.get(i);
            Reply r = meet(n, first, firstIp);
            if (r.isError()) {
                log.replyError(n, r.asString());
                return n + ": " + r.asString();
            }
        }
        // redis-cli stops here and lets gossip introduce the others to each other, which takes
        // seconds; meeting every pair makes the mesh whole at once (a MEET to a node already met
        // is harmless).
        meetAllPairs(nodes);
        List<HostPort> addrs = new ArrayList<>();
        for (ClusterNode n : nodes) addrs.add(n.address());
        ClusterWait.Connector conn = hp -> {
            ClusterNode n = mgr.byAddress(hp.host(), hp.port());
            return n.open(10_000);
        };
        // redis-cli's "Waiting for the cluster to join" and a dot a second; we also wait for the
        // replicas to be seen as replicas everywhere, on the same line of dots.
        log.println("Waiting for the cluster to join");
        long start = System.nanoTime();
        java.util.function.Consumer<String> dot = ticker(log, start);
        String why = ClusterWait.await(addrs, conn, timeoutMs, dot);
        if (why == null) {
            boolean replicas = false;
            for (ClusterNode n : nodes) {
                if (!n.dirty || n.replicate() == null) continue;
                replicas = true;
                Reply r = n.call("CLUSTER", "REPLICATE", n.replicate());
                if (r.isError()) {
                    log.print("\n");
                    log.replyError(n, r.asString());
                    return n + ": " + r.asString();
                }
                n.dirty = false;
            }
            if (replicas) why = ClusterWait.await(addrs, conn, timeoutMs, dot);
        }
        endDots(log, start);
        if (why != null) {
            log.error("[ERR] The cluster did not settle in " + timeoutMs / 1000 + "s: " + why);
            return why;
        }
        return null;
    }

    /**
     * What waiting shows each second: redis-cli's dot when stdout is not a terminal; on a
     * terminal, a line redrawn in place with the time spent and what is still awaited.
     */
    static java.util.function.Consumer<String> ticker(ManagerLog log, long startNanos) {
        if (!log.stdoutTty()) return why -> log.print(".");
        return why -> log.bar(String.format(java.util.Locale.ROOT, "[%.0fs] %s", (System.nanoTime() - startNanos) / 1e9, why));
    }

    /** {@code CLUSTER MEET ip port [cport]} from {@code from} to {@code to}, redis-cli's two forms. */
    static Reply meet(ClusterNode from, ClusterNode to, String toIp) throws IOException {
        return to.busPort() == to.port() + 10000
                ? from.call("CLUSTER", "MEET", toIp, Integer.toString(to.port()))
                : from.call("CLUSTER", "MEET", toIp, Integer.toString(to.port()), Integer.toString(to.busPort()));
    }

    /** Every node meets every node before it (best effort: gossip does the same, slower). */
    static void meetAllPairs(List<ClusterNode> nodes) {
        for (int i = 1; i < nodes.size(); i++) {
            for (int j = 1; j < i; j++) {
                try {
                    meet(nodes.get(i), nodes.get(j), InetAddress.getByName(nodes.get(j).host()).getHostAddress());
                } catch (IOException e) {
                    // the wait that follows reports nodes that never meet
                }
            }
        }
    }

    /** Ends the waiting: the dots' newline, or on a terminal the time it took. */
    static void endDots(ManagerLog log, long startNanos) {
        log.print(log.stdoutTty()
                ? String.format(java.util.Locale.ROOT, "done in %.1fs\n", (System.nanoTime() - startNanos) / 1e9)
                : "\n");
    }

    /**
     * {@code title}, a dot a second while waiting for the cluster to settle, a newline. Null when
     * settled, else why not (also printed).
     */
    static String waitWithDots(ManagerLog log, String title, List<HostPort> addrs, ClusterWait.Connector conn,
                               long timeoutMs) {
        if (title != null) log.println(title);
        long start = System.nanoTime();
        String why = ClusterWait.await(addrs, conn, timeoutMs, title == null ? null : ticker(log, start));
        if (title != null) endDots(log, start);
        if (why != null) {
            log.error("[ERR] The cluster did not settle in " + timeoutMs / 1000 + "s: " + why);
            return why;
        }
        return null;
    }

    // ---------------------------------------------------------------- --cluster create

    /** {@code --cluster create host1:port1 ... hostN:portN [--cluster-replicas N]}. */
    static boolean create(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        ManagerOptions opts = mgr.opts;
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            for (String addr : args) {
                HostPort hp = ClusterCli.parseAddress(addr);
                if (hp == null) {
                    log.stderr("Invalid address format: " + addr);
                    return false;
                }
                ClusterNode n = mgr.newNode(hp.host(), hp.port());
                if (!n.connect(log)) return false;
                String[] err = new String[1];
                if (!mgr.isClusterNode(n, err)) {
                    mgr.printNotClusterNode(n, err[0]);
                    return false;
                }
                try {
                    n.loadInfo(false);
                } catch (ClusterNode.ReplyError e) {
                    log.replyError(n, e.getMessage());
                    return false;
                }
                err[0] = null;
                if (!mgr.isEmpty(n, err)) {
                    mgr.printNotEmpty(n, err[0]);
                    return false;
                }
                nodes.add(n);
            }
            mgr.nodes = nodes;
            int replicas = opts.replicas;
            int masters = nodes.size() / (replicas + 1);
            if (masters < 3) {
                log.log(ManagerLog.Level.ERR, "*** ERROR: Invalid configuration for cluster creation.\n"
                        + "*** Redis Cluster requires at least 3 master nodes.\n"
                        + "*** This is not possible with " + nodes.size() + " nodes and " + replicas + " replicas per node.");
                log.error("\n*** At least " + 3 * (replicas + 1) + " nodes are required.");
                return false;
            }
            log.info(">>> Performing hash slots allocation on " + nodes.size() + " nodes...");
            // Interleave by IP so that masters are spread over hosts.
            Map<String, List<ClusterNode>> byIp = new LinkedHashMap<>();
            for (ClusterNode n : nodes) byIp.computeIfAbsent(n.host(), k -> new ArrayList<>()).add(n);
            List<ClusterNode> interleaved = new ArrayList<>();
            Map<String, Integer> taken = new HashMap<>();
            while (interleaved.size() < nodes.size()) {
                for (Map.Entry<String, List<ClusterNode>> e : byIp.entrySet()) {
                    int t = taken.getOrDefault(e.getKey(), 0);
                    if (t < e.getValue().size()) {
                        interleaved.add(e.getValue().get(t));
                        taken.put(e.getKey(), t + 1);
                    }
                }
            }
            List<ClusterNode> masterNodes = new ArrayList<>(interleaved.subList(0, masters));
            List<ClusterNode> rest = new ArrayList<>(interleaved.subList(masters, interleaved.size()));
            List<int[]> ranges = slotRanges(masters);
            for (int i = 0; i < masters; i++) {
                log.println("Master[" + i + "] -> Slots " + ranges.get(i)[0] + " - " + ranges.get(i)[1]);
                masterNodes.get(i).planMaster(ranges.get(i)[0], ranges.get(i)[1]);
            }
            assignReplicas(log, masterNodes, rest, replicas);
            AntiAffinity.optimize(log, nodes);
            mgr.showNodes();
            if (!Prompt.confirm(log, opts, "Can I set the above configuration?", false)) return true;
            String why = configure(mgr, 120_000);
            if (why != null) return false;
            // Reload from the first node and check, as redis-cli does.
            ClusterNode first = nodes.get(0);
            for (int i = 1; i < nodes.size(); i++) nodes.get(i).close();
            mgr.nodes = new ArrayList<>();
            ClusterNode fresh = mgr.newNode(first.host(), first.port());
            first.close();
            if (!mgr.loadFromNode(fresh)) return false;
            mgr.checkCluster(false);
            return true;
        } finally {
            for (ClusterNode n : nodes) n.close();
        }
    }

    /**
     * redis-cli's replica placement: the nodes left after the masters, rotated by one, are given
     * to masters in turn, preferring a node on another host than the master; leftovers are added
     * as extra replicas, one per master.
     */
    static void assignReplicas(ManagerLog log, List<ClusterNode> masters, List<ClusterNode> rest, int replicas) {
        if (rest.isEmpty()) return;
        List<ClusterNode> pool = new ArrayList<>(rest.subList(1, rest.size()));
        pool.add(rest.get(0));
        int start = 0; // entries before this index are consumed (redis-cli advances its pointer)
        int available = pool.size();
        boolean extra = false;
        while (true) {
            for (ClusterNode master : masters) {
                int assigned = 0;
                while (assigned < replicas) {
                    if (available == 0) break;
                    ClusterNode slave = null;
                    int firstIdx = -1;
                    for (int j = start; j < pool.size(); j++) {
                        ClusterNode n = pool.get(j);
                        if (n == null) continue;
                        if (!n.host().equals(master.host())) {
                            slave = n;
                            pool.set(j, null);
                            break;
                        }
                        if (firstIdx < 0) firstIdx = j;
                    }
                    if (slave == null && firstIdx >= 0) {
                        slave = pool.get(firstIdx);
                        start = firstIdx + 1;
                    }
                    if (slave == null) break;
                    assigned++;
                    available--;
                    slave.planReplicaOf(master.name());
                    log.println("Adding replica " + slave + " to " + master);
                    if (extra) break;
                }
            }
            if (!extra && available > 0) {
                extra = true;
                log.println("Adding extra replicas...");
                continue;
            }
            break;
        }
    }
}
