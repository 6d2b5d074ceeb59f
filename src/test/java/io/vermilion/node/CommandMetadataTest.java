package io.vermilion.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vermilion.protocol.Reply;
import io.vermilion.server.CommandDocs;
import io.vermilion.server.CommandIntrospection;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.RespTree;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every command the node registers must describe itself exactly as redis-server 7.0 does: its
 * COMMAND INFO entry equals the real one (reference captured in command-info.resp by
 * CommandDocsGenerator) and it has COMMAND DOCS data whose summary/since/group/complexity match
 * what the family declared.
 */
class CommandMetadataTest {
    /**
     * Subcommands of Redis 7.0 that are deliberately not provided; the container's other
     * subcommands and fields must still match.
     */
    static final Set<String> NOT_PROVIDED = Set.of(
            "client|tracking",   // server-assisted client-side caching
            "latency|graph",     // ASCII latency charts
            "cluster|replicate", // replication is not built yet: unknown subcommand until it is
            "cluster|failover");

    static Map<String, RespTree.Agg> reference;
    static CommandTable table;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = CommandMetadataTest.class.getResourceAsStream("/io/vermilion/server/command-info.resp")) {
            RespTree.Agg root = (RespTree.Agg) RespTree.parse(in.readAllBytes());
            reference = new HashMap<>();
            for (int i = 0; i < root.items().size(); i += 2) {
                reference.put(RespTree.text(root.items().get(i)), (RespTree.Agg) root.items().get(i + 1));
            }
        }
        table = new CommandTable();
        VermilionNode.registerCommands(table);
    }

    @Test
    void everyRegisteredCommandHasRedisMetadata() {
        List<String> problems = new ArrayList<>();
        for (CommandSpec s : table.allWithSubcommands()) {
            RespTree.Agg expected = reference.get(s.fullName());
            if (expected == null) {
                problems.add(s.fullName() + ": not a Redis 7.0 command");
                continue;
            }
            RespTree.Agg actual = normalized(render(s));
            if (!actual.equals(expected)) {
                List<String> names = new ArrayList<>();
                for (RespTree.Node n : ((RespTree.Agg) expected.items().get(9)).items()) names.add(RespTree.text(n));
                List<String> ours = new ArrayList<>();
                for (RespTree.Node n : ((RespTree.Agg) actual.items().get(9)).items()) ours.add(RespTree.text(n));
                boolean onlyMissingSubs = actual.items().subList(0, 9).equals(expected.items().subList(0, 9))
                        && names.containsAll(ours);
                if (onlyMissingSubs) {
                    for (String n : names) {
                        if (!ours.contains(n) && !NOT_PROVIDED.contains(n)) problems.add(s.fullName() + ": missing subcommand " + n);
                    }
                } else {
                    problems.add(s.fullName() + ":\n  redis: " + show(expected) + "\n  ours:  " + show(actual));
                }
            }
        }
        assertThat(problems).as("COMMAND INFO differences").isEmpty();
    }

    @Test
    void everyRegisteredCommandHasDocs() {
        List<String> problems = new ArrayList<>();
        for (CommandSpec s : table.allWithSubcommands()) {
            RespTree.Agg d = CommandDocs.get(s.fullName());
            if (d == null) {
                problems.add(s.fullName() + ": no docs");
                continue;
            }
            if (s.summary().isEmpty()) continue; // the family declared no doc(): the data file speaks
            check(problems, s, "summary", s.summary(), d);
            check(problems, s, "since", s.since(), d);
            check(problems, s, "group", s.group(), d);
            check(problems, s, "complexity", s.complexity(), d);
        }
        assertThat(problems).as("COMMAND DOCS differences").isEmpty();
    }

    @Test
    void docsOfAContainerListItsRegisteredSubcommands() {
        CommandSpec client = table.get("client");
        RespTree.Agg docs = (RespTree.Agg) RespTree.parse(bytes(r -> CommandIntrospection.writeDocs(r, client)));
        RespTree.Agg subs = (RespTree.Agg) docs.get("subcommands");
        assertThat(subs).isNotNull();
        assertThat(subs.count()).isEqualTo(client.subcommands().size());
        assertThat(RespTree.text(docs.get("summary"))).isEqualTo("A container for client connection commands");
        assertThat(((RespTree.Agg) subs.get("client|list")).get("history")).isNotNull();
    }

    private static void check(List<String> problems, CommandSpec s, String field, String declared, RespTree.Agg d) {
        String real = RespTree.text(d.get(field));
        if (real == null) real = ""; // e.g. MONITOR documents no complexity
        if (!declared.equals(real)) problems.add(s.fullName() + " " + field + ": declared '" + declared + "', redis '" + real + "'");
    }

    static RespTree.Agg render(CommandSpec s) {
        return (RespTree.Agg) RespTree.parse(bytes(r -> CommandIntrospection.writeInfo(r, s)));
    }

    static byte[] bytes(java.util.function.Consumer<Reply> writer) {
        ByteBuf buf = Unpooled.buffer();
        Reply r = new Reply(buf);
        r.proto(3);
        writer.accept(r);
        return ByteBufUtil.getBytes(buf);
    }

    /** A container's subcommand entries replaced by their sorted names, as in the reference file. */
    static RespTree.Agg normalized(RespTree.Agg info) {
        List<RespTree.Node> fields = new ArrayList<>(info.items());
        RespTree.Agg subs = (RespTree.Agg) fields.get(9);
        List<String> names = new ArrayList<>();
        for (RespTree.Node n : subs.items()) names.add(RespTree.text(((RespTree.Agg) n).items().get(0)));
        Collections.sort(names);
        List<RespTree.Node> nameNodes = new ArrayList<>();
        for (String n : names) nameNodes.add(RespTree.bulk(n));
        fields.set(9, new RespTree.Agg(subs.type(), nameNodes));
        return new RespTree.Agg('*', fields);
    }

    static String show(RespTree.Node n) {
        return new String(RespTree.encode(n), StandardCharsets.UTF_8).replace("\r\n", " ");
    }
}
