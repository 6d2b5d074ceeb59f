package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Flag.ADMIN;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.acl.Acl;
import io.vermilion.acl.AclView;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * ACL SETUSER/GETUSER/DELUSER/LIST/USERS/WHOAMI/CAT/GENPASS/LOG/SAVE/LOAD/DRYRUN/HELP, with
 * Redis 7.0's replies and error texts. The rules themselves live in {@link Acl}; see
 * docs/security.md.
 */
public final class AclCommands {
    private AclCommands() {}

    private static final String COMPLEXITY_USERS = "O(N). Where N is the number of configured users.";

    public static void register(CommandTable t) {
        t.add(cmd("acl", -2)
                .doc("server", "6.0.0", "A container for Access List Control commands ", "Depends on subcommand.")
                .sub(cmd("cat", -2).flags(NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "List the ACL categories or the commands inside a category",
                                "O(1) since the categories and commands are a fixed set.")
                        .handler(AclCommands::cat))
                .sub(cmd("deluser", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "Remove the specified ACL users and the associated rules",
                                "O(1) amortized time considering the typical user.")
                        .handler(AclCommands::deluser))
                .sub(cmd("dryrun", -4).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "7.0.0", "Returns whether the user can execute the given command without executing the command.", "O(1).")
                        .handler(AclCommands::dryrun))
                .sub(cmd("genpass", -2).flags(NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "Generate a pseudorandom secure password to use for ACL users", "O(1)")
                        .handler(AclCommands::genpass))
                .sub(cmd("getuser", 3).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "Get the rules for a specific ACL user",
                                "O(N). Where N is the number of password, command and pattern rules that the user has.")
                        .handler(AclCommands::getuser))
                .sub(cmd("help", 2).flags(LOADING, STALE)
                        .doc("server", "6.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(AclCommands::help))
                .sub(cmd("list", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "List the current ACL rules in ACL config file format", COMPLEXITY_USERS)
                        .handler(AclCommands::list))
                .sub(cmd("load", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "Reload the ACLs from the configured ACL file", COMPLEXITY_USERS)
                        .handler(AclCommands::load))
                .sub(cmd("log", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "List latest events denied because of ACLs in place",
                                "O(N) with N being the number of entries shown.")
                        .handler(AclCommands::log))
                .sub(cmd("save", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "Save the current ACL rules in the configured ACL file", COMPLEXITY_USERS)
                        .handler(AclCommands::save))
                .sub(cmd("setuser", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "Modify or create the rules for a specific ACL user",
                                "O(N). Where N is the number of rules provided.")
                        .handler(AclCommands::setuser))
                .sub(cmd("users", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "List the username of all the configured ACL rules", COMPLEXITY_USERS)
                        .handler(AclCommands::users))
                .sub(cmd("whoami", 2).flags(NOSCRIPT, LOADING, STALE)
                        .doc("server", "6.0.0", "Return the name of the user associated to the current connection", "O(1)")
                        .handler(AclCommands::whoami)));
    }

    static Acl acl(Client c) {
        return (Acl) c.server().access();
    }

    private static String s(byte[] b) {
        return Args.latin1(b);
    }

