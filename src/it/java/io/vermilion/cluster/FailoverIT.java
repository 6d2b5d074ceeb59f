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
 * <p>cluster-node-timeout is 1000 ms to keep the test short. Data replication is not part of
 * this test (ReplicationIT's business): the assertions are about roles, slots, epochs, state and
 * client continuity.
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

    private static List<String> args(Kind kind) {
        List<String> a = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-node-timeout",
                Long.toString(NODE_TIMEOUT), "--cluster-config-file", "nodes.conf"));
        // Replicas here do not sync data (ReplicationIT's business), and a replica that never
        // synced has data too old for cluster-replica-validity-factor, as in Redis: 0 disables
        // that check on both kinds so that the elections themselves are tested.
        a.addAll(List.of("--cluster-replica-validity-factor", "0"));
        return a;
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
                fs.add(ex.submit(() -> ServerProcess.start(kind, port, dir, null, args(kind))));
            }
            int base = procs.size() - ks.length;
            for (int i = 0; i < fs.size(); i++) procs.set(base + i, fs.get(i).get());
        } finally {
            ex.shutdown();
        }
    }

    private void restart(int i) throws Exception {
        procs.set(i, ServerProcess.start(kinds.get(i), ports.get(i), dirs.get(i), null, args(kinds.get(i))));
    }

    private Jedis jedis(int i) {
        return new Jedis("127.0.0.1", ports.get(i), 5000);
    }

    private String id(int i) {
        try (Jedis j = jedis(i)) {
            return j.clusterMyId();
        }
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
        await().atMost(max).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
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
        List<int[]> out = new ArrayList<>();
        try (Jedis j = jedis(from)) {
            List<ClusterNodeInfo> all = nodes(j);
            for (ClusterNodeInfo m : all) {
                if (!m.hasFlag(NodeFlags.MASTER)) continue;
                int replica = -1;
                for (ClusterNodeInfo r : all) {
                    if (r.hasFlag(NodeFlags.SLAVE) && m.id().equals(r.masterId())) replica = portIndex(r.port());
                }
                out.add(new int[] {portIndex(m.port()), replica});
            }
        }
        return out;
    }

    private long awaitPromoted(int replica, String oldMasterId, List<Integer> survivors) {
        long t0 = System.nanoTime();
        String rid = id(replica);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
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
        List<int[]> shards = shards(0);
        assertThat(shards).hasSize(3).allSatisfy(s -> assertThat(s[1]).isNotNegative());
        int master = shards.get(0)[0];
        int replica = shards.get(0)[1];
        String masterId = id(master);
        String replicaId = id(replica);

        try (Jedis j = jedis(master)) {
            // CLUSTER REPLICAS / SLAVES list the replica; the replica's own view says slave of master.
            assertThat(j.clusterReplicas(masterId)).hasSize(1);
            assertThat(j.clusterReplicas(masterId).get(0)).startsWith(replicaId + " 127.0.0.1:" + ports.get(replica));
        }
        try (Jedis j = jedis(replica)) {
            ClusterNodeInfo me = need(j, replicaId);
            assertThat(me.hasFlag(NodeFlags.MYSELF | NodeFlags.SLAVE)).isTrue();
            assertThat(me.masterId()).isEqualTo(masterId);
            assertThat(ClusterAssert.error(j, "SET", keyServedBy(j, masterId), "v")).startsWith("MOVED ");
            assertThat(ClusterAssert.error(j, "CLUSTER", "REPLICATE", replicaId)).isEqualTo("ERR Can't replicate myself");
        }
        // nodes.conf on disk records the role too.
        assertThat(Files.readString(dirs.get(replica).resolve("nodes.conf"))).contains("myself,slave " + masterId);

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
                            Thread.sleep(50);
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
            try (Jedis j = jedis(replica)) {
                ClusterNodeInfo me = need(j, replicaId);
                assertThat(me.configEpoch()).isEqualTo(Long.parseLong(info(j, "cluster_current_epoch")));
            }
            // The client goes on: writes succeed again, including to the slots of the dead master.
            long before = ok.get();
            await().atMost(Duration.ofSeconds(15)).until(() -> ok.get() > before + 500);
            String k = keyServedByNode(replica);
            jc.set(k, "after");
            assertThat(jc.get(k)).isEqualTo("after");
            stop.set(true);
            writer.join(5000);
            System.out.println("failover: workload " + ok.get() + " writes ok, " + failed.get() + " failed attempts");

            // The old master returns and follows the new one.
            restart(master);
            awaitAgreement(all, Duration.ofSeconds(30));
            try (Jedis j = jedis(master)) {
                ClusterNodeInfo me = need(j, masterId);
                assertThat(me.hasFlag(NodeFlags.SLAVE)).isTrue();
                assertThat(me.masterId()).isEqualTo(replicaId);
            }
        }

        // Manual failover, default form: the old master asks, its master pauses and agrees.
        manual(master, replica, null, all);
        // FORCE: without the master's agreement.
        manual(replica, master, "FORCE", all);
        // TAKEOVER: without any vote.
        manual(master, replica, "TAKEOVER", all);
        try (Jedis j = jedis(replica)) {
            assertThat(ClusterAssert.error(j, "CLUSTER", "FAILOVER", "bogus")).isEqualTo("ERR syntax error");
        }
        try (Jedis j = jedis(master)) {
            assertThat(ClusterAssert.error(j, "CLUSTER", "FAILOVER")).isEqualTo("ERR You should send CLUSTER FAILOVER to a replica");
        }
        assertThat(procs.get(replica).log()).contains("Manual failover requested by replica " + masterId);

        replicaMigratesToAnOrphanedMaster(all);
    }

    /** CLUSTER FAILOVER [opt] on 'replica' (now a replica of 'master'): roles swap, everybody agrees. */
    private void manual(int replica, int master, String opt, List<Integer> all) throws Exception {
        String rid = id(replica);
        String mid = id(master);
        long t0 = System.nanoTime();
        try (Jedis j = jedis(replica)) {
            Object r = opt == null ? ClusterAssert.call(j, "CLUSTER", "FAILOVER") : ClusterAssert.call(j, "CLUSTER", "FAILOVER", opt);
            assertThat(r).isEqualTo("OK");
        }
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
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
        try (Jedis j = jedis(i)) {
            return keyServedBy(j, j.clusterMyId());
        }
    }

    /**
     * Replica migration: node 6 joins as a second replica of one master; the replica of another
     * master is killed, so that master is orphaned; with cluster-migration-barrier 1 the replica
     * with the smallest id among the rich master's moves there after the 5 s orphan delay.
     */
    private void replicaMigratesToAnOrphanedMaster(List<Integer> six) throws Exception {
        List<int[]> shards = shards(0);
        int rich = shards.get(0)[0];
        int poor = shards.get(1)[0];
        int poorReplica = shards.get(1)[1];
        RedisCli.Result r = RedisCli.run("--cluster", "add-node", "127.0.0.1:" + ports.get(6), "127.0.0.1:" + ports.get(0),
                "--cluster-slave", "--cluster-master-id", id(rich));
        assertThat(r.plain()).as(r.plain()).contains("[OK] New node added correctly.");
        List<Integer> all = new ArrayList<>(six);
        all.add(6);
        awaitAgreement(all, Duration.ofSeconds(30));
        String richId = id(rich);
        try (Jedis j = jedis(rich)) {
            assertThat(j.clusterReplicas(richId)).hasSize(2);
        }
        String poorId = id(poor);
        procs.get(poorReplica).kill();
        long t0 = System.nanoTime();
        List<Integer> rest = new ArrayList<>(all);
        rest.remove(Integer.valueOf(poorReplica));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
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
    }

    /**
     * Real redis-server and Vermilion in one cluster, in both roles: a Vermilion replica takes
     * over a real master's slots, then a real replica takes over a Vermilion master's, each time
     * with votes from both kinds of masters.
     */
    @Test
    void mixedClusterFailsOverBothWays() throws Exception {
        // masters: R, V, R ; replicas: V of master 0, R of master 1, V of master 2
        add(Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION);
        List<Integer> all = List.of(0, 1, 2, 3, 4, 5);
        create(List.of(0, 1, 2), 0);
        int[][] pairs = {{3, 0}, {4, 1}, {5, 2}};
        for (int[] p : pairs) {
            RedisCli.Result r = RedisCli.run("--cluster", "add-node", "127.0.0.1:" + ports.get(p[0]),
                    "127.0.0.1:" + ports.get(1), "--cluster-slave", "--cluster-master-id", id(p[1]));
            assertThat(r.plain()).as(r.plain()).contains("[OK] New node added correctly.");
        }
        awaitAgreement(all, Duration.ofSeconds(30));
        String[] ids = new String[6];
        for (int i : all) ids[i] = id(i);

        // kill -9 the real master 0: Vermilion replica 3 is elected.
        procs.get(0).kill();
        long ms = awaitPromoted(3, ids[0], List.of(1, 2, 3, 4, 5));
        System.out.println("failover: Vermilion replica took over a real master in " + ms + " ms");
        assertThat(procs.get(1).log() + procs.get(2).log()).contains("Failover auth granted to " + ids[3]);
        restart(0);
        awaitAgreement(all, Duration.ofSeconds(30));
        try (Jedis j = jedis(1)) {
            assertThat(need(j, ids[0]).masterId()).isEqualTo(ids[3]);
        }

        // kill -9 the Vermilion master 1: real replica 4 is elected (voters: Vermilion 3, real 2).
        procs.get(1).kill();
        ms = awaitPromoted(4, ids[1], List.of(0, 2, 3, 4, 5));
        System.out.println("failover: real replica took over a Vermilion master in " + ms + " ms");
        assertThat(procs.get(3).log()).contains("Failover auth granted to " + ids[4]);
        restart(1);
        awaitAgreement(all, Duration.ofSeconds(30));
        try (Jedis j = jedis(4)) {
            ClusterNodeInfo old = need(j, ids[1]);
            assertThat(old.hasFlag(NodeFlags.SLAVE)).isTrue();
            assertThat(old.masterId()).isEqualTo(ids[4]);
        }
    }
}
