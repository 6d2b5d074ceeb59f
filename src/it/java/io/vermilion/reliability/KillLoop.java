package io.vermilion.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The one kill loop of the crash tests (issue 13 point 1), shared by every crash point: nodes
 * started with fast-start JVM options ({@link io.vermilion.it.support.FastStart}), a ledger of acknowledged writes
 * made by a pipelined writer under appendfsync always, the check that a restarted node has every
 * one of them, and the check, on a copy of the files as the kill left them, that both
 * vermilion-check-aof/-rdb and the real redis-check-aof/-rdb accept them (in the background, while
 * the next cycle's node starts).
 *
 * <p>Loops of different points run {@code crash.parallel} at a time (default 3: a cycle is mostly a
 * node's start and waits inside a save or for a replica's reconnect, which leave the 2 cores idle
 * part of the time). {@code crash.kills} sets the kills per
 * point (default {@value #DEFAULT_KILLS}).
 */
final class KillLoop {
    static final int DEFAULT_KILLS = 20;

    private KillLoop() {}

    static int kills() {
        return Integer.getInteger("crash.kills", DEFAULT_KILLS);
    }

    /** What one point's loop did: kills, how many were seen inside the window, acknowledged writes. */
    record Figures(String point, int kills, int inside, long acked, long lost, double seconds) {
        @Override public String toString() {
            return String.format("%-34s kills=%d inside=%d acked=%d lost=%d %.1fs", point, kills, inside, acked, lost, seconds);
        }
    }

    interface Loop {
        Figures run() throws Exception;
    }

    /** Runs the loops {@code crash.parallel} at a time; fails with the first failure (others suppressed). */
    static List<Figures> runAll(String suite, List<Loop> loops) throws Exception {
        long t0 = System.nanoTime();
        int parallel = Math.max(1, Integer.getInteger("crash.parallel", 3));
        ExecutorService ex = Executors.newFixedThreadPool(parallel);
        List<Future<Figures>> fs = new ArrayList<>();
        try {
            for (Loop l : loops) fs.add(ex.submit(l::run));
            List<Figures> out = new ArrayList<>();
            Throwable first = null;
            for (Future<Figures> f : fs) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    if (first == null) first = e.getCause();
                    else first.addSuppressed(e.getCause());
                }
            }
            StringBuilder sb = new StringBuilder(suite + " (" + parallel + " loops at a time, "
                    + String.format("%.1f s", (System.nanoTime() - t0) / 1e9) + "):\n");
            for (Figures f : out) sb.append("  CRASH-FIGURES ").append(f).append('\n');
            System.out.print(sb);
            if (first instanceof Exception e) throw e;
            if (first instanceof Error e) throw e;
            return out;
        } finally {
            ex.shutdownNow();
        }
    }

    // ================================================================== nodes

    static List<String> aofArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("--appendonly", "yes", "--appendfsync", "always",
                "--auto-aof-rewrite-percentage", "0", "--aof-use-rdb-preamble", "yes", "--dbfilename", "dump.rdb"));
        args.addAll(List.of(extra));
        return args;
    }

    /** A node in {@code dir}, on {@code port} (0: a new one), stopping at {@code crashPoint} (null: none). */
    static ServerProcess start(Path dir, int port, String crashPoint, List<String> args) throws IOException {
        // FastStart's options come with every node (ServerProcess); a small heap on top.
        List<String> jvm = new ArrayList<>(List.of("-Xms16m", "-Xmx256m"));
        if (crashPoint != null) jvm.add("-Dvermilion.crashpoint=" + crashPoint);
        return ServerProcess.start(Kind.VERMILION, port == 0 ? Ports.free() : port, dir, null, args, jvm);
    }

    static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    /** Waits for {@code line} in the node's log (a crash point's "CRASHPOINT NAME reached"). */
    static void awaitLog(ServerProcess v, String line, long millis) {
        Path log = v.dir().resolve("server.log");
        try {
            await().atMost(Duration.ofMillis(millis)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                    .until(() -> !v.isAlive() || Files.readString(log, StandardCharsets.ISO_8859_1).contains(line));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no '" + line + "' in the node's log in " + millis + " ms:\n" + v.log(), e);
        }
        if (!v.isAlive()) throw new AssertionError("the node exited before '" + line + "':\n" + v.log());
    }

    static String info(RespConnection c, String section) throws IOException {
        return c.call("INFO", section).asString();
    }

    // ================================================================== acknowledged writes

    /**
     * Every write a node acknowledged, as key to stamp. Stamps come from one counter, so a later
     * write to a key always carries a larger stamp: after a kill a key must hold its last
     * acknowledged stamp or a larger one (a write sent but not acknowledged may have been made
     * durable), never a smaller one, and never be missing.
     */
    static final class Ledger {
        private final Map<String, Long> acked = new ConcurrentHashMap<>();
        private final AtomicLong clock = new AtomicLong();
        private final AtomicLong total = new AtomicLong();
        /** While false, replies are not counted as durable (e.g. while the AOF is being turned off and on). */
        volatile boolean credit = true;

        long total() {
            return total.get();
        }

        int keys() {
            return acked.size();
        }

        void preload(RespConnection c, String prefix, int n) throws IOException {
            for (int i = 0; i < n; i += 100) {
                List<Long> stamps = new ArrayList<>();
                for (int j = i; j < Math.min(n, i + 100); j++) {
                    long s = clock.incrementAndGet();
                    stamps.add(s);
                    c.send("SET", prefix + j, Long.toString(s));
                }
                c.flush();
                for (int j = i; j < Math.min(n, i + 100); j++) {
                    Reply r = c.read();
                    assertThat(r.isError()).as("%s", r).isFalse();
                    acked.put(prefix + j, stamps.get(j - i));
                    total.incrementAndGet();
                }
            }
        }

        /** A pipelined writer (batches of 10 SETs over {@code keys} keys) until the node dies or it is stopped. */
        Writer writer(ServerProcess v, int keys) {
            return new Writer(this, v, keys);
        }

        /** The node has every acknowledged write (see the class comment). */
        void verify(RespConnection c, String after) throws IOException {
            List<String> keys = new ArrayList<>(acked.keySet());
            for (int i = 0; i < keys.size(); i += 500) {
                List<String> part = keys.subList(i, Math.min(keys.size(), i + 500));
                Reply.Array got = mget(c, part);
                for (int j = 0; j < part.size(); j++) {
                    String k = part.get(j);
                    assertThat(got.get(j).isNull()).as("acknowledged %s lost (after %s)", k, after).isFalse();
                    assertThat(Long.parseLong(got.get(j).asString())).as("acknowledged write of %s lost (after %s)", k, after)
                            .isGreaterThanOrEqualTo(acked.get(k));
                }
            }
        }

        /** Two nodes hold the same values for every key of the ledger (a replica caught up with its master). */
        void sameOn(RespConnection a, RespConnection b, String what) throws IOException {
            List<String> keys = new ArrayList<>(acked.keySet());
            for (int i = 0; i < keys.size(); i += 500) {
                List<String> part = keys.subList(i, Math.min(keys.size(), i + 500));
                assertThat(mget(b, part)).as(what).isEqualTo(mget(a, part));
            }
        }

        private static Reply.Array mget(RespConnection c, List<String> keys) throws IOException {
            List<byte[]> cmd = new ArrayList<>();
            cmd.add("MGET".getBytes(StandardCharsets.US_ASCII));
            for (String k : keys) cmd.add(k.getBytes(StandardCharsets.ISO_8859_1));
            return (Reply.Array) c.call(cmd);
        }
    }

    static final class Writer {
        final AtomicInteger acks = new AtomicInteger();
        private volatile boolean stop;
        private final Thread thread;

        Writer(Ledger l, ServerProcess v, int keys) {
            thread = new Thread(() -> {
                try (RespConnection c = connect(v)) {
                    long[] stamps = new long[10];
                    int[] slots = new int[10];
                    for (long i = 0; !stop; i += 10) {
                        for (int j = 0; j < 10; j++) {
                            stamps[j] = l.clock.incrementAndGet();
                            slots[j] = (int) ((i + j) % keys);
                            c.send("SET", "w:" + slots[j], Long.toString(stamps[j]));
                        }
                        c.flush();
                        for (int j = 0; j < 10; j++) {
                            Reply r = c.read();
                            if (r.isError()) throw new IllegalStateException(r.toString());
                            if (l.credit) {
                                l.acked.merge("w:" + slots[j], stamps[j], Math::max);
                                l.total.incrementAndGet();
                            }
                            acks.incrementAndGet();
                        }
                    }
                } catch (IOException | RuntimeException killed) {
                    // the node was killed under us
                }
            }, "crash-writer");
            thread.setDaemon(true);
            thread.start();
        }

        void awaitAcks(int n) {
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> acks.get() >= n || !thread.isAlive());
            assertThat(acks.get()).as("writes acknowledged before the kill").isGreaterThanOrEqualTo(n);
        }

        /** After the kill: the writer ends (its connection is gone). */
        void join() throws InterruptedException {
            thread.join(30_000);
            assertThat(thread.isAlive()).as("writer still running after the kill").isFalse();
        }

        /** Stops a writer whose node stays up. */
        void stop() throws InterruptedException {
            stop = true;
            join();
        }
    }

    // ================================================================== files

    private static final ExecutorService CHECKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crash-file-checker");
        t.setDaemon(true);
        return t;
    });

    /** Checks of copies of the files as kills left them, run in the background; {@link #await()} collects them. */
    static final class Checks {
        private final List<Future<Void>> pending = new ArrayList<>();
        private int done;

        /** Copies {@code dir}'s dump.rdb and appendonlydir now; checks them in the background. */
        void copyAndCheck(Path dir, boolean aofExpected, String after) throws IOException {
            Path copy = Files.createTempDirectory("vermilion-it-crashcopy-");
            Path aof = dir.resolve("appendonlydir");
            if (Files.isDirectory(aof)) {
                Files.createDirectories(copy.resolve("appendonlydir"));
                try (Stream<Path> s = Files.list(aof)) {
                    for (Path f : s.toList()) Files.copy(f, copy.resolve("appendonlydir").resolve(f.getFileName()));
                }
            }
            if (Files.exists(dir.resolve("dump.rdb"))) Files.copy(dir.resolve("dump.rdb"), copy.resolve("dump.rdb"));
            pending.add(CHECKER.submit(() -> {
                try {
                    checkFiles(copy, aofExpected, after);
                } finally {
                    deleteTree(copy);
                }
                return null;
            }));
        }

        int await() throws Exception {
            for (Future<Void> f : pending) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception x) throw x;
                    throw (Error) e.getCause();
                }
                done++;
            }
            pending.clear();
            return done;
        }
    }

    /**
     * Both check tools accept what a kill left: the AOF directory (manifest and every file it
     * names) and every RDB (each AOF base with an RDB preamble, and dump.rdb if there is one).
     * Temp files (an unfinished base or snapshot) are not checked: no tool reads them, as in Redis.
     */
    static void checkFiles(Path dir, boolean aofExpected, String after) throws Exception {
        Path manifest = dir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
        if (aofExpected) assertThat(manifest).as("manifest after %s", after).exists();
        if (Files.exists(manifest)) {
            String m = "appendonlydir/appendonly.aof.manifest";
            assertThat(ourCheck(false, dir, m)).as("vermilion-check-aof after %s", after)
                    .contains("All AOF files and manifest are valid");
            assertThat(realCheck("redis-check-aof", dir, m)).as("redis-check-aof after %s", after)
                    .contains("All AOF files and manifest are valid");
        }
        List<String> rdbs = new ArrayList<>();
        if (Files.isDirectory(dir.resolve("appendonlydir"))) {
            try (Stream<Path> s = Files.list(dir.resolve("appendonlydir"))) {
                s.filter(p -> p.getFileName().toString().endsWith(".base.rdb")).forEach(p -> rdbs.add("appendonlydir/" + p.getFileName()));
            }
        }
        if (Files.exists(dir.resolve("dump.rdb"))) rdbs.add("dump.rdb");
        for (String f : rdbs) {
            assertThat(ourCheck(true, dir, f)).as("vermilion-check-rdb %s after %s", f, after).contains("\\o/ RDB looks OK! \\o/");
            assertThat(realCheck("redis-check-rdb", dir, f)).as("redis-check-rdb %s after %s", f, after)
                    .contains("\\o/ RDB looks OK! \\o/");
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

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
