package io.vermilion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.vermilion.client.RespConnection;
import io.vermilion.it.support.CliOutput;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * vermilion-cli against the real redis-cli 7.0, both talking to the same real redis-server: every
 * case is run through both, from the same data set, and stdout and the exit status must be
 * byte-for-byte identical (stderr too where the case says so).
 *
 * <p>stdout is a file here, so the default is raw output for both, as on any pipe; terminal
 * formatting is compared with {@code --no-raw} (and once with redis-cli's {@code FAKETTY}).
 */
class CliParityIT {
    private static ServerProcess redis;
    private static RespConnection admin;
    private static int port;

    /** One comparison: data to create first, the CLI arguments, optional stdin and environment. */
    record Case(String name, List<String[]> setup, List<String> args, byte[] stdin, Map<String, String> env,
                boolean compareStderr, UnaryOperator<String> normalize) {
        Case withArgsPrefix(String... prefix) {
            List<String> a = new ArrayList<>(List.of(prefix));
            a.addAll(args);
            return new Case(name + " " + String.join(" ", prefix), setup, a, stdin, env, compareStderr, normalize);
        }
    }

    @BeforeAll
    static void startServer() throws IOException {
        redis = ServerProcess.redis("--enable-debug-command", "yes");
        port = redis.port();
        admin = RespConnection.connect("127.0.0.1", port, 5000, 10_000);
        admin.callChecked("ACL", "SETUSER", "alice", "on", ">secret", "~*", "&*", "+@all");
    }

    @AfterAll
    static void stopServer() {
        if (admin != null) admin.close();
        if (redis != null) redis.close();
    }

    // ---------------------------------------------------------------- the cases

    private static final String[] LIST = {"RPUSH", "l", "a", "b", "c"};
    private static final String[] HASH = {"HSET", "h", "f1", "v1", "f2", "v2"};
    private static final String[] ZSET = {"ZADD", "z", "1", "a", "2.5", "b"};
    private static final String[] SET = {"SADD", "s", "x", "y", "z"};
    private static final String[] STR = {"SET", "k", "v"};
    private static final String[] NUM = {"SET", "n", "10"};
    private static final String[] STREAM = {"XADD", "st", "1-1", "f", "v", "g", "w"};
    private static final String[] GEO = {"GEOADD", "g", "13.361389", "38.115556", "Palermo"};

    /** HELLO's "id" is the connection id, different for every run. */
    private static final UnaryOperator<String> MASK_ID =
            s -> s.replaceAll("(\"?id\"?(?: => | |\\n|\\n\\s*\\d+\\) )(?:\\(integer\\) )?)\\d+", "$1<id>");

    /** One-shot commands run in every output mode. */
    static List<Case> commandCases() {
        List<Case> c = new ArrayList<>();
        c.add(cmd("ping"));
        c.add(cmd("echo", "hello world"));
        c.add(cmd("set", "k", "v"));
        c.add(cmd(setup(STR), "get", "k"));
        c.add(cmd("get", "missing"));
        c.add(cmd(setup(NUM), "incr", "n"));
        c.add(cmd(setup(NUM), "incrbyfloat", "n", "1.5"));
        c.add(cmd(setup(STR), "del", "k", "missing"));
        c.add(cmd(setup(STR), "exists", "k", "k", "missing"));
        c.add(cmd("mset", "a", "1", "b", "2"));
        c.add(cmd(setup(new String[] {"MSET", "a", "1", "b", "2"}), "mget", "a", "missing", "b"));
        c.add(cmd("rpush", "l", "a", "b", "c"));
        c.add(cmd(setup(LIST), "lrange", "l", "0", "-1"));
        c.add(cmd("lrange", "nolist", "0", "-1"));
        c.add(cmd(setup(LIST), "lpop", "l", "2"));
        c.add(cmd("lpop", "nolist"));
        c.add(cmd(setup(HASH), "hgetall", "h"));
        c.add(cmd("hgetall", "nohash"));
        c.add(cmd(setup(HASH), "hmget", "h", "f1", "nofield", "f2"));
        c.add(cmd(setup(SET), "smembers", "s"));
        c.add(cmd(setup(SET), "sismember", "s", "x"));
        c.add(cmd(setup(ZSET), "zrange", "z", "0", "-1", "withscores"));
        c.add(cmd(setup(ZSET), "zscore", "z", "b"));
        c.add(cmd(setup(LIST), "type", "l"));
        c.add(cmd(setup(STR), "ttl", "k"));
        c.add(cmd(setup(LIST), "object", "encoding", "l"));
        c.add(cmd("config", "get", "*max*"));
        c.add(cmd("config", "get", "maxmemory"));
        c.add(cmd("command", "info", "get"));
        c.add(cmd("command", "info", "get", "set", "nosuchcommand"));
        c.add(cmd("command", "getkeys", "set", "k", "v"));
        c.add(cmd("command", "docs", "get"));
        c.add(new Case("hello 3", List.of(), List.of("hello", "3"), null, Map.of(), false, MASK_ID));
        c.add(new Case("hello 2", List.of(), List.of("hello", "2"), null, Map.of(), false, MASK_ID));
        c.add(cmd("foo", "bar"));
        c.add(cmd("get"));
        c.add(cmd(setup(new String[] {"SET", "k", "abc"}), "incr", "k"));
        c.add(cmd(setup(STR), "lpush", "k", "x"));
        c.add(cmd("exec"));
        c.add(cmd(setup(STREAM), "xrange", "st", "-", "+"));
        c.add(cmd(setup(GEO), "geopos", "g", "Palermo", "Nowhere"));
        c.add(cmd(setup(GEO), "geodist", "g", "Palermo", "Palermo"));
        c.add(cmd("eval", "return {1, 'two', {3, {}, 'x'}, {err='inner error'}}", "0"));
        c.add(cmd("eval", "return redis.error_reply('MYERR custom')", "0"));
        c.add(cmd("eval", "return {1,2,3,4,5,6,7,8,9,10,{11,12}}", "0"));
        c.add(cmd("eval", "return 3.99", "0"));
        c.add(cmd("set", "utf8", "h\u00e9llo \u2603"));
        c.add(cmd(setup(new String[] {"SET", "utf8", "h\u00e9llo \u2603"}), "get", "utf8"));
        c.add(cmd(setup(new String[] {"SET", "q", "quote\" back\\slash\ttab\r\nnl"}), "get", "q"));
        c.add(cmd(setup(STR), "info", "keyspace"));
        c.add(cmd(setup(STR, LIST), "scan", "0"));
        c.add(cmd(setup(STR), "dbsize"));
        c.add(cmd("debug", "protocol", "map"));
        c.add(cmd("debug", "protocol", "set"));
        c.add(cmd("debug", "protocol", "double"));
        c.add(cmd("debug", "protocol", "true"));
        c.add(cmd("debug", "protocol", "false"));
        c.add(cmd("debug", "protocol", "null"));
        c.add(cmd("debug", "protocol", "verbatim"));
        c.add(cmd("debug", "protocol", "push"));
        c.add(cmd("select", "2"));
        c.add(cmd("xinfo", "help"));
        return c;
    }

    /** Cases for options and special situations, each in the mode it is about. */
    static List<Case> optionCases() {
        List<Case> c = new ArrayList<>();
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) allBytes[i] = (byte) i;

        c.add(opt("-x set from stdin", List.of(), List.of("-x", "set", "kx"), "hello\nworld\n".getBytes(StandardCharsets.US_ASCII), Map.of(), false));
        c.add(opt("-x echo binary stdin raw", List.of(), List.of("-x", "echo"), allBytes, Map.of(), false));
        c.add(opt("-x echo binary stdin formatted", List.of(), List.of("--no-raw", "-x", "echo"), allBytes, Map.of(), false));
        c.add(opt("-r 3", List.of(), List.of("-r", "3", "incr", "c"), null, Map.of(), false));
        c.add(opt("-r 3 --no-raw", List.of(), List.of("-r", "3", "--no-raw", "rpush", "rl", "x"), null, Map.of(), false));
        c.add(opt("-r 2 -i 0.05", List.of(), List.of("-r", "2", "-i", "0.05", "ping"), null, Map.of(), false));
        c.add(opt("-n 2 set", List.of(), List.of("-n", "2", "set", "k", "in2"), null, Map.of(), false));
        c.add(opt("-n 2 get", setup(new String[] {"SELECT", "2"}, new String[] {"SET", "k", "in2"}, new String[] {"SELECT", "0"}),
                List.of("-n", "2", "get", "k"), null, Map.of(), false));
        c.add(opt("-n 99 (select fails)", setup(STR), List.of("-n", "99", "get", "k"), null, Map.of(), true));
        c.add(opt("-u with db", setup(new String[] {"SELECT", "3"}, new String[] {"SET", "k", "in3"}, new String[] {"SELECT", "0"}),
                List.of("-u", "redis://127.0.0.1:" + port + "/3", "get", "k"), null, Map.of(), true));
        c.add(opt("-u with user and password", List.of(), List.of("-u", "redis://alice:secret@127.0.0.1:" + port + "/0", "acl", "whoami"), null, Map.of(), true));
        c.add(opt("-u wrong password", List.of(), List.of("-u", "redis://alice:nope@127.0.0.1:" + port, "acl", "whoami"), null, Map.of(), true));
        c.add(opt("-u bad scheme", List.of(), List.of("-u", "http://127.0.0.1:" + port, "ping"), null, Map.of(), true));
        c.add(opt("-u then -p overrides", List.of(), List.of("-u", "redis://127.0.0.1:1", "-p", Integer.toString(port), "ping"), null, Map.of(), true));
        c.add(opt("--user --pass", List.of(), List.of("--user", "alice", "--pass", "secret", "acl", "whoami"), null, Map.of(), true));
        c.add(opt("-a --no-auth-warning", List.of(), List.of("--user", "alice", "-a", "secret", "--no-auth-warning", "acl", "whoami"), null, Map.of(), true));
        c.add(opt("-a without password configured", List.of(), List.of("-a", "secret", "ping"), null, Map.of(), true));
        c.add(opt("REDISCLI_AUTH env", List.of(), List.of("--user", "alice", "acl", "whoami"), null, Map.of("REDISCLI_AUTH", "secret"), true));
        c.add(opt("error exit code 0 without -e", List.of(), List.of("foo"), null, Map.of(), true));
        c.add(opt("-e error", List.of(), List.of("-e", "foo"), null, Map.of(), true));
        c.add(opt("-e success", List.of(), List.of("-e", "ping"), null, Map.of(), true));
        c.add(opt("-e --no-raw error", List.of(), List.of("-e", "--no-raw", "get"), null, Map.of(), true));
        c.add(opt("connection refused", List.of(), List.of("-p", Integer.toString(Ports.free()), "ping"), null, Map.of(), true));
        c.add(opt("--csv", setup(LIST), List.of("--csv", "lrange", "l", "0", "-1"), null, Map.of(), false));
        c.add(opt("--csv -3 map", setup(HASH), List.of("--csv", "-3", "hgetall", "h"), null, Map.of(), false));
        c.add(opt("-d and -D", setup(LIST), List.of("-d", ",", "-D", ";", "lrange", "l", "0", "-1"), null, Map.of(), false));
        c.add(opt("--raw after --no-raw", setup(LIST), List.of("--no-raw", "--raw", "lrange", "l", "0", "-1"), null, Map.of(), false));
        c.add(opt("--quoted-input", List.of(), List.of("--quoted-input", "set", "\"a\\x00b\"", "\"v\\xff\""), null, Map.of(), false));
        c.add(opt("--quoted-input get", setup(new String[] {"SET", "a\u0000b", "v"}), List.of("--quoted-input", "--no-raw", "get", "\"a\\x00b\""), null, Map.of(), false));
        c.add(opt("--quoted-input invalid", List.of(), List.of("--quoted-input", "get", "\"a"), null, Map.of(), true));
        c.add(opt("-2 -3 exclusive", List.of(), List.of("-2", "-3", "ping"), null, Map.of(), true));
        c.add(opt("unknown option", List.of(), List.of("--bogus", "ping"), null, Map.of(), true));
        c.add(opt("missing option value", List.of(), List.of("-n"), null, Map.of(), true));
        c.add(opt("words after the command are not options", List.of(), List.of("echo", "-p"), null, Map.of(), true));
        c.add(opt("help set", List.of(), List.of("help", "set"), null, Map.of(), false));
        c.add(opt("help @hyperloglog", List.of(), List.of("help", "@hyperloglog"), null, Map.of(), false));
        c.add(opt("FAKETTY nested", setup(LIST), List.of("eval", "return {1,{2,{}},'x'}", "0"), null, Map.of("FAKETTY", "1"), false));
        c.add(opt("FAKETTY -3 map", setup(HASH), List.of("-3", "hgetall", "h"), null, Map.of("FAKETTY", "1"), false));

        String script = String.join("\n",
                "set a b", "get a", "\"unterminated", "3 incr c", "0 incr c", "select 2", "set x \"a\\x00b\\xff\"", "get x",
                "get x y", "multi", "incr z", "exec", "lrange nolist 0 -1", "hgetall nohash", ":set foo", "help get",
                "auth nopass", "quit", "get a") + "\n";
        byte[] lines = script.getBytes(StandardCharsets.UTF_8);
        c.add(opt("stdin script raw", List.of(), List.of(), lines, Map.of(), true));
        c.add(opt("stdin script --no-raw", List.of(), List.of("--no-raw"), lines, Map.of(), true));
        c.add(opt("stdin script -3 --no-raw", List.of(), List.of("-3", "--no-raw"), lines, Map.of(), true));
        c.add(opt("stdin script without final newline", List.of(), List.of(), "ping\necho last".getBytes(StandardCharsets.US_ASCII), Map.of(), true));
        return c;
    }

    private static List<String[]> setup(String[]... commands) {
        return List.of(commands);
    }

    private static Case cmd(String... args) {
        return cmd(List.of(), args);
    }

    private static Case cmd(List<String[]> setup, String... args) {
        return new Case(String.join(" ", args), setup, List.of(args), null, Map.of(), false, UnaryOperator.identity());
    }

    private static Case opt(String name, List<String[]> setup, List<String> args, byte[] stdin, Map<String, String> env, boolean stderr) {
        return new Case(name, setup, args, stdin, env, stderr, UnaryOperator.identity());
    }

    // ---------------------------------------------------------------- the tests

    @TestFactory
    Stream<DynamicTest> commandsInEveryOutputMode() {
        List<Case> cases = commandCases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(40);
        return cases.stream().flatMap(c -> Stream.of(c, c.withArgsPrefix("--no-raw"), c.withArgsPrefix("-3"), c.withArgsPrefix("-3", "--no-raw")))
                .map(c -> dynamicTest(c.name(), () -> compare(c)));
    }

    @TestFactory
    Stream<DynamicTest> options() {
        return optionCases().stream().map(c -> dynamicTest(c.name(), () -> compare(c)));
    }

    @Test
    void binaryArgumentsReachTheServerUnchanged() throws Exception {
        // Bytes that are not valid UTF-8 on the command line: Java alone would mangle them.
        for (var cli : List.of(List.of(CliProcess.REDIS_CLI), CliProcess.vermilionCommand(List.of()))) {
            reset(List.of());
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec \"$@\" \"$(printf 'v\\xff\\xfe\\x80')\"", "bash"));
            cmd.addAll(cli);
            cmd.addAll(List.of("-p", Integer.toString(port), "set", "bin"));
            CliProcess.Result r = CliProcess.run(cmd, null, Map.of());
            assertThat(r.outText()).as(r.toString()).isEqualTo("OK\n");
            assertThat(admin.call("GET", "bin").asBytes()).as("stored by " + cli).isEqualTo(new byte[] {'v', (byte) 0xff, (byte) 0xfe, (byte) 0x80});
        }
    }

    @Test
    void stdinValueIsStoredVerbatim() throws Exception {
        byte[] data = new byte[70_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
        reset(List.of());
        CliProcess.Result r = CliProcess.vermilionCli(List.of("-p", Integer.toString(port), "-x", "set", "big"), data, Map.of());
        assertThat(r.outText()).as(r.toString()).isEqualTo("OK\n");
        assertThat(admin.call("GET", "big").asBytes()).isEqualTo(data);
    }

    @Test
    void launcherScriptRunsTheJarAndExplainsAMissingBuild() throws Exception {
        Path launcher = Path.of(System.getProperty("vermilion.home", "."), "bin", "vermilion-cli");
        CliProcess.Result ok = CliProcess.run(List.of(launcher.toString(), "-p", Integer.toString(port), "ping"), null,
                Map.of("VERMILION_JAR", ServerProcess.vermilionJar().toString()));
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.outText()).isEqualTo("PONG\n");
        CliProcess.Result missing = CliProcess.run(List.of(launcher.toString(), "ping"), null, Map.of("VERMILION_JAR", "/nonexistent/vermilion.jar"));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.errText()).contains("not found").contains("mvn -q -DskipTests package");
    }

    @Test
    void versionAndHelp() throws Exception {
        CliProcess.Result v = CliProcess.vermilionCli(List.of("-v"), null, Map.of());
        assertThat(v.exit()).isZero();
        assertThat(v.outText()).startsWith("vermilion-cli ");
        CliProcess.Result h = CliProcess.vermilionCli(List.of("--help"), null, Map.of());
        assertThat(h.exit()).isZero();
        assertThat(h.outText()).contains("Usage: vermilion-cli [OPTIONS] [cmd [arg [arg ...]]]").contains("--no-raw").contains("Not supported yet");
        CliProcess.Result lastH = CliProcess.vermilionCli(List.of("-h"), null, Map.of());
        assertThat(lastH.outText()).isEqualTo(h.outText());
        CliProcess.Result c = CliProcess.vermilionCli(List.of("--stat"), null, Map.of());
        assertThat(c.exit()).isEqualTo(1);
        assertThat(c.errText()).contains("'--stat' is not supported");
        assertThat(h.outText()).contains("  -c                 Enable cluster mode (follow -ASK and -MOVED redirections).")
                .contains("  --cluster <command> [args...] [opts...]");
    }

    // ---------------------------------------------------------------- machinery

    private static void compare(Case c) throws Exception {
        List<String> args = new ArrayList<>();
        args.add("-p");
        args.add(Integer.toString(port));
        args.addAll(c.args());

        reset(c.setup());
        CliProcess.Result expected = CliProcess.redisCli(args, c.stdin(), c.env());
        byte[] expectedState = snapshot();
        reset(c.setup());
        CliProcess.Result actual = CliProcess.vermilionCli(args, c.stdin(), c.env());
        byte[] actualState = snapshot();

        String desc = "case '" + c.name() + "'\nredis-cli: " + expected + "\nvermilion-cli: " + actual;
        assertThat(CliOutput.withoutTimings(c.normalize().apply(actual.outText()))).as(desc)
                .isEqualTo(CliOutput.withoutTimings(c.normalize().apply(expected.outText())));
        assertThat(actual.exit()).as(desc).isEqualTo(expected.exit());
        if (c.compareStderr()) assertThat(actual.errText()).as(desc).isEqualTo(expected.errText());
        // Both must also have left the same data behind (what -x stored, what -n selected, ...).
        assertThat(actualState).as("data set after " + desc).isEqualTo(expectedState);
    }

    /** Empties every database, then runs the case's setup commands in database 0. */
    private static void reset(List<String[]> setup) throws IOException {
        admin.callChecked("SELECT", "0");
        admin.callChecked("FLUSHALL");
        for (String[] cmd : setup) {
            byte[][] b = new byte[cmd.length][];
            for (int i = 0; i < cmd.length; i++) b[i] = cmd[i].getBytes(StandardCharsets.UTF_8);
            admin.callChecked(b);
        }
        admin.callChecked("SELECT", "0");
    }

    /** The whole data set (every key's DUMP in databases 0-3), to check side effects match. */
    private static byte[] snapshot() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int db = 0; db < 4; db++) {
            admin.callChecked("SELECT", Integer.toString(db));
            List<String> keys = new ArrayList<>();
            for (var k : admin.call("KEYS", "*").asList()) keys.add(new String(k.asBytes(), StandardCharsets.ISO_8859_1));
            keys.sort(null);
            for (String k : keys) {
                byte[] key = k.getBytes(StandardCharsets.ISO_8859_1);
                byte[] dump = admin.call("DUMP".getBytes(StandardCharsets.US_ASCII), key).asBytes();
                sb.append(db).append(':').append(k).append('=').append(Arrays.toString(dump)).append('\n');
            }
        }
        admin.callChecked("SELECT", "0");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
