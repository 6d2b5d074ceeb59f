package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.KEYSPACE;
import static io.vermilion.server.CommandSpec.Flag.ADMIN;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_MULTI;
import static io.vermilion.server.CommandSpec.Flag.PROTECTED;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;

/** Server commands: DBSIZE, FLUSHDB, FLUSHALL, DEBUG, SHUTDOWN, ... */
public final class ServerCommands {
    private ServerCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("dbsize", 1).flags(READONLY, FAST).acl(KEYSPACE)
                .tips("request_policy:all_shards", "response_policy:agg_sum")
                .doc("server", "1.0.0", "Return the number of keys in the selected database", "O(1)")
                .handler((c, argv) -> c.reply().integer(c.db().size())));
        t.add(cmd("flushdb", -1).flags(WRITE).acl(KEYSPACE, io.vermilion.server.CommandSpec.Acl.DANGEROUS)
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("server", "1.0.0", "Remove all keys from the current database", "O(N) where N is the total number of keys in the selected database")
                .handler((c, argv) -> flush(c, argv, false)));
        t.add(cmd("flushall", -1).flags(WRITE).acl(KEYSPACE, io.vermilion.server.CommandSpec.Acl.DANGEROUS)
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("server", "1.0.0", "Remove all keys from all databases", "O(N) where N is the total number of keys in all databases")
                .handler((c, argv) -> flush(c, argv, true)));
        t.add(cmd("debug", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE, PROTECTED)
                .doc("server", "1.0.0", "A container for debugging commands", "Depends on subcommand.")
                .handler(ServerCommands::debug));
        t.add(cmd("shutdown", -1).flags(ADMIN, NOSCRIPT, LOADING, STALE, NO_MULTI, io.vermilion.server.CommandSpec.Flag.SENTINEL, ALLOW_BUSY)
                .doc("server", "1.0.0", "Synchronously save the dataset to disk and then shut down the server", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)")
                .handler(ServerCommands::shutdown));
    }

    static void flush(Client c, byte[][] argv, boolean all) {
        if (argv.length > 2 || (argv.length == 2 && !Args.is(argv[1], "async") && !Args.is(argv[1], "sync"))) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        long n = 0;
        if (all) {
            for (int i = 0; i < c.server().keyspace().databases(); i++) n += c.server().keyspace().db(i).flush();
        } else {
            n = c.db().flush();
        }
        c.server().addDirty(Math.max(1, n));
        c.reply().ok();
    }

    static void debug(Client c, byte[][] argv) {
        String mode = c.server().config().get("enable-debug-command");
        boolean local = c.channel() == null || isLoopback(c);
        if (!"yes".equals(mode) && !("local".equals(mode) && local)) {
            Args.error(c, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
                    + "you can run it from a local connection, otherwise you need to set this option in the "
                    + "configuration file, and then restart the server.");
            return;
        }
        if (Args.is(argv[1], "segfault")) {
            // A crash, not a shutdown: no save, no cleanup, abnormal exit status.
            c.server().log().warning("DEBUG SEGFAULT: crashing by request");
            Runtime.getRuntime().halt(139);
        } else if (Args.is(argv[1], "sleep") && argv.length >= 3) {
            double secs = io.vermilion.util.Numbers.parseDouble(argv[2]);
            if (Double.isNaN(secs)) secs = 0;
            try {
                Thread.sleep((long) (secs * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.reply().ok();
        } else if (Args.is(argv[1], "set-active-expire") && argv.length >= 3) {
            c.server().keyspace().activeExpireEnabled(!Args.is(argv[2], "0"));
            c.reply().ok();
        } else {
            Args.error(c, "ERR unknown subcommand or wrong number of arguments for '" + Args.latin1(argv[1]) + "'. Try DEBUG HELP.");
        }
    }

    static boolean isLoopback(Client c) {
        java.net.SocketAddress a = c.channel().remoteAddress();
        return a instanceof java.net.InetSocketAddress ia && (ia.getAddress() == null || ia.getAddress().isLoopbackAddress());
    }

    static void shutdown(Client c, byte[][] argv) {
        boolean save = true;
        for (int i = 1; i < argv.length; i++) {
            if (Args.is(argv[i], "nosave")) save = false;
            else if (Args.is(argv[i], "save")) save = true;
            else if (Args.is(argv[i], "now") || Args.is(argv[i], "force") || Args.is(argv[i], "abort")) { /* accepted */ }
            else { Args.error(c, Errors.SYNTAX); return; }
        }
        if (c.server().shutdownAction() != null) c.server().shutdownAction().shutdown(save);
    }
}
