package io.vermilion.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's command table. Lookup by name is case-insensitive and allocation-free: names are
 * hashed from the request bytes with ASCII case folding into a small open-addressing table.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new TreeMap<>();
    private CommandSpec[] slots = new CommandSpec[512];
    private byte[][] slotNames = new byte[512][];

    /** Names requests use (differs from byName after rename-command). */
    private final Map<String, CommandSpec> requestNames = new TreeMap<>();

    public CommandSpec add(CommandSpec.Builder b) {
        CommandSpec s = b.build(null);
        if (byName.put(s.name, s) != null) throw new IllegalStateException("duplicate command " + s.name);
        requestNames.put(s.name, s);
        index(s);
        return s;
    }

    /**
     * rename-command: requests name the command {@code to} instead of {@code from} (an empty
     * {@code to} disables it). COMMAND, ACL rules and error texts keep the original name, as in
     * Redis. Returns null, or Redis's config error text.
     */
    public String rename(String from, String to) {
        String f = from.toLowerCase(java.util.Locale.ROOT);
        String t = to.toLowerCase(java.util.Locale.ROOT);
        CommandSpec s = requestNames.get(f);
        if (s == null) return "No such command in rename-command";
        requestNames.remove(f);
        if (!t.isEmpty()) {
            if (requestNames.containsKey(t)) return "Target command name already exists";
            requestNames.put(t, s);
        }
        slots = new CommandSpec[slots.length];
        slotNames = new byte[slots.length][];
        for (Map.Entry<String, CommandSpec> e : requestNames.entrySet()) put(e.getKey(), e.getValue());
        return null;
    }

    private void index(CommandSpec s) {
        if ((requestNames.size() * 2) > slots.length) {
            slots = new CommandSpec[slots.length * 2];
            slotNames = new byte[slots.length][];
            for (Map.Entry<String, CommandSpec> e : requestNames.entrySet()) put(e.getKey(), e.getValue());
        } else {
            put(s.name, s);
        }
    }

    private void put(String name, CommandSpec s) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        int mask = slots.length - 1;
        int i = hash(n) & mask;
        while (slots[i] != null && !java.util.Arrays.equals(slotNames[i], n)) i = (i + 1) & mask;
        slots[i] = s;
        slotNames[i] = n;
    }

    private static int hash(byte[] name) {
        int h = 0;
        for (byte b : name) {
            int c = b;
            if (c >= 'A' && c <= 'Z') c += 32;
            h = h * 31 + c;
        }
        return h ^ (h >>> 16);
    }

    /** The command named by argv[0] (any case), or null. */
    public CommandSpec lookup(byte[] name) {
        int mask = slots.length - 1;
        int i = hash(name) & mask;
        while (true) {
            CommandSpec s = slots[i];
            if (s == null) return null;
            if (KeySpec.equalsIgnoreCase(slotNames[i], name)) return s;
            i = (i + 1) & mask;
        }
    }

    /**
     * A command or subcommand by full name, "get" or "client|list" in any case, as COMMAND INFO
     * and COMMAND DOCS accept them; null if unknown.
     */
    public CommandSpec lookupFullName(String fullName) {
        return lookupFullName(byName, fullName);
    }

    private static CommandSpec lookupFullName(java.util.Map<String, CommandSpec> names, String fullName) {
        String n = fullName.toLowerCase(java.util.Locale.ROOT);
        int bar = n.indexOf('|');
        if (bar < 0) return names.get(n);
        if (n.indexOf('|', bar + 1) >= 0) return null;
        CommandSpec base = names.get(n.substring(0, bar));
        return base == null ? null : base.subcommands.get(n.substring(bar + 1));
    }

    /**
     * The command a request names: argv[from] and, for a container, its subcommand at
     * argv[from + 1] (null if that is unknown). A container named alone is returned as is.
     */
    public CommandSpec lookup(byte[][] argv, int from) {
        CommandSpec base = lookup(argv[from]);
        if (base == null || !base.isContainer() || argv.length - from < 2) return base;
        return base.subcommands.get(new String(argv[from + 1], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT));
    }

    public CommandSpec get(String name) {
        return byName.get(name.toLowerCase());
    }

    public Collection<CommandSpec> all() {
        return byName.values();
    }

    /** Every command and subcommand, for COMMAND LIST / stats. */
    public List<CommandSpec> allWithSubcommands() {
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec c : byName.values()) {
            out.add(c);
            out.addAll(c.subcommands.values());
        }
        return out;
    }

    public int size() {
        return byName.size();
    }

    /**
     * The commands requests can name, in name order: after rename-command, Redis's server.commands
     * (COMMAND, COMMAND COUNT/INFO/DOCS/LIST), which lists a renamed command under its original
     * name and leaves out a removed one.
     */
    public List<CommandSpec> served() {
        java.util.Set<CommandSpec> live = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        live.addAll(requestNames.values());
        List<CommandSpec> out = new ArrayList<>();
        for (CommandSpec c : byName.values()) if (live.contains(c)) out.add(c);
        return out;
    }

    /**
     * COMMAND INFO / DOCS lookup: a name requests use ("wipedb" after renaming flushdb to it),
     * optionally with "|subcommand"; null if none.
     */
    public CommandSpec lookupServed(String fullName) {
        return lookupFullName(requestNames, fullName);
    }
}
