package io.vermilion.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSetTest {
    @TempDir
    Path tmp;

    private static String setError(Config c, String... pairs) {
        return setError(c, false, pairs);
    }

    private static String setError(Config c, boolean local, String... pairs) {
        try {
            c.set(List.of(pairs), local);
        } catch (ConfigException e) {
            assertThat(e.kind()).isEqualTo(ConfigException.Kind.REPLY);
            return e.getMessage();
        }
        throw new AssertionError("CONFIG SET " + String.join(" ", pairs) + " should fail");
    }

    private static String failed(String name, String why) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why;
    }

    @Test
    void errorTexts() {
        Config c = Config.defaults();
        assertThat(setError(c, "foo", "1")).isEqualTo("ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
        assertThat(setError(c, "port", "abc")).isEqualTo(failed("port", "argument couldn't be parsed into an integer"));
        assertThat(setError(c, "DAEMONIZE", "yes")).isEqualTo(failed("DAEMONIZE", "can't set immutable config"));
        assertThat(setError(c, "dbfilename", "x.rdb")).isEqualTo(failed("dbfilename", "can't set protected config"));
        assertThat(setError(c, "maxmemory", "-1")).isEqualTo(failed("maxmemory", "argument must be a memory value"));
        assertThat(setError(c, "protected-mode", "maybe")).isEqualTo(failed("protected-mode", "argument must be 'yes' or 'no'"));
        assertThat(setError(c, "maxclients", "-1"))
                .isEqualTo(failed("maxclients", "argument must be between 1 and 4294967295 inclusive"));
        assertThat(setError(c, "slowlog-max-len", "-1"))
                .isEqualTo(failed("slowlog-max-len", "argument must be between 0 and 9223372036854775807 inclusive"));
        assertThat(setError(c, "maxmemory-policy", "LRU")).isEqualTo(failed("maxmemory-policy",
                "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
                        + "allkeys-lru, allkeys-lfu, allkeys-random, noeviction"));
        assertThat(setError(c, "save", "10")).isEqualTo(failed("save", "Invalid save parameters"));
        assertThat(setError(c, "save", "100  1")).isEqualTo(failed("save", "Invalid save parameters"));
        assertThat(setError(c, "slaveof", "no one")).isEqualTo(failed("slaveof", "can't set immutable config"));
        assertThat(setError(c, "port", "1", "port", "2")).isEqualTo(failed("port", "duplicate parameter"));
        assertThat(setError(c, "timeout", "5", "PORT", "abc"))
                .isEqualTo(failed("port", "argument couldn't be parsed into an integer"));
        assertThat(setError(c, "save", "10", "1", "20"))
                .isEqualTo("ERR Unknown option or number of arguments for CONFIG SET - '1'");
        assertThat(setError(c, "timeout", "5", "port")).isEqualTo("ERR syntax error");
        assertThat(setError(c, "maxmemory-clients", "200%"))
                .isEqualTo(failed("maxmemory-clients", "percentage argument must be less or equal to 100"));
        assertThat(setError(c, "slave-read-only", "maybe"))
                .isEqualTo(failed("slave-read-only", "argument must be 'yes' or 'no'"));
    }

    @Test
    void firstProblemInArgumentOrderWins() {
        Config c = Config.defaults();
        assertThat(setError(c, "timeout", "5", "daemonize", "yes", "foo", "1"))
                .isEqualTo(failed("daemonize", "can't set immutable config"));
        assertThat(setError(c, "timeout", "5", "foo", "1", "daemonize", "yes"))
                .isEqualTo("ERR Unknown option or number of arguments for CONFIG SET - 'foo'");
        assertThat(c.get("timeout")).isEqualTo("0");
    }

    @Test
    void allOrNothing() throws Exception {
        Config c = Config.defaults();
        assertThat(setError(c, "lfu-log-factor", "3", "save", "1 1", "timeout", "abc"))
                .isEqualTo(failed("timeout", "argument couldn't be parsed into an integer"));
        assertThat(c.get("lfu-log-factor")).isEqualTo("10");
        assertThat(c.get("save")).isEqualTo("3600 1 300 100 60 10000");

        c.set(List.of("lfu-log-factor", "3", "save", "1 1 2 2", "maxmemory", "5GB", "bind", "127.0.0.1 -::1"));
        assertThat(c.getMatching(List.of("lfu-log-factor", "save", "maxmemory", "bind"))).containsExactly(
                "bind", "127.0.0.1 -::1", "lfu-log-factor", "3", "maxmemory", "5368709120", "save", "1 1 2 2");
    }

    @Test
    void specialValues() throws Exception {
        Config c = Config.defaults();
        c.set(List.of("save", ""));
        assertThat(c.get("save")).isEmpty();
        c.set(List.of("hz", "0"));
        assertThat(c.get("hz")).isEqualTo("1");
        c.set(List.of("hz", "1000"));
        assertThat(c.get("hz")).isEqualTo("500");
        c.set(List.of("notify-keyspace-events", "KEA"));
        assertThat(c.get("notify-keyspace-events")).isEqualTo("AKE");
        c.set(List.of("maxmemory", "99999999999999999999999"));
        assertThat(c.get("maxmemory")).isEqualTo("18446744073709551615");
        c.set(List.of("shutdown-on-sigint", "now save force"));
        assertThat(c.get("shutdown-on-sigint")).isEqualTo("save now force");
        c.set(List.of("oom-score-adj", "relative"));
        assertThat(c.get("oom-score-adj")).isEqualTo("yes");
        c.set(List.of("client-output-buffer-limit", "replica 1mb 2k 10 pubsub 1 1 1"));
        assertThat(c.get("client-output-buffer-limit")).isEqualTo("normal 0 0 0 slave 1048576 2000 10 pubsub 1 1 1");
        c.set(List.of("latency-tracking-info-percentiles", "1.5 99.99 0"));
        assertThat(c.get("latency-tracking-info-percentiles")).isEqualTo("1.5 99.99 0");
        c.set(List.of("loglevel", "WARNING"));
        assertThat(c.get("loglevel")).isEqualTo("warning");
        c.set(List.of("requirepass", "s3cret", "masterauth", ""));
        assertThat(c.get("requirepass")).isEqualTo("s3cret");
        assertThat(c.isSensitive("requirepass")).isTrue();
    }

    @Test
    void protectedConfigsFollowEnableProtectedConfigs() throws Exception {
        Config local = Config.load(null, List.of("--enable-protected-configs", "local"));
        assertThat(setError(local, false, "dir", tmp.toString())).isEqualTo(failed("dir", "can't set protected config"));
        local.set(List.of("dir", tmp.toString(), "dbfilename", "x.rdb"), true);
        assertThat(local.get("dir")).isEqualTo(tmp.toRealPath().toString());
        assertThat(local.resolve(local.get("dbfilename"))).isEqualTo(tmp.toRealPath().resolve("x.rdb"));
        assertThat(setError(local, true, "dir", tmp.resolve("nope").toString()))
                .isEqualTo(failed("dir", "No such file or directory"));
        assertThat(setError(local, true, "dbfilename", "a/b"))
                .isEqualTo(failed("dbfilename", "dbfilename can't be a path, just a filename"));

        Config yes = Config.load(null, List.of("--enable-protected-configs", "yes"));
        yes.set(List.of("dir", tmp.toString()));
        assertThat(yes.dir()).isEqualTo(tmp.toRealPath());
    }

    @Test
    void loadingRefusesSomeConfigs() throws Exception {
        Config c = Config.defaults();
        AtomicBoolean loading = new AtomicBoolean(true);
        c.setLoadingProbe(loading::get);
        assertThat(setError(c, "appendonly", "yes")).isEqualTo("LOADING Redis is loading the dataset in memory");
        c.set(List.of("timeout", "5"));
        loading.set(false);
        c.set(List.of("appendonly", "yes"));
        assertThat(c.getBool("appendonly")).isTrue();
    }

    @Test
    void listenersRunForChangedValuesAndCanVeto() throws Exception {
        Config c = Config.defaults();
        List<String> seen = new ArrayList<>();
        c.addListener("slave-read-only", v -> seen.add("ro=" + v));
        c.addListener("port", v -> {
            if (v.equals("1")) throw new IllegalStateException("Unable to listen on this port. Check server logs.");
            seen.add("port=" + v);
        });
        c.set(List.of("replica-read-only", "no"));
        c.set(List.of("replica-read-only", "no")); // unchanged: no call
        assertThat(seen).containsExactly("ro=no");

        seen.clear();
        assertThat(setError(c, "replica-read-only", "yes", "port", "1"))
                .isEqualTo(failed("port", "Unable to listen on this port. Check server logs."));
        // Rolled back, and the listeners that ran (the vetoing one too) were told the restored values.
        assertThat(c.get("replica-read-only")).isEqualTo("no");
        assertThat(c.get("port")).isEqualTo("6379");
        assertThat(seen).containsExactly("ro=yes", "ro=no", "port=6379");
    }

    @Test
    void configGetPatternsAliasesAndHiddenDirectives() {
        Config c = Config.defaults();
        assertThat(c.getMatching("PORT")).containsExactly("PORT", "6379");
        assertThat(c.getMatching(List.of("port", "PORT", "port"))).containsExactly("port", "6379");
        assertThat(c.getMatching("slaveof")).containsExactly("slaveof", "");
        assertThat(c.getMatching("*-ziplist-*")).containsExactly("hash-max-ziplist-entries", "512",
                "hash-max-ziplist-value", "64", "list-max-ziplist-size", "-2", "zset-max-ziplist-entries", "128",
                "zset-max-ziplist-value", "64");
        assertThat(c.getMatching("watchdog*")).isEmpty();
        assertThat(c.getMatching("watchdog-period")).containsExactly("watchdog-period", "0");
        assertThat(c.getMatching("nonexistent")).isEmpty();
        assertThat(c.getMatching("[pq]ort")).containsExactly("port", "6379");
        assertThat(c.getMatching("*")).hasSize(2 * 192); // Redis 7.0.15 built with TLS: 172 + 20 tls-*
        assertThat(c.getMatching("save")).containsExactly("save", "3600 1 300 100 60 10000");
        assertThat(c.getMatching("bind")).containsExactly("bind", "* -::*");
    }

    @Test
    void immutability() {
        Config c = Config.defaults();
        for (String n : List.of("daemonize", "databases", "cluster-enabled", "cluster-config-file", "cluster-port",
                "pidfile", "logfile", "appendfilename", "appenddirname", "enable-debug-command", "io-threads",
                "replicaof", "slaveof", "tcp-backlog", "supervised", "unixsocket")) {
            assertThat(c.isImmutable(n)).as(n).isTrue();
        }
        for (String n : List.of("port", "maxmemory", "save", "bind", "cluster-node-timeout", "appendonly", "dir")) {
            assertThat(c.isImmutable(n)).as(n).isFalse();
        }
        assertThat(c.isProtected("dir")).isTrue();
        assertThat(c.isProtected("dbfilename")).isTrue();
    }
}
