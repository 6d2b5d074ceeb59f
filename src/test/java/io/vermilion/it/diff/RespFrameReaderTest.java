package io.vermilion.it.diff;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RespFrameReaderTest {
    private static RespFrameReader reader(String wire) {
        return new RespFrameReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String raw(Frame f) {
        return new String(f.raw(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsOneReplyAtATimeWithExactBytes() throws IOException {
        String wire = "+OK\r\n-ERR x y\r\n:12\r\n$3\r\na\r\n\r\n$-1\r\n*-1\r\n*0\r\n"
                + "*2\r\n$1\r\na\r\n*1\r\n:1\r\n";
        RespFrameReader r = reader(wire);
        assertThat(raw(r.read())).isEqualTo("+OK\r\n");
        assertThat(raw(r.read())).isEqualTo("-ERR x y\r\n");
        assertThat(raw(r.read())).isEqualTo(":12\r\n");
        Frame bulk = r.read();
        assertThat(raw(bulk)).isEqualTo("$3\r\na\r\n\r\n");
        assertThat(bulk.length()).isEqualTo(3);
        assertThat(r.read().length()).isEqualTo(-1);
        assertThat(r.read().length()).isEqualTo(-1);
        assertThat(r.read().length()).isZero();
        Frame nested = r.read();
        assertThat(raw(nested)).isEqualTo("*2\r\n$1\r\na\r\n*1\r\n:1\r\n");
        assertThat(nested.children()).hasSize(2);
        assertThat(nested.children().get(1).children()).hasSize(1);
        assertThatThrownBy(r::read).isInstanceOf(EOFException.class);
    }

    @Test
    void readsResp3Types() throws IOException {
        String map = "%2\r\n+a\r\n:1\r\n+b\r\n_\r\n";
        String wire = "_\r\n,3.5\r\n#t\r\n(123\r\n!5\r\nERR x\r\n=7\r\ntxt:abc\r\n" + map
                + "~1\r\n+x\r\n>2\r\n+m\r\n+n\r\n|1\r\n+k\r\n+v\r\n:5\r\n";
        RespFrameReader r = reader(wire);
        for (String expected : new String[] {"_\r\n", ",3.5\r\n", "#t\r\n", "(123\r\n", "!5\r\nERR x\r\n",
                "=7\r\ntxt:abc\r\n", map, "~1\r\n+x\r\n", ">2\r\n+m\r\n+n\r\n", "|1\r\n+k\r\n+v\r\n:5\r\n"}) {
            assertThat(raw(r.read())).isEqualTo(expected);
        }
    }

    @Test
    void mapCountsPairs() throws IOException {
        Frame f = reader("%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n").read();
        assertThat(f.length()).isEqualTo(2);
        assertThat(f.children()).hasSize(4);
    }

    @Test
    void truncatedAndMalformedInput() {
        assertThatThrownBy(() -> reader("$5\r\nab").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("*2\r\n:1\r\n").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("+OK").read()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader("?x\r\n").read()).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader("$abc\r\n").read()).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader("$3\r\nabcde\r\n").read()).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader("%-1\r\n").read()).isInstanceOf(ProtocolException.class);
    }
}
