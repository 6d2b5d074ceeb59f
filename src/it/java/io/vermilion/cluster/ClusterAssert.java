package io.vermilion.cluster;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/** Small helpers shared by the cluster ITs: reading CLUSTER INFO/NODES and raw error replies. */
final class ClusterAssert {
    private ClusterAssert() {}

    /** A numeric or text field of CLUSTER INFO ("" when absent). */
    static String info(Jedis j, String field) {
        for (String line : j.clusterInfo().split("\r\n")) {
            if (line.startsWith(field + ":")) return line.substring(field.length() + 1);
        }
        return "";
    }

    static long infoLong(Jedis j, String field) {
        String v = info(j, field);
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    static List<ClusterNodeInfo> nodes(Jedis j) {
        try {
            return ClusterNodesFormat.parseAll(j.clusterNodes());
        } catch (NodesConfException e) {
            throw new AssertionError("CLUSTER NODES does not parse: " + e.getMessage(), e);
        }
    }

    static Optional<ClusterNodeInfo> node(Jedis j, String id) {
        return nodes(j).stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** The node's line, or an AssertionError (so that Awaitility retries) when it is not listed yet. */
    static ClusterNodeInfo need(Jedis j, String id) {
        return node(j, id).orElseThrow(() -> new AssertionError("node " + id + " not (yet) in CLUSTER NODES"));
    }

    /** The error text a command answers, or fails if it succeeds. */
    static String error(Jedis j, String... args) {
        try {
            Object r = j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8), rest(args));
            throw new AssertionError("expected an error from " + String.join(" ", args) + ", got " + show(r));
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }

    /** Sends a command and returns its reply (bulk/status as String). */
    static Object call(Jedis j, String... args) {
        Object r = j.sendCommand(() -> args[0].getBytes(StandardCharsets.UTF_8), rest(args));
        return r instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : r;
    }

    static String cluster(Jedis j, String... args) {
        Object r = j.sendCommand(Protocol.Command.CLUSTER, args);
        return r instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(r);
    }

    private static String[] rest(String[] args) {
        String[] r = new String[args.length - 1];
        System.arraycopy(args, 1, r, 0, r.length);
        return r;
    }

    private static String show(Object r) {
        return r instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(r);
    }
}
