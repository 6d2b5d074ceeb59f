package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * XREAD BLOCK and XREADGROUP BLOCK with several real connections: each scenario runs against the
 * real redis-server 7.0 and against Vermilion and the transcripts (every reply, in order) must be
 * equal; explicit IDs keep them deterministic.
 */
class StreamBlockingIT {
    static ServerProcess redis;
    static ServerProcess vermilion;

    @BeforeAll
    static void start() throws IOException {
        redis = ServerProcess.redis();
        vermilion = ServerProcess.vermilion();
    }

    @AfterAll
    static void stop() {
        if (redis != null) redis.close();
        if (vermilion != null) vermilion.close();
    }

    interface Scenario {
        void run(int port, List<String> out) throws Exception;
    }

    static List<String> both(Scenario s) throws Exception {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        try (RespConnection c = conn(redis.port())) { c.call("FLUSHALL"); }
        try (RespConnection c = conn(vermilion.port())) { c.call("FLUSHALL"); }
        s.run(redis.port(), expected);
        s.run(vermilion.port(), actual);
        assertThat(actual).isEqualTo(expected);
        return actual;
    }

    static RespConnection conn(int port) throws IOException {
        return RespConnection.connect("127.0.0.1", port, 5000, 10000);
    }

    static String str(Reply r) { return r.toString(); }

