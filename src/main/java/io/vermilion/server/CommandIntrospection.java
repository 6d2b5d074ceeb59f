package io.vermilion.server;

import io.vermilion.protocol.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Replies describing commands, built from the command table exactly in Redis 7.0's shapes:
 * COMMAND INFO entries (name, arity, flags, legacy key range, ACL categories, tips, key specs,
 * subcommands) and COMMAND DOCS entries. Lives beside {@link CommandSpec} and {@link KeySpec} to
 * read their internals without widening them.
 */
public final class CommandIntrospection {
    private CommandIntrospection() {}

    /** One COMMAND INFO entry: a 10-element array. */
    public static void writeInfo(Reply r, CommandSpec s) {
        r.array(10);
        r.bulk(s.fullName);
        r.integer(s.arity);
        List<String> flags = new ArrayList<>();
        for (CommandSpec.Flag f : s.flags) if (f.visible()) flags.add(f.wireName());
        r.set(flags.size());
        for (String f : flags) r.simple(f);
        r.integer(s.legacyFirst);
        r.integer(s.legacyLast);
        r.integer(s.legacyStep);
        r.set(s.acl.size());
        for (CommandSpec.Acl a : s.acl) r.simple("@" + a.name().toLowerCase(Locale.ROOT));
        r.set(s.tips.size());
        for (String t : s.tips) r.bulk(t);
        r.set(s.keySpecs.size());
        for (KeySpec k : s.keySpecs) writeKeySpec(r, k);
        if (s.subcommands.isEmpty()) {
            r.set(0);
        } else {
            r.array(s.subcommands.size());
            for (CommandSpec sub : s.subcommands.values()) writeInfo(r, sub);
        }
    }

    static void writeKeySpec(Reply r, KeySpec k) {
        r.map(k.notes != null ? 4 : 3);
        if (k.notes != null) {
            r.bulk("notes");
            r.bulk(k.notes);
        }
        r.bulk("flags");
        writeKeyFlags(r, k.flags);
        r.bulk("begin_search");
        r.map(2);
        r.bulk("type");
        if (k.bsIndex > 0) {
            r.bulk("index");
            r.bulk("spec");
            r.map(1);
            r.bulk("index");
            r.integer(k.bsIndex);
        } else if (k.bsIndex == 0 && k.bsKeyword != null) {
            r.bulk("keyword");
            r.bulk("spec");
            r.map(2);
            r.bulk("keyword");
            r.bulk(k.bsKeyword);
            r.bulk("startfrom");
            r.integer(k.bsStartFrom);
        } else {
            r.bulk("unknown");
            r.bulk("spec");
            r.map(0);
        }
        r.bulk("find_keys");
        r.map(2);
        r.bulk("type");
        if (k.fkUnknown) {
            r.bulk("unknown");
            r.bulk("spec");
            r.map(0);
        } else if (k.fkRange) {
            r.bulk("range");
            r.bulk("spec");
            r.map(3);
            r.bulk("lastkey");
            r.integer(k.lastKey);
            r.bulk("keystep");
            r.integer(k.keyStep);
            r.bulk("limit");
            r.integer(k.limit);
        } else {
            r.bulk("keynum");
            r.bulk("spec");
            r.map(3);
            r.bulk("keynumidx");
            r.integer(k.keyNumIdx);
            r.bulk("firstkey");
            r.integer(k.firstKey);
            r.bulk("keystep");
            r.integer(k.keyStep);
        }
    }

    /** Key-spec flags as Redis prints them: RO/RW/OW/RM in capitals, the others in lower case. */
    public static void writeKeyFlags(Reply r, List<String> flags) {
        r.set(flags.size());
        for (String f : flags) r.simple(keyFlagName(f));
    }

    static String keyFlagName(String f) {
        return f.length() == 2 ? f : f.toLowerCase(Locale.ROOT);
    }

    /**
     * One COMMAND DOCS value (the map, without the name): Redis 7.0's documentation for the
     * command when it has one, else what the spec's builder declared; containers get the docs of
     * the subcommands registered here.
     */
    public static void writeDocs(Reply r, CommandSpec s) {
        RespTree.Agg d = CommandDocs.get(s.fullName);
        List<RespTree.Node> items = new ArrayList<>();
        if (d != null) {
            items.addAll(d.items());
        } else {
            items.add(RespTree.bulk("summary"));
            items.add(RespTree.bulk(s.summary));
            items.add(RespTree.bulk("since"));
            items.add(RespTree.bulk(s.since));
            items.add(RespTree.bulk("group"));
            items.add(RespTree.bulk(s.group));
            items.add(RespTree.bulk("complexity"));
            items.add(RespTree.bulk(s.complexity));
        }
        int pairs = items.size() / 2 + (s.subcommands.isEmpty() ? 0 : 1);
        r.map(pairs);
        for (RespTree.Node n : items) RespTree.write(r, n);
        if (!s.subcommands.isEmpty()) {
            r.bulk("subcommands");
            r.map(s.subcommands.size());
            for (CommandSpec sub : s.subcommands.values()) {
                r.bulk(sub.fullName);
                writeDocs(r, sub);
            }
        }
    }
}
