package io.vermilion.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vermilion.protocol.Reply;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespTreeTest {
    private static final String SAMPLE = "%2\r\n$7\r\nsummary\r\n$5\r\nHello\r\n$7\r\nhistory\r\n"
            + "~1\r\n*2\r\n$5\r\n6.2.0\r\n:-3\r\n";

    @Test
    void parsesAndEncodesByteForByte() {
        RespTree.Node n = RespTree.parse(SAMPLE.getBytes(StandardCharsets.UTF_8));
        assertThat(new String(RespTree.encode(n), StandardCharsets.UTF_8)).isEqualTo(SAMPLE);
        RespTree.Agg map = (RespTree.Agg) n;
        assertThat(map.count()).isEqualTo(2);
        assertThat(RespTree.text(map.get("summary"))).isEqualTo("Hello");
        assertThat(map.get("nope")).isNull();
    }

    @Test
    void writesMapsAndSetsAsArraysForResp2() {
        RespTree.Node n = RespTree.parse(SAMPLE.getBytes(StandardCharsets.UTF_8));
        assertThat(write(n, 2)).isEqualTo("*4\r\n$7\r\nsummary\r\n$5\r\nHello\r\n$7\r\nhistory\r\n"
                + "*1\r\n*2\r\n$5\r\n6.2.0\r\n:-3\r\n");
        assertThat(write(n, 3)).isEqualTo(SAMPLE);
        assertThat(write(RespTree.parse("+ok\r\n".getBytes(StandardCharsets.US_ASCII)), 2)).isEqualTo("+ok\r\n");
    }

    @Test
    void rejectsWhatItCannotHold() {
        assertThatThrownBy(() -> RespTree.parse("_\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RespTree.parse("*2\r\n:1\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RespTree.parse(":1\r\n:2\r\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void docsResourceCoversEveryRedis70CommandAndRoundTrips() throws Exception {
        byte[] raw;
        try (InputStream in = CommandDocs.class.getResourceAsStream(CommandDocs.RESOURCE)) {
            raw = in.readAllBytes();
        }
        assertThat(RespTree.encode(RespTree.parse(raw))).isEqualTo(raw);
        // 240 commands and 126 subcommands in redis 7.0.15
        assertThat(CommandDocs.all()).hasSize(366);
        assertThat(CommandDocs.get("client")).isNotNull();
        assertThat(CommandDocs.get("client").get("subcommands")).isNull();
        assertThat(RespTree.text(CommandDocs.get("client|kill").get("group"))).isEqualTo("connection");
        assertThat(CommandDocs.get("getset").get("doc_flags")).isNotNull();
    }

    static String write(RespTree.Node n, int proto) {
        ByteBuf buf = Unpooled.buffer();
        Reply r = new Reply(buf);
        r.proto(proto);
        RespTree.write(r, n);
        return new String(ByteBufUtil.getBytes(buf), StandardCharsets.UTF_8);
    }
}
