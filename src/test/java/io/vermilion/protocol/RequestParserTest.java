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
}
