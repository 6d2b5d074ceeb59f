package io.vermilion.cli;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * What the REPL knows about commands: their argument synopsis (for the grey hints and
 * {@code help <command>}), summary, version and group.
 *
 * <p>The table comes from the server's {@code COMMAND DOCS} at startup, so it matches whatever the
 * server implements. If that fails (old server, not connected, or a Vermilion node that does not
 * implement it) a built-in copy generated from Redis 7.0 is used instead (resource
 * {@code commands.tsv}, regenerated with {@code HelpTableGenerator} from the tests).
 *
 * <p>The synopsis is built from the argument specs with the same conventions as redis-cli:
 * {@code [optional]}, {@code a|b} for one-of, {@code TOKEN value}, and {@code [x ...]} for
 * repetition.
 */
public final class HelpTable {
    /** One command (possibly a subcommand such as {@code CLIENT LIST}) or, if {@code group}, a {@code @group}. */
    public record Entry(List<String> argv, String full, String params, String summary, String since,
                        String group, boolean isGroup) {}

    private static final String RESOURCE = "commands.tsv";
    private final List<Entry> entries;
    private final boolean fromServer;

    private HelpTable(List<Entry> commands, boolean fromServer) {
        TreeSet<String> groups = new TreeSet<>();
        List<Entry> all = new ArrayList<>(commands);
        for (Entry e : commands) if (e.group() != null && !e.group().isEmpty()) groups.add(e.group());
        for (String g : groups) all.add(new Entry(List.of("@" + g), "@" + g, null, null, null, null, true));
        all.sort(Comparator.comparing(Entry::full));
        this.entries = List.copyOf(all);
        this.fromServer = fromServer;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** True if the table came from the server's COMMAND DOCS, false for the built-in copy. */
    public boolean fromServer() {
        return fromServer;
    }

    /** Asks the server ({@code COMMAND DOCS}); on any failure returns the built-in table. */
    public static HelpTable load(RespConnection conn) {
        if (conn != null) {
            try {
                Reply r = conn.call("COMMAND", "DOCS");
                if (!r.isError()) {
                    HelpTable t = fromCommandDocs(r);
                    if (!t.entries.isEmpty()) return t;
                }
            } catch (IOException | RuntimeException e) {
                // fall back below: hints are a convenience, never a reason to fail
            }
        }
        return builtIn();
    }

    /** The table generated from Redis 7.0.15 and shipped in the jar. */
    public static HelpTable builtIn() {
        List<Entry> list = new ArrayList<>();
        try (InputStream in = HelpTable.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.isEmpty() || line.startsWith("#")) continue;
                    String[] f = line.split("\t", -1);
                    if (f.length < 5) continue;
                    list.add(new Entry(List.of(f[0].split(" ")), f[0], f[3], f[4], f[2].isEmpty() ? null : f[2], f[1], false));
                }
            }
        } catch (IOException e) {
            // an unreadable resource leaves an empty table: no hints, nothing else breaks
        }
        return new HelpTable(list, false);
    }

    /** Builds the table from a {@code COMMAND DOCS} reply (RESP2 flat arrays or RESP3 maps). */
    public static HelpTable fromCommandDocs(Reply docs) {
        List<Entry> list = new ArrayList<>();
        List<Reply> top = docs.asList();
        for (int i = 0; i + 1 < top.size(); i += 2) {
            addCommand(list, top.get(i).asString(), null, top.get(i + 1));
        }
        return new HelpTable(list, true);
    }

    private static void addCommand(List<Entry> out, String name, String subName, Reply specs) {
        if (name == null) return;
        List<String> argv = new ArrayList<>();
        argv.add(name.toUpperCase(Locale.ROOT));
        if (subName != null) {
            int bar = subName.indexOf('|');
            argv.add(subName.substring(bar + 1).toUpperCase(Locale.ROOT));
        }
        String summary = "";
        String since = null;
        String group = "";
        String params = "";
        List<Reply> kv = specs.asList();
        List<Reply> subcommands = null;
        for (int j = 0; j + 1 < kv.size(); j += 2) {
            String key = kv.get(j).asString();
            Reply value = kv.get(j + 1);
            if (key == null) continue;
            switch (key) {
                case "summary" -> summary = String.valueOf(value.asString());
                case "since" -> since = value.asString();
                case "group" -> group = String.valueOf(value.asString());
                case "arguments" -> params = joinArguments(value.asList(), " ");
                case "subcommands" -> subcommands = value.asList();
                default -> { }
            }
        }
        out.add(new Entry(List.copyOf(argv), String.join(" ", argv), params, summary, since, group, false));
        if (subcommands != null && subName == null) {
            for (int j = 0; j + 1 < subcommands.size(); j += 2) {
                addCommand(out, name, subcommands.get(j).asString(), subcommands.get(j + 1));
            }
        }
    }

    private static String joinArguments(List<Reply> args, String separator) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            appendArgument(sb, args.get(i));
            if (i != args.size() - 1) sb.append(separator);
        }
        return sb.toString();
    }

    /** One argument of the synopsis: {@code [TOKEN name [name ...]]} and its variations. */
    private static void appendArgument(StringBuilder sb, Reply spec) {
        List<Reply> kv = spec.asList();
        String name = "";
        String type = "";
        String token = null;
        boolean optional = false;
        boolean multiple = false;
        boolean multipleToken = false;
        List<Reply> nested = List.of();
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            String key = kv.get(i).asString();
            Reply value = kv.get(i + 1);
            if (key == null) continue;
            switch (key) {
                case "name" -> name = String.valueOf(value.asString());
                case "type" -> type = String.valueOf(value.asString());
                case "token" -> token = String.valueOf(value.asString());
                case "arguments" -> nested = value.asList();
                case "flags" -> {
                    for (Reply f : value.asList()) {
                        String flag = f.asString();
                        if ("optional".equals(flag)) optional = true;
                        else if ("multiple".equals(flag)) multiple = true;
                        else if ("multiple_token".equals(flag)) multipleToken = true;
                    }
                }
                default -> { }
            }
        }
        String tokenPart = token == null ? "" : orEmptyQuotes(token);
        String repeat = switch (type) {
            case "key", "string", "integer", "double", "pattern", "unix-time", "token" -> orEmptyQuotes(name);
            case "oneof" -> joinArguments(nested, "|");
            case "block" -> joinArguments(nested, " ");
            default -> "";
        };
        if (!tokenPart.isEmpty() && !type.equals("pure-token")) tokenPart += " ";
        if (optional) sb.append('[');
        sb.append(tokenPart).append(repeat);
        if (multiple) {
            sb.append(" [");
            if (multipleToken) sb.append(tokenPart);
            sb.append(repeat).append(" ...]");
        }
        if (optional) sb.append(']');
    }

    private static String orEmptyQuotes(String s) {
        return s.isEmpty() ? "\"\"" : s;
    }

    // ---------------------------------------------------------------- hints and completion

    /**
     * The grey hint for what has been typed so far: the synopsis of the longest matching command
     * minus the arguments already typed (optional parts are never consumed), with a leading space
     * unless the line already ends in one. Null when there is nothing to hint.
     */
    public String hint(String buffer) {
        List<byte[]> raw = ArgSplitter.split(buffer.getBytes(StandardCharsets.UTF_8));
        if (raw == null || raw.isEmpty()) return null;
        List<String> typed = new ArrayList<>(raw.size());
        for (byte[] a : raw) typed.add(new String(a, StandardCharsets.UTF_8));
        Entry best = null;
        int bestLen = 0;
        for (Entry e : entries) {
            if (e.isGroup() || e.argv().size() > typed.size() || e.argv().size() <= bestLen) continue;
            boolean match = true;
            for (int j = 0; j < e.argv().size() && match; j++) match = e.argv().get(j).equalsIgnoreCase(typed.get(j));
            if (match) {
                best = e;
                bestLen = e.argv().size();
            }
        }
        if (best == null) return null;
        String hint = best.params() == null ? "" : best.params();
        int toRemove = typed.size() - bestLen;
        int i = 0;
        while (toRemove > 0 && i < hint.length()) {
            char c = hint.charAt(i);
            if (c == '[') break;
            if (c == ' ') toRemove--;
            i++;
        }
        hint = hint.substring(i);
        boolean endSpace = !buffer.isEmpty() && ArgSplitter.isSpace((byte) buffer.charAt(buffer.length() - 1));
        return endSpace ? hint : " " + hint;
    }

    /** Command names (first words), upper case, sorted, for completing the first word. */
    public List<String> commandNames() {
        TreeSet<String> names = new TreeSet<>();
        for (Entry e : entries) if (!e.isGroup()) names.add(e.argv().get(0));
        return List.copyOf(names);
    }

    /** Subcommand names of {@code command} (e.g. {@code LIST} for {@code CLIENT}), for the second word. */
    public List<String> subcommandNames(String command) {
        List<String> names = new ArrayList<>();
        for (Entry e : entries) {
            if (!e.isGroup() && e.argv().size() == 2 && e.argv().get(0).equalsIgnoreCase(command)) names.add(e.argv().get(1));
        }
        return names;
    }

    /** Group names with their {@code @} ({@code @string}, ...). */
    public List<String> groupNames() {
        List<String> names = new ArrayList<>();
        for (Entry e : entries) if (e.isGroup()) names.add(e.full());
        return names;
    }

    // ---------------------------------------------------------------- help output

    /**
     * Output of the interactive {@code help} command: general usage with no arguments,
     * {@code help @group} lists a group, {@code help cmd [sub]} shows matching commands.
     */
    public String help(List<String> args, String version) {
        StringBuilder sb = new StringBuilder();
        if (args.isEmpty()) {
            sb.append("vermilion-cli ").append(version).append('\n')
                    .append("To get help about commands type:\n")
                    .append("      \"help @<group>\" to get a list of commands in <group>\n")
                    .append("      \"help <command>\" for help on <command>\n")
                    .append("      \"help <tab>\" to get a list of possible help topics\n")
                    .append("      \"quit\" to exit\n")
                    .append('\n')
                    .append("To set vermilion-cli preferences:\n")
                    .append("      \":set hints\" enable online hints\n")
                    .append("      \":set nohints\" disable online hints\n");
            return sb.toString();
        }
        String group = args.get(0).startsWith("@") ? args.get(0).substring(1) : null;
        for (Entry e : entries) {
            if (e.isGroup()) continue;
            if (group == null) {
                if (args.size() > e.argv().size()) continue;
                boolean match = true;
                for (int j = 0; j < args.size() && match; j++) match = args.get(j).equalsIgnoreCase(e.argv().get(j));
                if (match) appendCommandHelp(sb, e, true);
            } else if (group.equalsIgnoreCase(e.group())) {
                appendCommandHelp(sb, e, false);
            }
        }
        sb.append("\r\n");
        return sb.toString();
    }

    private static void appendCommandHelp(StringBuilder sb, Entry e, boolean withGroup) {
        sb.append("\r\n  \u001b[1m").append(e.full()).append("\u001b[0m \u001b[90m").append(e.params()).append("\u001b[0m\r\n");
        sb.append("  \u001b[33msummary:\u001b[0m ").append(e.summary()).append("\r\n");
        if (e.since() != null) sb.append("  \u001b[33msince:\u001b[0m ").append(e.since()).append("\r\n");
        if (withGroup) sb.append("  \u001b[33mgroup:\u001b[0m ").append(e.group()).append("\r\n");
    }

    /** The table in the resource format (full name, group, since, synopsis, summary; tab separated). */
    public String toTsv() {
        StringBuilder sb = new StringBuilder();
        sb.append("# full-name\tgroup\tsince\tsynopsis\tsummary\n");
        for (Entry e : entries) {
            if (e.isGroup()) continue;
            sb.append(e.full()).append('\t').append(clean(e.group())).append('\t').append(e.since() == null ? "" : clean(e.since()))
                    .append('\t').append(clean(e.params())).append('\t').append(clean(e.summary())).append('\n');
        }
        return sb.toString();
    }

    private static String clean(String s) {
        return s == null ? "" : s.replace('\t', ' ').replace('\n', ' ');
    }
}
