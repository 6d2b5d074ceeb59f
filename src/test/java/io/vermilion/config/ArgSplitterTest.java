package io.vermilion.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgSplitterTest {

    @Test
    void splitsOnBlanksAndSkipsLeadingAndTrailingOnes() {
        assertThat(ArgSplitter.split("  save 900   1\t300 10 ")).containsExactly("save", "900", "1", "300", "10");
        assertThat(ArgSplitter.split("")).isEmpty();
        assertThat(ArgSplitter.split(" \t ")).isEmpty();
    }

    @Test
    void doubleQuotesDecodeEscapes() {
        assertThat(ArgSplitter.split("requirepass \"a b\\n\\r\\t\\b\\a\\\\\\\"\\x41\\x4a\\q\""))
                .containsExactly("requirepass", "a b\n\r\t\b\u0007\\\"AJq");
        // \x needs two hex digits; otherwise it is just an escaped 'x'.
        assertThat(ArgSplitter.split("\"\\x4g\"")).containsExactly("x4g");
        // Bytes above 0x7f stay single chars (ISO-8859-1 byte strings).
        assertThat(ArgSplitter.split("\"\\xff\"")).containsExactly("\u00ff");
    }

    @Test
    void singleQuotesOnlyKnowEscapedQuote() {
        assertThat(ArgSplitter.split("masterauth 'it\\'s \\n'")).containsExactly("masterauth", "it's \\n");
    }

    @Test
    void quotesMayStartInsideAWordAndEmptyQuotesAreAnEmptyArgument() {
        assertThat(ArgSplitter.split("a\"b c\"d")).isNull(); // closing quote followed by 'd'
        assertThat(ArgSplitter.split("a\"b c\" d")).containsExactly("ab c", "d");
        assertThat(ArgSplitter.split("save \"\"")).containsExactly("save", "");
        assertThat(ArgSplitter.split("bind ''")).containsExactly("bind", "");
    }

    @Test
    void unbalancedQuotesAreRejected() {
        assertThat(ArgSplitter.split("requirepass \"abc")).isNull();
        assertThat(ArgSplitter.split("requirepass 'abc")).isNull();
        assertThat(ArgSplitter.split("requirepass \"abc\"x")).isNull();
        assertThat(ArgSplitter.split("requirepass 'abc'x")).isNull();
        assertThat(ArgSplitter.split("x \"a\\\"")).isNull();
    }

    @Test
    void reprQuotesSoThatSplittingGivesTheValueBack() {
        assertThat(ArgSplitter.repr("a b\"c\\")).isEqualTo("\"a b\\\"c\\\\\"");
        assertThat(ArgSplitter.repr("\n\r\t\u0007\b\u0001\u00ff")).isEqualTo("\"\\n\\r\\t\\a\\b\\x01\\xff\"");
        for (String v : List.of("", "plain", "with space", "q\"uote", "back\\slash", "\u0000\u0080\u00ff\n")) {
            assertThat(ArgSplitter.split(ArgSplitter.repr(v))).containsExactly(v);
        }
    }

    @Test
    void globMatchesLikeRedis() {
        assertThat(Glob.matches("*", "anything", true)).isTrue();
        assertThat(Glob.matches("*max*memory*", "maxmemory-policy", true)).isTrue();
        assertThat(Glob.matches("SLAVE*", "slaveof", true)).isTrue();
        assertThat(Glob.matches("SLAVE*", "slaveof", false)).isFalse();
        assertThat(Glob.matches("[pq]ort", "port", true)).isTrue();
        assertThat(Glob.matches("[^p]ort", "port", true)).isFalse();
        assertThat(Glob.matches("[a-z]z", "qz", true)).isTrue();
        assertThat(Glob.matches("h?", "hz", true)).isTrue();
        assertThat(Glob.matches("h?", "h", true)).isFalse();
        assertThat(Glob.matches("a\\*", "a*", true)).isTrue();
        assertThat(Glob.matches("a\\*", "ab", true)).isFalse();
        assertThat(Glob.matches("port", "ports", true)).isFalse();
    }
}
