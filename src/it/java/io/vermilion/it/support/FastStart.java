package io.vermilion.it.support;

import io.vermilion.client.RespConnection;
import io.vermilion.it.support.ServerProcess.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JVM options with which {@link ServerProcess} starts every Vermilion node of the integration
 * tests, so that a node starts fast: the C1 compiler only ({@code -XX:TieredStopAtLevel=1}: a test
 * node lives seconds and never repays C2's compile time), no perf-data file, and an application
 * class-data-sharing archive (AppCDS) of the classes a node loads ({@code -Xshare:auto}: used when
 * it matches the jar, ignored otherwise), dumped once per test JVM by a node that served a few
 * commands (keys, cluster, AOF rewrite, replication roles) and shut down normally. Together they
 * take a node's start from about 1.4 to 0.55 s of CPU on the 2-core CI machine.
 *
 * <p>{@code -Dit.fastStart=false} starts nodes with the JVM's defaults instead (C2, no archive).
 */
public final class FastStart {
    private static final List<String> BASE = List.of("-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");
    private static List<String> options;

    private FastStart() {}

    public static boolean enabled() {
        return !"false".equals(System.getProperty("it.fastStart"));
    }

    /** The options (empty when disabled); the archive is made at the first call. */
    public static synchronized List<String> options() {
        if (!enabled()) return List.of();
        if (options != null) return options;
        options = BASE;
        try {
            Path dir = Files.createTempDirectory("vermilion-it-cds-");
            Path jsa = dir.resolve("vermilion.jsa");
            List<String> dump = new ArrayList<>(BASE);
            dump.add("-XX:ArchiveClassesAtExit=" + jsa);
            ServerProcess v = ServerProcess.startWith(Kind.VERMILION, Ports.free(), dir, null,
                    List.of("--appendonly", "yes", "--cluster-enabled", "yes"), dump);
            try (v; RespConnection c = RespConnection.connect("127.0.0.1", v.port(), 5000, 30_000)) {
                c.call("SET", "k", "v");
                c.call("CLUSTER", "ADDSLOTS", "1");
                c.call("CLUSTER", "SAVECONFIG");
                c.call("BGREWRITEAOF");
                c.call("INFO", "all");
                c.call("ROLE");
                c.send("SHUTDOWN", "NOSAVE");
                c.flush();
                v.process().waitFor(30, TimeUnit.SECONDS);
            } catch (java.io.IOException ignored) {
                // the connection closes at SHUTDOWN
            }
            if (Files.exists(jsa) && Files.size(jsa) > 0) {
                List<String> o = new ArrayList<>(BASE);
                o.addAll(List.of("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
                options = List.copyOf(o);
            }
        } catch (Exception e) {
            System.out.println("FastStart: no CDS archive (" + e + "), nodes start without one");
        }
        return options;
    }
}
