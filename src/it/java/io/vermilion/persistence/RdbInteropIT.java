package io.vermilion.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.persistence.rdb.DumpPayload;
import io.vermilion.persistence.rdb.RdbHandler;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.persistence.rdb.RdbSource;
import io.vermilion.persistence.rdb.RdbWriter;
import io.vermilion.persistence.rdb.ValueCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The RDB codecs against real redis-server 7.0: files it saves load here with every value, TTL and
 * database intact; files written here load in it; DUMP payloads are byte-identical both ways.
 */
class RdbInteropIT {
    /** One key as written: database, value, absolute expiry (or -1). */
    record Spec(int db, byte[] key, byte[] value, long expireAtMs) {}

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static String k(int db, byte[] key) { return db + "/" + HexFormat.of().formatHex(key); }

    /** Keys and values of many shapes in several databases, some with TTLs far in the future. */
    static List<Spec> dataset() {
        List<Spec> out = new ArrayList<>();
        Random r = new Random(2024);
        String[] ints = {"0", "1", "-1", "127", "128", "-128", "-129", "32767", "32768", "-32768", "-32769",
                "2147483647", "2147483648", "-2147483648", "-2147483649", "9223372036854775807",
                "-9223372036854775808", "007", "+5", "1e3", "12345678901"};
        long far = 4102444800000L; // 2100-01-01
        int n = 0;
        for (int db : new int[] {0, 3, 15}) {
            for (String s : ints) out.add(new Spec(db, b("int:" + s + ":" + n++), b(s), n % 3 == 0 ? far + n : -1));
            out.add(new Spec(db, b("empty" + db), new byte[0], -1));
            for (int i = 0; i < 40; i++) {
                // compressible text of many lengths around the LZF thresholds and far beyond
                int len = i < 20 ? 15 + i : 50 + r.nextInt(i < 35 ? 3000 : 200_000);
                StringBuilder sb = new StringBuilder();
                String[] words = {"alpha", "beta", "gamma", "delta ", "x", "yy", "0123456789"};
                while (sb.length() < len) sb.append(words[r.nextInt(words.length)]);
                out.add(new Spec(db, b("text:" + db + ":" + i), b(sb.substring(0, len)), i % 4 == 0 ? far - i : -1));
            }
            for (int i = 0; i < 10; i++) {
                byte[] bin = new byte[r.nextInt(2000)];
                r.nextBytes(bin);
                byte[] key = new byte[1 + r.nextInt(30)];
                r.nextBytes(key);
                out.add(new Spec(db, key, bin, i % 2 == 0 ? far + i : -1));
            }
            out.add(new Spec(db, b("K".repeat(300) + db), b("long compressible key"), -1));
            out.add(new Spec(db, b("12345"), b("integer key in db " + db), far));
        }
        return out;
    }

    private static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    @Test
    void loadsWhatRedisSaves() throws Exception {
        List<Spec> data = dataset();
        Map<String, byte[]> dumps = new HashMap<>();
        try (ServerProcess redis = Servers.redis(); RespConnection c = connect(redis)) {
            for (Spec s : data) {
                c.select(s.db());
                if (s.expireAtMs() >= 0) c.callChecked(b("SET"), s.key(), s.value(), b("PXAT"), b(Long.toString(s.expireAtMs())));
                else c.callChecked(b("SET"), s.key(), s.value());
                dumps.put(k(s.db(), s.key()), c.call(b("DUMP"), s.key()).asBytes());
            }
            // Strings built by APPEND/SETRANGE are raw-encoded in Redis: they must load the same.
            c.select(3);
            c.callChecked("APPEND", "appended", "12");
            c.callChecked("APPEND", "appended", "34");
            c.callChecked("SETRANGE", "ranged", "30", "tail");
            assertThat(c.call("SAVE")).isEqualTo(Reply.OK);
            Path file = redis.dir().resolve("dump.rdb");

            Map<String, Object[]> got = new LinkedHashMap<>();
            Map<String, String> aux = new HashMap<>();
            RdbReader.Summary sum;
            try (var in = Files.newInputStream(file)) {
                sum = new RdbReader(new RdbSource.Stream(in, Files.size(file))).read(new RdbHandler() {
                    @Override public void aux(byte[] key, byte[] value) {
                        aux.put(new String(key), new String(value));
                    }

                    @Override public void entry(int db, byte[] key, Object value, long exp, long idle, int freq) {
                        got.put(k(db, key), new Object[] {value, exp});
                    }
                });
            }
            assertThat(sum.version()).isEqualTo(10);
            assertThat(sum.checksumVerified()).isTrue();
            assertThat(aux).containsEntry("redis-ver", "7.0.15").containsEntry("redis-bits", "64").containsEntry("aof-base", "0");
            assertThat(got).hasSize(data.size() + 2);
            for (Spec s : data) {
                Object[] e = got.get(k(s.db(), s.key()));
                assertThat(e).as("key %s", k(s.db(), s.key())).isNotNull();
                assertThat((byte[]) e[0]).isEqualTo(s.value());
                assertThat((long) e[1]).isEqualTo(s.expireAtMs());
                // Our DUMP of the same value is byte for byte Redis's (LZF choices included).
                assertThat(DumpPayload.create(s.value(), ValueCodec.STRINGS, true))
                        .as("DUMP of %s", k(s.db(), s.key())).isEqualTo(dumps.get(k(s.db(), s.key())));
            }
            assertThat((byte[]) got.get(k(3, b("appended")))[0]).isEqualTo(b("1234"));
            byte[] ranged = new byte[34];
            System.arraycopy(b("tail"), 0, ranged, 30, 4);
            assertThat((byte[]) got.get(k(3, b("ranged")))[0]).isEqualTo(ranged);
        }
    }

