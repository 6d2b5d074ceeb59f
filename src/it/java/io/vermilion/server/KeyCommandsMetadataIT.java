package io.vermilion.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.commands.KeyCommands;
import io.vermilion.it.support.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metadata KeyCommands declares (arity, flags, legacy key range, ACL categories, tips, key
 * specs, subcommands, docs) against what the real redis-server 7.0 publishes through COMMAND INFO
 * and COMMAND DOCS, field by field, so that our COMMAND output can be byte-identical.
 */
class KeyCommandsMetadataIT {
    private static ServerProcess redis;
    private static RespConnection conn;
    private static final CommandTable TABLE = new CommandTable();

    @BeforeAll
    static void start() throws Exception {
        KeyCommands.register(TABLE);
        redis = ServerProcess.redis();
        conn = RespConnection.connect("127.0.0.1", redis.port(), 5000, 10_000);
    }

    @AfterAll
    static void stop() {
        if (conn != null) conn.close();
        if (redis != null) redis.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCommandMatchesCommandInfo() throws Exception {
        assertThat(TABLE.all()).hasSize(23);
        for (CommandSpec spec : TABLE.all()) {
            Reply.Array info = (Reply.Array) conn.callChecked("COMMAND", "INFO", spec.name());
            assertThat(info.size()).isEqualTo(1);
            List<Object> theirs = (List<Object>) plain(info.get(0));
            List<Object> ours = render(spec);
            // Redis lists subcommands in the order of a dict seeded randomly per process: compare as a set.
            sortSubcommands(theirs);
            sortSubcommands(ours);
            assertThat(ours).as(spec.fullName()).isEqualTo(theirs);
        }
    }

    @Test
    void everyCommandMatchesCommandDocs() throws Exception {
        for (CommandSpec spec : TABLE.all()) {
            Reply.Array docs = (Reply.Array) conn.callChecked("COMMAND", "DOCS", spec.name());
            List<?> body = (List<?>) plain(docs.get(1));
            checkDocs(spec, body);
            if (spec.isContainer()) {
                List<?> subs = (List<?>) valueOf(body, "subcommands");
                assertThat(subs.size() / 2).isEqualTo(spec.subcommands().size());
                for (int i = 0; i < subs.size(); i += 2) {
                    String full = (String) subs.get(i);
                    CommandSpec sub = spec.subcommands().get(full.substring(full.indexOf('|') + 1));
                    assertThat(sub).as(full).isNotNull();
                    checkDocs(sub, (List<?>) subs.get(i + 1));
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void sortSubcommands(List<Object> info) {
        ((List<Object>) info.get(9)).sort(java.util.Comparator.comparing(e -> (String) ((List<Object>) e).get(0)));
    }

    private static void checkDocs(CommandSpec spec, List<?> body) {
        assertThat(spec.summary).as(spec.fullName() + " summary").isEqualTo(valueOf(body, "summary"));
        assertThat(spec.since).as(spec.fullName() + " since").isEqualTo(valueOf(body, "since"));
        assertThat(spec.group).as(spec.fullName() + " group").isEqualTo(valueOf(body, "group"));
        assertThat(spec.complexity).as(spec.fullName() + " complexity").isEqualTo(valueOf(body, "complexity"));
    }

    private static Object valueOf(List<?> flatMap, String key) {
        for (int i = 0; i < flatMap.size(); i += 2) if (key.equals(flatMap.get(i))) return flatMap.get(i + 1);
        return null;
    }

    /** Our spec in the shape of one COMMAND INFO entry (strings, longs and lists). */
    private static List<Object> render(CommandSpec s) {
        List<Object> out = new ArrayList<>();
        out.add(s.fullName);
        out.add((long) s.arity);
        List<Object> flags = new ArrayList<>();
        for (CommandSpec.Flag f : s.flags) flags.add(f.wireName());
        out.add(flags);
        out.add((long) s.legacyFirst);
        out.add((long) s.legacyLast);
        out.add((long) s.legacyStep);
        List<Object> acl = new ArrayList<>();
        for (CommandSpec.Acl a : s.acl) acl.add("@" + a.name().toLowerCase(Locale.ROOT));
        out.add(acl);
        out.add(new ArrayList<Object>(s.tips));
        List<Object> keys = new ArrayList<>();
        for (KeySpec k : s.keySpecs) keys.add(render(k));
        out.add(keys);
        List<Object> subs = new ArrayList<>();
        for (CommandSpec sub : s.subcommands.values()) subs.add(render(sub));
        out.add(subs);
        return out;
    }

    private static List<Object> render(KeySpec k) {
        List<Object> flags = new ArrayList<>();
        for (String f : k.flags) flags.add(f.length() == 2 ? f : f.toLowerCase(Locale.ROOT));
        List<Object> bs;
        if (k.bsIndex > 0) bs = List.of("type", "index", "spec", List.of("index", (long) k.bsIndex));
        else if (k.bsKeyword != null) bs = List.of("type", "keyword", "spec",
                List.of("keyword", k.bsKeyword, "startfrom", (long) k.bsStartFrom));
        else bs = List.of("type", "unknown", "spec", List.of());
        List<Object> fk;
        if (k.fkUnknown) fk = List.of("type", "unknown", "spec", List.of());
        else if (k.fkRange) fk = List.of("type", "range", "spec",
                List.of("lastkey", (long) k.lastKey, "keystep", (long) k.keyStep, "limit", (long) k.limit));
        else fk = List.of("type", "keynum", "spec",
                List.of("keynumidx", (long) k.keyNumIdx, "firstkey", (long) k.firstKey, "keystep", (long) k.keyStep));
        List<Object> out = new ArrayList<>();
        if (k.notes != null) { out.add("notes"); out.add(k.notes); }
        out.addAll(List.of("flags", flags, "begin_search", bs, "find_keys", fk));
        return out;
    }

    /** A reply as strings, longs and lists, in wire order. */
    private static Object plain(Reply r) {
        if (r instanceof Reply.Bulk b) return new String(b.value(), StandardCharsets.UTF_8);
        if (r instanceof Reply.SimpleString s) return new String(s.value(), StandardCharsets.UTF_8);
        if (r instanceof Reply.Integer i) return i.value();
        if (r instanceof Reply.Array a) {
            List<Object> out = new ArrayList<>();
            for (Reply e : a.elements()) out.add(plain(e));
            return out;
        }
        throw new IllegalArgumentException("unexpected reply " + r);
    }
}
