package io.vermilion.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Issue 11 point 7, with real clients (Jedis, redis-cli, raw sockets for protected mode) against
 * a Vermilion node and a real redis-server 7.0 started with the same directives in the same test;
 * every behaviour is compared between the two (see docs/security.md):
 * <ul>
 * <li>with requirepass, every command both servers know is refused without AUTH with Redis's
 *     reply (NOAUTH, or the error that comes before it: unknown command, arity, DEBUG not
 *     allowed); the commands allowed without AUTH are derived from the no_auth flag of
 *     redis-server's COMMAND and must be the same set on Vermilion; AUTH, HELLO ... AUTH, RESET
 *     and QUIT work without it;</li>
 * <li>an ACL user denied a command, a key or a channel cannot reach it through MULTI/EXEC (also
 *     when the rules change between queueing and EXEC), EVAL/EVALSHA/FCALL (redis.call and
 *     redis.pcall), SORT ... BY/GET/STORE, MIGRATE or pub/sub (SUBSCRIBE, PSUBSCRIBE patterns
 *     compared literally, PUBLISH, SSUBSCRIBE, SPUBLISH, and subscribers disconnected when their
 *     channels are taken away); the NOPERM and script texts, the data left behind and ACL LOG
 *     equal Redis's;</li>
 * <li>protected mode refuses a client connecting through the machine's non-loopback address
 *     with the same -DENIED bytes, and stops doing so with a password or protected-mode no;</li>
 * <li>rename-command renames and removes commands as in Redis.</li>
 * </ul>
 */
class SecurityIT {
    private static final String PASS = "secret";
    private static final String STEAL = "return redis.call('set', 'secretkey', 'stolen')";
    private static ServerProcess redis;
    private static ServerProcess verm;
    private static String externalIp;

    @BeforeAll
    static void start() throws Exception {
        externalIp = externalIpv4();
        List<String> args = new ArrayList<>(List.of("--requirepass", PASS, "--rename-command", "keys", ""));
        if (externalIp != null) args.addAll(List.of("--bind", "127.0.0.1", externalIp));
        // A config file with a rename and a user, so that CONFIG REWRITE has users to write.
        String conf = "rename-command flushdb wipedb\nuser carl on >pw ~c* +get\n";
        redis = startWithConf(Kind.REDIS, conf, args);
        verm = startWithConf(Kind.VERMILION, conf, args);
    }

    private static ServerProcess startWithConf(Kind kind, String conf, List<String> args) throws Exception {
        int port = Ports.free();
        Path dir = Files.createTempDirectory("vermilion-it-security-" + kind.name().toLowerCase() + "-");
        Path file = dir.resolve("node.conf");
        Files.writeString(file, conf);
        return ServerProcess.start(kind, port, dir, file, args);
    }

    @AfterAll
    static void stop() {
        if (verm != null) verm.close();
        if (redis != null) redis.close();
    }

    /** Both servers get the same users and data before each test. */
    @BeforeEach
    void reset() {
        for (ServerProcess s : both()) {
            try (Jedis a = admin(s)) {
                call(a, "FLUSHALL");
                call(a, "ACL", "LOG", "RESET");
                call(a, "FUNCTION", "FLUSH");
                for (Object u : (List<?>) a.sendCommand(cmd("ACL"), "USERS")) {
                    String name = str(u);
                    if (!name.equals("default") && !name.equals("carl")) call(a, "ACL", "DELUSER", name);
                }
                // eve: every command but GET and FLUSHALL, keys e*, channels news.*
                call(a, "ACL", "SETUSER", "eve", "reset", "on", ">pw", "~e*", "&news.*", "+@all", "-get", "-flushall");
                // sam: keys s* read/write and r* read-only, no channels, no dangerous commands but SORT
                call(a, "ACL", "SETUSER", "sam", "reset", "on", ">pw", "~s*", "%R~r*", "resetchannels",
                        "+@all", "-@dangerous", "+sort");
                call(a, "SET", "secretkey", "topsecret");
                call(a, "SET", "ekey", "1");
                call(a, "RPUSH", "elist", "3", "1", "2");
                call(a, "RPUSH", "rlist", "3", "1", "2");
                call(a, "SET", "w_1", "10");
                call(a, "FUNCTION", "LOAD", "#!lua name=seclib\n"
                        + "redis.register_function('rd', function(keys, args) return redis.call('get', keys[1]) end)\n"
                        + "redis.register_function('wr', function(keys, args) return redis.call('set', args[1], 'x') end)\n"
                        + "redis.register_function{function_name='ro', callback=function(keys, args) "
                        + "return redis.call('exists', args[1]) end, flags={'no-writes'}}");
            }
        }
    }

