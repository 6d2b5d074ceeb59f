package io.vermilion.acl;

import io.vermilion.server.AccessControl;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.Server;
import io.vermilion.util.Glob;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The ACL of one node, with Redis 7.0's semantics (acl.c): users and their rules, the checks
 * made before a command runs, the ACL LOG, and the description of users in the ACL LIST /
 * aclfile format. Owned by the node's command thread. Installed as the server's
 * {@link AccessControl}; see docs/security.md.
 *
 * <p>Names, passwords and patterns are handled as one char per byte (ISO-8859-1), so any byte
 * sequence round-trips.
 */
public final class Acl implements AccessControl {
    public static final int OK = 0, DENIED_CMD = 1, DENIED_KEY = 2, DENIED_AUTH = 3, DENIED_CHANNEL = 4;
    public static final String CTX_TOPLEVEL = "toplevel", CTX_MULTI = "multi", CTX_LUA = "lua";

    /** ACL categories, in Redis's order (ACL CAT), with their CommandSpec flag. */
    static final CommandSpec.Acl[] CATEGORIES = CommandSpec.Acl.values();

    /** A rule Redis refuses (ACLSetUserStringError's text). */
    static final class RuleException extends Exception {
        RuleException(String message) { super(message, null, false, false); }
    }

    static final String E_ENOENT = "Unknown command or category name in ACL";
    static final String E_EINVAL = "Syntax error";
    static final String E_EEXIST = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
            + "does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
    static final String E_EISDIR = "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and "
            + "does not have any effect. Try 'resetchannels' to start with an empty list of channels";
    static final String E_ENODEV = "The password you are trying to remove from the user does not exist";
    static final String E_EBADMSG = "The password hash must be exactly 64 characters and contain only lowercase "
            + "hexadecimal characters";
    static final String E_ECHILD = "Allowing first-arg of a subcommand is not supported";

    /** One ACL LOG entry. */
    static final class LogEntry {
        long count = 1;
        int reason;
        String context, object, username, clientInfo;
        long ctimeMs;
    }

    private final Server server;
    private final CommandTable table;
    private final List<CommandSpec> commands;     // by aclId
    private final TreeMap<String, AclUser> users = new TreeMap<>();
    private AclUser defaultUser;
    private final LinkedList<LogEntry> log = new LinkedList<>();
    private long logMaxLen;
    private boolean pubsubDefaultAll;
    private boolean protectedMode;

    public Acl(Server server) {
        this.server = server;
        this.table = server.commands();
        this.commands = table.allWithSubcommands();
        for (int i = 0; i < commands.size(); i++) commands.get(i).aclId(i);
        var config = server.config();
        pubsubDefaultAll = config.get("acl-pubsub-default").equals("allchannels");
        config.addListener("acl-pubsub-default", v -> pubsubDefaultAll = v.equals("allchannels"));
        protectedMode = config.getBool("protected-mode");
        config.addListener("protected-mode", v -> protectedMode = v.equals("yes"));
        logMaxLen = config.getLong("acllog-max-len");
        config.addListener("acllog-max-len", v -> {
            logMaxLen = Long.parseLong(v);
            while (log.size() > logMaxLen) log.removeLast();
        });
        defaultUser = createDefaultUser();
        users.put("default", defaultUser);
        String pass = config.get("requirepass");
        if (!pass.isEmpty()) updateDefaultPassword(pass);
        config.addListener("requirepass", v -> updateDefaultPassword(v.isEmpty() ? null : v));
        refreshAuthRequired();
        server.access(this);
        config.userLines(this::listLines);
    }

    private AclUser createDefaultUser() {
        AclUser u = new AclUser("default", pubsubDefaultAll);
        try {
            setUser(u, "+@all");
            setUser(u, "~*");
            setUser(u, "&*");
            setUser(u, "on");
            setUser(u, "nopass");
        } catch (RuleException e) {
            throw new IllegalStateException(e);
        }
        return u;
    }

    /** requirepass: the default user's only password (null = nopass), as ACLUpdateDefaultUserPassword. */
    void updateDefaultPassword(String password) {
        try {
            setUser(defaultUser, "resetpass");
            setUser(defaultUser, password == null ? "nopass" : ">" + password);
        } catch (RuleException e) {
            throw new IllegalStateException(e);
        }
        refreshAuthRequired();
    }

    /** New connections must authenticate unless the default user is on and nopass. */
    void refreshAuthRequired() {
        server.authRequired(!defaultUser.nopass || !defaultUser.enabled);
    }

    public Server server() { return server; }
    public AclUser defaultUser() { return defaultUser; }
    public AclUser user(String name) { return users.get(name); }
    public Collection<AclUser> users() { return users.values(); }

    /** The user a client is authenticated as (the default user when unknown). */
    AclUser userOf(Client c) {
        String n = c.user();
        if (n == null || n.equals("default")) return defaultUser;
        AclUser u = users.get(n);
        return u == null ? defaultUser : u;
    }

