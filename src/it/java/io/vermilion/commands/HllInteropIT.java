package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HyperLogLog values move between redis-server 7.0 and Vermilion as the strings they are: an HLL
 * built by Redis (sparse or dense, with a valid or an invalid cached cardinality) and RESTOREd
 * here counts exactly as in Redis and keeps its bytes, and the reverse; the same PFADD / PFMERGE
 * sequence produces the same bytes on both.
 */
class HllInteropIT {
    static ServerProcess redis, vermilion;
    static RespConnection r, v;

    @BeforeAll
    static void start() throws IOException {
        redis = ServerProcess.redis();
        vermilion = ServerProcess.vermilion();
        r = RespConnection.connect("127.0.0.1", redis.port(), 5000, 60_000);
        v = RespConnection.connect("127.0.0.1", vermilion.port(), 5000, 60_000);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {r, v, redis, vermilion}) {
            try {
                if (c != null) c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @BeforeEach
    void flush() throws IOException {
        r.callChecked("FLUSHALL");
        v.callChecked("FLUSHALL");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** PFADD of n elements named prefix0..prefix(n-1), in batches of 500 per command. */
    private static void fill(RespConnection c, String key, String prefix, int n) throws IOException {
        for (int from = 0; from < n; from += 500) {
            List<byte[]> args = new ArrayList<>();
            args.add(b("PFADD"));
            args.add(b(key));
            for (int i = from; i < Math.min(n, from + 500); i++) args.add(b(prefix + i));
            Reply rep = c.call(args);
            assertThat(rep.isError()).as("PFADD: %s", rep).isFalse();
        }
    }

    private static byte[] get(RespConnection c, String key) throws IOException {
        return c.call("GET", key).asBytes();
    }

    private static long count(RespConnection c, String... keys) throws IOException {
        String[] args = new String[keys.length + 1];
        args[0] = "PFCOUNT";
        System.arraycopy(keys, 0, args, 1, keys.length);
        Reply rep = c.call(args);
        assertThat(rep).as("PFCOUNT %s", String.join(" ", keys)).isInstanceOf(Reply.Integer.class);
        return ((Reply.Integer) rep).value();
    }

    private static String encoding(RespConnection c, String key) throws IOException {
        return c.call("PFDEBUG", "ENCODING", key).asString();
    }

    /** DUMPs key from one server and RESTOREs it under the same name into the other. */
    private static void copy(RespConnection from, RespConnection to, String key) throws IOException {
        byte[] payload = from.call("DUMP", key).asBytes();
        assertThat(payload).isNotNull();
        Reply rep = to.call(b("RESTORE"), b(key), b("0"), payload, b("REPLACE"));
        assertThat(rep).as("RESTORE %s", key).isEqualTo(Reply.OK);
    }

    static final int[] SIZES = {1, 10, 100, 1000, 2500, 5000, 20_000, 200_000};

    @Test
    void redisHllsRestoredHereCountAndReadTheSame() throws IOException {
        for (int n : SIZES) {
            String key = "hll:" + n;
            fill(r, key, "el-" + n + "-", n);
            // Once with the cache invalid (as PFADD leaves it), once with it valid (after PFCOUNT).
            copy(r, v, key);
            assertThat(get(v, key)).as("bytes of %s", key).isEqualTo(get(r, key));
            assertThat(encoding(v, key)).isEqualTo(encoding(r, key));
            long expected = count(r, key);
            assertThat(count(v, key)).as("PFCOUNT %s", key).isEqualTo(expected);
            assertThat(get(v, key)).as("bytes of %s with its cache written", key).isEqualTo(get(r, key));
            copy(r, v, key);
            assertThat(count(v, key)).isEqualTo(expected);
            // Further adds on both keep them byte-identical (sparse growth, promotion).
            fill(r, key, "more-" + n + "-", 300);
            fill(v, key, "more-" + n + "-", 300);
            assertThat(get(v, key)).as("bytes of %s after more adds", key).isEqualTo(get(r, key));
            assertThat(count(v, key)).isEqualTo(count(r, key));
        }
        assertThat(encoding(r, "hll:10")).isEqualTo("sparse");
        assertThat(encoding(r, "hll:200000")).isEqualTo("dense");
        // Unions and merges of the restored values agree too.
        String[] all = new String[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) all[i] = "hll:" + SIZES[i];
        assertThat(count(v, all)).isEqualTo(count(r, all));
        assertThat(count(v, "hll:1", "hll:100", "hll:2500")).isEqualTo(count(r, "hll:1", "hll:100", "hll:2500"));
        for (RespConnection c : new RespConnection[] {r, v}) {
            c.callChecked("PFMERGE", "sparse-merge", "hll:1", "hll:10", "hll:100");
            c.callChecked("PFMERGE", "dense-merge", "hll:10", "hll:200000");
            c.callChecked("PFMERGE", "hll:100", "hll:1000");
        }
        for (String k : new String[] {"sparse-merge", "dense-merge", "hll:100"}) {
            assertThat(get(v, k)).as("bytes of %s", k).isEqualTo(get(r, k));
            assertThat(count(v, k)).isEqualTo(count(r, k));
        }
    }

    @Test
    void ourHllsRestoredInRedisCountAndReadTheSame() throws IOException {
        Random rnd = new Random(11);
        for (int n : SIZES) {
            String key = "ours:" + n;
            List<byte[]> args = new ArrayList<>();
            for (int i = 0; i < n; i++) args.add(b(Long.toString(rnd.nextLong(), 36)));
            for (int from = 0; from < n; from += 500) {
                List<byte[]> cmd = new ArrayList<>();
                cmd.add(b("PFADD"));
                cmd.add(b(key));
                cmd.addAll(args.subList(from, Math.min(n, from + 500)));
                v.call(cmd);
                r.call(cmd);
            }
            assertThat(get(v, key)).as("same PFADDs, same bytes: %s", key).isEqualTo(get(r, key));
            r.callChecked("DEL", key);
            copy(v, r, key);
            assertThat(get(r, key)).isEqualTo(get(v, key));
            long ours = count(v, key);
            assertThat(count(r, key)).as("PFCOUNT %s in redis", key).isEqualTo(ours);
            assertThat(get(r, key)).isEqualTo(get(v, key));
            // Redis accepts what we converted to dense ourselves.
            v.callChecked("PFDEBUG", "TODENSE", key);
            copy(v, r, key);
            assertThat(encoding(r, key)).isEqualTo("dense");
            assertThat(count(r, key)).isEqualTo(count(v, key));
            assertThat(count(r, key)).isEqualTo(ours);
        }
    }

    @Test
    void sparseLimitChangesPromoteAtTheSamePoint() throws IOException {
        for (String limit : new String[] {"0", "64", "500", "10000", "3000"}) {
            for (RespConnection c : new RespConnection[] {r, v}) {
                c.callChecked("CONFIG", "SET", "hll-sparse-max-bytes", limit);
                c.callChecked("DEL", "p", "q");
            }
            for (int step = 0; step < 30; step++) {
                fill(r, "p", "s" + step + "-", 40);
                fill(v, "p", "s" + step + "-", 40);
                assertThat(get(v, "p")).as("limit %s step %d", limit, step).isEqualTo(get(r, "p"));
            }
            fill(r, "q", "q-", 40);
            fill(v, "q", "q-", 40);
            r.callChecked("PFMERGE", "q", "p");
            v.callChecked("PFMERGE", "q", "p");
            assertThat(get(v, "q")).as("merge at limit %s", limit).isEqualTo(get(r, "q"));
        }
    }

    /**
     * What Vermilion propagates reproduces the same values: its AOF, replayed by a restarted
     * Vermilion and by redis-server, yields byte-identical bitmaps and HLLs (cached
     * cardinalities included, which PFCOUNT writes and propagates).
     */
    @Test
    void ourAofReplaysToTheSameBytesHereAndInRedis() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-bits-aof-");
        List<String> aof = List.of("--appendonly", "yes", "--appendfsync", "always");
        String[] keys = {"bm", "bf", "op", "h1", "h2", "hm", "hd", "hc"};
        java.util.Map<String, byte[]> live = new java.util.HashMap<>();
        try (ServerProcess p = ServerProcess.start(ServerProcess.Kind.VERMILION, Ports.free(), dir, null, aof);
                RespConnection c = RespConnection.connect("127.0.0.1", p.port(), 5000, 60_000)) {
            c.callChecked("SETBIT", "bm", "100", "1");
            c.callChecked("SETBIT", "bm", "100", "1");
            c.callChecked("SETBIT", "bm", "7", "0");
            c.callChecked("BITFIELD", "bf", "SET", "i8", "0", "100", "INCRBY", "i8", "0", "100",
                    "OVERFLOW", "SAT", "INCRBY", "u4", "20", "99", "OVERFLOW", "FAIL", "INCRBY", "u2", "30", "9");
            c.callChecked("BITFIELD", "bf", "GET", "u8", "0");
            c.callChecked("BITOP", "XOR", "op", "bm", "bf");
            fill(c, "h1", "a", 100);
            c.callChecked("PFCOUNT", "h1");
            fill(c, "h2", "b", 4000);
            c.callChecked("PFCOUNT", "h2");
            c.callChecked("PFMERGE", "hm", "h1", "h2");
            fill(c, "hd", "d", 10);
            c.callChecked("PFDEBUG", "TODENSE", "hd");
            fill(c, "hc", "c", 50);
            c.callChecked("PFCOUNT", "hc");
            c.callChecked("PFADD", "hc", "c1");   // no change: the cache stays valid
            for (String k : keys) live.put(k, get(c, k));
        }
        try (ServerProcess p = ServerProcess.start(ServerProcess.Kind.VERMILION, Ports.free(), dir, null, aof);
                RespConnection c = RespConnection.connect("127.0.0.1", p.port(), 5000, 60_000)) {
            for (String k : keys) assertThat(get(c, k)).as("%s after our restart", k).isEqualTo(live.get(k));
        }
        try (ServerProcess p = ServerProcess.start(ServerProcess.Kind.REDIS, Ports.free(), dir, null, aof);
                RespConnection c = RespConnection.connect("127.0.0.1", p.port(), 5000, 60_000)) {
            for (String k : keys) assertThat(get(c, k)).as("%s in redis from our AOF", k).isEqualTo(live.get(k));
        }
    }
}
