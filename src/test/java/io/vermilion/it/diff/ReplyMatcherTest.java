package io.vermilion.it.diff;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyMatcherTest {
    private static Frame f(String wire) {
        try {
            return new RespFrameReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1))).read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String m(Marker marker, String a, String b) {
        return ReplyMatcher.mismatch(marker, f(a), f(b));
    }

    @Test
    void exactComparesBytes() {
        assertThat(m(Marker.EXACT, "+OK\r\n", "+OK\r\n")).isNull();
        assertThat(m(Marker.EXACT, "+OK\r\n", "$2\r\nOK\r\n")).isNotNull();
    }

    @Test
    void typeLenInt() {
        assertThat(m(Marker.TYPE, "$2\r\nab\r\n", "$3\r\nxyz\r\n")).isNull();
        assertThat(m(Marker.TYPE, "$2\r\nab\r\n", "+ab\r\n")).contains("types differ");
        assertThat(m(Marker.LEN, "*2\r\n:1\r\n:2\r\n", "*2\r\n+a\r\n+b\r\n")).isNull();
        assertThat(m(Marker.LEN, "*2\r\n:1\r\n:2\r\n", "*1\r\n:1\r\n")).contains("lengths differ");
        assertThat(m(Marker.LEN, "%1\r\n+a\r\n:1\r\n", "%1\r\n+b\r\n:2\r\n")).isNull();
        assertThat(m(Marker.INT, ":1\r\n", ":99\r\n")).isNull();
        assertThat(m(Marker.INT, ":1\r\n", "$1\r\n1\r\n")).isNotNull();
        assertThat(m(Marker.INT, "+OK\r\n", "+OK\r\n")).contains("not an integer");
        assertThat(m(Marker.ANY, "+OK\r\n", "-ERR\r\n")).isNull();
    }

    @Test
    void sortedIgnoresOrderRecursivelyButNotContent() {
        String scanA = "*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n";
        String scanB = "*2\r\n$1\r\n0\r\n*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n";
        String scanC = "*2\r\n$1\r\n0\r\n*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\na\r\n";
        assertThat(m(Marker.SORTED, scanA, scanB)).isNull();
        assertThat(m(Marker.SORTED, scanA, scanC)).isNotNull();
        assertThat(m(Marker.EXACT, scanA, scanB)).isNotNull();
        // map entries move as pairs: swapping values between keys is a difference
        assertThat(m(Marker.SORTED, "%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", "%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n")).isNull();
        assertThat(m(Marker.SORTED, "%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n", "%2\r\n+a\r\n:2\r\n+b\r\n:1\r\n")).isNotNull();
        // a set and an array with the same elements are still different types
        assertThat(m(Marker.SORTED, "~1\r\n+a\r\n", "*1\r\n+a\r\n")).isNotNull();
    }

    @Test
    void escapeIsReadable() {
        assertThat(Escape.readable("+OK\r\n\"\\\u0001".getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo("\"+OK\\r\\n\\\"\\\\\\x01\"");
    }
}
