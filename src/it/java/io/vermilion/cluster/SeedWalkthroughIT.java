package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.info;
import static io.vermilion.cluster.ClusterAssert.infoLong;
import static io.vermilion.cluster.ClusterAssert.need;
import static io.vermilion.cluster.ClusterAssert.node;
import static io.vermilion.cluster.ClusterAssert.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The seed walkthrough (shared/seed/README.md), step by step, with Vermilion nodes as separate
 * processes started from seed-style config files and the real redis-cli 7.0 driving them: the
 * cluster-down error before forming, {@code --cluster create}, CLUSTER INFO/NODES, redirects with
 * {@code -c}, a crash with DEBUG SEGFAULT detected by the others, the restart, and a replica
 * (add-node --cluster-slave) that syncs its master's data and takes over with it when its master
 * crashes (default cluster-replica-validity-factor).
 *
 * <p>The crashed node comes back with its data from its AOF (appendonly yes, as in the seed).
 */
class SeedWalkthroughIT {
    private static final long NODE_TIMEOUT = 5000;

    @TempDir
    Path tmp;

    private final List<ServerProcess> procs = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) p.close();
    }

    /** redis-&lt;port&gt;.conf as the walkthrough writes it (pidfile kept in the node's directory). */
    private Path writeConfig(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        Path conf = dir.resolve("redis-" + port + ".conf");
        Files.writeString(conf, String.join("\n",
                "port " + port,
                "cluster-enabled yes",
                "cluster-config-file nodes-" + port + ".conf",
                "cluster-node-timeout " + NODE_TIMEOUT,
                "appendonly yes",
                "pidfile " + dir.resolve("redis_" + port + ".pid"),
                "dbfilename dump-" + port + ".rdb",
                "enable-debug-command local",
                ""));
        return conf;
    }

    private ServerProcess startNode(Path dir, int port) throws IOException {
        // ServerProcess adds "--appendonly no" after the file; put the walkthrough's setting back.
        ServerProcess p = ServerProcess.start(ServerProcess.Kind.VERMILION, port, dir, dir.resolve("redis-" + port + ".conf"),
                List.of("--appendonly", "yes"));
        procs.add(p);
        return p;
    }

    private static Jedis jedis(int port) {
        return new Jedis("127.0.0.1", port, 5000);
    }

    @Test
    void walkthrough() throws Exception {
        int[] ports = {Ports.free(), Ports.free(), Ports.free()};
        Path[] dirs = new Path[3];
        ServerProcess[] nodes = new ServerProcess[3];
        for (int i = 0; i < 3; i++) {
            dirs[i] = tmp.resolve("n" + ports[i]);
            writeConfig(dirs[i], ports[i]);
            nodes[i] = startNode(dirs[i], ports[i]);
        }

        // 2. Before the cluster is formed, no slot is served.
        RedisCli.Result r = RedisCli.run("-p", Integer.toString(ports[0]), "set", "1", "1");
        assertThat(r.output()).isEqualTo("CLUSTERDOWN Hash slot not served\n\n");
        assertThat(Files.readString(dirs[0].resolve("nodes-" + ports[0] + ".conf"))).contains("myself,master");

        // 3. Form it with the real redis-cli.
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.add("--cluster-yes");
        r = RedisCli.run(create.toArray(String[]::new));
        String out = r.plain();
        System.out.println(out);
        assertThat(r.exitCode()).isZero();
        assertThat(out).contains("Master[0] -> Slots 0 - 5460", "Master[1] -> Slots 5461 - 10922",
                "Master[2] -> Slots 10923 - 16383", ">>> Sending CLUSTER MEET messages to join the cluster",
                "[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.");

        // 4. cluster info / cluster nodes, as in the seed.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int p : ports) {
                try (Jedis j = jedis(p)) {
                    assertThat(info(j, "cluster_state")).isEqualTo("ok");
                }
            }
        });
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            try (Jedis j = jedis(ports[i])) {
                ids[i] = j.clusterMyId();
            }
        }
        r = RedisCli.run("-p", Integer.toString(ports[1]), "cluster", "info");
        System.out.println(r.output());
        assertThat(r.output()).contains("cluster_state:ok\r\n", "cluster_slots_assigned:16384\r\n", "cluster_slots_ok:16384\r\n",
                "cluster_known_nodes:3\r\n", "cluster_size:3\r\n", "cluster_current_epoch:3\r\n", "cluster_my_epoch:2\r\n",
                "cluster_stats_messages_ping_sent:", "cluster_stats_messages_pong_received:", "cluster_stats_messages_meet_",
                "total_cluster_links_buffer_limit_exceeded:0\r\n");
        r = RedisCli.run("-p", Integer.toString(ports[1]), "cluster", "nodes");
        System.out.println(r.output());
        String[] lines = r.output().strip().split("\n");
        assertThat(lines).hasSize(3);
        List<ClusterNodeInfo> view = ClusterNodesFormat.parseAll(r.output());
        String[] ranges = {"0-5460", "5461-10922", "10923-16383"};
        for (int i = 0; i < 3; i++) {
            final int k = i;
            ClusterNodeInfo v = view.stream().filter(x -> x.port() == ports[k]).findFirst().orElseThrow();
            assertThat(v.id()).isEqualTo(ids[i]);
            assertThat(v.ip()).isEqualTo("127.0.0.1");
            assertThat(v.cport()).isEqualTo(ports[i] + 10000);
            assertThat(v.configEpoch()).isEqualTo(i + 1);
            assertThat(v.linkState()).isEqualTo(LinkState.CONNECTED);
            assertThat(v.slots().stream().map(SlotRange::toString).toList()).containsExactly(ranges[i]);
            assertThat(NodeFlags.render(v.flags())).isEqualTo(i == 1 ? "myself,master" : "master");
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(ids[1] + " 127\\.0\\.0\\.1:" + ports[1] + "@" + (ports[1] + 10000)
                + " myself,master - 0 \\d+ 2 connected 5461-10922"));

        // 5. Smart client: redis-cli -c follows MOVED.
        r = RedisCli.withInput("set key hello\nset key2 world\nget key\nget key2\n", "-c", "-p", Integer.toString(ports[0]));
        System.out.println(r.output());
        assertThat(r.output()).isEqualTo(
                "-> Redirected to slot [12539] located at 127.0.0.1:" + ports[2] + "\n" + "OK\n"
                + "-> Redirected to slot [4998] located at 127.0.0.1:" + ports[0] + "\n" + "OK\n"
                + "-> Redirected to slot [12539] located at 127.0.0.1:" + ports[2] + "\n" + "hello\n"
                + "-> Redirected to slot [4998] located at 127.0.0.1:" + ports[0] + "\n" + "world\n");
        r = RedisCli.run("-p", Integer.toString(ports[0]), "get", "key");
        assertThat(r.output()).isEqualTo("MOVED 12539 127.0.0.1:" + ports[2] + "\n\n");

        // A second node on the same nodes.conf refuses to start, as Redis does.
        assertThatThrownBy(() -> ServerProcess.start(ServerProcess.Kind.VERMILION, Ports.free(), dirs[1],
                dirs[1].resolve("redis-" + ports[1] + ".conf"), List.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Sorry, the cluster configuration file nodes-" + ports[1]
                        + ".conf is already used by a different Redis Cluster node.");

        // 6. Failure: DEBUG SEGFAULT crashes node 0; the others agree it failed.
        r = RedisCli.run("-p", Integer.toString(ports[0]), "debug", "segfault");
        await().atMost(Duration.ofSeconds(10)).until(() -> !nodes[0].isAlive());
        long crashed = System.nanoTime();
        await().atMost(Duration.ofMillis(NODE_TIMEOUT + 2000)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (int i = 1; i < 3; i++) {
                try (Jedis j = jedis(ports[i])) {
                    assertThat(info(j, "cluster_state")).isEqualTo("fail");
                    assertThat(infoLong(j, "cluster_slots_fail")).isEqualTo(5461);
                    assertThat(need(j, ids[0]).hasFlag(NodeFlags.FAIL)).isTrue();
                }
            }
        });
        long detectMs = (System.nanoTime() - crashed) / 1_000_000;
        System.out.println("seed: both survivors report cluster_state:fail " + detectMs
                + " ms after the crash (cluster-node-timeout " + NODE_TIMEOUT + ")");
        r = RedisCli.run("-p", Integer.toString(ports[1]), "cluster", "info");
        assertThat(r.output()).contains("cluster_state:fail\r\n", "cluster_slots_ok:10923\r\n", "cluster_slots_fail:5461\r\n");
        r = RedisCli.run("-p", Integer.toString(ports[1]), "cluster", "nodes");
        assertThat(r.output()).containsPattern(ids[0] + " 127\\.0\\.0\\.1:" + ports[0] + "@" + (ports[0] + 10000)
                + " master,fail - \\d+ \\d+ 1 disconnected 0-5460\n");
        r = RedisCli.run("-p", Integer.toString(ports[1]), "cluster", "node");
        assertThat(r.output()).isEqualTo("ERR unknown subcommand 'node'. Try CLUSTER HELP.\n\n");

        // 7. Restart with the same config: back to ok everywhere, same identity.
        nodes[0] = startNode(dirs[0], ports[0]); // returns once the node answers PING
        long restart = System.nanoTime();
        try (Jedis j = jedis(ports[0])) {
            assertThat(j.clusterMyId()).isEqualTo(ids[0]);
        }
        // Target: ok everywhere within 2 s of the restarted node answering PING (+0.5 s for polling).
        // Redis keeps a returning master FAILed until 2 x node-timeout after the failure; we clear
        // it at once for a master without replicas (nobody could take its slots over anyway).
        await().atMost(Duration.ofMillis(2500)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int p : ports) {
                try (Jedis j = jedis(p)) {
                    assertThat(info(j, "cluster_state")).isEqualTo("ok");
                    assertThat(infoLong(j, "cluster_slots_ok")).isEqualTo(16384);
                    assertThat(nodes(j)).allSatisfy(v -> {
                        assertThat(v.linkState()).isEqualTo(LinkState.CONNECTED);
                        assertThat(v.hasFlag(NodeFlags.FAIL | NodeFlags.PFAIL)).isFalse();
                    });
                }
            }
        });
        System.out.println("seed: cluster_state:ok on all nodes " + (System.nanoTime() - restart) / 1_000_000
                + " ms after the restarted node answered PING");
        // Its data is intact: key2 (slot 4998) lives on the node that crashed, written before the crash.
        r = RedisCli.run("-p", Integer.toString(ports[0]), "get", "key2");
        assertThat(r.output()).isEqualTo("world\n");
        r = RedisCli.withInput("set key again\nget key\n", "-c", "-p", Integer.toString(ports[0]));
        assertThat(r.output()).endsWith("OK\nagain\n");
        // 9. Master-replica (the references' --cluster-replicas 1): a fourth node joins as the
        // replica of the master of "key", that master crashes, the replica takes its slots.
        int rport = Ports.free();
        Path rdir = tmp.resolve("n" + rport);
        writeConfig(rdir, rport);
        ServerProcess replica = startNode(rdir, rport);
        r = RedisCli.run("--cluster", "add-node", "127.0.0.1:" + rport, "127.0.0.1:" + ports[0], "--cluster-slave",
                "--cluster-master-id", ids[2]);
        System.out.println(r.plain());
        assertThat(r.plain()).contains(">>> Configure node as replica of 127.0.0.1:" + ports[2] + ".",
                "[OK] New node added correctly.");
        String rid;
        try (Jedis j = jedis(rport)) {
            rid = j.clusterMyId();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int p : new int[] {ports[0], ports[1], ports[2], rport}) {
                try (Jedis j = jedis(p)) {
                    ClusterNodeInfo v = need(j, rid);
                    assertThat(v.hasFlag(NodeFlags.SLAVE)).isTrue();
                    assertThat(v.masterId()).isEqualTo(ids[2]);
                    assertThat(info(j, "cluster_state")).isEqualTo("ok");
                }
            }
        });
        // The replica syncs its master's data (full sync, then the stream): "key" is there, read
        // from the replica with READONLY.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsMatching(e -> String.valueOf(e.getMessage()).startsWith("LOADING")).untilAsserted(() -> {
                    try (Jedis j = jedis(rport)) {
                        assertThat(j.info("replication")).contains("master_link_status:up");
                        assertThat(j.readonly()).isEqualTo("OK");
                        assertThat(j.get("key")).isEqualTo("again");
                    }
                });
        r = RedisCli.run("-p", Integer.toString(ports[2]), "debug", "segfault");
        await().atMost(Duration.ofSeconds(10)).until(() -> !nodes[2].isAlive());
        crashed = System.nanoTime();
        await().atMost(Duration.ofMillis(NODE_TIMEOUT * 4 + 5000)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int p : new int[] {ports[0], ports[1], rport}) {
                try (Jedis j = jedis(p)) {
                    ClusterNodeInfo v = need(j, rid);
                    assertThat(v.hasFlag(NodeFlags.MASTER)).isTrue();
                    assertThat(v.slots().stream().map(SlotRange::toString).toList()).containsExactly("10923-16383");
                    assertThat(info(j, "cluster_state")).isEqualTo("ok");
                }
            }
        });
        System.out.println("seed: replica promoted, cluster_state:ok on all survivors " + (System.nanoTime() - crashed) / 1_000_000
                + " ms after the crash (cluster-node-timeout " + NODE_TIMEOUT + ")");
        // The crashed master's data is on the promoted replica, and it takes writes.
        r = RedisCli.withInput("get key\nset key promoted\nget key\n", "-c", "-p", Integer.toString(ports[0]));
        assertThat(r.output()).isEqualTo("-> Redirected to slot [12539] located at 127.0.0.1:" + rport + "\n" + "again\n"
                + "OK\n" + "promoted\n");
        assertThat(replica.isAlive()).isTrue();
    }
}
