package io.vermilion.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.it.support.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main job: {@code bin/vermilion-cluster start --replicas 1} forms a cluster of 3
 * masters and 3 replicas, the real {@code redis-cli --cluster check} finds it all OK, every
 * replica syncs its master's data; status, stop and clean work.
 * {@code -Dlauncher.server=redis-server} runs the same launcher over real Redis nodes.
 */
class LocalClusterIT {
    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit of %s:%n%s", cmd, out).isZero();
        return out;
    }

    /** A key in the first slot the connected master serves. */
    private static String keyOf(redis.clients.jedis.Jedis j) {
        String myId = j.clusterMyId();
        for (String line : j.clusterNodes().split("\n")) {
            String[] f = line.split(" ");
            if (!f[0].equals(myId)) continue;
            int slot = Integer.parseInt(f[8].split("-")[0]);
            for (int k = 0; ; k++) {
                if (io.vermilion.util.HashSlot.of(("k" + k).getBytes()) == slot) return "k" + k;
            }
        }
        throw new AssertionError("no slots on " + myId);
    }

    @Test
    void startCheckStopClean() throws Exception {
        Path home = Path.of(System.getProperty("vermilion.home", ".")).toAbsolutePath();
        Path dir = Files.createTempDirectory("vermilion-local-cluster");
        // The launcher with --replicas 1 uses base .. base+5 (and their bus ports): all six ours.
        int base = Ports.freeRange(6);
        List<String> launcher = new ArrayList<>(List.of(home.resolve("bin/vermilion-cluster").toString(),
                "--dir", dir.toString(), "--base-port", Integer.toString(base), "--replicas", "1"));
        String server = System.getProperty("launcher.server");
        if (server != null) launcher.addAll(List.of("--server", server));
        try {
            List<String> start = new ArrayList<>(launcher);
            start.add("start");
            String out = run(start);
            assertThat(out).contains("[OK] All nodes agree about slots configuration.")
                    .contains("[OK] All 16384 slots covered.")
                    .contains("Cluster ready: 3 masters on ports " + base + "-" + (base + 2) + ", 3 replicas on ports "
                            + (base + 3) + "-" + (base + 5));
            assertThat(Files.readString(dir.resolve(base + "/redis-" + base + ".conf")))
                    .contains("cluster-enabled yes").contains("cluster-config-file nodes-" + base + ".conf")
                    .contains("appendonly yes").contains("enable-debug-command local");

            String check = run(List.of("redis-cli", "--cluster", "check", "127.0.0.1:" + base));
            assertThat(check).contains("[OK] All nodes agree about slots configuration.")
                    .contains("[OK] All 16384 slots covered.").doesNotContain("[ERR]").doesNotContain("[WARNING]");
            assertThat(check.lines().filter(l -> l.startsWith("S: ")).count()).as(check).isEqualTo(3);
            assertThat(check.lines().filter(l -> l.contains("1 additional replica(s)")).count()).as(check).isEqualTo(3);

            // Replica base+3+i follows master base+i and has its data.
            for (int i = 0; i < 3; i++) {
                int m = base + i, r = base + 3 + i;
                try (redis.clients.jedis.Jedis mj = new redis.clients.jedis.Jedis("127.0.0.1", m, 5000)) {
                    String key = keyOf(mj);
                    mj.set(key, "from-" + m);
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                            .pollInterval(java.time.Duration.ofMillis(200))
                            .ignoreExceptionsMatching(e -> String.valueOf(e.getMessage()).startsWith("LOADING"))
                            .untilAsserted(() -> {
                                try (redis.clients.jedis.Jedis rj = new redis.clients.jedis.Jedis("127.0.0.1", r, 5000)) {
                                    assertThat(rj.info("replication")).contains("master_port:" + m, "master_link_status:up");
                                    rj.readonly();
                                    assertThat(rj.get(key)).isEqualTo("from-" + m);
                                }
                            });
                }
            }

            List<String> status = new ArrayList<>(launcher);
            status.add("status");
            assertThat(run(status).lines().filter(l -> l.contains("cluster_state:ok")).count()).isEqualTo(6);
        } finally {
            List<String> clean = new ArrayList<>(launcher);
            clean.add("clean");
            run(clean);
        }
        assertThat(Files.exists(dir)).isFalse();
    }
}