    static void awaitBlocked(int port, int n) throws Exception {
        try (RespConnection c = conn(port)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> c.call("INFO", "clients").asString().contains("blocked_clients:" + n + "\r\n"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("never saw " + n + " blocked clients on port " + port, e);
        }
    }

    @Test
    void xreadDollarWaitsForTheNextEntry() throws Exception {
        List<String> t = both((port, out) -> {
            try (RespConnection r = conn(port); RespConnection w = conn(port)) {
                w.callChecked("XADD", "s", "1-1", "a", "1");
                r.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
                r.send("XLEN", "s");         // pipelined behind the blocked read
                r.flush();
                awaitBlocked(port, 1);
                out.add(str(w.call("XADD", "s", "2-1", "b", "2")));
                out.add(str(r.read()));
                out.add(str(r.read()));
                out.add(str(w.call("INFO", "clients")).contains("blocked_clients:0") ? "unblocked" : "still blocked");
            }
        });
        assertThat(t.get(1)).contains("2-1").doesNotContain("1-1");
    }

    @Test
    void xreadOnSeveralKeysAndAnAbsentKeyCreatedLater() throws Exception {
        both((port, out) -> {
            try (RespConnection r = conn(port); RespConnection w = conn(port)) {
                w.callChecked("XADD", "a", "5-0", "x", "1");
                r.send("XREAD", "COUNT", "10", "BLOCK", "0", "STREAMS", "a", "b", "$", "0");
                r.flush();
                awaitBlocked(port, 1);
                out.add(str(w.call("SET", "other", "x")));
                out.add(str(w.call("XADD", "b", "1-0", "y", "2")));   // creates b: served from 0
                out.add(str(r.read()));
            }
        });
    }

    @Test
    void timeoutsAndResp3() throws Exception {
        both((port, out) -> {
            try (RespConnection c = conn(port)) {
                c.callChecked("XADD", "s", "1-1", "a", "1");
                c.callChecked("XGROUP", "CREATE", "s", "g", "$");
                long t0 = System.nanoTime();
                out.add(str(c.call("XREAD", "BLOCK", "100", "STREAMS", "s", "$")));
                assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(80L, 3000L);
                out.add(str(c.call("XREADGROUP", "GROUP", "g", "c", "BLOCK", "50", "STREAMS", "s", ">")));
                out.add(str(c.call("XINFO", "GROUPS", "s")));       // the consumer is not created by a timeout
                c.hello(3);
                out.add(str(c.call("XREAD", "BLOCK", "30", "STREAMS", "s", "$")));
                out.add(str(c.call("XREAD", "BLOCK", "30", "STREAMS", "s", "0")));
                out.add(str(c.call("XREAD", "BLOCK", "-1", "STREAMS", "s", "$")));
                out.add(str(c.call("XREAD", "BLOCK", "x", "STREAMS", "s", "$")));
            }
        });
    }

    @Test
    void xreadgroupBlockedConsumersShareNewEntries() throws Exception {
        List<String> t = both((port, out) -> {
            try (RespConnection a = conn(port); RespConnection b = conn(port); RespConnection w = conn(port)) {
                w.callChecked("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
                a.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
                a.flush();
                awaitBlocked(port, 1);
                b.send("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", ">");
                b.flush();
                awaitBlocked(port, 2);
                out.add(str(w.call("XADD", "s", "1-1", "a", "1")));
                out.add(str(a.read()));                       // alice (first blocked) gets 1-1
                out.add(str(w.call("XADD", "s", "1-2", "b", "2")));
                out.add(str(b.read()));                       // bob gets 1-2
                out.add(str(w.call("XPENDING", "s", "g")));
                out.add(str(w.call("XINFO", "GROUPS", "s")));
            }
        });
        assertThat(t.get(1)).contains("1-1");
        assertThat(t.get(3)).contains("1-2");
    }

    @Test
    void xreadgroupNoackAndMultipleEntriesInOneTransaction() throws Exception {
        both((port, out) -> {
            try (RespConnection a = conn(port); RespConnection w = conn(port)) {
                w.callChecked("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
                a.send("XREADGROUP", "GROUP", "g", "alice", "NOACK", "BLOCK", "0", "STREAMS", "s", ">");
                a.flush();
                awaitBlocked(port, 1);
                w.callChecked("MULTI");
                w.callChecked("XADD", "s", "1-1", "a", "1");
                w.callChecked("XADD", "s", "1-2", "a", "2");
                out.add(str(w.call("EXEC")));
                out.add(str(a.read()));
                out.add(str(w.call("XPENDING", "s", "g")));
                out.add(str(w.call("XINFO", "GROUPS", "s")));
            }
        });
    }

    @Test
    void groupDestroyedOrKeyDeletedWhileBlocked() throws Exception {
        both((port, out) -> {
            try (RespConnection a = conn(port); RespConnection w = conn(port)) {
                w.callChecked("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
                a.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
                a.flush();
                awaitBlocked(port, 1);
                out.add(str(w.call("XGROUP", "DESTROY", "s", "g")));
                out.add(str(a.read()));
                w.callChecked("XGROUP", "CREATE", "s", "g", "$");
                a.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
                a.flush();
                awaitBlocked(port, 1);
                out.add(str(w.call("DEL", "s")));
                out.add(str(a.read()));
                // a plain XREAD stays blocked when its key is deleted, and is served once it is back
                a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "0");
                a.flush();
                awaitBlocked(port, 1);
                w.callChecked("SET", "s", "not a stream");
                w.callChecked("DEL", "s");
                out.add(str(w.call("XADD", "s", "3-3", "z", "9")));
                out.add(str(a.read()));
            }
        });
    }

    /** The commands of the newest AOF incr file from the first XGROUP on, delivery times masked. */
    static List<String> aofTail(ServerProcess p) throws IOException {
        java.nio.file.Path dir = p.dir().resolve("appendonlydir");
        java.nio.file.Path incr;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            incr = files.filter(f -> f.getFileName().toString().endsWith(".incr.aof"))
                    .max(java.util.Comparator.comparingInt(StreamBlockingIT::seq)).orElseThrow();
        }
        String text = new String(java.nio.file.Files.readAllBytes(incr), java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> cmds = new ArrayList<>();
        String[] lines = text.split("\r\n");
        for (int i = 0; i < lines.length; ) {
            int n = Integer.parseInt(lines[i].substring(1));
            i++;
            StringBuilder sb = new StringBuilder();
            String prev = "";
            for (int k = 0; k < n; k++) {
                String arg = lines[i + 1];
                i += 2;
                sb.append(k == 0 ? "" : " ").append(prev.equalsIgnoreCase("TIME") ? "<time>" : arg);
                prev = arg;
            }
            cmds.add(sb.toString());
        }
        int from = 0;
        for (int i = 0; i < cmds.size(); i++) if (cmds.get(i).startsWith("XGROUP")) { from = i; break; }
        return cmds.subList(from, cmds.size());
    }

    private static int seq(java.nio.file.Path f) {
        String[] parts = f.getFileName().toString().split("\\.");
        return Integer.parseInt(parts[parts.length - 3]);
    }

    /** What a woken XREADGROUP writes to the AOF: its XCLAIM / XGROUP forms, as Redis, never itself. */
    @Test
    void wokenXreadgroupPropagatesAsRedis() throws Exception {
        List<List<String>> aofs = new ArrayList<>();
        for (ServerProcess p : List.of(redis, vermilion)) {
            try (RespConnection a = conn(p.port()); RespConnection w = conn(p.port())) {
                w.callChecked("FLUSHALL");
                w.callChecked("CONFIG", "SET", "appendfsync", "always");
                w.callChecked("CONFIG", "SET", "appendonly", "yes");
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(20)).alias("AOF enabled on " + p.kind())
                        .until(() -> w.call("INFO", "persistence").asString().contains("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0")
                                && w.call("INFO", "persistence").asString().contains("aof_enabled:1"));
                Thread.sleep(200);
                w.callChecked("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
                a.send("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">");
                a.flush();
                awaitBlocked(p.port(), 1);
                w.callChecked("MULTI");
                w.callChecked("XADD", "s", "1-1", "a", "1");
                w.callChecked("XADD", "s", "1-2", "a", "2");
                w.callChecked("EXEC");
                assertThat(str(a.read())).contains("1-2");
                a.send("XREADGROUP", "GROUP", "g", "bob", "NOACK", "BLOCK", "0", "STREAMS", "s", ">");
                a.flush();
                awaitBlocked(p.port(), 1);
                w.callChecked("XADD", "s", "1-3", "a", "3");
                assertThat(str(a.read())).contains("1-3");
                w.callChecked("PING");
                aofs.add(aofTail(p));
                w.callChecked("CONFIG", "SET", "appendonly", "no");
            }
        }
        assertThat(aofs.get(1)).isEqualTo(aofs.get(0));
        assertThat(aofs.get(0)).contains("XCLAIM s g alice 0 1-2 TIME <time> RETRYCOUNT 1 FORCE JUSTID LASTID 1-2",
                "XGROUP SETID s g 1-3 ENTRIESREAD 3");
    }

    @Test
    void clientUnblockAndBlockInsideMulti() throws Exception {
        both((port, out) -> {
            try (RespConnection a = conn(port); RespConnection w = conn(port)) {
                long id = a.call("CLIENT", "ID").asLong();
                a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
                a.flush();
                awaitBlocked(port, 1);
                out.add(str(w.call("CLIENT", "UNBLOCK", Long.toString(id), "TIMEOUT")));
                out.add(str(a.read()));
                a.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
                a.flush();
                awaitBlocked(port, 1);
                out.add(str(w.call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR")));
                out.add(str(a.read()));
                a.callChecked("MULTI");
                a.callChecked("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
                out.add(str(a.call("EXEC")));
            }
        });
    }
}
