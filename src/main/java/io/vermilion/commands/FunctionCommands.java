package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.SCRIPTING;
import static io.vermilion.server.CommandSpec.Acl.SLOW;
import static io.vermilion.server.CommandSpec.Acl.WRITE;
import static io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.MAY_REPLICATE;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_MANDATORY_KEYS;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.SKIP_MONITOR;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.persistence.rdb.Crc64;
import io.vermilion.persistence.rdb.DumpPayload;
import io.vermilion.persistence.rdb.Rdb;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSink;
import io.vermilion.persistence.rdb.RdbSource;
import io.vermilion.persistence.rdb.RdbWriter;
import io.vermilion.protocol.Reply;
import io.vermilion.scripting.Functions;
import io.vermilion.scripting.Scripting;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** FUNCTION and FCALL / FCALL_RO, as Redis 7.0 (functions.c). */
public final class FunctionCommands {
    private FunctionCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("fcall", -3).flags(NOSCRIPT, SKIP_MONITOR, MAY_REPLICATE, NO_MANDATORY_KEYS, STALE).acl(SLOW, SCRIPTING)
                .key(ScriptingCommands.rw())
                .doc("scripting", "7.0.0", "Invoke a function", "Depends on the function that is executed.")
                .handler((c, a) -> Scripting.of(c.server()).functions().fcall(c, a, false)));
        t.add(cmd("fcall_ro", -3).flags(READONLY, NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE).acl(SLOW, SCRIPTING)
                .key(ScriptingCommands.ro())
                .doc("scripting", "7.0.0", "Invoke a read-only function", "Depends on the function that is executed.")
                .handler((c, a) -> Scripting.of(c.server()).functions().fcall(c, a, true)));
        t.add(cmd("function", -2).acl(SLOW)
                .doc("scripting", "7.0.0", "A container for function commands", "Depends on subcommand.")
                .sub(cmd("delete", 3).flags(io.vermilion.server.CommandSpec.Flag.WRITE, NOSCRIPT).acl(WRITE, SLOW, SCRIPTING)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .doc("scripting", "7.0.0", "Delete a function by name", "O(1)")
                        .handler(FunctionCommands::delete))
                .sub(cmd("dump", 2).flags(NOSCRIPT).acl(SLOW, SCRIPTING)
                        .doc("scripting", "7.0.0", "Dump all functions into a serialized binary payload", "O(N) where N is the number of functions")
                        .handler(FunctionCommands::dump))
                .sub(cmd("flush", -2).flags(io.vermilion.server.CommandSpec.Flag.WRITE, NOSCRIPT).acl(WRITE, SLOW, SCRIPTING)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .doc("scripting", "7.0.0", "Deleting all functions", "O(N) where N is the number of functions deleted")
                        .handler(FunctionCommands::flush))
                .sub(cmd("help", 2).flags(LOADING, STALE).acl(SLOW, SCRIPTING)
                        .doc("scripting", "7.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(FunctionCommands::help))
                .sub(cmd("kill", 2).flags(NOSCRIPT, ALLOW_BUSY).acl(SLOW, SCRIPTING)
                        .tips("request_policy:all_shards", "response_policy:one_succeeded")
                        .doc("scripting", "7.0.0", "Kill the function currently in execution.", "O(1)")
                        .handler((c, a) -> Scripting.of(c.server()).kill(c, false)))
                .sub(cmd("list", -2).flags(NOSCRIPT).acl(SLOW, SCRIPTING)
                        .tips("nondeterministic_output_order")
                        .doc("scripting", "7.0.0", "List information about all the functions", "O(N) where N is the number of functions")
                        .handler(FunctionCommands::list))
                .sub(cmd("load", -3).flags(io.vermilion.server.CommandSpec.Flag.WRITE, DENYOOM, NOSCRIPT).acl(WRITE, SLOW, SCRIPTING)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .doc("scripting", "7.0.0", "Create a function with the given arguments (name, code, description)", "O(1) (considering compilation time is redundant)")
                        .handler(FunctionCommands::load))
                .sub(cmd("restore", -3).flags(io.vermilion.server.CommandSpec.Flag.WRITE, DENYOOM, NOSCRIPT).acl(WRITE, SLOW, SCRIPTING)
                        .tips("request_policy:all_shards", "response_policy:all_succeeded")
                        .doc("scripting", "7.0.0", "Restore all the functions on the given payload", "O(N) where N is the number of functions on the payload")
                        .handler(FunctionCommands::restore))
                .sub(cmd("stats", 2).flags(NOSCRIPT, ALLOW_BUSY).acl(SLOW, SCRIPTING)
                        .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                        .doc("scripting", "7.0.0", "Return information about the function currently running (name, description, duration)", "O(1)")
                        .handler(FunctionCommands::stats)));
    }

    static Functions fns(Client c) { return Scripting.of(c.server()).functions(); }

    static void load(Client c, byte[][] argv) {
        boolean replace = false;
        int pos = 2;
        while (pos < argv.length - 1) {
            byte[] a = argv[pos++];
            if (Args.is(a, "replace")) { replace = true; continue; }
            Args.error(c, "ERR Unknown option given: " + Args.latin1(a));
            return;
        }
        if (pos >= argv.length) {
            Args.error(c, "ERR Function code is missing");
            return;
        }
        try {
            String name = fns(c).load(argv[pos], replace, !c.isInternal());
            c.server().addDirty(1);
            c.reply().bulk(name.getBytes(StandardCharsets.ISO_8859_1));
        } catch (Exception e) {
            Args.error(c, e.getMessage());
        }
    }

    static void delete(Client c, byte[][] argv) {
        if (!fns(c).delete(Args.latin1(argv[2]))) {
            Args.error(c, "ERR Library not found");
            return;
        }
        c.server().addDirty(1);
        c.reply().ok();
    }

    static void flush(Client c, byte[][] argv) {
        if (argv.length > 3) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        if (argv.length == 3 && !Args.is(argv[2], "sync") && !Args.is(argv[2], "async")) {
            Args.error(c, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
            return;
        }
        fns(c).flush();
        c.server().addDirty(1);
        c.reply().ok();
    }

    static void list(Client c, byte[][] argv) {
        boolean withCode = false;
        String pattern = null;
        for (int i = 2; i < argv.length; i++) {
            if (!withCode && Args.is(argv[i], "withcode")) { withCode = true; continue; }
            if (pattern == null && Args.is(argv[i], "libraryname")) {
                if (i >= argv.length - 1) {
                    Args.error(c, "ERR library name argument was not given");
                    return;
                }
                pattern = Args.latin1(argv[++i]);
                continue;
            }
            Args.error(c, "ERR Unknown argument " + Args.latin1(argv[i]));
            return;
        }
        List<Functions.Library> libs = new ArrayList<>();
        for (Functions.Library l : fns(c).libraries().values()) {
            if (pattern == null || io.vermilion.config.Glob.matches(pattern, l.name, false)) libs.add(l);
        }
        Reply r = c.reply();
        r.array(libs.size());
        for (Functions.Library l : libs) {
            r.map(withCode ? 4 : 3);
            r.bulk("library_name");
            r.bulk(l.name.getBytes(StandardCharsets.ISO_8859_1));
            r.bulk("engine");
            r.bulk("LUA");
            r.bulk("functions");
            r.array(l.functions.size());
            for (Functions.Fn f : l.functions.values()) {
                r.map(3);
                r.bulk("name");
                r.bulk(f.name.getBytes(StandardCharsets.ISO_8859_1));
                r.bulk("description");
                if (f.description != null) r.bulk(f.description);
                else r.nullBulk();
                r.bulk("flags");
                int n = Integer.bitCount(f.flags & 31);
                r.set(n);
                String[] names = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};
                for (int i = 0; i < names.length; i++) if ((f.flags & (1 << i)) != 0) r.simple(names[i]);
            }
            if (withCode) {
                r.bulk("library_code");
                r.bulk(l.code);
            }
        }
    }

    static void stats(Client c, byte[][] argv) {
        Scripting s = Scripting.of(c.server());
        Reply r = c.reply();
        r.map(2);
        r.bulk("running_script");
        Scripting.Run run = s.running();
        if (run == null) {
            r.nullBulk();
        } else {
            r.map(3);
            r.bulk("name");
            r.bulk(run.funcName().getBytes(StandardCharsets.ISO_8859_1));
            r.bulk("command");
            byte[][] cmd = run.command();
            r.array(cmd.length);
            for (byte[] a : cmd) r.bulk(a);
            r.bulk("duration_ms");
            r.integer(run.durationMs());
        }
        r.bulk("engines");
        r.map(1);
        r.bulk("LUA");
        r.map(2);
        r.bulk("libraries_count");
        r.integer(s.functions().libraries().size());
        r.bulk("functions_count");
        r.integer(s.functions().functions().size());
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "LOAD [REPLACE] <FUNCTION CODE>",
                "    Create a new library with the given library name and code.",
                "DELETE <LIBRARY NAME>",
                "    Delete the given library.",
                "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                "    Return general information on all the libraries:",
                "    * Library name",
                "    * The engine used to run the Library",
                "    * Library description",
                "    * Functions list",
                "    * Library code (if WITHCODE is given)",
                "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                "STATS",
                "    Return information about the current function running:",
                "    * Function name",
                "    * Command used to run the function",
                "    * Duration in MS that the function is running",
                "    If no function is running, return nil",
                "    In addition, returns a list of available engines.",
                "KILL",
                "    Kill the current running function.",
                "FLUSH [ASYNC|SYNC]",
                "    Delete all the libraries.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the libraries.",
                "    * SYNC: Synchronously flush the libraries.",
                "DUMP",
                "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                "    control how to handle existing libraries (default APPEND):",
                "    * FLUSH: delete all existing libraries.",
                "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                "      in case of functions name collision with another library).");
    }

    static void dump(Client c, byte[][] argv) {
        RdbSink.Bytes sink = new RdbSink.Bytes(64);
        RdbWriter w = new RdbWriter(sink, null, c.server().config().getBool("rdbcompression"), true, 512);
        try {
            for (byte[] code : fns(c).codes()) w.function(code);
            w.writeByte(Rdb.VERSION & 0xff);
            w.writeByte((Rdb.VERSION >>> 8) & 0xff);
            long crc = w.crc();
            w.writeLongLE(crc);
            w.flush();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        c.reply().bulk(sink.toByteArray());
    }

    static void restore(Client c, byte[][] argv) {
        if (argv.length > 4) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        String policy = "append";
        if (argv.length == 4) {
            if (Args.is(argv[3], "append")) policy = "append";
            else if (Args.is(argv[3], "replace")) policy = "replace";
            else if (Args.is(argv[3], "flush")) policy = "flush";
            else {
                Args.error(c, "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
                return;
            }
        }
        byte[] p = argv[2];
        if (!DumpPayload.verify(p)) {
            Args.error(c, "ERR DUMP payload version or checksum are wrong");
            return;
        }
        List<byte[]> codes = new ArrayList<>();
        try {
            RdbReader r = new RdbReader(new RdbSource.Bytes(java.util.Arrays.copyOf(p, p.length - 10)), null, false, Math.max(16, p.length));
            while (r.position() < p.length - 10) {
                int type = r.readByte();
                if (type != Rdb.OPCODE_FUNCTION2) {
                    Args.error(c, "ERR given type is not a function");
                    return;
                }
                codes.add(r.readString());
            }
        } catch (java.io.IOException | RuntimeException e) {
            Args.error(c, "ERR failed loading the given functions payload");
            return;
        }
        Functions f = fns(c);
        if (policy.equals("append")) {
            for (byte[] code : codes) {
                String name = libName(code);
                if (name != null && f.libraries().containsKey(name)) {
                    Args.error(c, "ERR Library " + name + " already exists");
                    return;
                }
            }
        }
        if (policy.equals("flush")) f.flush();
        for (byte[] code : codes) {
            try {
                f.load(code, policy.equals("replace"), false);
            } catch (Exception e) {
                Args.error(c, e.getMessage());
                return;
            }
        }
        c.server().addDirty(1);
        c.reply().ok();
    }

    private static String libName(byte[] code) {
        int nl = 0;
        while (nl < code.length && code[nl] != '\n') nl++;
        String line = new String(code, 0, nl, StandardCharsets.ISO_8859_1);
        for (String part : line.split(" ")) {
            if (part.regionMatches(true, 0, "name=", 0, 5)) return part.substring(5);
        }
        return null;
    }

    static long crc(byte[] b) { return Crc64.update(0, b); }
}
