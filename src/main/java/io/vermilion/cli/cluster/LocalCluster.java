package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vermilion-cluster start|stop|status|clean}: a whole Redis Cluster on one machine in one
 * command, the way the seed walkthrough builds it by hand. Each node gets its own directory with a
 * seed-style config file ({@code redis-<port>.conf}), is started daemonized, and the cluster is
 * formed with {@link ClusterCreate} (no redis-cli needed). Starting an already formed cluster again
 * restarts its nodes, which rejoin from their nodes.conf.
 */
@Command(name = "vermilion-cluster", mixinStandardHelpOptions = true, version = "vermilion-cluster 0.1.0",
        description = "Start, stop, inspect or remove a local Vermilion cluster (one machine, one process per node).",
        subcommands = {LocalCluster.Start.class, LocalCluster.Stop.class, LocalCluster.Status.class, LocalCluster.Clean.class})
public final class LocalCluster implements Callable<Integer> {
    @Option(names = "--dir", description = "Directory holding one folder per node (default: ${DEFAULT-VALUE}).",
            defaultValue = "cluster", scope = CommandLine.ScopeType.INHERIT)
    Path dir;

    @Option(names = "--base-port", description = "Port of the first node (default: ${DEFAULT-VALUE}).",
            defaultValue = "7001", scope = CommandLine.ScopeType.INHERIT)
    int basePort;

    @Option(names = "--nodes", description = "Number of master nodes (default: ${DEFAULT-VALUE}).",
            defaultValue = "3", scope = CommandLine.ScopeType.INHERIT)
    int nodes;

    @Option(names = "--replicas", description = "Replicas per master, on the ports after the masters' (default: ${DEFAULT-VALUE}).",
            defaultValue = "0", scope = CommandLine.ScopeType.INHERIT)
    int replicas;

