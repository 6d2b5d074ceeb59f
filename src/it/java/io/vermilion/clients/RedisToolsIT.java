package io.vermilion.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real redis-cli and redis-benchmark (Debian's redis-tools) against a Vermilion node. */
class RedisToolsIT {
    private static ServerProcess node;

    @BeforeAll
    static void start() throws IOException {
        node = ServerProcess.vermilion();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }

    static String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(node.port())));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(new String[0]));
    }

    @Test
    void redisCliOneShot() throws Exception {
        assertThat(cli("ping")).isEqualTo("PONG\n");
        assertThat(cli("set", "k", "hello world")).isEqualTo("OK\n");
        assertThat(cli("get", "k")).isEqualTo("hello world\n");
        assertThat(cli("--no-raw", "get", "k")).isEqualTo("\"hello world\"\n");
        assertThat(cli("--no-raw", "get", "missing")).isEqualTo("(nil)\n");
        assertThat(cli("--no-raw", "incr", "n")).isEqualTo("(integer) 1\n");
        assertThat(cli("--no-raw", "mget", "k", "missing")).isEqualTo("1) \"hello world\"\n2) (nil)\n");
        assertThat(cli("--no-raw", "nosuch")).isEqualTo("(error) ERR unknown command 'nosuch', with args beginning with: \n");
    }

    @Test
    void redisBenchmarkStandardTests() throws Exception {
        String out = run("redis-benchmark", "-p", Integer.toString(node.port()), "-n", "20000", "-c", "20",
                "-t", "ping,set,get,incr,mset", "-q");
        for (String test : List.of("PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)")) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(test) + ": ([0-9.]+) requests per second").matcher(out);
            assertThat(m.find()).as("%s in output:%n%s", test, out).isTrue();
            assertThat(Double.parseDouble(m.group(1))).as(test).isGreaterThan(0);
        }
        assertThat(out).doesNotContain("ERR").doesNotContain("WARNING");
    }
}
