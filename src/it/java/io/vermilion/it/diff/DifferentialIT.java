package io.vermilion.it.diff;

import io.vermilion.it.support.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * Replays every script in {@code src/it/resources/diff/*.txt} against the real redis-server (the
 * oracle) and a target server, comparing raw reply bytes. One dynamic test per script line,
 * grouped per file, run in file order on one connection pair per file.
 *
 * <p>System properties:
 * <ul>
 *   <li>{@code diff.target}: {@code vermilion} (default; runs {@code target/vermilion.jar}),
 *       {@code redis} (a second redis-server: proves the scripts are deterministic), or
 *       {@code port:N} (an already running server on 127.0.0.1:N, left running afterwards)</li>
 *   <li>{@code diff.files}: comma-separated script names to run, e.g. {@code strings,keys}</li>
 *   <li>{@code diff.dir}: a directory of scripts to use instead of the classpath's {@code diff/}</li>
 *   <li>{@code diff.timeoutMs}: how long to wait for one reply (default 10000)</li>
 *   <li>{@code diff.verbose}: {@code true} prints every line with the oracle's reply, handy
 *       while writing scripts</li>
 * </ul>
 */
class DifferentialIT {
    /** Both servers get the same directives so configuration-dependent replies agree. */
    static final String[] SERVER_ARGS = {"--enable-debug-command", "yes"};
    private static final byte[] FLUSHALL = "*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final boolean VERBOSE = Boolean.getBoolean("diff.verbose");

    private static ServerProcess oracleProcess;
    private static ServerProcess targetProcess;
    private static int oraclePort;
    static int targetPort;
    private static String targetName;
    private static final List<Session> SESSIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startServers() throws IOException {
        startServers(SERVER_ARGS);
    }

    /** Starts the oracle with {@link #SERVER_ARGS} and the target with {@code targetArgs}. */
    static void startServers(String[] targetArgs) throws IOException {
        int timeout = timeoutMs();
        String target = System.getProperty("diff.target", "vermilion").trim();
        oracleProcess = ServerProcess.redis(SERVER_ARGS);
        oraclePort = oracleProcess.port();
        if (target.equals("redis")) {
            targetProcess = ServerProcess.redis(SERVER_ARGS);
            targetPort = targetProcess.port();
            targetName = "redis#2";
        } else if (target.equals("vermilion")) {
            Path jar = ServerProcess.vermilionJar();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " does not exist: build it first (mvn package), or run with"
                        + " -Ddiff.target=redis to check the scripts against a second redis-server");
            }
            targetProcess = ServerProcess.vermilion(targetArgs);
            targetPort = targetProcess.port();
            targetName = "vermilion";
        } else if (target.startsWith("port:")) {
            targetPort = Integer.parseInt(target.substring(5));
            targetName = "127.0.0.1:" + targetPort;
        } else {
            throw new IllegalArgumentException("diff.target must be vermilion, redis or port:N, not " + target);
        }
        if (timeout <= 0) throw new IllegalArgumentException("diff.timeoutMs must be positive");
    }

    @AfterAll
    static void stopServers() {
        SESSIONS.forEach(Session::close);
        if (targetProcess != null) targetProcess.close();
        if (oracleProcess != null) oracleProcess.close();
    }

    @TestFactory
    Stream<DynamicNode> scripts() throws IOException {
        List<DynamicNode> files = new ArrayList<>();
        for (Path script : scriptFiles()) {
            String file = script.getFileName().toString();
            List<DiffCase> cases = ScriptParser.parse(file, Files.readAllBytes(script));
            Session session = new Session(file);
            SESSIONS.add(session);
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                DiffCase c = cases.get(i);
                boolean last = i == cases.size() - 1;
                tests.add(DynamicTest.dynamicTest(displayName(c), script.toUri(), () -> {
                    try {
                        session.run(c);
                    } finally {
                        if (last) session.close();
                    }
                }));
            }
            files.add(DynamicContainer.dynamicContainer(file, script.toUri(), tests.stream()));
        }
        return files.stream();
    }

    private static String displayName(DiffCase c) {
        String t = c.text();
        if (t.length() > 120) t = t.substring(0, 117) + "...";
        return c.line() + ": " + t;
    }

    private static int timeoutMs() {
        return Integer.getInteger("diff.timeoutMs", 10_000);
    }

    /** Script files in name order, filtered by {@code diff.files}. */
    static List<Path> scriptFiles() throws IOException {
        Path dir;
        String override = System.getProperty("diff.dir");
        if (override != null && !override.isBlank()) {
            dir = Path.of(override);
        } else {
            URL url = DifferentialIT.class.getClassLoader().getResource("diff");
            if (url == null || !url.getProtocol().equals("file")) {
                throw new IllegalStateException("diff scripts not found on the classpath as a directory: " + url);
            }
            try {
                dir = Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        String only = System.getProperty("diff.files", "").trim();
        Set<String> wanted = only.isEmpty() ? Set.of()
                : Arrays.stream(only.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(s -> s.endsWith(".txt") ? s : s + ".txt").collect(Collectors.toSet());
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".txt"))
                    .filter(p -> wanted.isEmpty() || wanted.contains(p.getFileName().toString()))
                    .sorted().collect(Collectors.toList());
            if (files.isEmpty()) throw new IllegalStateException("no diff scripts selected in " + dir);
            return files;
        }
    }

    /**
     * The connection pair for one script file. Opened on the first case with FLUSHALL, so every
     * file starts with an empty dataset and a fresh connection (RESP2, DB 0, no name). Whenever
     * either side closes or fails, both sides are reconnected so they stay in step.
     */
    static final class Session {
        private final String file;
        private final Endpoint oracle;
        private final Endpoint target;
        /** Connections 2..9 of {@code @N} lines, opened on first use (index = N). */
        private final Endpoint[] oracleN = new Endpoint[10];
        private final Endpoint[] targetN = new Endpoint[10];
        private boolean opened;
        /** Target failures in a row; past a few, the rest of the file fails fast instead of timing out. */
        private int targetFailuresInARow;
        private String setupFailure;
        private static final int MAX_TARGET_FAILURES_IN_A_ROW = 3;

        Session(String file) {
            this.file = file;
            int timeout = timeoutMs();
            this.oracle = new Endpoint("redis", oraclePort, timeout);
            this.target = new Endpoint(targetName, targetPort, timeout);
        }

        void run(DiffCase c) throws Exception {
            if (c.kind() == DiffCase.Kind.INVALID) {
                fail(c.where() + ": cannot parse line: " + c.error() + "\n  line: " + c.text());
            }
            if (targetProcess != null && !targetProcess.isAlive()) {
                // A crash would otherwise show up only as "cannot connect" on every later line.
                String log = targetProcess.log();
                if (log.length() > 4000) log = "..." + log.substring(log.length() - 4000);
                fail(c.where() + ": the target server is no longer running; end of its log:\n" + log);
            }
            if (targetFailuresInARow >= MAX_TARGET_FAILURES_IN_A_ROW) {
                fail(c.where() + ": not run: the target failed to answer " + targetFailuresInARow
                        + " lines in a row in this file");
            }
            if (setupFailure != null) {
                fail(c.where() + ": not run: the setup of this file failed: " + setupFailure);
            }
            if (!opened) {
                try {
                    reconnect();
                    oracle.expect(FLUSHALL, OK);
                    target.expect(FLUSHALL, OK);
                } catch (IOException | UncheckedIOException e) {
                    setupFailure = e.getMessage();
                    throw e;
                }
                opened = true;
            }
            if (c.kind() == DiffCase.Kind.SLEEP) {
                // A scripted wait (expiry cases); both servers share the wall clock, so one sleep.
                Thread.sleep(c.sleepMs());
                return;
            }
            Endpoint oracle = this.oracle, target = this.target;
            if (c.conn() != 1) {
                int n = c.conn();
                if (oracleN[n] == null) {
                    oracleN[n] = new Endpoint("redis", oraclePort, timeoutMs());
                    targetN[n] = new Endpoint(targetName, targetPort, timeoutMs());
                    reconnect(n);
                }
                oracle = oracleN[n];
                target = targetN[n];
            }
            oracle.send(c);
            target.send(c);
            Endpoint.Outcome expected = oracle.receive(c);
            Endpoint.Outcome actual = target.receive(c);
            boolean resync = expected.disturbed() || actual.disturbed();
            targetFailuresInARow = actual.failure() != null && expected.failure() == null ? targetFailuresInARow + 1 : 0;
            if (VERBOSE) System.out.println(c.where() + ": " + c.text() + "  ->  " + expected.describe());
            try {
                String problem = compare(c, expected, actual);
                if (problem != null) {
                    fail(c.where() + ": " + c.text() + "\n"
                            + pad("rule") + c.marker().prefix() + ": " + problem + "\n"
                            + pad(oracle.name) + expected.describe() + "\n"
                            + pad(target.name) + actual.describe());
                }
            } finally {
                if (resync) {
                    if (c.conn() == 1) reconnect();
                    else reconnect(c.conn());
                }
            }
        }

        private static String pad(String name) {
            StringBuilder sb = new StringBuilder("  ").append(name).append(':');
            while (sb.length() < 13) sb.append(' ');
            return sb.append(' ').toString();
        }

        private static String compare(DiffCase c, Endpoint.Outcome expected, Endpoint.Outcome actual) {
            if (expected.failure() != null) return "the oracle did not answer properly (is the script line valid?)";
            if (actual.failure() != null) return "the target did not answer properly";
            if (!expected.read()) return null;
            List<Frame> e = expected.replies();
            List<Frame> a = actual.replies();
            if (e.size() != a.size()) return "number of replies differs: " + e.size() + " vs " + a.size();
            for (int i = 0; i < e.size(); i++) {
                String why = ReplyMatcher.mismatch(c.marker(), e.get(i), a.get(i));
                if (why != null) return e.size() == 1 ? why : "reply " + (i + 1) + ": " + why;
            }
            if (expected.closed() != actual.closed()) {
                return expected.closed() ? "the oracle closed the connection, the target did not"
                        : "the target closed the connection, the oracle did not";
            }
            return null;
        }

        private void reconnect() {
            try {
                oracle.open();
                target.open();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot connect", e);
            }
        }

        private void reconnect(int n) {
            try {
                oracleN[n].open();
                targetN[n].open();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot connect @" + n, e);
            }
        }

        void close() {
            oracle.close();
            target.close();
            for (int n = 2; n < 10; n++) {
                if (oracleN[n] != null) oracleN[n].close();
                if (targetN[n] != null) targetN[n].close();
            }
        }
    }
}