    // ================================================================== rules

    static String hash(byte[] cleartext) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(cleartext);
            StringBuilder sb = new StringBuilder(64);
            for (byte b : h) sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static boolean validHash(String h) {
        if (h.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char ch = h.charAt(i);
            if ((ch < 'a' || ch > 'f') && (ch < '0' || ch > '9')) return false;
        }
        return true;
    }

    /** ACLSetUser: applies one rule to a user. */
    void setUser(AclUser u, String op) throws RuleException {
        int len = op.length();
        if (len == 0) return;
        if (op.equalsIgnoreCase("on")) {
            u.enabled = true;
        } else if (op.equalsIgnoreCase("off")) {
            u.enabled = false;
        } else if (op.equalsIgnoreCase("skip-sanitize-payload")) {
            u.sanitize = 2;
        } else if (op.equalsIgnoreCase("sanitize-payload")) {
            u.sanitize = 1;
        } else if (op.equalsIgnoreCase("nopass")) {
            u.nopass = true;
            u.passwords.clear();
        } else if (op.equalsIgnoreCase("resetpass")) {
            u.nopass = false;
            u.passwords.clear();
        } else if (op.charAt(0) == '>' || op.charAt(0) == '#') {
            String h;
            if (op.charAt(0) == '>') {
                h = hash(bytes(op.substring(1)));
            } else {
                h = op.substring(1);
                if (!validHash(h)) throw new RuleException(E_EBADMSG);
            }
            if (!u.passwords.contains(h)) u.passwords.add(h);
            u.nopass = false;
        } else if (op.charAt(0) == '<' || op.charAt(0) == '!') {
            String h;
            if (op.charAt(0) == '<') {
                h = hash(bytes(op.substring(1)));
            } else {
                h = op.substring(1);
                if (!validHash(h)) throw new RuleException(E_EBADMSG);
            }
            if (!u.passwords.remove(h)) throw new RuleException(E_ENODEV);
        } else if (op.charAt(0) == '(' && op.charAt(len - 1) == ')') {
            Selector s = new Selector(false, pubsubDefaultAll);
            List<String> parts = io.vermilion.config.ArgSplitter.split(op.substring(1, len - 1));
            if (parts != null) for (String p : parts) setSelector(s, p);
            u.selectors.add(s);
        } else if (op.equalsIgnoreCase("clearselectors")) {
            while (u.selectors.size() > 1) u.selectors.remove(u.selectors.size() - 1);
        } else if (op.equalsIgnoreCase("reset")) {
            setUser(u, "resetpass");
            setUser(u, "resetkeys");
            setUser(u, "resetchannels");
            if (pubsubDefaultAll) setUser(u, "allchannels");
            setUser(u, "off");
            setUser(u, "sanitize-payload");
            setUser(u, "clearselectors");
            setUser(u, "-@all");
        } else {
            setSelector(u.root(), op);
        }
    }

    private CommandSpec lookup(String name) {
        return table.lookupFullName(name);
    }

    /** ACLChangeSelectorPerm: a container's rule applies to its subcommands. */
    private static void changePerm(Selector s, CommandSpec cmd, boolean allow) {
        s.setBit(cmd.aclId(), allow);
        s.resetFirstArgs(cmd.aclId());
        for (CommandSpec sub : cmd.subcommands().values()) s.setBit(sub.aclId(), allow);
    }

    private void setCategory(Selector s, CommandSpec.Acl cat, boolean allow) {
        for (CommandSpec cmd : table.all()) {
            if (cmd.has(CommandSpec.Flag.MODULE)) continue;
            if (cmd.aclCategories().contains(cat)) changePerm(s, cmd, allow);
            for (CommandSpec sub : cmd.subcommands().values()) {
                if (sub.aclCategories().contains(cat)) changePerm(s, sub, allow);
            }
        }
    }

    static CommandSpec.Acl category(String name) {
        for (CommandSpec.Acl a : CATEGORIES) if (a.name().equalsIgnoreCase(name)) return a;
        return null;
    }

