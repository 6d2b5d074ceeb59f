package io.vermilion.persistence;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts test servers and makes sure the one answering is ours: other test runs on this machine
 * use the same port range, and a PING answered by a foreign server on a port our process failed
 * to bind would send the test's commands elsewhere. A server counts as started once its own log
 * says it accepts connections while its process is alive; otherwise it is retried on another port.
 */
final class Servers {
    private Servers() {}

    static ServerProcess start(Kind kind, Path dir, String... args) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            ServerProcess p = ServerProcess.start(kind, Ports.free(), dir, null, List.of(args));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline && p.isAlive() && !p.log().contains("Ready to accept connections")) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (p.isAlive() && p.log().contains("Ready to accept connections")) return p;
            String log = p.log();
            p.kill();
            last = new IOException(kind + " did not become ready on port " + p.port() + "; log:\n" + log);
            // Only a lost race for the port is retried; anything else is the test's business.
            if (!log.contains("Address already in use") && !log.contains("Failed listening")) throw last;
        }
        throw last;
    }

    static ServerProcess redis(String... args) throws IOException {
        return start(Kind.REDIS, Files.createTempDirectory("vermilion-it-redis-"), args);
    }

    static ServerProcess vermilion(String... args) throws IOException {
        return start(Kind.VERMILION, Files.createTempDirectory("vermilion-it-vermilion-"), args);
    }
}