    @Option(names = "--server", description = "Command that starts a node from a config file "
            + "(default: bin/vermilion-server next to this jar; e.g. redis-server to run real Redis).",
            scope = CommandLine.ScopeType.INHERIT)
    String server;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    List<Integer> ports() {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < nodes * (1 + Math.max(0, replicas)); i++) p.add(basePort + i);
        // stop/status/clean also cover nodes started earlier with more --nodes/--replicas
        Path d = dir.toAbsolutePath();
        if (Files.isDirectory(d)) {
            try (Stream<Path> s = Files.list(d)) {
                s.map(x -> x.getFileName().toString()).filter(n -> n.matches("\\d{1,5}")).map(Integer::parseInt)
                        .filter(port -> !p.contains(port) && Files.exists(confFile(port))).sorted().forEach(p::add);
            } catch (IOException e) {
                // the computed ports only
            }
        }
        return p;
    }

    Path nodeDir(int port) { return dir.toAbsolutePath().resolve(Integer.toString(port)); }
    Path confFile(int port) { return nodeDir(port).resolve("redis-" + port + ".conf"); }
    Path pidFile(int port) { return nodeDir(port).resolve("redis_" + port + ".pid"); }

    String serverCommand() {
        if (server != null) return server;
        String home = System.getProperty("vermilion.home");
        if (home != null) return Path.of(home, "bin", "vermilion-server").toString();
        return "vermilion-server";
    }

    static boolean ping(int port) {
        try (RespConnection c = RespConnection.connect("127.0.0.1", port, 500, 2000)) {
            Reply r = c.call("PING");
            return !r.isError() || r.asString().startsWith("LOADING");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * True once a replica has finished its first sync: its master link is up and it no longer
     * answers -LOADING (until then redis-cli --cluster check cannot read it).
     */
    static boolean replicaSynced(int port) {
        try (RespConnection c = RespConnection.connect("127.0.0.1", port, 500, 2000)) {
            Reply r = c.call("INFO", "replication");
            if (r.isError()) return false;
            String info = r.asString();
            return !info.contains("role:slave") || info.contains("master_link_status:up");
        } catch (IOException e) {
            return false;
        }
    }

    /** The seed's config, plus what a local cluster needs (own dir, log, daemonize). */
    static String config(int port, Path nodeDir) {
        return String.join("\n",
                "# Written by vermilion-cluster, like the seed's redis-" + port + ".conf.",
                "port " + port,
                "bind 127.0.0.1",
                "cluster-enabled yes",
                "cluster-config-file nodes-" + port + ".conf",
                "cluster-node-timeout 5000",
                "appendonly yes",
                "pidfile " + nodeDir.resolve("redis_" + port + ".pid"),
                "dbfilename dump-" + port + ".rdb",
                "enable-debug-command local",
                "dir " + nodeDir,
                "logfile " + nodeDir.resolve("node.log"),
                "daemonize yes",
                "");
    }

    @Command(name = "start", description = "Start the nodes (writing their configs the first time) and form the cluster.")
    static final class Start implements Callable<Integer> {
        @CommandLine.ParentCommand LocalCluster parent;

        @Option(names = "--timeout", description = "Milliseconds to wait for the cluster to be ready (default: ${DEFAULT-VALUE}).",
                defaultValue = "60000")
        long timeoutMs;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            List<HostPort> all = new ArrayList<>();
            for (int port : parent.ports()) {
                all.add(new HostPort("127.0.0.1", port));
                Path d = parent.nodeDir(port);
                Files.createDirectories(d);
                if (!Files.exists(parent.confFile(port))) {
                    Files.writeString(parent.confFile(port), config(port, d), StandardCharsets.UTF_8);
                }
                if (ping(port)) {
                    out.println("Node 127.0.0.1:" + port + " is already running");
                    continue;
                }
                List<String> cmd = new ArrayList<>(List.of(parent.serverCommand().split(" ")));
                cmd.add(parent.confFile(port).toString());
                Process p = new ProcessBuilder(cmd).directory(d.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(d.resolve("start.log").toFile())).start();
                p.waitFor();
                if (p.exitValue() != 0) {
                    System.err.println("Node on port " + port + " failed to start; see " + d.resolve("start.log"));
                    return 1;
                }
                out.println("Started node 127.0.0.1:" + port + " (config " + parent.confFile(port) + ")");
            }
            for (HostPort hp : all) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (!ping(hp.port())) {
                    if (System.currentTimeMillis() > deadline) {
                        System.err.println("Node " + hp + " does not answer; see " + parent.nodeDir(hp.port()).resolve("node.log"));
                        return 1;
                    }
                    Thread.sleep(100);
                }
            }
            if (isFresh(all)) {
                ClusterCreate.checkEmpty(all);
                List<HostPort> masters = all.subList(0, parent.nodes);
                ClusterCreate.apply(ClusterCreate.plan(masters), out, timeoutMs);
                if (all.size() > masters.size()) {
                    addReplicas(masters, all.subList(masters.size(), all.size()), out, timeoutMs);
                    ClusterCreate.waitForCluster(all, out, timeoutMs);
                    // "Cluster ready" only once every replica has its data: a replica still in its
                    // first sync answers -LOADING, and a check run at once could not read it.
                    long deadline = System.currentTimeMillis() + Math.max(60_000, timeoutMs);
                    for (HostPort r : all.subList(masters.size(), all.size())) {
                        while (!replicaSynced(r.port())) {
                            if (System.currentTimeMillis() > deadline) {
                                System.err.println("Replica " + r + " has not finished its first sync; see "
                                        + parent.nodeDir(r.port()).resolve("node.log"));
                                return 1;
                            }
                            Thread.sleep(100);
                        }
                    }
                }
            } else {
                ClusterCreate.waitForCluster(all, out, timeoutMs);
            }
            out.println();
            int last = parent.basePort + parent.nodes - 1;
            out.print("Cluster ready: " + parent.nodes + " masters on ports " + parent.basePort + "-" + last);
            if (all.size() > parent.nodes) {
                out.print(", " + (all.size() - parent.nodes) + " replicas on ports " + (last + 1) + "-"
                        + (parent.basePort + all.size() - 1));
            }
            out.println(".");
            out.println("Connect with:  bin/vermilion-cli -c -p " + parent.basePort + "   (or redis-cli -c -p " + parent.basePort + ")");
            out.println("Stop with:     bin/vermilion-cluster stop      Remove with: bin/vermilion-cluster clean");
            return 0;
        }

        /**
         * Replica i follows master i mod masters (so with --replicas 1, 7004 follows 7001): it meets
         * the master, waits until it knows it, then CLUSTER REPLICATE.
         */
        private static void addReplicas(List<HostPort> masters, List<HostPort> replicas, PrintStream out, long timeoutMs)
                throws IOException, InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMs;
            for (int i = 0; i < replicas.size(); i++) {
                HostPort m = masters.get(i % masters.size());
                HostPort r = replicas.get(i);
                String masterId;
                try (RespConnection c = ClusterCreate.connect(m)) {
                    masterId = c.call("CLUSTER", "MYID").asString();
                }
                out.println(">>> Adding replica " + r + " to " + m);
                try (RespConnection c = ClusterCreate.connect(r)) {
                    Reply meet = c.call("CLUSTER", "MEET", m.host(), Integer.toString(m.port()));
                    if (meet.isError()) throw new IOException(r + ": CLUSTER MEET: " + meet.asString());
                    while (true) {
                        Reply rep = c.call("CLUSTER", "REPLICATE", masterId);
                        if (!rep.isError()) break;
                        if (System.currentTimeMillis() > deadline) throw new IOException(r + ": CLUSTER REPLICATE: " + rep.asString());
                        Thread.sleep(100); // "Unknown node" until the handshake is done
                    }
                }
            }
        }

        /** True when no node owns a slot or knows another node: the cluster must be created. */
        private static boolean isFresh(List<HostPort> nodes) throws IOException {
            for (HostPort hp : nodes) {
                try (RespConnection c = ClusterCreate.connect(hp)) {
                    String info = c.call("CLUSTER", "INFO").asString();
                    if (!info.contains("cluster_known_nodes:1\r\n") || !info.contains("cluster_slots_assigned:0\r\n")) return false;
                }
            }
            return true;
        }
    }

    @Command(name = "stop", description = "Stop every node (SHUTDOWN, then SIGKILL if it does not exit).")
    static final class Stop implements Callable<Integer> {
        @CommandLine.ParentCommand LocalCluster parent;

        @Override
        public Integer call() throws Exception {
            for (int port : parent.ports()) {
                if (!ping(port)) {
                    System.out.println("Node 127.0.0.1:" + port + " is not running");
                    continue;
                }
                try (RespConnection c = RespConnection.connect("127.0.0.1", port, 1000, 10_000)) {
                    c.send("SHUTDOWN");
                    c.flush();
                    try { c.read(); } catch (IOException expected) { /* the node closes the link */ }
                }
                long deadline = System.currentTimeMillis() + 10_000;
                while (ping(port) && System.currentTimeMillis() < deadline) Thread.sleep(100);
                if (ping(port)) killFromPidfile(parent.pidFile(port));
                System.out.println("Stopped node 127.0.0.1:" + port);
            }
            return 0;
        }
    }

    static void killFromPidfile(Path pidfile) {
        try {
            long pid = Long.parseLong(Files.readString(pidfile).trim());
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException e) {
            // nothing to kill
        }
    }

    @Command(name = "status", description = "Show each node's state and the cluster's.")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand LocalCluster parent;

        @Override
        public Integer call() throws Exception {
            int down = 0;
            for (int port : parent.ports()) {
                if (!ping(port)) {
                    System.out.println("127.0.0.1:" + port + "  down");
                    down++;
                    continue;
                }
                try (RespConnection c = RespConnection.connect("127.0.0.1", port, 1000, 5000)) {
                    String info = c.call("CLUSTER", "INFO").asString();
                    String state = field(info, "cluster_state");
                    String slots = field(info, "cluster_slots_assigned");
                    String known = field(info, "cluster_known_nodes");
                    String keys = c.call("DBSIZE").asString();
                    System.out.println("127.0.0.1:" + port + "  up  cluster_state:" + state + "  slots_assigned:" + slots
                            + "  known_nodes:" + known + "  keys:" + keys);
                }
            }
            return down == 0 ? 0 : 1;
        }
    }

    static String field(String info, String name) {
        for (String line : info.split("\r\n")) if (line.startsWith(name + ":")) return line.substring(name.length() + 1);
        return "?";
    }

    @Command(name = "clean", description = "Stop every node and delete the cluster directory.")
    static final class Clean implements Callable<Integer> {
        @CommandLine.ParentCommand LocalCluster parent;

        @Override
        public Integer call() throws Exception {
            Stop stop = new Stop();
            stop.parent = parent;
            stop.call();
            Path d = parent.dir.toAbsolutePath();
            if (Files.exists(d)) {
                try (Stream<Path> s = Files.walk(d)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
                System.out.println("Removed " + d);
            }
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalCluster()).execute(args));
    }
}
