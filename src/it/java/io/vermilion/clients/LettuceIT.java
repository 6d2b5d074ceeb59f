package io.vermilion.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Lettuce (Netty-based, async, RESP3 by default) against a Vermilion node, in both protocols. */
class LettuceIT {
    private static ServerProcess node;

    @BeforeAll
    static void start() throws IOException {
        node = ServerProcess.vermilion();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static RedisClient client(ProtocolVersion v) {
        RedisClient c = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(node.port())
                .withTimeout(Duration.ofSeconds(5)).build());
        c.setOptions(ClientOptions.builder().protocolVersion(v).build());
        return c;
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void syncCommands(ProtocolVersion v) {
        RedisClient c = client(v);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            RedisCommands<String, String> r = conn.sync();
            r.flushall();
            assertThat(r.set("k", "v")).isEqualTo("OK");
            assertThat(r.get("k")).isEqualTo("v");
            assertThat(r.incrby("n", 5)).isEqualTo(5);
            assertThat(r.incrbyfloat("f", 0.25)).isEqualTo(0.25);
            assertThat(r.exists("k", "n", "nope")).isEqualTo(2);
            assertThat(r.expire("k", 60)).isTrue();
            assertThat(r.ttl("k")).isBetween(59L, 60L);
            assertThat(r.type("k")).isEqualTo("string");
            assertThat(r.del("k", "n")).isEqualTo(2);
            assertThat(r.dbsize()).isEqualTo(1);
            assertThat(r.ping()).isEqualTo("PONG");
        } finally {
            c.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void asyncPipeline(ProtocolVersion v) {
        RedisClient c = client(v);
        try (StatefulRedisConnection<String, String> conn = c.connect()) {
            RedisAsyncCommands<String, String> a = conn.async();
            conn.setAutoFlushCommands(false);
            List<RedisFuture<?>> fs = new ArrayList<>();
            for (int i = 0; i < 5000; i++) fs.add(a.set("a" + i, "v" + i));
            for (int i = 0; i < 5000; i++) fs.add(a.get("a" + i));
            conn.flushCommands();
            assertThat(LettuceFutures.awaitAll(10, TimeUnit.SECONDS, fs.toArray(new RedisFuture[0]))).isTrue();
            assertThat(fs.get(5000 + 1234).get()).isEqualTo("v1234");
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            c.shutdown();
        }
    }
}
