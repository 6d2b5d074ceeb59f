package io.vermilion.it.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.it.types.KeyContent.Enc;
import io.vermilion.it.types.KeyContent.Ttl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;

/**
 * A cluster of real redis-server 7.0 and Vermilion masters holding keys of every covered type and
 * encoding, resharded with the real {@code redis-cli --cluster reshard} real -> Vermilion,
 * Vermilion -> real and Vermilion -> Vermilion: after each move every key has the same content
 * (and TTL) as before, the cluster checks OK, and keys of every type did move in that direction.
 */
class TypesReshardIT {
    private static final long SEED = 77L;
    private static final int COPIES = 12;
    private static final int SLOTS = 1000;
    private static final Set<DataType> TYPES = DataType.persisted();

    private final List<ServerProcess> procs = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) p.close();
    }

    private void start(Kind... kinds) throws Exception {
        for (Kind kind : kinds) {
            Path dir = Files.createTempDirectory("types-reshard-" + kind.name().toLowerCase() + "-");
            ServerProcess p = TypeServers.start(kind, dir, "--cluster-enabled", "yes", "--cluster-node-timeout", "5000",
                    "--cluster-config-file", "nodes.conf");
            procs.add(p);
            ports.add(p.port());
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.add("--cluster-yes");
        Tools.Result r = Tools.run(create.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.plain()).isZero();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int port : ports) {
                try (Jedis j = new Jedis("127.0.0.1", port, 5000)) {
                    assertThat(j.clusterInfo()).contains("cluster_state:ok", "cluster_known_nodes:" + ports.size());
                }
            }
        });
    }

    private String id(int i) {
        try (Jedis j = new Jedis("127.0.0.1", ports.get(i), 5000)) {
            return j.clusterMyId();
        }
    }

    /** Which node (index) holds each key, by escaped name. */
    private Map<String, Integer> owners() {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            try (Jedis j = new Jedis("127.0.0.1", ports.get(i), 30_000)) {
                for (byte[] k : j.keys("*".getBytes(StandardCharsets.ISO_8859_1))) out.put(KeyContent.esc(k), i);
            }
        }
        return out;
    }

    private void reshard(int from, int to, Conn c, Map<String, KeyContent> before, Map<String, Dataset.Expect> keys)
            throws Exception {
        Map<String, Integer> ownersBefore = owners();
        Tools.Result r = Tools.run("redis-cli", "--cluster", "reshard", "127.0.0.1:" + ports.get(from),
                "--cluster-from", id(from), "--cluster-to", id(to), "--cluster-slots", Integer.toString(SLOTS),
                "--cluster-yes");
        String what = "reshard node " + from + " (" + procs.get(from).kind() + ") -> node " + to + " ("
                + procs.get(to).kind() + "), types " + TYPES + ", seed " + SEED;
        assertThat(r.exitCode()).as(what + "\n" + r.plain()).isZero();
        assertThat(r.plain()).as(what).doesNotContain("[ERR]");
        Tools.Result check = Tools.run("redis-cli", "--cluster", "check", "127.0.0.1:" + ports.get(0));
        assertThat(check.plain()).as(what + "\n" + check.plain()).contains(
                "[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.")
                .doesNotContain("[WARNING]", "[ERR]");
        KeyContent.assertSame(what, before, KeyContent.readAll(c), Enc.NON_STRING, Ttl.CLOSE);
        // Keys of every type really travelled in this direction.
        Map<String, Integer> ownersAfter = owners();
        Set<DataType> moved = EnumSet.noneOf(DataType.class);
        Map<String, DataType> byEscaped = new HashMap<>();
        keys.forEach((k, e) -> byEscaped.put(KeyContent.esc(k.getBytes(StandardCharsets.ISO_8859_1)), e.type()));
        for (Map.Entry<String, Integer> e : ownersBefore.entrySet()) {
            if (e.getValue() == from && ownersAfter.get(e.getKey()) == to) moved.add(byEscaped.get(e.getKey()));
        }
        assertThat(moved).as(what + ": types of the keys moved").containsAll(TYPES);
    }

    @Test
    void everyTypeSurvivesReshardingBetweenRedisAndVermilion() throws Exception {
        start(Kind.REDIS, TypeServers.target(), Kind.REDIS, TypeServers.target());
        Set<HostAndPort> seeds = new HashSet<>();
        for (int p : ports) seeds.add(new HostAndPort("127.0.0.1", p));
        try (Conn c = Conn.of(new JedisCluster(seeds, 30_000, 30_000, 10, null))) {
            Map<String, Dataset.Expect> keys = new LinkedHashMap<>();
            for (int i = 0; i < COPIES; i++) {
                keys.putAll(Dataset.build(c, TYPES, "c" + i + ":", new Dataset.Options(SEED + i, i == 0, false)));
            }
            Map<String, KeyContent> before = KeyContent.readAll(c);
            assertThat(before).hasSize(keys.size());
            reshard(0, 1, c, before, keys); // real -> Vermilion
            reshard(1, 2, c, before, keys); // Vermilion -> real
            reshard(3, 1, c, before, keys); // Vermilion -> Vermilion
        }
    }
}
