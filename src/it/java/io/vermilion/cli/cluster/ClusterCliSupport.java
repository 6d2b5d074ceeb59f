package io.vermilion.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.util.HashSlot;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Helpers for the cluster manager tests: run the real redis-cli and ours as processes (stdout not
 * a terminal, TERM=dumb so neither colours its output), write and read keys straight to the
 * master that owns them, and look at the nodes' own view of the cluster.
 */
final class ClusterCliSupport {
    static final String REDIS_CLI = System.getProperty("redis.cli", "/usr/bin/redis-cli");

    /**
     * The node kinds every {@link BothKinds} test runs on: Vermilion and real Redis, or only the
     * one named by {@code -Dcluster.kind=VERMILION|REDIS}.
     */
    static java.util.stream.Stream<ServerProcess.Kind> kinds() {
        String only = System.getProperty("cluster.kind", "");
        if (!only.isBlank()) return java.util.stream.Stream.of(ServerProcess.Kind.valueOf(only.trim()));
        return java.util.stream.Stream.of(ServerProcess.Kind.VERMILION, ServerProcess.Kind.REDIS);
    }

    /** Skips the rest of a test on Vermilion nodes, which do not serve SYNC yet (replication protocol). */
    static void assumeSync(ServerProcess.Kind kind) {
        org.junit.jupiter.api.Assumptions.assumeTrue(kind == ServerProcess.Kind.REDIS,
                "replication not implemented yet on Vermilion (SYNC for --cluster backup)");
    }

    private ClusterCliSupport() {}

    /** What a run produced. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit=" + exit + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    static List<String> ourCommand(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                ServerProcess.vermilionJar().toString(), "io.vermilion.cli.CliMain"));
        cmd.addAll(args);
        return cmd;
    }

    static Result ours(String... args) throws IOException, InterruptedException {
        return run(ourCommand(List.of(args)), null);
    }

    static Result oursWithInput(String stdin, String... args) throws IOException, InterruptedException {
        return run(ourCommand(List.of(args)), stdin.getBytes(StandardCharsets.UTF_8));
    }

    static Result redisCli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(REDIS_CLI));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    static Result redisCliWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(REDIS_CLI));
        cmd.addAll(List.of(args));
        return run(cmd, stdin.getBytes(StandardCharsets.UTF_8));
    }

    static ProcessBuilder builder(List<String> cmd, Path out, Path err) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("REDISCLI_") || k.startsWith("VERMILIONCLI_") || k.equals("FAKETTY"));
        pb.environment().put("TERM", "dumb");
        pb.environment().put("REDISCLI_HISTFILE", "/dev/null");
        pb.environment().put("VERMILIONCLI_HISTFILE", "/dev/null");
        return pb;
    }

    static Result run(List<String> cmd, byte[] stdin) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cluster-cli-run-");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        try {
            ProcessBuilder pb = builder(cmd, out, err);
            if (stdin == null) pb.redirectInput(new File("/dev/null"));
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin);
                }
            }
            // A reshard of 4096 slots on Vermilion nodes has taken over 180 s at load average 30.
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd + "\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Starts our CLI in the background with SIGINT at its default disposition (a JVM started
     * from a background job inherits an ignored SIGINT and would never see Ctrl-C).
     */
    static Process startOurs(Path out, Path err, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/perl").canExecute()) cmd.addAll(List.of("/usr/bin/perl", "-e", "$SIG{INT}='DEFAULT'; exec @ARGV or die"));
        cmd.addAll(ourCommand(List.of(args)));
        ProcessBuilder pb = builder(cmd, out, err);
        pb.redirectInput(new File("/dev/null"));
        return pb.start();
    }

    static void signal(Process p, String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor();
    }

    /** 40-hex node ids become {@code <id>}. */
    static String maskIds(String s) {
        return s.replaceAll("[0-9a-f]{40}", "<id>");
    }

    static String addr(int port) {
        return "127.0.0.1:" + port;
    }

    // ---------------------------------------------------------------- the cluster's own view

    static RespConnection connect(int port) throws IOException {
        return RespConnection.connect("127.0.0.1", port, 5000, 30_000);
    }

    static String call(int port, String... args) throws IOException {
        try (RespConnection c = connect(port)) {
            Reply r = c.call(args);
            return r.asString();
        }
    }

    static String myId(int port) throws IOException {
        return call(port, "CLUSTER", "MYID");
    }

    /** The node's own line of CLUSTER NODES. */
    static String myLine(int port) throws IOException {
        for (String l : call(port, "CLUSTER", "NODES").split("\n")) if (l.contains("myself")) return l;
        throw new IllegalStateException("no myself line");
    }

