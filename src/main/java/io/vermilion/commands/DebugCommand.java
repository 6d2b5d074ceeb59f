package io.vermilion.commands;

import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import java.nio.charset.StandardCharsets;

/**
 * DEBUG (Redis 7.0: one command, subcommand in argv[1], gated by enable-debug-command). The
 * subcommands kept are the ones tests and tools use: HELP, SEGFAULT, PANIC, SLEEP,
 * SET-ACTIVE-EXPIRE, OBJECT, LOG, ERROR, POPULATE, PROTOCOL, DIGEST, DIGEST-VALUE ({@link DebugDigest}:
 * the same signatures as Redis 7.0 for the same data). The others of Redis's list (RELOAD,
 * LISTPACK, ...) answer as unknown subcommands.
 */
final class DebugCommand {
    private DebugCommand() {}

    static void debug(Client c, byte[][] argv) {
        String mode = c.server().config().get("enable-debug-command");
        if (!"yes".equals(mode) && !("local".equals(mode) && ConfigCommands.isLocal(c))) {
            Args.error(c, "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
                    + "you can run it from a local connection, otherwise you need to set this option in the "
                    + "configuration file, and then restart the server.");
            return;
        }
        byte[] sub = argv[1];
        int argc = argv.length;
        if (Args.is(sub, "help") && argc == 2) {
            help(c, argv);
        } else if (Args.is(sub, "segfault") || Args.is(sub, "panic")) {
            // A crash, not a shutdown: no save, no cleanup, abnormal exit status (as a SIGSEGV).
            c.server().log().warning("DEBUG " + Args.upper(sub) + ": crashing by request");
            Runtime.getRuntime().halt(139);
        } else if (Args.is(sub, "sleep") && argc == 3) {
            double secs = io.vermilion.util.Numbers.parseDouble(argv[2]);
            if (Double.isNaN(secs) || secs < 0) secs = 0; // strtod of garbage is 0
            long nanos = (long) (secs * 1e9);
            // Blocking the command thread is the point: it simulates a slow command.
            long end = System.nanoTime() + nanos;
            try {
                while (true) {
                    long left = end - System.nanoTime();
                    if (left <= 0) break;
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            c.reply().ok();
        } else if (Args.is(sub, "set-active-expire") && argc == 3) {
            long[] v = new long[1];
            boolean on = io.vermilion.util.Numbers.parseLong(argv[2], v) ? v[0] != 0 : atoi(argv[2]) != 0;
            c.server().keyspace().activeExpireEnabled(on);
            c.reply().ok();
        } else if (Args.is(sub, "object") && argc == 3) {
            Db db = c.db();
            Object v = db.peek(argv[2]);
            if (v == null) {
                Args.error(c, Errors.NO_SUCH_KEY);
                return;
            }
            c.reply().simple(ServerCommands.debugObject(db, argv[2], v));
        } else if (Args.is(sub, "log") && argc == 3) {
            c.server().log().warning("DEBUG LOG: " + Args.latin1(argv[2]));
            c.reply().ok();
        } else if (Args.is(sub, "error") && argc == 3) {
            // The argument is the whole error line, code included; like Redis, it is written as
            // raw protocol and so not counted in errorstats.
            c.reply().error(Args.latin1(argv[2]));
        } else if (Args.is(sub, "populate") && argc >= 3 && argc <= 5) {
            populate(c, argv);
        } else if (Args.is(sub, "digest") && argc == 2) {
            c.reply().simple(DebugDigest.dataset(c.server().keyspace()));
        } else if (Args.is(sub, "digest-value")) {
            // Like Redis: any number of keys (none is an empty array), of the selected database;
            // a key that is not stored (or only logically expired: it still is) as 40 zeros.
            c.reply().array(argc - 2);
            for (int j = 2; j < argc; j++) c.reply().simple(DebugDigest.value(c.db(), argv[j]));
        } else if (Args.is(sub, "protocol") && argc == 3) {
            protocol(c, argv[2]);
        } else {
            Args.subcommandSyntaxError(c, argv);
        }
    }

    /** C's atoi: leading digits with an optional sign, 0 if none. */
    private static long atoi(byte[] b) {
        int i = 0;
        boolean neg = false;
        if (i < b.length && (b[i] == '-' || b[i] == '+')) neg = b[i++] == '-';
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') v = v * 10 + (b[i++] - '0');
        return neg ? -v : v;
    }

    /** DEBUG POPULATE count [prefix] [size]: creates prefix:N = "value:N" (padded/cut to size); existing keys are kept. */
    private static void populate(Client c, byte[][] argv) {
        Long count = Args.rangeOrReply(c, argv[2], 0, Long.MAX_VALUE, "ERR value is out of range, must be positive");
        if (count == null) return;
        String prefix = argv.length >= 4 ? Args.latin1(argv[3]) : "key";
        long size = -1;
        if (argv.length == 5) {
            Long s = Args.rangeOrReply(c, argv[4], 0, Long.MAX_VALUE, "ERR value is out of range, must be positive");
            if (s == null) return;
            size = s;
        }
        Db db = c.db();
        for (long j = 0; j < count; j++) {
            byte[] key = (prefix + ":" + j).getBytes(StandardCharsets.ISO_8859_1);
            if (db.exists(key)) continue;
            byte[] val = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
            if (size >= 0) val = java.util.Arrays.copyOf(val, (int) Math.min(size, Integer.MAX_VALUE - 8));
            db.put(key, val, false);
        }
        c.reply().ok();
    }

    /** DEBUG PROTOCOL type: a sample reply of each RESP type, for client tests. */
    private static void protocol(Client c, byte[] type) {
        Reply r = c.reply();
        boolean resp3 = r.resp3();
        if (Args.is(type, "string")) {
            r.bulk("Hello World");
        } else if (Args.is(type, "integer")) {
            r.integer(12345);
        } else if (Args.is(type, "double")) {
            r.dbl(3.141);
        } else if (Args.is(type, "bignum")) {
            String n = "1234567999999999999999999999999999999";
            if (resp3) r.raw(("(" + n + "\r\n").getBytes(StandardCharsets.US_ASCII));
            else r.bulk(n);
        } else if (Args.is(type, "null")) {
            r.nullBulk();
        } else if (Args.is(type, "array") || Args.is(type, "set")) {
            if (Args.is(type, "set")) r.set(3);
            else r.array(3);
            for (int j = 0; j < 3; j++) r.integer(j);
        } else if (Args.is(type, "map")) {
            r.map(3);
            for (int j = 0; j < 3; j++) {
                r.integer(j);
                r.bool(j == 1);
            }
        } else if (Args.is(type, "attrib")) {
            if (resp3) {
                r.raw("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            r.bulk("Some real reply following the attribute");
        } else if (Args.is(type, "push")) {
            if (!resp3) {
                Args.error(c, "ERR RESP2 is not supported by this command");
                return;
            }
            r.push(2);
            r.bulk("server-cpu-usage");
            r.integer(42);
            r.bulk("Some real reply following the push reply");
        } else if (Args.is(type, "true")) {
            r.bool(true);
        } else if (Args.is(type, "false")) {
            r.bool(false);
        } else if (Args.is(type, "verbatim")) {
            r.verbatim("This is a verbatim\nstring", "txt");
        } else {
            Args.error(c, "ERR Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    private static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "AOF-FLUSH-SLEEP <microsec>",
                "    Server will sleep before flushing the AOF, this is used for testing.",
                "ASSERT",
                "    Crash by assertion failed.",
                "CHANGE-REPL-ID",
                "    Change the replication IDs of the instance.",
                "    Dangerous: should be used only for testing the replication subsystem.",
                "CONFIG-REWRITE-FORCE-ALL",
                "    Like CONFIG REWRITE but writes all configuration options, including",
                "    keywords not listed in original configuration file or default values.",
                "CRASH-AND-RECOVER [<milliseconds>]",
                "    Hard crash and restart after a <milliseconds> delay (default 0).",
                "DIGEST",
                "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]",
                "    Output a hex signature of the values of all the specified keys.",
                "ERROR <string>",
                "    Return a Redis protocol error with <string> as message. Useful for clients",
                "    unit tests to simulate Redis errors.",
                "LEAK <string>",
                "    Create a memory leak of the input string.",
                "LOG <message>",
                "    Write <message> to the server log.",
                "HTSTATS <dbid>",
                "    Return hash table statistics of the specified Redis database.",
                "HTSTATS-KEY <key>",
                "    Like HTSTATS but for the hash table stored at <key>'s value.",
                "LOADAOF",
                "    Flush the AOF buffers on disk and reload the AOF in memory.",
                "REPLICATE <string>",
                "    Replicates the provided string to replicas, allowing data divergence.",
                "MALLCTL <key> [<val>]",
                "    Get or set a malloc tuning integer.",
                "MALLCTL-STR <key> [<val>]",
                "    Get or set a malloc tuning string.",
                "OBJECT <key>",
                "    Show low level info about `key` and associated value.",
                "DROP-CLUSTER-PACKET-FILTER <packet-type>",
                "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
                "OOM",
                "    Crash the server simulating an out-of-memory error.",
                "PANIC",
                "    Crash the server simulating a panic.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "PROTOCOL <type>",
                "    Reply with a test value of the specified type. <type> can be: string,",
                "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
                "    true, false.",
                "RELOAD [option ...]",
                "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
                "    * MERGE: conflicting keys will be loaded from RDB.",
                "    * NOFLUSH: the existing database will not be removed before load, but",
                "      conflicting keys will generate an exception and kill the server.",
                "    * NOSAVE: the database will be loaded from an existing RDB file.",
                "    Examples:",
                "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
                "      the database.",
                "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
                "      existing RDB file.",
                "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
                "      file to the database.",
                "RESTART [<milliseconds>]",
                "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
                "SDSLEN <key>",
                "    Show low level SDS string info representing `key` and value.",
                "SEGFAULT",
                "    Crash the server with sigsegv.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "QUICKLIST-PACKED-THRESHOLD <size>",
                "    Sets the threshold for elements to be inserted as plain vs packed nodes",
                "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
                "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
                "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
                "SLEEP <seconds>",
                "    Stop the server for <seconds>. Decimals allowed.",
                "STRINGMATCH-TEST",
                "    Run a fuzz tester against the stringmatchlen() function.",
                "STRUCTSIZE",
                "    Return the size of different Redis core C structures.",
                "LISTPACK <key>",
                "    Show low level info about the listpack encoding of <key>.",
                "QUICKLIST <key> [<0|1>]",
                "    Show low level info about the quicklist encoding of <key>.",
                "    The optional argument (0 by default) sets the level of detail",
                "CLIENT-EVICTION",
                "    Show low level client eviction pools info (maxmemory-clients).",
                "PAUSE-CRON <0|1>",
                "    Stop periodic cron job processing.",
                "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
                "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
                "    In case NEVER is provided the last observed peak will never be reset",
                "    In case RESET is provided the peak reset time will be restored to the default value",
                "REPLYBUFFER RESIZING <0|1>",
                "    Enable or disable the reply buffer resize cron job",
                "CLUSTERLINK KILL <to|from|all> <node-id>",
                "    Kills the link based on the direction to/from (both) with the provided node.");
    }
}
