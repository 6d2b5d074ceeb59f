package io.vermilion.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.persistence.rdb.RdbWriter;
import io.vermilion.persistence.rdb.ValueCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The append-only file with real processes: kill -9 and restart, a crash loop under a writer with
 * appendfsync always that must never lose an acknowledged write, AOF directories exchanged with
 * real redis-server 7.0 both ways (RDB-preamble and plain bases, rewrites), truncated tails, and
 * the upgrade of a pre-7.0 single-file AOF.
 */
class AofIT {
    private static final String[] AOF_ALWAYS = {"--appendonly", "yes", "--appendfsync", "always"};

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    private static ServerProcess start(Kind kind, Path dir, String... args) throws IOException {
        return Servers.start(kind, dir, args);
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static Path aofDir(Path dir) { return dir.resolve("appendonlydir"); }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }

    /** Writes a fixed workload; returns the expected string values per "db/key". */
    private static Map<String, String> workload(RespConnection c) throws IOException {
        return workload(c, true);
    }

    private static Map<String, String> workload(RespConnection c, boolean ttls) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        for (int db : new int[] {0, 2}) {
            c.select(db);
            for (int i = 0; i < 200; i++) {
                c.callChecked("SET", "k" + i, "v" + i + "-" + "z".repeat(i % 40));
                m.put(db + "/k" + i, "v" + i + "-" + "z".repeat(i % 40));
            }
            if (ttls) {
                c.callChecked("SET", "ttl", "t", "EX", "1000");
                m.put(db + "/ttl", "t");
                c.callChecked("SET", "abs", "a", "PXAT", "4102444800000");
                m.put(db + "/abs", "a");
                c.callChecked("SETEX", "sx", "500", "s");
                m.put(db + "/sx", "s");
            }
            for (int i = 0; i < 5; i++) c.callChecked("APPEND", "log", "e" + i + ",");
            m.put(db + "/log", "e0,e1,e2,e3,e4,");
            c.callChecked("INCRBYFLOAT", "fl", "0.1");
            c.callChecked("INCRBYFLOAT", "fl", "0.2");
            m.put(db + "/fl", "0.3");
            c.callChecked("INCR", "n");
            c.callChecked("INCRBY", "n", "41");
            m.put(db + "/n", "42");
            c.callChecked("SETRANGE", "sr", "2", "xy");
            m.put(db + "/sr", "\0\0xy");
            c.callChecked("MSET", "m1", "1", "m2", "2");
            m.put(db + "/m1", "1");
            m.put(db + "/m2", "2");
            c.callChecked("GETSET", "k0", "replaced");
            m.put(db + "/k0", "replaced");
        }
        c.select(0);
        return m;
    }

    private static void check(RespConnection c, Map<String, String> expected) throws IOException {
        for (Map.Entry<String, String> e : expected.entrySet()) {
            int slash = e.getKey().indexOf('/');
            c.select(Integer.parseInt(e.getKey().substring(0, slash)));
            Reply r = c.call("GET", e.getKey().substring(slash + 1));
            assertThat(r.isNull()).as("missing %s", e.getKey()).isFalse();
            assertThat(new String(r.asBytes(), StandardCharsets.ISO_8859_1)).as(e.getKey()).isEqualTo(e.getValue());
        }
        c.select(0);
    }

    @Test
    void killRestartRewriteAndRedisReadsOurFiles() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-aof-");
        Map<String, String> expected;
        long ttlAt;
        try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
            expected = workload(c);
            v.kill();
        }
        assertThat(Files.readString(aofDir(dir).resolve("appendonly.aof.manifest")))
                .isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
            check(c, expected);
            assertThat(v.log()).contains("DB loaded from incr file appendonly.aof.1.incr.aof");
            // rewrite, then more writes into the new incr file
            assertThat(c.call("BGREWRITEAOF").asString()).isEqualTo("Background append only file rewriting started");
            c.callChecked("SET", "after", "rewrite");
            expected.put("0/after", "rewrite");
            await().atMost(Duration.ofSeconds(30)).until(() -> v.log().contains("Background AOF rewrite finished successfully"));
            assertThat(Files.readString(aofDir(dir).resolve("appendonly.aof.manifest")))
                    .isEqualTo("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
            try (Stream<Path> s = Files.list(aofDir(dir))) {
                assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                        "appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest");
            }
            c.callChecked("SET", "after2", "x");
            expected.put("0/after2", "x");
            String info = c.call("INFO", "persistence").asString();
            assertThat(info).contains("aof_enabled:1\r\n").contains("aof_rewrites:1\r\n")
                    .contains("aof_last_bgrewrite_status:ok\r\n").contains("aof_rewrite_in_progress:0\r\n");
            assertThat(infoFieldNames(info)).isEqualTo(redisInfoFieldNames("--appendonly", "yes"));
            v.kill();
        }
        try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
            check(c, expected);
            v.kill();
        }
        // Real Redis reads the same directory: values and absolute expiry times.
        Path copy = Files.createTempDirectory("vermilion-it-aof-to-redis-");
        copyTree(aofDir(dir), aofDir(copy));
        try (ServerProcess r = start(Kind.REDIS, copy, "--appendonly", "yes"); RespConnection c = connect(r)) {
            check(c, expected);
            assertThat(c.call("PEXPIRETIME", "abs").asLong()).isEqualTo(4102444800000L);
            ttlAt = c.call("PEXPIRETIME", "ttl").asLong();
            assertThat(ttlAt).isGreaterThan(System.currentTimeMillis() + 900_000);
            assertThat(c.call("PEXPIRETIME", "sx").asLong()).isGreaterThan(System.currentTimeMillis() + 400_000);
        }
    }

    @Test
    void weLoadRedisAofDirectories() throws Exception {
        for (String preamble : new String[] {"yes", "no"}) {
            Path src;
            Map<String, String> expected;
            try (ServerProcess r = Servers.redis("--appendonly", "yes", "--appendfsync", "always",
                    "--aof-use-rdb-preamble", preamble); RespConnection c = connect(r)) {
                src = r.dir();
                boolean ttls = true; // a plain base carries them as PEXPIREAT commands
                expected = workload(c, ttls);
                assertThat(c.call("BGREWRITEAOF").asString()).isEqualTo("Background append only file rewriting started");
                await().atMost(Duration.ofSeconds(30)).until(() -> r.log().contains("Background AOF rewrite finished successfully"));
                c.callChecked("SET", "post", "rewrite");
                expected.put("0/post", "rewrite");
                if (ttls) {
                    c.callChecked("SET", "post-ttl", "p", "PX", "800000");
                    expected.put("0/post-ttl", "p");
                }
                r.kill();
            }
            Path dir = Files.createTempDirectory("vermilion-it-aof-from-redis-");
            copyTree(aofDir(src), aofDir(dir));
            String base = "yes".equals(preamble) ? "appendonly.aof.2.base.rdb" : "appendonly.aof.2.base.aof";
            assertThat(Files.exists(aofDir(dir).resolve(base))).isTrue();
            try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
                check(c, expected);
                // and keeps appending where Redis stopped
                c.callChecked("SET", "ours", "1");
                expected.put("0/ours", "1");
                v.kill();
            }
            try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
                check(c, expected);
            }
        }
    }

    @Test
    void crashLoopNeverLosesAnAcknowledgedWrite() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-aof-crash-");
        Map<String, String> acked = new ConcurrentHashMap<>();
        Map<String, StringBuilder> appended = new ConcurrentHashMap<>();
        Random rnd = new Random(20240601);
        int cycles = 22;
        int kills = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            ServerProcess v = start(Kind.VERMILION, dir, concat(AOF_ALWAYS, "--auto-aof-rewrite-percentage", "0"));
            try (RespConnection check = connect(v)) {
                verify(check, acked, appended);
            }
            AtomicInteger ackedThisCycle = new AtomicInteger();
            final int cyc = cycle;
            Thread writer = new Thread(() -> {
                try (RespConnection c = connect(v)) {
                    for (int i = 0; ; i += 10) {
                        for (int j = i; j < i + 10; j++) {
                            if (j % 3 == 0) c.send("APPEND", "log:" + cyc, j + ",");
                            else c.send("SET", "c" + cyc + ":" + j, "val" + j);
                        }
                        c.flush();
                        for (int j = i; j < i + 10; j++) {
                            Reply r = c.read();
                            if (r.isError()) throw new IllegalStateException(r.toString());
                            if (j % 3 == 0) appended.computeIfAbsent("log:" + cyc, k -> new StringBuilder()).append(j).append(',');
                            else acked.put("c" + cyc + ":" + j, "val" + j);
                            ackedThisCycle.incrementAndGet();
                        }
                    }
                } catch (IOException | RuntimeException expected) {
                    // the server was killed under us
                }
            });
            writer.start();
            int target = 50 + rnd.nextInt(1500);
            if (cycle % 4 == 1) {
                await().atMost(Duration.ofSeconds(30)).until(() -> ackedThisCycle.get() >= target / 2);
                try (RespConnection c = connect(v)) {
                    assertThat(c.call("BGREWRITEAOF").isError()).isFalse();
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> ackedThisCycle.get() >= target);
            v.kill(); // SIGKILL mid-stream
            kills++;
            writer.join(30_000);
            assertThat(writer.isAlive()).isFalse();
        }
        ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS);
        try (v; RespConnection c = connect(v)) {
            verify(c, acked, appended);
            assertThat(acked.size()).isGreaterThan(cycles * 20);
        }
        assertThat(kills).isGreaterThanOrEqualTo(20);
        // Redis agrees on the final directory.
        Path copy = Files.createTempDirectory("vermilion-it-aof-crash-redis-");
        copyTree(aofDir(dir), aofDir(copy));
        try (ServerProcess r = start(Kind.REDIS, copy, "--appendonly", "yes"); RespConnection c = connect(r)) {
            verify(c, acked, appended);
        }
    }

    /** The names of the INFO fields, in order. */
    static List<String> infoFieldNames(String info) {
        List<String> names = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) names.add(line.substring(0, colon));
        }
        return names;
    }

    /** INFO persistence field names of a fresh redis-server with the given options. */
    static List<String> redisInfoFieldNames(String... args) throws IOException {
        try (ServerProcess r = Servers.redis(args); RespConnection c = connect(r)) {
            return infoFieldNames(c.call("INFO", "persistence").asString());
        }
    }

    private static void verify(RespConnection c, Map<String, String> acked, Map<String, StringBuilder> appended)
            throws IOException {
        List<String> keys = new ArrayList<>(acked.keySet());
        Collections.sort(keys);
        for (int i = 0; i < keys.size(); i += 500) {
            List<String> part = keys.subList(i, Math.min(keys.size(), i + 500));
            List<byte[]> cmd = new ArrayList<>();
            cmd.add(b("MGET"));
            for (String k : part) cmd.add(b(k));
            Reply reply = c.call(cmd);
            assertThat(reply.isError()).as("MGET: %s", reply).isFalse();
            Reply.Array got = (Reply.Array) reply;
            for (int j = 0; j < part.size(); j++) {
                assertThat(got.get(j).isNull()).as("acknowledged %s lost", part.get(j)).isFalse();
                assertThat(got.get(j).asString()).isEqualTo(acked.get(part.get(j)));
            }
        }
        for (Map.Entry<String, StringBuilder> e : appended.entrySet()) {
            Reply r = c.call("GET", e.getKey());
            assertThat(r.isNull()).as("log %s lost", e.getKey()).isFalse();
            // every acknowledged append is there, in order (one unacknowledged may follow)
            assertThat(r.asString()).startsWith(e.getValue().toString());
        }
    }

    @Test
    void truncatedTailIsCutBackOrRefused() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-aof-trunc-");
        Map<String, String> expected;
        try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
            expected = workload(c);
            v.kill();
        }
        Path incr = aofDir(dir).resolve("appendonly.aof.1.incr.aof");
        long good = Files.size(incr);
        byte[] partial = b("*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$10\r\nabc");
        Files.write(incr, partial, StandardOpenOption.APPEND);
        // Redis refuses it with aof-load-truncated no, and so do we, with the same advice.
        Path copy = Files.createTempDirectory("vermilion-it-aof-trunc-copy-");
        copyTree(aofDir(dir), aofDir(copy));
        assertThatThrownBy(() -> start(Kind.VERMILION, copy, concat(AOF_ALWAYS, "--aof-load-truncated", "no")).close())
                .hasMessageContaining("exited with 1")
                .hasMessageContaining("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof")
                .hasMessageContaining("aof-load-truncated");
        assertThatThrownBy(() -> start(Kind.REDIS, copy, "--appendonly", "yes", "--aof-load-truncated", "no").close())
                .hasMessageContaining("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof");
        try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
            assertThat(v.log()).contains("!!! Truncating the AOF appendonly.aof.1.incr.aof at offset " + good + " !!!")
                    .contains("AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled");
            assertThat(Files.size(incr)).isEqualTo(good);
            check(c, expected);
            assertThat(c.call("GET", "lost").isNull()).isTrue();
            c.callChecked("SET", "next", "1");
            v.kill();
        }
        try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
            assertThat(c.call("GET", "next").asString()).isEqualTo("1");
        }
    }

    @Test
    void everysecAndNoSurviveAProcessCrash() throws Exception {
        // The buffer is written (not necessarily synced) before replies leave: a killed process loses nothing.
        for (String policy : new String[] {"everysec", "no"}) {
            Path dir = Files.createTempDirectory("vermilion-it-aof-" + policy + "-");
            Map<String, String> expected;
            try (ServerProcess v = start(Kind.VERMILION, dir, "--appendonly", "yes", "--appendfsync", policy);
                 RespConnection c = connect(v)) {
                expected = workload(c);
                v.kill();
            }
            try (ServerProcess v = start(Kind.VERMILION, dir, "--appendonly", "yes"); RespConnection c = connect(v)) {
                check(c, expected);
            }
        }
    }

    @Test
    void upgradesAPre70SingleFileAof() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-aof-upgrade-");
        // An old-style appendonly.aof with an RDB preamble followed by commands.
        try (RdbSink.File sink = new RdbSink.File(dir.resolve("appendonly.aof"))) {
            RdbWriter w = new RdbWriter(sink, ValueCodec.STRINGS, true, true);
            w.header(new RdbWriter.AuxInfo("6.2.14", System.currentTimeMillis() / 1000, 0, false, null));
            w.selectDb(0);
            w.resizeDb(1, 0);
            w.entry(b("fromrdb"), b("1"), -1, -1, -1);
            w.eof();
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("appendonly.aof"), StandardOpenOption.APPEND)) {
            out.write(b("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$7\r\nfromaof\r\n$1\r\n2\r\n"));
        }
        try (ServerProcess v = start(Kind.VERMILION, dir, AOF_ALWAYS); RespConnection c = connect(v)) {
            assertThat(c.call("GET", "fromrdb").asString()).isEqualTo("1");
            assertThat(c.call("GET", "fromaof").asString()).isEqualTo("2");
            assertThat(v.log()).contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir).")
                    .contains("Reading RDB preamble from AOF file...").contains("Reading the remaining AOF tail...");
            assertThat(Files.exists(dir.resolve("appendonly.aof"))).isFalse();
            assertThat(Files.readString(aofDir(dir).resolve("appendonly.aof.manifest")))
                    .isEqualTo("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
            c.callChecked("SET", "new", "3");
            v.kill();
        }
        try (ServerProcess r = start(Kind.REDIS, dir, "--appendonly", "yes"); RespConnection c = connect(r)) {
            assertThat(c.call("GET", "fromrdb").asString()).isEqualTo("1");
            assertThat(c.call("GET", "fromaof").asString()).isEqualTo("2");
            assertThat(c.call("GET", "new").asString()).isEqualTo("3");
        }
    }
}
