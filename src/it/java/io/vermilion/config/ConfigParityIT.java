package io.vermilion.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Compares Config with the real redis-server 7.0 (the oracle): CONFIG GET values, CONFIG SET
 * error texts and the fatal errors printed for bad configurations.
 */
class ConfigParityIT {
    /** Directives compared one by one (names, aliases and patterns, as a client would ask). */
    private static final List<String> DIRECTIVES = List.of(
            "port", "bind", "protected-mode", "requirepass", "dir", "dbfilename", "pidfile", "logfile", "loglevel",
            "daemonize", "databases", "maxclients", "timeout", "tcp-keepalive", "tcp-backlog", "proto-max-bulk-len",
            "client-query-buffer-limit", "enable-debug-command", "enable-protected-configs", "enable-module-command",
            "hz", "maxmemory", "maxmemory-policy", "lfu-log-factor", "lfu-decay-time", "slowlog-log-slower-than",
            "slowlog-max-len", "latency-monitor-threshold", "notify-keyspace-events", "appendonly", "appendfsync",
            "appendfilename", "appenddirname", "aof-use-rdb-preamble", "aof-load-truncated",
            "auto-aof-rewrite-percentage", "auto-aof-rewrite-min-size", "no-appendfsync-on-rewrite", "save",
            "rdbcompression", "rdbchecksum", "stop-writes-on-bgsave-error", "cluster-*", "replicaof", "slaveof",
            "masterauth", "masteruser", "replica-read-only", "slave-read-only", "repl-backlog-size", "repl-timeout",
            "min-replicas-to-write", "io-threads", "always-show-logo", "set-proc-title", "supervised", "lazyfree-*",
            "activerehashing", "activedefrag", "jemalloc-bg-thread", "list-*", "hash-*", "set-*", "zset-*",
            "active-expire-effort", "latency-tracking", "client-output-buffer-limit", "SLAVEOF", "*max*memory*");

    /**
     * Directives whose value on the test server differs from Config.defaults() only because
     * ServerProcess starts it with {@code --port --bind 127.0.0.1 --dir <tmp> --save ""}; for
     * them the test compares with a Config loaded from those same arguments instead.
     */
    private static final Set<String> SET_BY_TEST_HARNESS = Set.of("port", "bind", "dir", "save");

