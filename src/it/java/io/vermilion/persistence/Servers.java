package io.vermilion.persistence;

import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts test servers and makes sure the one answering is ours: other test runs on this machine
 * use the same port range, and a PING answered by a foreign server on a port our process failed
 * to bind would send the test's commands elsewhere. {@link ServerProcess#startOnFreePort} counts a
 * server as started once it reports our process's pid, and retries on another port if the port
 * was taken.
 */
final class Servers {
    private Servers() {}

    static ServerProcess start(Kind kind, Path dir, String... args) throws IOException {
        // ServerProcess proves the server is ours (its pid) and retries when the port was taken.
        return ServerProcess.startOnFreePort(kind, dir, null, List.of(args), List.of());
    }

    static ServerProcess redis(String... args) throws IOException {
        return start(Kind.REDIS, Files.createTempDirectory("vermilion-it-redis-"), args);
    }

    static ServerProcess vermilion(String... args) throws IOException {
        return start(Kind.VERMILION, Files.createTempDirectory("vermilion-it-vermilion-"), args);
    }
}
