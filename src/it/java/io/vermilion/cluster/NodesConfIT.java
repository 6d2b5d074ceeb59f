package io.vermilion.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Our nodes.conf / CLUSTER NODES parser and renderer against files and replies of real
 * redis-server 7.0 nodes formed into a cluster by redis-cli: every line must parse and render back
 * byte for byte.
 */
class NodesConfIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<ServerProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(ServerProcess::close);
    }

    private static String text(Path p) throws Exception {
        return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
    }

    @Test
    void realClusterNodesConfRoundTripsByteForByte() throws Exception {
        for (int i = 0; i < 3; i++) {
            nodes.add(ServerProcess.redis("--cluster-enabled", "yes", "--cluster-announce-hostname",
                    "node-" + i + ".vermilion.test"));
        }
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (ServerProcess n : nodes) cmd.add("127.0.0.1:" + n.port());
        cmd.add("--cluster-yes");
        Process cli = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(out).isZero();
        assertThat(out).contains("[OK] All 16384 slots covered.");

        // A replica without hostname, and migrating/importing/holes on the first master.
        ServerProcess replica = ServerProcess.redis("--cluster-enabled", "yes");
        nodes.add(replica);
        String m0;
        String m1;
        try (Jedis j0 = new Jedis("127.0.0.1", nodes.get(0).port(), 30_000);
             Jedis j1 = new Jedis("127.0.0.1", nodes.get(1).port(), 30_000);
             Jedis r = new Jedis("127.0.0.1", replica.port(), 30_000)) {
            m0 = j0.clusterMyId();
            m1 = j1.clusterMyId();
            r.clusterMeet("127.0.0.1", nodes.get(0).port());
            await().atMost(WAIT).until(() -> r.clusterNodes().contains(m0) && !r.clusterNodes().contains("handshake"));
            assertThat(r.clusterReplicate(m0)).isEqualTo("OK");
            assertThat(j0.clusterSetSlotMigrating(100, m1)).isEqualTo("OK");
            assertThat(j0.clusterSetSlotImporting(5461, m1)).isEqualTo("OK");
            assertThat(j0.clusterDelSlots(7, 9, 10, 11)).isEqualTo("OK");
            await().atMost(WAIT).until(() -> {
                for (ServerProcess n : nodes) {
                    try (Jedis j = new Jedis("127.0.0.1", n.port(), 30_000)) {
                        String cn = j.clusterNodes();
                        if (cn.split("\n").length != 4 || !cn.contains("slave " + m0) || cn.contains("handshake")
                                || cn.contains("disconnected")) {
                            return false;
                        }
                    }
                }
                return true;
            });
        }

        for (ServerProcess n : nodes) {
            Path conf = n.dir().resolve("nodes.conf");
            // The file is rewritten in place by one write(); poll until we see a complete version.
            NodesConfFile parsed = await().atMost(WAIT).ignoreExceptions().until(() -> {
                String t = text(conf);
                NodesConfFile f = NodesConfFile.parse(t);
                return f.nodes().size() == 4 && f.render().equals(t) ? f : null;
            }, f -> f != null);
            String content = text(conf);
            assertThat(NodesConfFile.parse(content).render()).isEqualTo(content);
            assertThat(parsed.currentEpoch()).isGreaterThanOrEqualTo(3);

            try (Jedis j = new Jedis("127.0.0.1", n.port(), 30_000)) {
                String reply = j.clusterNodes();
                List<ClusterNodeInfo> lines = ClusterNodesFormat.parseAll(reply);
                assertThat(ClusterNodesFormat.renderAll(lines)).isEqualTo(reply);
                ClusterNodeInfo me = lines.stream().filter(ClusterNodeInfo::isMyself).findFirst().orElseThrow();
                assertThat(me.id()).isEqualTo(j.clusterMyId());
                assertThat(me.port()).isEqualTo(n.port());
                assertThat(me.cport()).isEqualTo(n.port() + 10000);
            }
        }

        NodesConfFile first = NodesConfFile.read(nodes.get(0).dir().resolve("nodes.conf")).orElseThrow();
        ClusterNodeInfo me = first.myself();
        assertThat(me.hostname()).isEqualTo("node-0.vermilion.test");
        assertThat(me.migrating()).containsEntry(100, m1);
        assertThat(me.importing()).containsEntry(5461, m1);
        assertThat(me.slots()).startsWith(new SlotRange(0, 6), SlotRange.single(8), new SlotRange(12, 5460));
        ClusterNodeInfo rep = first.nodes().stream().filter(x -> x.hasFlag(NodeFlags.SLAVE)).findFirst().orElseThrow();
        assertThat(rep.masterId()).isEqualTo(m0);
        assertThat(rep.hostname()).isEmpty();

        // Our atomic writer produces a file the real server loads: restart node 0 from our copy.
        Path ours = nodes.get(0).dir().resolve("nodes-ours.conf");
        first.write(ours);
        assertThat(text(ours)).isEqualTo(text(nodes.get(0).dir().resolve("nodes.conf")));
        ServerProcess reloaded = ServerProcess.start(ServerProcess.Kind.REDIS, io.vermilion.it.support.Ports.free(),
                List.of("--cluster-enabled", "yes", "--cluster-config-file", ours.toString()));
        nodes.add(reloaded);
        try (Jedis j = new Jedis("127.0.0.1", reloaded.port(), 30_000)) {
            assertThat(j.clusterMyId()).isEqualTo(me.id());
        }
    }
}
