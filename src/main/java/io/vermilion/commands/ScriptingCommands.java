package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.SCRIPTING;
import static io.vermilion.server.CommandSpec.Acl.SLOW;
import static io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.MAY_REPLICATE;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_MANDATORY_KEYS;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.SKIP_MONITOR;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.scripting.Scripting;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import java.nio.charset.StandardCharsets;

/**
 * EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT, as Redis 7.0 (eval.c); the engine is
 * {@link io.vermilion.scripting.Scripting}, see docs/scripting.md.
 */
public final class ScriptingCommands {
    private ScriptingCommands() {}

    static KeySpec rw() {
        return KeySpec.flags("RW ACCESS UPDATE", "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE")
                .index(2).keynum(0, 1, 1);
    }

    static KeySpec rwNoNotes() {
        return KeySpec.flags("RW ACCESS UPDATE").index(2).keynum(0, 1, 1);
    }

    static KeySpec ro() {
        return KeySpec.flags("RO ACCESS", "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS")
                .index(2).keynum(0, 1, 1);
    }

    static KeySpec roNoNotes() {
        return KeySpec.flags("RO ACCESS").index(2).keynum(0, 1, 1);
    }

    public static void register(CommandTable t) {
        t.add(cmd("eval", -3).flags(NOSCRIPT, SKIP_MONITOR, MAY_REPLICATE, NO_MANDATORY_KEYS, STALE).acl(SLOW, SCRIPTING)
                .key(rw())
                .doc("scripting", "2.6.0", "Execute a Lua script server side", "Depends on the script that is executed.")
                .handler((c, a) -> Scripting.of(c.server()).eval(c, a, false, false)));
        t.add(cmd("evalsha", -3).flags(NOSCRIPT, SKIP_MONITOR, MAY_REPLICATE, NO_MANDATORY_KEYS, STALE).acl(SLOW, SCRIPTING)
                .key(rwNoNotes())
                .doc("scripting", "2.6.0", "Execute a Lua script server side", "Depends on the script that is executed.")
                .handler((c, a) -> Scripting.of(c.server()).eval(c, a, true, false)));
        t.add(cmd("eval_ro", -3).flags(READONLY, NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE).acl(SLOW, SCRIPTING)
                .key(ro())
                .doc("scripting", "7.0.0", "Execute a read-only Lua script server side", "Depends on the script that is executed.")
                .handler((c, a) -> Scripting.of(c.server()).eval(c, a, false, true)));
        t.add(cmd("evalsha_ro", -3).flags(READONLY, NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE).acl(SLOW, SCRIPTING)
                .key(roNoNotes())
                .doc("scripting", "7.0.0", "Execute a read-only Lua script server side", "Depends on the script that is executed.")
                .handler((c, a) -> Scripting.of(c.server()).eval(c, a, true, true)));
        t.add(cmd("script", -2).acl(SLOW)
                .doc("scripting", "2.6.0", "A container for Lua scripts management commands", "Depends on subcommand.")
                .sub(cmd("debug", 3).flags(NOSCRIPT).acl(SLOW, SCRIPTING)
                        .doc("scripting", "3.2.0", "Set the debug mode for executed scripts.", "O(1)")
                        .handler(ScriptingCommands::debug))
                .sub(cmd("exists", -3).flags(NOSCRIPT).acl(SLOW, SCRIPTING)
                        .tips("request_policy:all_shards", "response_policy:agg_logical_and")
                        .doc("scripting", "2.6.0", "Check existence of scripts in the script cache.", "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).")
                        .handler(ScriptingCommands::exists))
                .sub(cmd("flush", -2).flags(NOSCRIPT).acl(SLOW, SCRIPTING)
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .doc("scripting", "2.6.0", "Remove all the scripts from the script cache.", "O(N) with N being the number of scripts in cache")
                        .handler(ScriptingCommands::flush))
                .sub(cmd("help", 2).flags(LOADING, STALE).acl(SLOW, SCRIPTING)
                        .doc("scripting", "5.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(ScriptingCommands::help))
                .sub(cmd("kill", 2).flags(NOSCRIPT, ALLOW_BUSY).acl(SLOW, SCRIPTING)
                        .tips("request_policy:all_shards", "response_policy:one_succeeded")
                        .doc("scripting", "2.6.0", "Kill the script currently in execution.", "O(1)")
                        .handler((c, a) -> Scripting.of(c.server()).kill(c, true)))
                .sub(cmd("load", 3).flags(NOSCRIPT, STALE).acl(SLOW, SCRIPTING)
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .doc("scripting", "2.6.0", "Load the specified Lua script into the script cache.", "O(N) with N being the length in bytes of the script body.")
                        .handler(ScriptingCommands::load)));
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "DEBUG (YES|SYNC|NO)",
                "    Set the debug mode for subsequent scripts executed.",
                "EXISTS <sha1> [<sha1> ...]",
                "    Return information about the existence of the scripts in the script cache.",
                "FLUSH [ASYNC|SYNC]",
                "    Flush the Lua scripts cache. Very dangerous on replicas.",
                "    When called without the optional mode argument, the behavior is determined by the",
                "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                "    * ASYNC: Asynchronously flush the scripts cache.",
                "    * SYNC: Synchronously flush the scripts cache.",
                "KILL",
                "    Kill the currently executing Lua script.",
                "LOAD <script>",
                "    Load a script into the scripts cache without executing it.");
    }

    static void flush(Client c, byte[][] argv) {
        if (argv.length == 3 && !Args.is(argv[2], "sync") && !Args.is(argv[2], "async") || argv.length > 3) {
            Args.error(c, "ERR SCRIPT FLUSH only support SYNC|ASYNC option");
            return;
        }
        Scripting.of(c.server()).flushScripts();
        c.reply().ok();
    }

    static void exists(Client c, byte[][] argv) {
        Scripting s = Scripting.of(c.server());
        c.reply().array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            String sha = new String(argv[i], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            c.reply().integer(s.scripts().containsKey(sha) ? 1 : 0);
        }
    }

    static void load(Client c, byte[][] argv) {
        String sha = Scripting.of(c.server()).createScript(c, argv[2]);
        if (sha != null) c.reply().bulk(sha.getBytes(StandardCharsets.US_ASCII));
    }

    static void debug(Client c, byte[][] argv) {
        // The Lua debugger (LDB) is not implemented: a session would need a forked server.
        if (Args.is(argv[2], "no")) {
            c.reply().ok();
        } else if (Args.is(argv[2], "yes") || Args.is(argv[2], "sync")) {
            Args.error(c, "ERR SCRIPT DEBUG is not supported by this server");
        } else {
            Args.error(c, "ERR Use SCRIPT DEBUG YES/SYNC/NO");
        }
    }
}
