package io.vermilion.it.types;

import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
        // ServerProcess proves the server is ours (its pid) and retries when the port was taken.
        return ServerProcess.startOnFreePort(kind, dir, null, List.of(args), List.of());
    }

    public static ServerProcess start(Kind kind, String... args) throws IOException {
        return start(kind, Files.createTempDirectory("vermilion-it-types-" + kind.name().toLowerCase(Locale.ROOT) + "-"),
                args);
    }

    public static Conn conn(ServerProcess p) {
        return Conn.single(p.port());
    }
}