    static void setuser(Client c, byte[][] argv) {
        for (int j = 2; j < argv.length; j++) c.redact(j);
        String name = s(argv[2]);
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == 0 || Character.isWhitespace(ch) && ch < 128) {
                Args.error(c, "ERR Usernames can't contain spaces or null characters");
                return;
            }
        }
        List<String> rules = new ArrayList<>();
        for (int j = 3; j < argv.length; j++) rules.add(s(argv[j]));
        String err = acl(c).setUser(name, rules);
        if (err == null) c.reply().ok();
        else Args.error(c, "ERR " + err.replace('\r', ' ').replace('\n', ' '));
    }

    static void deluser(Client c, byte[][] argv) {
        for (int j = 2; j < argv.length; j++) {
            if (s(argv[j]).equals("default")) {
                Args.error(c, "ERR The 'default' user cannot be removed");
                return;
            }
        }
        int deleted = 0;
        for (int j = 2; j < argv.length; j++) if (acl(c).deleteUser(s(argv[j]), c)) deleted++;
        c.reply().integer(deleted);
    }

    static void getuser(Client c, byte[][] argv) {
        AclView.getuser(acl(c), c, s(argv[2]));
    }

    static void list(Client c, byte[][] argv) {
        List<String> lines = acl(c).listLines();
        c.reply().array(lines.size());
        for (String l : lines) c.reply().bulk(Args.latin1Bytes(l));
    }

    static void users(Client c, byte[][] argv) {
        var all = acl(c).users();
        c.reply().array(all.size());
        for (var u : all) c.reply().bulk(Args.latin1Bytes(u.name()));
    }

    static void whoami(Client c, byte[][] argv) {
        c.reply().bulk(Args.latin1Bytes(c.user()));
    }

    private static final String NO_ACLFILE = "ERR This Redis instance is not configured to use an ACL file. You may want "
            + "to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
            + "configuration file set) in order to store users in the Redis configuration.";

    static void load(Client c, byte[][] argv) {
        String file = c.server().config().get("aclfile");
        if (file.isEmpty()) {
            Args.error(c, NO_ACLFILE);
            return;
        }
        String err = acl(c).loadFile(c.server().config().resolve(file), file, c);
        if (err == null) c.reply().ok();
        else Args.error(c, "ERR " + err);
    }

    static void save(Client c, byte[][] argv) {
        String file = c.server().config().get("aclfile");
        if (file.isEmpty()) {
            Args.error(c, NO_ACLFILE);
            return;
        }
        if (acl(c).saveFile(c.server().config().resolve(file))) c.reply().ok();
        else Args.error(c, "ERR There was an error trying to save the ACLs. Please check the server logs for more information");
    }

    static void cat(Client c, byte[][] argv) {
        if (argv.length == 2) {
            CommandSpec.Acl[] cats = CommandSpec.Acl.values();
            c.reply().array(cats.length);
            for (CommandSpec.Acl a : cats) c.reply().bulk(a.name().toLowerCase(java.util.Locale.ROOT));
            return;
        }
        if (argv.length != 3) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        CommandSpec.Acl cat = null;
        for (CommandSpec.Acl a : CommandSpec.Acl.values()) if (a.name().equalsIgnoreCase(s(argv[2]))) cat = a;
        if (cat == null) {
            String n = s(argv[2]);
            Args.error(c, "ERR Unknown category '" + (n.length() > 128 ? n.substring(0, 128) : n) + "'");
            return;
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec cmd : c.server().commands().allWithSubcommands()) {
            if (cmd.has(CommandSpec.Flag.MODULE)) continue;
            if (cmd.aclCategories().contains(cat)) names.add(cmd.fullName());
        }
        c.reply().array(names.size());
        for (String n : names) c.reply().bulk(n);
    }

    static void genpass(Client c, byte[][] argv) {
        if (argv.length > 3) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        long bits = 256;
        if (argv.length == 3) {
            Long b = Args.longOrReply(c, argv[2]);
            if (b == null) return;
            bits = b;
        }
        if (bits <= 0 || bits > 4096) {
            Args.error(c, "ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
                    + "number up to 4096");
            return;
        }
        int chars = (int) ((bits + 3) / 4);
        byte[] rnd = new byte[(chars + 1) / 2];
        new SecureRandom().nextBytes(rnd);
        StringBuilder sb = new StringBuilder();
        for (byte b : rnd) sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        c.reply().bulk(sb.substring(0, chars));
    }

    static void log(Client c, byte[][] argv) {
        if (argv.length > 3) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        long count = 10;
        if (argv.length == 3) {
            if (Args.is(argv[2], "reset")) {
                AclView.resetLog(acl(c));
                c.reply().ok();
                return;
            }
            Long n = Args.longOrReply(c, argv[2]);
            if (n == null) return;
            count = Math.max(0, n);
        }
        AclView.log(acl(c), c, count);
    }

    static void dryrun(Client c, byte[][] argv) {
        Acl acl = acl(c);
        var u = acl.user(s(argv[2]));
        if (u == null) {
            Args.error(c, "ERR User '" + s(argv[2]) + "' not found");
            return;
        }
        CommandSpec cmd = c.server().commands().lookup(argv, 3);
        if (cmd == null) {
            Args.error(c, "ERR Command '" + s(argv[3]) + "' not found");
            return;
        }
        int argc = argv.length - 3;
        if ((cmd.arity() > 0 && cmd.arity() != argc) || argc < -cmd.arity()) {
            Args.error(c, "ERR wrong number of arguments for '" + cmd.fullName() + "' command");
            return;
        }
        byte[][] sub = java.util.Arrays.copyOfRange(argv, 3, argv.length);
        int[] pos = new int[1];
        int r = acl.checkUser(u, cmd, sub, pos);
        switch (r) {
            case Acl.OK -> c.reply().ok();
            case Acl.DENIED_CMD -> c.reply().bulk(Args.latin1Bytes(
                    "This user has no permissions to run the '" + cmd.fullName() + "' command"));
            case Acl.DENIED_KEY -> c.reply().bulk(Args.latin1Bytes(
                    "This user has no permissions to access the '" + s(sub[pos[0]]) + "' key"));
            default -> c.reply().bulk(Args.latin1Bytes(
                    "This user has no permissions to access the '" + s(sub[pos[0]]) + "' channel"));
        }
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username.");
    }
}
