package io.vermilion.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestParserTest {
    static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    @Test
    void unauthenticatedClientsMayOnlyAnnounceSmallRequests() throws Exception {
        RequestParser p = new RequestParser(512L * 1024 * 1024);
        p.setUnauthenticated(true);
        assertThatThrownBy(() -> p.parse(buf("*11\r\n")))
                .hasMessage("Protocol error: unauthenticated multibulk length");
        RequestParser q = new RequestParser(512L * 1024 * 1024);
        q.setUnauthenticated(true);
        assertThatThrownBy(() -> q.parse(buf("*1\r\n$16385\r\n")))
                .hasMessage("Protocol error: unauthenticated bulk length");
        RequestParser r = new RequestParser(512L * 1024 * 1024);
        r.setUnauthenticated(true);
        // the invalid-length check comes first, as in Redis
        assertThatThrownBy(() -> r.parse(buf("*1\r\n$-3\r\n"))).hasMessage("Protocol error: invalid bulk length");
        RequestParser ok = new RequestParser(512L * 1024 * 1024);
        ok.setUnauthenticated(true);
        byte[][] argv = ok.parse(buf("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n"));
        assertThat(argv.length).isEqualTo(2);
        ok.setUnauthenticated(false);
        StringBuilder big = new StringBuilder("*11\r\n");
        for (int i = 0; i < 11; i++) big.append("$1\r\nx\r\n");
        assertThat(ok.parse(buf(big.toString())).length).isEqualTo(11);
    }

    /** What a parser makes of {@code input} fed in chunks of {@code chunk}: requests, then the error if any. */
    private static java.util.List<String> feed(byte[] input, int chunk, boolean direct) {
        java.util.List<String> out = new java.util.ArrayList<>();
        RequestParser p = new RequestParser(1024);
        ByteBuf buf = direct ? Unpooled.directBuffer() : Unpooled.buffer();
        try {
            for (int off = 0; off < input.length; off += chunk) {
                buf.writeBytes(input, off, Math.min(chunk, input.length - off));
                byte[][] argv;
                while ((argv = p.parse(buf)) != null) {
                    StringBuilder sb = new StringBuilder();
                    for (byte[] a : argv) sb.append('[').append(new String(a, StandardCharsets.ISO_8859_1)).append(']');
                    out.add(sb.toString());
                }
                buf.discardReadBytes();
            }
            out.add("rest=" + buf.readableBytes() + " inRequest=" + p.inRequest());
        } catch (ProtocolException e) {
            out.add("error: " + e.getMessage());
        } finally {
            buf.release();
        }
        return out;
    }

    /** The array path (heap buffers, the client connections) and the ByteBuf path (direct buffers) agree. */
    @Test
    void arrayAndDirectBufferPathsAgree() {
        String[] inputs = {
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
            "PING\r\nECHO \"a b\" 'c d'\r\n\r\n*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n",
            "*2\r\n$3\r\nGET\r\n$2000\r\n",          // bulk above proto-max-bulk-len (1024 here)
            "*1\r\n$x\r\n", "*1\r\n:3\r\n", "*abc\r\n", "*1\r\n$-1\r\n", "*2\r\n$1\r\na\r\n$1\r\nb",
            "ECHO \"unbalanced\r\n", "*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n",
            "*1\r\n$3\r\nabc\r", "*99999999999999999999\r\n",
        };
        for (String in : inputs) {
            byte[] b = in.getBytes(StandardCharsets.ISO_8859_1);
            java.util.List<String> whole = feed(b, b.length, false);
            for (int chunk = 1; chunk <= b.length; chunk++) {
                assertThat(feed(b, chunk, false)).as("heap, chunks of %d: %s", chunk, in).isEqualTo(whole);
                assertThat(feed(b, chunk, true)).as("direct, chunks of %d: %s", chunk, in).isEqualTo(whole);
            }
        }
        assertThat(feed("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".getBytes(StandardCharsets.ISO_8859_1), 3, false))
                .containsExactly("[GET][k]", "rest=0 inRequest=false");
        assertThat(feed("*2\r\n$3\r\nGET\r\n$2000\r\n".getBytes(StandardCharsets.ISO_8859_1), 100, true))
                .containsExactly("error: Protocol error: invalid bulk length");
    }

    /** parse(byte[], from, limit) consumes whole arguments and says where it stopped. */
    @Test
    void arrayParseReportsItsPosition() throws Exception {
        byte[] b = "xx*2\r\n$3\r\nGET\r\n$5\r\nab".getBytes(StandardCharsets.ISO_8859_1);
        RequestParser p = new RequestParser(1024);
        assertThat(p.parse(b, 2, b.length)).isNull();
        assertThat(p.position()).isEqualTo(2 + "*2\r\n$3\r\nGET\r\n$5\r\n".length());
        assertThat(p.inRequest()).isTrue();
        byte[] rest = "abcde\r\nPING\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[][] argv = p.parse(rest, 0, rest.length);
        assertThat(argv.length).isEqualTo(2);
        assertThat(new String(argv[1], StandardCharsets.ISO_8859_1)).isEqualTo("abcde");
        assertThat(p.position()).isEqualTo(7);
        assertThat(p.parse(rest, 7, rest.length)[0]).isEqualTo("PING".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(p.position()).isEqualTo(rest.length);
    }
}
