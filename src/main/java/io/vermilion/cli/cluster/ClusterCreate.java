package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Forms a cluster out of empty nodes: plans the slot ranges as redis-cli does, assigns them,
 * gives every master a distinct config epoch, introduces the nodes with CLUSTER MEET, and then
 * waits until every node knows every other and agrees on the slots, so that the caller can use
 * the cluster at once (redis-cli returns before that, and a reshard right after it can fail).
 * One piece of code serves the local-cluster launcher and {@code vermilion-cli --cluster create}.
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
        double per = SLOTS / (double) masters.size();
        double cursor = 0;
        long first = 0;
        for (int i = 0; i < masters.size(); i++) {
            long last = Math.round(cursor + per - 1);
            if (last > SLOTS || i == masters.size() - 1) last = SLOTS - 1;
            if (last < first) last = first;
            out.add(new Assignment(masters.get(i), (int) first, (int) last));
            first = last + 1;
            cursor += per;
        }
        return out;
    }

    /** Connects to a node with a short timeout. */
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

    /** Assigns slots, sets epochs, meets the nodes and waits for the cluster to be whole. */
    public static void apply(List<Assignment> plan, PrintStream out, long timeoutMs) throws IOException, InterruptedException {
        out.println(">>> Performing hash slots allocation on " + plan.size() + " nodes...");
        for (int i = 0; i < plan.size(); i++) {
            Assignment a = plan.get(i);
            out.println("Master[" + i + "] -> Slots " + a.first() + " - " + a.last());
        }
        for (Assignment a : plan) {
            try (RespConnection c = connect(a.node())) {
                check(c.call("CLUSTER", "ADDSLOTSRANGE", Integer.toString(a.first()), Integer.toString(a.last())), a.node());
            }
        }
        out.println(">>> Assign a different config epoch to each node");
        int epoch = 1;
        for (Assignment a : plan) {
            try (RespConnection c = connect(a.node())) {
                // Fails harmlessly if the node already has an epoch; the cluster resolves collisions.
                c.call("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(epoch++));
            }
        }
        out.println(">>> Sending CLUSTER MEET messages to join the cluster");
        HostPort first = plan.get(0).node();
        for (int i = 1; i < plan.size(); i++) {
            try (RespConnection c = connect(plan.get(i).node())) {
                check(c.call("CLUSTER", "MEET", first.host(), Integer.toString(first.port())), plan.get(i).node());
            }
        }
        List<HostPort> nodes = new ArrayList<>();
        for (Assignment a : plan) nodes.add(a.node());
        waitForCluster(nodes, out, timeoutMs);
    }

    /**
     * Waits until every node knows all the others (no handshake), all report the same slot map,
     * and all say cluster_state:ok.
     */
    public static void waitForCluster(List<HostPort> nodes, PrintStream out, long timeoutMs)
            throws IOException, InterruptedException {
        out.print("Waiting for the cluster to join");
        out.flush();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            String why = notReadyReason(nodes);
            if (why == null) break;
            if (System.currentTimeMillis() > deadline) {
                out.println();
                throw new IOException("[ERR] The cluster did not become ready in " + timeoutMs + " ms: " + why);
            }
            out.print('.');
            out.flush();
            Thread.sleep(200);
        }
        out.println();
        out.println("[OK] All nodes agree about slots configuration.");
        out.println("[OK] All 16384 slots covered.");
    }

    /** Null when the cluster is whole and agreed, else what is still missing. */
    static String notReadyReason(List<HostPort> nodes) throws IOException {
        String reference = null;
        for (HostPort hp : nodes) {
            try (RespConnection c = connect(hp)) {
                String info = c.call("CLUSTER", "INFO").asString();
                if (!info.contains("cluster_state:ok")) return hp + " is not ok yet";
                if (!info.contains("cluster_known_nodes:" + nodes.size() + "\r\n")) return hp + " does not know every node yet";
                String nodesText = c.call("CLUSTER", "NODES").asString();
                Set<String> view = new HashSet<>();
                for (String line : nodesText.split("\n")) {
                    if (line.isBlank()) continue;
                    String[] f = line.split(" ");
                    if (f[2].contains("handshake") || f[2].contains("noaddr")) return hp + " is still in handshake";
                    StringBuilder slots = new StringBuilder(f[0]);
                    for (int i = 8; i < f.length; i++) if (!f[i].startsWith("[")) slots.append(' ').append(f[i]);
                    view.add(slots.toString());
                }
                String v = new java.util.TreeSet<>(view).toString();
                if (reference == null) reference = v;
                else if (!reference.equals(v)) return "nodes disagree about slots";
            }
        }
        return null;
    }

    private static void check(Reply r, HostPort hp) throws IOException {
        if (r.isError()) throw new IOException("[ERR] " + hp + ": " + r.asString());
    }
}
