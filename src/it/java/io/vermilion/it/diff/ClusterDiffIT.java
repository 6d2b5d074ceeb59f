package io.vermilion.it.diff;

import static org.junit.jupiter.api.Assertions.fail;

import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The differential scripts of {@code src/it/resources/diff-cluster}, replayed like
 * {@link DifferentialIT}'s (same line syntax and markers) but against a real redis-server 7.0 and
 * a Vermilion node that both run in cluster mode, each a fresh single-node cluster. Files run in
 * name order on one connection each and share the servers, so a file may rely on the slots the
 * previous ones assigned.
 */
class ClusterDiffIT {
    /** A short node timeout keeps the rejoin delay (which the script waits out) at its 500 ms minimum. */
    private static final String[] SERVER_ARGS = {"--enable-debug-command", "yes", "--cluster-enabled", "yes",
            "--cluster-node-timeout", "500"};
    private static final byte[] FLUSHALL = "*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int TIMEOUT_MS = 10_000;

    private static ServerProcess oracle;
    private static ServerProcess target;

    @BeforeAll
    static void start() throws IOException {
        oracle = ServerProcess.redis(SERVER_ARGS);
        target = System.getProperty("diff.target", "vermilion").equals("redis")
                ? ServerProcess.redis(SERVER_ARGS) : ServerProcess.vermilion(SERVER_ARGS);
        // A master keeps its first cluster state for 2 s after start; once that is over, a node
        // without slots reports cluster_size:0. Wait for that on both so their replies agree.
        for (ServerProcess p : new ServerProcess[] {oracle, target}) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
                        try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", p.port())) {
                            return j.clusterInfo().contains("cluster_size:0\r\n");
                        }
                    });
        }
    }

    @AfterAll
    static void stop() {
        if (target != null) target.close();
        if (oracle != null) oracle.close();
    }

    private static List<Path> files() throws IOException {
        URL url = ClusterDiffIT.class.getClassLoader().getResource("diff-cluster");
        if (url == null) throw new IllegalStateException("diff-cluster scripts not on the classpath");
        Path dir;
        try {
            dir = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().collect(Collectors.toList());
        }
    }

    @TestFactory
    Stream<DynamicNode> scripts() throws IOException {
        List<DynamicNode> out = new ArrayList<>();
        for (Path script : files()) {
            String file = script.getFileName().toString();
            List<DiffCase> cases = ScriptParser.parse(file, Files.readAllBytes(script));
            Endpoint e = new Endpoint("redis", oracle.port(), TIMEOUT_MS);
            Endpoint a = new Endpoint("vermilion", target.port(), TIMEOUT_MS);
            boolean[] opened = {false};
            List<DynamicTest> tests = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                DiffCase c = cases.get(i);
                boolean last = i == cases.size() - 1;
                tests.add(DynamicTest.dynamicTest(c.line() + ": " + c.text(), script.toUri(), () -> {
                    try {
                        if (!opened[0]) {
                            e.open();
                            a.open();
                            e.expect(FLUSHALL, OK);
                            a.expect(FLUSHALL, OK);
                            opened[0] = true;
                        }
                        run(c, e, a);
                    } finally {
                        if (last) {
                            e.close();
                            a.close();
                        }
                    }
                }));
            }
            out.add(DynamicContainer.dynamicContainer(file, script.toUri(), tests.stream()));
        }
        return out.stream();
    }

    private static void run(DiffCase c, Endpoint oracleEnd, Endpoint targetEnd) throws Exception {
        if (c.kind() == DiffCase.Kind.INVALID) fail(c.where() + ": cannot parse line: " + c.error());
        if (c.kind() == DiffCase.Kind.SLEEP) {
            Thread.sleep(c.sleepMs());
            return;
        }
        if (!target.isAlive()) fail(c.where() + ": the target is no longer running; log:\n" + target.log());
        oracleEnd.send(c);
        targetEnd.send(c);
        Endpoint.Outcome expected = oracleEnd.receive(c);
        Endpoint.Outcome actual = targetEnd.receive(c);
        String problem = null;
        if (expected.failure() != null) problem = "the oracle did not answer properly";
        else if (actual.failure() != null) problem = "the target did not answer properly";
        else if (expected.read()) {
            List<Frame> ex = expected.replies();
            List<Frame> ac = actual.replies();
            if (ex.size() != ac.size()) {
                problem = "number of replies differs: " + ex.size() + " vs " + ac.size();
            } else {
                for (int i = 0; i < ex.size() && problem == null; i++) {
                    problem = ReplyMatcher.mismatch(c.marker(), ex.get(i), ac.get(i));
                }
            }
            if (problem == null && expected.closed() != actual.closed()) problem = "connection closed on one side only";
        }
        if (expected.disturbed() || actual.disturbed()) {
            oracleEnd.open();
            targetEnd.open();
        }
        if (problem != null) {
            fail(c.where() + ": " + c.text() + "\n  rule " + c.marker().prefix() + ": " + problem
                    + "\n  redis:     " + expected.describe() + "\n  vermilion: " + actual.describe());
        }
    }
}
