package io.vermilion.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node loading a large dataset (RDB or AOF written by redis-server 7.0) keeps its port open and
 * its event loop responsive: clients get -LOADING, INFO shows loading:1 with Redis's loading_*
 * fields (in Redis's place, progressing), the log shows progress lines, and once loaded every key
 * is there. {@code key-load-delay} (Redis's own test knob) stretches the load so that all of this
 * is observed without any timing luck.
 */
class LoadingIT {
    private static final int KEYS = 100_000;

    @TempDir
    Path tmp;

    private Process vermilion;
    private Path vermilionLog;

    @AfterEach
    void stop() throws InterruptedException {
        if (vermilion != null) {
            vermilion.destroyForcibly();
            vermilion.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static RespConnection connect(int port) throws IOException {
        return RespConnection.connect("127.0.0.1", port, 5000, 30_000);
    }

    /** redis-server writes the files: KEYS keys via DEBUG POPULATE, saved as RDB, and as a RESP AOF. */
    private Path redisFiles(boolean aof) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(aof ? "aof" : "rdb"));
        List<String> args = new ArrayList<>(List.of("--enable-debug-command", "yes"));
        if (aof) args.addAll(List.of("--appendonly", "yes", "--aof-use-rdb-preamble", "no"));
        try (ServerProcess r = ServerProcess.start(ServerProcess.Kind.REDIS, Ports.free(), dir, null, args);
             RespConnection c = connect(r.port())) {
            c.callChecked("DEBUG", "POPULATE", Integer.toString(KEYS), "key", "40");
            c.callChecked("SET", "ttl", "v", "PX", "100000000");
            if (aof) {
                c.callChecked("BGREWRITEAOF");
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        c.callChecked("INFO", "persistence").asString().contains("aof_rewrite_in_progress:0")
                                && c.callChecked("INFO", "persistence").asString().contains("aof_rewrite_scheduled:0"));
                c.callChecked("SET", "after-rewrite", "1");
            } else {
                c.callChecked("SAVE");
            }
        }
        return dir;
    }

    /** Starts the Vermilion jar without waiting for it to be ready (it is loading). */
    private int startVermilion(Path dir, String... extra) throws IOException {
        int port = Ports.free();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-jar", ServerProcess.vermilionJar().toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
        cmd.addAll(List.of(extra));
        vermilionLog = dir.resolve("vermilion.log");
        vermilion = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(vermilionLog.toFile()).start();
        return port;
    }

    private String log() throws IOException {
        return Files.readString(vermilionLog);
    }

    private static Map<String, String> info(RespConnection c, String section) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : c.callChecked("INFO", section).asString().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    /** Observes a whole load: -LOADING, INFO while loading, responsiveness, then the data. */
    private void observeLoad(int port, boolean aof, long totalBytes) throws Exception {
        RespConnection c = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> connect(port), x -> true);
        try (c) {
            Reply pong = c.call("PING");
            assertThat(pong).isInstanceOf(Reply.Error.class);
            assertThat(((Reply.Error) pong).text()).isEqualTo("LOADING Redis is loading the dataset in memory");
            assertThat(((Reply.Error) c.call("GET", "key:1")).text()).isEqualTo("LOADING Redis is loading the dataset in memory");

            Map<String, String> first = info(c, "persistence");
            assertThat(first.get("loading")).isEqualTo("1");
            List<String> names = new ArrayList<>(first.keySet());
            // Redis's place for them: at the end of the section, in this order.
            assertThat(names.subList(names.size() - 6, names.size())).containsExactly("loading_start_time",
                    "loading_total_bytes", "loading_rdb_used_mem", "loading_loaded_bytes", "loading_loaded_perc",
                    "loading_eta_seconds");
            assertThat(names.indexOf("loading_start_time")).isGreaterThan(names.indexOf("module_fork_last_cow_size"));
            assertThat(Long.parseLong(first.get("loading_total_bytes"))).isEqualTo(totalBytes);
            assertThat(Math.abs(Long.parseLong(first.get("loading_start_time")) - System.currentTimeMillis() / 1000))
                    .isLessThan(30);
            if (!aof) assertThat(Long.parseLong(first.get("loading_rdb_used_mem"))).isPositive();
            long firstBytes = Long.parseLong(first.get("loading_loaded_bytes"));

            // The loop answers all along; the load progresses.
            long maxMs = 0;
            int answered = 0;
            long lastBytes = firstBytes;
            while (true) {
                long t0 = System.nanoTime();
                Reply r = c.call("PING");
                maxMs = Math.max(maxMs, (System.nanoTime() - t0) / 1_000_000);
                if (!(r instanceof Reply.Error)) break;
                answered++;
                if (answered % 50 == 0) {
                    Map<String, String> now = info(c, "persistence");
                    if (now.get("loading").equals("1")) {
                        long b = Long.parseLong(now.get("loading_loaded_bytes"));
                        assertThat(b).isGreaterThanOrEqualTo(lastBytes);
                        lastBytes = b;
                        double perc = Double.parseDouble(now.get("loading_loaded_perc"));
                        assertThat(perc).isBetween(0.0, 100.0);
                    }
                }
                Thread.sleep(5);
            }
            assertThat(answered).as("PINGs answered with -LOADING while loading").isGreaterThan(100);
            assertThat(lastBytes).isGreaterThan(firstBytes);
            assertThat(maxMs).as("longest PING while loading (ms)").isLessThan(2000);

            Map<String, String> after = info(c, "persistence");
            assertThat(after.get("loading")).isEqualTo("0");
            assertThat(after).doesNotContainKey("loading_start_time");
            assertThat(c.callChecked("DBSIZE").asLong()).isEqualTo(KEYS + (aof ? 2 : 1));
            assertThat(c.callChecked("GET", "key:77").asString()).startsWith("value:77");
            assertThat(c.callChecked("PTTL", "ttl").asLong()).isPositive();
            if (!aof) assertThat(after.get("rdb_last_load_keys_loaded")).isEqualTo(Integer.toString(KEYS + 1));
        }
        // The "Ready" line is written by the loop right after it clears the loading flag: a client
        // can see loading:0 a moment before the line reaches the log file.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> log().contains("Ready to accept connections"));
        String log = log();
        assertThat(log).contains("* Loading: ", " keys in memory, ", " bytes read (");
        assertThat(log).contains(aof ? "DB loaded from append only file" : "Done loading RDB, keys loaded: " + (KEYS + 1));
        // Ready only once loaded, as Redis logs it.
        assertThat(log.indexOf("Ready to accept connections")).isGreaterThan(log.lastIndexOf("* Loading: "));
    }

    @Test
    void loadingAnRdbFile() throws Exception {
        Path dir = redisFiles(false);
        long size = Files.size(dir.resolve("dump.rdb"));
        int port = startVermilion(dir, "--key-load-delay", "30");
        observeLoad(port, false, size);
    }

    @Test
    void loadingAnAof() throws Exception {
        Path dir = redisFiles(true);
        long size = 0;
        try (var s = Files.list(dir.resolve("appendonlydir"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".aof")).toList()) size += Files.size(p);
        }
        int port = startVermilion(dir, "--appendonly", "yes", "--key-load-delay", "30");
        observeLoad(port, true, size);
    }

    @Test
    void shutdownWhileLoadingDoesNotSaveAHalfDataset() throws Exception {
        Path dir = redisFiles(false);
        byte[] before = Files.readAllBytes(dir.resolve("dump.rdb"));
        int port = startVermilion(dir, "--key-load-delay", "30", "--save", "3600 1");
        RespConnection c = await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> connect(port), x -> true);
        try (c) {
            await().atMost(Duration.ofSeconds(10)).until(() -> info(c, "persistence").get("loading").equals("1")
                    && Long.parseLong(info(c, "persistence").get("loading_loaded_bytes")) > 0);
            try {
                c.call("SHUTDOWN");
            } catch (IOException e) {
                // the connection closes as the node exits
            }
        }
        assertThat(vermilion.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("dump.rdb"))).isEqualTo(before);
    }

    @Test
    void aCorruptFileIsStillFatal() throws Exception {
        Path dir = redisFiles(false);
        byte[] all = Files.readAllBytes(dir.resolve("dump.rdb"));
        Files.write(dir.resolve("dump.rdb"), java.util.Arrays.copyOf(all, all.length / 2));
        startVermilion(dir);
        assertThat(vermilion.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(vermilion.exitValue()).isEqualTo(1);
        assertThat(log()).contains("Fatal error loading the DB", "Unexpected EOF reading RDB file")
                .doesNotContain("Ready to accept connections");
    }
}
