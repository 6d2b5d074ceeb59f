package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.CONNECTION;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NO_MANDATORY_KEYS;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.config.Glob;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandIntrospection;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * COMMAND and its subcommands: the node describes its own command table (COUNT, INFO, DOCS, LIST
 * with filters, GETKEYS, GETKEYSANDFLAGS, HELP). Everything comes from the {@link CommandSpec}s
 * the families register, so a new command is described correctly as soon as it is declared.
 */
public final class CommandCommands {
    private CommandCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("command", -1).flags(LOADING, STALE).acl(CONNECTION).tips("nondeterministic_output_order")
                .doc("server", "2.8.13", "Get array of Redis command details", "O(N) where N is the total number of Redis commands")
                .handler(CommandCommands::all)
                .sub(cmd("count", 2).flags(LOADING, STALE).acl(CONNECTION)
                        .doc("server", "2.8.13", "Get total number of Redis commands", "O(1)")
                        .handler((c, argv) -> c.reply().integer(c.server().commands().served().size())))
                .sub(cmd("docs", -2).flags(LOADING, STALE).acl(CONNECTION).tips("nondeterministic_output_order")
                        .doc("server", "7.0.0", "Get array of specific Redis command documentation", "O(N) where N is the number of commands to look up")
                        .handler(CommandCommands::docs))
                .sub(cmd("getkeys", -4).flags(LOADING, STALE).acl(CONNECTION)
                        .doc("server", "2.8.13", "Extract keys given a full Redis command", "O(N) where N is the number of arguments to the command")
                        .handler((c, argv) -> getKeys(c, argv, false)))
                .sub(cmd("getkeysandflags", -4).flags(LOADING, STALE).acl(CONNECTION)
                        .doc("server", "7.0.0", "Extract keys and access flags given a full Redis command", "O(N) where N is the number of arguments to the command")
                        .handler((c, argv) -> getKeys(c, argv, true)))
                .sub(cmd("help", 2).flags(LOADING, STALE).acl(CONNECTION)
                        .doc("server", "5.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(CommandCommands::help))
                .sub(cmd("info", -2).flags(LOADING, STALE).acl(CONNECTION).tips("nondeterministic_output_order")
                        .doc("server", "2.8.13", "Get array of specific Redis command details, or all when no argument is given.", "O(N) where N is the number of commands to look up")
                        .handler(CommandCommands::info))
                .sub(cmd("list", -2).flags(LOADING, STALE).acl(CONNECTION).tips("nondeterministic_output_order")
                        .doc("server", "7.0.0", "Get an array of Redis command names", "O(N) where N is the total number of Redis commands")
                        .handler(CommandCommands::list)));
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "(no subcommand)",
                "    Return details about all Redis commands.",
                "COUNT",
                "    Return the total number of commands in this Redis server.",
                "LIST",
                "    Return a list of all commands in this Redis server.",
                "INFO [<command-name> ...]",
                "    Return details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "DOCS [<command-name> ...]",
                "    Return documentation details about multiple Redis commands.",
                "    If no command names are given, documentation details for all",
                "    commands are returned.",
                "GETKEYS <full-command>",
                "    Return the keys from a full Redis command.",
                "GETKEYSANDFLAGS <full-command>",
                "    Return the keys and the access flags from a full Redis command.");
    }

    /** COMMAND alone: the info of every command. */
    static void all(Client c, byte[][] argv) {
        // What requests can name (rename-command), as Redis's server.commands.
        List<CommandSpec> served = c.server().commands().served();
        c.reply().array(served.size());
        for (CommandSpec s : served) CommandIntrospection.writeInfo(c.reply(), s);
    }

    static void info(Client c, byte[][] argv) {
        if (argv.length == 2) {
            all(c, argv);
            return;
        }
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            CommandSpec s = c.server().commands().lookupServed(Args.latin1(argv[i]));
            if (s == null) r.nullBulk();
            else CommandIntrospection.writeInfo(r, s);
        }
    }

    static void docs(Client c, byte[][] argv) {
        Reply r = c.reply();
        CommandTable t = c.server().commands();
        if (argv.length == 2) {
            List<CommandSpec> served = t.served();
            r.map(served.size());
            for (CommandSpec s : served) {
                r.bulk(s.fullName());
                CommandIntrospection.writeDocs(r, s);
            }
            return;
        }
        List<CommandSpec> found = new ArrayList<>();
        for (int i = 2; i < argv.length; i++) {
            CommandSpec s = t.lookupServed(Args.latin1(argv[i]));
            if (s != null) found.add(s);
        }
        r.map(found.size());
        for (CommandSpec s : found) {
            r.bulk(s.fullName());
            CommandIntrospection.writeDocs(r, s);
        }
    }

    /** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]: names with subcommands. */
    static void list(Client c, byte[][] argv) {
        int mode = 0; // 0 none, 1 module, 2 aclcat, 3 pattern
        String arg = null;
        if (argv.length == 5 && Args.is(argv[2], "filterby")) {
            arg = Args.latin1(argv[4]);
            if (Args.is(argv[3], "module")) mode = 1;
            else if (Args.is(argv[3], "aclcat")) mode = 2;
            else if (Args.is(argv[3], "pattern")) mode = 3;
        }
        if (argv.length != 2 && mode == 0) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        List<String> names = new ArrayList<>();
        if (mode != 1) { // no modules here: a MODULE filter matches nothing
            List<CommandSpec> all = new ArrayList<>();
            for (CommandSpec base : c.server().commands().served()) {
                all.add(base);
                all.addAll(base.subcommands().values());
            }
            for (CommandSpec s : all) {
                if (mode == 2 && !hasCategory(s, arg)) continue;
                if (mode == 3 && !Glob.matches(arg, s.fullName(), true)) continue;
                names.add(s.fullName());
            }
        }
        c.reply().array(names.size());
        for (String n : names) c.reply().bulk(n);
    }

    private static boolean hasCategory(CommandSpec s, String category) {
        for (CommandSpec.Acl a : s.aclCategories()) {
            if (a.name().toLowerCase(Locale.ROOT).equals(category.toLowerCase(Locale.ROOT))) return true;
        }
        return false;
    }

    /** COMMAND GETKEYS / GETKEYSANDFLAGS command arg...: the keys (and flags) of that request. */
    static void getKeys(Client c, byte[][] argv, boolean withFlags) {
        byte[][] request = Arrays.copyOfRange(argv, 2, argv.length);
        CommandSpec s = c.server().commands().lookup(request, 0);
        if (s == null) {
            Args.error(c, "ERR Invalid command specified");
            return;
        }
        if (!s.hasKeys()) {
            Args.error(c, "ERR The command has no key arguments");
            return;
        }
        int arity = s.arity();
        if ((arity > 0 && request.length != arity) || request.length < -arity) {
            Args.error(c, "ERR Invalid number of arguments specified for command");
            return;
        }
        List<CommandSpec.KeyRef> keys = s.keyRefs(request);
        if (keys == null || keys.isEmpty()) {
            if (s.flags().contains(NO_MANDATORY_KEYS)) {
                c.reply().array(0);
            } else {
                Args.error(c, "ERR Invalid arguments specified for command");
            }
            return;
        }
        Reply r = c.reply();
        r.array(keys.size());
        for (CommandSpec.KeyRef k : keys) {
            if (withFlags) {
                r.array(2);
                r.bulk(request[k.pos()]);
                CommandIntrospection.writeKeyFlags(r, k.flags());
            } else {
                r.bulk(request[k.pos()]);
            }
        }
    }
}