    @Test
    void redisLoadsWhatWeWrite() throws Exception {
        List<Spec> data = dataset();
        for (boolean compress : new boolean[] {true, false}) {
            Path dir = Files.createTempDirectory("vermilion-it-rdbw-");
            Path file = dir.resolve("ours.rdb");
            long now = System.currentTimeMillis();
            try (RdbSink.File sink = new RdbSink.File(file)) {
                RdbWriter w = new RdbWriter(sink, ValueCodec.STRINGS, compress, true);
                w.header(new RdbWriter.AuxInfo("7.0.15", now / 1000, 1 << 20, false, null));
                for (int db : new int[] {0, 3, 15}) {
                    List<Spec> in = data.stream().filter(s -> s.db() == db).toList();
                    w.selectDb(db);
                    w.resizeDb(in.size() + 1, in.stream().filter(s -> s.expireAtMs() >= 0).count() + 1);
                    for (Spec s : in) w.entry(s.key(), s.value(), s.expireAtMs(), -1, -1);
                    // Already expired: a master drops it while loading.
                    w.entry(b("gone"), b("x"), now - 10_000, -1, -1);
                }
                w.eof();
                sink.sync();
            }
            try (ServerProcess redis = Servers.start(ServerProcess.Kind.REDIS, dir, "--dbfilename", "ours.rdb");
                 RespConnection c = connect(redis)) {
                for (int db : new int[] {0, 3, 15}) {
                    c.select(db);
                    assertThat(c.call("DBSIZE").asLong()).isEqualTo(data.stream().filter(s -> s.db() == db).count());
                    assertThat(c.call("EXISTS", "gone").asLong()).isZero();
                }
                for (Spec s : data) {
                    c.select(s.db());
                    assertThat(c.call(b("GET"), s.key()).asBytes()).isEqualTo(s.value());
                    assertThat(c.call(b("PEXPIRETIME"), s.key()).asLong()).isEqualTo(s.expireAtMs());
                }
                assertThat(redis.log()).contains("Done loading RDB, keys loaded: " + data.size() + ", keys expired: 3.");
            }
        }
    }

    @Test
    void redisRestoresOurDumpsAndSavesEquivalentFiles() throws Exception {
        List<Spec> data = dataset();
        try (ServerProcess redis = Servers.redis(); RespConnection c = connect(redis)) {
            for (Spec s : data) {
                c.select(s.db());
                byte[] payload = DumpPayload.create(s.value(), ValueCodec.STRINGS, true);
                assertThat(c.call(b("RESTORE"), s.key(), b("0"), payload, b("REPLACE"))).isEqualTo(Reply.OK);
                assertThat(c.call(b("GET"), s.key()).asBytes()).isEqualTo(s.value());
            }
            // A payload we reject (bad CRC) is rejected by Redis with the same text.
            byte[] bad = DumpPayload.create(b("v"), ValueCodec.STRINGS, true);
            bad[bad.length - 1] ^= 1;
            Reply r = c.call(b("RESTORE"), b("bad"), b("0"), bad);
            assertThat(r.isError()).isTrue();
            assertThat(((Reply.Error) r).text()).isEqualTo("ERR DUMP payload version or checksum are wrong");
            assertThat(DumpPayload.verify(bad)).isFalse();
        }
    }
}
