package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.ADMIN;
import static io.vermilion.server.CommandSpec.Acl.DANGEROUS;
import static io.vermilion.server.CommandSpec.Acl.KEYSPACE;
import static io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_MULTI;
import static io.vermilion.server.CommandSpec.Flag.PROTECTED;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.SENTINEL;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.SlowLog;
import io.vermilion.types.Strings;
import java.nio.charset.StandardCharsets;

/**
 * Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, LASTSAVE, MONITOR, SLOWLOG, DEBUG, SHUTDOWN.
 * INFO, CONFIG, COMMAND and LATENCY have their own classes.
 */
public final class ServerCommands {
    private ServerCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("dbsize", 1).flags(READONLY, FAST).acl(KEYSPACE)
                .tips("request_policy:all_shards", "response_policy:agg_sum")
                .doc("server", "1.0.0", "Return the number of keys in the selected database", "O(1)")
                .handler((c, argv) -> c.reply().integer(c.db().size())));
        t.add(cmd("flushdb", -1).flags(WRITE).acl(KEYSPACE, DANGEROUS)
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("server", "1.0.0", "Remove all keys from the current database", "O(N) where N is the number of keys in the selected database")
                .handler((c, argv) -> flush(c, argv, false)));
        t.add(cmd("flushall", -1).flags(WRITE).acl(KEYSPACE, DANGEROUS)
                .tips("request_policy:all_shards", "response_policy:all_succeeded")
                .doc("server", "1.0.0", "Remove all keys from all databases", "O(N) where N is the total number of keys in all databases")
                .handler((c, argv) -> flush(c, argv, true)));
        t.add(cmd("time", 1).flags(LOADING, STALE, FAST).tips("nondeterministic_output")
                .doc("server", "2.6.0", "Return the current server time", "O(1)")
                .handler(ServerCommands::time));
        t.add(cmd("lastsave", 1).flags(LOADING, STALE, FAST).acl(ADMIN, DANGEROUS).tips("nondeterministic_output")
                .doc("server", "1.0.0", "Get the UNIX time stamp of the last successful save to disk", "O(1)")
                .handler((c, argv) -> c.reply().integer(c.server().lastSaveSec())));
        t.add(cmd("monitor", 1).flags(io.vermilion.server.CommandSpec.Flag.ADMIN, NOSCRIPT, LOADING, STALE)
                .doc("server", "1.0.0", "Listen for all requests received by the server in real time", "")
                .handler(ServerCommands::monitor));
        t.add(cmd("slowlog", -2)
                .doc("server", "2.2.12", "A container for slow log commands", "Depends on subcommand.")
                .sub(cmd("get", -2).flags(io.vermilion.server.CommandSpec.Flag.ADMIN, LOADING, STALE)
                        .tips("request_policy:all_nodes", "nondeterministic_output")
                        .doc("server", "2.2.12", "Get the slow log's entries", "O(N) where N is the number of entries returned")
                        .handler(ServerCommands::slowlogGet))
                .sub(cmd("help", 2).flags(LOADING, STALE)
                        .doc("server", "6.2.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler((c, argv) -> Args.help(c, argv,
                                "GET [<count>]",
                                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                                "    Entries are made of:",
                                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                                "    client name",
                                "LEN",
                                "    Return the length of the slowlog.",
                                "RESET",
                                "    Reset the slowlog.")))
                .sub(cmd("len", 2).flags(io.vermilion.server.CommandSpec.Flag.ADMIN, LOADING, STALE)
                        .tips("request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output")
                        .doc("server", "2.2.12", "Get the slow log's length", "O(1)")
                        .handler((c, argv) -> c.reply().integer(c.server().slowlog().size())))
                .sub(cmd("reset", 2).flags(io.vermilion.server.CommandSpec.Flag.ADMIN, LOADING, STALE)
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .doc("server", "2.2.12", "Clear all entries from the slow log", "O(N) where N is the number of entries in the slowlog")
                        .handler((c, argv) -> { c.server().slowlog().reset(); c.reply().ok(); })));
        t.add(cmd("debug", -2).flags(io.vermilion.server.CommandSpec.Flag.ADMIN, NOSCRIPT, LOADING, STALE, PROTECTED)
                .doc("server", "1.0.0", "A container for debugging commands", "Depends on subcommand.")
                .handler(DebugCommand::debug));
        t.add(cmd("shutdown", -1).flags(io.vermilion.server.CommandSpec.Flag.ADMIN, NOSCRIPT, LOADING, STALE, NO_MULTI, SENTINEL, ALLOW_BUSY)
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
            // Redis's flushAllDataAndResetRDB: stop a BGSAVE, and save the empty set if save points exist.
            if (c.server().persistence() instanceof io.vermilion.persistence.Persistence p) p.afterFlushAll();
        } else {
            n = c.db().flush();
        }
        c.server().addDirty(Math.max(1, n));
        c.reply().ok();
    }

    static void time(Client c, byte[][] argv) {
        long usec = InfoCommand.nowUsec();
        c.reply().array(2);
        c.reply().bulk(Long.toString(usec / 1_000_000));
        c.reply().bulk(Long.toString(usec % 1_000_000));
    }

    static void monitor(Client c, byte[][] argv) {
        if (c.isMonitor()) return; // already monitoring: ignored, no reply, as Redis
        c.startMonitor();
        c.reply().ok();
    }

    static void slowlogGet(Client c, byte[][] argv) {
        if (argv.length > 3) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        SlowLog log = c.server().slowlog();
        long count = 10;
        if (argv.length == 3) {
            Long v = Args.rangeOrReply(c, argv[2], -1, Long.MAX_VALUE, "ERR count should be greater than or equal to -1");
            if (v == null) return;
            count = v == -1 ? log.size() : v;
        }
        int n = (int) Math.min(count, log.size());
        Reply r = c.reply();
        r.array(n);
        int sent = 0;
        for (SlowLog.Entry e : log.entries()) {
            if (sent++ == n) break;
            r.array(6);
            r.integer(e.id());
            r.integer(e.timeSec());
            r.integer(e.durationUsec());
            r.array(e.argv().size());
            for (byte[] a : e.argv()) r.bulk(a);
            r.bulk(e.addr().getBytes(StandardCharsets.ISO_8859_1));
            r.bulk(e.name());
        }
    }

    /**
     * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. There are no replicas to wait for and no
     * background save to abort here, so a valid SHUTDOWN stops at once and ABORT never finds
     * a shutdown in progress.
     */
    static void shutdown(Client c, byte[][] argv) {
        boolean save = false, nosave = false, abort = false, other = false;
        for (int i = 1; i < argv.length; i++) {
            if (Args.is(argv[i], "nosave")) nosave = true;
            else if (Args.is(argv[i], "save")) save = true;
            else if (Args.is(argv[i], "now") || Args.is(argv[i], "force")) other = true;
            else if (Args.is(argv[i], "abort")) abort = true;
            else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        if ((abort && (save || nosave || other)) || (save && nosave)) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        if (abort) {
            Args.error(c, "ERR No shutdown in progress.");
            return;
        }
        // Without an explicit choice Redis saves when save points are configured.
        boolean doSave = save || (!nosave && !c.server().config().get("save").isEmpty());
        if (c.server().shutdownAction() != null && !c.server().shutdownAction().shutdown(doSave)) {
            // As Redis: the node keeps running when its final save fails.
            Args.error(c, "ERR Errors trying to SHUTDOWN. Check logs.");
        }
    }

    /** The OBJECT ENCODING name of a value, for DEBUG OBJECT. */
    static String encoding(Object v) {
        return io.vermilion.types.Types.encoding(v);
    }

    /** Redis's rdbSavedObjectLen for a string (no LZF compression here). */
    static long serializedLength(Object v) {
        if (v instanceof io.vermilion.types.RedisValue) {
            // rdbSavedObjectLen: the RDB body alone (no type byte, no DUMP footer).
            return io.vermilion.persistence.rdb.DumpPayload.create(v, io.vermilion.persistence.rdb.Codecs.ALL, true).length - 11;
        }
        if (!Strings.isString(v)) return 0;
        byte[] b = Strings.bytes(v);
        if (b.length <= 11) {
            long[] n = new long[1];
            if (io.vermilion.util.Numbers.parseLong(b, n)) {
                if (n[0] >= Byte.MIN_VALUE && n[0] <= Byte.MAX_VALUE) return 2;
                if (n[0] >= Short.MIN_VALUE && n[0] <= Short.MAX_VALUE) return 3;
                if (n[0] >= Integer.MIN_VALUE && n[0] <= Integer.MAX_VALUE) return 5;
            }
        }
        int len = b.length;
        int header = len < 64 ? 1 : len < 16384 ? 2 : len <= 0xFFFFFFFFL ? 5 : 9;
        return header + len;
    }

    static String debugObject(Db db, byte[] key, Object v) {
        long idle = Math.max(0, db.idleSeconds(key));
        long lru = ((System.currentTimeMillis() / 1000) - idle) & ((1 << 24) - 1);
        return "Value at:0x7f" + String.format("%010x", System.identityHashCode(v) & 0xffffffffL)
                + " refcount:1 encoding:" + encoding(v) + " serializedlength:" + serializedLength(v)
                + " lru:" + lru + " lru_seconds_idle:" + idle;
    }
}
