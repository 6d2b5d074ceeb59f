package io.vermilion.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;

/**
 * Smart cluster clients run a read/write workload across all slots against a 3-node Vermilion
 * cluster: JedisCluster, Lettuce's RedisClusterClient with topology refresh, and redis-py's
 * RedisCluster (Debian's python3-redis, run with /usr/bin/python3).
 */
class ClusterClientsIT {
    private static ClusterFixture cluster;

    @BeforeAll
    static void start() throws Exception {
        // -Dclients.kind=REDIS runs the same workload against real Redis, to check the test itself.
        cluster = ClusterFixture.start(ServerProcess.Kind.valueOf(System.getProperty("clients.kind", "VERMILION")), 3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void jedisCluster() {
        Set<HostAndPort> seeds = new HashSet<>();
        seeds.add(new HostAndPort("127.0.0.1", cluster.node(0).port()));
        try (JedisCluster jc = new JedisCluster(seeds, 5000, 5000, 5, null)) {
            Set<Integer> slots = new HashSet<>();
            for (int i = 0; i < 3000; i++) {
                String k = "jedis:" + i;
                jc.set(k, "v" + i);
                slots.add(io.vermilion.util.HashSlot.of(k.getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 3000; i++) assertThat(jc.get("jedis:" + i)).isEqualTo("v" + i);
            assertThat(jc.incr("{tag}counter")).isEqualTo(1);
            assertThat(jc.mset("{tag}a", "1", "{tag}b", "2")).isEqualTo("OK");
            assertThat(jc.mget("{tag}a", "{tag}b")).containsExactly("1", "2");
            assertThat(slots.size()).isGreaterThan(2000);
            assertThat(slots).anyMatch(s -> s <= 5460).anyMatch(s -> s > 5460 && s <= 10922).anyMatch(s -> s > 10922); // the workload really spans the slot space
        }
    }

    @Test
    void lettuceClusterWithTopologyRefresh() {
        RedisClusterClient client = RedisClusterClient.create(
                RedisURI.create("127.0.0.1", cluster.node(1).port()));
        client.setOptions(ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(Duration.ofSeconds(1))
                        .enableAllAdaptiveRefreshTriggers().build())
                .build());
        try (StatefulRedisClusterConnection<String, String> conn = client.connect()) {
            RedisAdvancedClusterCommands<String, String> r = conn.sync();
            for (int i = 0; i < 3000; i++) r.set("lettuce:" + i, Integer.toString(i));
            for (int i = 0; i < 3000; i++) assertThat(r.get("lettuce:" + i)).isEqualTo(Integer.toString(i));
            // multi-key commands across slots are split by Lettuce into per-slot calls
            assertThat(r.del("lettuce:1", "lettuce:2", "lettuce:3")).isEqualTo(3);
            assertThat(conn.getPartitions().size()).isEqualTo(3);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void redisPyRedisCluster() throws Exception {
        Path script = Files.createTempFile("rediscluster", ".py");
        Files.writeString(script, String.join("\n",
                "import sys",
                "from redis.cluster import RedisCluster",
                "rc = RedisCluster(host='127.0.0.1', port=int(sys.argv[1]))",
                "for i in range(2000):",
                "    rc.set('py:%d' % i, str(i))",
                "bad = [i for i in range(2000) if rc.get('py:%d' % i) != str(i).encode()]",
                "assert not bad, bad[:10]",
                "nodes = rc.cluster_nodes()",
                "assert len(nodes) == 3, nodes",
                "print('OK', len(rc.get_nodes()))",
                ""));
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), Integer.toString(cluster.node(2).port()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.trim()).isEqualTo("OK 3");
    }

    /** ioredis (npm) Cluster client; bin/test installs it under src/it/node. */
    @Test
    void ioredisCluster() throws Exception {
        assertThat(NodeClients.run("cluster", cluster.node(0).port())).isEqualTo("OK cluster");
    }

    @Test
    void everyNodeStillUp() throws Exception {
        for (ServerProcess n : cluster.nodes()) ClusterFixture.requireAlive(n);
        assertThat(List.of(cluster.nodes().size())).containsExactly(3);
    }
}
