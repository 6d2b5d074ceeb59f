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
        try {
            List<HostPort> addrs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes",
                        "--cluster-node-timeout", "5000", "--enable-debug-command", "yes"));
                args.addAll(List.of(extraArgs));
                ServerProcess p = ServerProcess.start(kind, Ports.free(), args);
                f.nodes.add(p);
                addrs.add(new HostPort("127.0.0.1", p.port()));
            }
            ClusterCreate.apply(ClusterCreate.plan(addrs), new PrintStream(PrintStream.nullOutputStream()), 60_000);
            return f;
        } catch (Exception e) {
            f.close();
            throw e;
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
