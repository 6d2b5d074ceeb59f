package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connection and server commands whose replies carry clocks, ports or ids, or that need several
 * connections (MONITOR, CLIENT KILL, CLIENT PAUSE, requirepass), so that the line-by-line
 * differential scripts cannot cover them. Each scenario runs against the real redis-server 7.0
 * and a Vermilion node and their observable outcomes are compared; absolute checks pin down the
 * formats.
 */
class ServerCommandsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static ServerProcess redis;
    private static ServerProcess vermilion;

    @BeforeAll
    static void start() throws IOException {
        redis = ServerProcess.redis("--enable-debug-command", "yes");
        vermilion = ServerProcess.vermilion("--enable-debug-command", "yes");
    }

    @AfterAll
    static void stop() {
        if (redis != null) redis.close();
        if (vermilion != null) vermilion.close();
    }

    private static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 10_000);
    }

    /** Runs a scenario on both servers and returns {redis result, vermilion result}. */
    private static <T> List<T> both(Scenario<T> s) throws Exception {
        return List.of(s.run(redis), s.run(vermilion));
    }

    @FunctionalInterface
    interface Scenario<T> {
        T run(ServerProcess p) throws Exception;
    }

    // ------------------------------------------------------------------ INFO

    /** Section title to its field names in order, from INFO text. */
    static Map<String, List<String>> infoFields(String info) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> cur = null;
        for (String line : info.split("\r\n")) {
            if (line.startsWith("# ")) {
                cur = new ArrayList<>();
                out.put(line.substring(2), cur);
            } else if (!line.isEmpty()) {
                cur.add(line.substring(0, line.indexOf(':')));
            }
        }
        return out;
    }

    @Test
    void infoHasRedisSectionsAndFieldNamesInOrder() throws Exception {
        List<Map<String, List<String>>> r = both(p -> {
            try (RespConnection c = connect(p)) {
                c.call("SET", "infokey", "v");
                c.call("GET", "infokey");
                c.call("GET");
                return infoFields(c.call("INFO", "everything").asString());
            }
        });
        Map<String, List<String>> real = r.get(0);
        Map<String, List<String>> ours = new LinkedHashMap<>(r.get(1));
        assertThat(ours.keySet()).containsExactlyElementsOf(real.keySet());
        List<String> server = new ArrayList<>(ours.get("Server"));
        assertThat(server.get(1)).isEqualTo("vermilion_version");
        server.remove("vermilion_version");
        ours.put("Server", server);
        for (String section : real.keySet()) {
            if (section.equals("Commandstats") || section.equals("Latencystats")) {
                // The same commands ran on both; each line must exist on both sides.
                assertThat(ours.get(section)).as(section).containsAll(List.of(
                        section.equals("Commandstats") ? "cmdstat_set" : "latency_percentiles_usec_set",
                        section.equals("Commandstats") ? "cmdstat_get" : "latency_percentiles_usec_get"));
                continue;
            }
            assertThat(ours.get(section)).as(section).containsExactlyElementsOf(real.get(section));
        }
    }

    @Test
    void infoValuesAreReal() throws Exception {
        try (RespConnection c = connect(vermilion)) {
            c.callChecked("CONFIG", "RESETSTAT");
            c.call("GET");
            c.call("NOSUCH");
            Map<String, String> f = infoMap(c.call("INFO", "all").asString());
            assertThat(f.get("redis_version")).isEqualTo("7.0.15");
            assertThat(f.get("tcp_port")).isEqualTo(Integer.toString(vermilion.port()));
            assertThat(f.get("process_id")).isEqualTo(Long.toString(vermilion.process().pid()));
            assertThat(Long.parseLong(f.get("used_memory"))).isPositive();
            assertThat(Long.parseLong(f.get("used_memory_rss"))).isGreaterThan(1024 * 1024);
            assertThat(Long.parseLong(f.get("connected_clients"))).isGreaterThanOrEqualTo(1);
            assertThat(f.get("errorstat_ERR")).isEqualTo("count=2");
            assertThat(f.get("total_error_replies")).isEqualTo("2");
            assertThat(f.get("cmdstat_get")).startsWith("calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0");
            assertThat(Double.parseDouble(f.get("used_cpu_user"))).isPositive();
            assertThat(f.get("executable")).endsWith("java");
            assertThat(f.get("latency_percentiles_usec_config|resetstat")).matches("p50=[0-9.]+,p99=[0-9.]+,p99.9=[0-9.]+");
            // instantaneous_ops_per_sec is a moving average over 1.6 s of samples
            await().atMost(WAIT).until(() -> {
                for (int i = 0; i < 200; i++) c.call("PING");
                return Long.parseLong(infoMap(c.call("INFO", "stats").asString()).get("instantaneous_ops_per_sec")) > 0;
            });
        }
    }

    static Map<String, String> infoMap(String info) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    // ------------------------------------------------------------------ CLIENT LIST / INFO / KILL

    private static final Pattern CLIENT_LINE = Pattern.compile("id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ "
            + "fd=-?\\d+ name=\\S* age=\\d+ idle=\\d+ flags=[A-Za-z]+ db=\\d+ sub=\\d+ psub=\\d+ ssub=\\d+ multi=-?\\d+ "
            + "qbuf=\\d+ qbuf-free=\\d+ argv-mem=\\d+ multi-mem=\\d+ rbs=\\d+ rbp=\\d+ obl=\\d+ oll=\\d+ omem=\\d+ "
            + "tot-mem=\\d+ events=r?w? cmd=\\S+ user=default redir=-1 resp=[23]");

    @Test
    void clientListShowsEveryConnectionLikeRedis() throws Exception {
        List<List<String>> r = both(p -> {
            try (RespConnection a = connect(p); RespConnection b = connect(p)) {
                a.callChecked("CLIENT", "SETNAME", "first");
                a.callChecked("SELECT", "3");
                a.callChecked("CLIENT", "NO-EVICT", "on");
                b.hello(3);
                long idA = a.call("CLIENT", "ID").asLong();
                String list = b.call("CLIENT", "LIST").asString();
                String info = a.call("CLIENT", "INFO").asString();
                String byId = b.call("CLIENT", "LIST", "ID", Long.toString(idA)).asString();
                List<String> out = new ArrayList<>();
                for (String line : list.split("\n")) {
                    assertThat(line).matches(CLIENT_LINE);
                    out.add(line.replaceAll("=[^ ]*", "="));
                }
                assertThat(info).endsWith("\n").matches("(?s)" + CLIENT_LINE.pattern() + "\n");
                assertThat(info).contains("id=" + idA + " ").contains(" name=first ").contains(" db=3 ")
                        .contains(" flags=e ").contains(" cmd=client|info ").contains(" resp=2");
                assertThat(list).contains(" cmd=client|list user=default redir=-1 resp=3\n");
                assertThat(byId.split("\n")).hasSize(1);
                assertThat(byId).startsWith("id=" + idA + " ");
                out.add(Integer.toString(list.split("\n").length));
                return out;
            }
        });
        assertThat(r.get(1)).isEqualTo(r.get(0));
    }

    @Test
    void clientListCmdIsTheLastCommandLookedUp() throws Exception {
        List<List<String>> r = both(p -> {
            List<String> out = new ArrayList<>();
            try (RespConnection a = connect(p); RespConnection b = connect(p)) {
                long id = a.call("CLIENT", "ID").asLong();
                for (String[] cmd : new String[][] {{"PING"}, {"NOSUCH"}, {"GET"}, {"CLIENT", "NOSUCH"}, {"CONFIG", "GET", "hz"}}) {
                    a.call(cmd);
                    out.add(field(b.call("CLIENT", "LIST", "ID", Long.toString(id)).asString(), "cmd"));
                }
            }
            return out;
        });
        assertThat(r.get(1)).isEqualTo(r.get(0)).containsExactly("ping", "NULL", "get", "NULL", "config|get");
    }

    @Test
    void clientKillClosesOtherConnections() throws Exception {
        List<List<String>> r = both(p -> {
            List<String> out = new ArrayList<>();
            try (RespConnection killer = connect(p); RespConnection a = connect(p); RespConnection b = connect(p)) {
                long idA = a.call("CLIENT", "ID").asLong();
                out.add(killer.call("CLIENT", "KILL", "ID", Long.toString(idA)).toString());
                out.add(closed(a));
                // old form by address: the peer address as the server sees it
                String addrB = field(b.call("CLIENT", "INFO").asString(), "addr");
                out.add(killer.call("CLIENT", "KILL", addrB).toString());
                out.add(closed(b));
                out.add(killer.call("CLIENT", "KILL", addrB).toString());
                // SKIPME no: the caller kills itself, after its reply
                String self = field(killer.call("CLIENT", "INFO").asString(), "addr");
                out.add(killer.call("CLIENT", "KILL", "ADDR", self, "SKIPME", "no").toString());
                out.add(closed(killer));
            }
            try (RespConnection c = connect(p); RespConnection d = connect(p)) {
                // by type: the normal clients but the caller
                out.add(c.call("CLIENT", "KILL", "TYPE", "normal").toString());
                out.add(closed(d));
                out.add(c.call("PING").toString());
            }
            return out;
        });
        assertThat(r.get(1)).isEqualTo(r.get(0));
        assertThat(r.get(1).get(0)).isEqualTo("Integer[value=1]");
    }

    private static String field(String clientLine, String name) {
        for (String kv : clientLine.trim().split(" ")) if (kv.startsWith(name + "=")) return kv.substring(name.length() + 1);
        throw new AssertionError(name + " not in " + clientLine);
    }

    /** "closed" once the server has closed the connection, else what it answered. */
    private static String closed(RespConnection c) {
        try {
            Reply rep = c.call("PING");
            return "open: " + rep;
        } catch (IOException e) {
            return "closed";
        }
    }

    // ------------------------------------------------------------------ MONITOR

    @Test
    void monitorSeesCommandsAfterTheyRunWithSecretsRedacted() throws Exception {
        List<List<String>> r = both(p -> {
            try (RespConnection m = connect(p); RespConnection o = connect(p)) {
                assertThat(m.call("MONITOR").toString()).isEqualTo(Reply.OK.toString());
                o.call("AUTH", "secret");
                o.call("AUTH", "default", "secret");
                o.call("HELLO", "2", "AUTH", "default", "secret");
                o.call("SET", "mon", "v\n1");
                o.call("NOSUCHCOMMAND");
                o.call("GET");
                o.call("CONFIG", "GET", "maxmemory");
                o.call("DEBUG", "SLEEP", "0");
                o.call("SELECT", "2");
                o.call("PING", "last");
                List<String> fed = new ArrayList<>();
                Pattern line = Pattern.compile("\\d{10}\\.\\d{6} \\[(\\d+) 127\\.0\\.0\\.1:\\d+\\] (.*)");
                while (fed.isEmpty() || !fed.get(fed.size() - 1).contains("\"last\"")) {
                    String s = m.read().asString();
                    var mt = line.matcher(s);
                    assertThat(mt.matches()).as(s).isTrue();
                    fed.add(mt.group(1) + " " + mt.group(2));
                }
                // The monitor's own commands are fed after their reply.
                assertThat(m.call("PING").toString()).isEqualTo("SimpleString[PONG]");
                fed.add(m.read().asString().replaceAll("^.*\\] ", ""));
                assertThat(m.call("RESET").asString()).isEqualTo("RESET");
                o.call("PING", "after-reset");
                assertThat(m.call("PING").asString()).isEqualTo("PONG"); // no feed line in between
                return fed;
            }
        });
        assertThat(r.get(1)).isEqualTo(r.get(0));
        assertThat(r.get(1)).contains("0 \"AUTH\" \"(redacted)\"", "0 \"SET\" \"mon\" \"v\\n1\"", "2 \"PING\" \"last\"");
    }

    // ------------------------------------------------------------------ CLIENT PAUSE

    @Test
    void clientPauseHoldsWritesUntilItEnds() throws Exception {
        for (ServerProcess p : List.of(redis, vermilion)) {
            try (RespConnection admin = connect(p); RespConnection w = connect(p)) {
                admin.callChecked("CLIENT", "PAUSE", "400", "WRITE");
                long t0 = System.nanoTime();
                assertThat(w.call("GET", "paused").isNull()).isTrue(); // reads go on
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(300);
                w.callChecked("SET", "paused", "1");                    // writes wait for the end
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as(p.kind().name()).isGreaterThanOrEqualTo(350);

                // UNPAUSE (not a write) releases the held writes at once.
                admin.callChecked("CLIENT", "PAUSE", "60000", "WRITE");
                CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                    try {
                        return w.call("SET", "paused", "2").toString();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(200); // give it a chance to (wrongly) complete
                assertThat(held).isNotDone();
                admin.callChecked("CLIENT", "UNPAUSE");
                assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo(Reply.OK.toString());

                // ALL holds reads too, even CLIENT commands, until the time is up.
                admin.callChecked("CLIENT", "PAUSE", "400", "ALL");
                t0 = System.nanoTime();
                assertThat(w.call("GET", "paused").asString()).isEqualTo("2");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as(p.kind().name()).isGreaterThanOrEqualTo(350);
            }
        }
    }

    // ------------------------------------------------------------------ SLOWLOG and LATENCY

    @Test
    void slowlogKeepsArgumentsClientAndRedactions() throws Exception {
        List<List<String>> r = both(p -> {
            try (RespConnection c = connect(p)) {
                c.callChecked("CLIENT", "SETNAME", "slowpoke");
                c.callChecked("CONFIG", "SET", "slowlog-log-slower-than", "0");
                c.callChecked("SLOWLOG", "RESET");
                c.call("SET", "slow", "x".repeat(200));
                c.call("AUTH", "secret");
                List<String> args = new ArrayList<>(List.of("CONFIG", "GET"));
                for (int i = 0; i < 40; i++) args.add("a" + i);
                c.call(args.toArray(new String[0]));
                List<Reply> entries = c.call("SLOWLOG", "GET", "3").asList();
                c.callChecked("CONFIG", "SET", "slowlog-log-slower-than", "10000");
                List<String> out = new ArrayList<>();
                String local = field(c.call("CLIENT", "INFO").asString(), "addr");
                for (Reply e : entries) {
                    List<Reply> f = e.asList();
                    assertThat(f).hasSize(6);
                    assertThat(f.get(1).asLong()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(5L));
                    assertThat(f.get(4).asString()).isEqualTo(local);
                    assertThat(f.get(5).asString()).isEqualTo("slowpoke");
                    List<String> a = new ArrayList<>();
                    for (Reply x : f.get(3).asList()) a.add(x.asString());
                    out.add(String.join(" ", a));
                }
                out.add(Long.toString(c.call("SLOWLOG", "LEN").asLong()));
                return out;
            }
        });
        assertThat(r.get(1)).isEqualTo(r.get(0));
        assertThat(r.get(1).get(1)).isEqualTo("AUTH (redacted)");
        assertThat(r.get(1).get(0)).endsWith("a28 ... (11 more arguments)");
    }

    @Test
    void latencyMonitorRecordsSlowCommands() throws Exception {
        try (RespConnection c = connect(vermilion)) {
            c.callChecked("CONFIG", "SET", "latency-monitor-threshold", "1");
            c.callChecked("LATENCY", "RESET");
            c.callChecked("DEBUG", "SLEEP", "0.05");
            List<Reply> latest = c.call("LATENCY", "LATEST").asList();
            assertThat(latest).hasSize(1);
            List<Reply> ev = latest.get(0).asList();
            assertThat(ev.get(0).asString()).isEqualTo("command");
            assertThat(ev.get(2).asLong()).isBetween(50L, 5000L);
            assertThat(ev.get(3).asLong()).isEqualTo(ev.get(2).asLong());
            assertThat(c.call("LATENCY", "HISTORY", "command").asList()).hasSize(1);
            assertThat(c.call("LATENCY", "DOCTOR").asString())
                    .startsWith("Dave, I have observed latency spikes in this Redis instance.")
                    .contains("1. command: 1 latency spikes (average ")
                    .contains("Please use 'CONFIG SET slowlog-log-slower-than 1000'.");
            Reply hist = c.call("LATENCY", "HISTOGRAM", "debug");
            List<Reply> h = hist.asList();
            assertThat(h.get(0).asString()).isEqualTo("debug");
            assertThat(h.get(1).asList().get(1).asLong()).isPositive(); // calls (other tests use DEBUG too)
            assertThat(c.call("LATENCY", "RESET").asLong()).isEqualTo(1);
            c.callChecked("CONFIG", "SET", "latency-monitor-threshold", "0");
        }
    }

    // ------------------------------------------------------------------ AUTH

    @Test
    void requirepassAppliesToNewConnections() throws Exception {
        List<List<String>> r = both(p -> {
            List<String> out = new ArrayList<>();
            try (RespConnection admin = connect(p)) {
                admin.callChecked("CONFIG", "SET", "requirepass", "s3cret");
                try {
                    out.add(admin.call("PING").toString()); // still authenticated
                    try (RespConnection c = connect(p)) {
                        out.add(c.call("PING").toString());
                        out.add(c.call("CLIENT", "ID").toString());
                        out.add(c.call("AUTH", "nope").toString());
                        out.add(c.call("AUTH", "s3cret").toString());
                        out.add(c.call("PING").toString());
                    }
                    try (RespConnection c = connect(p)) {
                        Reply h = c.call("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "h");
                        out.add(((Reply.Map) h).get("proto").toString());
                        out.add(c.call("CLIENT", "GETNAME").toString());
                    }
                } finally {
                    admin.callChecked("CONFIG", "SET", "requirepass", "");
                }
                try (RespConnection c = connect(p)) {
                    out.add(c.call("PING").toString());
                }
            }
            return out;
        });
        assertThat(r.get(1)).isEqualTo(r.get(0));
        assertThat(r.get(1).get(1)).contains("NOAUTH Authentication required.");
    }

    // ------------------------------------------------------------------ CONFIG

    @Test
    void configRewriteAndRuntimeSettings() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-it-config-");
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "# test config\nslowlog-max-len 10\n");
        try (ServerProcess p = ServerProcess.start(ServerProcess.Kind.VERMILION, Ports.free(), dir, conf, List.of());
             RespConnection c = connect(p)) {
            c.callChecked("CONFIG", "SET", "slowlog-max-len", "77", "hz", "50", "loglevel", "warning");
            assertThat(c.call("CONFIG", "REWRITE").toString()).isEqualTo(Reply.OK.toString());
            String text = Files.readString(conf);
            assertThat(text).contains("slowlog-max-len 77").contains("hz 50").contains("loglevel warning")
                    .startsWith("# test config\n");
            assertThat(infoMap(c.call("INFO", "server").asString()).get("hz")).isEqualTo("50");
            assertThat(infoMap(c.call("INFO", "server").asString()).get("config_file")).isEqualTo(conf.toRealPath().toString());
            // slowlog-max-len applies at once: the log is trimmed to it
            c.callChecked("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2");
            for (int i = 0; i < 5; i++) c.call("PING");
            assertThat(c.call("SLOWLOG", "LEN").asLong()).isEqualTo(2);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
            try {
                Reply err = c.call("CONFIG", "REWRITE");
                if (!"root".equals(System.getProperty("user.name"))) {
                    assertThat(((Reply.Error) err).text()).startsWith("ERR Rewriting config file: ");
                }
            } finally {
                Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    @Test
    void configSetPortAndBindMoveTheListener() throws Exception {
        try (ServerProcess p = ServerProcess.vermilion(); RespConnection c = connect(p);
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int newPort = Ports.free();
            assertThat(c.call("CONFIG", "SET", "port", Integer.toString(newPort)).toString()).isEqualTo(Reply.OK.toString());
            assertThat(c.call("PING").asString()).isEqualTo("PONG"); // the existing connection stays
            try (RespConnection moved = RespConnection.connect("127.0.0.1", newPort, 5000, 5000)) {
                assertThat(infoMap(moved.call("INFO", "server").asString()).get("tcp_port")).isEqualTo(Integer.toString(newPort));
            }
            assertThat(refused(p.port())).isTrue();
            Reply err = c.call("CONFIG", "SET", "port", Integer.toString(taken.getLocalPort()));
            assertThat(((Reply.Error) err).text()).isEqualTo(
                    "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.");
            assertThat(c.call("CONFIG", "GET", "port").asList().get(1).asString()).isEqualTo(Integer.toString(newPort));
            err = c.call("CONFIG", "SET", "bind", "10.255.255.1");
            assertThat(((Reply.Error) err).text()).isEqualTo(
                    "ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.");
            try (RespConnection again = RespConnection.connect("127.0.0.1", newPort, 5000, 5000)) {
                assertThat(again.call("PING").asString()).isEqualTo("PONG"); // the old listener is back
            }
            assertThat(c.call("CONFIG", "SET", "bind", "127.0.0.1 -10.255.255.1").toString()).isEqualTo(Reply.OK.toString());
            try (RespConnection again = RespConnection.connect("127.0.0.1", newPort, 5000, 5000)) {
                assertThat(again.call("PING").asString()).isEqualTo("PONG");
            }
        }
    }

    private static boolean refused(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    // ------------------------------------------------------------------ SHUTDOWN, DEBUG

    @Test
    void shutdownStopsTheProcess() throws Exception {
        try (ServerProcess p = ServerProcess.vermilion(); RespConnection c = connect(p)) {
            assertThat(((Reply.Error) c.call("SHUTDOWN", "ABORT")).text()).isEqualTo("ERR No shutdown in progress.");
            c.send("SHUTDOWN", "NOSAVE");
            c.flush();
            assertThat(p.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process().exitValue()).isZero();
        }
    }

    @Test
    void debugSleepBlocksEveryClientAndObjectDescribesStrings() throws Exception {
        try (RespConnection a = connect(vermilion); RespConnection b = connect(vermilion)) {
            a.send("DEBUG", "SLEEP", "0.3");
            a.flush();
            Thread.sleep(50);
            long t0 = System.nanoTime();
            b.call("PING");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(150);
            assertThat(a.read().toString()).isEqualTo(Reply.OK.toString());
            b.callChecked("SET", "dbg", "12345");
            assertThat(b.call("DEBUG", "OBJECT", "dbg").asString())
                    .matches("Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:3 lru:\\d+ lru_seconds_idle:\\d+");
            b.callChecked("SET", "dbg", "x".repeat(50));
            assertThat(b.call("DEBUG", "OBJECT", "dbg").asString()).contains(" encoding:raw serializedlength:51 ");
        }
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static <T, R> List<R> map(List<T> in, Function<T, R> f) {
        List<R> out = new ArrayList<>();
        for (T t : in) out.add(f.apply(t));
        return out;
    }
}
