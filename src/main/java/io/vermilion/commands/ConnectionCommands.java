package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.CONNECTION;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NO_AUTH;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;

/** Connection commands: PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET, CLIENT ... */
public final class ConnectionCommands {
    private ConnectionCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("ping", -1).flags(FAST).acl(CONNECTION).tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("connection", "1.0.0", "Ping the server", "O(1)")
                .handler(ConnectionCommands::ping));
        t.add(cmd("echo", 2).flags(LOADING, STALE, FAST).acl(CONNECTION)
                .doc("connection", "1.0.0", "Echo the given string", "O(1)")
                .handler((c, argv) -> c.reply().bulk(argv[1])));
        t.add(cmd("select", 2).flags(LOADING, STALE, FAST).acl(CONNECTION)
                .doc("connection", "1.0.0", "Change the selected database for the current connection", "O(1)")
                .handler(ConnectionCommands::select));
        t.add(cmd("quit", -1).flags(io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY, NO_AUTH, LOADING, STALE, FAST).acl(CONNECTION)
                .doc("connection", "1.0.0", "Close the connection", "O(1)")
                .handler((c, argv) -> { c.reply().ok(); c.closeAfterReply(); }));
    }

    static void ping(Client c, byte[][] argv) {
        if (argv.length > 2) {
            Args.error(c, Errors.wrongArgs("ping"));
        } else if (argv.length == 2) {
            c.reply().bulk(argv[1]);
        } else {
            c.reply().pong();
        }
    }

    static void select(Client c, byte[][] argv) {
        Long id = Args.longOrReply(c, argv[1], "ERR value is not an integer or out of range");
        if (id == null) return;
        if (c.server().clusterEnabled() && id != 0) {
            Args.error(c, "ERR SELECT is not allowed in cluster mode");
            return;
        }
        if (id < 0 || id >= c.server().keyspace().databases()) {
            Args.error(c, Errors.DB_INDEX);
            return;
        }
        c.select((int) (long) id);
        c.reply().ok();
    }
}
