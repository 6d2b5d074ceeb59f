package io.vermilion.persistence.aof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AofCommandReaderTest {
    private static AofCommandReader reader(byte[] b) {
        return new AofCommandReader(new ByteArrayInputStream(b), 0, b.length);
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static List<String> all(AofCommandReader r) throws Exception {
        List<String> out = new ArrayList<>();
        byte[][] a;
        while ((a = r.next()) != null) {
            StringBuilder sb = new StringBuilder();
            for (byte[] x : a) sb.append(new String(x, StandardCharsets.ISO_8859_1)).append('|');
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void readsCommandsAndSkipsAnnotations() throws Exception {
        byte[] f = b("#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n"
                + "*1\r\n$0\r\n\r\n");
        AofCommandReader r = reader(f);
        assertThat(all(r)).containsExactly("SELECT|0|", "SET|k|a\r\nb|", "|");
        assertThat(r.validUpTo()).isEqualTo(f.length);
    }

    @Test
    void everyTruncationIsReportedAtTheLastCompleteCommand() throws Exception {
        byte[] one = RespOut.encode(new byte[][] {b("SET"), b("key"), b("value")});
        byte[] f = new byte[one.length * 2];
        System.arraycopy(one, 0, f, 0, one.length);
        System.arraycopy(one, 0, f, one.length, one.length);
        for (int n = one.length + 1; n < f.length; n++) {
            byte[] t = java.util.Arrays.copyOf(f, n);
            AofCommandReader r = reader(t);
            assertThat(r.next()).isNotNull();
            assertThatThrownBy(r::next).as("cut at %d", n).isInstanceOf(AofCommandReader.Truncated.class);
            assertThat(r.validUpTo()).isEqualTo(one.length);
        }
    }

    @Test
    void badFormatAndHostileLengths() throws Exception {
        assertThatThrownBy(() -> reader(b("SET k v\r\n")).next()).isInstanceOf(AofCommandReader.BadFormat.class);
        assertThatThrownBy(() -> reader(b("*0\r\n")).next()).isInstanceOf(AofCommandReader.BadFormat.class);
        assertThatThrownBy(() -> reader(b("*1\r\n:1\r\n")).next()).isInstanceOf(AofCommandReader.BadFormat.class);
        assertThatThrownBy(() -> reader(b("*2000000000\r\n$1\r\na\r\n")).next()).isInstanceOf(AofCommandReader.Truncated.class);
        assertThatThrownBy(() -> reader(b("*1\r\n$2000000000\r\nab")).next()).isInstanceOf(AofCommandReader.Truncated.class);
        Random r = new Random(5);
        for (int i = 0; i < 20000; i++) {
            byte[] g = new byte[r.nextInt(50)];
            r.nextBytes(g);
            if (g.length > 0 && r.nextBoolean()) g[0] = '*';
            try {
                all(reader(g));
            } catch (AofCommandReader.Truncated | AofCommandReader.BadFormat expected) {
                // fine
            }
        }
    }
}
