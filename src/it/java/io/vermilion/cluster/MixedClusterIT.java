package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.error;
import static io.vermilion.cluster.ClusterAssert.info;
import static io.vermilion.cluster.ClusterAssert.infoLong;
import static io.vermilion.cluster.ClusterAssert.need;
import static io.vermilion.cluster.ClusterAssert.node;
import static io.vermilion.cluster.ClusterAssert.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.util.HashSlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A cluster of real redis-server 7.0 nodes and Vermilion nodes, formed by the real redis-cli:
 * they must agree on every slot and epoch, redirect clients to each other, and detect each
 * other's crashes and returns in both directions.
 */
class MixedClusterIT {
    private static final long NODE_TIMEOUT = 3000;

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

    private static List<String> args() {
        return List.of("--cluster-enabled", "yes", "--cluster-node-timeout", Long.toString(NODE_TIMEOUT),
                "--cluster-config-file", "nodes.conf");
    }

    private void add(Kind kind) throws Exception {
        int port = Ports.free();
        Path dir = tmp.resolve(kind.name().toLowerCase() + "-" + port);
        Files.createDirectories(dir);
        procs.add(ServerProcess.start(kind, port, dir, null, args()));
        kinds.add(kind);
        ports.add(port);
        dirs.add(dir);
    }

    private void restart(int i) throws Exception {
        procs.set(i, ServerProcess.start(kinds.get(i), ports.get(i), dirs.get(i), null, args()));
    }

    private Jedis jedis(int i) {
        return new Jedis("127.0.0.1", ports.get(i), 5000);
    }

    /** What a node says about the whole cluster, minus what is legitimately local (myself, times, links). */
    private Set<String> view(int i) {
        Set<String> out = new TreeSet<>();
        try (Jedis j = jedis(i)) {
            for (ClusterNodeInfo n : nodes(j)) {
                out.add(n.id() + " " + n.ip() + ":" + n.port() + "@" + n.cport() + " "
                        + NodeFlags.render(n.flags() & ~NodeFlags.MYSELF) + " " + n.configEpoch() + " " + n.slots());
            }
        }
        return out;
    }

