package io.vermilion.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Glob matching cases whose expected answers were taken from redis-server 7.0.15 (KEYS with one
 * key stored); GlobParityIT checks thousands of random ones against the live server.
 */
class GlobTest {
    static Stream<Arguments> redisAnswers() {
        return Stream.of(
                // plain, ?, *
                Arguments.of("", "", true), Arguments.of("", "a", false), Arguments.of("a", "", false),
                Arguments.of("?", "", false), Arguments.of("?", "a", true), Arguments.of("??", "a", false),
                Arguments.of("h?llo", "hello", true), Arguments.of("h*llo", "hllo", true),
                Arguments.of("h*llo", "heeeello", true), Arguments.of("*a*b", "xaxb", true),
                Arguments.of("*a*b", "xaxbx", false), Arguments.of("a*", "a", true), Arguments.of("a**", "a", true),
                // stars never match an empty subject by themselves (KEYS "*" is special-cased by its caller)
                Arguments.of("*", "", false), Arguments.of("**", "", false), Arguments.of("*?", "", false),
                Arguments.of("*?", "a", true), Arguments.of("a*?b", "ab", false), Arguments.of("a*?b", "axb", true),
                Arguments.of("**a", "bba", true), Arguments.of("a*b*c", "abc", true),
                Arguments.of("a*b*c", "aXbYc", true), Arguments.of("a*b*c", "acb", false),
                // classes
                Arguments.of("h[ae]llo", "hello", true), Arguments.of("h[ae]llo", "hillo", false),
                Arguments.of("h[^e]llo", "hallo", true), Arguments.of("h[^e]llo", "hello", false),
                Arguments.of("h[a-b]llo", "hbllo", true), Arguments.of("h[b-a]llo", "hallo", true),
                Arguments.of("[A-Z]", "a", false), Arguments.of("[a-z]", "A", false),
                Arguments.of("[!a]", "b", false), Arguments.of("[!a]", "!", true),
                // unterminated and degenerate classes
                Arguments.of("[", "[", false), Arguments.of("[", "a", false), Arguments.of("[^", "a", true),
                Arguments.of("[^", "ab", false), Arguments.of("a[", "a[", false), Arguments.of("*[", "x[", false),
                Arguments.of("[]", "]", false), Arguments.of("[]a]", "]", false), Arguments.of("[]a]", "a]", false),
                Arguments.of("[^]", "x", true), Arguments.of("[^]a", "xa", true),
                Arguments.of("[a-z", "q", true), Arguments.of("[a-z", "qz", false),
                // a '-' followed by anything makes a range, even with ']'
                Arguments.of("[a-]", "b", false), Arguments.of("[a-]", "-", false), Arguments.of("[a-]", "]", true),
                Arguments.of("[a-]", "^", true), Arguments.of("[a-]x", "bx", false), Arguments.of("[a-]x", "b", false),
                Arguments.of("[-a]", "-", true),
                // escapes
                Arguments.of("a\\*b", "a*b", true), Arguments.of("a\\*b", "axb", false),
                Arguments.of("x\\\\y", "x\\y", true), Arguments.of("abc\\", "abc\\", true),
                Arguments.of("abc\\", "abc", false), Arguments.of("\\", "\\", true), Arguments.of("\\a", "a", true),
                Arguments.of("[\\]]", "]", true), Arguments.of("[\\", "\\", true), Arguments.of("[\\", "x", false),
                Arguments.of("[a\\-z]", "-", true), Arguments.of("[a\\-z]", "m", false));
    }

    @ParameterizedTest(name = "\"{0}\" vs \"{1}\" -> {2}")
    @MethodSource("redisAnswers")
    void matchesLikeRedis(String pattern, String subject, boolean expected) {
        assertThat(Glob.matches(b(pattern), b(subject))).isEqualTo(expected);
    }

