package io.vermilion.it.diff;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptParserTest {
    private static List<String> split(String line) {
        return ScriptParser.splitArgs(line.getBytes(StandardCharsets.UTF_8)).stream()
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    private static DiffCase line(String text) {
        return ScriptParser.parseLine("t.txt", 7, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void splitsOnWhitespaceLikeRedisCli() {
        assertThat(split("  SET  foo\tbar  ")).containsExactly("SET", "foo", "bar");
        assertThat(split("")).isEmpty();
    }

    @Test
    void doubleQuotesSupportEscapes() {
        assertThat(split("SET \"a b\" \"x\\x41\\n\\r\\t\\\"\\\\z\"")).containsExactly("SET", "a b", "xA\n\r\t\"\\z");
        assertThat(split("\"\\xff\\x00\"")).containsExactly("\u00ff\u0000");
        assertThat(split("\"\"")).containsExactly("");
        // \x without two hex digits is just an escaped 'x'
        assertThat(split("\"\\xZ1\"")).containsExactly("xZ1");
    }

    @Test
    void singleQuotesAreLiteralExceptEscapedQuote() {
        assertThat(split("'a\\nb' 'it\\'s'")).containsExactly("a\\nb", "it's");
    }

    @Test
    void quoteInsideWordContinuesTheWord() {
        assertThat(split("ab\"c d\" e")).containsExactly("abc d", "e");
    }

    @Test
    void badQuotingIsAnInvalidCaseNotAnException() {
        DiffCase c = line("SET \"abc");
        assertThat(c.kind()).isEqualTo(DiffCase.Kind.INVALID);
        assertThat(c.error()).contains("unbalanced");
        assertThat(line("SET \"a\"b").kind()).isEqualTo(DiffCase.Kind.INVALID);
        assertThat(line("~bogus GET x").error()).contains("unknown marker");
        assertThat(line("!nope x").kind()).isEqualTo(DiffCase.Kind.INVALID);
    }

    @Test
    void commentsAndBlankLinesAreSkipped() {
        List<DiffCase> cases = ScriptParser.parse("f.txt",
                "# comment\n\n   \n  # indented comment\nPING\r\nGET \"#notcomment\"\n".getBytes(StandardCharsets.UTF_8));
        assertThat(cases).extracting(DiffCase::line).containsExactly(5, 6);
        assertThat(cases.get(0).text()).isEqualTo("PING");
        assertThat(cases.get(0).where()).isEqualTo("f.txt:5");
    }

    @Test
    void markersAndSleep() {
        DiffCase c = line("~sorted KEYS *");
        assertThat(c.marker()).isEqualTo(Marker.SORTED);
        assertThat(c.kind()).isEqualTo(DiffCase.Kind.COMMAND);
        assertThat(c.args()).hasSize(2);
        DiffCase s = line("~sleep 1100");
        assertThat(s.kind()).isEqualTo(DiffCase.Kind.SLEEP);
        assertThat(s.sleepMs()).isEqualTo(1100);
        assertThat(line("~sleep x").kind()).isEqualTo(DiffCase.Kind.INVALID);
        assertThat(line("~int").kind()).isEqualTo(DiffCase.Kind.INVALID);
    }

    @Test
    void commandIsEncodedAsMultibulk() {
        DiffCase c = line("SET k \"a b\"");
        assertThat(new String(c.wireBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na b\r\n");
    }

    @Test
    void inlineIsSentVerbatimWithCrlf() {
        DiffCase c = line("!inline ECHO \"a  b\"  x");
        assertThat(c.kind()).isEqualTo(DiffCase.Kind.INLINE);
        assertThat(new String(c.wireBytes(), StandardCharsets.US_ASCII)).isEqualTo("ECHO \"a  b\"  x\r\n");
        assertThat(new String(line("~noreply !inline").wireBytes(), StandardCharsets.US_ASCII)).isEqualTo("\r\n");
    }

    @Test
    void rawConcatenatesQuotedParts() {
        DiffCase c = line("!raw \"*1\\r\\n\" \"$4\\r\\nPING\\r\\n\"");
        assertThat(c.kind()).isEqualTo(DiffCase.Kind.RAW);
        assertThat(new String(c.wireBytes(), StandardCharsets.US_ASCII)).isEqualTo("*1\r\n$4\r\nPING\r\n");
        assertThat(line("!raw").kind()).isEqualTo(DiffCase.Kind.INVALID);
    }

    @Test
    void connectionPrefixSelectsAConnection() {
        DiffCase c = line("@2 SUBSCRIBE ch");
        assertThat(c.kind()).isEqualTo(DiffCase.Kind.COMMAND);
        assertThat(c.conn()).isEqualTo(2);
        assertThat(c.args()).hasSize(2);
        assertThat(line("SUBSCRIBE ch").conn()).isEqualTo(1);
        DiffCase m = line("@3 ~type PING");
        assertThat(m.conn()).isEqualTo(3);
        assertThat(m.marker()).isEqualTo(Marker.TYPE);
        assertThat(line("@0 PING").kind()).isEqualTo(DiffCase.Kind.INVALID);
        assertThat(line("@2").kind()).isEqualTo(DiffCase.Kind.INVALID);
        assertThat(line("@x PING").kind()).isEqualTo(DiffCase.Kind.INVALID);
    }

    @Test
    void nextReadsAFrameWithoutSending() {
        DiffCase n = line("@2 !next");
        assertThat(n.kind()).isEqualTo(DiffCase.Kind.NEXT);
        assertThat(n.conn()).isEqualTo(2);
        assertThat(n.wireBytes()).isEmpty();
        assertThat(line("!next").conn()).isEqualTo(1);
        assertThat(line("!next extra").kind()).isEqualTo(DiffCase.Kind.INVALID);
        assertThat(line("~noreply !next").kind()).isEqualTo(DiffCase.Kind.INVALID);
    }
}
