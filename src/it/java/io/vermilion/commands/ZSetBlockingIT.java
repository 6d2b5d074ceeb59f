package io.vermilion.commands;

import static io.vermilion.commands.BlockingIT.awaitBlocked;
import static io.vermilion.commands.BlockingIT.conn;
import static io.vermilion.commands.BlockingIT.str;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BZPOPMIN / BZPOPMAX / BZMPOP with several real connections: each scenario runs against the
 * real redis-server 7.0 and against Vermilion and the transcripts must be equal.
 */
class ZSetBlockingIT {
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

    static List<String> both(BlockingIT.Scenario s) throws Exception {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        try (RespConnection c = conn(redis.port())) { c.call("FLUSHALL"); }
        try (RespConnection c = conn(vermilion.port())) { c.call("FLUSHALL"); }
        s.run(redis.port(), expected);
        s.run(vermilion.port(), actual);
        assertThat(actual).isEqualTo(expected);
        return actual;
    }

    @Test
    void waitersAreServedInOrderByZadd() throws Exception {
        List<String> t = both((port, out) -> {
            List<RespConnection> cs = new ArrayList<>();
            try (RespConnection p = conn(port)) {
                String[][] cmds = {{"BZPOPMIN", "z", "other", "0"}, {"BZPOPMAX", "z", "0"},
                        {"BZMPOP", "0", "2", "other", "z", "MIN", "COUNT", "2"}};
                for (int i = 0; i < cmds.length; i++) {
                    RespConnection c = conn(port);
                    cs.add(c);
                    c.send(cmds[i]);
                    c.flush();
                    awaitBlocked(port, i + 1);
                }
                out.add(str(p.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")));
                for (RespConnection c : cs) out.add(str(c.read()));
                out.add(str(p.call("ZRANGE", "z", "0", "-1", "WITHSCORES")));
            } finally {
                for (RespConnection c : cs) c.close();
            }
        });
        assertThat(t.get(1)).contains("a");
        assertThat(t.get(2)).contains("e");
        assertThat(t.get(3)).contains("b").contains("c");
    }

    @Test
    void timeoutsImmediateServesAndErrors() throws Exception {
        both((port, out) -> {
            try (RespConnection c = conn(port)) {
                long t0 = System.nanoTime();
                out.add(str(c.call("BZPOPMIN", "nokey", "0.1")));
                assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(80L, 2000L);
                out.add(str(c.call("BZPOPMAX", "a", "b", "0.02")));
                out.add(str(c.call("BZMPOP", "0.02", "1", "a", "MAX")));
                out.add(str(c.call("ZADD", "z", "1", "a", "2", "b", "3", "c")));
                out.add(str(c.call("BZPOPMIN", "nokey", "z", "0")));
                out.add(str(c.call("BZPOPMAX", "z", "1")));
                out.add(str(c.call("BZMPOP", "1", "2", "nokey", "z", "MIN", "COUNT", "10")));
                out.add(str(c.call("EXISTS", "z")));
                out.add(str(c.call("SET", "s", "x")));
                out.add(str(c.call("BZPOPMIN", "s", "0")));
                out.add(str(c.call("BZPOPMIN", "nokey", "s", "0")));
                out.add(str(c.call("BZPOPMIN", "z", "-1")));
                out.add(str(c.call("BZPOPMIN", "z", "abc")));
                out.add(str(c.call("BZMPOP", "abc", "1", "z", "MIN")));
                out.add(str(c.call("BZMPOP", "0", "0", "z", "MIN")));
                out.add(str(c.call("BZMPOP", "0", "1", "z", "LEFT")));
                out.add(str(c.call("BZMPOP", "0", "1", "z", "MIN", "COUNT", "0")));
                // inside MULTI a blocking pop that cannot be served answers as a timeout
                out.add(str(c.call("MULTI")));
                out.add(str(c.call("BZPOPMIN", "nokey", "0")));
                out.add(str(c.call("BZMPOP", "0", "1", "nokey", "MAX")));
                out.add(str(c.call("EXEC")));
                out.add(str(c.call("HELLO", "3")).contains("proto") ? "hello" : "no hello");
                out.add(str(c.call("BZPOPMIN", "nokey", "0.02")));
                out.add(str(c.call("ZADD", "z", "1.5", "a")));
                out.add(str(c.call("BZPOPMIN", "z", "0")));
                out.add(str(c.call("ZADD", "z", "1.5", "a", "2", "b")));
                out.add(str(c.call("BZMPOP", "0", "1", "z", "MIN", "COUNT", "5")));
            }
        });
    }

    @Test
    void aStringOrAnEmptiedKeyDoesNotServeAndPipelineWaits() throws Exception {
        List<String> t = both((port, out) -> {
            try (RespConnection b = conn(port); RespConnection p = conn(port)) {
                b.send("BZPOPMAX", "z", "0");
                b.send("ZCARD", "z");
                b.flush();
                awaitBlocked(port, 1);
                out.add(str(p.call("SET", "z", "str")));      // not a zset: stays blocked
                out.add(str(p.call("DEL", "z")));
                out.add(str(p.call("MULTI")));
                out.add(str(p.call("ZADD", "z", "1", "a", "2", "b")));
                out.add(str(p.call("ZREM", "z", "b")));
                out.add(str(p.call("EXEC")));
                out.add(str(b.read()));
                out.add(str(b.read()));
                out.add(str(p.call("EXISTS", "z")));
            }
        });
        assertThat(t.get(6)).contains("a");
    }
}