    /** ACLSetSelector: applies one selector rule. */
    void setSelector(Selector s, String op) throws RuleException {
        int len = op.length();
        if (op.equalsIgnoreCase("allkeys") || op.equals("~*")) {
            s.allKeys = true;
            s.patterns.clear();
        } else if (op.equalsIgnoreCase("resetkeys")) {
            s.allKeys = false;
            s.patterns.clear();
        } else if (op.equalsIgnoreCase("allchannels") || op.equals("&*")) {
            s.allChannels = true;
            s.channels.clear();
        } else if (op.equalsIgnoreCase("resetchannels")) {
            s.allChannels = false;
            s.channels.clear();
        } else if (op.equalsIgnoreCase("allcommands") || op.equalsIgnoreCase("+@all")) {
            s.allCommands(true, commands.size());
        } else if (op.equalsIgnoreCase("nocommands") || op.equalsIgnoreCase("-@all")) {
            s.allCommands(false, commands.size());
        } else if (len > 0 && (op.charAt(0) == '~' || op.charAt(0) == '%')) {
            if (s.allKeys) throw new RuleException(E_EEXIST);
            int flags = 0;
            int offset = 1;
            if (op.charAt(0) == '%') {
                for (; offset < len; offset++) {
                    char ch = Character.toUpperCase(op.charAt(offset));
                    if (ch == 'R' && (flags & Selector.READ) == 0) {
                        flags |= Selector.READ;
                    } else if (ch == 'W' && (flags & Selector.WRITE) == 0) {
                        flags |= Selector.WRITE;
                    } else if (op.charAt(offset) == '~') {
                        offset++;
                        break;
                    } else {
                        throw new RuleException(E_EINVAL);
                    }
                }
            } else {
                flags = Selector.ALL;
            }
            String pat = op.substring(Math.min(offset, len));
            if (Selector.hasSpaces(pat)) throw new RuleException(E_EINVAL);
            Selector.KeyPattern found = null;
            for (Selector.KeyPattern p : s.patterns) if (p.text.equals(pat)) found = p;
            if (found == null) s.patterns.add(new Selector.KeyPattern(pat, flags));
            else found.flags |= flags;
            s.allKeys = false;
        } else if (len > 0 && op.charAt(0) == '&') {
            if (s.allChannels) throw new RuleException(E_EISDIR);
            String pat = op.substring(1);
            if (Selector.hasSpaces(pat)) throw new RuleException(E_EINVAL);
            if (!s.channels.contains(pat)) s.channels.add(pat);
            s.allChannels = false;
        } else if (len > 0 && op.charAt(0) == '+' && (len < 2 || op.charAt(1) != '@')) {
            String name = op.substring(1);
            int bar = name.lastIndexOf('|');
            if (bar < 0) {
                CommandSpec cmd = lookup(name);
                if (cmd == null) throw new RuleException(E_ENOENT);
                changePerm(s, cmd, true);
            } else {
                CommandSpec cmd = lookup(name.substring(0, bar));
                if (cmd == null) throw new RuleException(E_ENOENT);
                if (cmd.parent() != null) throw new RuleException(E_ECHILD);
                String sub = name.substring(bar + 1);
                if (sub.isEmpty()) throw new RuleException(E_EINVAL);
                if (cmd.isContainer()) {
                    CommandSpec subCmd = lookup(name);
                    if (subCmd == null) throw new RuleException(E_ENOENT);
                    changePerm(s, subCmd, true);
                } else {
                    server.log().warning("Deprecation warning: Allowing a first arg of an otherwise blocked command is a "
                            + "misuse of ACL and may get disabled in the future (offender: " + op + ")");
                    s.addFirstArg(cmd.aclId(), sub);
                }
            }
        } else if (len > 0 && op.charAt(0) == '-' && (len < 2 || op.charAt(1) != '@')) {
            CommandSpec cmd = lookup(op.substring(1));
            if (cmd == null) throw new RuleException(E_ENOENT);
            changePerm(s, cmd, false);
        } else if (len > 1 && (op.charAt(0) == '+' || op.charAt(0) == '-') && op.charAt(1) == '@') {
            CommandSpec.Acl cat = category(op.substring(2));
            if (cat == null) throw new RuleException(E_ENOENT);
            setCategory(s, cat, op.charAt(0) == '+');
        } else {
            throw new RuleException(E_EINVAL);
        }
    }

    /**
     * ACLMergeSelectorArguments: joins "(" ... ")" spread over several arguments. Returns null on
     * an unmatched parenthesis, with its index in {@code bad[0]}.
     */
    static List<String> mergeSelectorArgs(List<String> args, int[] bad) {
        List<String> out = new ArrayList<>();
        StringBuilder sel = null;
        int open = -1;
        for (int j = 0; j < args.size(); j++) {
            String op = args.get(j);
            if (!op.isEmpty() && op.charAt(0) == '(' && op.charAt(op.length() - 1) != ')') {
                sel = new StringBuilder(op);
                open = j;
                continue;
            }
            if (open != -1) {
                sel.append(' ').append(op);
                if (!op.isEmpty() && op.charAt(op.length() - 1) == ')') {
                    open = -1;
                    out.add(sel.toString());
                }
                continue;
            }
            out.add(op);
        }
        if (open != -1) {
            if (bad != null) bad[0] = open;
            return null;
        }
        return out;
    }

