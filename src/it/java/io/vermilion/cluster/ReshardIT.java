package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.info;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.params.SetParams;

/**
 * The real {@code redis-cli --cluster reshard} moves slots with their keys (CLUSTER SETSLOT
 * IMPORTING/MIGRATING, GETKEYSINSLOT, MIGRATE ... KEYS, SETSLOT NODE) between Vermilion nodes, and
 * between Vermilion and real redis-server 7.0 nodes in one cluster, while a cluster client keeps
 * writing (following ASK redirections): afterwards every key written before and every write
 * acknowledged during the move is where the slot map says, with its TTL.
 */
class ReshardIT {
    private static final int KEYS = 4000;

    @TempDir
    Path tmp;

    private final List<ServerProcess> procs = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) p.close();
    }

    private void start(Kind... kinds) throws Exception {
        for (Kind kind : kinds) {
            int port = Ports.free();
            Path dir = tmp.resolve(kind.name().toLowerCase() + "-" + port);
            Files.createDirectories(dir);
            procs.add(ServerProcess.start(kind, port, dir, null, List.of("--cluster-enabled", "yes",
                    "--cluster-node-timeout", "5000", "--cluster-config-file", "nodes.conf")));
            ports.add(port);
        }
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.add("--cluster-yes");
        RedisCli.Result r = RedisCli.run(create.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.plain()).isZero();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int i = 0; i < ports.size(); i++) {
                try (Jedis j = jedis(i)) {
                    assertThat(info(j, "cluster_state")).isEqualTo("ok");
                    assertThat(nodes(j)).hasSize(ports.size());
                }
            }
        });
    }

    private Jedis jedis(int i) {
        return new Jedis("127.0.0.1", ports.get(i), 5000);
    }

    private String id(int i) {
        try (Jedis j = jedis(i)) {
            return j.clusterMyId();
        }
    }

    private JedisCluster cluster() {
        Set<HostAndPort> seeds = new HashSet<>();
        for (int p : ports) seeds.add(new HostAndPort("127.0.0.1", p));
        return new JedisCluster(seeds, 5000, 5000, 10, null);
    }

    /** Keys k:0..k:n-1, every third one with a TTL of an hour. */
    private void load(JedisCluster jc) {
        for (int i = 0; i < KEYS; i++) {
            if (i % 3 == 0) jc.set("k:" + i, "v" + i, SetParams.setParams().ex(3600));
            else jc.set("k:" + i, "v" + i);
        }
    }

    /** Moves n slots from node a to node b with the real redis-cli, while a client writes. */
    private Map<String, String> reshardWhileWriting(JedisCluster jc, int from, int to, int slots) throws Exception {
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                String k = "w" + from + to + ":" + i, v = "x" + i;
                try {
                    jc.set(k, v);
                    acked.put(k, v);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
                i++;
            }
        });
        writer.start();
        RedisCli.Result r;
        try {
            r = RedisCli.run("--cluster", "reshard", "127.0.0.1:" + ports.get(from), "--cluster-from", id(from),
                    "--cluster-to", id(to), "--cluster-slots", Integer.toString(slots), "--cluster-yes");
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(r.exitCode()).as(r.plain()).isZero();
        assertThat(r.plain()).doesNotContain("ERR", "[ERR]");
        assertThat(failure.get()).as("writes during the reshard").isNull();
        assertThat(acked).isNotEmpty();
        return acked;
    }

    private void verify(JedisCluster jc, List<Map<String, String>> written) throws Exception {
        RedisCli.Result check = RedisCli.run("--cluster", "check", "127.0.0.1:" + ports.get(0));
        assertThat(check.plain()).as(check.plain()).contains("[OK] All nodes agree about slots configuration.",
                "[OK] All 16384 slots covered.").doesNotContain("[WARNING]", "[ERR]");
        for (int i = 0; i < KEYS; i++) {
            assertThat(jc.get("k:" + i)).as("k:%d", i).isEqualTo("v" + i);
            long ttl = jc.ttl("k:" + i);
            if (i % 3 == 0) assertThat(ttl).as("TTL of k:%d", i).isBetween(3000L, 3600L);
            else assertThat(ttl).as("TTL of k:%d", i).isEqualTo(-1L);
        }
        long expected = KEYS;
        for (Map<String, String> w : written) {
            expected += w.size();
            for (Map.Entry<String, String> e : w.entrySet()) assertThat(jc.get(e.getKey())).isEqualTo(e.getValue());
        }
        long total = 0;
        for (int i = 0; i < ports.size(); i++) {
            try (Jedis j = jedis(i)) {
                total += j.dbSize();
            }
        }
        assertThat(total).as("keys in the whole cluster").isEqualTo(expected);
    }

    private int slotsOf(int i) {
        try (Jedis j = jedis(i)) {
            return nodes(j).stream().filter(n -> n.id().equals(j.clusterMyId())).findFirst().orElseThrow()
                    .slotBitmap().cardinality();
        }
    }

    @Test
    void reshardBetweenVermilionNodes() throws Exception {
        start(Kind.VERMILION, Kind.VERMILION, Kind.VERMILION);
        try (JedisCluster jc = cluster()) {
            load(jc);
            int before0 = slotsOf(0), before1 = slotsOf(1);
            Map<String, String> w1 = reshardWhileWriting(jc, 0, 1, 3000);
            assertThat(slotsOf(0)).isEqualTo(before0 - 3000);
            assertThat(slotsOf(1)).isEqualTo(before1 + 3000);
            Map<String, String> w2 = reshardWhileWriting(jc, 1, 2, 1000);
            verify(jc, List.of(w1, w2));
        }
    }

    @Test
    void reshardInAMixedCluster() throws Exception {
        start(Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION);
        try (JedisCluster jc = cluster()) {
            load(jc);
            // Real -> Vermilion, Vermilion -> real, Vermilion -> Vermilion.
            Map<String, String> w1 = reshardWhileWriting(jc, 0, 1, 1500);
            Map<String, String> w2 = reshardWhileWriting(jc, 1, 2, 2500);
            Map<String, String> w3 = reshardWhileWriting(jc, 3, 1, 1000);
            verify(jc, List.of(w1, w2, w3));
        }
    }
}
