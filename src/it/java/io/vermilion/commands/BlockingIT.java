package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blocking list commands with several real connections: each scenario runs against the real
 * redis-server 7.0 and against Vermilion, and the transcripts (every reply, in order) must be
 * equal; the tests also assert the expected values themselves.
 */
class BlockingIT {
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

    /** Runs a scenario on both servers; returns Vermilion's transcript after checking it equals Redis's. */
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

    static String str(Reply r) {
        return r.toString();
    }

    /** Waits until INFO clients reports n blocked clients. */
    static void awaitBlocked(int port, int n) throws Exception {
        try (RespConnection c = conn(port)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> c.call("INFO", "clients").asString().contains("blocked_clients:" + n + "\r\n"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("never saw " + n + " blocked clients on port " + port, e);
        }
    }

    @Test
    void threeClientsBlockedOnOneKeyAreServedInOrder() throws Exception {
        List<String> t = both((port, out) -> {
            List<RespConnection> cs = new ArrayList<>();
            try (RespConnection pusher = conn(port)) {
                for (int i = 0; i < 3; i++) {
                    RespConnection c = conn(port);
                    cs.add(c);
                    c.send("BLPOP", "k", "0");
                    c.flush();
                    awaitBlocked(port, i + 1);
                }
                out.add(str(pusher.call("RPUSH", "k", "a", "b", "c", "d")));
                for (RespConnection c : cs) out.add(str(c.read()));
                out.add(str(pusher.call("LRANGE", "k", "0", "-1")));
            } finally {
                for (RespConnection c : cs) c.close();
            }
        });
        assertThat(t.get(1)).contains("k").contains("a");
        assertThat(t.get(2)).contains("b");
        assertThat(t.get(3)).contains("c");
        assertThat(t.get(4)).contains("d");
    }

    @Test
    void timeoutAnswersNullAfterTheTimeout() throws Exception {
        both((port, out) -> {
            try (RespConnection c = conn(port)) {
                long t0 = System.nanoTime();
                out.add(str(c.call("BLPOP", "nokey", "0.2")));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(ms).isBetween(150L, 2000L);
                out.add(str(c.call("BRPOP", "nokey", "other", "0.05")));
                out.add(str(c.call("BLMOVE", "nokey", "dst", "LEFT", "RIGHT", "0.05")));
                out.add(str(c.call("BLMPOP", "0.05", "2", "a", "b", "LEFT", "COUNT", "3")));
                out.add(str(c.call("EXISTS", "dst")));
            }
        });
    }

    @Test
    void pushFromAnotherConnectionWakesAndPipelineWaits() throws Exception {
        List<String> t = both((port, out) -> {
            try (RespConnection b = conn(port); RespConnection p = conn(port)) {
                // BLPOP followed by pipelined commands: they run only once BLPOP is served.
                b.send("BLPOP", "q", "0");
                b.send("LLEN", "q");
                b.send("PING");
                b.flush();
                awaitBlocked(port, 1);
                p.send("LPUSH", "q", "x", "y");
                p.send("LLEN", "q");
                p.flush();
                out.add(str(p.read()));
                out.add(str(p.read()));
                out.add(str(b.read()));
                out.add(str(b.read()));
                out.add(str(b.read()));
            }
        });
        assertThat(t.get(1)).isEqualTo("Integer[value=1]");
        assertThat(t.get(2)).contains("y");
    }

    @Test
    void multiExecThatPushesServesAfterExecWithTheFinalState() throws Exception {
        List<String> t = both((port, out) -> {
            try (RespConnection b = conn(port); RespConnection p = conn(port)) {
                b.send("BRPOP", "m", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("MULTI")));
                out.add(str(p.call("RPUSH", "m", "1", "2", "3")));
                out.add(str(p.call("RPOP", "m")));
                out.add(str(p.call("LPUSH", "m", "0")));
                out.add(str(p.call("EXEC")));
                out.add(str(b.read()));
                out.add(str(p.call("LRANGE", "m", "0", "-1")));
                // Inside MULTI a blocking command does not block.
                out.add(str(p.call("MULTI")));
                out.add(str(p.call("BLPOP", "none", "0")));
                out.add(str(p.call("BLMOVE", "none", "x", "LEFT", "LEFT", "0")));
                out.add(str(p.call("EXEC")));
            }
        });
        assertThat(t.get(5)).contains("2");
    }

    @Test
    void blmoveChainsWakeOneAnother() throws Exception {
        List<String> t = both((port, out) -> {
            try (RespConnection a = conn(port); RespConnection b = conn(port); RespConnection p = conn(port)) {
                a.send("BLMOVE", "s1", "s2", "LEFT", "RIGHT", "0");
                a.flush();
                awaitBlocked(port, 1);
                b.send("BRPOPLPUSH", "s2", "s3", "0");
                b.flush();
                awaitBlocked(port, 2);
                out.add(str(p.call("LPUSH", "s1", "v")));
                out.add(str(a.read()));
                out.add(str(b.read()));
                out.add(str(p.call("LRANGE", "s3", "0", "-1")));
                out.add(str(p.call("EXISTS", "s1", "s2")));
            }
        });
        assertThat(t.get(3)).contains("v");
    }