    /**
     * ACL SETUSER: applies the rules to a copy of the user (created if absent) and commits them
     * only if all are valid. Returns null or the error text (without "ERR ").
     */
    public String setUser(String name, List<String> rules) {
        int[] bad = new int[1];
        List<String> merged = mergeSelectorArgs(rules, bad);
        if (merged == null) return "Unmatched parenthesis in acl selector starting at '" + rules.get(bad[0]) + "'.";
        AclUser existing = users.get(name);
        AclUser temp = existing != null ? existing.copy(name) : new AclUser(name, pubsubDefaultAll);
        for (String op : merged) {
            try {
                setUser(temp, op);
            } catch (RuleException e) {
                return "Error in ACL SETUSER modifier '" + op + "': " + e.getMessage();
            }
        }
        if (existing != null) {
            killPubsubClientsIfNeeded(name, temp, existing);
            existing.copyFrom(temp);
        } else {
            users.put(name, temp);
        }
        if (name.equals("default")) refreshAuthRequired();
        return null;
    }

    /**
     * Redis's ACLKillPubsubClientsIfNeeded: when a user's channel rules shrink, its clients
     * subscribed to a channel (or a pattern, compared literally) the new rules refuse are
     * disconnected. Nothing happens when a selector allows every channel or the new rules keep
     * every old pattern.
     */
    private void killPubsubClientsIfNeeded(String name, AclUser now, AclUser before) {
        List<String> upcoming = new ArrayList<>();
        for (Selector sel : now.selectors) {
            if (sel.allChannels) return;
            upcoming.addAll(sel.channels);
        }
        boolean superset = true;
        for (Selector sel : before.selectors) {
            if (sel.allChannels || !upcoming.containsAll(sel.channels)) {
                superset = false;
                break;
            }
        }
        if (superset) return;
        io.vermilion.pubsub.PubSub ps = server.part(io.vermilion.pubsub.PubSub.class);
        if (ps == null) return;
        List<Client> victims = new ArrayList<>();
        for (Client c : server.clients().values()) {
            if (!name.equals(c.user())) continue;
            boolean kill = false;
            for (byte[] p : ps.clientChannels(c, 1)) if (!kill && !checkChannel(upcoming, p, true)) kill = true;
            for (byte[] ch : ps.clientChannels(c, 0)) if (!kill && !checkChannel(upcoming, ch, false)) kill = true;
            for (byte[] ch : ps.clientChannels(c, 2)) if (!kill && !checkChannel(upcoming, ch, false)) kill = true;
            if (kill) victims.add(c);
        }
        for (Client c : victims) c.kill();
    }

    /** ACL DELUSER of one user (not default): its clients are logged out and disconnected. */
    public boolean deleteUser(String name, Client current) {
        AclUser u = users.remove(name);
        if (u == null) return false;
        killClientsOf(name, current);
        return true;
    }

    /** ACLFreeUserAndKillClients: the calling client is closed after its reply. */
    void killClientsOf(String name, Client current) {
        List<Client> victims = new ArrayList<>();
        for (Client c : server.clients().values()) if (name.equals(c.user())) victims.add(c);
        for (Client c : victims) {
            c.user("default");
            c.authenticated(false);
            if (c == current) c.closeAfterReply();
            else c.kill();
        }
    }


    // ================================================================== authentication

    /** ACLCheckUserCredentials. */
    public boolean checkCredentials(byte[] user, byte[] password) {
        AclUser u = users.get(str(user));
        if (u == null || !u.enabled) return false;
        if (u.nopass) return true;
        byte[] h = bytes(hash(password));
        boolean ok = false;
        for (String p : u.passwords) if (MessageDigest.isEqual(h, bytes(p))) ok = true;
        return ok;
    }

    /** ACLAuthenticateUser: on success the client is that user; on failure an ACL LOG auth entry. */
    public boolean authenticate(Client c, byte[] user, byte[] password, byte[] commandName) {
        if (checkCredentials(user, password)) {
            c.authenticated(true);
            c.user(str(user));
            return true;
        }
        addLog(c, DENIED_AUTH, inMulti(c) ? CTX_MULTI : CTX_TOPLEVEL, str(user), str(commandName));
        return false;
    }

    private static boolean inMulti(Client c) {
        return c.txOrNull() != null && c.txOrNull().active();
    }

    // ================================================================== checks

    private static final class KeyCache {
        List<CommandSpec.KeyRef> refs;
        boolean init;
    }

    private static int keyFlags(List<String> specFlags) {
        int f = 0;
        for (String s : specFlags) {
            switch (s) {
                case "ACCESS" -> f |= Selector.READ;
                case "INSERT", "DELETE", "UPDATE" -> f |= Selector.WRITE;
                default -> { }
            }
        }
        return f;
    }

    private static boolean checkKey(Selector s, byte[] key, int keyFlags) {
        if (s.allKeys) return true;
        for (Selector.KeyPattern p : s.patterns) {
            if ((p.flags & keyFlags) != keyFlags) continue;
            if (Glob.matches(p.bytes, key)) return true;
        }
        return false;
    }

