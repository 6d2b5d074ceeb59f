package io.vermilion.it.types;

import static io.vermilion.it.types.Conn.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.it.types.KeyContent.Enc;
import io.vermilion.it.types.KeyContent.Ttl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type and encoding moves between real redis-server 7.0 and Vermilion with nothing lost:
 * RDB files both ways, DUMP/RESTORE both ways key by key (payloads byte-identical where Redis's
 * own are deterministic), MIGRATE both ways, and an AOF rewrite (with and without RDB preamble)
 * followed by a restart. Keys are built by {@link Dataset} and compared by {@link KeyContent}.
 * Covers {@link DataType#persisted()}.
 */
class RdbInterchangeIT {
    private static final long SEED = 20240701L;
    private static final Set<DataType> TYPES = DataType.persisted();

    private static String what(String s) {
        return s + " (types " + TYPES + ", seed " + SEED + ", target " + TypeServers.target() + ")";
    }

    private static Map<String, Dataset.Expect> build(Conn c, boolean extras) {
        return Dataset.build(c, TYPES, "", new Dataset.Options(SEED, true, extras));
    }

    private static void save(Conn c) {
        assertThat(c.str("SAVE")).isEqualTo("OK");
    }

    private static Path copyRdb(ServerProcess from, String prefix) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        Files.copy(from.dir().resolve("dump.rdb"), dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    @Test
    void vermilionLoadsRedisRdb() throws Exception {
        try (ServerProcess a = TypeServers.start(Kind.REDIS, "--enable-debug-command", "yes"); Conn ca = TypeServers.conn(a)) {
            Map<String, Dataset.Expect> keys = build(ca, true);
            Map<String, KeyContent> source = KeyContent.readAll(ca);
            assertThat(source).hasSize(keys.size());
            save(ca);
            try (ServerProcess v = TypeServers.start(TypeServers.target(), copyRdb(a, "rdbx-v-"));
                 ServerProcess b = TypeServers.start(Kind.REDIS, copyRdb(a, "rdbx-b-"));
                 Conn cv = TypeServers.conn(v); Conn cb = TypeServers.conn(b)) {
                Map<String, KeyContent> loaded = KeyContent.readAll(cv);
                // Same as redis-server loading the same file, encodings included...
                KeyContent.assertSame(what("redis dump.rdb: loaded by redis vs by target"), KeyContent.readAll(cb),
                        loaded, Enc.ALL, Ttl.EXACT);
                // ...and the same content as the server that saved it.
                KeyContent.assertSame(what("redis dump.rdb: saved vs loaded by target"), source, loaded,
                        Enc.NON_STRING, Ttl.EXACT);
            }
        }
    }

    @Test
    void redisLoadsVermilionRdb() throws Exception {
        try (ServerProcess v = TypeServers.start(TypeServers.target()); ServerProcess r = TypeServers.start(Kind.REDIS);
             Conn cv = TypeServers.conn(v); Conn cr = TypeServers.conn(r)) {
            build(cv, false);
            build(cr, false);
            Map<String, KeyContent> built = KeyContent.readAll(cv);
            // The same commands make the same data, in the same encodings.
            KeyContent.assertSame(what("built by the same commands: redis vs target"), KeyContent.readAll(cr), built,
                    Enc.ALL, Ttl.EXACT);
            save(cv);
            save(cr);
            Tools.Result check = Tools.run("redis-check-rdb", v.dir().resolve("dump.rdb").toString());
            assertThat(check.exitCode()).as(check.output()).isZero();
            try (ServerProcess fromV = TypeServers.start(Kind.REDIS, copyRdb(v, "rdbx-fromv-"));
                 ServerProcess fromR = TypeServers.start(Kind.REDIS, copyRdb(r, "rdbx-fromr-"));
                 Conn cfv = TypeServers.conn(fromV); Conn cfr = TypeServers.conn(fromR)) {
                Map<String, KeyContent> loaded = KeyContent.readAll(cfv);
                KeyContent.assertSame(what("target dump.rdb: saved by target vs loaded by redis"), built, loaded,
                        Enc.NON_STRING, Ttl.EXACT);
                KeyContent.assertSame(what("redis loading redis's file vs redis loading target's file"),
                        KeyContent.readAll(cfr), loaded, Enc.ALL, Ttl.EXACT);
            }
        }
    }

    /** Encodings whose DUMP payload Redis itself produces deterministically (no dict iteration, no clock). */
    private static boolean deterministicDump(KeyContent k) {
        return !k.encoding().equals("hashtable") && !k.type().equals("stream");
    }

    @Test
    void dumpRestoreBothWays() throws Exception {
        try (ServerProcess v = TypeServers.start(TypeServers.target()); ServerProcess r = TypeServers.start(Kind.REDIS);
             Conn cv = TypeServers.conn(v); Conn cr = TypeServers.conn(r)) {
            build(cv, false);
            build(cr, false);
            Map<String, KeyContent> vs = KeyContent.readAll(cv), rs = KeyContent.readAll(cr);
            List<byte[]> keys = cv.keys();
            List<String> payloadDiffs = new ArrayList<>();
            Map<String, KeyContent> expectR = new TreeMap<>(), gotR = new TreeMap<>();
            Map<String, KeyContent> expectV = new TreeMap<>(), gotV = new TreeMap<>();
            for (byte[] k : keys) {
                byte[] scratch = concat(b("scratch:"), k);
                String name = KeyContent.esc(k), sname = KeyContent.esc(scratch);
                byte[] dv = (byte[]) cv.call(b("DUMP"), k);
                byte[] dr = (byte[]) cr.call(b("DUMP"), k);
                KeyContent kv = vs.get(name);
                if (deterministicDump(kv) && !Arrays.equals(dv, dr)) {
                    payloadDiffs.add(name + " (" + kv.type() + "/" + kv.encoding() + "): DUMP differs");
                }
                long at = kv.expireAt();
                String ttl = at >= 0 ? Long.toString(at) : "0";
                // target's payload restored by redis, and redis's by the target
                assertThat(cr.str(new String[] {"RESTORE", Conn.s(scratch), ttl, Conn.s(dv), "ABSTTL"})).isEqualTo("OK");
                assertThat(cv.str(new String[] {"RESTORE", Conn.s(scratch), ttl, Conn.s(dr), "ABSTTL"})).isEqualTo("OK");
                expectR.put(sname, rs.get(name).renamed(sname));
                gotR.put(sname, KeyContent.read(cr, scratch));
                expectV.put(sname, kv.renamed(sname));
                gotV.put(sname, KeyContent.read(cv, scratch));
            }
            KeyContent.assertSame(what("target's DUMP restored by redis"), expectR, gotR, Enc.NON_STRING, Ttl.EXACT);
            KeyContent.assertSame(what("redis's DUMP restored by the target"), expectV, gotV, Enc.NON_STRING, Ttl.EXACT);
            assertThat(payloadDiffs).as(what("DUMP payloads that should be byte-identical")).isEmpty();
        }
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] o = Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, o, a.length, c.length);
        return o;
    }

    /** MIGRATE every key of {@code from} to {@code to}, in batches with KEYS and one by one. */
    private static void migrateAll(Conn from, ServerProcess to) {
        List<byte[]> keys = from.keys();
        int i = 0;
        while (i < keys.size()) {
            List<byte[]> argv = new ArrayList<>(List.of(b("MIGRATE"), b("127.0.0.1"), b(Integer.toString(to.port()))));
            if (i % 2 == 0) {
                argv.addAll(List.of(keys.get(i), b("0"), b("10000")));
                i++;
            } else {
                argv.addAll(List.of(b(""), b("0"), b("10000"), b("KEYS")));
                for (int n = 0; n < 20 && i < keys.size(); n++) argv.add(keys.get(i++));
            }
            byte[][] a = argv.toArray(byte[][]::new);
            // a cluster Conn routes on argv[1]; this is a single server, so any argument is fine
            assertThat(Conn.s((byte[]) from.call(a))).isEqualTo("OK");
        }
        assertThat(from.call("DBSIZE")).isEqualTo(0L);
    }

    @Test
    void migrateBothWays() throws Exception {
        try (ServerProcess v = TypeServers.start(TypeServers.target()); ServerProcess r = TypeServers.start(Kind.REDIS);
             ServerProcess m = TypeServers.start(Kind.REDIS);
             Conn cv = TypeServers.conn(v); Conn cr = TypeServers.conn(r); Conn cm = TypeServers.conn(m)) {
            build(cv, false);
            build(cr, false);
            Map<String, KeyContent> reference = KeyContent.readAll(cr);
            migrateAll(cv, m);
            KeyContent.assertSame(what("MIGRATE target -> redis"), reference, KeyContent.readAll(cm), Enc.NON_STRING,
                    Ttl.CLOSE);
            migrateAll(cm, v);
            KeyContent.assertSame(what("MIGRATE redis -> target"), reference, KeyContent.readAll(cv), Enc.NON_STRING,
                    Ttl.CLOSE);
        }
    }

    private static String infoField(Conn c, String section, String field) {
        for (String line : c.str("INFO", section).split("\r\n")) {
            if (line.startsWith(field + ":")) return line.substring(field.length() + 1);
        }
        return "";
    }

    /** The dataset before the rewrite, after the restart, and a copy of the rewritten AOF directory. */
    private record Rewritten(Map<String, KeyContent> before, Map<String, KeyContent> after, Path copy) {}

    /** Builds the dataset with AOF on, BGREWRITEAOF, waits for it, restarts from the AOF, reads it back. */
    private static Rewritten rewriteAndRestart(Kind kind, String preamble) throws Exception {
        Path dir = Files.createTempDirectory("rdbx-aof-");
        String[] args = {"--appendonly", "yes", "--aof-use-rdb-preamble", preamble};
        Map<String, KeyContent> before;
        ServerProcess v = TypeServers.start(kind, dir, args);
        try (Conn cv = TypeServers.conn(v)) {
            build(cv, false);
            before = KeyContent.readAll(cv);
            assertThat(cv.str("BGREWRITEAOF")).isEqualTo("Background append only file rewriting started");
            Path manifest = dir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                    infoField(cv, "persistence", "aof_rewrite_in_progress").equals("0")
                            && infoField(cv, "persistence", "aof_rewrite_scheduled").equals("0")
                            && Files.readString(manifest).contains("seq 2 type b"));
            assertThat(infoField(cv, "persistence", "aof_last_bgrewrite_status")).isEqualTo("ok");
            assertThat(Files.readString(manifest)).contains(
                    "appendonly.aof.2.base." + (preamble.equals("yes") ? "rdb" : "aof"));
        } finally {
            v.kill();
        }
        Path copy = Files.createTempDirectory("rdbx-aof-copy-");
        copyTree(dir.resolve("appendonlydir"), copy.resolve("appendonlydir"));
        v = TypeServers.start(kind, dir, args);
        try (Conn cv = TypeServers.conn(v)) {
            return new Rewritten(before, KeyContent.readAll(cv), copy);
        } finally {
            v.kill();
        }
    }

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void aofRewriteThenRestart(String preamble) throws Exception {
        Rewritten t = rewriteAndRestart(TypeServers.target(), preamble);
        Rewritten r = rewriteAndRestart(Kind.REDIS, preamble);
        KeyContent.assertSame(what("built with AOF on: redis vs target"), r.before(), t.before(), Enc.ALL, Ttl.EXACT);
        // What redis-server itself keeps across the same rewrite and restart. (Without the preamble
        // that is not everything: Redis rewrites a consumer group's pending entries as XCLAIMs, and
        // XCLAIM drops an entry that was deleted from the stream, so such entries are lost.)
        KeyContent.assertSame(what("after AOF rewrite (preamble " + preamble + ") and restart: redis vs target"),
                r.after(), t.after(), Enc.NON_STRING, Ttl.EXACT);
        if (preamble.equals("yes")) {
            KeyContent.assertSame(what("AOF rewrite with preamble and restart: before vs after"), t.before(), t.after(),
                    Enc.NON_STRING, Ttl.EXACT);
        }
        // redis-server reads the target's rewritten AOF directory as it reads its own.
        try (ServerProcess rr = TypeServers.start(Kind.REDIS, t.copy(), "--appendonly", "yes");
             Conn cr = TypeServers.conn(rr)) {
            KeyContent.assertSame(what("target's rewritten AOF (preamble " + preamble + ") loaded by redis"), r.after(),
                    KeyContent.readAll(cr), Enc.NON_STRING, Ttl.EXACT);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
