package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.info;
import static io.vermilion.cluster.ClusterAssert.need;
import static io.vermilion.cluster.ClusterAssert.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * Replica failover over the cluster bus, with real processes and real clients: a cluster of 3
 * masters + 3 replicas made by the real {@code redis-cli --cluster create --cluster-replicas 1};
 * kill -9 of a master under a JedisCluster workload (its replica is promoted, every survivor
 * says ok, the client goes on writing), the old master rejoining as a replica, manual CLUSTER
 * FAILOVER (default, FORCE, TAKEOVER) and replica migration to an orphaned master; and a mixed
 * cluster where a Vermilion replica takes over a real redis-server master and a real replica
 * takes over a Vermilion master, with votes from both kinds.
 *
 * <p>cluster-node-timeout is 1000 ms to keep the test short; cluster-replica-validity-factor is
 * the default (10): the replicas sync their master's data, so their data is fresh when they run
 * for election. Data is checked across every role change: keys acknowledged by WAIT before a kill
 * are read back from the promoted replica, the restarted old master resyncs (partially on
 * Vermilion, from the repl-id/offset of its RDB), and a master demoted by CLUSTER FAILOVER
 * continues partially (sync_partial_ok of the new master grows, sync_full does not).
 *
 * <p>A replica answers -LOADING while it loads its master's snapshot (as Redis does for most
 * commands): every command sent to a node goes through {@link #on}, which retries LOADING within
 * a bounded wait, and {@link #awaitSynced} waits for link up and loading:0.
 */
class FailoverIT {
    private static final long NODE_TIMEOUT = 1000;

    @TempDir
    Path tmp;

    private final List<ServerProcess> procs = new ArrayList<>();
    private final List<Kind> kinds = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) if (p != null) p.close();
    }

    /**
     * A node joins with a longer node timeout: the handshake of a new node must finish within
     * max(node-timeout, 1 s), which a JVM starting on a loaded 2-core machine can miss (the node
     * is then left out and redis-cli waits forever for the cluster to join). Once joined, every
     * node is set to {@link #NODE_TIMEOUT} (CONFIG SET), and restarted nodes start with it.
     */
    private static final long JOIN_TIMEOUT = 5000;

    private static List<String> args(long nodeTimeout) {
        // No 5 s wait for more replicas before a diskless full sync (repl-diskless-sync-delay's
        // default): the test waits for every sync.
        return new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-node-timeout",
                Long.toString(nodeTimeout), "--cluster-config-file", "nodes.conf", "--repl-diskless-sync-delay", "0"));
    }

    /** CONFIG SET cluster-node-timeout NODE_TIMEOUT on these nodes (once they have joined). */
    private void joined(List<Integer> which) {
        for (int i : which) on(i, j -> j.configSet("cluster-node-timeout", Long.toString(NODE_TIMEOUT)));
    }

    /** Starts the nodes in parallel (each JVM takes a while on a busy machine). */
    private void add(Kind... ks) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(Math.min(3, ks.length)); // 2 cores: not all JVMs at once
        try {
            List<Future<ServerProcess>> fs = new ArrayList<>();
            for (Kind kind : ks) {
                int port = Ports.free();
                Path dir = tmp.resolve(kind.name().toLowerCase() + "-" + port);
                Files.createDirectories(dir);
                kinds.add(kind);
                ports.add(port);
                dirs.add(dir);
                procs.add(null);
                fs.add(ex.submit(() -> ServerProcess.start(kind, port, dir, null, args(JOIN_TIMEOUT))));
            }
            int base = procs.size() - ks.length;
            for (int i = 0; i < fs.size(); i++) procs.set(base + i, fs.get(i).get());
        } finally {
            ex.shutdown();
        }
    }

    private void restart(int i) throws Exception {
        procs.set(i, ServerProcess.start(kinds.get(i), ports.get(i), dirs.get(i), null, args(NODE_TIMEOUT)));
    }

    private Jedis jedis(int i) {
        return new Jedis("127.0.0.1", ports.get(i), 5000);
    }

    private String id(int i) {
        return on(i, Jedis::clusterMyId);
    }

    /**
     * Runs one exchange with node i on a fresh connection; a -LOADING answer (the node is loading
     * its master's snapshot) is retried for up to 30 s, anything else fails at once.
     */
    private <T> T on(int i, java.util.function.Function<Jedis, T> f) {
        java.util.concurrent.atomic.AtomicReference<T> out = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsMatching(FailoverIT::loading).until(() -> {
                    try (Jedis j = jedis(i)) {
                        out.set(f.apply(j));
                    }
                    return true;
                });
        return out.get();
    }

    private static java.util.Map<String, String> section(Jedis j, String name) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        for (String line : j.info(name).split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && !line.startsWith("#")) m.put(line.substring(0, c), line.substring(c + 1));
        }
        return m;
    }

    /** A field of INFO stats (sync_full, sync_partial_ok, ...). */
    private long stat(int i, String field) {
        return Long.parseLong(on(i, j -> section(j, "stats").get(field)));
    }

    /** Every live replica among 'which': master link up, nothing loading, offset caught up with its master's. */
    private void awaitSynced(List<Integer> which) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptionsMatching(FailoverIT::loading)
                .untilAsserted(() -> {
                    for (int i : which) {
                        if (procs.get(i) == null || !procs.get(i).isAlive()) continue;
                        try (Jedis j = jedis(i)) {
                            java.util.Map<String, String> r = section(j, "replication");
                            assertThat(section(j, "persistence").get("loading")).as("node %d loading", i).isEqualTo("0");
                            if (!"slave".equals(r.get("role"))) continue;
                            assertThat(r.get("master_link_status")).as("node %d link", i).isEqualTo("up");
                            try (Jedis m = new Jedis(r.get("master_host"), Integer.parseInt(r.get("master_port")), 5000)) {
                                long mo = Long.parseLong(section(m, "replication").get("master_repl_offset"));
                                assertThat(Long.parseLong(r.get("slave_repl_offset"))).as("node %d offset", i)
                                        .isGreaterThanOrEqualTo(mo);
                            }
                        }
                    }
                });
    }

    /** n keys that hash to slots served by the node with that id (as node i sees it). */
    private List<String> keysOf(int i, String id, String prefix, int n) {
        List<io.vermilion.cluster.SlotRange> ranges = on(i, j -> need(j, id).slots());
        List<String> keys = new ArrayList<>();
        for (int k = 0; keys.size() < n; k++) {
            String key = prefix + k;
            int slot = io.vermilion.util.HashSlot.of(key.getBytes());
            if (ranges.stream().anyMatch(r -> r.contains(slot))) keys.add(key);
        }
        return keys;
    }

    /** Writes key=key on node i in one pipeline, then WAIT 1: the replica has acknowledged them all. */
    private void writeAcknowledged(int i, List<String> keys) {
        on(i, j -> {
            redis.clients.jedis.Pipeline p = j.pipelined();
            for (String k : keys) p.set(k, k);
            p.sync();
            assertThat(j.waitReplicas(1, 10_000)).as("WAIT 1 on node %d", i).isEqualTo(1L);
            return null;
        });
    }

    /** Every key reads back as its own value from node i (a master for them, or a READONLY replica). */
    private void assertHolds(int i, List<String> keys, String when) {
        List<String> got = on(i, j -> {
            if (section(j, "replication").get("role").equals("slave")) j.readonly();
            redis.clients.jedis.Pipeline p = j.pipelined();
            List<redis.clients.jedis.Response<String>> rs = new ArrayList<>();
            for (String k : keys) rs.add(p.get(k)); // one key per GET: they span several slots
            p.sync();
            return rs.stream().map(redis.clients.jedis.Response::get).toList();
        });
        assertThat(got).as("%s: the %d keys on node %d", when, keys.size(), i).isEqualTo(keys);
    }

    private int indexOf(String id) {
        for (int i = 0; i < ports.size(); i++) {
            if (procs.get(i) != null && procs.get(i).isAlive() && id(i).equals(id)) return i;
        }
        throw new AssertionError("no live node with id " + id);
    }

    /** redis-cli --cluster create over the given nodes, in this order, with that many replicas each. */
    private void create(List<Integer> which, int replicas) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("--cluster", "create"));
        for (int i : which) cmd.add("127.0.0.1:" + ports.get(i));
        cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
        RedisCli.Result r = RedisCli.run(cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.plain()).isZero();
        assertThat(r.plain()).contains("[OK] All 16384 slots covered.");
    }

    /** Every listed node: state ok, and the same masters/replicas/slots/epochs as the others, nobody failing. */
    private void awaitAgreement(List<Integer> which, Duration max) {
        await().atMost(max).pollInterval(Duration.ofMillis(100)).ignoreExceptionsMatching(FailoverIT::loading).untilAsserted(() -> {
            Set<String> first = null;
            for (int i : which) {
                Set<String> view = new HashSet<>();
                try (Jedis j = jedis(i)) {
                    assertThat(info(j, "cluster_state")).as("node %d (%s)", i, kinds.get(i)).isEqualTo("ok");
                    for (ClusterNodeInfo n : nodes(j)) {
                        if (n.hasFlag(NodeFlags.FAIL) && !which.contains(portIndex(n.port()))) continue;
                        assertThat(n.hasFlag(NodeFlags.FAIL | NodeFlags.PFAIL | NodeFlags.HANDSHAKE))
                                .as("node %d sees %s", i, n.id()).isFalse();
                        view.add(n.id() + " " + NodeFlags.render(n.flags() & (NodeFlags.MASTER | NodeFlags.SLAVE))
                                + " " + n.masterId() + " " + n.configEpoch() + " " + n.slots());
                    }
                }
                if (first == null) first = view;
                else assertThat(view).as("view of node %d", i).isEqualTo(first);
            }
        });
    }

    private int portIndex(int port) {
        return ports.indexOf(port);
    }

    /** Masters (by index) and, for each, the index of its replica, from node 'from's view. */
    private List<int[]> shards(int from) {
        List<ClusterNodeInfo> all = on(from, ClusterAssert::nodes);
        List<int[]> out = new ArrayList<>();
        for (ClusterNodeInfo m : all) {
            if (!m.hasFlag(NodeFlags.MASTER)) continue;
            int replica = -1;
            for (ClusterNodeInfo r : all) {
                if (r.hasFlag(NodeFlags.SLAVE) && m.id().equals(r.masterId())) replica = portIndex(r.port());
            }
            out.add(new int[] {portIndex(m.port()), replica});
        }
        return out;
    }

    private long awaitPromoted(int replica, String oldMasterId, List<Integer> survivors) {
        long t0 = System.nanoTime();
        String rid = id(replica);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptionsMatching(FailoverIT::loading).untilAsserted(() -> {
            for (int i : survivors) {
                try (Jedis j = jedis(i)) {
                    ClusterNodeInfo n = need(j, rid);
                    assertThat(n.hasFlag(NodeFlags.MASTER)).as("node %d sees %d as master", i, replica).isTrue();
                    assertThat(n.slots()).isNotEmpty();
                    assertThat(info(j, "cluster_state")).as("node %d", i).isEqualTo("ok");
                }
            }
        });
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void threeMastersThreeReplicasFailOverUnderAJedisClusterWorkload() throws Exception {
        // six for the cluster, a seventh that joins later for replica migration
        add(Kind.VERMILION, Kind.VERMILION, Kind.VERMILION, Kind.VERMILION, Kind.VERMILION, Kind.VERMILION, Kind.VERMILION);
        List<Integer> all = List.of(0, 1, 2, 3, 4, 5);
        create(all, 1);
        awaitAgreement(all, Duration.ofSeconds(30));
        joined(all);
        awaitSynced(all);
        List<int[]> shards = shards(0);
        assertThat(shards).hasSize(3).allSatisfy(s -> assertThat(s[1]).isNotNegative());
        int master = shards.get(0)[0];
        int replica = shards.get(0)[1];
        String masterId = id(master);
        String replicaId = id(replica);

        on(master, j -> {
            // CLUSTER REPLICAS / SLAVES list the replica; the replica's own view says slave of master.
            assertThat(j.clusterReplicas(masterId)).hasSize(1);
            assertThat(j.clusterReplicas(masterId).get(0)).startsWith(replicaId + " 127.0.0.1:" + ports.get(replica));
            return null;
        });
        on(replica, j -> {
            ClusterNodeInfo me = need(j, replicaId);
            assertThat(me.hasFlag(NodeFlags.MYSELF | NodeFlags.SLAVE)).isTrue();
            assertThat(me.masterId()).isEqualTo(masterId);
            assertThat(ClusterAssert.error(j, "SET", keyServedBy(j, masterId), "v")).startsWith("MOVED ");
            assertThat(ClusterAssert.error(j, "CLUSTER", "REPLICATE", replicaId)).isEqualTo("ERR Can't replicate myself");
            return null;
        });
        // nodes.conf on disk records the role too.
        assertThat(Files.readString(dirs.get(replica).resolve("nodes.conf"))).contains("myself,slave " + masterId);

        // Keys acknowledged by WAIT 1 on the master before the kill; SAVE writes its RDB with its
        // repl-id/offset, from which it continues partially when it comes back.
        List<String> before = keysOf(master, masterId, "acked:", 500);
        writeAcknowledged(master, before);
        on(master, Jedis::save);

        // A JedisCluster workload writes all the time.
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Set<HostAndPort> seeds = new HashSet<>();
        for (int i : all) if (i != master) seeds.add(new HostAndPort("127.0.0.1", ports.get(i)));
        Thread writer;
        try (JedisCluster jc = new JedisCluster(seeds, 1000, 1000, 3, null)) {
            writer = new Thread(() -> {
                long k = 0;
                while (!stop.get()) {
                    try {
                        jc.set("key:" + (k++ % 1000), "v" + k);
                        ok.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        try {
                            Thread.sleep(50); // back off while the cluster is down
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            });
            writer.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 200);

            procs.get(master).kill();
            List<Integer> survivors = new ArrayList<>(all);
            survivors.remove(Integer.valueOf(master));
            long ms = awaitPromoted(replica, masterId, survivors);
            System.out.println("failover: replica promoted and all survivors ok " + ms + " ms after kill -9 (node timeout "
                    + NODE_TIMEOUT + ")");
            on(replica, j -> {
                ClusterNodeInfo me = need(j, replicaId);
                assertThat(me.configEpoch()).isEqualTo(Long.parseLong(info(j, "cluster_current_epoch")));
                return null;
            });
            // What the dead master acknowledged is on the new one.
            assertHolds(replica, before, "after the kill -9 failover");
            // The client goes on: writes succeed again, including to the slots of the dead master.
            long okBefore = ok.get();
            await().atMost(Duration.ofSeconds(15)).until(() -> ok.get() > okBefore + 500);
            String k = keyServedByNode(replica);
            jc.set(k, "after");
            assertThat(jc.get(k)).isEqualTo("after");
            stop.set(true);
            writer.join(5000);
            System.out.println("failover: workload " + ok.get() + " writes ok, " + failed.get() + " failed attempts");

            // The old master returns, follows the new one and continues partially from its RDB.
            long fullBefore = stat(replica, "sync_full");
            long partialBefore = stat(replica, "sync_partial_ok");
            restart(master);
            awaitAgreement(all, Duration.ofSeconds(30));
            awaitSynced(all);
            on(master, j -> {
                ClusterNodeInfo me = need(j, masterId);
                assertThat(me.hasFlag(NodeFlags.SLAVE)).isTrue();
                assertThat(me.masterId()).isEqualTo(replicaId);
                return null;
            });
            assertThat(procs.get(master).log()).as("log of the new master:%n%s", procs.get(replica).log())
                    .contains("Successful partial resynchronization with master.");
            assertThat(stat(replica, "sync_partial_ok")).as("the restarted old master continued partially")
                    .isEqualTo(partialBefore + 1);
            assertThat(stat(replica, "sync_full")).isEqualTo(fullBefore);
            assertHolds(master, before, "on the restarted old master");
            long oldSize = on(master, Jedis::dbSize);
            long newSize = on(replica, Jedis::dbSize);
            assertThat(oldSize).isEqualTo(newSize);
        }

        // Manual failover, default form: the old master asks, its master pauses and agrees.
        manual(master, replica, null, all);
        // FORCE: without the master's agreement.
        manual(replica, master, "FORCE", all);
        // TAKEOVER: without any vote.
        manual(master, replica, "TAKEOVER", all);
        assertHolds(master, before, "after three manual failovers");
        // Back to back, each node asking again a moment after its own election: a request must
        // start a new election rather than wait out (or reuse) the last one, and the masters must
        // vote about the same master again within 2 x node-timeout.
        manual(replica, master, "FORCE", all);
        manual(master, replica, "FORCE", all);
        manual(replica, master, null, all);
        manual(master, replica, null, all);
        assertHolds(master, before, "after seven manual failovers");
        on(replica, j -> {
            assertThat(ClusterAssert.error(j, "CLUSTER", "FAILOVER", "bogus")).isEqualTo("ERR syntax error");
            return null;
        });
        on(master, j -> {
            assertThat(ClusterAssert.error(j, "CLUSTER", "FAILOVER")).isEqualTo("ERR You should send CLUSTER FAILOVER to a replica");
            return null;
        });
        assertThat(procs.get(replica).log()).contains("Manual failover requested by replica " + masterId);

        replicaMigratesToAnOrphanedMaster(all);
    }

    /**
     * CLUSTER FAILOVER [opt] on 'replica' (now a replica of 'master'): roles swap, everybody
     * agrees, and the demoted master continues partially from the new one (PSYNC2: its history is
     * the new master's replid2).
     */
    private void manual(int replica, int master, String opt, List<Integer> all) throws Exception {
        String rid = id(replica);
        String mid = id(master);
        awaitSynced(all);
        long fullBefore = stat(replica, "sync_full");
        long partialBefore = stat(replica, "sync_partial_ok");
        long t0 = System.nanoTime();
        Object r = on(replica, j -> opt == null ? ClusterAssert.call(j, "CLUSTER", "FAILOVER")
                : ClusterAssert.call(j, "CLUSTER", "FAILOVER", opt));
        assertThat(r).isEqualTo("OK");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptionsMatching(FailoverIT::loading).untilAsserted(() -> {
            for (int i : all) {
                try (Jedis j = jedis(i)) {
                    assertThat(need(j, rid).hasFlag(NodeFlags.MASTER)).as("node %d sees %s as master", i, rid).isTrue();
                    ClusterNodeInfo m = need(j, mid);
                    assertThat(m.hasFlag(NodeFlags.SLAVE)).as("node %d sees %s as replica", i, mid).isTrue();
                    assertThat(m.masterId()).isEqualTo(rid);
                }
            }
        });
        System.out.println("failover: CLUSTER FAILOVER " + (opt == null ? "" : opt) + " done in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        awaitAgreement(all, Duration.ofSeconds(20));
        awaitSynced(all);
        assertThat(stat(replica, "sync_partial_ok")).as("CLUSTER FAILOVER %s: the demoted master continued partially", opt)
                .isEqualTo(partialBefore + 1);
        assertThat(stat(replica, "sync_full")).isEqualTo(fullBefore);
    }

    /** A replica answers LOADING while it loads its master's snapshot, as Redis does for CLUSTER NODES/INFO. */
    private static boolean loading(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith("LOADING");
    }

    /** A key in a slot the node with that id serves. */
    private static String keyServedBy(Jedis j, String id) {
        ClusterNodeInfo n = need(j, id);
        int slot = n.slots().get(0).start();
        for (int k = 0; ; k++) {
            String key = "k" + k;
            if (io.vermilion.util.HashSlot.of(key.getBytes()) == slot) return key;
        }
    }

    private String keyServedByNode(int i) {
        return on(i, j -> keyServedBy(j, j.clusterMyId()));
    }

    /**
     * Replica migration: node 6 joins as a second replica of one master; the replica of another
     * master is killed, so that master is orphaned; with cluster-migration-barrier 1 the replica
     * with the smallest id among the rich master's moves there after the 5 s orphan delay, and
     * syncs the orphan's data.
     */
    private void replicaMigratesToAnOrphanedMaster(List<Integer> six) throws Exception {
        List<int[]> shards = shards(0);
        int rich = shards.get(0)[0];
        int poor = shards.get(1)[0];
        int poorReplica = shards.get(1)[1];
        String richId = id(rich);
        String poorId = id(poor);
        awaitSynced(six);
        RedisCli.Result r = RedisCli.run("--cluster", "add-node", "127.0.0.1:" + ports.get(6), "127.0.0.1:" + ports.get(rich),
                "--cluster-slave", "--cluster-master-id", richId);
        assertThat(r.plain()).as(r.plain()).contains("[OK] New node added correctly.");
        List<Integer> all = new ArrayList<>(six);
        all.add(6);
        awaitAgreement(all, Duration.ofSeconds(30));
        joined(List.of(6));
        awaitSynced(all);
        List<String> richReplicas = on(rich, j -> j.clusterReplicas(richId));
        assertThat(richReplicas).hasSize(2);
        List<String> orphanKeys = keysOf(poor, poorId, "orphan:", 200);
        writeAcknowledged(poor, orphanKeys);
        procs.get(poorReplica).kill();
        long t0 = System.nanoTime();
        List<Integer> rest = new ArrayList<>(all);
        rest.remove(Integer.valueOf(poorReplica));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptionsMatching(FailoverIT::loading).untilAsserted(() -> {
            for (int i : rest) {
                try (Jedis j = jedis(i)) {
                    long working = nodes(j).stream()
                            .filter(n -> poorId.equals(n.masterId()) && !n.hasFlag(NodeFlags.FAIL | NodeFlags.PFAIL)).count();
                    assertThat(working).as("node %d sees a working replica of the orphan", i).isEqualTo(1);
                    assertThat(j.clusterReplicas(richId)).hasSize(1);
                }
            }
        });
        System.out.println("failover: replica migrated to the orphaned master " + (System.nanoTime() - t0) / 1_000_000
                + " ms after its replica was killed");
        assertThat(String.join("", procs.stream().map(ServerProcess::log).toList())).contains("Migrating to orphaned master " + poorId);
        // The migrated replica holds the orphan's data.
        int migrated = -1;
        for (ClusterNodeInfo n : on(poor, ClusterAssert::nodes)) {
            if (poorId.equals(n.masterId()) && !n.hasFlag(NodeFlags.FAIL | NodeFlags.PFAIL)) migrated = portIndex(n.port());
        }
        awaitSynced(rest);
        assertHolds(migrated, orphanKeys, "on the replica that migrated to the orphan");
    }

    /**
     * Real redis-server and Vermilion in one cluster, in both roles: a Vermilion replica takes
     * over a real master's slots, then a real replica takes over a Vermilion master's, each time
     * with votes from both kinds of masters and the keys the dead master acknowledged on the new one.
     */
    @Test
    void mixedClusterFailsOverBothWays() throws Exception {
        // masters: R, V, R ; replicas: V of master 0, R of master 1, V of master 2
        add(Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION);
        List<Integer> all = List.of(0, 1, 2, 3, 4, 5);
        create(List.of(0, 1, 2), 0);
        int[][] pairs = {{3, 0}, {4, 1}, {5, 2}};
        List<Integer> inCluster = new ArrayList<>(List.of(0, 1, 2));
        for (int[] p : pairs) {
            // redis-cli refuses to add a node while the nodes disagree ("Nodes don't agree about
            // configuration!"): the node added just before must have learnt every master's slots.
            awaitAgreement(inCluster, Duration.ofSeconds(30));
            RedisCli.Result r = RedisCli.run("--cluster", "add-node", "127.0.0.1:" + ports.get(p[0]),
                    "127.0.0.1:" + ports.get(1), "--cluster-slave", "--cluster-master-id", id(p[1]));
            assertThat(r.plain()).as(r.plain()).contains("[OK] New node added correctly.");
            inCluster.add(p[0]);
        }
        awaitAgreement(all, Duration.ofSeconds(30));
        joined(all);
        awaitSynced(all);
        String[] ids = new String[6];
        for (int i : all) ids[i] = id(i);

        // kill -9 the real master 0: Vermilion replica 3 is elected and has its data.
        List<String> real = keysOf(0, ids[0], "real:", 300);
        writeAcknowledged(0, real);
        procs.get(0).kill();
        long ms = awaitPromoted(3, ids[0], List.of(1, 2, 3, 4, 5));
        System.out.println("failover: Vermilion replica took over a real master in " + ms + " ms");
        assertThat(procs.get(1).log() + procs.get(2).log()).contains("Failover auth granted to " + ids[3]);
        assertHolds(3, real, "Vermilion replica promoted over a real master");
        restart(0);
        awaitAgreement(all, Duration.ofSeconds(30));
        awaitSynced(all);
        String followed = on(1, j -> need(j, ids[0]).masterId());
        assertThat(followed).isEqualTo(ids[3]);
        assertHolds(0, real, "the real old master resynced from its Vermilion successor");

        // kill -9 the Vermilion master 1: real replica 4 is elected (voters: Vermilion 3, real 2).
        List<String> ours = keysOf(1, ids[1], "ours:", 300);
        writeAcknowledged(1, ours);
        procs.get(1).kill();
        ms = awaitPromoted(4, ids[1], List.of(0, 2, 3, 4, 5));
        System.out.println("failover: real replica took over a Vermilion master in " + ms + " ms");
        assertThat(procs.get(3).log()).contains("Failover auth granted to " + ids[4]);
        assertHolds(4, ours, "real replica promoted over a Vermilion master");
        restart(1);
        awaitAgreement(all, Duration.ofSeconds(30));
        awaitSynced(all);
        on(4, j -> {
            ClusterNodeInfo old = need(j, ids[1]);
            assertThat(old.hasFlag(NodeFlags.SLAVE)).isTrue();
            assertThat(old.masterId()).isEqualTo(ids[4]);
            return null;
        });
        assertHolds(1, ours, "the Vermilion old master resynced from its real successor");
    }
}
