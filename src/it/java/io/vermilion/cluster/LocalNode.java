package io.vermilion.cluster;

import io.vermilion.config.Config;
import io.vermilion.node.VermilionNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A Vermilion node in cluster mode running inside the test JVM (its own event loop thread), with
 * its own directory for nodes.conf and its log. Several of them form a cluster over real TCP.
 */
final class LocalNode implements AutoCloseable {
    final Path dir;
    final int port;
    private final List<String> extra;
    private VermilionNode node;

    private LocalNode(Path dir, int port, List<String> extra) {
        this.dir = dir;
        this.port = port;
        this.extra = extra;
    }

    /** Starts a node on {@code port} with cluster mode on and a 1 s node timeout unless overridden. */
    static LocalNode start(Path dir, int port, String... extra) throws Exception {
        LocalNode n = new LocalNode(dir, port, List.of(extra));
        n.node = n.create();
        n.node.start();
        return n;
    }

    /** Builds (without starting) a node on this node's directory and port. */
    VermilionNode create() throws Exception {
        Files.createDirectories(dir);
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
                "--save", "", "--appendonly", "no", "--logfile", dir.resolve("node.log").toString()));
        args.addAll(extra);
        VermilionNode v = new VermilionNode(Config.fromCommandLine(args));
        v.server().log().file(dir.resolve("node.log").toString());
        return v;
    }

    /** Stops the node (like a crash as far as the cluster sees it: links drop, nothing is sent). */
    void stop() {
        if (node != null) node.close();
        node = null;
    }

    /** Starts it again from its directory: same nodes.conf, so the same id, epochs and slots. */
    void restart() throws Exception {
        stop();
        node = create();
        node.start();
    }

    boolean running() {
        return node != null;
    }

    VermilionNode node() {
        return node;
    }

    Jedis jedis() {
        return new Jedis("127.0.0.1", port, 5000);
    }

    String log() {
        try {
            return Files.readString(dir.resolve("node.log"));
        } catch (Exception e) {
            return "";
        }
    }

    @Override
    public void close() {
        stop();
    }
}
