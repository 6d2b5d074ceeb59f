package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import io.vermilion.client.ReplyReader;
import io.vermilion.client.RespConnection;
import io.vermilion.util.HashSlot;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --cluster import} (copy a standalone server's db 0 into the cluster) and
 * {@code --cluster backup} (each master's RDB over the replication protocol, plus nodes.json).
 *
 * <p>Import differs from redis-cli in speed only: keys of one SCAN page going to the same master
 * travel in one MIGRATE instead of one each; the printed lines are the same, and a failing batch
 * is replayed key by key so the error is reported for the key at fault, as redis-cli reports it.
 */
final class ClusterImport {
    private ClusterImport() {}

    static boolean importData(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        ManagerOptions opts = mgr.opts;
        HostPort hp = ClusterCli.hostFromArgs(args);
        if (hp == null) {
            log.stderr(ClusterCli.INVALID_HOST_ARG);
            return false;
        }
        if (opts.from == null) {
            log.stderr("[ERR] Option '--cluster-from' is required for subcommand 'import'.");
            return false;
        }
        HostPort src = ClusterCli.hostFromArgs(List.of(opts.from));
        if (src == null) {
            log.stderr("[ERR] Invalid --cluster-from host. You need to pass a valid address (ie. 120.0.0.1:7000).");
            return false;
        }
        log.info(">>> Importing data from " + src + " to cluster " + hp);
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        if (!mgr.checkCluster(false)) return false;
        RespConnection sc;
        try {
            sc = RespConnection.connect(src.host(), src.port(), 10_000, 0);
        } catch (IOException e) {
            log.stderr("Could not connect to Redis at " + src + ": " + io.vermilion.cli.Session.describe(e) + ".");
            return false;
        }
        try (sc) {
            if (opts.fromPass != null) {
                Reply r = opts.fromUser == null ? sc.call("AUTH", opts.fromPass) : sc.call("AUTH", opts.fromUser, opts.fromPass);
                if (r.isError()) {
                    log.stderr("AUTH failed: " + r.asString());
                    return false;
                }
            }
            Reply info = sc.call("INFO");
            if (info.isError()) return sourceError(log, src, info.asString());
            if (ClusterManager.infoField(info.asString(), "cluster_enabled") != 0) {
                log.error("[ERR] The source node should not be a cluster node.");
                return false;
            }
            Reply size = sc.call("DBSIZE");
            if (size.isError()) return sourceError(log, src, size.asString());
            log.warn("*** Importing " + size.asLong() + " keys from DB 0");
            ClusterNode[] owner = new ClusterNode[ClusterCreate.SLOTS];
            for (int i = 0; i < ClusterCreate.SLOTS; i++) {
                for (ClusterNode n : mgr.nodes) {
                    if (n.isSlave() || n.slotsCount() == 0) continue;
                    if (n.hasSlot(i)) {
                        owner[i] = n;
                        break;
                    }
                }
            }
            Progress progress = log.stdoutTty() ? new Progress(log, "keys", size.asLong(), size.asLong()).start() : null;
            try {
                String cursor = "0";
                do {
                    Reply page = sc.call("SCAN", cursor, "COUNT", "1000");
                    if (page.isError()) return sourceError(log, src, page.asString());
                    List<Reply> parts = page.asList();
                    cursor = parts.get(0).asString();
                    List<byte[]> keys = new ArrayList<>();
                    for (Reply k : parts.get(1).asList()) keys.add(k.asBytes());
                    if (!migratePage(mgr, sc, src, keys, owner, progress)) return false;
                } while (!cursor.equals("0"));
            } finally {
                if (progress != null) progress.finish("Imported");
            }
            return true;
        }
    }

    private static boolean sourceError(ManagerLog log, HostPort src, String err) {
        log.error("Source " + src + " replied with error:\n" + err);
        return false;
    }

    /** One SCAN page: one MIGRATE per target master, then redis-cli's per-key lines in SCAN order. */
    private static boolean migratePage(ClusterManager mgr, RespConnection sc, HostPort src, List<byte[]> keys,
                                       ClusterNode[] owner, Progress progress) throws IOException {
        ManagerLog log = mgr.log;
        Map<ClusterNode, List<byte[]>> byTarget = new LinkedHashMap<>();
        for (byte[] k : keys) byTarget.computeIfAbsent(owner[HashSlot.of(k)], t -> new ArrayList<>()).add(k);
        List<ClusterNode> targets = new ArrayList<>(byTarget.keySet());
        for (ClusterNode t : targets) sc.send(migrate(mgr.opts, t, byTarget.get(t)));
        Map<ClusterNode, Boolean> ok = new LinkedHashMap<>();
        for (ClusterNode t : targets) ok.put(t, !sc.read().isError());
        for (byte[] k : keys) {
            ClusterNode t = owner[HashSlot.of(k)];
            if (!ok.get(t)) {
                // Replay this key alone for redis-cli's exact message.
                if (progress == null) line(log, k, t);
                Reply r = sc.call(migrate(mgr.opts, t, List.of(k)));
                if (r.isError()) {
                    if (progress != null) progress.close();
                    log.error("Source " + src + " replied with error:\n" + r.asString());
                    return false;
                }
                if (progress == null) log.ok("OK");
            } else if (progress == null) {
                line(log, k, t);
                log.ok("OK");
            }
            if (progress != null) {
                progress.keys(1);
                progress.unitDone();
            }
        }
        return true;
    }

    private static void line(ManagerLog log, byte[] key, ClusterNode t) {
        log.print("Migrating ");
        log.raw(key);
        log.print(" to " + t + ": ");
    }

    private static byte[][] migrate(ManagerOptions opts, ClusterNode t, List<byte[]> keys) {
        List<byte[]> a = new ArrayList<>();
        for (String s : List.of("MIGRATE", t.host(), Integer.toString(t.port()), "", "0", Integer.toString(opts.timeout))) {
            a.add(s.getBytes(StandardCharsets.UTF_8));
        }
        ManagerOptions.Credentials c = opts.credentials;
        if (c.password() != null) {
            if (c.user() != null) {
                a.add("AUTH2".getBytes(StandardCharsets.US_ASCII));
                a.add(c.user());
            } else {
                a.add("AUTH".getBytes(StandardCharsets.US_ASCII));
            }
            a.add(c.password());
        }
        if (opts.copy) a.add("COPY".getBytes(StandardCharsets.US_ASCII));
        if (opts.replace) a.add("REPLACE".getBytes(StandardCharsets.US_ASCII));
        a.add("KEYS".getBytes(StandardCharsets.US_ASCII));
        a.addAll(keys);
        return a.toArray(new byte[0][]);
    }

    // ---------------------------------------------------------------- backup

    static boolean backup(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        HostPort hp = ClusterCli.hostFromArgs(args.subList(0, 1));
        if (hp == null) {
            log.stderr(ClusterCli.INVALID_HOST_ARG);
            return false;
        }
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        boolean noIssues = mgr.checkCluster(false);
        int errors = noIssues ? 0 : mgr.errors.size();
        String dir = args.get(1);
        StringBuilder json = new StringBuilder("[\n");
        boolean first = true;
        for (ClusterNode n : mgr.nodes) {
            if (!first) json.append(",\n");
            first = false;
            json.append(nodeJson(n, errors));
            if (n.replicate() != null) continue;
            log.info(">>> Node " + n + " -> Saving RDB...");
            if (!saveRdb(log, n, rdbFile(dir, n))) return false;
        }
        json.append("\n]");
        String jsonPath = dir + (dir.endsWith("/") ? "" : "/") + "nodes.json";
        log.info("Saving cluster configuration to: " + jsonPath);
        try {
            Files.writeString(Path.of(jsonPath), json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.error("Could not save nodes to: " + jsonPath);
            log.ok("[ERR] Failed to back cluster!");
            return false;
        }
        if (!noIssues) {
            log.warn("*** Cluster seems to have some problems, please be aware of it if you're going to restore this backup.");
        }
        log.ok("[OK] Backup created into: " + dir);
        return true;
    }

    static String rdbFile(String dir, ClusterNode n) {
        return dir + (dir.endsWith("/") ? "" : "/") + "redis-node-" + n.host() + "-" + n.port() + "-" + n.name() + ".rdb";
    }

    /** The JSON object redis-cli writes for a node in nodes.json. */
    static String nodeJson(ClusterNode n, int errors) {
        StringBuilder sb = new StringBuilder();
        sb.append("  {\n");
        sb.append("    \"name\": \"").append(n.name()).append("\",\n");
        sb.append("    \"host\": \"").append(n.host()).append("\",\n");
        sb.append("    \"port\": ").append(n.port()).append(",\n");
        sb.append("    \"replicate\": ").append(n.replicate() == null ? "null" : "\"" + n.replicate() + "\"").append(",\n");
        sb.append("    \"slots\": [").append(ClusterNode.slotsString(n.slots).replace('-', ',')).append("],\n");
        sb.append("    \"slots_count\": ").append(n.slotsCount()).append(",\n");
        sb.append("    \"flags\": \"").append(n.flagString()).append("\",\n");
        sb.append("    \"current_epoch\": ").append(n.configEpoch());
        if (errors > 0) sb.append(",\n    \"cluster_errors\": ").append(errors);
        if (!n.migrating.isEmpty()) {
            List<String> m = new ArrayList<>();
            for (Map.Entry<Integer, String> e : n.migrating.entrySet()) m.add("\"" + e.getKey() + "\": \"" + e.getValue() + "\"");
            sb.append(",\n    \"migrating\": {").append(String.join(",", m)).append('}');
        }
        if (!n.importing.isEmpty()) {
            List<String> m = new ArrayList<>();
            for (Map.Entry<Integer, String> e : n.importing.entrySet()) m.add("\"" + e.getKey() + "\": \"" + e.getValue() + "\"");
            sb.append(",\n    \"importing\": {").append(String.join(",", m)).append('}');
        }
        sb.append("\n  }");
        return sb.toString();
    }

    /** Fetches the node's RDB with SYNC (as a replica would) into {@code file}, with redis-cli's messages. */
    static boolean saveRdb(ManagerLog log, ClusterNode n, String file) {
        try (RespConnection c = n.open(0)) {
            c.sendRaw("SYNC\r\n".getBytes(StandardCharsets.US_ASCII));
            c.flush();
            ReplyReader r = c.reader();
            byte[] one = new byte[1];
            while (r.peekByte() == '\n') r.readFully(one, 0, 1); // keep-alive newlines while the RDB is prepared
            String head = new String(r.readLine(), StandardCharsets.UTF_8);
            if (head.startsWith("-")) {
                log.stderr("SYNC with master failed: " + head);
                return false;
            }
            byte[] eofMark = null;
            long payload = 0;
            if (head.startsWith("$EOF:") && head.length() >= 45) {
                eofMark = head.substring(5, 45).getBytes(StandardCharsets.ISO_8859_1);
                log.stderr("SYNC sent to master, writing bytes of bulk transfer until EOF marker to '" + file + "'");
            } else {
                payload = Long.parseLong(head.substring(1));
                log.stderr("SYNC sent to master, writing " + payload + " bytes to '" + file + "'");
            }
            try (OutputStream out = new FileOutputStream(file)) {
                if (eofMark == null) {
                    r.transferTo(out, payload);
                    log.stderr("Transfer finished with success.");
                } else {
                    long total = copyUntilMark(r, out, eofMark);
                    log.stderr("Transfer finished with success after " + total + " bytes");
                }
            }
            return true;
        } catch (IOException e) {
            log.stderr("I/O Error reading RDB payload from socket");
            return false;
        }
    }

    private static long copyUntilMark(ReplyReader r, OutputStream out, byte[] mark) throws IOException {
        byte[] window = new byte[mark.length];
        int filled = 0;
        long total = 0;
        byte[] one = new byte[1];
        while (true) {
            r.readFully(one, 0, 1);
            if (filled == window.length) {
                out.write(window[0]);
                total++;
                System.arraycopy(window, 1, window, 0, window.length - 1);
                filled--;
            }
            window[filled++] = one[0];
            if (filled == window.length && java.util.Arrays.equals(window, mark)) return total;
        }
    }
}
