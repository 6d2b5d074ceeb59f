package io.vermilion.node;

import io.vermilion.config.Config;
import io.vermilion.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vermilion-server [config-file] [--directive value ...]}, like redis-server.
 */
public final class Main {
    public static final String VERSION = "0.1.0";
    /** The Redis version we are compatible with, reported in INFO/HELLO as redis_version. */
    public static final String REDIS_VERSION = "7.0.15";

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && (args[0].equals("-v") || args[0].equals("--version"))) {
            System.out.println("Vermilion server v=" + VERSION + " (Redis " + REDIS_VERSION + " compatible)");
            return;
        }
        if (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            usage();
            return;
        }
        Config config;
        try {
            config = Config.fromCommandLine(List.of(args));
        } catch (ConfigException e) {
            if (e.kind() == ConfigException.Kind.LOG) {
                new io.vermilion.util.Log().warning(e.getMessage());
            } else {
                System.err.println(e.getMessage());
            }
            System.exit(1);
            return;
        }
        if (config.getBool("daemonize") && System.getenv("VERMILION_DAEMON_CHILD") == null) {
            daemonize(args);
            return;
        }
        // Netty's leak detector samples 1 in 128 buffers by default; a sampled buffer is wrapped
        // and its creation stack recorded, which costs on every request path and makes the
        // buffer call sites polymorphic. Off unless asked for (-Dio.netty.leakDetection.level=...).
        if (System.getProperty("io.netty.leakDetection.level") == null
                && System.getProperty("io.netty.leakDetectionLevel") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        VermilionNode node;
        try {
            node = new VermilionNode(config);
        } catch (io.vermilion.acl.SecurityConfig.StartupException e) {
            if (e.configError() != null) System.err.println(e.getMessage());
            else new io.vermilion.util.Log().warning(e.getMessage());
            System.exit(1);
            return;
        }
        String logfile = config.get("logfile");
        node.server().log().file(logfile.isEmpty() ? "" : config.resolve(logfile).toString());
        node.server().log().notice("oO0OoO0OoO0Oo Vermilion is starting oO0OoO0OoO0Oo");
        node.server().log().notice("Vermilion version=" + VERSION + ", pid=" + ProcessHandle.current().pid()
                + ", just started");
        String pidfile = config.get("pidfile").isEmpty() ? "" : config.resolve(config.get("pidfile")).toString();
        node.server().shutdownAction(save -> {
            node.server().log().warning("User requested shutdown...");
            if (!node.persistence().prepareShutdown(save)) {
                // The node keeps running, as Redis does when the final save fails.
                return false;
            }
            node.server().log().warning("Vermilion is now ready to exit, bye bye...");
            removePidfile(pidfile);
            // Exit from the command thread itself: nothing else may run after SHUTDOWN.
            System.out.flush();
            Runtime.getRuntime().halt(0);
            return true;
        });
        try {
            node.start();
        } catch (io.vermilion.persistence.DataLoadException | io.vermilion.cluster.runtime.ClusterStartupException
                | io.vermilion.net.tls.TlsException e) {
            node.server().log().warning(e.getMessage());
            System.exit(1);
            return;
        } catch (Exception e) {
            node.server().log().warning("Failed listening on port " + config.get("port") + " (tcp), aborting: " + e.getMessage());
            System.exit(1);
            return;
        }
        writePidfile(pidfile, config.getBool("daemonize"));
        node.server().log().notice("Server initialized");
        node.server().log().notice("Ready to accept connections tcp");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM/SIGINT: save as SHUTDOWN would (Redis does the same on SIGTERM).
            onSignal(node);
            removePidfile(pidfile);
        }));
        node.awaitStop();
    }

    private static void onSignal(VermilionNode node) {
        try {
            node.server().loop().submit(() -> {
                node.server().log().warning("Received SIGTERM scheduling shutdown...");
                // As Redis on SIGTERM: save when save points are configured.
                node.persistence().prepareShutdown(!node.config().get("save").trim().isEmpty());
                node.server().log().warning("Vermilion is now ready to exit, bye bye...");
            }).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // the loop is gone or the save hung: exit anyway
        }
    }

    private static void writePidfile(String pidfile, boolean daemonized) {
        // Redis writes a pidfile when one is configured, or /var/run/redis.pid when daemonized.
        if (pidfile == null || pidfile.isEmpty()) {
            if (!daemonized) return;
            pidfile = "/var/run/vermilion.pid";
        }
        try {
            Files.writeString(Path.of(pidfile), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            // Redis only logs this: a node without a writable /var/run still runs.
            System.err.println("Failed to write PID file: " + e.getMessage());
        }
    }

    private static void removePidfile(String pidfile) {
        if (pidfile == null || pidfile.isEmpty()) return;
        try {
            Files.deleteIfExists(Path.of(pidfile));
        } catch (IOException ignored) {
            // best effort, as Redis
        }
    }

    /**
     * The JVM cannot fork, so "daemonize yes" re-runs this same command as a new session leader
     * (setsid) with its output detached, and returns at once; the child writes the pidfile.
     */
    private static void daemonize(String[] args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) cmd.add("/usr/bin/setsid");
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("VERMILION_DAEMON_CHILD", "1");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.start();
    }

    private static void usage() {
        System.out.println(String.join("\n",
                "Usage: vermilion-server [/path/to/redis.conf] [options] [-]",
                "       vermilion-server - (read config from stdin)",
                "       vermilion-server -v or --version",
                "       vermilion-server -h or --help",
                "",
                "Examples:",
                "       vermilion-server (run the server with default conf)",
                "       vermilion-server /etc/redis/6379.conf",
                "       vermilion-server --port 7777",
                "       vermilion-server /etc/myredis.conf --loglevel verbose",
                "       vermilion-server --port 7001 --cluster-enabled yes"));
    }
}
