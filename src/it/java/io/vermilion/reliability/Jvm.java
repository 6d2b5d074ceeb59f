package io.vermilion.reliability;

import io.vermilion.client.RespConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * JVM options that make a Vermilion node start faster, for tests that start one per kill: an
 * application class-data-sharing archive (AppCDS) of the classes a node loads, dumped once per
 * test JVM by a node that served a few commands and shut down normally. Cuts a node's start by
 * about a third on the 2-core CI machine. If the archive cannot be made, no options (the JVM
 * also ignores an archive that does not match the jar, with a warning).
 */
final class Jvm {
    private static List<String> options;

    private Jvm() {}

    static synchronized List<String> fastStart() {
        if (options != null) return options;
        options = List.of();
        try {
            Path dir = Files.createTempDirectory("vermilion-it-cds-");
            Path jsa = dir.resolve("vermilion.jsa");
            try (ServerProcess v = ServerProcess.start(Kind.VERMILION, Ports.free(), dir, null,
                    List.of("--appendonly", "yes", "--cluster-enabled", "yes"), List.of("-XX:ArchiveClassesAtExit=" + jsa));
                    RespConnection c = RespConnection.connect("127.0.0.1", v.port(), 5000, 30_000)) {
                c.call("SET", "k", "v");
                c.call("CLUSTER", "ADDSLOTS", "1");
                c.call("CLUSTER", "SAVECONFIG");
                c.call("BGREWRITEAOF");
                c.call("INFO", "persistence");
                c.send("SHUTDOWN", "NOSAVE");
                c.flush();
                v.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.io.IOException ignored) {
                // the connection closes at SHUTDOWN
            }
            if (Files.size(jsa) > 0) options = List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        } catch (Exception e) {
            System.out.println("Jvm.fastStart: no CDS archive (" + e + "), nodes start without one");
        }
        return options;
    }
}