    /** Owner port of every slot, as {@code port} sees it (-1 if unassigned). */
    static int[] slotOwners(int port) throws IOException {
        int[] owner = new int[HashSlot.SLOTS];
        java.util.Arrays.fill(owner, -1);
        for (String l : call(port, "CLUSTER", "NODES").split("\n")) {
            String[] f = l.split(" ");
            if (f.length < 9 || !f[2].contains("master")) continue;
            int p = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1, f[1].indexOf('@')));
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) continue;
                String[] r = f[i].split("-");
                int a = Integer.parseInt(r[0]), b = r.length > 1 ? Integer.parseInt(r[1]) : a;
                for (int s = a; s <= b; s++) owner[s] = p;
            }
        }
        return owner;
    }

    /**
     * Asserts the cluster is settled right now (no waiting): every node knows exactly the given
     * nodes, none is in handshake or failing, and all report the same slot owners.
     */
    static void assertSettled(List<Integer> ports) throws IOException {
        String reference = null;
        for (int p : ports) {
            String nodes = call(p, "CLUSTER", "NODES");
            List<String> lines = nodes.lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("nodes known by %d:%n%s", p, nodes).hasSize(ports.size());
            for (String l : lines) {
                assertThat(l.split(" ")[2]).as("flags seen by %d in %s", p, l)
                        .doesNotContain("handshake").doesNotContain("fail").doesNotContain("noaddr");
            }
            TreeSet<String> view = new TreeSet<>();
            for (String l : lines) {
                String[] f = l.split(" ");
                StringBuilder sb = new StringBuilder(f[0]).append(' ').append(f[3]);
                for (int i = 8; i < f.length; i++) if (!f[i].startsWith("[")) sb.append(' ').append(f[i]);
                view.add(sb.toString());
            }
            if (reference == null) reference = view.toString();
            else assertThat(view.toString()).as("view of %d", p).isEqualTo(reference);
        }
    }

    /** Polls (bounded) until {@code check} holds for the value of {@code probe}. */
    static <T> T await(String what, long millis, Probe<T> probe, Predicate<T> check) throws Exception {
        List<T> last = new java.util.ArrayList<>(java.util.Collections.singletonList(null));
        try {
            return org.awaitility.Awaitility.await(what).atMost(java.time.Duration.ofMillis(millis))
                    .pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(20))
                    .until(() -> { T v = probe.get(); last.set(0, v); return v; }, check::test);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; last: " + last.get(0), e);
        }
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    // ---------------------------------------------------------------- keys

    /** Writes {@code n} keys {@code prefix<i>} = {@code v<i>} to the masters owning them. */
    static Map<String, String> writeKeys(int anyPort, String prefix, int n) throws IOException {
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) written.put(prefix + i, "v" + i + "-" + prefix);
        writeAll(anyPort, written);
        return written;
    }

    static void writeAll(int anyPort, Map<String, String> kv) throws IOException {
        int[] owner = slotOwners(anyPort);
        Map<Integer, List<Map.Entry<String, String>>> byPort = new HashMap<>();
        for (Map.Entry<String, String> e : kv.entrySet()) {
            byPort.computeIfAbsent(owner[HashSlot.of(e.getKey().getBytes(StandardCharsets.UTF_8))], k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<Integer, List<Map.Entry<String, String>>> e : byPort.entrySet()) {
            try (RespConnection c = connect(e.getKey())) {
                for (Map.Entry<String, String> kvp : e.getValue()) c.send("SET", kvp.getKey(), kvp.getValue());
                for (Map.Entry<String, String> kvp : e.getValue()) {
                    Reply r = c.read();
                    assertThat(r.asString()).as("SET %s on %d", kvp.getKey(), e.getKey()).isEqualTo("OK");
                }
            }
        }
    }

    /**
     * Reads every key back from the master that owns its slot now (as {@code anyPort} sees the
     * cluster) and returns the keys that are missing or have another value.
     */
    static List<String> missingOrWrong(int anyPort, Map<String, String> expected) throws IOException {
        int[] owner = slotOwners(anyPort);
        Map<Integer, List<String>> byPort = new HashMap<>();
        for (String k : expected.keySet()) {
            byPort.computeIfAbsent(owner[HashSlot.of(k.getBytes(StandardCharsets.UTF_8))], x -> new ArrayList<>()).add(k);
        }
        List<String> bad = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : byPort.entrySet()) {
            try (RespConnection c = connect(e.getKey())) {
                for (String k : e.getValue()) c.send("GET", k);
                for (String k : e.getValue()) {
                    Reply r = c.read();
                    if (!expected.get(k).equals(r.asString())) bad.add(k + "=" + r);
                }
            }
        }
        return bad;
    }

    static long totalKeys(List<Integer> masters) throws IOException {
        long t = 0;
        for (int p : masters) t += Long.parseLong(call(p, "DBSIZE"));
        return t;
    }
}
