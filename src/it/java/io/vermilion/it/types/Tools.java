package io.vermilion.it.types;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a real Redis tool (redis-cli, redis-check-rdb, ...) as a process and captures what it prints. */
final class Tools {
    private Tools() {}

    record Result(int exitCode, String output) {
        /** The output without ANSI colours (redis-cli --cluster colours its [OK] lines). */
        String plain() {
            return output.replaceAll("\u001B\\[[0-9;]*m", "");
        }
    }

    static Result run(String... cmd) throws Exception {
        // Output goes to a file so that a hanging tool cannot block the test on a pipe.
        Path out = Files.createTempFile("tool-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(600, TimeUnit.SECONDS)) { // reshards under load: see ClusterCliSupport
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish; output:\n" + Files.readString(out));
            }
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
