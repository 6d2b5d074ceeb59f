package io.vermilion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgSplitterTest {
    private static List<String> split(String line) {
        List<byte[]> r = ArgSplitter.split(line.getBytes(StandardCharsets.ISO_8859_1));
        return r == null ? null : r.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void blanksSeparate() {
        assertThat(split("  set  k\tv  ")).containsExactly("set", "k", "v");
        assertThat(split("")).isEmpty();
        assertThat(split("   ")).isEmpty();
    }

    @Test
    void doubleQuotesUnderstandEscapes() {
        assertThat(split("set \"a b\" \"\\x41\\x0a\\n\\r\\t\\b\\a\\\"\\\\\\q\"")).containsExactly("set", "a b", "A\n\n\r\t\b\u0007\"\\q");
        assertThat(split("\"\\xzz\"")).containsExactly("xzz"); // not hex: the x itself
        assertThat(split("\"\"")).containsExactly("");
    }

    @Test
    void singleQuotesOnlyEscapeTheQuote() {
        assertThat(split("'a\\'b\\n'")).containsExactly("a'b\\n");
    }

    @Test
    void quotesInsideAWordStartQuotedParts() {
        assertThat(split("ab\"c d\"")).containsExactly("abc d");
    }

    @Test
    void invalidQuoting() {
        assertThat(split("\"unterminated")).isNull();
        assertThat(split("'unterminated")).isNull();
        assertThat(split("\"closed\"x")).isNull(); // closing quote must be followed by a blank
        assertThat(split("'closed'x")).isNull();
    }

    @Test
    void nulEndsTheLine() {
        assertThat(split("get a\u0000 b")).containsExactly("get", "a");
    }
}
