package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.info;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;

/**
 * How soon a cluster formed by the real {@code redis-cli --cluster create} serves clients: every
 * node must say {@code cluster_state:ok} (and a SET must succeed) right after create returns,
 * whether the nodes were started just before the create or long before it. Real redis-server
 * nodes, formed the same way in the same test, are the reference: they reach ok within ~1 s when
 * created in their first 2 s, but stay down up to the rejoin delay (min(node-timeout, 5 s))
 * when created later, because they count the time with no slots as "being in a minority".
 * Vermilion does not: a node that knows no slot owner is not in a minority.
 *
 * <p>The assertion is a bounded wait (ok within 1.5 s of create's return), not a timing
 * comparison; both figures are printed.
 */
class FormingStateIT {
    private static final long NODE_TIMEOUT = 5000;
    private static final long BOUND_MS = 1500;

    @TempDir
    Path tmp;

    private final List<ServerProcess> procs = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) p.close();
    }

    @ParameterizedTest(name = "nodes up {0} ms before create")
    @ValueSource(ints = {0, 2500})
    void okRightAfterCreate(int idleMs) throws Exception {
        long redisMs = formAndTime(Kind.REDIS, idleMs);
        long vermilionMs = formAndTime(Kind.VERMILION, idleMs);
        System.out.printf("FormingStateIT idle=%d ms: all ok %d ms after create (redis-server: %d ms)%n",
                idleMs, vermilionMs, redisMs);
        assertThat(vermilionMs).as("Vermilion: ms from create's return to cluster_state:ok everywhere")
                .isLessThanOrEqualTo(BOUND_MS);
    }

    /** Starts 3 nodes of a kind, waits idleMs, creates the cluster; ms from create's end to ok on all (and a SET). */
    private long formAndTime(Kind kind, int idleMs) throws Exception {
        List<Integer> ports = new ArrayList<>();
        List<ServerProcess> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = Ports.free();
            Path dir = tmp.resolve(kind.name().toLowerCase() + "-" + port);
            Files.createDirectories(dir);
            ServerProcess p = ServerProcess.start(kind, port, dir, null, List.of("--cluster-enabled", "yes",
                    "--cluster-node-timeout", Long.toString(NODE_TIMEOUT), "--cluster-config-file", "nodes.conf"));
            procs.add(p);
            mine.add(p);
            ports.add(port);
        }
        Thread.sleep(idleMs);
        List<String> create = new ArrayList<>(List.of("--cluster", "create"));
        for (int p : ports) create.add("127.0.0.1:" + p);
        create.add("--cluster-yes");
        RedisCli.Result r = RedisCli.run(create.toArray(String[]::new));
        long created = System.nanoTime();
        assertThat(r.output()).contains("[OK] All 16384 slots covered.");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(20)).alias(kind + " cluster reached ok").until(() -> {
            for (int p : ports) {
                try (Jedis j = new Jedis("127.0.0.1", p, 2000)) {
                    if (!"ok".equals(info(j, "cluster_state"))) return false;
                }
            }
            return true;
        });
        long ms = (System.nanoTime() - created) / 1_000_000;
        // The first SET a user types works: here on the node owning slot 4998 ("key2").
        try (Jedis j = new Jedis("127.0.0.1", ports.get(0), 2000)) {
            assertThat(j.set("key2", "world")).isEqualTo("OK");
        }
        for (ServerProcess p : mine) p.close();
        return ms;
    }
}
