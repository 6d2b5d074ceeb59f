package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.CONNECTION;
import static io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_AUTH;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.node.Main;
import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;

/**
 * Connection commands: PING, ECHO, SELECT, QUIT, AUTH, HELLO, RESET. CLIENT lives in
 * {@link ClientCommands}.
 *
 * <p>Authentication checks ACL users ({@link io.vermilion.acl.Acl}); requirepass is the default
 * user's password (no password = the user is "nopass" and every password works).
 */
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
        t.add(cmd("quit", -1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).acl(CONNECTION)
                .doc("connection", "1.0.0", "Close the connection", "O(1)")
                .handler((c, argv) -> { c.reply().ok(); c.closeAfterReply(); }));
        t.add(cmd("auth", -2).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).acl(CONNECTION)
                .doc("connection", "1.0.0", "Authenticate to the server", "O(N) where N is the number of passwords defined for the user")
                .handler(ConnectionCommands::auth));
        t.add(cmd("hello", -1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).acl(CONNECTION)
                .doc("connection", "6.0.0", "Handshake with Redis", "O(1)")
                .handler(ConnectionCommands::hello));
        t.add(cmd("reset", 1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).acl(CONNECTION)
                .doc("connection", "6.2.0", "Reset the connection", "O(1)")
                .handler(ConnectionCommands::reset));
    }

    static void ping(Client c, byte[][] argv) {
        if (argv.length > 2) {
            Args.error(c, Errors.wrongArgs("ping"));
        } else if (c.pubsub() && c.proto() == 2) {
            // A RESP2 subscriber gets a pub/sub shaped pong.
            c.reply().array(2);
            c.reply().bulk("pong");
            c.reply().bulk(argv.length == 2 ? argv[1] : new byte[0]);
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

    // ------------------------------------------------------------------ authentication

    /** Authenticates c as user (ACL users, see {@link io.vermilion.acl.Acl}) or replies WRONGPASS. */
    static boolean authenticate(Client c, byte[] user, byte[] password, byte[] commandName) {
        if (AclCommands.acl(c).authenticate(c, user, password, commandName)) return true;
        c.server().log().verbose("AUTH failed for user '" + Args.latin1(user) + "'");
        Args.error(c, Errors.WRONGPASS);
        return false;
    }

    static void auth(Client c, byte[][] argv) {
        if (argv.length > 3) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        c.redact(1);
        if (argv.length == 3) c.redact(2);
        byte[] user;
        byte[] password;
        if (argv.length == 2) {
            if (AclCommands.acl(c).defaultUser().nopass()) {
                Args.error(c, "ERR AUTH <password> called without any password configured for the default user. "
                        + "Are you sure your configuration is correct?");
                return;
            }
            user = DEFAULT_USER;
            password = argv[1];
        } else {
            user = argv[1];
            password = argv[2];
        }
        if (authenticate(c, user, password, argv[0])) c.reply().ok();
    }

    private static final byte[] DEFAULT_USER = {'d', 'e', 'f', 'a', 'u', 'l', 't'};

    // ------------------------------------------------------------------ HELLO

    static void hello(Client c, byte[][] argv) {
        long ver = 0;
        int next = 1;
        if (argv.length >= 2) {
            Long v = Args.longOrReply(c, argv[1], "ERR Protocol version is not an integer or out of range");
            if (v == null) return;
            ver = v;
            next = 2;
            if (ver < 2 || ver > 3) {
                Args.error(c, "NOPROTO unsupported protocol version");
                return;
            }
        }
        byte[] user = null, password = null, name = null;
        for (int j = next; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            if (Args.is(argv[j], "auth") && more >= 2) {
                c.redact(j + 1);
                c.redact(j + 2);
                user = argv[j + 1];
                password = argv[j + 2];
                j += 2;
            } else if (Args.is(argv[j], "setname") && more >= 1) {
                name = argv[j + 1];
                j++;
            } else {
                Args.error(c, "ERR Syntax error in HELLO option '" + Args.latin1(argv[j]) + "'");
                return;
            }
        }
        if (user != null && !authenticate(c, user, password, argv[0])) return;
        if (!c.authenticated() && c.server().authRequired()) {
            Args.error(c, "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO AUTH <user> <pass> option can be used to authenticate the client and select "
                    + "the RESP protocol version at the same time");
            return;
        }
        if (name != null && !ClientCommands.setName(c, name)) return;
        if (ver != 0) c.proto((int) ver);
        var r = c.reply();
        r.map(7);
        r.bulk("server");
        r.bulk("redis");
        r.bulk("version");
        r.bulk(Main.REDIS_VERSION);
        r.bulk("proto");
        r.integer(c.proto());
        r.bulk("id");
        r.integer(c.id());
        r.bulk("mode");
        r.bulk(c.server().clusterEnabled() ? "cluster" : "standalone");
        r.bulk("role");
        r.bulk(c.server().isReplica() ? "replica" : "master");
        r.bulk("modules");
        r.array(0);
    }

    // ------------------------------------------------------------------ RESET

    /**
     * RESET: the connection becomes like a new one: database 0, RESP2, no name, default user
     * (authenticated only if no password is required), replies on, not a monitor, not READONLY
     * or ASKING, and every family's state (MULTI, subscriptions...) dropped. CLIENT NO-EVICT
     * stays, as in Redis.
     */
    static void reset(Client c, byte[][] argv) {
        c.server().resetConnection(c);
        if (c.isMonitor()) c.stopMonitor();
        c.select(0);
        c.proto(2);
        c.user("default");
        c.authenticated(!c.server().authRequired());
        c.name(null);
        c.readonly(false);
        c.asking(false);
        c.pubsub(false);
        c.replyMode(Client.ReplyMode.ON);
        c.reply().simple("RESET");
    }
}