    private static ServerProcess redis;
    private static Jedis jedis;
    private static Config sameArgs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = ServerProcess.redis();
        jedis = new Jedis("127.0.0.1", redis.port(), 30_000);
        // What ServerProcess passes to redis-server.
        sameArgs = Config.load(null, List.of("--port", Integer.toString(redis.port()), "--bind", "127.0.0.1",
                "--dir", redis.dir().toString(), "--save", "", "--appendonly", "no"));
    }

    @AfterAll
    static void stopRedis() {
        if (jedis != null) jedis.close();
        if (redis != null) redis.close();
    }

    private static Map<String, String> pairs(List<String> flat) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < flat.size(); i += 2) m.put(flat.get(i), flat.get(i + 1));
        return m;
    }

    @Test
    void configGetMatchesRealRedisForSharedDirectives() {
        Config defaults = Config.defaults();
        for (String name : DIRECTIVES) {
            Map<String, String> real = new TreeMap<>(jedis.configGet(name));
            assertThat(real).as("redis knows " + name).isNotEmpty();
            Config expected = SET_BY_TEST_HARNESS.contains(name) ? sameArgs : defaults;
            assertThat(pairs(expected.getMatching(name))).as("CONFIG GET " + name).isEqualTo(real);
        }
        // The harness-set ones really do differ from the defaults only by those arguments.
        assertThat(defaults.get("bind")).isEqualTo("* -::*");
        assertThat(defaults.get("save")).isEqualTo("3600 1 300 100 60 10000");
        assertThat(defaults.get("port")).isEqualTo("6379");
    }

    @Test
    void configGetStarMatches() {
        Map<String, String> real = new TreeMap<>(jedis.configGet("*"));
        assertThat(pairs(sameArgs.getMatching("*"))).isEqualTo(real);
    }

    @Test
    void configSetErrorTextsMatch() throws Exception {
        // A server of its own: CONFIG SET must not disturb the GET comparisons.
        try (ServerProcess own = ServerProcess.redis(); Jedis client = new Jedis("127.0.0.1", own.port(), 30_000)) {
            compareSetErrors(client);
        }
    }

    private static void compareSetErrors(Jedis client) throws Exception {
        List<List<String>> attempts = List.of(
                List.of("foo", "1"), List.of("port", "abc"), List.of("daemonize", "yes"), List.of("maxmemory", "-1"),
                List.of("maxmemory", "1.5gb"), List.of("protected-mode", "maybe"), List.of("loglevel", "loud"),
                List.of("port", "70000"), List.of("maxclients", "-1"), List.of("slowlog-max-len", "-1"),
                List.of("port", "1", "port", "2"), List.of("port", "1", "foo", "2"),
                List.of("timeout", "5", "PORT", "abc"), List.of("dbfilename", "x.rdb"), List.of("dir", "/tmp"),
                List.of("appendfilename", "x"), List.of("save", "10"), List.of("save", "10 x"),
                List.of("save", "100  1"), List.of("replicaof", "no one"), List.of("slaveof", "a b"),
                List.of("enable-debug-command", "yes"), List.of("notify-keyspace-events", "Q"),
                List.of("cluster-announce-hostname", "a_b"), List.of("maxmemory-clients", "200%"),
                List.of("maxmemory-clients", "-5"), List.of("save", "10", "1", "20"), List.of("cluster-enabled", "yes"),
                List.of("client-output-buffer-limit", "normal 1 2"), List.of("appendfsync", "sometimes"),
                List.of("latency-tracking-info-percentiles", "50 101"), List.of("repl-backlog-size", "0"),
                List.of("shutdown-on-sigint", "save nosave"), List.of("io-threads", "4"),
                List.of("maxmemory-policy", "LRU"), List.of("timeout", "010"), List.of("timeout", "+5"),
                List.of("oom-score-adj-values", "1 2"), List.of("proc-title-template", "{foo}"),
                List.of("timeout", "5", "daemonize", "yes", "foo", "1"), List.of("cluster-port", "1"),
                List.of("proto-max-bulk-len", "1k"), List.of("client-query-buffer-limit", "99999999999999999999999"));
        Config ours = Config.defaults();
        for (List<String> args : attempts) {
            String real = realSetError(client, args);
            String mine;
            try {
                ours.set(args);
                mine = "OK";
            } catch (ConfigException e) {
                mine = e.getMessage();
            }
            assertThat(mine).as("CONFIG SET " + args).isEqualTo(real);
        }
    }

    @Test
    void successfulConfigSetsGiveTheSameValues() throws Exception {
        try (ServerProcess own = ServerProcess.redis(); Jedis client = new Jedis("127.0.0.1", own.port(), 30_000)) {
            compareSuccessfulSets(client);
        }
    }

    private static void compareSuccessfulSets(Jedis client) throws Exception {
        Config ours = Config.defaults();
        Map<String, String> sets = new LinkedHashMap<>();
        sets.put("maxmemory", "5GB");
        sets.put("hz", "1000");
        sets.put("notify-keyspace-events", "KEA");
        sets.put("save", "100 1 200 2");
        sets.put("slave-read-only", "no");
        sets.put("maxmemory-clients", "10%");
        sets.put("client-output-buffer-limit", "replica 1mb 2k 10");
        sets.put("latency-tracking-info-percentiles", "1.5 99.99 0");
        sets.put("loglevel", "WARNING");
        sets.put("cluster-node-timeout", "5000");
        sets.put("lua-time-limit", "100");
        sets.put("hash-max-ziplist-value", "1kb");
        for (Map.Entry<String, String> e : sets.entrySet()) {
            assertThat(realSetError(client, List.of(e.getKey(), e.getValue()))).isEqualTo("OK");
            ours.set(List.of(e.getKey(), e.getValue()));
        }
        for (String name : sets.keySet()) {
            assertThat(pairs(ours.getMatching(name))).as(name).isEqualTo(new TreeMap<>(client.configGet(name)));
        }
    }

    private static String realSetError(Jedis client, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("SET");
        cmd.addAll(args);
        try {
            Object r = client.sendCommand(Protocol.Command.CONFIG, cmd.toArray(new String[0]));
            return new String((byte[]) r, StandardCharsets.UTF_8);
        } catch (JedisDataException e) {
            return e.getMessage();
        }
    }

    @Test
    void fatalConfigErrorsMatch() throws Exception {
        Path seed = tmp.resolve("7001.conf");
        Files.writeString(seed, "port 7001\ncluster-enabled yes\ncluster-config-file nodes-7001.conf\n"
                + "cluster-node-timeout 5000\nappendonly yes\npidfile /var/run/redis_7001.pid\n"
                + "dbfilename dump-7001.rdb\nenable-debug-command local\n");
        Path bad = tmp.resolve("bad.conf");
        Files.writeString(bad, "port 1\n  foo bar\nhz 5\n");
        Path quotes = tmp.resolve("quotes.conf");
        Files.writeString(quotes, "# c\n\nrequirepass \"abc\"x\n");
        List<List<String>> cases = List.of(
                List.of("--port", "abc"),
                List.of(bad.toString()),
                List.of(quotes.toString()),
                List.of(seed.toString(), "--port", "2", "--maxmemory", "1.5gb"),
                List.of(seed.toString(), "--replicaof", "127.0.0.1", "6380"),
                List.of("--save", "1"),
                List.of("--loglevel", "loud"),
                List.of("--hz"),
                List.of("--logfile", tmp.resolve("no/such/dir/x.log").toString()));
        for (List<String> args : cases) {
            String real = runRedisExpectingFailure(args).replace("Redis 7.0.15", Config.BANNER);
            String mine;
            try {
                Config.fromCommandLine(args);
                mine = "(loaded)";
            } catch (ConfigException e) {
                assertThat(e.kind()).isEqualTo(ConfigException.Kind.FATAL);
                mine = e.getMessage() + "\n";
            }
            assertThat(mine).as("redis-server " + args).isEqualTo(real);
        }
    }

    /** Runs redis-server with a bad configuration and returns what it wrote to stderr. */
    private String runRedisExpectingFailure(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ServerProcess.redisServerBinary());
        cmd.addAll(args);
        Path err = tmp.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectError(err.toFile())
                .redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("redis-server " + args + " did not exit");
        }
        assertThat(p.exitValue()).as("exit status of redis-server " + args).isEqualTo(1);
        return Files.readString(err);
    }
}
