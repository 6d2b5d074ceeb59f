package io.vermilion.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MIGRATE between real processes, in every direction between Vermilion and redis-server 7.0 (and
 * real to real, which checks the test itself): values, TTLs, COPY, REPLACE, AUTH, AUTH2, KEYS,
 * SELECT of the destination database, errors relayed from the target, NOKEY, propagation of the
 * deletion to the AOF, the connection cache and the timeout.
 */
class MigrateIT {
    static Stream<Arguments> pairs() {
        return Stream.of(Arguments.of(Kind.VERMILION, Kind.VERMILION), Arguments.of(Kind.VERMILION, Kind.REDIS),
                Arguments.of(Kind.REDIS, Kind.VERMILION), Arguments.of(Kind.REDIS, Kind.REDIS));
    }

    static RespConnection connect(ServerProcess p) throws IOException {
        return RespConnection.connect("127.0.0.1", p.port(), 5000, 30_000);
    }

    /** A reply as text; errors as "-MESSAGE". */
    static String s(Reply r) {
        if (r instanceof Reply.Error e) return "-" + e.text();
        return r.asString();
    }

    static String call(RespConnection c, String... args) throws IOException {
        return s(c.call(args));
    }

    private static String migrate(RespConnection c, ServerProcess target, String... rest) throws IOException {
        List<String> a = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(target.port())));
        a.addAll(List.of(rest));
        return call(c, a.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("pairs")
    void migratesKeysWithTtlsAndOptions(Kind from, Kind to) throws Exception {
        try (ServerProcess src = Servers.start(from, Files.createTempDirectory("mig-src-"));
             ServerProcess dst = Servers.start(to, Files.createTempDirectory("mig-dst-"), "--requirepass", "pw");
             RespConnection s = connect(src); RespConnection d = connect(dst)) {
            assertThat(call(d, "AUTH", "pw")).isEqualTo("OK");
            byte[] binary = new byte[300];
            for (int i = 0; i < binary.length; i++) binary[i] = (byte) (i * 7);
            s.call("SET".getBytes(), "bin".getBytes(), binary);
            call(s, "SET", "plain", "hello");
            call(s, "SET", "num", "12345");
            call(s, "SET", "ttl", "v", "PX", "100000");
            call(s, "SET", "lz", "x".repeat(500));

            // No AUTH: the target's refusal is relayed, the key stays here.
            assertThat(migrate(s, dst, "plain", "0", "5000"))
                    .isEqualTo("-ERR Target instance replied with error: NOAUTH Authentication required.");
            assertThat(migrate(s, dst, "plain", "0", "5000", "AUTH", "wrong"))
                    .isEqualTo("-ERR Target instance replied with error: "
                            + "WRONGPASS invalid username-password pair or user is disabled.");
            assertThat(call(s, "EXISTS", "plain")).isEqualTo("1");

            // Plain move.
            assertThat(migrate(s, dst, "plain", "0", "5000", "AUTH", "pw")).isEqualTo("OK");
            assertThat(call(s, "EXISTS", "plain")).isEqualTo("0");
            assertThat(call(d, "GET", "plain")).isEqualTo("hello");
            assertThat(call(d, "TTL", "plain")).isEqualTo("-1");

            // TTL travels as the remaining time.
            assertThat(migrate(s, dst, "ttl", "0", "5000", "AUTH2", "default", "pw")).isEqualTo("OK");
            long pttl = Long.parseLong(call(d, "PTTL", "ttl"));
            assertThat(pttl).isBetween(50_000L, 100_000L);

            // COPY keeps the source; then BUSYKEY without REPLACE; REPLACE overwrites.
            assertThat(migrate(s, dst, "num", "0", "5000", "COPY", "AUTH", "pw")).isEqualTo("OK");
            assertThat(call(s, "GET", "num")).isEqualTo("12345");
            assertThat(call(d, "GET", "num")).isEqualTo("12345");
            assertThat(migrate(s, dst, "num", "0", "5000", "AUTH", "pw"))
                    .isEqualTo("-ERR Target instance replied with error: BUSYKEY Target key name already exists.");
            call(s, "SET", "num", "777");
            assertThat(migrate(s, dst, "num", "0", "5000", "REPLACE", "AUTH", "pw")).isEqualTo("OK");
            assertThat(call(d, "GET", "num")).isEqualTo("777");
            assertThat(call(s, "EXISTS", "num")).isEqualTo("0");

            // KEYS with missing keys among them, into database 3 (SELECT is sent).
            assertThat(migrate(s, dst, "", "3", "5000", "AUTH", "pw", "KEYS", "bin", "missing", "lz"))
                    .isEqualTo("OK");
            assertThat(call(s, "DBSIZE")).isEqualTo("0");
            call(d, "SELECT", "3");
            assertThat(d.call("GET", "bin").asBytes()).isEqualTo(binary);
            assertThat(call(d, "GET", "lz")).isEqualTo("x".repeat(500));
            assertThat(call(d, "DBSIZE")).isEqualTo("2");
            // Same database again on the cached connection: no SELECT needed, still right.
            call(s, "SET", "again", "1");
            assertThat(migrate(s, dst, "again", "3", "5000", "AUTH", "pw")).isEqualTo("OK");
            assertThat(call(d, "GET", "again")).isEqualTo("1");
            // A database the target does not have.
            call(s, "SET", "far", "1");
            assertThat(migrate(s, dst, "far", "99", "5000", "AUTH", "pw"))
                    .isEqualTo("-ERR Target instance replied with error: ERR DB index is out of range");
            assertThat(call(s, "EXISTS", "far")).isEqualTo("1");
            assertThat(migrate(s, dst, "nothing", "0", "5000", "AUTH", "pw")).isEqualTo("NOKEY");
            assertThat(migrate(s, dst, "", "0", "5000", "KEYS", "n1", "n2")).isEqualTo("NOKEY");
        }
    }

    @Test
    void deletionIsPropagatedToTheAof() throws Exception {
        Path dir = Files.createTempDirectory("mig-aof-");
        try (ServerProcess dst = Servers.vermilion(); RespConnection d = connect(dst)) {
            ServerProcess src = Servers.start(Kind.VERMILION, dir, "--appendonly", "yes");
            try (RespConnection s = connect(src)) {
                for (int i = 0; i < 10; i++) call(s, "SET", "k" + i, "v" + i);
                assertThat(migrate(s, dst, "", "0", "5000", "KEYS", "k1", "k2", "k3")).isEqualTo("OK");
                assertThat(migrate(s, dst, "k4", "0", "5000", "COPY")).isEqualTo("OK");
            } finally {
                src.kill();
            }
            src = Servers.start(Kind.VERMILION, dir, "--appendonly", "yes");
            try (RespConnection s = connect(src)) {
                assertThat(call(s, "DBSIZE")).isEqualTo("7");
                assertThat(call(s, "EXISTS", "k1", "k2", "k3")).isEqualTo("0");
                assertThat(call(s, "GET", "k4")).isEqualTo("v4");
            } finally {
                src.kill();
            }
            assertThat(call(d, "DBSIZE")).isEqualTo("4");
        }
    }

    /** Connections of the target that come from the source's MIGRATE (not the test's own). */
    private static long migrateConnections(RespConnection target, int testLocalPort) throws IOException {
        String list = call(target, "CLIENT", "LIST");
        return list.lines().filter(l -> !l.contains(":" + testLocalPort + " ")).count();
    }

    @Test
    void connectionIsCachedAndClosedWhenIdle() throws Exception {
        try (ServerProcess src = Servers.vermilion(); ServerProcess dst = Servers.vermilion();
             RespConnection s = connect(src); RespConnection d = connect(dst)) {
            int mine = d.socket().getLocalPort();
            for (int i = 0; i < 20; i++) {
                call(s, "SET", "k" + i, "v");
                assertThat(migrate(s, dst, "k" + i, "0", "5000")).isEqualTo("OK");
            }
            // One connection served all of them.
            assertThat(migrateConnections(d, mine)).isEqualTo(1);
            assertThat(call(d, "DBSIZE")).isEqualTo("20");
            // Unused for 10 s, it is closed by the source.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> migrateConnections(d, mine) == 0);
            // A target that closed our cached connection is reconnected to transparently.
            call(s, "SET", "late", "v");
            assertThat(migrate(s, dst, "late", "0", "5000")).isEqualTo("OK");
            assertThat(call(d, "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")).isEqualTo("1");
            call(s, "SET", "later", "v");
            assertThat(migrate(s, dst, "later", "0", "5000")).isEqualTo("OK");
            assertThat(call(d, "GET", "later")).isEqualTo("v");
        }
    }

    @Test
    void timeoutIsHonouredAndTheNodeKeepsServing() throws Exception {
        // A "target" that accepts connections and never answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerProcess src = Servers.vermilion(); RespConnection s = connect(src)) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) accepted.add(silent.accept());
                } catch (IOException ignored) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            call(s, "SET", "k", "v");
            long t0 = System.nanoTime();
            assertThat(call(s, "MIGRATE", "127.0.0.1", Integer.toString(silent.getLocalPort()), "k", "0", "300"))
                    .isEqualTo("-IOERR error or timeout reading to target instance");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(250L, 3000L);
            // The key stays, the node answers, and a timed-out connection is not reused.
            assertThat(call(s, "GET", "k")).isEqualTo("v");
            try (RespConnection other = connect(src)) {
                assertThat(call(other, "PING")).isEqualTo("PONG");
            }
            // A large value (incompressible: LZF must not shrink it) to a target that does not read:
            // once the socket buffers are full the write times out.
            byte[] big = new byte[32 * 1024 * 1024];
            new java.util.Random(1).nextBytes(big);
            s.call("SET".getBytes(), "big".getBytes(), big);
            t0 = System.nanoTime();
            assertThat(call(s, "MIGRATE", "127.0.0.1", Integer.toString(silent.getLocalPort()), "big", "0", "500",
                    "COPY")).isEqualTo("-IOERR error or timeout writing to target instance");
            ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isLessThan(10_000L);
            assertThat(call(s, "EXISTS", "big")).isEqualTo("1");
            for (Socket a : accepted) a.close();
        }
    }

    @Test
    void unreachableTargets() throws Exception {
        try (ServerProcess src = Servers.vermilion(); RespConnection s = connect(src)) {
            call(s, "SET", "k", "v");
            int closedPort;
            try (ServerSocket ss = new ServerSocket()) {
                ss.bind(new InetSocketAddress("127.0.0.1", 0));
                closedPort = ss.getLocalPort();
            }
            assertThat(call(s, "MIGRATE", "127.0.0.1", Integer.toString(closedPort), "k", "0", "1000"))
                    .isEqualTo("-IOERR error or timeout writing to target instance");
            assertThat(call(s, "MIGRATE", "no-such-host.invalid", "6379", "k", "0", "1000"))
                    .isEqualTo("-IOERR error or timeout connecting to the client");
            assertThat(call(s, "GET", "k")).isEqualTo("v");
            assertThat(call(s, "INFO", "errorstats")).contains("errorstat_IOERR:count=2");
        }
    }
}
