package io.vermilion.node;

import io.vermilion.cluster.runtime.ClusterCommands;
import io.vermilion.cluster.runtime.ClusterRouter;
import io.vermilion.cluster.runtime.ClusterState;
import io.vermilion.commands.ConnectionCommands;
import io.vermilion.commands.KeyCommands;
import io.vermilion.commands.PersistenceCommands;
import io.vermilion.commands.ServerCommands;
import io.vermilion.commands.StringCommands;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.persistence.DataLoadException;
import io.vermilion.persistence.Persistence;
import io.vermilion.server.CommandTable;
import io.vermilion.server.NetServer;
import io.vermilion.server.Server;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One Vermilion node: the composition root that wires configuration, keyspace, command families
 * and the network together. A node is an object, not a process: tests run several in one JVM.
 */
public final class VermilionNode implements AutoCloseable {
    private final Config config;
    private final Server server;
    private final NetServer net;
    private final Persistence persistence;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Cluster mode state (cluster-enabled yes), else null. */
    private final ClusterState cluster;
    private volatile boolean closed;

    public VermilionNode(Config config) {
        this.config = config;
        Keyspace keyspace = new Keyspace(config.getInt("databases"));
        this.server = new Server(config, keyspace);
        trackAccess(config, keyspace);
        this.persistence = new Persistence(server);
        registerCommands(server.commands());
        this.net = new NetServer("vermilion-" + config.getInt("port"));
        server.loop(net.loop());
        if (server.clusterEnabled()) {
            cluster = new ClusterState(server);
            server.router(new ClusterRouter(cluster));
        } else {
            cluster = null;
        }
    }

    /** Every command family, in one list: adding a family is one line here. */
    static void registerCommands(CommandTable t) {
        ConnectionCommands.register(t);
        StringCommands.register(t);
        KeyCommands.register(t);
        ServerCommands.register(t);
        PersistenceCommands.register(t);
        ClusterCommands.register(t);
        // Until the server family has INFO: redis-cli --cluster needs cluster_enabled and the keyspace.
        ClusterCommands.registerInfoIfMissing(t);
    }

    /**
     * Keys record their last access time, or under an LFU maxmemory-policy an access frequency
     * counter (OBJECT IDLETIME / FREQ, eviction): follow the policy and the LFU tuning knobs.
     */
    private static void trackAccess(Config config, Keyspace keyspace) {
        Runnable apply = () -> keyspace.accessTracking(config.get("maxmemory-policy").endsWith("-lfu"),
                config.getInt("lfu-log-factor"), config.getInt("lfu-decay-time"));
        apply.run();
        for (String name : List.of("maxmemory-policy", "lfu-log-factor", "lfu-decay-time")) {
            config.addListener(name, v -> apply.run());
        }
    }

    public Server server() { return server; }
    public Config config() { return config; }
    public Persistence persistence() { return persistence; }
    /** The cluster state in cluster mode, else null. */
    public ClusterState cluster() { return cluster; }

    /** Binds the port and starts the timers. */
    public VermilionNode start() throws Exception {
        server.log().level(config.get("loglevel"));
        loadData();
        List<String> binds = Arrays.asList(config.get("bind").trim().split("\\s+"));
        if (cluster != null) {
            // As Redis: lock and load nodes.conf and bind the bus port before serving clients.
            try {
                cluster.init();
                cluster.start(server.loop(), binds, config.getInt("port"));
            } catch (Exception e) {
                cluster.close();
                net.close();
                throw e;
            }
        }
        net.listen(server, binds, config.getInt("port"), config.getInt("tcp-backlog"));
        server.tcpPort(net.boundPort());
        server.log().notice("Network transport: " + (net.nativeTransport() ? "native epoll" : "NIO"));
        int hz = Math.max(1, Math.min(500, config.getInt("hz")));
        server.loop().scheduleAtFixedRate(this::cron, 1000 / hz, 1000 / hz, TimeUnit.MILLISECONDS);
        return this;
    }

    public int port() { return server.tcpPort(); }

    /** Loads the dataset from disk on the command thread, before any client is served. */
    private void loadData() throws DataLoadException, InterruptedException {
        try {
            server.loop().submit(() -> {
                persistence.loadAtStartup();
                return null;
            }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof DataLoadException d) throw d;
            throw new DataLoadException("Fatal error loading the DB: " + e.getCause(), e.getCause());
        }
    }

    /** Periodic work on the command thread (Redis's serverCron): active expiry, client timeouts. */
    private void cron() {
        try {
            long deadline = System.nanoTime() + 2_500_000; // at most 25% of a 10 Hz tick
            while (server.keyspace().activeExpireCycle(1000) > 100 && System.nanoTime() < deadline) {
                // keep going while many keys are expiring
            }
            persistence.cron();
            long timeout = config.getLong("timeout");
            if (timeout > 0) {
                long now = System.currentTimeMillis();
                for (io.vermilion.server.Client c : List.copyOf(server.clients().values())) {
                    if (now - clientLastInteraction(c) > timeout * 1000) c.kill();
                }
            }
        } catch (RuntimeException e) {
            server.log().warning("cron: " + e);
        }
    }

    private static long clientLastInteraction(io.vermilion.server.Client c) {
        return c.lastInteractionMs();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (server.loop().inEventLoop()) {
            // Closing waits for the event loop to end: never do that from the loop itself.
            Thread t = new Thread(this::doClose, "vermilion-close");
            t.start();
        } else {
            doClose();
        }
    }

    private void doClose() {
        if (cluster != null) cluster.close();
        net.close();
        // The event loop has ended: nothing else touches persistence state now.
        persistence.close();
        stopped.countDown();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }
}
