package io.vermilion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HelpTableTest {
    private final HelpTable builtIn = HelpTable.builtIn();

    @Test
    void builtInTableCoversRedis70() {
        assertThat(builtIn.entries()).hasSizeGreaterThan(350);
        assertThat(builtIn.commandNames()).contains("GET", "SET", "CLUSTER", "XADD");
        assertThat(builtIn.subcommandNames("cluster")).contains("NODES", "SETSLOT", "ADDSLOTS");
        assertThat(builtIn.groupNames()).contains("@string", "@cluster");
    }

    @Test
    void hintsShowTheRemainingArguments() {
        assertThat(builtIn.hint("get")).isEqualTo(" key");
        assertThat(builtIn.hint("get ")).isEqualTo("key");
        assertThat(builtIn.hint("GET k")).isEqualTo(" ");
        assertThat(builtIn.hint("set k")).isEqualTo(" value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]");
        assertThat(builtIn.hint("set k v ")).isEqualTo("[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]");
        // the longest matching name wins: CLIENT LIST over CLIENT
        assertThat(builtIn.hint("client list ")).isEqualTo("[TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]");
        assertThat(builtIn.hint("nosuchcommand ")).isNull();
        assertThat(builtIn.hint("")).isNull();
        assertThat(builtIn.hint("\"unterminated")).isNull();
    }

    @Test
    void synopsisFromCommandDocsInBothProtocols() {
        // COMMAND DOCS for a SET-like command, written as RESP2 nested arrays.
        Reply args = arr(
                arr(b("name"), b("key"), b("type"), b("key")),
                arr(b("name"), b("condition"), b("type"), b("oneof"), b("flags"), arr(st("optional")),
                        b("arguments"), arr(
                                arr(b("name"), b("nx"), b("type"), b("pure-token"), b("token"), b("NX")),
                                arr(b("name"), b("xx"), b("type"), b("pure-token"), b("token"), b("XX")))),
                arr(b("name"), b("field"), b("type"), b("string"), b("token"), b("FIELDS"),
                        b("flags"), arr(st("multiple"), st("multiple_token"))));
        Reply docs2 = arr(b("myset"), arr(b("summary"), b("Sets"), b("since"), b("1.0.0"), b("group"), b("string"),
                b("arguments"), args));
        HelpTable t = HelpTable.fromCommandDocs(docs2);
        HelpTable.Entry e = t.entries().stream().filter(x -> x.full().equals("MYSET")).findFirst().orElseThrow();
        assertThat(e.params()).isEqualTo("key [NX|XX] FIELDS field [FIELDS field ...]");
        assertThat(e.summary()).isEqualTo("Sets");
        assertThat(t.groupNames()).containsExactly("@string");

        // The same in RESP3: maps and sets.
        Reply docs3 = new Reply.Map(List.of(new Reply.Entry(b("myset"), new Reply.Map(List.of(
                new Reply.Entry(b("summary"), b("Sets")),
                new Reply.Entry(b("arguments"), args))))));
        assertThat(HelpTable.fromCommandDocs(docs3).hint("myset k ")).isEqualTo("[NX|XX] FIELDS field [FIELDS field ...]");
    }

    @Test
    void helpOutput() {
        String h = builtIn.help(List.of("get"), "1.0");
        assertThat(h).isEqualTo("\r\n  \u001b[1mGET\u001b[0m \u001b[90mkey\u001b[0m\r\n"
                + "  \u001b[33msummary:\u001b[0m Get the value of a key\r\n"
                + "  \u001b[33msince:\u001b[0m 1.0.0\r\n"
                + "  \u001b[33mgroup:\u001b[0m string\r\n\r\n");
        assertThat(builtIn.help(List.of(), "1.0")).startsWith("vermilion-cli 1.0\n");
        assertThat(builtIn.help(List.of("@hyperloglog"), "1.0")).contains("PFADD").doesNotContain("group:");
    }

    private static Reply b(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply st(String s) {
        return new Reply.SimpleString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply arr(Reply... r) {
        return new Reply.Array(List.of(r));
    }
}
