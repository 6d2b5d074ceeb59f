package io.vermilion.it.support;

import io.vermilion.cli.cluster.ClusterCreate;
import io.vermilion.cli.cluster.HostPort;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * N cluster-enabled server processes (Vermilion or real Redis) formed into one cluster with our
 * {@link ClusterCreate}: slots split as redis-cli does, returned once every node agrees.
 */
public final class ClusterFixture implements AutoCloseable {
    private final List<ServerProcess> nodes = new ArrayList<>();

    public static ClusterFixture start(ServerProcess.Kind kind, int n, String... extraArgs) throws Exception {
        ClusterFixture f = new ClusterFixture();
        // The nodes start at the same time (a node's start is mostly waiting on one core).
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<ServerProcess>> started = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes",
                        "--cluster-node-timeout", "5000", "--enable-debug-command", "yes"));
                args.addAll(List.of(extraArgs));
                int port = Ports.free();
                started.add(ex.submit(() -> ServerProcess.start(kind, port, args)));
            }
            Exception failed = null;
            for (java.util.concurrent.Future<ServerProcess> s : started) {
                try {
                    f.nodes.add(s.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (failed == null) failed = e.getCause() instanceof Exception x ? x : new IOException(e.getCause());
                }
            }
            if (failed != null) throw failed;
            List<HostPort> addrs = new ArrayList<>();
            for (ServerProcess p : f.nodes) addrs.add(new HostPort("127.0.0.1", p.port()));
            ClusterCreate.apply(ClusterCreate.plan(addrs), new PrintStream(PrintStream.nullOutputStream()), 60_000);
            return f;
        } catch (Exception e) {
            f.close();
            throw e;
        } finally {
            ex.shutdown();
        }
    }

    public List<ServerProcess> nodes() { return nodes; }

    public ServerProcess node(int i) { return nodes.get(i); }

    public List<Integer> ports() {
        List<Integer> p = new ArrayList<>();
        for (ServerProcess s : nodes) p.add(s.port());
        return p;
    }

    @Override
    public void close() {
        for (ServerProcess p : nodes) p.close();
    }

    public static void requireAlive(ServerProcess p) throws IOException {
        if (!p.isAlive()) throw new IOException("node " + p.port() + " died:\n" + p.log());
    }
}
