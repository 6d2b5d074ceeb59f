package io.vermilion.cli.cluster;

import static io.vermilion.cli.cluster.ClusterCliSupport.addr;
import static io.vermilion.cli.cluster.ClusterCliSupport.call;
import static io.vermilion.cli.cluster.ClusterCliSupport.myId;
import static io.vermilion.cli.cluster.ClusterCliSupport.ours;
import static io.vermilion.cli.cluster.ClusterCliSupport.oursWithInput;
import static io.vermilion.cli.cluster.ClusterCliSupport.redisCli;
import static io.vermilion.cli.cluster.ClusterCliSupport.redisCliWithInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vermilion.cli.cluster.ClusterCliSupport.Result;
import io.vermilion.it.support.ClusterFixture;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code -c}: the smart client against a real cluster, compared with {@code redis-cli -c}: the
 * same "-> Redirected to slot [n] located at host:port" lines and replies for MOVED and ASK, in
 * one-shot mode, with commands on stdin, and on a terminal where the prompt follows the node.
 * Also: the slot map saves the MOVED round trip redis-cli pays again for a slot it has seen.
 */
class SmartClientIT {
    private static final String SOCKET = "vermilion-smart-" + ProcessHandle.current().pid();

    @BothKinds
    void redirectsLikeRedisCli(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            int p1 = f.node(0).port();
            // The walkthrough's session: key -> 12539 (third master), key2 -> 4998 (first).
            String session = "set key hello\nset key2 world\nget key\nget key2\nget key\nincr counter\nmget key key2\n"
                    + "cluster keyslot key\nget nosuch\n";
            Result expected = redisCliWithInput(session, "-c", "-p", Integer.toString(p1));
            for (int p : f.ports()) call(p, "FLUSHALL");
            Result actual = oursWithInput(session, "-c", "-p", Integer.toString(p1));
            assertThat(actual.out()).isEqualTo(expected.out())
                    .startsWith("-> Redirected to slot [12539] located at 127.0.0.1:" + f.node(2).port() + "\nOK\n");
            assertThat(actual.exit()).isEqualTo(expected.exit());

            // One-shot: followed silently.
            for (String[] cmd : List.of(new String[] {"get", "key"}, new String[] {"set", "key", "again"},
                    new String[] {"get", "key2"}, new String[] {"del", "key"})) {
                List<String> args = new ArrayList<>(List.of("-c", "-p", Integer.toString(p1)));
                args.addAll(List.of(cmd));
                java.util.Map<String, String> state = java.util.Map.of("key", "hello", "key2", "world");
                ClusterCliSupport.writeAll(p1, state);
                Result e = redisCli(args.toArray(new String[0]));
                ClusterCliSupport.writeAll(p1, state);
                Result a = ours(args.toArray(new String[0]));
                assertThat(a.out()).as("%s", args).isEqualTo(e.out());
                assertThat(a.exit()).isEqualTo(e.exit());
            }
            // -c and -s do not mix.
            Result both = ours("-c", "-s", "/tmp/x.sock", "ping");
            assertThat(both.err()).isEqualTo(redisCli("-c", "-s", "/tmp/x.sock", "ping").err())
                    .isEqualTo("Options -c and -s are mutually exclusive.\n");
        }
    }

    @BothKinds
    void asksDuringAMigrationLikeRedisCli(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            int p2 = f.node(1).port(), p3 = f.node(2).port();
            int slot = 12182; // "foo", on the third master
            call(p2, "CLUSTER", "SETSLOT", Integer.toString(slot), "IMPORTING", myId(p3));
            call(p3, "CLUSTER", "SETSLOT", Integer.toString(slot), "MIGRATING", myId(p2));
            call(p3, "SET", "{foo}old", "here");
            String session = "set foo bar\nget foo\nget {foo}old\nget foo\n";
            Result expected = redisCliWithInput(session, "-c", "-p", Integer.toString(p3));
            // The ASKed write landed on the importing node: remove it there for the second run.
            try (var c = ClusterCliSupport.connect(p2)) {
                c.call("ASKING");
                assertThat(c.call("DEL", "foo").asLong()).isEqualTo(1);
            }
            Result actual = oursWithInput(session, "-c", "-p", Integer.toString(p3));
            assertThat(actual.out()).isEqualTo(expected.out())
                    .contains("-> Redirected to slot [12182] located at 127.0.0.1:" + p2 + "\nOK\n");
        }
    }

    @BothKinds
    void slotMapSavesTheMovedRoundTrip(ServerProcess.Kind kind) throws Exception {
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            int p1 = f.node(0).port();
            String session = "set key hello\nset key2 world\nget key\nget key2\nget key\n";
            long theirs = movedCount(f, () -> redisCliWithInput(session, "-c", "-p", Integer.toString(p1)));
            long mine = movedCount(f, () -> oursWithInput(session, "-c", "-p", Integer.toString(p1)));
            assertThat(theirs).isEqualTo(5);
            assertThat(mine).isEqualTo(2); // one MOVED per slot, then the map
        }
    }

    interface Run {
        Result run() throws Exception;
    }

    private static long movedCount(ClusterFixture f, Run r) throws Exception {
        for (int p : f.ports()) call(p, "CONFIG", "RESETSTAT");
        r.run();
        long n = 0;
        for (int p : f.ports()) {
            for (String l : call(p, "INFO", "errorstats").split("\r\n")) {
                if (l.startsWith("errorstat_MOVED:count=")) n += Long.parseLong(l.substring("errorstat_MOVED:count=".length()));
            }
        }
        return n;
    }

    // ---------------------------------------------------------------- on a terminal (tmux)

    @BothKinds
    void promptFollowsTheNodeOnATerminal(ServerProcess.Kind kind) throws Exception {
        assumeTrue(tmuxAvailable(), "tmux is not installed");
        try (ClusterFixture f = ClusterFixture.start(kind, 3)) {
            int p1 = f.node(0).port();
            List<String> typed = List.of("set key hello", "set key2 world", "get key", "get key2");
            String expected = screenAfter("redis", List.of(ClusterCliSupport.REDIS_CLI, "-c", "-p", Integer.toString(p1)), typed);
            for (int p : f.ports()) call(p, "FLUSHALL");
            String actual = screenAfter("ours", ClusterCliSupport.ourCommand(List.of("-c", "-p", Integer.toString(p1))), typed);
            assertThat(actual).isEqualTo(expected);
            assertThat(actual).contains("127.0.0.1:" + p1 + "> set key hello\n-> Redirected to slot [12539] located at 127.0.0.1:"
                    + f.node(2).port() + "\nOK\n127.0.0.1:" + f.node(2).port() + "> set key2 world\n");
        } finally {
            tmux("kill-server");
        }
    }

    /** On a terminal, reshard shows a progress bar and a summary instead of one line per slot. */
    @BothKinds
    void reshardShowsProgressOnATerminal(ServerProcess.Kind kind) throws Exception {
        assumeTrue(tmuxAvailable(), "tmux is not installed");
        try (ClusterFixture f = ClusterFixture.start(kind, 3);
             ServerProcess fourth = ServerProcess.start(kind, Ports.free(), List.of("--cluster-enabled", "yes",
                     "--cluster-node-timeout", "5000"))) {
            int p1 = f.node(0).port();
            assertThat(ours("--cluster", "add-node", addr(fourth.port()), addr(p1)).exit()).isZero();
            ClusterCliSupport.writeKeys(p1, "k", 20_000);
            start("progress", ClusterCliSupport.ourCommand(List.of("--cluster", "reshard", addr(p1), "--cluster-from", "all",
                    "--cluster-to", myId(fourth.port()), "--cluster-slots", "1000", "--cluster-yes")));
            String screen = awaitScreen("progress", s -> s.contains("[exited"));
            assertThat(screen).containsPattern("Moved \\d+ slots, \\d+ keys in [0-9.]+s \\(\\d+ keys/s\\)")
                    .contains("Resharding plan:").doesNotContain("Moving slot 0 from 127.0.0.1");
        } finally {
            tmux("kill-server");
        }
    }

    private static String screenAfter(String name, List<String> cmd, List<String> typed) throws Exception {
        start(name, cmd);
        awaitScreen(name, s -> s.stripTrailing().endsWith(">"));
        int prompts = 1;
        for (String line : typed) {
            tmux("send-keys", "-t", name, "-l", line);
            tmux("send-keys", "-t", name, "Enter");
            int want = ++prompts;
            awaitScreen(name, s -> s.lines().filter(l -> l.matches("127\\.0\\.0\\.1:\\d+> .*|127\\.0\\.0\\.1:\\d+>")).count() >= want
                    && s.stripTrailing().endsWith(">"));
        }
        String screen = capture(name);
        tmux("kill-session", "-t", name);
        return io.vermilion.it.support.CliOutput.withoutTimings(screen).strip();
    }

    private static void start(String session, List<String> cmd) throws Exception {
        Path dir = Files.createTempDirectory("smart-tmux");
        Path script = dir.resolve(session + ".sh");
        String body = "#!/bin/sh\nexport REDISCLI_HISTFILE=/dev/null VERMILIONCLI_HISTFILE=/dev/null TERM=dumb\n"
                + cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "))
                + "\necho '[exited]'\nsleep 60\n";
        Files.writeString(script, body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        // A session that outlives the others: the tmux server exits with its last session, and a
        // new-session racing with that exit loses its session on a loaded machine ("duplicate
        // session" when it is already there, which is fine).
        tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "10", "sleep 100000");
        tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", script.toString());
    }

    /** Up to 180 s: on a machine loaded 10x over, the reshard of 20,000 keys took more than 60 s. */
    private static String awaitScreen(String session, Predicate<String> p) throws Exception {
        String[] last = {""};
        try {
            return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(180)).pollDelay(java.time.Duration.ZERO)
                    .pollInterval(java.time.Duration.ofMillis(50)).until(() -> last[0] = capture(session), p::test);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("screen never matched; last screen:\n" + last[0], e);
        }
    }

    private static String capture(String session) throws Exception {
        String screen = tmux("capture-pane", "-p", "-J", "-S", "-", "-t", session);
        return screen.lines().map(String::stripTrailing).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", SOCKET));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(20, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static boolean tmuxAvailable() {
        try {
            Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
