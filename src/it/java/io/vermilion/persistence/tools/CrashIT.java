package io.vermilion.persistence.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * kill -9 in the middle of a background save, at random moments spread over the whole save
 * (from its start to just after it completes, so the new base file being written, the manifest
 * being replaced and the old files being removed are all hit), under a client writing with
 * appendfsync always. After every kill the node restarts with every acknowledged write, and its
 * files pass both vermilion-check-aof/-rdb and the real redis-check-aof/-rdb.
 *
 * <p>The figures (kills per point, acknowledged writes, lost writes = 0) are printed and recorded
 * in docs/reliability.md.
 */
class CrashIT {
    private static final int KILLS_PER_POINT = 20;
    private static final int PRELOAD = 3000;
    private static final int WRITE_KEYS = 1000;
    /** Microseconds per key while saving: a save of PRELOAD keys takes about 0.3 s. */
    private static final int KEY_SAVE_DELAY_US = 100;

    enum Point { BGREWRITEAOF, BGSAVE }

    @Test
    void killDuringBgrewriteaof() throws Exception {
        crashLoop(Point.BGREWRITEAOF, 1);
    }

    @Test
    void killDuringBgsave() throws Exception {
        crashLoop(Point.BGSAVE, 2);
    }

    /** Strictly increasing over the whole test: cycle-major, then write number. */
    private static long stamp(int cycle, long j) {
        return cycle * 1_000_000_000L + j;
    }

    private static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    private static ServerProcess start(Path dir, boolean slowSave) throws IOException {
        List<String> args = new ArrayList<>(List.of("--appendonly", "yes", "--appendfsync", "always",
                "--auto-aof-rewrite-percentage", "0", "--aof-use-rdb-preamble", "yes", "--dbfilename", "dump.rdb"));
        if (slowSave) args.addAll(List.of("--rdb-key-save-delay", Integer.toString(KEY_SAVE_DELAY_US)));
        return ServerProcess.start(Kind.VERMILION, Ports.free(), dir, null, args);
    }

    private void crashLoop(Point point, long seed) throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-crash-" + point.name().toLowerCase() + "-");
        Map<String, String> acked = new ConcurrentHashMap<>();
        AtomicInteger ackedWrites = new AtomicInteger();
        Random rnd = new Random(seed);
        try (ServerProcess v = start(dir, false); RespConnection c = connect(v)) {
            for (int i = 0; i < PRELOAD; i += 100) {
                for (int j = i; j < i + 100; j++) c.send("SET", "pre:" + j, "p" + j);
                c.flush();
                for (int j = i; j < i + 100; j++) {
                    assertThat(c.read().isError()).isFalse();
                    acked.put("pre:" + j, "p" + j);
                }
            }
        }
        int kills = 0;
        int inProgressAtKill = 0;
        long saveMillis = (long) PRELOAD * KEY_SAVE_DELAY_US / 1000;
        for (int cycle = 0; cycle < KILLS_PER_POINT; cycle++) {
            ServerProcess v = start(dir, true);
            try (RespConnection c = connect(v)) {
                verify(c, acked);
            }
            AtomicInteger ackedThisCycle = new AtomicInteger();
            final int cyc = cycle;
            Thread writer = new Thread(() -> {
                try (RespConnection c = connect(v)) {
                    // A fixed set of keys, overwritten with ever larger numbers: the dataset (and so
                    // the length of a save) stays the same from cycle to cycle.
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
            await().atMost(Duration.ofSeconds(30)).until(() -> ackedThisCycle.get() >= 50);
            try (RespConnection c = connect(v)) {
                Reply r = c.call(point.name());
                assertThat(r.isError()).as("%s: %s", point, r).isFalse();
                String field = point == Point.BGSAVE ? "rdb_bgsave_in_progress:1" : "aof_rewrite_in_progress:1";
                if (cycle % 4 == 3) {
                    // Right as the save ends: the new files are being installed (manifest replaced,
                    // old base and increments removed) while the writer keeps appending.
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                            .until(() -> !c.call("INFO", "persistence").asString().contains(field));
                } else {
                    // A moment anywhere from the start of the save to about its end.
                    Thread.sleep((long) (rnd.nextDouble() * saveMillis * 1.3));
                    if (c.call("INFO", "persistence").asString().contains(field)) inProgressAtKill++;
                }
            }
            v.kill();
            kills++;
            writer.join(30_000);
            assertThat(writer.isAlive()).isFalse();
            checkFiles(dir, point);
        }
        try (ServerProcess v = start(dir, false); RespConnection c = connect(v)) {
            verify(c, acked);
        }
        System.out.printf("CrashIT %s: %d kills (%d seen inside the save, %d right at its end), %d acknowledged writes, 0 lost%n",
                point, kills, inProgressAtKill, KILLS_PER_POINT / 4, ackedWrites.get());
        assertThat(kills).isGreaterThanOrEqualTo(KILLS_PER_POINT);
        // Most kills must really land inside the save, or the test proves nothing.
        assertThat(inProgressAtKill).isGreaterThanOrEqualTo(KILLS_PER_POINT / 2);
    }

    private static void verify(RespConnection c, Map<String, String> acked) throws IOException {
        List<String> keys = new ArrayList<>(acked.keySet());
        for (int i = 0; i < keys.size(); i += 500) {
            List<String> part = keys.subList(i, Math.min(keys.size(), i + 500));
            List<byte[]> cmd = new ArrayList<>();
            cmd.add("MGET".getBytes(StandardCharsets.US_ASCII));
            for (String k : part) cmd.add(k.getBytes(StandardCharsets.ISO_8859_1));
            Reply.Array got = (Reply.Array) c.call(cmd);
            for (int j = 0; j < part.size(); j++) {
                String k = part.get(j);
                assertThat(got.get(j).isNull()).as("acknowledged %s lost", k).isFalse();
                if (k.startsWith("w:")) {
                    // A write sent but not acknowledged before the kill may have been made durable: the
                    // value is the last acknowledged one or a later one, never an older one.
                    assertThat(Long.parseLong(got.get(j).asString())).as("acknowledged write of %s lost", k)
                            .isGreaterThanOrEqualTo(Long.parseLong(acked.get(k)));
                } else {
                    assertThat(got.get(j).asString()).isEqualTo(acked.get(k));
                }
            }
        }
    }

    /** Both check tools accept what the kill left: the AOF directory and, if any, dump.rdb. */
    private static void checkFiles(Path dir, Point point) throws Exception {
        Path manifest = dir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
        assertThat(manifest).exists();
        String ours = ourCheck(false, dir, "appendonlydir/appendonly.aof.manifest");
        String real = realCheck("redis-check-aof", dir, "appendonlydir/appendonly.aof.manifest");
        assertThat(ours).as("vermilion-check-aof").contains("All AOF files and manifest are valid");
        assertThat(real).as("redis-check-aof").contains("All AOF files and manifest are valid");
        if (Files.exists(dir.resolve("dump.rdb"))) {
            assertThat(ourCheck(true, dir, "dump.rdb")).as("vermilion-check-rdb").contains("\\o/ RDB looks OK! \\o/");
            assertThat(realCheck("redis-check-rdb", dir, "dump.rdb")).as("redis-check-rdb").contains("\\o/ RDB looks OK! \\o/");
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
