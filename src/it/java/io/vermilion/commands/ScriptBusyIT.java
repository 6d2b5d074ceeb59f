package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A script that runs past busy-reply-threshold (docs/scripting.md): other clients get -BUSY
 * while it runs, SCRIPT KILL / FUNCTION KILL stop it (the caller gets Redis's "killed" error),
 * a script that already wrote cannot be killed (-UNKILLABLE), and the server serves again
 * afterwards. The same assertions run against redis-server 7.0 and Vermilion.
 */
class ScriptBusyIT {
    private static final List<ServerProcess> servers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        servers.add(ServerProcess.redis("--busy-reply-threshold", "100"));
        servers.add(ServerProcess.vermilion("--busy-reply-threshold", "100"));
    }

    @AfterAll
    static void stop() {
        for (ServerProcess s : servers) s.close();
    }

    private static ServerProcess server(Kind k) {
        return servers.get(k == Kind.REDIS ? 0 : 1);
    }

    private static Jedis jedis(Kind k) {
        return new Jedis("127.0.0.1", server(k).port(), 10_000);
    }

    /** Runs a command on its own connection; the future holds the reply or the error text. */
    private static CompletableFuture<String> async(Kind k, String... cmd) {
        return CompletableFuture.supplyAsync(() -> {
            try (Jedis j = jedis(k)) {
                Object r = j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(cmd[0]),
                        java.util.Arrays.copyOfRange(cmd, 1, cmd.length));
                return r instanceof byte[] b ? new String(b) : String.valueOf(r);
            } catch (JedisDataException e) {
                return "-" + e.getMessage();
            }
        });
    }

    private static String error(Jedis j, String... cmd) {
        try {
            Object r = j.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode(cmd[0]),
                    java.util.Arrays.copyOfRange(cmd, 1, cmd.length));
            return "+" + (r instanceof byte[] b ? new String(b) : String.valueOf(r));
        } catch (JedisDataException e) {
            return "-" + e.getMessage();
        }
    }

    /** Waits until the server answers PING with -BUSY, and returns that text. */
    private static String awaitBusy(Jedis j) {
        String[] seen = new String[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            seen[0] = error(j, "PING");
            return seen[0].startsWith("-BUSY");
        });
        return seen[0];
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void scriptKillStopsABusyEval(Kind k) throws Exception {
        CompletableFuture<String> eval = async(k, "EVAL", "local i = 0 while true do i = i + 1 end", "0");
        try (Jedis j = jedis(k)) {
            assertThat(awaitBusy(j)).isEqualTo("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            assertThat(error(j, "GET", "x")).startsWith("-BUSY Redis is busy running a script.");
            // FUNCTION KILL does not stop an EVAL script.
            assertThat(error(j, "FUNCTION", "KILL")).isEqualTo("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
            assertThat(error(j, "SCRIPT", "KILL")).isEqualTo("+OK");
            assertThat(eval.get(10, TimeUnit.SECONDS)).startsWith("-ERR Script killed by user with SCRIPT KILL...");
            assertThat(error(j, "PING")).isEqualTo("+PONG");
            assertThat(error(j, "SCRIPT", "KILL")).isEqualTo("-NOTBUSY No scripts in execution right now.");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aScriptThatWroteIsUnkillable(Kind k) throws Exception {
        // Runs about 600 ms past the threshold, then ends by itself.
        CompletableFuture<String> eval = async(k, "EVAL",
                "redis.call('set', KEYS[1], 'w') local t = redis.call('time') local s = t[1] * 1000000 + t[2] "
                        + "local n = 0 while true do n = n + 1 if n % 10000 == 0 then t = redis.call('time') "
                        + "if t[1] * 1000000 + t[2] - s > 700000 then break end end end return 'done'", "1", "busykey");
        try (Jedis j = jedis(k)) {
            awaitBusy(j);
            assertThat(error(j, "SCRIPT", "KILL")).startsWith("-UNKILLABLE Sorry the script already executed write commands against the dataset.");
            assertThat(eval.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(j.get("busykey")).isEqualTo("w");
            j.del("busykey");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void functionKillStopsABusyFcall(Kind k) throws Exception {
        try (Jedis j = jedis(k)) {
            j.functionLoad("#!lua name=busy\nredis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)");
        }
        CompletableFuture<String> fcall = async(k, "FCALL", "spin", "0");
        try (Jedis j = jedis(k)) {
            assertThat(awaitBusy(j)).isEqualTo("-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
            assertThat(error(j, "SCRIPT", "KILL")).isEqualTo("-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
            assertThat(error(j, "FUNCTION", "KILL")).isEqualTo("+OK");
            // Redis 7.0 words it so for functions too.
            assertThat(fcall.get(10, TimeUnit.SECONDS)).startsWith("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:");
            assertThat(error(j, "FUNCTION", "DELETE", "busy")).isEqualTo("+OK");
        }
    }
}