    @Test
    void rangeBoundsCompareAsSignedBytes() {
        // As C char on x86: 0xff is -1, so [\x01-\xff] is the range -1..1.
        byte[] p = {'[', 0x01, '-', (byte) 0xff, ']'};
        assertThat(Glob.matches(p, new byte[] {(byte) 0x80})).isFalse();
        assertThat(Glob.matches(p, new byte[] {0})).isTrue();
        assertThat(Glob.matches(p, new byte[] {'a'})).isFalse();
        assertThat(Glob.matches(p, new byte[] {(byte) 0xff})).isTrue();
        byte[] high = {'[', (byte) 0x80, '-', (byte) 0xff, ']'};
        assertThat(Glob.matches(high, new byte[] {(byte) 0x90})).isTrue();
        byte[] mixed = {'[', 'a', '-', (byte) 0xe9, ']'};
        assertThat(Glob.matches(mixed, new byte[] {'b'})).isFalse();
        assertThat(Glob.matches(mixed, new byte[] {1})).isTrue();
    }

    @Test
    void nulBytesAreOrdinary() {
        assertThat(Glob.matches(new byte[] {'a', 0, 'b'}, new byte[] {'a', 0, 'b'})).isTrue();
        assertThat(Glob.matches(new byte[] {'a', 0, '*'}, new byte[] {'a', 0, 'b', 'c'})).isTrue();
        assertThat(Glob.matches(new byte[] {'a', '*', 0}, new byte[] {'a', 'b', 'c', 0})).isTrue();
        assertThat(Glob.matches(b("a*"), new byte[] {'a', 0, 0})).isTrue();
    }

    @Test
    void nocaseFoldsAsciiOnly() {
        assertThat(Glob.matches(b("HeLLo"), b("hello"), true)).isTrue();
        assertThat(Glob.matches(b("HeLLo"), b("hello"), false)).isFalse();
        assertThat(Glob.matches(b("[A-C]x"), b("bX"), true)).isTrue();
        assertThat(Glob.matches(b("[abc]"), b("B"), true)).isTrue();
        // an escaped byte inside a class is compared exactly even in nocase mode
        assertThat(Glob.matches(b("[\\A]"), b("a"), true)).isFalse();
        assertThat(Glob.matches(b("\\A"), b("a"), true)).isTrue();
        assertThat(Glob.matches(new byte[] {(byte) 0xc9}, new byte[] {(byte) 0xe9}, true)).isFalse();
    }

    @Test
    void offsetsAndReuse() {
        byte[] buf = b("xxhelloyy");
        Glob h = new Glob(b("..h*o.."), 2, 3, false);
        assertThat(h.matches(buf, 2, 5)).isTrue();
        assertThat(h.matches(buf, 2, 6)).isFalse();
        assertThat(h.matches(b("ho"))).isTrue();
        assertThat(h.matchesEverything()).isFalse();
        assertThat(new Glob(b("*"), false).matchesEverything()).isTrue();
        assertThat(new Glob(b("**"), false).matchesEverything()).isFalse();
    }

    @Test
    void nestingBeyondAThousandStarsGivesUp() {
        // Verified on redis 7.0.15: "*a" x 1000 matches a 2000-byte run of 'a', x 1001 does not;
        // "a*" x 1001 still matches (its last star needs no recursion), x 1002 does not.
        byte[] subject = b("a".repeat(2000));
        assertThat(Glob.matches(b("*a".repeat(1000)), subject)).isTrue();
        assertThat(Glob.matches(b("*a".repeat(1001)), subject)).isFalse();
        assertThat(Glob.matches(b("a*".repeat(1001)), subject)).isTrue();
        assertThat(Glob.matches(b("a*".repeat(1002)), subject)).isFalse();
    }

    @Test
    @Timeout(5)
    void pathologicalPatternsStayFast() {
        // Exponential without the "stop widening earlier stars" rule.
        byte[] subject = b("a".repeat(5000));
        assertThat(Glob.matches(b("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"), subject)).isFalse();
        assertThat(Glob.matches(b("a*".repeat(500) + "b"), subject)).isFalse();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