    /** Channel arguments: {first, last (-1 = all), publish?, pattern?}, or null. */
    private static int[] channelSpec(CommandSpec spec) {
        return switch (spec.fullName()) {
            case "subscribe", "ssubscribe" -> new int[] {1, -1, 0, 0};
            case "psubscribe" -> new int[] {1, -1, 0, 1};
            case "publish", "spublish" -> new int[] {1, 1, 1, 0};
            default -> null;
        };
    }

    private static boolean checkChannel(List<String> list, byte[] channel, boolean pattern) {
        String ch = str(channel);
        for (String p : list) {
            if (pattern ? p.equals(ch) : Glob.matches(bytes(p), channel)) return true;
        }
        return false;
    }

    private int checkSelector(Selector s, CommandSpec spec, byte[][] argv, int[] pos, KeyCache cache) {
        int id = spec.aclId();
        if (!s.allCommands && !spec.has(CommandSpec.Flag.NO_AUTH)) {
            if (!s.bit(id)) {
                if (argv.length < 2 || s.firstArgs == null || !s.firstArgs.containsKey(id)) return DENIED_CMD;
                int idx = spec.parent() != null ? 2 : 1;
                if (idx >= argv.length) return DENIED_CMD;
                String arg = str(argv[idx]);
                boolean match = false;
                for (String a : s.firstArgs.get(id)) if (a.equalsIgnoreCase(arg)) match = true;
                if (!match) return DENIED_CMD;
            }
        }
        if (!s.allKeys && spec.hasKeys()) {
            if (!cache.init) {
                cache.refs = spec.keyRefs(argv);
                cache.init = true;
            }
            if (cache.refs != null) {
                for (CommandSpec.KeyRef r : cache.refs) {
                    if (r.pos() >= argv.length) continue;
                    if (!checkKey(s, argv[r.pos()], keyFlags(r.flags()))) {
                        pos[0] = r.pos();
                        return DENIED_KEY;
                    }
                }
            }
        }
        int[] ch = s.allChannels ? null : channelSpec(spec);
        if (ch != null) {
            int last = ch[1] < 0 ? argv.length - 1 : Math.min(ch[1], argv.length - 1);
            for (int i = ch[0]; i <= last; i++) {
                if (!checkChannel(s.channels, argv[i], ch[3] == 1)) {
                    pos[0] = i;
                    return DENIED_CHANNEL;
                }
            }
        }
        return OK;
    }

    /** ACLCheckAllUserCommandPerm: OK or the most relevant denial, its argv index in pos[0]. */
    public int checkUser(AclUser u, CommandSpec spec, byte[][] argv, int[] pos) {
        if (u.unrestricted()) return OK;
        int relevant = DENIED_CMD;
        int lastIdx = 0;
        KeyCache cache = new KeyCache();
        int[] local = new int[1];
        for (Selector s : u.selectors) {
            local[0] = 0;
            int r = checkSelector(s, spec, argv, local, cache);
            if (r == OK) return OK;
            if (r > relevant || (r == relevant && local[0] > lastIdx)) {
                relevant = r;
                lastIdx = local[0];
            }
        }
        pos[0] = lastIdx;
        return relevant;
    }

    @Override
    public String check(Client c, CommandSpec spec, byte[][] argv) {
        AclUser u = userOf(c);
        if (u.unrestricted()) return null;
        int[] pos = new int[1];
        int r = checkUser(u, spec, argv, pos);
        if (r == OK) return null;
        addLog(c, r, inMulti(c) ? CTX_MULTI : CTX_TOPLEVEL, u.name, object(r, spec, argv, pos[0]));
        return switch (r) {
            case DENIED_CMD -> "NOPERM this user has no permissions to run the '" + spec.fullName() + "' command";
            case DENIED_KEY -> "NOPERM this user has no permissions to access one of the keys used as arguments";
            case DENIED_CHANNEL -> "NOPERM this user has no permissions to access one of the channels used as arguments";
            default -> "ERR no permission";
        };
    }

    @Override
    public String checkQueued(Client c, CommandSpec spec, byte[][] argv) {
        AclUser u = userOf(c);
        if (u.unrestricted()) return null;
        int[] pos = new int[1];
        int r = checkUser(u, spec, argv, pos);
        if (r == OK) return null;
        addLog(c, r, CTX_MULTI, u.name, object(r, spec, argv, pos[0]));
        String reason = switch (r) {
            case DENIED_CMD -> "no permission to execute the command or subcommand";
            case DENIED_KEY -> "no permission to touch the specified keys";
            case DENIED_CHANNEL -> "no permission to access one of the channels used as arguments";
            default -> "no permission";
        };
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                + "This command is no longer allowed for the following reason: " + reason;
    }

