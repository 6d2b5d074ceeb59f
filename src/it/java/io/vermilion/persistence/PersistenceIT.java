package io.vermilion.persistence;

import static io.vermilion.persistence.RdbFiles.k;
import static io.vermilion.persistence.RdbFiles.v;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.persistence.RdbInteropIT.Spec;
import io.vermilion.persistence.rdb.DumpPayload;
import io.vermilion.persistence.rdb.ValueCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RDB persistence of a Vermilion node as a real process: SAVE/BGSAVE/save points/SHUTDOWN/SIGTERM,
 * restart after kill -9, files exchanged with real redis-server 7.0 both ways, BGSAVE delivering
 * the exact point in time while writes keep being served, and refusal to start on bad files.
 */
class PersistenceIT {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    private static ServerProcess vermilionIn(Path dir, String... args) throws IOException {
        return Servers.start(Kind.VERMILION, dir, args);
    }

    private static ServerProcess redisIn(Path dir, String... args) throws IOException {
        return Servers.start(Kind.REDIS, dir, args);
    }

    private static Map<String, String> expected(List<Spec> data) {
        Map<String, String> m = new TreeMap<>();
        for (Spec s : data) m.put(k(s.db(), s.key()), v(s.value(), s.expireAtMs()));
        return m;
    }

    private static void write(RespConnection c, List<Spec> data) throws IOException {
        for (Spec s : data) {
            c.select(s.db());
            if (s.expireAtMs() >= 0) c.send(b("SET"), s.key(), s.value(), b("PXAT"), b(Long.toString(s.expireAtMs())));
            else c.send(b("SET"), s.key(), s.value());
            assertThat(c.read()).isEqualTo(Reply.OK);
        }
        c.select(0);
    }

    private static void checkServes(RespConnection c, List<Spec> data) throws IOException {
        for (Spec s : data) {
            c.select(s.db());
            assertThat(c.call(b("GET"), s.key()).asBytes()).as("GET %s", k(s.db(), s.key())).isEqualTo(s.value());
        }
        c.select(0);
    }

    @Test
    void saveKillRestartAndExchangeWithRedis() throws Exception {
        List<Spec> data = new ArrayList<>(RdbInteropIT.dataset());
        Path dir;
        try (ServerProcess v = Servers.vermilion(); RespConnection c = connect(v)) {
            dir = v.dir();
            write(c, data);
            // values built in place (Sds) persist like any string
            c.callChecked("APPEND", "app", "hello");
            c.callChecked("APPEND", "app", " world");
            c.callChecked("SETRANGE", "rng", "5", "xyz");
            c.callChecked("INCRBYFLOAT", "flt", "2.5");
            data.add(new Spec(0, b("app"), b("hello world"), -1));
            data.add(new Spec(0, b("rng"), b("\0\0\0\0\0xyz"), -1));
            data.add(new Spec(0, b("flt"), b("2.5"), -1));
            long before = c.call("LASTSAVE").asLong();
            assertThat(c.call("SAVE")).isEqualTo(Reply.OK);
            assertThat(c.call("LASTSAVE").asLong()).isGreaterThanOrEqualTo(before);
            assertThat(RdbFiles.read(dir.resolve("dump.rdb"))).isEqualTo(expected(data));
            assertThat(v.log()).contains("DB saved on disk");
            v.kill(); // SIGKILL: only the saved file survives
        }
        try (ServerProcess v = vermilionIn(dir); RespConnection c = connect(v)) {
            assertThat(v.log()).contains("Loading RDB produced by version 7.0.15")
                    .contains("Done loading RDB, keys loaded: " + data.size() + ", keys expired: 0.");
            checkServes(c, data);
            for (Spec s : data) {
                c.select(s.db());
                assertThat(c.call(b("DUMP"), s.key()).asBytes())
                        .isEqualTo(DumpPayload.create(s.value(), ValueCodec.STRINGS, true));
            }
        }
        // The same file in real Redis: values and TTLs.
        try (ServerProcess r = redisIn(dir); RespConnection c = connect(r)) {
            checkServes(c, data);
            for (Spec s : data) {
                c.select(s.db());
                assertThat(c.call(b("PEXPIRETIME"), s.key()).asLong()).isEqualTo(s.expireAtMs());
            }
        }
    }

