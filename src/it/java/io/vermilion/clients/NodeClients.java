package io.vermilion.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs src/it/node/ioredis-check.js (ioredis, installed by bin/test with npm ci). */
final class NodeClients {
    private NodeClients() {}

    static String run(String mode, int port) throws Exception {
        Path dir = Path.of(System.getProperty("vermilion.home", ".")).resolve("src/it/node").toAbsolutePath();
        assertThat(Files.isDirectory(dir.resolve("node_modules/ioredis")))
                .as("ioredis is installed (run bin/test, or npm ci in %s)", dir).isTrue();
        Process p = new ProcessBuilder("node", "ioredis-check.js", mode, Integer.toString(port))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