    // ------------------------------------------------------------------ NOAUTH

    @Test
    void everyCommandWithoutAuthIsRefusedAsRedis() throws Exception {
        Map<String, Long> redisCmds = commandTable(redis);
        Map<String, Long> vermCmds = commandTable(verm);
        // The commands Redis lets through without AUTH, from its own COMMAND flags.
        TreeSet<String> redisNoAuth = noAuth(redis);
        assertThat(redisNoAuth).as("redis-server's no_auth commands").contains("auth", "hello");
        assertThat(noAuth(verm)).isEqualTo(redisNoAuth);
        List<String> common = new ArrayList<>(redisCmds.keySet());
        common.retainAll(vermCmds.keySet());
        assertThat(common.size()).as("commands both servers know").isGreaterThan(300);
        common.remove("quit"); // closes the connection; checked below
        int compared = 0;
        try (Jedis r = anon(redis); Jedis v = anon(verm)) {
            for (String name : common) {
                String[] parts = name.split("\\|");
                long arity = redisCmds.get(name);
                // Arguments that satisfy the arity, then one short of it (the arity error comes first).
                List<String> args = new ArrayList<>(List.of(parts));
                while (args.size() < Math.abs(arity)) args.add("x");
                List<List<String>> variants = new ArrayList<>();
                variants.add(args);
                if (args.size() > parts.length) variants.add(args.subList(0, args.size() - 1));
                for (List<String> a : variants) {
                    String rr = call(r, a.toArray(new String[0]));
                    String vr = call(v, a.toArray(new String[0]));
                    assertThat(vr).as("%s without AUTH", a).isEqualTo(rr);
                    // (COMMAND names flushdb by its original name; requests must say wipedb.)
                    if (a == args && !redisNoAuth.contains(parts[0]) && !name.equals("debug") && !name.equals("flushdb")) {
                        // (EXEC's refusals read "-EXECABORT Transaction discarded because of: NOAUTH ...")
                        assertThat(vr).as("%s without AUTH", a).endsWith("NOAUTH Authentication required.");
                    }
                    compared++;
                }
            }
            for (String[] a : new String[][] {{"nosuchcommand", "x"}, {"client", "nosuchsub"}, {"get"}, {"wipedb"}}) {
                assertThat(call(v, a)).as("%s", List.of(a)).isEqualTo(call(r, a));
            }
            // Still not authenticated after all that.
            assertThat(call(v, "PING")).isEqualTo("-NOAUTH Authentication required.").isEqualTo(call(r, "PING"));
        }
        assertThat(compared).isGreaterThan(500);
        // An HTTP request on the port (cross protocol scripting): closed without a word, as Redis.
        for (String http : List.of("POST / HTTP/1.1\r\nHost: x\r\n\r\n", "Host: x\r\nPING\r\n")) {
            assertThat(raw("127.0.0.1", verm, http)).isEqualTo(raw("127.0.0.1", redis, http)).isEmpty();
        }
        assertThat(verm.log()).contains("Possible SECURITY ATTACK detected.");
        // The same through redis-cli.
        for (ServerProcess s : both()) {
            assertThat(cli(s, "set", "k", "v")).isEqualTo(cli(redis, "set", "k", "v"))
                    .contains("NOAUTH Authentication required.");
        }
        assertThat(cli(verm, "-a", PASS, "--no-auth-warning", "set", "k", "v")).isEqualTo("OK\n");
        assertThat(cli(verm, "--user", "eve", "--pass", "bad", "--no-auth-warning", "ping"))
                .isEqualTo(cli(redis, "--user", "eve", "--pass", "bad", "--no-auth-warning", "ping"))
                .contains("WRONGPASS");
    }