    private void awaitAllOk(List<Integer> which) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            Set<String> first = null;
            for (int i : which) {
                try (Jedis j = jedis(i)) {
                    assertThat(info(j, "cluster_state")).as("node %d (%s)", i, kinds.get(i)).isEqualTo("ok");
                    assertThat(nodes(j)).allSatisfy(v -> {
                        assertThat(v.hasFlag(NodeFlags.FAIL | NodeFlags.PFAIL | NodeFlags.HANDSHAKE)).isFalse();
                        assertThat(v.linkState()).isEqualTo(LinkState.CONNECTED);
                    });
                }
                Set<String> v = view(i);
                if (first == null) first = v;
                else assertThat(v).as("view of node %d (%s)", i, kinds.get(i)).isEqualTo(first);
            }
        });
    }

    private long awaitFailSeenBy(String failedId, List<Integer> observers) {
        long t0 = System.nanoTime();
        await().atMost(Duration.ofMillis(NODE_TIMEOUT * 3 + 5000)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (int i : observers) {
                try (Jedis j = jedis(i)) {
                    ClusterNodeInfo v = need(j, failedId);
                    assertThat(v.hasFlag(NodeFlags.FAIL)).as("node %d (%s) sees the failure", i, kinds.get(i)).isTrue();
                    assertThat(info(j, "cluster_state")).isEqualTo("fail");
                }
            }
        });
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void realAndVermilionNodesFormOneCluster() throws Exception {
        add(Kind.REDIS);
        add(Kind.VERMILION);
        add(Kind.REDIS);
        add(Kind.VERMILION);
        List<Integer> all = List.of(0, 1, 2, 3);

        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.add("--cluster-yes");
        RedisCli.Result r = RedisCli.run(create.toArray(String[]::new));
        System.out.println(r.plain());
        assertThat(r.exitCode()).isZero();
        assertThat(r.plain()).contains("[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.");
        awaitAllOk(all);

        String[] ids = new String[4];
        for (int i : all) {
            try (Jedis j = jedis(i)) {
                ids[i] = j.clusterMyId();
                assertThat(infoLong(j, "cluster_known_nodes")).isEqualTo(4);
                assertThat(infoLong(j, "cluster_size")).isEqualTo(4);
                assertThat(infoLong(j, "cluster_current_epoch")).isEqualTo(4);
                assertThat(infoLong(j, "cluster_my_epoch")).isEqualTo(i + 1);
            }
        }
        // The real checker agrees too, whichever node it starts from.
        for (int i : List.of(0, 1)) {
            r = RedisCli.run("--cluster", "check", "127.0.0.1:" + ports.get(i));
            assertThat(r.plain()).as(r.plain()).contains("[OK] All nodes agree about slots configuration.",
                    "[OK] All 16384 slots covered.");
        }

        // Redirects: every node sends a client to the owner with the same words.
        int slot = HashSlot.of("key".getBytes(StandardCharsets.US_ASCII));
        int owner = -1;
        try (Jedis j = jedis(0)) {
            for (ClusterNodeInfo n : nodes(j)) if (n.slotBitmap().get(slot)) owner = List.of(ids).indexOf(n.id());
        }
        for (int i : all) {
            try (Jedis j = jedis(i)) {
                if (i == owner) continue;
                assertThat(error(j, "GET", "key")).isEqualTo("MOVED " + slot + " 127.0.0.1:" + ports.get(owner));
            }
        }
        StringBuilder script = new StringBuilder();
        for (int k = 0; k < 20; k++) script.append("set k").append(k).append(" v").append(k).append('\n');
        for (int k = 0; k < 20; k++) script.append("get k").append(k).append('\n');
        for (int start : List.of(0, 1)) {
            r = RedisCli.withInput(script.toString(), "-c", "-p", Integer.toString(ports.get(start)));
            String plain = r.output().replaceAll("-> Redirected to slot \\[\\d+\\] located at [^\\n]+\\n", "");
            StringBuilder want = new StringBuilder();
            for (int k = 0; k < 20; k++) want.append("OK\n");
            for (int k = 0; k < 20; k++) want.append('v').append(k).append('\n');
            assertThat(plain).isEqualTo(want.toString());
        }

        // A real node crashes: the Vermilion nodes (and the other real one) mark it failed.
        procs.get(0).kill();
        long ms = awaitFailSeenBy(ids[0], List.of(1, 2, 3));
        System.out.println("mixed: real node FAIL agreed by all " + ms + " ms after kill -9 (node timeout " + NODE_TIMEOUT + ")");
        try (Jedis j = jedis(1)) {
            assertThat(infoLong(j, "cluster_slots_fail")).isEqualTo(4096);
            assertThat(error(j, "GET", "key")).isEqualTo("CLUSTERDOWN The cluster is down");
        }
        restart(0);
        awaitAllOk(all);

        // A Vermilion node crashes: the real nodes mark it failed.
        procs.get(1).kill();
        ms = awaitFailSeenBy(ids[1], List.of(0, 2, 3));
        System.out.println("mixed: Vermilion node FAIL agreed by all " + ms + " ms after kill -9 (node timeout " + NODE_TIMEOUT + ")");
        restart(1);
        awaitAllOk(all);
        try (Jedis j = jedis(1)) {
            assertThat(j.clusterMyId()).isEqualTo(ids[1]);
        }
        r = RedisCli.withInput("set key back\nget key\n", "-c", "-p", Integer.toString(ports.get(1)));
        assertThat(r.output()).endsWith("OK\nback\n");
    }

    /**
     * A real replica of a real master wins a failover election in which Vermilion masters vote,
     * then claims the slots with a new epoch; everyone follows, and the old master comes back as a
     * replica after being told (UPDATE) that its slots moved on.
     */
    @Test
    void realReplicaFailsOverWithVermilionVotes() throws Exception {
        add(Kind.REDIS);
        add(Kind.VERMILION);
        add(Kind.REDIS);
        add(Kind.VERMILION);
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.add("--cluster-yes");
        assertThat(RedisCli.run(create.toArray(String[]::new)).exitCode()).isZero();
        awaitAllOk(List.of(0, 1, 2, 3));
        String masterId;
        try (Jedis j = jedis(0)) {
            masterId = j.clusterMyId();
        }

        // A fifth node, real redis, joins as replica of node 0 (through a Vermilion node).
        add(Kind.REDIS);
        RedisCli.Result r = RedisCli.run("--cluster", "add-node", "127.0.0.1:" + ports.get(4), "127.0.0.1:" + ports.get(1),
                "--cluster-slave", "--cluster-master-id", masterId);
        System.out.println(r.plain());
        assertThat(r.plain()).contains("[OK] New node added correctly.");
        String replicaId;
        try (Jedis j = jedis(4)) {
            replicaId = j.clusterMyId();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (int i : List.of(0, 1, 2, 3, 4)) {
                try (Jedis j = jedis(i)) {
                    ClusterNodeInfo rep = need(j, replicaId);
                    assertThat(rep.hasFlag(NodeFlags.SLAVE)).isTrue();
                    assertThat(rep.masterId()).isEqualTo(masterId);
                    assertThat(rep.linkState()).isEqualTo(LinkState.CONNECTED);
                }
            }
        });
        // A replica that never synced considers its data too old to fail over: wait for the sync.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Jedis j = jedis(4)) {
                return j.info("replication").contains("master_link_status:up");
            }
        });
        try (Jedis j = jedis(1)) {
            // CLUSTER REPLICAS and the shard of node 0 show the real replica.
            assertThat(j.clusterReplicas(masterId)).hasSize(1);
            assertThat(j.clusterReplicas(masterId).get(0)).startsWith(replicaId + " 127.0.0.1:" + ports.get(4));
        }

        procs.get(0).kill();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int i : List.of(1, 2, 3, 4)) {
                try (Jedis j = jedis(i)) {
                    ClusterNodeInfo rep = need(j, replicaId);
                    assertThat(rep.hasFlag(NodeFlags.MASTER)).as("node %d sees the promoted replica", i).isTrue();
                    assertThat(rep.slots()).containsExactly(new SlotRange(0, 4095));
                    assertThat(info(j, "cluster_state")).isEqualTo("ok");
                }
            }
        });
        System.out.println("mixed: replica promoted and accepted by all " + (System.nanoTime() - t0) / 1_000_000 + " ms after kill -9");
        try (Jedis j = jedis(1)) {
            assertThat(Long.parseLong(info(j, "cluster_current_epoch"))).isEqualTo(5);
            assertThat(need(j, replicaId).configEpoch()).isEqualTo(5);
        }
        // At least one Vermilion master granted its vote (3 of 4 masters were needed).
        assertThat(procs.get(1).log() + procs.get(3).log()).contains("Failover auth granted to " + replicaId + " for epoch 5");

        // The old master returns with a stale claim: it is told, and becomes a replica.
        restart(0);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int i : List.of(0, 1, 2, 3, 4)) {
                try (Jedis j = jedis(i)) {
                    ClusterNodeInfo old = need(j, masterId);
                    assertThat(old.hasFlag(NodeFlags.SLAVE)).as("node %d sees the old master as replica", i).isTrue();
                    assertThat(old.masterId()).isEqualTo(replicaId);
                    assertThat(old.hasFlag(NodeFlags.FAIL)).isFalse();
                    assertThat(info(j, "cluster_state")).isEqualTo("ok");
                }
            }
        });
    }
}
