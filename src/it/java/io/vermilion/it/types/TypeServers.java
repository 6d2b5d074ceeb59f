package io.vermilion.it.types;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Starts the servers of the cross-type tests. The server under test is Vermilion, or a second
 * real redis-server with {@code -Dinterop.target=redis} (which checks the tests themselves: every
 * comparison must hold between two real servers). A server counts as started once its own log
 * says it accepts connections (another test run may hold the port we were given).
 */
public final class TypeServers {
    private TypeServers() {}

    /** The kind of the server under test. */
    public static Kind target() {
        return System.getProperty("interop.target", "vermilion").toLowerCase(Locale.ROOT).equals("redis")
                ? Kind.REDIS : Kind.VERMILION;
    }

    public static ServerProcess start(Kind kind, Path dir, String... args) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            ServerProcess p = ServerProcess.start(kind, Ports.free(), dir, null, List.of(args));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
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
            if (!log.contains("Address already in use") && !log.contains("Failed listening")) throw last;
        }
        throw last;
    }

    public static ServerProcess start(Kind kind, String... args) throws IOException {
        return start(kind, Files.createTempDirectory("vermilion-it-types-" + kind.name().toLowerCase(Locale.ROOT) + "-"),
                args);
    }

    public static Conn conn(ServerProcess p) {
        return Conn.single(p.port());
    }
}
