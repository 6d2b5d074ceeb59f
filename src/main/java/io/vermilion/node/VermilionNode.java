package io.vermilion.node;

import io.vermilion.cluster.runtime.ClusterCommands;
import io.vermilion.cluster.runtime.ClusterRouter;
import io.vermilion.cluster.runtime.ClusterState;
import io.vermilion.commands.BitCommands;
import io.vermilion.commands.ClientCommands;
import io.vermilion.commands.CommandCommands;
import io.vermilion.commands.ConfigCommands;
import io.vermilion.commands.HllCommands;
import io.vermilion.commands.ConnectionCommands;
import io.vermilion.commands.InfoCommand;
import io.vermilion.commands.KeyCommands;
import io.vermilion.commands.ListCommands;
import io.vermilion.commands.LatencyCommands;
import io.vermilion.commands.MemoryCommands;
import io.vermilion.commands.MigrateCommands;
import io.vermilion.commands.PersistenceCommands;
import io.vermilion.commands.SetCommands;
import io.vermilion.commands.ServerCommands;
import io.vermilion.commands.StringCommands;
import io.vermilion.commands.TransactionCommands;
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
    private final io.vermilion.replication.Replication replication;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Cluster mode state (cluster-enabled yes), else null. */
    private final ClusterState cluster;
    /** TLS contexts, the tls-port listener and their CONFIG SET hooks (docs/tls.md). */
    private final io.vermilion.net.tls.Tls tls;
    private volatile boolean closed;

    public VermilionNode(Config config) {
        this.config = config;
        Keyspace keyspace = new Keyspace(config.getInt("databases"));
        this.server = new Server(config, keyspace);
        trackAccess(config, keyspace);
        this.persistence = new Persistence(server);
        this.replication = new io.vermilion.replication.Replication(server);
        registerCommands(server.commands());
        io.vermilion.pubsub.PubSub pubsub = io.vermilion.pubsub.PubSub.install(server);
        io.vermilion.scripting.Scripting.of(server); // before any load: RDB files may carry functions
        // The shared RDB codecs load sets with this node's intset threshold (see SetCodec).
        io.vermilion.persistence.rdb.SetCodec.maxIntsetEntries(config.getLong("set-max-intset-entries"));
        config.addListener("set-max-intset-entries",
                v -> io.vermilion.persistence.rdb.SetCodec.maxIntsetEntries(config.getLong("set-max-intset-entries")));
        // ... and sorted sets with its listpack thresholds (see ZSetCodec).
        Runnable zsetLimits = () -> io.vermilion.persistence.rdb.ZSetCodec.limits(
                config.getLong("zset-max-listpack-entries"), config.getLong("zset-max-listpack-value"));
        zsetLimits.run();
        config.addListener("zset-max-listpack-entries", v -> zsetLimits.run());
        config.addListener("zset-max-listpack-value", v -> zsetLimits.run());
        this.net = new NetServer("vermilion-" + config.getInt("port"), config.getInt("io-threads"));
        server.loop(net.loop());
        this.tls = new io.vermilion.net.tls.Tls(config, server.log());
        if (server.clusterEnabled()) {
            cluster = new ClusterState(server);
            cluster.replication(new ClusterReplicationBridge(replication));
            replication.manualFailoverPaused(cluster::manualFailoverPaused);
            server.router(new ClusterRouter(cluster));
            pubsub.cluster(cluster::propagatePublish, server.keyspace()::slotOf);
            cluster.publishListener(pubsub::publishLocal);
            cluster.shardSlotListener(pubsub::slotRemoved);
        } else {
            cluster = null;
        }
        // ACL users, requirepass, rename-command and the aclfile (see docs/security.md).
        io.vermilion.acl.SecurityConfig.apply(server, new io.vermilion.acl.Acl(server));
    }

    /** Every command family, in one list: adding a family is one line here. */
    static void registerCommands(CommandTable t) {
        ConnectionCommands.register(t);
        io.vermilion.commands.AclCommands.register(t);
        ClientCommands.register(t);
        TransactionCommands.register(t);
        StringCommands.register(t);
        io.vermilion.commands.HashCommands.register(t);
        io.vermilion.commands.StreamCommands.register(t);
        BitCommands.register(t); HllCommands.register(t);
        io.vermilion.commands.GeoCommands.register(t);
        KeyCommands.register(t);
        ListCommands.register(t);
        io.vermilion.commands.ZSetCommands.register(t);
        SetCommands.register(t);
        io.vermilion.commands.SortCommands.register(t);
        ServerCommands.register(t);
        InfoCommand.register(t);
        ConfigCommands.register(t);
        CommandCommands.register(t);
        LatencyCommands.register(t);
        MemoryCommands.register(t);
        PersistenceCommands.register(t);
        MigrateCommands.register(t);
        ClusterCommands.register(t);
        io.vermilion.commands.ScriptingCommands.register(t);
        io.vermilion.commands.FunctionCommands.register(t);
        io.vermilion.replication.ReplicationCommands.register(t);
        io.vermilion.commands.PubSubCommands.register(t);
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
    /** The node's replication (REPLICAOF, offsets, replicas; see docs/replication.md). */
    public io.vermilion.replication.Replication replication() { return replication; }
    /** The cluster state in cluster mode, else null. */
    public ClusterState cluster() { return cluster; }
    public io.vermilion.net.tls.Tls tls() { return tls; }

    /** Binds the port and starts the timers. */
    public VermilionNode start() throws Exception {
        server.log().level(config.get("loglevel"));
        List<String> binds = bindAddresses(config.get("bind"));
        try {
            tls.configureAtStartup();
        } catch (io.vermilion.net.tls.TlsException e) {
            net.close();
            throw e;
        }
        // tls-replication: the link to a master gets its TLS handler from here (docs/tls.md).
        replication.tls(tls::replicationConnector);
        if (cluster != null) {
            cluster.tls(new io.vermilion.cluster.runtime.BusTls() {
                @Override public io.netty.channel.ChannelHandler accepted(io.netty.channel.Channel ch) {
                    return tls.busAccepted(ch);
                }
                @Override public io.netty.channel.ChannelHandler connecting(io.netty.channel.Channel ch, String host, int port) {
                    return tls.busConnector(ch, host, port);
                }
            });
            // As Redis: lock and load nodes.conf and bind the bus port before serving clients.
            try {
                cluster.init();
                // With tls-cluster the bus port derives from tls-port, as in Redis.
                cluster.start(server.loop(), binds, config.getBool("tls-cluster") ? config.getInt("tls-port")
                        : config.getInt("port"));
            } catch (Exception e) {
                cluster.close();
                net.close();
                throw e;
            }
        }
        config.addListener("loglevel", v -> server.log().level(v));
        // Loading until the data files are read: a client connecting between listen() and the
        // start of the load must get -LOADING, not an empty dataset.
        server.loading(true);
        net.listen(server, binds, config.getInt("port"), config.getInt("tcp-backlog"));
        server.tcpPort(Math.max(0, net.boundPort()));
        try {
            tls.start(net, binds);
        } catch (io.vermilion.net.tls.TlsException e) {
            if (cluster != null) cluster.close();
            net.close();
            throw e;
        }
        server.log().notice("Network transport: " + (net.nativeTransport() ? "native epoll" : "NIO"));
        // CONFIG SET port / bind move the listeners at once; a failure vetoes the change.
        config.addListener("port", v -> {
            int port = Integer.parseInt(v);
            if (port == net.boundPortSetting()) return;
            if (!net.rebind(server, net.boundAddresses(), port)) {
                server.log().warning("Failed applying new configuration. Possibly related to new port setting. "
                        + "Restoring previous settings.");
                throw new IllegalStateException("Unable to listen on this port. Check server logs.");
            }
            server.tcpPort(port);
        });
        config.addListener("bind", v -> {
            List<String> addrs = bindAddresses(v);
            if (addrs.equals(net.boundAddresses())) return;
            if (!net.rebind(server, addrs, net.boundPortSetting())) {
                server.log().warning("Failed applying new configuration. Possibly related to new bind setting. "
                        + "Restoring previous settings.");
                throw new IllegalStateException("Failed to bind to specified addresses.");
            }
        });
        server.multiplexingApi(net.nativeTransport() ? "epoll" : "java nio");
        scheduleCron(config.getInt("hz"));
        // CONFIG SET hz changes the cron frequency at once, as in Redis.
        config.addListener("hz", v -> server.loop().execute(() -> scheduleCron(Integer.parseInt(v))));
        // As Redis: the port listens while the dataset loads (clients get -LOADING meanwhile).
        try {
            loadData();
        } catch (DataLoadException e) {
            close();
            awaitStop();
            throw e;
        }
        replication.start(persistence);
        return this;
    }

    private java.util.concurrent.ScheduledFuture<?> cronTask;
    private long lastMetricsSampleMs;

    private void scheduleCron(int configuredHz) {
        if (cronTask != null) cronTask.cancel(false);
        int hz = Math.max(1, Math.min(500, configuredHz));
        cronTask = server.loop().scheduleAtFixedRate(this::cron, 1000 / hz, 1000 / hz, TimeUnit.MILLISECONDS);
    }

    public int port() { return server.tcpPort(); }

    /**
     * Loads the dataset from disk: this thread reads the files, the event loop applies them in
     * slices while it keeps serving connections. In cluster mode the data is then checked against
     * the slot map, as Redis does (keys outside database 0 are fatal).
     */
    private void loadData() throws DataLoadException, InterruptedException {
        persistence.loadAtStartup();
        try {
            server.loop().submit(() -> server.loading(false)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (cluster == null) return;
        try {
            boolean ok = server.loop().submit(cluster::verifyConfigWithData).get();
            if (!ok) {
                throw new DataLoadException("You can't have keys in a DB different than DB 0 when in Cluster mode. Exiting.",
                        null);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new DataLoadException("Fatal error checking the data against the cluster configuration: " + e.getCause(),
                    e.getCause());
        }
    }

    /** The bind directive's addresses; none means Redis's default, every IPv4 and (optionally) IPv6 address. */
    static List<String> bindAddresses(String bind) {
        String b = bind.trim();
        return b.isEmpty() ? List.of("*", "-::*") : Arrays.asList(b.split("\\s+"));
    }

    /** Periodic work on the command thread (Redis's serverCron): active expiry, client timeouts. */
    private void cron() {
        try {
            long nowMs = System.currentTimeMillis();
            if (nowMs - lastMetricsSampleMs >= 100) {
                // INFO's instantaneous_* figures are sampled every 100 ms, whatever hz is.
                server.metrics().sample(server.stats(), nowMs);
                server.maxMemory().refreshClients();
                server.notePeakMemory(server.maxMemory().usedMemory());
                lastMetricsSampleMs = nowMs;
            }
            long deadline = System.nanoTime() + 2_500_000; // at most 25% of a 10 Hz tick
            // While clients are paused the dataset must not change, so no active expiry (as Redis);
            // nor while it loads (and no saving of a half-loaded dataset).
            boolean loading = server.loading();
            while (!loading && !server.paused() && server.keyspace().activeExpireCycle(1000) > 100
                    && System.nanoTime() < deadline) {
                // keep going while many keys are expiring
            }
            if (!loading) persistence.cron();
            server.clientLimits().cron(); // output buffer soft limits, INFO peaks (docs/limits.md)
            long timeout = config.getLong("timeout");
            if (timeout > 0) {
                long now = System.currentTimeMillis();
                for (io.vermilion.server.Client c : List.copyOf(server.clients().values())) {
                    // Monitors, subscribers and blocked clients wait legitimately: never timed out.
                    if (c.isMonitor() || c.pubsub() || c.blocked() || !c.type().equals("normal")) continue;
                    if (now - clientLastInteraction(c) > timeout * 1000) {
                        server.log().verbose("Closing idle client");
                        c.kill();
                    }
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
        tls.close();
        net.close();
        // The event loop has ended: nothing else touches persistence state now.
        persistence.close();
        stopped.countDown();
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }
}
