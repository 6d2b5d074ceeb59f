package io.vermilion.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/** Jedis, a widely used Java client, against a Vermilion node over TCP. */
class JedisIT {
    private static ServerProcess node;
    private Jedis jedis;

    @BeforeAll
    static void start() throws IOException {
        node = ServerProcess.vermilion();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", node.port(), 5000);
        jedis.flushAll();
    }

    @Test
    void stringsRoundTrip() {
        assertThat(jedis.set("k", "v")).isEqualTo("OK");
        assertThat(jedis.get("k")).isEqualTo("v");
        assertThat(jedis.append("k", "w")).isEqualTo(2);
        assertThat(jedis.strlen("k")).isEqualTo(2);
        assertThat(jedis.incr("n")).isEqualTo(1);
        assertThat(jedis.incrBy("n", 41)).isEqualTo(42);
        assertThat(jedis.incrByFloat("f", 1.5)).isEqualTo(1.5);
        assertThat(jedis.mset("a", "1", "b", "2")).isEqualTo("OK");
        assertThat(jedis.mget("a", "b", "nope")).containsExactly("1", "2", null);
        assertThat(jedis.getDel("a")).isEqualTo("1");
        assertThat(jedis.exists("a")).isFalse();
        assertThat(jedis.set("x", "1", SetParams.setParams().nx())).isEqualTo("OK");
        assertThat(jedis.set("x", "2", SetParams.setParams().nx())).isNull();
        assertThat(jedis.getrange("k", 0, 0)).isEqualTo("v");
    }

    @Test
    void binarySafeKeysAndValues() {
        byte[] key = {0, (byte) 0xff, '\r', '\n', 'k'};
        byte[] val = new byte[256];
        for (int i = 0; i < 256; i++) val[i] = (byte) i;
        jedis.set(key, val);
        assertThat(jedis.get(key)).isEqualTo(val);
        assertThat(jedis.del(key)).isEqualTo(1);
    }

    @Test
    void expiry() {
        jedis.set("t", "v");
        assertThat(jedis.expire("t", 100)).isEqualTo(1);
        assertThat(jedis.ttl("t")).isBetween(99L, 100L);
        assertThat(jedis.persist("t")).isEqualTo(1);
        assertThat(jedis.ttl("t")).isEqualTo(-1);
        assertThat(jedis.pexpire("t", 1)).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> !jedis.exists("t"));
        assertThat(jedis.ttl("t")).isEqualTo(-2);
    }

    @Test
    void pipelining() {
        Pipeline p = jedis.pipelined();
        for (int i = 0; i < 1000; i++) p.set("p" + i, Integer.toString(i));
        for (int i = 0; i < 1000; i++) p.get("p" + i);
        List<Object> all = p.syncAndReturnAll();
        assertThat(all).hasSize(2000);
        assertThat(all.get(1000 + 777)).isEqualTo("777");
        assertThat(jedis.dbSize()).isEqualTo(1000);
    }

    @Test
    void errorsSurfaceAsJedisExceptions() {
        jedis.set("s", "abc");
        assertThatThrownBy(() -> jedis.incr("s")).isInstanceOf(JedisDataException.class)
                .hasMessage("ERR value is not an integer or out of range");
        assertThatThrownBy(() -> jedis.sendCommand(() -> "NOSUCHCMD".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(JedisDataException.class).hasMessageStartingWith("ERR unknown command 'NOSUCHCMD'");
    }

    /** ioredis (npm) against the same node: a third client family, with pipelining. */
    @Test
    void ioredisStandalone() throws Exception {
        assertThat(NodeClients.run("standalone", node.port())).isEqualTo("OK standalone");
    }

    @Test
    void selectAndKeys() {
        jedis.select(3);
        jedis.set("in3", "x");
        assertThat(jedis.keys("in*")).containsExactly("in3");
        jedis.select(0);
        assertThat(jedis.exists("in3")).isFalse();
        assertThat(jedis.move("nothing", 3)).isZero();
    }
}