    @Test
    void authHelloResetAndQuitWorkWithoutAuth() throws Exception {
        List<List<String>> script = List.of(
                List.of("HELLO", "3"),
                List.of("HELLO", "2", "AUTH", "default", "wrong"),
                List.of("HELLO", "2", "AUTH", "eve"),
                List.of("AUTH", "wrong"),
                List.of("AUTH", "eve", "wrong"),
                List.of("AUTH", "nosuchuser", "pw"),
                List.of("AUTH", "a", "b", "c"),
                List.of("RESET"),
                List.of("GET", "ekey"),
                List.of("AUTH", PASS),
                List.of("GET", "ekey"),
                List.of("RESET"),
                List.of("ACL", "WHOAMI"),
                List.of("AUTH", "eve", "pw"),
                List.of("ACL", "WHOAMI"),
                List.of("GET", "ekey"),
                List.of("QUIT"),
                List.of("PING"));
        assertThat(run(verm, null, script)).isEqualTo(run(redis, null, script));
        // HELLO ... AUTH authenticates and switches protocol in one go: Jedis with RESP3 and a user.
        for (ServerProcess s : both()) {
            DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3)
                    .user("eve").password("pw").clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                    .socketTimeoutMillis(10_000).build();
            try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", s.port()), cfg)) {
                assertThat(j.aclWhoAmI()).isEqualTo("eve");
                assertThat(j.set("ekey", "3")).isEqualTo("OK");
                assertThat(call(j, "GET", "ekey")).isEqualTo("-NOPERM this user has no permissions to run the 'get' command");
            }
        }
        List<String> hello = List.of("--user", "eve", "--pass", "pw", "--no-auth-warning", "-3", "acl", "whoami");
        assertThat(cli(verm, hello.toArray(new String[0]))).isEqualTo(cli(redis, hello.toArray(new String[0])))
                .isEqualTo("eve\n");
    }

    // ------------------------------------------------------------------ NOPERM everywhere

    @Test
    void deniedCommandsKeysAndChannelsStayDeniedThroughEveryPath() throws Exception {
        int target = Ports.free(); // nothing listens there
        List<List<String>> eve = List.of(
                // top level
                List.of("GET", "ekey"),
                List.of("SET", "secretkey", "stolen"),
                List.of("SET", "ekey", "2"),
                // MULTI / EXEC
                List.of("MULTI"), List.of("SET", "ekey", "3"), List.of("GET", "secretkey"), List.of("EXEC"),
                List.of("MULTI"), List.of("SET", "secretkey", "stolen"), List.of("EXEC"),
                List.of("MULTI"), List.of("PUBLISH", "secret", "x"), List.of("EXEC"),
                List.of("MULTI"), List.of("FLUSHALL"), List.of("EXEC"),
                List.of("MULTI"), List.of("SET", "ekey", "4"), List.of("INCR", "ekey"), List.of("EXEC"),
                // scripts: redis.call / redis.pcall run with the caller's user
                List.of("EVAL", "return redis.call('set', 'secretkey', 'stolen')", "0"),
                List.of("EVAL", "return redis.pcall('set', 'secretkey', 'stolen')", "0"),
                List.of("EVAL", "return redis.call('get', 'ekey')", "0"),
                List.of("EVAL", "return redis.call('flushall')", "0"),
                List.of("EVAL", "return redis.call('publish', 'secret', 'x')", "0"),
                List.of("EVAL", "return redis.call('publish', 'news.1', 'x')", "0"),
                List.of("EVAL", "return redis.call('sort', 'elist', 'get', 'secret*')", "0"),
                List.of("EVAL", "return redis.call('set', KEYS[1], 'stolen')", "1", "secretkey"),
                List.of("EVAL", "return redis.call('set', 'ekey', 'fromscript')", "0"),
                List.of("SCRIPT", "LOAD", STEAL),
                List.of("EVALSHA", sha1(STEAL), "0"),
                List.of("FCALL", "wr", "0", "secretkey"),
                List.of("FCALL", "wr", "0", "ekey2"),
                List.of("FCALL", "rd", "1", "ekey"),
                List.of("FCALL_RO", "ro", "0", "secretkey"),
                // SORT: BY/GET patterns need access to every key, STORE the destination
                List.of("SORT", "elist"),
                List.of("SORT", "elist", "GET", "secret*"),
                List.of("SORT", "elist", "BY", "secret*"),
                List.of("SORT", "elist", "BY", "nosort", "GET", "#"),
                List.of("SORT_RO", "elist", "GET", "e*"),
                List.of("SORT", "elist", "STORE", "secretdst"),
                List.of("SORT", "elist", "STORE", "edst"),
                // MIGRATE: every key it names
                List.of("MIGRATE", "127.0.0.1", Integer.toString(target), "secretkey", "0", "1000"),
                List.of("MIGRATE", "127.0.0.1", Integer.toString(target), "", "0", "1000", "KEYS", "ekey", "secretkey"),
                List.of("MIGRATE", "127.0.0.1", Integer.toString(target), "", "0", "1000", "COPY", "KEYS", "secretkey"),
                // pub/sub
                List.of("PUBLISH", "secret", "x"),
                List.of("PUBLISH", "news.1", "x"),
                List.of("SPUBLISH", "secret", "x"),
                List.of("PUBSUB", "NUMSUB", "secret"),
                List.of("SSUBSCRIBE", "secret"),
                List.of("PSUBSCRIBE", "*"),
                List.of("PSUBSCRIBE", "news.1*"),
                List.of("SUBSCRIBE", "news.1", "secret"),
                List.of("SUBSCRIBE", "secret"),
                List.of("PSUBSCRIBE", "news.*"),
                List.of("SUBSCRIBE", "news.2"));
        assertThat(run(verm, "eve", eve)).isEqualTo(run(redis, "eve", eve));
        List<List<String>> sam = List.of(
                List.of("GET", "ekey"),
                List.of("GET", "rlist"),
                List.of("LRANGE", "rlist", "0", "-1"),
                List.of("RPUSH", "rlist", "9"),
                List.of("SET", "skey", "v"),
                List.of("MULTI"), List.of("SET", "skey", "2"), List.of("LPUSH", "rlist", "0"), List.of("EXEC"),
                List.of("EVAL", "return redis.call('lpush', 'rlist', '0')", "0"),
                List.of("EVAL", "return redis.call('lrange', 'rlist', 0, -1)", "0"),
                List.of("EVAL", "return redis.call('publish', 'news.1', 'x')", "0"),
                List.of("SORT", "rlist"),
                List.of("SORT", "rlist", "STORE", "sdst"),
                List.of("SORT", "rlist", "STORE", "rdst"),
                List.of("SORT", "rlist", "BY", "w_*"),
                List.of("FLUSHALL"),
                List.of("MIGRATE", "127.0.0.1", Integer.toString(target), "rlist", "0", "1000"),
                List.of("PUBLISH", "news.1", "x"),
                List.of("SUBSCRIBE", "news.1"));
        assertThat(run(verm, "sam", sam)).isEqualTo(run(redis, "sam", sam));
        // Nothing denied happened: the data equal Redis's, and the protected keys are intact.
        for (String k : List.of("secretkey", "ekey", "ekey2", "edst", "secretdst", "skey", "sdst", "rdst")) {
            try (Jedis r = admin(redis); Jedis v = admin(verm)) {
                assertThat(call(v, "DUMP", k) == null ? null : call(v, "GET", k) + call(v, "LRANGE", k, "0", "-1"))
                        .as("key %s", k).isEqualTo(call(r, "DUMP", k) == null ? null
                                : call(r, "GET", k) + call(r, "LRANGE", k, "0", "-1"));
            }
        }
        try (Jedis v = admin(verm)) {
            assertThat(call(v, "GET", "secretkey")).isEqualTo("topsecret");
            assertThat(call(v, "LRANGE", "rlist", "0", "-1")).isEqualTo("[3, 1, 2]");
        }
        // ACL LOG: the same denials, with the same reason, context, object and user.
        assertThat(aclLog(verm)).isEqualTo(aclLog(redis)).hasSizeGreaterThan(20);
    }

    @Test
    void rulesChangedBetweenQueueingAndExec() throws Exception {
        Map<ServerProcess, List<String>> out = new LinkedHashMap<>();
        for (ServerProcess s : both()) {
            List<String> got = new ArrayList<>();
            try (Jedis e = user(s, "eve"); Jedis a = admin(s)) {
                got.add(call(e, "MULTI"));
                got.add(call(e, "SET", "ekey", "5"));
                got.add(call(e, "PUBLISH", "news.1", "x"));
                got.add(call(e, "EXEC"));
                got.add(call(e, "MULTI"));
                got.add(call(e, "SET", "ekey", "6"));
                got.add(call(a, "ACL", "SETUSER", "eve", "-set"));
                got.add(call(e, "EXEC"));
                got.add(call(e, "MULTI"));
                got.add(call(e, "INCR", "ekey"));
                got.add(call(a, "ACL", "SETUSER", "eve", "resetkeys", "~x*"));
                got.add(call(e, "EXEC"));
                got.add(call(a, "ACL", "SETUSER", "eve", "~e*"));
                got.add(call(e, "MULTI"));
                got.add(call(e, "PUBLISH", "news.1", "x"));
                got.add(call(a, "ACL", "SETUSER", "eve", "resetchannels"));
                got.add(call(e, "EXEC"));
                got.add(call(a, "GET", "ekey"));
            }
            got.addAll(aclLog(s));
            out.put(s, got);
        }
        assertThat(out.get(verm)).isEqualTo(out.get(redis));
        assertThat(out.get(verm).get(7)).startsWith("[-NOPERM ACLs rules changed between the moment the transaction "
                + "was accumulated and the EXEC call.");
    }

    @Test
    void subscribersLosingTheirChannelsAreDisconnected() throws Exception {
        Map<ServerProcess, List<String>> out = new LinkedHashMap<>();
        for (ServerProcess s : both()) {
            List<String> got = new ArrayList<>();
            try (Jedis a = admin(s); Jedis chan = user(s, "eve"); Jedis pat = user(s, "eve"); Jedis shard = user(s, "eve")) {
                got.add(call(chan, "SUBSCRIBE", "news.1"));
                got.add(call(pat, "PSUBSCRIBE", "news.*"));
                got.add(call(shard, "SSUBSCRIBE", "news.2"));
                // news.* literally kept: nobody goes
                got.add(call(a, "ACL", "SETUSER", "eve", "&news.1"));
                got.add(call(a, "PUBSUB", "NUMPAT"));
                // news.* taken away: the pattern subscriber and the shard subscriber of news.2 go
                got.add(call(a, "ACL", "SETUSER", "eve", "resetchannels", "&news.1"));
                got.add(call(a, "PUBLISH", "news.1", "hello"));
                got.add(read(chan));
                got.add(read(pat));
                got.add(read(shard));
                got.add(call(a, "PUBSUB", "NUMPAT"));
                got.add(call(a, "PUBSUB", "SHARDNUMSUB", "news.2"));
                got.add(call(a, "PUBSUB", "NUMSUB", "news.1"));
            }
            out.put(s, got);
        }
        assertThat(out.get(verm)).isEqualTo(out.get(redis));
        assertThat(out.get(verm).get(8)).isEqualTo("closed");
    }

    // ------------------------------------------------------------------ protected mode

    @Test
    void protectedModeRefusesNonLoopbackClientsAsRedis() throws Exception {
        assumeTrue(externalIp != null, "no non-loopback IPv4 address on this machine");
        try {
            for (ServerProcess s : both()) {
                try (Jedis a = admin(s)) {
                    // No password for the default user: protected mode applies.
                    assertThat(call(a, "CONFIG", "SET", "requirepass", "")).isEqualTo("OK");
                }
            }
            long[] before = {rejected(redis), rejected(verm)};
            byte[] r = rawExternal(redis, "PING\r\n");
            byte[] v = rawExternal(verm, "PING\r\n");
            assertThat(new String(r, StandardCharsets.ISO_8859_1)).startsWith("-DENIED Redis is running in protected mode");
            assertThat(v).isEqualTo(r);
            assertThat(rawExternal(verm, "")).isEqualTo(rawExternal(redis, ""));
            assertThat(cliAt(externalIp, verm, "ping")).isEqualTo(cliAt(externalIp, redis, "ping"));
            assertThat(rejected(redis) - before[0]).isEqualTo(3);
            assertThat(rejected(verm) - before[1]).isEqualTo(3);
            // Loopback clients are served.
            assertThat(cliAt("127.0.0.1", verm, "ping")).isEqualTo("PONG\n");
            // protected-mode no: served from outside too.
            for (ServerProcess s : both()) {
                try (Jedis a = anon(s)) {
                    assertThat(call(a, "CONFIG", "SET", "protected-mode", "no")).isEqualTo("OK");
                }
            }
            assertThat(rawExternal(verm, "PING\r\nQUIT\r\n")).isEqualTo(rawExternal(redis, "PING\r\nQUIT\r\n"))
                    .isEqualTo("+PONG\r\n+OK\r\n".getBytes(StandardCharsets.US_ASCII));
            for (ServerProcess s : both()) {
                try (Jedis a = anon(s)) {
                    assertThat(call(a, "CONFIG", "SET", "protected-mode", "yes")).isEqualTo("OK");
                    assertThat(call(a, "ACL", "SETUSER", "default", ">other")).isEqualTo("OK");
                }
            }
            // A password on the default user (here through ACL): not protected, AUTH asked for.
            assertThat(rawExternal(verm, "PING\r\nAUTH other\r\nPING\r\nQUIT\r\n"))
                    .isEqualTo(rawExternal(redis, "PING\r\nAUTH other\r\nPING\r\nQUIT\r\n"))
                    .isEqualTo("-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n+OK\r\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            for (ServerProcess s : both()) {
                try (Jedis a = new Jedis("127.0.0.1", s.port(), 10_000)) {
                    // whichever password is in force now
                    try {
                        a.auth("other");
                    } catch (JedisDataException e) {
                        // requirepass "" (no password) or already secret
                    }
                    a.sendCommand(cmd("CONFIG"), "SET", "requirepass", PASS);
                    a.sendCommand(cmd("CONFIG"), "SET", "protected-mode", "yes");
                }
            }
        }
    }

    // ------------------------------------------------------------------ rename-command

    @Test
    void renameCommandRenamesAndRemoves() throws Exception {
        List<List<String>> script = List.of(
                List.of("SELECT", "9"), List.of("SET", "a", "1"),
                List.of("FLUSHDB"), List.of("KEYS", "*"), List.of("DBSIZE"),
                List.of("WIPEDB"), List.of("DBSIZE"),
                List.of("COMMAND", "INFO", "flushdb", "keys"),
                List.of("COMMAND", "INFO", "wipedb"),
                List.of("COMMAND", "DOCS", "keys"),
                List.of("COMMAND", "LIST", "FILTERBY", "PATTERN", "key*"),
                List.of("COMMAND", "GETKEYS", "wipedb"),
                List.of("ACL", "DRYRUN", "default", "flushdb"),
                List.of("ACL", "DRYRUN", "default", "wipedb"),
                // ACL rules keep the original names
                List.of("ACL", "SETUSER", "renamer", "on", "nopass", "+flushdb", "+keys"),
                List.of("ACL", "DRYRUN", "renamer", "wipedb"),
                List.of("ACL", "GETUSER", "wipedb"),
                List.of("MULTI"), List.of("FLUSHDB"), List.of("EXEC"),
                List.of("EVAL", "return redis.call('flushdb')", "0"),
                List.of("EVAL", "return redis.call('keys', '*')", "0"));
        List<String> v = run(verm, "admin", script);
        assertThat(v).isEqualTo(run(redis, "admin", script));
        assertThat(v.get(2)).startsWith("-ERR unknown command 'FLUSHDB'");
        assertThat(v.get(5)).isEqualTo("OK");
    }

    @Test
    void configRewriteWritesTheUsers() throws Exception {
        // Redis's rewriteConfigUserOption: without an aclfile every user becomes a "user" line.
        Map<ServerProcess, List<String>> lines = new LinkedHashMap<>();
        for (ServerProcess s : both()) {
            try (Jedis a = admin(s)) {
                assertThat(call(a, "ACL", "SETUSER", "dora", "on", "#" + "a".repeat(64), "~d*", "&chan", "+@read", "-keys"))
                        .isEqualTo("OK");
                assertThat(call(a, "CONFIG", "REWRITE")).isEqualTo("OK");
            }
            List<String> users = new ArrayList<>();
            for (String l : Files.readAllLines(s.dir().resolve("node.conf"))) {
                // Command rules compared as a set: their order differs (see docs/security.md).
                if (l.startsWith("user ") || l.startsWith("rename-command")) users.add(new TreeSet<>(List.of(l.split(" "))).toString());
            }
            lines.put(s, users);
        }
        assertThat(lines.get(verm)).isEqualTo(lines.get(redis)).hasSize(6);
    }

    // ------------------------------------------------------------------ helpers

    private static List<ServerProcess> both() {
        return List.of(redis, verm);
    }

    /**
     * Runs the script on one connection, anonymous (who = null), as the admin ("admin") or as a
     * user, and returns the replies.
     */
    private static List<String> run(ServerProcess s, String who, List<List<String>> script) {
        List<String> out = new ArrayList<>();
        try (Jedis j = who == null ? anon(s) : who.equals("admin") ? admin(s) : user(s, who)) {
            for (List<String> c : script) out.add(call(j, c.toArray(new String[0])));
        }
        return out;
    }

    private static DefaultJedisClientConfig.Builder config() {
        return DefaultJedisClientConfig.builder().socketTimeoutMillis(10_000)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
    }

    static Jedis anon(ServerProcess s) {
        return new Jedis(new HostAndPort("127.0.0.1", s.port()), config().build());
    }

    static Jedis admin(ServerProcess s) {
        return new Jedis(new HostAndPort("127.0.0.1", s.port()), config().password(PASS).build());
    }

    static Jedis user(ServerProcess s, String user) {
        return new Jedis(new HostAndPort("127.0.0.1", s.port()), config().user(user).password("pw").build());
    }

    static ProtocolCommand cmd(String name) {
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        return () -> raw;
    }

    /** One command: its reply rendered as text, "-<message>" for an error, "closed" if the connection went away. */
    static String call(Jedis j, String... args) {
        try {
            Object r = j.sendCommand(cmd(args[0]), java.util.Arrays.copyOfRange(args, 1, args.length));
            return render(r);
        } catch (JedisDataException e) {
            return "-" + e.getMessage();
        } catch (JedisConnectionException e) {
            return "closed";
        }
    }

    /** The next push or reply on a subscribed connection, or "closed". */
    static String read(Jedis j) {
        try {
            return render(j.getConnection().getUnflushedObject());
        } catch (JedisConnectionException e) {
            return "closed";
        }
    }

    static String render(Object r) {
        if (r == null) return null;
        if (r instanceof JedisDataException e) return "-" + e.getMessage();
        if (r instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
        if (r instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) parts.add(render(o));
            return parts.toString();
        }
        return r.toString();
    }

    static String sha1(String script) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        for (byte b : d) sb.append(String.format("%02x", b));
        return sb.toString();
    }

    static String str(Object o) {
        return new String((byte[]) o, StandardCharsets.ISO_8859_1);
    }

    /** Name (with |subcommand) -> arity, from COMMAND. */
    private static Map<String, Long> commandTable(ServerProcess s) {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (Jedis a = admin(s)) {
            for (Object o : (List<?>) a.sendCommand(cmd("COMMAND"))) {
                List<?> d = (List<?>) o;
                List<?> subs = (List<?>) d.get(9);
                if (subs.isEmpty()) {
                    out.put(str(d.get(0)), (Long) d.get(1));
                } else {
                    for (Object so : subs) out.put(str(((List<?>) so).get(0)), (Long) ((List<?>) so).get(1));
                }
            }
        }
        return out;
    }

    /** The commands (and subcommands) COMMAND flags no_auth. */
    private static TreeSet<String> noAuth(ServerProcess s) {
        TreeSet<String> out = new TreeSet<>();
        try (Jedis a = admin(s)) {
            for (Object o : (List<?>) a.sendCommand(cmd("COMMAND"))) {
                List<Object> all = new ArrayList<>(List.of(o));
                all.addAll((List<?>) ((List<?>) o).get(9));
                for (Object e : all) {
                    List<?> d = (List<?>) e;
                    for (Object f : (List<?>) d.get(2)) if (str(f).equals("no_auth")) out.add(str(d.get(0)));
                }
            }
        }
        return out;
    }

    /** ACL LOG as (reason, context, object, username, count) lines, newest first. */
    private static List<String> aclLog(ServerProcess s) {
        List<String> out = new ArrayList<>();
        try (Jedis a = admin(s)) {
            for (Object o : (List<?>) a.sendCommand(cmd("ACL"), "LOG", "1000")) {
                List<?> e = (List<?>) o;
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 0; i + 1 < e.size(); i += 2) m.put(str(e.get(i)), render(e.get(i + 1)));
                out.add(m.get("reason") + " " + m.get("context") + " " + m.get("object") + " " + m.get("username")
                        + " " + m.get("count"));
            }
        }
        return out;
    }

    /** INFO stats rejected_connections (asked while the default user has no password). */
    private static long rejected(ServerProcess s) {
        try (Jedis a = anon(s)) {
            for (String l : a.info("stats").split("\r?\n")) {
                if (l.startsWith("rejected_connections:")) return Long.parseLong(l.substring(21).trim());
            }
        }
        throw new AssertionError("no rejected_connections on " + s.kind());
    }

    /** Connects through the non-loopback address, sends the bytes and reads until the server closes. */
    private static byte[] rawExternal(ServerProcess s, String send) throws IOException {
        return raw(externalIp, s, send);
    }

    private static byte[] raw(String host, ServerProcess s, String send) throws IOException {
        try (Socket sock = new Socket()) {
            sock.connect(new InetSocketAddress(host, s.port()), 5000);
            sock.setSoTimeout(5000);
            if (!send.isEmpty()) sock.getOutputStream().write(send.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = sock.getInputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
            } catch (SocketTimeoutException e) {
                out.write("<still open>".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // reset after the reply: what came is what counts
            }
            return out.toByteArray();
        }
    }

    private static String externalIpv4() throws IOException {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) continue;
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) return a.getHostAddress();
            }
        }
        return null;
    }

    /** redis-cli against 127.0.0.1 without a password; output (stdout and stderr). */
    static String cli(ServerProcess s, String... args) throws Exception {
        return cliAt("127.0.0.1", s, args);
    }

    static String cliAt(String host, ServerProcess s, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", host, "-p", Integer.toString(s.port())));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("security-it-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
