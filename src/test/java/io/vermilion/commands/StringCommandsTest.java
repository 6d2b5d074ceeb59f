package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.config.Config;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.node.VermilionNode;
import io.vermilion.server.Client;
import io.vermilion.types.Sds;
import io.vermilion.types.Strings;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The string commands on a real node over TCP, for what the differential scripts cannot see:
 * how values are stored (and so what OBJECT ENCODING will say), keyspace hit/miss counting,
 * dirty counting (drives AOF), size limits with a small proto-max-bulk-len, and RESP3 shapes.
 * Replies themselves are compared byte for byte with redis-server by the strings.txt script.
 */
class StringCommandsTest {
    static VermilionNode node;
    static RespConnection conn;

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Config cfg = Config.load(null, List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--proto-max-bulk-len", "1mb", "--save", ""));
        node = new VermilionNode(cfg).start();
        conn = RespConnection.connect("127.0.0.1", node.port(), 2000, 5000);
    }

    @AfterAll
    static void stop() throws Exception {
        if (conn != null) conn.close();
        if (node != null) node.close();
    }

    @BeforeEach
    void flush() throws Exception {
        assertThat(call("FLUSHALL")).isEqualTo("OK");
    }

    // ------------------------------------------------------------------ helpers

    static String call(String... args) throws Exception {
        return str(conn.call(args));
    }

