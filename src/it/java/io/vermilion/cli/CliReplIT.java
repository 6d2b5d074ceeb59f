package io.vermilion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The interactive REPL on a real terminal: tmux gives both CLIs a pseudo-terminal, we type into it
 * with {@code send-keys} and read the screen with {@code capture-pane}. Skipped if tmux is not
 * installed.
 *
 * <p>A "keep" session lives for the whole class: the tmux server exits when its last session ends
 * (a CLI quitting, kill-session), and a new-session racing with that exit lost its session on a
 * loaded machine ("session ended early"). The screen is polled with Awaitility, 60 s at most.
 */
class CliReplIT {
    private static final String SOCKET = "vermilion-it-" + ProcessHandle.current().pid();
    private static ServerProcess redis;
    private static RespConnection admin;
    private static Path dir;
    private static final Duration SCREEN_WAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        assumeTrue(tmuxAvailable(), "tmux is not installed");
        redis = ServerProcess.redis("--enable-debug-command", "yes");
        admin = RespConnection.connect("127.0.0.1", redis.port(), 5000, 10_000);
        dir = Files.createTempDirectory("cli-repl-it-");
        tmux("new-session", "-d", "-s", "keep", "-x", "80", "-y", "10", "sleep 100000");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> tmuxStatus("has-session", "-t", "keep") == 0);
    }

    @AfterAll
    static void stop() throws IOException, InterruptedException {
        if (redis == null) return;
        tmux("kill-server");
        admin.close();
        redis.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void sameScreenAsRedisCli() throws Exception {
        List<String> typed = List.of("set foo bar", "get foo", "rpush l a b c", "lrange l 0 -1", "get missing",
                "select 2", "hello 3", "hgetall nohash", "select 0", "multi", "incr x", "exec", "foo",
                "2 ping", "\"bad quote", "config get maxmemory", "command info ping");
        admin.call("FLUSHALL");
        String expected = screenAfter("redis", List.of(CliProcess.REDIS_CLI), typed);
        admin.call("FLUSHALL");
        String actual = screenAfter("vermilion", CliProcess.vermilionCommand(List.of()), typed);
        assertThat(normalize(actual)).isEqualTo(normalize(expected));
        assertThat(normalize(actual)).contains("127.0.0.1:" + redis.port() + "> lrange l 0 -1\n1) \"a\"\n2) \"b\"\n3) \"c\"\n")
                .contains("127.0.0.1:" + redis.port() + "[2]> hello 3\n1# \"server\" => \"redis\"\n")
                .contains("127.0.0.1:" + redis.port() + "(TX)> incr x\nQUEUED\n");
    }

    @Test
    void promptHintsCompletionAndHistory() throws Exception {
        Path history = dir.resolve("history");
        String session = "hints";
        start(session, CliProcess.vermilionCommand(List.of("-p", Integer.toString(redis.port()))), history);
        String prompt = "127.0.0.1:" + redis.port() + "> ";
        awaitScreen(session, s -> s.contains(prompt.strip()));

        // The grey hint (SGR 90) shows the arguments still to type, and is not left behind on Enter.
        tmux("send-keys", "-t", session, "-l", "set k");
        String colored = awaitScreen(session, true, s -> s.contains("set k\u001b["));
        assertThat(colored).contains("set k\u001b[90m value [NX|XX] [GET]");
        tmux("send-keys", "-t", session, "-l", " v");
        awaitScreen(session, s -> s.contains("set k v [NX|XX]"));
        tmux("send-keys", "-t", session, "Enter");
        String afterEnter = awaitScreen(session, s -> s.contains("set k v\nOK\n" + prompt.strip()));
        assertThat(afterEnter).doesNotContain("set k v [NX");

        // Tab completes command names in upper case, as redis-cli.
        tmux("send-keys", "-t", session, "-l", "hgetal");
        tmux("send-keys", "-t", session, "Tab");
        awaitScreen(session, s -> s.contains(prompt + "HGETALL key"));
        tmux("send-keys", "-t", session, "C-u");
        awaitScreen(session, s -> s.stripTrailing().endsWith(prompt.strip()));

        // The prompt follows SELECT; AUTH is kept out of the history file.
        typeLine(session, "select 3");
        awaitScreen(session, s -> s.stripTrailing().endsWith("127.0.0.1:" + redis.port() + "[3]>"));
        typeLine(session, "auth secret-password");
        awaitScreen(session, s -> s.contains("called without any password configured") && s.stripTrailing().endsWith("[3]>"));
        typeLine(session, "help get");
        awaitScreen(session, s -> s.contains("summary: Get the value of a key") && s.stripTrailing().endsWith("[3]>"));
        typeLine(session, "quit");
        awaitGone(session);

        List<String> lines = Files.readAllLines(history, StandardCharsets.UTF_8);
        assertThat(lines).containsExactly("set k v", "select 3", "help get", "quit");
        assertThat(admin.call("GET", "k").asString()).isEqualTo("v");

        // A new session loads the file: Up recalls the previous lines.
        start(session, CliProcess.vermilionCommand(List.of("-p", Integer.toString(redis.port()))), history);
        awaitScreen(session, s -> s.contains(prompt.strip()));
        tmux("send-keys", "-t", session, "Up");
        tmux("send-keys", "-t", session, "Up");
        awaitScreen(session, s -> s.contains(prompt + "help get"));
        tmux("send-keys", "-t", session, "C-u");
        awaitScreen(session, s -> s.stripTrailing().endsWith(prompt.strip()));
        tmux("send-keys", "-t", session, "C-d"); // on an empty line: end of input, the CLI exits
        awaitGone(session);
    }

    @Test
    void notConnectedPromptAndReconnect() throws Exception {
        String session = "reconnect";
        start(session, CliProcess.vermilionCommand(List.of("-p", "1")), null);
        awaitScreen(session, s -> s.contains("Could not connect to Redis at 127.0.0.1:1: Connection refused") && s.stripTrailing().endsWith("not connected>"));
        typeLine(session, "connect 127.0.0.1 " + redis.port());
        awaitScreen(session, s -> s.stripTrailing().endsWith("127.0.0.1:" + redis.port() + ">"));
        typeLine(session, "ping");
        awaitScreen(session, s -> s.contains("PONG"));
        // A server-side disconnect is reported, and the next command reconnects.
        admin.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        typeLine(session, "ping");
        awaitScreen(session, s -> s.contains("Error: Server closed the connection\nnot connected>"));
        typeLine(session, "ping");
        awaitScreen(session, s -> s.indexOf("PONG") != s.lastIndexOf("PONG"));
        tmux("send-keys", "-t", session, "C-d");
        awaitGone(session);
    }

    // ---------------------------------------------------------------- tmux plumbing

    /** Runs {@code typed} in a fresh CLI on a 160x60 terminal and returns the screen (with scrollback). */
    private String screenAfter(String session, List<String> cli, List<String> typed) throws Exception {
        List<String> cmd = new ArrayList<>(cli);
        cmd.addAll(List.of("-p", Integer.toString(redis.port())));
        start(session, cmd, null);
        String prompt = "127.0.0.1:" + redis.port();
        awaitScreen(session, s -> s.contains(prompt));
        int done = 0;
        for (String line : typed) {
            typeLine(session, line);
            done++;
            int expectedPrompts = done + 1;
            // Wait until the reply is shown and the next prompt is drawn.
            awaitScreen(session, s -> s.split(java.util.regex.Pattern.quote(prompt), -1).length - 1 >= expectedPrompts
                    && s.stripTrailing().endsWith(">"));
        }
        String screen = capture(session, false);
        tmux("kill-session", "-t", session);
        return screen;
    }

    /** Starts {@code cmd} in a new tmux session, through a small script that sets its environment. */
    private static void start(String session, List<String> cmd, Path historyFile) throws Exception {
        Path script = dir.resolve(session + ".sh");
        String hist = historyFile == null ? "/dev/null" : historyFile.toString();
        String body = "#!/bin/sh\nexport REDISCLI_HISTFILE=/dev/null VERMILIONCLI_HISTFILE='" + hist + "'\nexec "
                + cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" ")) + "\n";
        Files.writeString(script, body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "60", script.toString());
    }

    private static void typeLine(String session, String line) throws Exception {
        tmux("send-keys", "-t", session, "-l", line);
        tmux("send-keys", "-t", session, "Enter");
    }

    private static String awaitScreen(String session, Predicate<String> p) throws Exception {
        return awaitScreen(session, false, p);
    }

    /** Polls the screen (bounded) until {@code p} holds, failing with the last screen otherwise. */
    private static String awaitScreen(String session, boolean escapes, Predicate<String> p) throws Exception {
        String[] last = {""};
        try {
            return await().atMost(SCREEN_WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(() -> last[0] = capture(session, escapes), p::test);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("screen never matched in " + SCREEN_WAIT + "; last screen:\n" + last[0], e);
        }
    }

    private static void awaitGone(String session) throws Exception {
        try {
            await().atMost(SCREEN_WAIT).pollInterval(Duration.ofMillis(50)).until(() -> tmuxStatus("has-session", "-t", session) != 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("CLI did not exit; screen:\n" + capture(session, false), e);
        }
    }

    private static String capture(String session, boolean escapes) throws Exception {
        List<String> args = new ArrayList<>(List.of("capture-pane", "-p", "-J", "-S", "-", "-t", session));
        if (escapes) args.add("-e");
        String screen = tmux(args.toArray(new String[0]));
        // Blanks at line ends are invisible (line editors clear hints by writing spaces): ignore them.
        return escapes ? screen : screen.lines().map(String::stripTrailing).collect(Collectors.joining("\n", "", "\n"));
    }

    /** Trailing blanks and the connection id (different per connection) are not part of the comparison. */
    private static String normalize(String screen) {
        return io.vermilion.it.support.CliOutput.withoutTimings(screen.lines().map(String::stripTrailing)
                .map(l -> l.replaceAll("\"id\" => \\(integer\\) \\d+", "\"id\" => <id>"))
                .collect(Collectors.joining("\n"))).strip();
    }

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", SOCKET));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(20, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static int tmuxStatus(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", SOCKET));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor(20, TimeUnit.SECONDS);
        return p.exitValue();
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
