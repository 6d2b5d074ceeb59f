package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.TreeSet;

/**
 * Waits until a cluster is settled: every node answers, knows every other node (no handshake, no
 * missing or extra node, nobody flagged failing), all report the same slot owners and the same
 * master for every replica, and say {@code cluster_state:ok} when all slots are assigned.
 *
 * <p>redis-cli only waits for the slot signatures to match after create, and not at all after
 * add-node or fix, so a reshard started right after can meet a node still in handshake. Our
 * create, add-node and fix return only once this holds.
 */
final class ClusterWait {
    /** How to reach a node (with the cluster's credentials). */
    interface Connector {
        RespConnection connect(HostPort hp) throws IOException;
    }

    private ClusterWait() {}

    /** Null when settled, else the first thing still missing (for messages). */
    static String notSettledReason(List<HostPort> nodes, Connector connector) {
        String refSlots = null;
        String refRoles = null;
        for (HostPort hp : nodes) {
            try (RespConnection c = connector.connect(hp)) {
                Reply nr = c.call("CLUSTER", "NODES");
                if (nr.isError()) return hp + " answered CLUSTER NODES with " + nr.asString();
                List<ClusterNode.NodesLine> lines = new ArrayList<>();
                for (String line : nr.asString().split("\n")) {
                    if (line.isBlank()) continue;
                    ClusterNode.NodesLine l = ClusterNode.NodesLine.parse(line);
                    if (l == null) return hp + " sent an unreadable CLUSTER NODES line";
                    lines.add(l);
                }
                if (lines.size() != nodes.size()) {
                    return hp + " knows " + lines.size() + " node(s), not " + nodes.size();
                }
                TreeSet<String> roles = new TreeSet<>();
                int assigned = 0;
                for (ClusterNode.NodesLine l : lines) {
                    for (String f : l.flags()) {
                        if (f.equals("handshake") || f.equals("noaddr")) return hp + " is still in handshake with " + l.host() + ":" + l.port();
                        if (f.equals("fail") || f.equals("fail?")) return hp + " sees " + l.host() + ":" + l.port() + " as failing";
                    }
                    roles.add(l.id() + ">" + l.master());
                    assigned += l.slots().cardinality();
                }
                String slots = ClusterManager.signature(nr.asString());
                String r = String.join(",", roles);
                if (refSlots == null && refRoles == null) {
                    refSlots = String.valueOf(slots);
                    refRoles = r;
                } else {
                    if (!refSlots.equals(String.valueOf(slots))) return "nodes disagree about slots (seen from " + hp + ")";
                    if (!refRoles.equals(r)) return "nodes disagree about replicas (seen from " + hp + ")";
                }
                if (assigned == ClusterCreate.SLOTS) {
                    Reply info = c.call("CLUSTER", "INFO");
                    if (info.isError() || !info.asString().contains("cluster_state:ok")) return hp + " does not say cluster_state:ok yet";
                }
            } catch (IOException e) {
                return hp + " does not answer (" + io.vermilion.cli.Session.describe(e) + ")";
            }
        }
        return null;
    }

    /**
     * Polls until settled or {@code timeoutMs}; {@code tick} is called about once a second while
     * waiting, with what is still awaited (dots, progress line). Returns null when settled, else
     * the last reason.
     */
    static String await(List<HostPort> nodes, Connector connector, long timeoutMs, Consumer<String> tick) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        long nextTick = System.currentTimeMillis() + 1000;
        while (true) {
            String why = notSettledReason(nodes, connector);
            if (why == null) return null;
            if (System.currentTimeMillis() > deadline) return why;
            ClusterManager.sleep(100);
            if (System.currentTimeMillis() >= nextTick) {
                nextTick += 1000;
                if (tick != null) tick.accept(why);
            }
        }
    }
}