    @Test
    void loadsWhatRedisSaved() throws Exception {
        List<Spec> data = RdbInteropIT.dataset();
        Path dir = Files.createTempDirectory("vermilion-it-fromredis-");
        try (ServerProcess r = Servers.redis(); RespConnection c = connect(r)) {
            write(c, data);
            c.callChecked("SET", "short-lived", "x", "PX", "1");
            assertThat(c.call("SAVE")).isEqualTo(Reply.OK);
            Files.copy(r.dir().resolve("dump.rdb"), dir.resolve("dump.rdb"));
        }
        try (ServerProcess v = vermilionIn(dir); RespConnection c = connect(v)) {
            checkServes(c, data);
            assertThat(c.call("GET", "short-lived").isNull()).isTrue();
            assertThat(v.log()).contains("Done loading RDB, keys loaded: " + data.size());
            assertThat(c.call("SAVE")).isEqualTo(Reply.OK);
            assertThat(RdbFiles.read(dir.resolve("dump.rdb"))).isEqualTo(expected(data));
        }
    }

    @Test
    void bgsaveWritesThePointInTimeWhileServingWrites() throws Exception {
        int n = 20_000;
        // rdb-key-save-delay slows the writer down (per key) so that writes overlap the save.
        try (ServerProcess v = Servers.vermilion("--rdb-key-save-delay", "150"); RespConnection c = connect(v)) {
            Path file = v.dir().resolve("dump.rdb");
            Map<String, String> t0 = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                byte[] key = b("key:" + i);
                byte[] val = b("v0:" + i + ":" + "x".repeat(i % 50));
                c.send(b("SET"), key, val);
                t0.put(k(0, key), v(val, -1));
            }
            for (int i = 0; i < n; i++) assertThat(c.read()).isEqualTo(Reply.OK);
            for (int i = 0; i < 100; i++) c.callChecked("APPEND", "sds:" + i, "base");
            for (int i = 0; i < 100; i++) t0.put(k(0, b("sds:" + i)), v(b("base"), -1));

            assertThat(c.call("BGSAVE").asString()).isEqualTo("Background saving started");
            long t = System.nanoTime();
            long maxPingMs = 0;
            // Rewrite everything, delete some, create others, mutate Sds values in place.
            for (int i = 0; i < n; i++) c.send(b("SET"), b("key:" + i), b("v1:" + i));
            for (int i = 0; i < n; i += 3) c.send(b("GETDEL"), b("key:" + i)); // DEL lives in the keys family
            for (int i = 0; i < 1000; i++) c.send(b("SET"), b("new:" + i), b("n"));
            for (int i = 0; i < 100; i++) c.send(b("APPEND"), b("sds:" + i), b("+more"));
            c.flush();
            int replies = n + (n + 2) / 3 + 1000 + 100;
            for (int i = 0; i < replies; i++) assertThat(c.read().isError()).isFalse();
            for (int i = 0; i < 20; i++) {
                long p0 = System.nanoTime();
                assertThat(c.call("PING").asString()).isEqualTo("PONG");
                maxPingMs = Math.max(maxPingMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p0));
            }
            // All those writes were served while the save was still running: no stop-the-world.
            Reply during = c.call("BGSAVE");
            assertThat(during.isError()).as("writes took %d ms", (System.nanoTime() - t) / 1_000_000).isTrue();
            assertThat(((Reply.Error) during).text()).isEqualTo("ERR Background save already in progress");
            assertThat(((Reply.Error) c.call("SAVE")).text()).isEqualTo("ERR Background save already in progress");
            String infoDuring = c.call("INFO", "persistence").asString();
            assertThat(infoDuring).contains("rdb_bgsave_in_progress:1\r\n").contains("current_save_keys_total:" + (n + 100) + "\r\n");
            assertThat(maxPingMs).isLessThan(1000);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(file));
            assertThat(RdbFiles.read(file)).isEqualTo(t0);
            assertThat(v.log()).contains("Background saving started").contains("Background saving terminated with success");
            await().atMost(Duration.ofSeconds(10)).until(() -> c.call("INFO", "persistence").asString().contains("rdb_bgsave_in_progress:0"));
            String after = c.call("INFO", "persistence").asString();
            assertThat(after).contains("rdb_last_bgsave_status:ok\r\n").contains("rdb_saves:1\r\n");
            assertThat(AofIT.infoFieldNames(after)).isEqualTo(AofIT.redisInfoFieldNames());
            // The live data is the new state.
            assertThat(c.call("GET", "key:1").asString()).isEqualTo("v1:1");
            assertThat(c.call("GET", "key:0").isNull()).isTrue();
            assertThat(c.call("GET", "sds:7").asString()).isEqualTo("base+more");
            // Only the 3rd key changed since the save started, as counted for save points.
            await().atMost(Duration.ofSeconds(10)).until(() -> c.call("BGSAVE").asString().equals("Background saving started"));
            Files.delete(file);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(file));
            Map<String, String> now = RdbFiles.read(file);
            assertThat(now).containsEntry(k(0, b("key:1")), v(b("v1:1"), -1)).doesNotContainKey(k(0, b("key:0")))
                    .containsEntry(k(0, b("sds:7")), v(b("base+more"), -1)).containsEntry(k(0, b("new:5")), v(b("n"), -1));
        }
    }

    @Test
    void savePointsShutdownAndSigterm() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-savepoints-");
        try (ServerProcess v = vermilionIn(dir, "--save", "1 1"); RespConnection c = connect(v)) {
            c.callChecked("SET", "a", "1");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(dir.resolve("dump.rdb")));
            assertThat(RdbFiles.read(dir.resolve("dump.rdb"))).containsKey(k(0, b("a")));
            assertThat(v.log()).contains("1 changes in 1 seconds. Saving...");
            c.callChecked("SET", "b", "2");
            c.send("SHUTDOWN");
            c.flush();
            assertThat(v.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(v.process().exitValue()).isZero();
            assertThat(RdbFiles.read(dir.resolve("dump.rdb"))).containsKeys(k(0, b("a")), k(0, b("b")));
        }
        try (ServerProcess v = vermilionIn(dir, "--save", "3600 1"); RespConnection c = connect(v)) {
            c.callChecked("SET", "c", "3");
            c.send("SHUTDOWN", "NOSAVE");
            c.flush();
            assertThat(v.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(RdbFiles.read(dir.resolve("dump.rdb"))).doesNotContainKey(k(0, b("c")));
        }
        try (ServerProcess v = vermilionIn(dir, "--save", "3600 1"); RespConnection c = connect(v)) {
            c.callChecked("SET", "d", "4");
            v.process().destroy(); // SIGTERM
            assertThat(v.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(RdbFiles.read(dir.resolve("dump.rdb"))).containsKeys(k(0, b("a")), k(0, b("b")), k(0, b("d")));
        }
    }

    @Test
    void refusesToStartOnBadFiles() throws Exception {
        Path good = Files.createTempDirectory("vermilion-it-goodrdb-").resolve("dump.rdb");
        try (ServerProcess r = Servers.redis(); RespConnection c = connect(r)) {
            write(c, RdbInteropIT.dataset());
            c.callChecked("SAVE");
            Files.copy(r.dir().resolve("dump.rdb"), good);
        }
        byte[] bytes = Files.readAllBytes(good);
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x01;
        Object[][] cases = {
                {java.util.Arrays.copyOf(bytes, bytes.length / 2), "Unexpected EOF reading RDB file"},
                {flipped, "at offset"},
                {new byte[0], "Unexpected EOF reading RDB file at offset 0"},
                // Every Redis 7.0 type loads now except module values (type 7): a module key.
                {b("REDIS0010\u0007\u0001k"), "unsupported type 7 (module-2) at offset 9"},
                {b("REDIS0011"), "Can't handle RDB format version 11"},
        };
        for (Object[] cs : cases) {
            Path dir = Files.createTempDirectory("vermilion-it-badrdb-");
            Files.write(dir.resolve("dump.rdb"), (byte[]) cs[0]);
            assertThatThrownBy(() -> vermilionIn(dir).close()).isInstanceOf(IOException.class)
                    .hasMessageContaining("exited with 1").hasMessageContaining("Fatal error loading the DB")
                    .hasMessageContaining((String) cs[1]);
            // The bad file is left as it was.
            assertThat(Files.readAllBytes(dir.resolve("dump.rdb"))).isEqualTo((byte[]) cs[0]);
        }
        // A good copy next to them still loads.
        Path dir = Files.createTempDirectory("vermilion-it-goodrdb2-");
        Files.copy(good, dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        try (ServerProcess v = vermilionIn(dir); RespConnection c = connect(v)) {
            checkServes(c, RdbInteropIT.dataset());
        }
    }
}
