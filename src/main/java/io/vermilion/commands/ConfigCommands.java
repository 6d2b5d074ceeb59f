package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Flag.ADMIN;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.config.Config;
import io.vermilion.config.ConfigException;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP over {@link Config}. The config module does the
 * parsing, validation, atomic multi-set and file rewriting; settings that take effect at runtime
 * are applied by listeners the server and node register on it.
 */
public final class ConfigCommands {
    private ConfigCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("config", -2)
                .doc("server", "2.0.0", "A container for server configuration commands", "Depends on subcommand.")
                .sub(cmd("get", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "2.0.0", "Get the values of configuration parameters", "O(N) when N is the number of configuration parameters provided")
                        .handler(ConfigCommands::get))
                .sub(cmd("help", 2).flags(LOADING, STALE)
                        .doc("server", "5.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(ConfigCommands::help))
                .sub(cmd("resetstat", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "2.0.0", "Reset the stats returned by INFO", "O(1)")
                        .handler((c, argv) -> { c.server().resetStats(); c.reply().ok(); }))
                .sub(cmd("rewrite", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "2.8.0", "Rewrite the configuration file with the in memory configuration", "O(1)")
                        .handler(ConfigCommands::rewrite))
                .sub(cmd("set", -4).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .doc("server", "2.0.0", "Set configuration parameters to the given values", "O(N) when N is the number of configuration parameters provided")
                        .handler(ConfigCommands::set)));
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "GET <pattern>",
                "    Return parameters matching the glob-like <pattern> and their values.",
                "SET <directive> <value>",
                "    Set the configuration <directive> to <value>.",
                "RESETSTAT",
                "    Reset statistics reported by the INFO command.",
                "REWRITE",
                "    Rewrite the configuration file.");
    }

    static void get(Client c, byte[][] argv) {
        List<String> patterns = new ArrayList<>(argv.length - 2);
        for (int i = 2; i < argv.length; i++) patterns.add(Config.fromBytes(argv[i]));
        List<String> nv = c.server().config().getMatching(patterns);
        c.reply().map(nv.size() / 2);
        for (String s : nv) c.reply().bulk(Config.toBytes(s));
    }

    static void set(Client c, byte[][] argv) {
        List<String> pairs = new ArrayList<>(argv.length - 2);
        for (int i = 2; i < argv.length; i++) pairs.add(Config.fromBytes(argv[i]));
        // A password being set must not show in MONITOR or the slowlog.
        for (int i = 2; i + 1 < argv.length; i += 2) {
            String name = Config.fromBytes(argv[i]);
            if (c.server().config().contains(name) && c.server().config().isSensitive(name)) c.redact(i + 1);
        }
        try {
            c.server().config().set(pairs, isLocal(c));
        } catch (ConfigException e) {
            Args.error(c, e.getMessage());
            return;
        }
        c.reply().ok();
    }

    static void rewrite(Client c, byte[][] argv) {
        if (c.server().config().configFile() == null) {
            Args.error(c, "ERR The server is running without a config file");
            return;
        }
        try {
            c.server().config().rewrite();
        } catch (IOException e) {
            c.server().log().warning("CONFIG REWRITE failed: " + e.getMessage());
            Args.error(c, "ERR Rewriting config file: " + e.getMessage());
            return;
        }
        c.server().log().notice("CONFIG REWRITE executed with success.");
        c.reply().ok();
    }

    /** A loopback (or internal) connection, for enable-protected-configs / enable-debug-command "local". */
    static boolean isLocal(Client c) {
        if (c.channel() == null) return true;
        java.net.SocketAddress a = c.channel().remoteAddress();
        if (a instanceof java.net.InetSocketAddress ia) return ia.getAddress() == null || ia.getAddress().isLoopbackAddress();
        return true; // unix socket
    }
}