    @Override
    public String checkScript(Client caller, CommandSpec spec, byte[][] argv) {
        AclUser u = userOf(caller);
        if (u.unrestricted()) return null;
        int[] pos = new int[1];
        int r = checkUser(u, spec, argv, pos);
        if (r == OK) return null;
        addLog(caller, r, CTX_LUA, u.name, object(r, spec, argv, pos[0]));
        return "The user executing the script " + switch (r) {
            case DENIED_CMD -> "can't run this command or subcommand";
            case DENIED_KEY -> "can't access at least one of the keys mentioned in the command arguments";
            case DENIED_CHANNEL -> "can't publish to the channel mentioned in the command";
            default -> "lacking the permissions for the command";
        };
    }

    @Override
    public boolean channelAllowed(Client c, byte[] channel, boolean pattern) {
        AclUser u = userOf(c);
        for (Selector s : u.selectors) {
            if (s.allChannels) return true;
            if (checkChannel(s.channels, channel, pattern)) return true;
        }
        return false;
    }

    @Override
    public boolean fullKeyAccess(Client c, CommandSpec spec, byte[][] argv, boolean write) {
        AclUser u = userOf(c);
        if (u.unrestricted()) return true;
        int need = Selector.READ | (write ? Selector.WRITE : 0);
        KeyCache cache = new KeyCache();
        int[] pos = new int[1];
        for (Selector s : u.selectors) {
            if (checkSelector(s, spec, argv, pos, cache) != OK) continue;
            if (s.allKeys) return true;
            for (Selector.KeyPattern p : s.patterns) {
                if ((p.flags & need) == need && p.text.equals("*")) return true;
            }
        }
        return false;
    }

    private static String object(int reason, CommandSpec spec, byte[][] argv, int pos) {
        return switch (reason) {
            case DENIED_CMD -> spec.fullName();
            case DENIED_KEY, DENIED_CHANNEL -> pos < argv.length ? str(argv[pos]) : "";
            default -> "";
        };
    }

    static final String PROTECTED_MODE = "DENIED Redis is running in protected mode because protected mode is enabled "
            + "and no password is set for the default user. In this mode connections are only accepted from the "
            + "loopback interface. If you want to connect from external computers to Redis you may adopt one of the "
            + "following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' "
            + "from the loopback interface by connecting to Redis from the same host the server is running, however "
            + "MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this "
            + "change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis "
            + "configuration file, and setting the protected mode option to 'no', and then restarting the server. "
            + "3) If you started the server manually just for testing, restart it with the '--protected-mode no' "
            + "option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of "
            + "the above things in order for the server to start accepting connections from the outside.";

    /**
     * Redis 7.0's clientAcceptHandler: with protected-mode yes and a nopass default user, only
     * 127.0.0.1 and ::1 (and unix sockets) may connect. 7.0 no longer looks at bind here.
     */
    @Override
    public String refuseConnection(java.net.SocketAddress remote) {
        if (!protectedMode || !defaultUser.nopass) return null;
        if (!(remote instanceof java.net.InetSocketAddress in) || in.getAddress() == null) return null;
        java.net.InetAddress a = in.getAddress();
        byte[] raw = a.getAddress();
        boolean local = a instanceof java.net.Inet4Address
                ? raw[0] == 127 && raw[1] == 0 && raw[2] == 0 && raw[3] == 1
                : a.isLoopbackAddress();
        return local ? null : PROTECTED_MODE;
    }

    // ================================================================== ACL LOG

    /** addACLLogEntry: groups with a similar entry among the 10 newest (same reason, context, object, user, within 60 s). */
    public void addLog(Client c, int reason, String context, String username, String object) {
        LogEntry le = new LogEntry();
        le.reason = reason;
        le.context = context;
        le.username = username;
        le.object = object;
        le.ctimeMs = System.currentTimeMillis();
        le.clientInfo = c.infoLine();
        int toscan = 10;
        var it = log.iterator();
        LogEntry match = null;
        while (toscan-- > 0 && it.hasNext()) {
            LogEntry cur = it.next();
            if (cur.reason == le.reason && cur.context.equals(le.context) && Math.abs(cur.ctimeMs - le.ctimeMs) <= 60000
                    && cur.object.equals(le.object) && cur.username.equals(le.username)) {
                match = cur;
                it.remove();
                break;
            }
        }
        if (match != null) {
            match.clientInfo = le.clientInfo;
            match.ctimeMs = le.ctimeMs;
            match.count++;
            log.addFirst(match);
        } else {
            log.addFirst(le);
            while (log.size() > logMaxLen) log.removeLast();
        }
    }

    List<LogEntry> log() { return log; }

    void resetLog() { log.clear(); }

    // ================================================================== description

    /** ACL LIST's / the aclfile's description of a user (after "user name "). */
    public String describe(AclUser u) {
        StringBuilder sb = new StringBuilder();
        if (u.enabled) sb.append("on ");
        else sb.append("off ");
        if (u.nopass) sb.append("nopass ");
        if (u.sanitize == 2) sb.append("skip-sanitize-payload ");
        if (u.sanitize == 1) sb.append("sanitize-payload ");
        for (String p : u.passwords) sb.append('#').append(p).append(' ');
        for (Selector s : u.selectors) {
            String d = describeSelector(s);
            if (s.root) sb.append(d);
            else sb.append(" (").append(d).append(')');
        }
        return sb.toString();
    }

