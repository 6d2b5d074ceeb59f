package io.vermilion.cli;

import io.vermilion.it.support.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line client as a separate process, the way a user's shell would: stdout and
 * stderr go to files (so stdout is not a terminal and both CLIs pick raw output by default),
 * stdin comes from given bytes or /dev/null.
 */
final class CliProcess {
    /** What a run produced. */
    record Result(int exit, byte[] out, byte[] err) {
        String outText() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }

        String errText() {
            return new String(err, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit=" + exit + "\n--- stdout ---\n" + outText() + "\n--- stderr ---\n" + errText();
        }
    }

    static final String REDIS_CLI = System.getProperty("redis.cli", "/usr/bin/redis-cli");

    private CliProcess() {}

    /** The real redis-cli. */
    static Result redisCli(List<String> args, byte[] stdin, Map<String, String> env) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(REDIS_CLI);
        cmd.addAll(args);
        return run(cmd, stdin, env);
    }

    /** Our CLI from the shaded jar, with the same JVM flags as bin/vermilion-cli. */
    static Result vermilionCli(List<String> args, byte[] stdin, Map<String, String> env) throws IOException, InterruptedException {
        return run(vermilionCommand(args), stdin, env);
    }

    static List<String> vermilionCommand(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp",
                ServerProcess.vermilionJar().toString(), "io.vermilion.cli.CliMain"));
        cmd.addAll(args);
        return cmd;
    }

    static Result run(List<String> cmd, byte[] stdin, Map<String, String> env) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cli-run-");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            // Nothing from the developer's environment may change the output.
            pb.environment().keySet().removeIf(k -> k.startsWith("REDISCLI_") || k.startsWith("VERMILIONCLI_") || k.equals("FAKETTY"));
            pb.environment().put("REDISCLI_HISTFILE", "/dev/null");
            pb.environment().put("VERMILIONCLI_HISTFILE", "/dev/null");
            pb.environment().putAll(env);
            if (stdin == null) pb.redirectInput(new File("/dev/null"));
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream o = p.getOutputStream()) {
                    o.write(stdin);
                }
            }
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new Result(p.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            Files.deleteIfExists(dir);
        }
    }
}