    static String str(Reply r) {
        if (r instanceof Reply.Integer i) return Long.toString(i.value());
        if (r instanceof Reply.Error e) return "-" + e.text();
        if (r.isNull()) return null;
        if (r instanceof Reply.Array a) return a.elements().stream().map(StringCommandsTest::str).toList().toString();
        return new String(r.asBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Runs f on the node's command thread, which owns all data. */
    static <T> T onLoop(Callable<T> f) throws Exception {
        return node.server().loop().submit(f).get();
    }

    static Object value(String key) throws Exception {
        return onLoop(() -> node.server().keyspace().db(0).peek(key.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static String encoding(String key) throws Exception {
        return Strings.encoding(value(key));
    }

    static long[] hitsMisses() throws Exception {
        return onLoop(() -> {
            Keyspace.Stats s = node.server().keyspace().stats();
            return new long[] {s.keyspaceHits, s.keyspaceMisses};
        });
    }

    static long dirty() throws Exception {
        return onLoop(() -> node.server().dirty());
    }

    // ------------------------------------------------------------------ tests

    @Test
    void encodingsFollowRedis() throws Exception {
        call("SET", "i", "12345");
        call("SET", "e", "x".repeat(44));
        call("SET", "r", "x".repeat(45));
        assertThat(encoding("i")).isEqualTo("int");
        assertThat(encoding("e")).isEqualTo("embstr");
        assertThat(encoding("r")).isEqualTo("raw");

        // INCRBYFLOAT builds its result with createStringObject: never "int"
        assertThat(call("INCRBYFLOAT", "f", "3")).isEqualTo("3");
        assertThat(encoding("f")).isEqualTo("embstr");
        assertThat(call("INCRBYFLOAT", "big", "1e50")).hasSize(51);
        assertThat(encoding("big")).isEqualTo("raw");
        assertThat(call("INCR", "f")).isEqualTo("4");
        assertThat(encoding("f")).isEqualTo("int");

        // APPEND: a new key is encoded from content; an existing one becomes a raw, growable Sds
        call("APPEND", "a", "12");
        assertThat(encoding("a")).isEqualTo("int");
        call("APPEND", "a", "");
        assertThat(value("a")).isInstanceOf(Sds.class);
        assertThat(encoding("a")).isEqualTo("raw");
        assertThat(call("INCR", "a")).isEqualTo("13");
        assertThat(encoding("a")).isEqualTo("int");

        // SETRANGE: raw when it writes, untouched when it writes nothing
        call("SET", "s", "abc");
        assertThat(call("SETRANGE", "s", "0", "")).isEqualTo("3");
        assertThat(encoding("s")).isEqualTo("embstr");
        call("SETRANGE", "s", "5", "z");
        assertThat(encoding("s")).isEqualTo("raw");
        assertThat(call("GET", "s")).isEqualTo("abc\0\0z");
        call("SETRANGE", "n", "2", "9");
        assertThat(encoding("n")).isEqualTo("raw");

        call("GETSET", "g", "100");
        assertThat(encoding("g")).isEqualTo("int");
        call("MSET", "m1", "7", "m2", "seven");
        assertThat(encoding("m1")).isEqualTo("int");
        assertThat(encoding("m2")).isEqualTo("embstr");
    }

    @Test
    void appendGrowsInPlace() throws Exception {
        call("SET", "k", "a");
        StringBuilder expect = new StringBuilder("a");
        for (int i = 0; i < 2000; i++) {
            String piece = Integer.toString(i);
            expect.append(piece);
            assertThat(call("APPEND", "k", piece)).isEqualTo(Integer.toString(expect.length()));
        }
        assertThat(call("GET", "k")).isEqualTo(expect.toString());
        assertThat(call("GETRANGE", "k", "-5", "-1")).isEqualTo(expect.substring(expect.length() - 5));
        assertThat(call("STRLEN", "k")).isEqualTo(Integer.toString(expect.length()));
        // SETRANGE past the end of a grown value pads with zero bytes, not stale capacity
        int len = expect.length();
        assertThat(call("SETRANGE", "k", Integer.toString(len + 3), "!")).isEqualTo(Integer.toString(len + 4));
        assertThat(call("GETRANGE", "k", Integer.toString(len), "-1")).isEqualTo("\0\0\0!");
    }

    @Test
    void readLookupsCountHitsAndMisses() throws Exception {
        call("SET", "k", "v");
        long[] before = hitsMisses();
        call("GET", "k");
        call("GET", "nokey");
        call("MGET", "k", "nokey", "k");
        call("STRLEN", "nokey");
        call("GETRANGE", "k", "0", "1");
        call("LCS", "k", "nokey");
        call("GETEX", "nokey");
        call("SET", "k", "w", "GET");
        long[] after = hitsMisses();
        // as redis-server 7.0 counts the same sequence: 6 hits, 5 misses
        assertThat(after[0] - before[0]).isEqualTo(6);   // GET, MGET x2, GETRANGE, LCS, SET GET
        assertThat(after[1] - before[1]).isEqualTo(5);   // GET, MGET, STRLEN, LCS, GETEX
        // Write lookups do not count
        before = hitsMisses();
        call("INCR", "c");
        call("APPEND", "k", "x");
        call("SETNX", "k", "y");
        call("SET", "k", "z", "NX");
        call("MSETNX", "k", "1", "q", "2");
        call("INCRBYFLOAT", "c", "1");
        call("SETRANGE", "k", "0", "a");
        assertThat(hitsMisses()).isEqualTo(before);
    }

    @Test
    void dirtyCountsChanges() throws Exception {
        long d = dirty();
        call("MSET", "a", "1", "b", "2", "c", "3");
        assertThat(dirty() - d).isEqualTo(3);
        d = dirty();
        call("GETEX", "a");               // no option: nothing changes
        call("GETEX", "a", "PERSIST");    // no TTL to remove
        call("SETRANGE", "a", "0", "");  // writes nothing
        call("SETNX", "a", "x");
        call("MSETNX", "a", "x", "z", "y");
        call("GET", "a");
        call("INCR", "b", "x");           // arity error
        call("INCRBY", "b", "x");         // bad increment
        assertThat(dirty()).isEqualTo(d);
        call("APPEND", "a", "");          // Redis counts an empty append
        call("GETEX", "a", "EX", "100");
        call("GETEX", "a", "PERSIST");
        call("GETDEL", "c");
        call("GETDEL", "c");              // already gone
        assertThat(dirty() - d).isEqualTo(4);
    }

    @Test
    void sizeLimitsFollowProtoMaxBulkLen() throws Exception {
        String tooLong = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)";
        assertThat(call("SETRANGE", "k", "1048576", "x")).isEqualTo(tooLong);
        assertThat(call("SETRANGE", "k", "1048575", "x")).isEqualTo("1048576");
        assertThat(call("APPEND", "k", "y")).isEqualTo(tooLong);
        assertThat(call("STRLEN", "k")).isEqualTo("1048576");
        assertThat(call("SETRANGE", "k", "1048575", "yz")).isEqualTo(tooLong);
        assertThat(call("SETRANGE", "k", "1048575", "")).isEqualTo("1048576");
        // LCS refuses when its (n+1)*(m+1) table of 4-byte cells would exceed the limit
        call("SET", "a", "x".repeat(600));
        call("SET", "b", "y".repeat(600));
        assertThat(call("LCS", "a", "b")).isEqualTo(
                "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        call("SET", "b", "y".repeat(400));
        assertThat(call("LCS", "a", "b", "LEN")).isEqualTo("0");
    }

    @Test
    void lcsIdxIsAMapInResp3() throws Exception {
        call("MSET", "a", "ohmytext", "b", "mynewtext");
        setProtocol(3);
        try {
            Reply r = conn.call("LCS", "a", "b", "IDX", "WITHMATCHLEN");
            assertThat(r).isInstanceOf(Reply.Map.class);
            Reply.Map m = (Reply.Map) r;
            assertThat(str(m.get("len"))).isEqualTo("6");
            assertThat(m.get("matches").toString()).contains("Integer[value=4]");
            assertThat(conn.call("GET", "nokey")).isInstanceOf(Reply.Null.class);
            assertThat(str(conn.call("INCRBYFLOAT", "f", "1.5"))).isEqualTo("1.5");
        } finally {
            setProtocol(2);
        }
        assertThat(conn.call("LCS", "a", "b", "IDX")).isInstanceOf(Reply.Array.class);
    }

    /** Switches this test's connection's protocol on the server side (HELLO is another family's). */
    private static void setProtocol(int proto) throws Exception {
        onLoop(() -> {
            for (Client c : node.server().clients().values()) c.reply().proto(proto);
            return null;
        });
    }

    @Test
    void lcsMatchesFullTableReference() {
        Random rnd = new Random(42);
        for (int iter = 0; iter < 2000; iter++) {
            byte[] a = randomBytes(rnd, rnd.nextInt(30), 2 + rnd.nextInt(4));
            byte[] b = randomBytes(rnd, rnd.nextInt(30), 2 + rnd.nextInt(4));
            long min = rnd.nextInt(4);
            StringCommands.Lcs ours = StringCommands.Lcs.compute(a, b, true, min);
            Reference ref = new Reference(a, b, min);
            assertThat(ours.length).isEqualTo(ref.length);
            assertThat(ours.sequence).isEqualTo(ref.sequence);
            assertThat(ours.ranges).isEqualTo(ref.ranges);
            assertThat(StringCommands.Lcs.compute(a, b, false, 0).length).isEqualTo(ref.length);
        }
    }

    private static byte[] randomBytes(Random rnd, int n, int alphabet) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) out[i] = (byte) ('a' + rnd.nextInt(alphabet));
        return out;
    }

    /**
     * The textbook LCS with the whole table of lengths, walked back as the LCS command documents
     * (take a common byte, else move along a only if that keeps a strictly longer LCS), reporting
     * every maximal diagonal run of at least min bytes.
     */
    static final class Reference {
        final int length;
        final byte[] sequence;
        final int[] ranges;

        Reference(byte[] a, byte[] b, long min) {
            int n = a.length, m = b.length;
            int[][] t = new int[n + 1][m + 1];
            for (int i = 1; i <= n; i++) {
                for (int j = 1; j <= m; j++) {
                    t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
                }
            }
            length = t[n][m];
            java.io.ByteArrayOutputStream seq = new java.io.ByteArrayOutputStream();
            List<int[]> runs = new java.util.ArrayList<>();
            int i = n, j = m;
            int[] run = null;
            while (i > 0 && j > 0) {
                if (a[i - 1] == b[j - 1]) {
                    seq.write(a[i - 1]);
                    if (run == null) run = new int[] {i - 1, i - 1, j - 1, j - 1};
                    run[0] = i - 1;
                    run[2] = j - 1;
                    i--;
                    j--;
                } else {
                    if (run != null) { runs.add(run); run = null; }
                    if (t[i - 1][j] > t[i][j - 1]) i--;
                    else j--;
                }
            }
            if (run != null) runs.add(run);
            byte[] s = seq.toByteArray();
            for (int k = 0; k < s.length / 2; k++) { byte x = s[k]; s[k] = s[s.length - 1 - k]; s[s.length - 1 - k] = x; }
            sequence = s;
            ranges = runs.stream().filter(r -> min == 0 || r[1] - r[0] + 1 >= min)
                    .flatMapToInt(java.util.Arrays::stream).toArray();
        }
    }

    @Test
    void incrByFloatKeepsTtlAndRejectsBadValues() throws Exception {
        call("SET", "f", "1", "EXAT", "4102444800");
        assertThat(call("INCRBYFLOAT", "f", "0.25")).isEqualTo("1.25");
        long at = onLoop(() -> node.server().keyspace().db(0).getExpire("f".getBytes(StandardCharsets.US_ASCII)));
        assertThat(at).isEqualTo(4102444800_000L);
        assertThat(call("INCRBYFLOAT", "f", "inf")).isEqualTo("-ERR increment would produce NaN or Infinity");
        assertThat(call("INCRBYFLOAT", "f", "1 ")).isEqualTo("-ERR value is not a valid float");
        assertThat(call("GET", "f")).isEqualTo("1.25");
        assertThat(call("DECRBY", "i", "-9223372036854775808")).isEqualTo("-ERR decrement would overflow");
        call("SET", "i", "9223372036854775807");
        assertThat(call("INCR", "i")).isEqualTo("-ERR increment or decrement would overflow");
        assertThat(call("SETEX", "x", "0", "v")).isEqualTo("-ERR invalid expire time in 'setex' command");
        assertThat(call("PSETEX", "x", "-1", "v")).isEqualTo("-ERR invalid expire time in 'psetex' command");
        assertThat(call("GETEX", "f", "PX", "0")).isEqualTo("-ERR invalid expire time in 'getex' command");
    }
}
