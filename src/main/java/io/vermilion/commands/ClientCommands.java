package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.CONNECTION;
import static io.vermilion.server.CommandSpec.Flag.ADMIN;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CLIENT and its subcommands (Redis 7.0): ID, SETNAME, GETNAME, INFO, LIST, KILL, REPLY, NO-EVICT,
 * PAUSE, UNPAUSE, UNBLOCK, GETREDIR, TRACKINGINFO, CACHING, HELP.
 *
 * <p>Not here: CLIENT TRACKING (server-assisted client-side caching needs invalidation messages
 * from every write path), so tracking is always off: GETREDIR is -1, TRACKINGINFO reports "off"
 * and CACHING always refuses, as Redis does for a client that is not tracking. SETINFO and
 * NO-TOUCH are Redis 7.2 and unknown here, as in 7.0.
 */
public final class ClientCommands {
    private ClientCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("client", -2)
                .doc("connection", "2.4.0", "A container for client connection commands", "Depends on subcommand.")
                .sub(cmd("caching", 3).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "6.0.0", "Instruct the server about tracking or not keys in the next request", "O(1)")
                        .handler(ClientCommands::caching))
                .sub(cmd("getname", 2).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "2.6.9", "Get the current connection name", "O(1)")
                        .handler((c, argv) -> c.reply().bulk(c.name())))
                .sub(cmd("getredir", 2).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "6.0.0", "Get tracking notifications redirection client ID if any", "O(1)")
                        .handler((c, argv) -> c.reply().integer(-1)))
                .sub(cmd("help", 2).flags(LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "5.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(ClientCommands::help))
                .sub(cmd("id", 2).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "5.0.0", "Returns the client ID for the current connection", "O(1)")
                        .handler((c, argv) -> c.reply().integer(c.id())))
                .sub(cmd("info", 2).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION).tips("nondeterministic_output")
                        .doc("connection", "6.2.0", "Returns information about the current client connection.", "O(1)")
                        .handler((c, argv) -> c.reply().verbatim(c.infoLine() + "\n", "txt")))
                .sub(cmd("kill", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "2.4.0", "Kill the connection of a client", "O(N) where N is the number of client connections")
                        .handler(ClientCommands::kill))
                .sub(cmd("list", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl(CONNECTION).tips("nondeterministic_output")
                        .doc("connection", "2.4.0", "Get the list of client connections", "O(N) where N is the number of client connections")
                        .handler(ClientCommands::list))
                .sub(cmd("no-evict", 3).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "7.0.0", "Set client eviction mode for the current connection", "O(1)")
                        .handler(ClientCommands::noEvict))
                .sub(cmd("pause", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "2.9.50", "Stop processing commands from clients for some time", "O(1)")
                        .handler(ClientCommands::pause))
                .sub(cmd("reply", 3).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "3.2.0", "Instruct the server whether to reply to commands", "O(1)")
                        .handler(ClientCommands::reply))
                .sub(cmd("setname", 3).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "2.6.9", "Set the current connection name", "O(1)")
                        .handler((c, argv) -> { if (setName(c, argv[2])) c.reply().ok(); }))
                .sub(cmd("trackinginfo", 2).flags(NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "6.2.0", "Return information about server assisted client side caching for the current connection", "O(1)")
                        .handler(ClientCommands::trackingInfo))
                .sub(cmd("unblock", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "5.0.0", "Unblock a client blocked in a blocking command from a different connection", "O(log N) where N is the number of client connections")
                        .handler(ClientCommands::unblock))
                .sub(cmd("unpause", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).acl(CONNECTION)
                        .doc("connection", "6.2.0", "Resume processing of clients that were paused", "O(N) Where N is the number of paused clients")
                        .handler((c, argv) -> { c.server().unpause(); c.reply().ok(); })));
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "CACHING (YES|NO)",
                "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
                "GETREDIR",
                "    Return the client ID we are redirecting to when tracking is enabled.",
                "GETNAME",
                "    Return the name of the current connection.",
                "ID",
                "    Return the ID of the current connection.",
                "INFO",
                "    Return information about the current client connection.",
                "KILL <ip:port>",
                "    Kill connection made from <ip:port>.",
                "KILL <option> <value> [<option> <value> [...]]",
                "    Kill connections. Options are:",
                "    * ADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made from the specified address",
                "    * LADDR (<ip:port>|<unixsocket>:0)",
                "      Kill connections made to specified local address",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Kill connections by type.",
                "    * USER <username>",
                "      Kill connections authenticated by <username>.",
                "    * SKIPME (YES|NO)",
                "      Skip killing current connection (default: yes).",
                "LIST [options ...]",
                "    Return information about client connections. Options:",
                "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
                "      Return clients of specified type.",
                "UNPAUSE",
                "    Stop the current client pause, resuming traffic.",
                "PAUSE <timeout> [WRITE|ALL]",
                "    Suspend all, or just write, clients for <timeout> milliseconds.",
                "REPLY (ON|OFF|SKIP)",
                "    Control the replies sent to the current connection.",
                "SETNAME <name>",
                "    Assign the name <name> to the current connection.",
                "UNBLOCK <clientid> [TIMEOUT|ERROR]",
                "    Unblock the specified blocked client.",
                "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
                "         [OPTIN] [OPTOUT] [NOLOOP]",
                "    Control server assisted client side caching.",
                "TRACKINGINFO",
                "    Report tracking status for the current connection.",
                "NO-EVICT (ON|OFF)",
                "    Protect current client connection from eviction.");
    }

    /**
     * Sets (or with an empty name clears) the connection name; replies the error and returns
     * false for a name with characters outside '!'..'~'.
     */
    static boolean setName(Client c, byte[] name) {
        if (name.length == 0) {
            c.name(null);
            return true;
        }
        for (byte b : name) {
            if (b < '!' || b > '~') {
                Args.error(c, "ERR Client names cannot contain spaces, newlines or special characters.");
                return false;
            }
        }
        c.name(name.clone());
        return true;
    }

    /** Redis's getClientTypeByName: the type CLIENT LIST/KILL filter on, or null if unknown. */
    static String typeByName(byte[] name) {
        if (Args.is(name, "normal")) return "normal";
        if (Args.is(name, "slave") || Args.is(name, "replica")) return "replica";
        if (Args.is(name, "pubsub")) return "pubsub";
        if (Args.is(name, "master")) return "master";
        return null;
    }

    static void list(Client c, byte[][] argv) {
        String type = null;
        Set<Long> ids = null;
        if (argv.length == 4 && Args.is(argv[2], "type")) {
            type = typeByName(argv[3]);
            if (type == null) {
                Args.error(c, "ERR Unknown client type '" + Args.latin1(argv[3]) + "'");
                return;
            }
        } else if (argv.length > 3 && Args.is(argv[2], "id")) {
            ids = new HashSet<>();
            for (int j = 3; j < argv.length; j++) {
                Long id = Args.longOrReply(c, argv[j], "ERR Invalid client ID");
                if (id == null) return;
                ids.add(id);
            }
        } else if (argv.length != 2) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (Client o : c.server().clients().values()) {
            if (type != null && !o.type().equals(type)) continue;
            if (ids != null && !ids.contains(o.id())) continue;
            sb.append(o.infoLine()).append('\n');
        }
        c.reply().verbatim(sb.toString(), "txt");
    }

    static void kill(Client c, byte[][] argv) {
        String addr = null, laddr = null, type = null;
        long id = 0;
        String user = null;
        boolean skipMe = true;
        if (argv.length == 3) {
            addr = Args.latin1(argv[2]);
            skipMe = false; // the old form can kill the calling client itself
        } else {
            for (int i = 2; i < argv.length; i += 2) {
                boolean more = i + 1 < argv.length;
                byte[] opt = argv[i];
                if (Args.is(opt, "id") && more) {
                    Long v = Args.rangeOrReply(c, argv[i + 1], 1, Long.MAX_VALUE, "ERR client-id should be greater than 0");
                    if (v == null) return;
                    id = v;
                } else if (Args.is(opt, "type") && more) {
                    type = typeByName(argv[i + 1]);
                    if (type == null) {
                        Args.error(c, "ERR Unknown client type '" + Args.latin1(argv[i + 1]) + "'");
                        return;
                    }
                } else if (Args.is(opt, "addr") && more) {
                    addr = Args.latin1(argv[i + 1]);
                } else if (Args.is(opt, "laddr") && more) {
                    laddr = Args.latin1(argv[i + 1]);
                } else if (Args.is(opt, "user") && more) {
                    if (AclCommands.acl(c).user(Args.latin1(argv[i + 1])) == null) {
                        Args.error(c, "ERR No such user '" + Args.latin1(argv[i + 1]) + "'");
                        return;
                    }
                    user = Args.latin1(argv[i + 1]);
                } else if (Args.is(opt, "skipme") && more) {
                    if (Args.is(argv[i + 1], "yes")) skipMe = true;
                    else if (Args.is(argv[i + 1], "no")) skipMe = false;
                    else {
                        Args.error(c, Errors.SYNTAX);
                        return;
                    }
                } else {
                    Args.error(c, Errors.SYNTAX);
                    return;
                }
            }
        }
        int killed = 0;
        boolean closeSelf = false;
        List<Client> victims = new ArrayList<>();
        for (Client o : c.server().clients().values()) {
            if (addr != null && !o.addr().equals(addr)) continue;
            if (laddr != null && !o.laddr().equals(laddr)) continue;
            if (type != null && !o.type().equals(type)) continue;
            if (id != 0 && o.id() != id) continue;
            if (user != null && !o.user().equals(user)) continue;
            if (o == c && skipMe) continue;
            if (o == c) closeSelf = true;
            else victims.add(o);
            killed++;
        }
        for (Client v : victims) v.kill();
        if (argv.length == 3) {
            if (killed == 0) Args.error(c, "ERR No such client");
            else c.reply().ok();
        } else {
            c.reply().integer(killed);
        }
        // The caller gets its reply first, then its connection closes.
        if (closeSelf) c.closeAfterReply();
    }

    static void reply(Client c, byte[][] argv) {
        if (Args.is(argv[2], "on")) {
            c.replyMode(Client.ReplyMode.ON);
            c.reply().ok();
        } else if (Args.is(argv[2], "off")) {
            c.replyMode(Client.ReplyMode.OFF);
        } else if (Args.is(argv[2], "skip")) {
            c.replyMode(Client.ReplyMode.SKIP);
        } else {
            Args.error(c, Errors.SYNTAX);
        }
    }

    static void noEvict(Client c, byte[][] argv) {
        if (Args.is(argv[2], "on")) {
            c.noEvict(true);
        } else if (Args.is(argv[2], "off")) {
            c.noEvict(false);
        } else {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        c.reply().ok();
    }

    static void pause(Client c, byte[][] argv) {
        if (argv.length != 3 && argv.length != 4) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        boolean all = true;
        if (argv.length == 4) {
            if (Args.is(argv[3], "write")) all = false;
            else if (!Args.is(argv[3], "all")) {
                Args.error(c, "ERR CLIENT PAUSE mode must be WRITE or ALL");
                return;
            }
        }
        Long ms = Args.longOrReply(c, argv[2], "ERR timeout is not an integer or out of range");
        if (ms == null) return;
        if (ms < 0) {
            Args.error(c, "ERR timeout is negative");
            return;
        }
        long now = System.currentTimeMillis();
        long until = ms > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + ms;
        c.server().pause(until, all);
        c.reply().ok();
    }

    static void unblock(Client c, byte[][] argv) {
        if (argv.length != 3 && argv.length != 4) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        boolean error = false;
        if (argv.length == 4) {
            if (Args.is(argv[3], "error")) error = true;
            else if (!Args.is(argv[3], "timeout")) {
                Args.error(c, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                return;
            }
        }
        Long id = Args.longOrReply(c, argv[2]);
        if (id == null) return;
        Client target = c.server().clients().get(id);
        if (target != null && target.blocked() && target.blockState() != null) {
            Client.BlockState s = target.blockState();
            target.unblocked();
            s.unblock(error);
            c.reply().integer(1);
        } else {
            c.reply().integer(0);
        }
    }

    static void trackingInfo(Client c, byte[][] argv) {
        var r = c.reply();
        r.map(3);
        r.bulk("flags");
        r.set(1);
        r.bulk("off");
        r.bulk("redirect");
        r.integer(-1);
        r.bulk("prefixes");
        r.array(0);
    }

    static void caching(Client c, byte[][] argv) {
        // Tracking is never on here, which is what Redis checks first.
        Args.error(c, "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
                + "OPTOUT mode enabled");
    }
}