    String describeSelector(Selector s) {
        StringBuilder sb = new StringBuilder();
        if (s.allKeys) {
            sb.append("~* ");
        } else {
            for (Selector.KeyPattern p : s.patterns) sb.append(p.describe()).append(' ');
        }
        if (s.allChannels) {
            sb.append("&* ");
        } else {
            sb.append("resetchannels ");
            for (String ch : s.channels) sb.append('&').append(ch).append(' ');
        }
        sb.append(describeCommands(s));
        return sb.toString();
    }

    String keysDescription(Selector s) {
        if (s.allKeys) return "~*";
        StringBuilder sb = new StringBuilder();
        for (Selector.KeyPattern p : s.patterns) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(p.describe());
        }
        return sb.toString();
    }

    String channelsDescription(Selector s) {
        if (s.allChannels) return "&*";
        StringBuilder sb = new StringBuilder();
        for (String ch : s.channels) {
            if (sb.length() > 0) sb.append(' ');
            sb.append('&').append(ch);
        }
        return sb.toString();
    }

    private void countCategory(Selector s, CommandSpec.Acl cat, long[] onOff) {
        for (CommandSpec cmd : commands) {
            if (cmd.aclCategories().contains(cat)) {
                if (s.bit(cmd.aclId())) onOff[0]++;
                else onOff[1]++;
            }
        }
    }

    /**
     * ACLDescribeSelectorCommandRules: +@all or -@all, then the categories that best fit the
     * bitmap (applied to a scratch selector as they are chosen), then single commands and
     * first-args for the rest. Commands are visited in table order (Redis: its dict's order).
     */
    String describeCommands(Selector s) {
        StringBuilder rules = new StringBuilder();
        Selector fake = new Selector(false, false);
        boolean additive;
        try {
            if (s.future) {
                additive = false;
                rules.append("+@all ");
                setSelector(fake, "+@all");
            } else {
                additive = true;
                rules.append("-@all ");
                setSelector(fake, "-@all");
            }
            Selector temp = new Selector(false, false);
            temp.allowed = (BitSet) s.allowed.clone();
            boolean[] applied = new boolean[CATEGORIES.length];
            while (true) {
                int best = -1;
                long mindiff = Integer.MAX_VALUE, maxsame = 0;
                for (int j = 0; j < CATEGORIES.length; j++) {
                    if (applied[j]) continue;
                    long[] onOff = new long[2];
                    countCategory(temp, CATEGORIES[j], onOff);
                    long diff = additive ? onOff[1] : onOff[0];
                    long same = additive ? onOff[0] : onOff[1];
                    if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
                        best = j;
                        mindiff = diff;
                        maxsame = same;
                    }
                }
                if (best == -1) break;
                String name = CATEGORIES[best].name().toLowerCase(Locale.ROOT);
                String op = (additive ? "+@" : "-@") + name;
                setSelector(fake, op);
                setSelector(temp, (additive ? "-@" : "+@") + name);
                rules.append(op).append(' ');
                applied[best] = true;
            }
        } catch (RuleException e) {
            throw new IllegalStateException(e);
        }
        singleCommands(s, fake, rules, table.all());
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }

    private void singleCommands(Selector s, Selector fake, StringBuilder rules, Collection<CommandSpec> cmds) {
        for (CommandSpec cmd : cmds) {
            boolean userBit = s.bit(cmd.aclId());
            boolean fakeBit = fake.bit(cmd.aclId());
            if (userBit != fakeBit) {
                rules.append(userBit ? '+' : '-').append(cmd.fullName()).append(' ');
                changePerm(fake, cmd, userBit);
            }
            if (cmd.isContainer()) singleCommands(s, fake, rules, cmd.subcommands().values());
            if (!userBit && s.firstArgs != null && s.firstArgs.get(cmd.aclId()) != null) {
                for (String a : s.firstArgs.get(cmd.aclId())) {
                    rules.append('+').append(cmd.fullName()).append('|').append(a).append(' ');
                }
            }
        }
    }

    // ================================================================== files

    /** The users as "user name rules" lines, in name order (ACL LIST, ACL SAVE). */
    public List<String> listLines() {
        List<String> out = new ArrayList<>();
        for (AclUser u : users.values()) out.add("user " + u.name + " " + describe(u));
        return out;
    }

    /**
     * ACLLoadFromFile: replaces every user with the file's, or changes nothing and returns the
     * errors (one line, Redis's texts). Clients of the replaced users are disconnected.
     */
    public String loadFile(java.nio.file.Path file, String shownName, Client current) {
        String text;
        try {
            text = new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "No such file or directory"
                    : e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : String.valueOf(e.getMessage());
            return "Error loading ACLs, opening file '" + shownName + "': " + why;
        }
        StringBuilder errors = new StringBuilder();
        TreeMap<String, AclUser> fresh = new TreeMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int linenum = i + 1;
            String line = trim(lines[i]);
            if (line.isEmpty()) continue;
            List<String> argv = new ArrayList<>();
            for (String w : line.split(" ", -1)) if (!w.isEmpty()) argv.add(w);
            if (argv.isEmpty()) continue;
            if (!argv.get(0).equals("user") || argv.size() < 2) {
                errors.append(shownName).append(':').append(linenum)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv.get(1);
            if (Selector.hasSpaces(name)) {
                errors.append("'").append(shownName).append(':').append(linenum).append(": username '").append(name)
                        .append("' contains invalid characters. ");
                continue;
            }
            if (fresh.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(linenum).append(". ");
                continue;
            }
            AclUser u = new AclUser(name, pubsubDefaultAll);
            fresh.put(name, u);
            List<String> merged = mergeSelectorArgs(argv.subList(2, argv.size()), null);
            if (merged == null) {
                errors.append(shownName).append(':').append(linenum).append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            boolean syntaxError = false;
            for (String op : merged) {
                op = trimChars(op, "\t\r\n");
                try {
                    setUser(u, op);
                } catch (RuleException e) {
                    if (e.getMessage().equals(E_ENOENT)) {
                        errors.append(shownName).append(':').append(linenum).append(": Error in applying operation '")
                                .append(op).append("': ").append(e.getMessage()).append(". ");
                    } else if (!syntaxError) {
                        errors.append(shownName).append(':').append(linenum).append(": ").append(e.getMessage()).append(". ");
                        syntaxError = true;
                    }
                }
            }
        }
        if (errors.length() > 0) {
            return errors + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed";
        }
        AclUser newDefault = fresh.get("default");
        if (newDefault == null) newDefault = createDefaultUser();
        defaultUser.copyFrom(newDefault);
        fresh.put("default", defaultUser);
        List<String> old = new ArrayList<>(users.keySet());
        users.clear();
        users.putAll(fresh);
        for (String name : old) if (!name.equals("default")) killClientsOf(name, current);
        refreshAuthRequired();
        return null;
    }

    private static String trim(String s) {
        return trimChars(s, " \t\r\n");
    }

    private static String trimChars(String s, String chars) {
        int a = 0, b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) a++;
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) b--;
        return s.substring(a, b);
    }

    /** ACLSaveToFile: writes a temporary file and renames it over the aclfile. */
    public boolean saveFile(java.nio.file.Path file) {
        StringBuilder sb = new StringBuilder();
        for (String l : listLines()) sb.append(l).append('\n');
        java.nio.file.Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + System.currentTimeMillis());
        try {
            java.nio.file.Files.write(tmp, bytes(sb.toString()));
            java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (java.io.IOException e) {
            server.log().warning("Writing ACL file for ACL SAVE: " + e.getMessage());
            try {
                java.nio.file.Files.deleteIfExists(tmp);
            } catch (java.io.IOException ignored) {
                // nothing more to do
            }
            return false;
        }
    }

    /**
     * ACLLoadUsersAtStartup: the {@code user} lines of the config file, then the aclfile.
     * Returns null or the fatal error to log before exiting.
     */
    public String loadAtStartup(List<List<String>> userLines, String aclfile) {
        if (!aclfile.isEmpty() && !userLines.isEmpty()) {
            return "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is "
                    + "invalid. This setup is very likely to lead to configuration errors and security holes, please "
                    + "define either an ACL file or declare users directly in your redis.conf, but not both.";
        }
        for (List<String> line : userLines) {
            String name = line.get(0);
            if (Selector.hasSpaces(name)) return "Spaces not allowed in ACL usernames";
            AclUser u = users.get(name);
            if (u == null) {
                u = new AclUser(name, pubsubDefaultAll);
                users.put(name, u);
            } else {
                try {
                    setUser(u, "reset");
                } catch (RuleException e) {
                    throw new IllegalStateException(e);
                }
            }
            List<String> merged = mergeSelectorArgs(line.subList(1, line.size()), null);
            if (merged == null) merged = List.of();
            for (String op : merged) {
                try {
                    setUser(u, op);
                } catch (RuleException e) {
                    server.log().warning("Error loading ACL rule '" + op + "' for the user named '" + name + "': "
                            + e.getMessage());
                    return "Critical error while loading ACLs. Exiting.";
                }
            }
            if (!u.enabled) {
                server.log().notice("The user '" + name + "' is disabled (there is no 'on' modifier in the user "
                        + "description). Make sure this is not a configuration error.");
            }
        }
        refreshAuthRequired();
        if (!aclfile.isEmpty()) {
            String err = loadFile(server.config().resolve(aclfile), aclfile, null);
            if (err != null) return "Aborting Redis startup because of ACL errors: " + err;
        }
        return null;
    }

}
