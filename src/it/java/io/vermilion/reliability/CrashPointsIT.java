package io.vermilion.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.persistence.tools.CheckAof;
import io.vermilion.persistence.tools.CheckRdb;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 point 1: kill -9 at named moments of BGREWRITEAOF, stopped there deterministically by
 * {@link io.vermilion.util.CrashPoint} ({@code -Dvermilion.crashpoint=NAME} on the node's JVM: the
 * thread reaching the point logs it and stops; the test sees the log line and kills the process),
 * under a pipelined writer with appendfsync always. After each kill the node restarts with every
 * acknowledged write, and the files pass vermilion-check-aof and the real redis-check-aof (and
 * both check-rdb tools on the RDB base).
 *
 * <p>CI runs {@value #KILLS} kills at each of {@link #CI_POINTS}; {@code -Dcrash.kills=N} and
 * {@code -Dcrash.points=all} (every point of CrashPoint) for a long run:
 * {@code mvn -B -ntp verify -Dit.test=CrashPointsIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dcrash.points=all -Dcrash.kills=100}.
 */
class CrashPointsIT {
    static final int KILLS = 20;
    /** Kills while the new base is complete in its temp file, after the manifest, at the incr switch. */
    static final List<String> CI_POINTS = List.of("aof-base-written", "aof-manifest-written", "aof-incr-opened");
    static final List<String> ALL_POINTS = List.of("aof-incr-opened", "aof-manifest-temp-written:1", "aof-base-written",
            "aof-base-renamed", "aof-manifest-temp-written:2", "aof-manifest-written");
    private static final int PRELOAD = 500;
    private static final int WRITE_KEYS = 300;

    static int kills() {
        return Integer.getInteger("crash.kills", KILLS);
    }

    static List<String> points() {
        return "all".equals(System.getProperty("crash.points")) ? ALL_POINTS : CI_POINTS;
    }

    /** Strictly increasing over the whole test: cycle-major, then write number. */
    private static long stamp(int cycle, long j) {
        return cycle * 1_000_000_000L + j;
    }

    static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    private static ServerProcess start(Path dir, String point) throws IOException {
        List<String> args = List.of("--appendonly", "yes", "--appendfsync", "always", "--auto-aof-rewrite-percentage", "0",
                "--aof-use-rdb-preamble", "yes", "--dbfilename", "dump.rdb");
        List<String> jvm = new ArrayList<>(Jvm.fastStart());
        if (point != null) jvm.add("-Dvermilion.crashpoint=" + point);
        return ServerProcess.start(Kind.VERMILION, Ports.free(), dir, null, args, jvm);
    }

    @Test
    void killAtEachPointOfBgrewriteaof() throws Exception {
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("vermilion-it-crashpoints-");
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicInteger ackedWrites = new AtomicInteger();
        Random rnd = new Random(13);
        try (ServerProcess v = start(dir, null); RespConnection c = connect(v)) {
            for (int j = 0; j < PRELOAD; j++) c.send("SET", "pre:" + j, "p" + j);
            c.flush();
            for (int j = 0; j < PRELOAD; j++) {
                assertThat(c.read().isError()).isFalse();
                acked.put("pre:" + j, "p" + j);
            }
        }
        List<String> points = points();
        int[] killsAt = new int[points.size()];
        int cycles = kills() * points.size();
        java.util.concurrent.ExecutorService checker = java.util.concurrent.Executors.newSingleThreadExecutor();
        List<java.util.concurrent.Future<Void>> checks = new ArrayList<>();
        for (int cycle = 0; cycle < cycles; cycle++) {
            int pi = cycle % points.size();
            String point = points.get(pi);
            long c0 = System.nanoTime();
            ServerProcess v = start(dir, point);
            long c1 = System.nanoTime();
            try {
                try (RespConnection c = connect(v)) {
                    verify(c, acked, point);
                }
                AtomicInteger ackedThisCycle = new AtomicInteger();
                Thread writer = writer(v, cycle, acked, ackedThisCycle, ackedWrites);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (ackedThisCycle.get() < 20 && System.nanoTime() < deadline) Thread.sleep(1);
                try (RespConnection c = connect(v)) {
                    // The reply may never come: some points are inside BGREWRITEAOF itself.
                    c.send("BGREWRITEAOF");
                    c.flush();
                    awaitLog(v, "CRASHPOINT " + point.replaceAll(":.*", "") + " reached", 20_000);
                    // Points on the snapshot writer leave the event loop serving the writer: let it go on a bit.
                    Thread.sleep(rnd.nextInt(15));
                }
                v.kill();
                killsAt[pi]++;
                writer.join(30_000);
                assertThat(writer.isAlive()).isFalse();
            } finally {
                v.kill();
            }
            // The files as the kill left them are checked on a copy, while the next cycle's node starts.
            checks.add(checker.submit(checkCopy(dir, point)));
            if (System.getProperty("crash.trace") != null) System.out.printf("cycle %d %s: start %d ms, run %d ms%n", cycle, point,
                    (c1 - c0) / 1_000_000, (System.nanoTime() - c1) / 1_000_000);
        }
        checker.shutdown();
        for (var f : checks) f.get();
        try (ServerProcess v = start(dir, null); RespConnection c = connect(v)) {
            verify(c, acked, "end");
        }
        StringBuilder figures = new StringBuilder();
        for (int i = 0; i < points.size(); i++) figures.append(points.get(i)).append('=').append(killsAt[i]).append(' ');
        System.out.printf("CrashPointsIT: kills per point: %s; %d acknowledged writes, 0 lost; %.1f s%n", figures,
                ackedWrites.get(), (System.nanoTime() - t0) / 1e9);
        for (int k : killsAt) assertThat(k).isGreaterThanOrEqualTo(kills());
    }

    private static Thread writer(ServerProcess v, int cyc, Map<String, String> acked, AtomicInteger ackedThisCycle,
            AtomicInteger ackedWrites) {
        Thread writer = new Thread(() -> {
            try (RespConnection c = connect(v)) {
                for (long i = 0; ; i += 10) {
                    for (long j = i; j < i + 10; j++) c.send("SET", "w:" + (j % WRITE_KEYS), Long.toString(stamp(cyc, j)));
                    c.flush();
                    for (long j = i; j < i + 10; j++) {
                        Reply r = c.read();
                        if (r.isError()) throw new IllegalStateException(r.toString());
                        acked.put("w:" + (j % WRITE_KEYS), Long.toString(stamp(cyc, j)));
                        ackedThisCycle.incrementAndGet();
                        ackedWrites.incrementAndGet();
                    }
                }
            } catch (IOException | RuntimeException killed) {
                // the server was killed under us
            }
        });
        writer.start();
        return writer;
    }

    static void awaitLog(ServerProcess v, String line, long millis) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        Path log = v.dir().resolve("server.log");
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(line)) return;
            if (!v.isAlive()) break;
            Thread.sleep(2);
        }
        throw new AssertionError("no '" + line + "' in the node's log:\n" + v.log());
    }

    private static void verify(RespConnection c, Map<String, String> acked, String after) throws IOException {
        List<String> keys = new ArrayList<>(acked.keySet());
        for (int i = 0; i < keys.size(); i += 500) {
            List<String> part = keys.subList(i, Math.min(keys.size(), i + 500));
            List<byte[]> cmd = new ArrayList<>();
            cmd.add("MGET".getBytes(StandardCharsets.US_ASCII));
            for (String k : part) cmd.add(k.getBytes(StandardCharsets.ISO_8859_1));
            Reply.Array got = (Reply.Array) c.call(cmd);
            for (int j = 0; j < part.size(); j++) {
                String k = part.get(j);
                assertThat(got.get(j).isNull()).as("acknowledged %s lost (kill at %s)", k, after).isFalse();
                if (k.startsWith("w:")) {
                    // A write sent but not acknowledged may have been made durable: the value is the
                    // last acknowledged one or a later one, never an older one.
                    assertThat(Long.parseLong(got.get(j).asString())).as("acknowledged write of %s lost (kill at %s)", k, after)
                            .isGreaterThanOrEqualTo(Long.parseLong(acked.get(k)));
                } else {
                    assertThat(got.get(j).asString()).isEqualTo(acked.get(k));
                }
            }
        }
    }

    /** A copy of the AOF directory as it is now, checked when the returned task runs. */
    static java.util.concurrent.Callable<Void> checkCopy(Path dir, String point) throws IOException {
        Path copy = Files.createTempDirectory("vermilion-it-crashcopy-");
        Files.createDirectories(copy.resolve("appendonlydir"));
        try (Stream<Path> s = Files.list(dir.resolve("appendonlydir"))) {
            for (Path f : s.toList()) Files.copy(f, copy.resolve("appendonlydir").resolve(f.getFileName()));
        }
        return () -> {
            checkFiles(copy, point);
            try (Stream<Path> s = Files.list(copy.resolve("appendonlydir"))) {
                for (Path f : s.toList()) Files.delete(f);
            }
            Files.delete(copy.resolve("appendonlydir"));
            Files.delete(copy);
            return null;
        };
    }

    /** Both check tools accept what the kill left: the AOF directory and the RDB base in it. */
    static void checkFiles(Path dir, String point) throws Exception {
        Path manifest = dir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
        assertThat(manifest).as("manifest after a kill at %s", point).exists();
        String m = "appendonlydir/appendonly.aof.manifest";
        assertThat(ourCheck(false, dir, m)).as("vermilion-check-aof after %s", point)
                .contains("All AOF files and manifest are valid");
        assertThat(realCheck("redis-check-aof", dir, m)).as("redis-check-aof after %s", point)
                .contains("All AOF files and manifest are valid");
        try (Stream<Path> s = Files.list(dir.resolve("appendonlydir"))) {
            for (Path base : s.filter(p -> p.getFileName().toString().endsWith(".base.rdb")).toList()) {
                String f = "appendonlydir/" + base.getFileName();
                assertThat(ourCheck(true, dir, f)).as("vermilion-check-rdb %s after %s", f, point).contains("\\o/ RDB looks OK! \\o/");
                assertThat(realCheck("redis-check-rdb", dir, f)).as("redis-check-rdb %s after %s", f, point)
                        .contains("\\o/ RDB looks OK! \\o/");
            }
        }
    }

    private static String ourCheck(boolean rdb, Path cwd, String file) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        if (rdb) CheckRdb.runIn(cwd, new String[] {file}, out, out);
        else CheckAof.runIn(cwd, new String[] {file}, out, new ByteArrayInputStream(new byte[0]));
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static String realCheck(String tool, Path cwd, String file) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/" + tool, file).directory(cwd.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
