package io.vermilion.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyReaderTest {

    /** Hands out the bytes in pieces: each read stops at the next cut point (a read never spans one). */
    static final class ChunkedInputStream extends InputStream {
        private final byte[] data;
        private final int[] cuts;
        private int pos;

        ChunkedInputStream(byte[] data, int... cuts) {
            this.data = data;
            this.cuts = cuts;
        }

        private int nextCut() {
            for (int c : cuts) if (c > pos) return c;
            return data.length;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) return -1;
            int n = Math.min(len, Math.min(nextCut(), data.length) - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Reply bulk(String s) {
        return new Reply.Bulk(b(s));
    }

    private static Reply.Array arr(Reply... r) {
        return new Reply.Array(List.of(r));
    }

    /** Every RESP2 and RESP3 type, including edge cases, with the reply it must decode to. */
    static Map<String, Reply> cases() {
        Map<String, Reply> m = new LinkedHashMap<>();
        m.put("+OK\r\n", new Reply.SimpleString(b("OK")));
        m.put("+\r\n", new Reply.SimpleString(b("")));
        m.put("+a\rb\r\n", new Reply.SimpleString(b("a\rb"))); // a lone CR is data, only CRLF ends a line
        m.put("-ERR unknown command 'foo'\r\n", new Reply.Error(b("ERR unknown command 'foo'")));
        m.put(":0\r\n", new Reply.Integer(0));
        m.put(":-42\r\n", new Reply.Integer(-42));
        m.put(":+7\r\n", new Reply.Integer(7));
        m.put(":9223372036854775807\r\n", new Reply.Integer(Long.MAX_VALUE));
        m.put(":-9223372036854775807\r\n", new Reply.Integer(-Long.MAX_VALUE));
        m.put("$5\r\nhello\r\n", bulk("hello"));
        m.put("$0\r\n\r\n", bulk(""));
        m.put("$-1\r\n", new Reply.Bulk(null));
        m.put("$4\r\n\r\n\r\n\r\n", bulk("\r\n\r\n")); // CRLF inside a bulk is payload
        m.put("$3\r\n\u00ff\u0000\n\r\n", bulk("\u00ff\u0000\n"));
        m.put("*0\r\n", arr());
        m.put("*-1\r\n", new Reply.Array(null));
        m.put("*2\r\n$1\r\na\r\n:1\r\n", arr(bulk("a"), new Reply.Integer(1)));
        m.put("*2\r\n*1\r\n*0\r\n*-1\r\n", arr(arr(arr()), new Reply.Array(null)));
        m.put("*3\r\n$-1\r\n+x\r\n-E\r\n", arr(new Reply.Bulk(null), new Reply.SimpleString(b("x")), new Reply.Error(b("E"))));
        m.put("%2\r\n+a\r\n:1\r\n$1\r\nb\r\n#t\r\n", new Reply.Map(List.of(
                new Reply.Entry(new Reply.SimpleString(b("a")), new Reply.Integer(1)),
                new Reply.Entry(bulk("b"), Reply.Boolean.TRUE))));
        m.put("%0\r\n", new Reply.Map(List.of()));
        m.put("~3\r\n:1\r\n:2\r\n:3\r\n", new Reply.Set(List.of(new Reply.Integer(1), new Reply.Integer(2), new Reply.Integer(3))));
        m.put("~0\r\n", new Reply.Set(List.of()));
        m.put(",1.5\r\n", new Reply.Double("1.5"));
        m.put(",-inf\r\n", new Reply.Double("-inf"));
        m.put(",inf\r\n", new Reply.Double("inf"));
        m.put(",nan\r\n", new Reply.Double("nan"));
        m.put(",1.23e+300\r\n", new Reply.Double("1.23e+300"));
        m.put("#t\r\n", Reply.Boolean.TRUE);
        m.put("#f\r\n", Reply.Boolean.FALSE);
        m.put("_\r\n", Reply.Null.INSTANCE);
        m.put("(3492890328409238509324850943850943825024385\r\n",
                new Reply.BigNumber("3492890328409238509324850943850943825024385"));
        m.put("(-12\r\n", new Reply.BigNumber("-12"));
        m.put("=15\r\ntxt:Some string\r\n", new Reply.Verbatim("txt", b("Some string")));
        m.put("=4\r\nmkd:\r\n", new Reply.Verbatim("mkd", b("")));
        m.put("!21\r\nSYNTAX invalid syntax\r\n", new Reply.Error(b("SYNTAX invalid syntax")));
        m.put(">3\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n:5\r\n", new Reply.Push(List.of(
                bulk("invalidate"), arr(bulk("key")), new Reply.Integer(5))));
        m.put("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2\r\n:9\r\n", new Reply.Attribute(
                List.of(new Reply.Entry(new Reply.SimpleString(b("key-popularity")),
                        new Reply.Map(List.of(new Reply.Entry(bulk("a"), new Reply.Double("0.19")))))),
                arr(new Reply.Integer(2), new Reply.Integer(9))));
        // An attribute inside an aggregate does not count as one of its elements.
        m.put("*2\r\n|1\r\n+ttl\r\n:3\r\n$1\r\nk\r\n:1\r\n", arr(
                new Reply.Attribute(List.of(new Reply.Entry(new Reply.SimpleString(b("ttl")), new Reply.Integer(3))), bulk("k")),
                new Reply.Integer(1)));
        // Streamed forms from the RESP3 spec.
        m.put("$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n", bulk("Hello word"));
        m.put("*?\r\n:1\r\n:2\r\n.\r\n", arr(new Reply.Integer(1), new Reply.Integer(2)));
        m.put("%?\r\n+a\r\n:1\r\n.\r\n", new Reply.Map(List.of(new Reply.Entry(new Reply.SimpleString(b("a")), new Reply.Integer(1)))));
        m.put("~?\r\n.\r\n", new Reply.Set(List.of()));
        return m;
    }

    @Test
    void parsesEveryTypeInOneRead() throws IOException {
        for (Map.Entry<String, Reply> c : cases().entrySet()) {
            ReplyReader r = new ReplyReader(new ByteArrayInputStream(b(c.getKey())));
            assertThat(r.read()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(r.peekByte()).as("nothing left after %s", c.getKey()).isEqualTo(-1);
        }
    }

    @Test
    void parsesEveryTypeSplitAtEveryByte() throws IOException {
        for (Map.Entry<String, Reply> c : cases().entrySet()) {
            byte[] data = b(c.getKey());
            for (int cut = 0; cut <= data.length; cut++) {
                ReplyReader r = new ReplyReader(new ChunkedInputStream(data, cut));
                assertThat(r.read()).as("%s split at %d", c.getKey(), cut).isEqualTo(c.getValue());
            }
            // and one byte per read, the worst case for every code path that crosses a refill
            int[] all = new int[data.length];
            for (int i = 0; i < all.length; i++) all[i] = i + 1;
            ReplyReader r = new ReplyReader(new ChunkedInputStream(data, all));
            assertThat(r.read()).as("%s byte by byte", c.getKey()).isEqualTo(c.getValue());
        }
    }

    @Test
    void pipelineOfAllTypesSplitAtEveryByteWithTinyBuffer() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Reply> expected = new ArrayList<>();
        for (Map.Entry<String, Reply> c : cases().entrySet()) {
            all.writeBytes(b(c.getKey()));
            expected.add(c.getValue());
        }
        byte[] data = all.toByteArray();
        for (int cut = 0; cut <= data.length; cut++) {
            // 64 bytes is the smallest buffer: lines and bulks straddle refills all the time
            ReplyReader r = new ReplyReader(new ChunkedInputStream(data, cut, cut + 7, cut + 64), 64, ReplyReader.DEFAULT_MAX_BULK);
            for (Reply e : expected) assertThat(r.read()).as("cut %d", cut).isEqualTo(e);
            assertThat(r.peekByte()).isEqualTo(-1);
        }
    }

    @Test
    void largeBulkStraddlingManyBuffers() throws IOException {
        byte[] payload = new byte[100_000];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 31);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(b("$" + payload.length + "\r\n"));
        o.writeBytes(payload);
        o.writeBytes(b("\r\n:1\r\n"));
        ReplyReader r = new ReplyReader(new ChunkedInputStream(o.toByteArray(), 3, 100, 5000, 70000), 64, ReplyReader.DEFAULT_MAX_BULK);
        assertThat(r.read()).isEqualTo(new Reply.Bulk(payload));
        assertThat(r.read()).isEqualTo(new Reply.Integer(1));
    }

    @Test
    void endOfStreamBeforeOrInsideAReplyIsEof() throws IOException {
        assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(new byte[0])).read())
                .isInstanceOf(EOFException.class).hasMessage("Server closed the connection");
        for (String s : cases().keySet()) {
            byte[] data = b(s);
            for (int len = 1; len < data.length; len++) {
                byte[] cut = Arrays.copyOf(data, len);
                assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(cut)).read())
                        .as("%s truncated to %d", s, len).isInstanceOf(EOFException.class);
            }
        }
    }

    @Test
    void rejectsMalformedInput() {
        String[] bad = {
            "?x\r\n", ":12a\r\n", ":\r\n", ":99999999999999999999\r\n", "$-2\r\n", "$3\r\nabcd\r\n",
            "*-5\r\n", "#x\r\n", "#\r\n", "_x\r\n", "=3\r\ntxt\r\n", "=5\r\ntxt-x\r\n", "(12x\r\n", "(\r\n", ",\r\n",
            "$2147483648\r\n", "!-1\r\n",
        };
        for (String s : bad) {
            assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(b(s))).read())
                    .as(s).isInstanceOf(ProtocolException.class);
        }
        assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(b("|1\r\n"))).read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(b("?\r\n"))).read())
                .hasMessage("Protocol error, got \"?\" as reply type byte");
    }

    @Test
    void bulkLargerThanTheLimitIsRefused() {
        ReplyReader r = new ReplyReader(new ByteArrayInputStream(b("$11\r\nhello world\r\n")), 64, 10);
        assertThatThrownBy(r::read).isInstanceOf(ProtocolException.class);
    }

    @Test
    void rawAccessContinuesAfterAReply() throws IOException {
        // What a replica sees: a status line, then an RDB payload without trailing CRLF, then RESP again.
        byte[] data = b("+FULLRESYNC abc 0\r\n$5\r\nREDIS*1\r\n$4\r\nPING\r\n");
        for (int cut = 0; cut <= data.length; cut++) {
            ReplyReader r = new ReplyReader(new ChunkedInputStream(data, cut));
            assertThat(r.read().asString()).isEqualTo("FULLRESYNC abc 0");
            assertThat(new String(r.readLine(), StandardCharsets.US_ASCII)).isEqualTo("$5");
            ByteArrayOutputStream rdb = new ByteArrayOutputStream();
            r.transferTo(rdb, 5);
            assertThat(rdb.toString(StandardCharsets.US_ASCII)).isEqualTo("REDIS");
            assertThat(r.read()).isEqualTo(arr(bulk("PING")));
        }
    }

    @Test
    void helpersOnReplies() {
        assertThat(bulk("12").asLong()).isEqualTo(12);
        assertThat(new Reply.Bulk(null).isNull()).isTrue();
        assertThat(new Reply.Array(null).isNull()).isTrue();
        assertThat(Reply.Null.INSTANCE.isNull()).isTrue();
        assertThat(arr().isNull()).isFalse();
        assertThat(new Reply.Error(b("MOVED 3999 127.0.0.1:6381")).code()).isEqualTo("MOVED");
        assertThat(new Reply.Double("-inf").value()).isEqualTo(Double.NEGATIVE_INFINITY);
        Reply.Map m = new Reply.Map(List.of(new Reply.Entry(bulk("proto"), new Reply.Integer(3))));
        assertThat(m.get("proto")).isEqualTo(new Reply.Integer(3));
        assertThat(m.asList()).containsExactly(bulk("proto"), new Reply.Integer(3));
    }

    @Test
    void encodeProducesMultibulk() {
        byte[] enc = RespConnection.encode(b("SET"), b("k"), new byte[] {0, (byte) 0xff});
        assertThat(enc).isEqualTo(b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\u0000\u00ff\r\n"));
    }
}
