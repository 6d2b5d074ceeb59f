package io.vermilion.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real redis-cli 7.0 as a separate process and captures what it prints. */
final class RedisCli {
    record Result(int exitCode, String output) {
        /** The output without ANSI colours (redis-cli --cluster colours its [OK] lines). */
        String plain() {
            return output.replaceAll("\u001B\\[[0-9;]*m", "");
        }
    }

    private RedisCli() {}

    static String binary() {
        return System.getProperty("redis.cli", "/usr/bin/redis-cli");
    }

    /** redis-cli with these arguments; {@code stdin} is fed to it (null: no input). */
    static Result withInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary());
        cmd.addAll(List.of(args));
        // Output goes to a file so that a hanging redis-cli cannot block the test on a pipe.
        Path outFile = Files.createTempFile("redis-cli-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(outFile.toFile());
            Process p = pb.start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("redis-cli " + String.join(" ", args) + " did not finish; output:\n"
                        + Files.readString(outFile));
            }
            return new Result(p.exitValue(), Files.readString(outFile));
        } finally {
            Files.deleteIfExists(outFile);
        }
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return withInput(null, args);
    }
}