    @Test
    void clientUnblockTimeoutAndError() throws Exception {
        both((port, out) -> {
            try (RespConnection b = conn(port); RespConnection p = conn(port)) {
                long id = ((Reply.Integer) b.call("CLIENT", "ID")).value();
                out.add(str(p.call("CLIENT", "UNBLOCK", Long.toString(id))));
                b.send("BLPOP", "u", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("CLIENT", "UNBLOCK", Long.toString(id), "TIMEOUT")));
                out.add(str(b.read()));
                b.send("BLMOVE", "u", "v", "RIGHT", "LEFT", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR")));
                out.add(str(b.read()));
                out.add(str(p.call("CLIENT", "UNBLOCK", Long.toString(id), "ERROR")));
                out.add(p.call("INFO", "clients").asString().contains("blocked_clients:0") ? "none blocked" : "blocked");
                // The unblocked client works normally again.
                out.add(str(b.call("PING")));
            }
        });
    }

    @Test
    void wrongTypeDestinationWhenServedAndTypeChecks() throws Exception {
        both((port, out) -> {
            try (RespConnection b = conn(port); RespConnection p = conn(port)) {
                out.add(str(p.call("SET", "str", "x")));
                b.send("BLMOVE", "src", "str", "LEFT", "LEFT", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("RPUSH", "src", "e")));
                out.add(str(b.read()));
                out.add(str(p.call("LRANGE", "src", "0", "-1")));
                // A key that becomes a string does not serve a list waiter.
                b.send("BLPOP", "later", "0.3");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("SET", "later", "s")));
                out.add(str(b.read()));
            }
        });
    }

    @Test
    void disconnectedWaiterIsForgotten() throws Exception {
        both((port, out) -> {
            try (RespConnection p = conn(port)) {
                RespConnection b = conn(port);
                b.send("BLPOP", "gone", "0");
                b.flush();
                awaitBlocked(port, 1);
                b.close();
                awaitBlocked(port, 0);
                out.add(str(p.call("RPUSH", "gone", "1")));
                out.add(str(p.call("LLEN", "gone")));
            }
        });
    }

    @Test
    void keysCreatedByRenameMoveRestoreCopyWake() throws Exception {
        List<String> t = both((port, out) -> {
            try (RespConnection b = conn(port); RespConnection p = conn(port)) {
                out.add(str(p.call("RPUSH", "src", "1", "2")));
                b.send("BLPOP", "renamed", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("RENAME", "src", "renamed")));
                out.add(str(b.read()));
                b.send("BLPOP", "copied", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("COPY", "renamed", "copied")));
                out.add(str(b.read()));
                Reply dump = p.call("DUMP", "renamed");
                b.send("BRPOP", "restored", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call(new byte[][] {"RESTORE".getBytes(), "restored".getBytes(), "0".getBytes(),
                        ((Reply.Bulk) dump).value()})));
                out.add(str(b.read()));
                // MOVE into the database a client is blocked in
                b.call("SELECT", "1");
                b.send("BLPOP", "moved", "0");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("RENAME", "renamed", "moved")));
                out.add(str(p.call("MOVE", "moved", "1")));
                out.add(str(b.read()));
                out.add(str(b.call("EXISTS", "moved")));
            }
        });
        assertThat(t.get(2)).contains("renamed");
    }

    /** A client blocked on a key whose slot is handed to another node gets -MOVED (Redis 7.0's cron check). */
    @Test
    void clusterSlotMovedAwayRedirectsTheBlockedClient() throws Exception {
        List<String> expected = clusterScenario(ServerProcess.Kind.REDIS);
        List<String> actual = clusterScenario(ServerProcess.Kind.VERMILION);
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.get(0)).startsWith("Error[MOVED 7629 127.0.0.1:PORT");
    }

    private static List<String> clusterScenario(ServerProcess.Kind kind) throws Exception {
        List<String> out = new ArrayList<>();
        try (ClusterFixture cf = ClusterFixture.start(kind, 3)) {
            int slot = 7629; // slot of "k"
            ServerProcess owner = null, other = null;
            for (ServerProcess n : cf.nodes()) {
                try (RespConnection c = conn(n.port())) {
                    boolean mine = false;
                    for (String line : c.call("CLUSTER", "NODES").asString().split("\n")) {
                        if (!line.contains("myself")) continue;
                        String[] f = line.trim().split(" ");
                        for (int i = 8; i < f.length; i++) {
                            String[] r = f[i].split("-");
                            int lo = Integer.parseInt(r[0]), hi = r.length > 1 ? Integer.parseInt(r[1]) : lo;
                            if (slot >= lo && slot <= hi) mine = true;
                        }
                    }
                    if (mine) owner = n; else if (other == null) other = n;
                }
            }
            String ownerId, otherId;
            try (RespConnection a = conn(owner.port()); RespConnection o = conn(other.port())) {
                ownerId = a.call("CLUSTER", "MYID").asString();
                otherId = o.call("CLUSTER", "MYID").asString();
            }
            try (RespConnection b = conn(owner.port()); RespConnection a = conn(owner.port());
                 RespConnection o = conn(other.port())) {
                b.send("BLPOP", "k", "0");
                b.flush();
                awaitBlocked(owner.port(), 1);
                out.add("import " + str(o.call("CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", ownerId)));
                out.add("migrate " + str(a.call("CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", otherId)));
                // Still served here while migrating: the client stays blocked.
                Thread.sleep(300);
                out.add(str(a.call("INFO", "clients")).contains("blocked_clients:1") ? "still blocked" : "unblocked");
                out.add("node1 " + str(o.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", otherId)));
                out.add("node2 " + str(a.call("CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", otherId)));
                Reply r = b.read();
                out.add(0, str(r).replace(":" + other.port(), ":PORT"));
                out.add(str(b.call("PING")));
                out.add(str(a.call("INFO", "clients")).contains("blocked_clients:0") ? "none blocked" : "blocked");
            }
        }
        return out;
    }
}
