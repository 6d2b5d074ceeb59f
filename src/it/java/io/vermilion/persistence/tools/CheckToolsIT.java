package io.vermilion.persistence.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * vermilion-check-rdb and vermilion-check-aof against the real redis-check-rdb and redis-check-aof
 * 7.0 on the same files: files written by a real redis-server with every value type (valid), every
 * truncation of them, bytes overwritten all along them (corrupt), broken manifests, and --fix. The
 * reports (stdout), the exit codes and, for --fix, the files left behind must be identical; only
 * the pid and time of a log line are ignored.
 */
class CheckToolsIT {
    @TempDir
    static Path tmp;

    static Path rdbCompressed, rdbPlain, aofDir, aofResp;

    private static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    private static void call(RespConnection c, String... args) throws IOException {
        c.callChecked(args);
    }

    /** Every value type and encoding of Redis 7.0, in two databases, with TTLs. */
    private static void populate(RespConnection c) throws IOException {
        call(c, "RPUSH", "list", "a", "b", "c", "1", "2");
        List<String> a = new ArrayList<>(List.of("RPUSH", "biglist"));
        for (int i = 0; i < 300; i++) a.add("element-" + i);
        call(c, a.toArray(String[]::new));
        call(c, "RPUSH", "plainlist", "x".repeat(9000), "y");
        call(c, "SADD", "intset", "1", "2", "3", "-7", "100000");
        call(c, "SADD", "set", "a", "b", "c");
        a = new ArrayList<>(List.of("SADD", "bigset"));
        for (int i = 0; i < 600; i++) a.add("m" + i);
        call(c, a.toArray(String[]::new));
        call(c, "ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c");
        a = new ArrayList<>(List.of("ZADD", "bigzset"));
        for (int i = 0; i < 200; i++) { a.add(Integer.toString(i)); a.add("member-" + i); }
        call(c, a.toArray(String[]::new));
        call(c, "HSET", "hash", "f1", "v1", "f2", "2");
        a = new ArrayList<>(List.of("HSET", "bighash"));
        for (int i = 0; i < 300; i++) { a.add("field-" + i); a.add("value-" + i); }
        call(c, a.toArray(String[]::new));
        call(c, "XADD", "stream", "1-1", "a", "1");
        call(c, "XADD", "stream", "2-1", "b", "2", "c", "3");
        call(c, "XADD", "stream", "3-1", "a", "4");
        call(c, "XGROUP", "CREATE", "stream", "g1", "0");
        call(c, "XGROUP", "CREATE", "stream", "g2", "$");
        call(c, "XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "stream", ">");
        call(c, "XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", "stream", ">");
        call(c, "SET", "str", "hello");
        call(c, "SET", "num", "12345");
        call(c, "SET", "long", "abc".repeat(100));
        call(c, "SET", "ttl", "v", "PX", "100000000");
        call(c, "SELECT", "3");
        call(c, "SET", "other", "x", "EX", "1000000");
        call(c, "SELECT", "0");
    }

    @BeforeAll
    static void files() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("redis"));
        try (ServerProcess r = ServerProcess.start(ServerProcess.Kind.REDIS, io.vermilion.it.support.Ports.free(), dir,
                null, List.of("--appendonly", "yes", "--appenddirname", "aofdir"));
             RespConnection c = connect(r)) {
            populate(c);
            call(c, "SAVE");
            rdbCompressed = Files.copy(dir.resolve("dump.rdb"), tmp.resolve("compressed.rdb"));
            call(c, "CONFIG", "SET", "rdbcompression", "no");
            call(c, "SAVE");
            rdbPlain = Files.copy(dir.resolve("dump.rdb"), tmp.resolve("plain.rdb"));
            call(c, "BGREWRITEAOF");
            waitRewrite(c);
            // an incr part with a transaction and several databases
            call(c, "MULTI");
            call(c, "SET", "t1", "1");
            call(c, "INCR", "t1");
            call(c, "EXEC");
            call(c, "SELECT", "2");
            call(c, "SET", "db2", "x".repeat(200));
            call(c, "DEL", "nothing");
        }
        aofDir = tmp.resolve("aofdir");
        copyTree(dir.resolve("aofdir"), aofDir);
        // A RESP-only AOF: a plain base from a second server.
        Path dir2 = Files.createDirectories(tmp.resolve("redis2"));
        try (ServerProcess r = ServerProcess.start(ServerProcess.Kind.REDIS, io.vermilion.it.support.Ports.free(), dir2,
                null, List.of("--appendonly", "yes", "--aof-use-rdb-preamble", "no"));
             RespConnection c = connect(r)) {
            populate(c);
            call(c, "BGREWRITEAOF");
            waitRewrite(c);
            call(c, "SET", "after", "rewrite");
        }
        Path d = dir2.resolve("appendonlydir");
        try (Stream<Path> s = Files.list(d)) {
            aofResp = tmp.resolve("resp-base.aof");
            Path base = s.filter(p -> p.getFileName().toString().endsWith(".base.aof")).findFirst().orElseThrow();
            Files.copy(base, aofResp);
        }
    }

    private static void waitRewrite(RespConnection c) throws Exception {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(25)).alias("AOF rewrite finished").until(() -> {
            String info = c.callChecked("INFO", "persistence").asString();
            return info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0");
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName()));
        }
    }

    @AfterAll
    static void done() {
        // the servers are closed by try-with-resources; nothing else runs
    }

    // ------------------------------------------------------------------ running both tools

    private static String normalize(String s) {
        // Line numbers of rdb.c differ between Debian's security updates of 7.0.15 (deb12u7
        // moved them by one), so the "function at rdb.c:N" part is compared without N.
        return s.replaceAll("(?m)^\\d+:C \\d\\d \\w{3} \\d{4} [\\d:.]+ #", "PID:C DATE #")
                .replaceAll("function at (\\w+\\.c):\\d+", "function at $1:LINE")
                .replace("/usr/bin/redis-check-aof", "PROGRAM").replace("vermilion-check-aof", "PROGRAM")
                .replace("/usr/bin/redis-check-rdb", "PROGRAM").replace("vermilion-check-rdb", "PROGRAM");
    }

    private static String real(String tool, Path cwd, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/" + tool);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.ISO_8859_1));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(tool + " hangs on " + List.of(args));
        }
        return normalize(new String(out, StandardCharsets.ISO_8859_1)) + "exit=" + p.exitValue();
    }

    /** Our tool in this JVM, started "in" cwd (relative names resolved there, printed as given). */
    private static String ours(boolean rdb, Path cwd, String stdin, String... args) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.ISO_8859_1);
        int code = rdb ? CheckRdb.runIn(cwd, args, out, new PrintStream(ByteArrayOutputStream.nullOutputStream()))
                : CheckAof.runIn(cwd, args, out, new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes()));
        return normalize(buf.toString(StandardCharsets.ISO_8859_1)) + "exit=" + code;
    }

    private static void sameRdbReport(Path dir, String name) throws Exception {
        String r = real("redis-check-rdb", dir, null, name);
        String o = ours(true, dir, null, name);
        if (!o.equals(r)) Files.copy(dir.resolve(name), Path.of("target", "check-rdb-mismatch.rdb"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(o).as("report on %s", name).isEqualTo(r);
    }

    // ------------------------------------------------------------------ RDB

    @Test
    void validRdbFilesWithEveryType() throws Exception {
        for (Path p : List.of(rdbCompressed, rdbPlain)) {
            sameRdbReport(p.getParent(), p.getFileName().toString());
            assertThat(ours(true, p.getParent(), null, p.getFileName().toString())).contains("RDB looks OK");
        }
        sameRdbReport(tmp, "no-such-file.rdb");
    }

    @Test
    void filesWrittenByVermilion() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("vermilion"));
        try (ServerProcess v = ServerProcess.start(ServerProcess.Kind.VERMILION, io.vermilion.it.support.Ports.free(), dir,
                null, List.of("--appendonly", "yes"));
             RespConnection c = connect(v)) {
            for (int i = 0; i < 500; i++) call(c, "SET", "key:" + i, i % 3 == 0 ? "x".repeat(i) : Integer.toString(i));
            call(c, "SET", "ttl", "v", "PX", "100000000");
            call(c, "SAVE");
            call(c, "BGREWRITEAOF");
            waitRewrite(c);
            call(c, "INCR", "counter");
            call(c, "SET", "after", "1");
        }
        sameRdbReport(dir, "dump.rdb");
        assertThat(ours(true, dir, null, "dump.rdb")).contains("RDB looks OK", "[info] 501 keys read");
        sameAofOutcome(dir.resolve("appendonlydir"), null, n -> new String[] {n + "/appendonly.aof.manifest"});
        assertThat(ours(false, dir, null, "appendonlydir/appendonly.aof.manifest"))
                .contains("All AOF files and manifest are valid");
    }

    /**
     * Runs {@code count} checks on {@value #THREADS} threads (each check is a real tool's process
     * and ours in this JVM, on its own directory): the same comparisons in about half the wall
     * time on 2 cores. The first failure fails the test.
     */
    private static void inParallel(int count, Check check) throws Exception {
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(THREADS);
        try {
            List<java.util.concurrent.Future<Void>> fs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int k = i;
                fs.add(ex.submit(() -> {
                    check.run(k);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<Void> f : fs) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Exception x) throw x;
                    throw (Error) e.getCause();
                }
            }
        } finally {
            ex.shutdownNow();
        }
    }

    private static final int THREADS = 3;

    interface Check {
        void run(int i) throws Exception;
    }

    /** {@code bytes} as file {@code name} in a directory of its own under {@code dir}. */
    private static Path own(Path dir, String name, byte[] bytes) throws IOException {
        Path d = Files.createTempDirectory(dir, "v");
        Files.write(d.resolve(name), bytes);
        return d;
    }

    @Test
    void everyTruncationOfAnRdbFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("trunc-rdb"));
        List<byte[]> cuts = new ArrayList<>();
        for (Path src : List.of(rdbCompressed, rdbPlain)) {
            byte[] all = Files.readAllBytes(src);
            int step = Math.max(1, all.length / 900);
            for (int n = 0; n < all.length; n += (n < 400 ? 1 : step)) cuts.add(java.util.Arrays.copyOf(all, n));
        }
        inParallel(cuts.size(), i -> sameRdbReport(own(dir, "t.rdb", cuts.get(i)), "t.rdb"));
    }

    /**
     * Found by corruptedBytesAllAlongAnRdbFile (the files differ from run to run: stream IDs and
     * ctime): a corrupted group-name length shifts the stream's fields so that its PEL size reads
     * as 0x81 ff..ff, 2^64-1, which is Redis's RDB_LENERR ("Stream PEL size loading failed."),
     * where vermilion-check-rdb read on; and a consumer PEL naming an entry that already has a
     * consumer, which Debian's redis-check-rdb (7.0.15-1~deb12u7) rejects.
     */
    @Test
    void streamFilesOnceFoundDifferent() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("found"));
        for (String[] f : new String[][] {{"stream-pel-size-lenerr.rdb", "Stream PEL size loading failed."},
                {"stream-pel-entry-claimed-twice.rdb", "Stream consumer PEL entry already has a consumer assigned"}}) {
            Files.copy(Path.of("src/it/resources/check-rdb", f[0]), dir.resolve("s.rdb"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            sameRdbReport(dir, "s.rdb");
            assertThat(ours(true, dir, null, "s.rdb")).as(f[0]).contains(f[1]);
        }
    }

    @Test
    void corruptedBytesAllAlongAnRdbFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("corrupt-rdb"));
        int[] values = {0x00, 0xff, 0x7f, 0xc3, 0x40, 0x01};
        int k = 0;
        List<byte[]> variants = new ArrayList<>();
        for (Path src : List.of(rdbCompressed, rdbPlain)) {
            k++;
            byte[] all = Files.readAllBytes(src);
            // -Dchecktools.dense=true: every byte (slow; for hunting differences)
            int step = Boolean.getBoolean("checktools.dense") ? 1 : Math.max(1, all.length / 700);
            for (int i = 0; i < all.length; i += step) {
                byte[] b = all.clone();
                int v = values[(i / step + k) % values.length];
                if ((b[i] & 0xff) == v) v ^= 0x55;
                b[i] = (byte) v;
                variants.add(b);
            }
        }
        inParallel(variants.size(), i -> sameRdbReport(own(dir, "c.rdb", variants.get(i)), "c.rdb"));
    }

    // ------------------------------------------------------------------ AOF

    private static Path incrFile() throws IOException {
        try (Stream<Path> s = Files.list(aofDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".incr.aof"))
                    .max(java.util.Comparator.comparing(Path::toString)).orElseThrow();
        }
    }

    /** Both tools on their own copy of a file or directory; reports and resulting files compared. */
    private static void sameAofOutcome(Path source, String stdin, java.util.function.Function<String, String[]> args)
            throws Exception {
        Path a = Files.createTempDirectory(tmp, "real"), b = Files.createTempDirectory(tmp, "ours");
        String name = source.getFileName().toString();
        for (Path d : List.of(a, b)) {
            if (Files.isDirectory(source)) copyTree(source, d.resolve(name));
            else Files.copy(source, d.resolve(name));
        }
        String r = real("redis-check-aof", a, stdin, args.apply(name));
        String o = ours(false, b, stdin, args.apply(name));
        assertThat(o).as("report on %s %s", source, List.of(args.apply(name))).isEqualTo(r);
        assertThat(contents(b)).as("files after %s", List.of(args.apply(name))).isEqualTo(contents(a));
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return m;
    }

    @Test
    void validAofFilesAndManifests() throws Exception {
        sameAofOutcome(aofDir, null, n -> new String[] {n + "/appendonly.aof.manifest"});
        sameAofOutcome(incrFile(), null, n -> new String[] {n});
        sameAofOutcome(aofResp, null, n -> new String[] {n});
        try (Stream<Path> s = Files.list(aofDir)) {
            Path base = s.filter(p -> p.getFileName().toString().contains(".base.")).findFirst().orElseThrow();
            sameAofOutcome(base, null, n -> new String[] {n});
        }
        sameAofOutcome(rdbCompressed, null, n -> new String[] {n});
    }

    @Test
    void everyTruncationOfAnAofFileWithAndWithoutFix() throws Exception {
        byte[] all = Files.readAllBytes(incrFile());
        Path dir = Files.createDirectories(tmp.resolve("trunc-aof"));
        inParallel(all.length, n -> {
            Path f = own(dir, "t.aof", java.util.Arrays.copyOf(all, n)).resolve("t.aof");
            sameAofOutcome(f, null, x -> new String[] {x});
            if (n % 7 == 0) sameAofOutcome(f, "y\n", x -> new String[] {"--fix", x});
        });
        byte[] resp = Files.readAllBytes(aofResp);
        int step = Math.max(1, resp.length / 300);
        inParallel((resp.length + step - 1) / step, i -> sameAofOutcome(own(dir, "r.aof", java.util.Arrays.copyOf(resp, i * step))
                .resolve("r.aof"), null, x -> new String[] {x}));
        Files.write(dir.resolve("n.aof"), java.util.Arrays.copyOf(all, all.length - 3));
        sameAofOutcome(dir.resolve("n.aof"), "n\n", x -> new String[] {"--fix", x});
    }

    @Test
    void corruptedBytesInAnAofFile() throws Exception {
        byte[] all = Files.readAllBytes(incrFile());
        Path dir = Files.createDirectories(tmp.resolve("corrupt-aof"));
        byte[] values = {'x', '\r', '\n', '*', '$', '-', '9', 0, (byte) 0xff};
        inParallel(all.length, i -> {
            byte[] b = all.clone();
            byte v = values[i % values.length];
            b[i] = b[i] == v ? (byte) '#' : v;
            sameAofOutcome(own(dir, "c.aof", b).resolve("c.aof"), null, x -> new String[] {x});
        });
    }

    @Test
    void brokenManifestsAndMissingFiles() throws Exception {
        Path incr = incrFile();
        String incrName = incr.getFileName().toString();
        String manifest = Files.readString(aofDir.resolve("appendonly.aof.manifest"));
        List<String> variants = List.of(
                "file x seq 1 type q\n",
                manifest + manifest,
                "file " + incrName + " seq 1 type i\n",
                "# just a comment\n" + manifest,
                manifest + "file missing.incr.aof seq 99 type i\n",
                "file a/b seq 1 type i\n",
                "file x seq 1\n",
                "\n",
                "file " + incrName + " seq 5 type i\nfile " + incrName + " seq 4 type i\n");
        int k = 0;
        for (String v : variants) {
            Path d = tmp.resolve("manifest-" + k++);
            copyTree(aofDir, d);
            Files.writeString(d.resolve("appendonly.aof.manifest"), v);
            sameAofOutcome(d, null, n -> new String[] {n + "/appendonly.aof.manifest"});
        }
        // A truncated last incr file: reported, then fixed through the manifest.
        Path d = tmp.resolve("manifest-trunc");
        copyTree(aofDir, d);
        byte[] all = Files.readAllBytes(d.resolve(incrName));
        Files.write(d.resolve(incrName), java.util.Arrays.copyOf(all, all.length - 5));
        sameAofOutcome(d, null, n -> new String[] {n + "/appendonly.aof.manifest"});
        sameAofOutcome(d, "y\n", n -> new String[] {"--fix", n + "/appendonly.aof.manifest"});
        sameAofOutcome(tmp, null, n -> new String[] {"missing.aof"});
        sameAofOutcome(tmp, null, n -> new String[] {"--bad", "x"});
        sameAofOutcome(tmp, null, n -> new String[] {"--truncate-to-timestamp", "x1", "f"});
    }
}
