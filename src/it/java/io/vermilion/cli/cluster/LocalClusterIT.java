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
 * The README's main job: {@code bin/vermilion-cluster start} forms a 3-master cluster, and the
 * real {@code redis-cli --cluster check} finds it all OK; status, stop and clean work.
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

    @Test
    void startCheckStopClean() throws Exception {
        Path home = Path.of(System.getProperty("vermilion.home", ".")).toAbsolutePath();
        Path dir = Files.createTempDirectory("vermilion-local-cluster");
        // The launcher uses base, base+1, base+2 (and their bus ports): all three ours.
        int base = Ports.freeRange(3);
        List<String> launcher = new ArrayList<>(List.of(home.resolve("bin/vermilion-cluster").toString(),
                "--dir", dir.toString(), "--base-port", Integer.toString(base)));
        String server = System.getProperty("launcher.server");
        if (server != null) launcher.addAll(List.of("--server", server));
        try {
            List<String> start = new ArrayList<>(launcher);
            start.add("start");
            String out = run(start);
            assertThat(out).contains("[OK] All nodes agree about slots configuration.")
                    .contains("[OK] All 16384 slots covered.").contains("Cluster ready: 3 masters");
            assertThat(Files.readString(dir.resolve(base + "/redis-" + base + ".conf")))
                    .contains("cluster-enabled yes").contains("cluster-config-file nodes-" + base + ".conf")
                    .contains("appendonly yes").contains("enable-debug-command local");

            String check = run(List.of("redis-cli", "--cluster", "check", "127.0.0.1:" + base));
            assertThat(check).contains("[OK] All nodes agree about slots configuration.")
                    .contains("[OK] All 16384 slots covered.").doesNotContain("[ERR]").doesNotContain("[WARNING]");

            List<String> status = new ArrayList<>(launcher);
            status.add("status");
            assertThat(run(status).lines().filter(l -> l.contains("cluster_state:ok")).count()).isEqualTo(3);
        } finally {
            List<String> clean = new ArrayList<>(launcher);
            clean.add("clean");
            run(clean);
        }
        assertThat(Files.exists(dir)).isFalse();
    }
}
