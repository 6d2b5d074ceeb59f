package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzfTest {
    private static byte[] hex(String s) { return HexFormat.of().parseHex(s); }

    private static byte[] rep(String s, int n) { return s.repeat(n).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1); }

    /** The compressed bytes inside a DUMP of real redis-server 7.0.15 for a value. */
    private static void assertSameAsRedis(byte[] value, String expectedLzfHex) {
        byte[] z = Lzf.compress(value, 0, value.length, value.length - 4);
        assertThat(z).isNotNull();
        assertThat(HexFormat.of().formatHex(z)).isEqualTo(expectedLzfHex);
    }

    @Test
    void sameBytesAsRedis() {
        assertSameAsRedis(rep("x", 100), "017878e05700017878");
        assertSameAsRedis(rep("a", 21), "016161e00a00");
        assertSameAsRedis(rep("abcdefghij", 50), "0a6162636465666768696a61e0ff09e1d60d01696a");
        assertSameAsRedis(("ab".repeat(12) + "a").getBytes(), "02616261e00b01016261");
        byte[] seq = new byte[768];
        for (int i = 0; i < seq.length; i++) seq[i] = (byte) i;
        byte[] z = Lzf.compress(seq, 0, seq.length, seq.length - 4);
        assertThat(HexFormat.of().formatHex(z)).startsWith("1f000102").endsWith("fcfdfeff0000e0ffffe1ecff01feff");
    }

    @Test
    void roundTripsRandomAndRepetitiveData() throws Exception {
        Random r = new Random(7);
        for (int iter = 0; iter < 2000; iter++) {
            int n = r.nextInt(iter < 1000 ? 200 : 20000) + 1;
            byte[] b = new byte[n];
            int alphabet = 1 + r.nextInt(iter % 3 == 0 ? 256 : 4);
            for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(alphabet);
            byte[] z = Lzf.compress(b, 0, n, n + 64);
            if (z == null) continue;
            assertThat(Lzf.decompress(z, 0, z.length, n)).isEqualTo(b);
            byte[] tight = Lzf.compress(b, 0, n, Math.max(1, n - 4));
            if (tight != null) {
                assertThat(tight.length).isLessThanOrEqualTo(n - 3);
                assertThat(Lzf.decompress(tight, 0, tight.length, n)).isEqualTo(b);
            }
        }
    }

    @Test
    void incompressibleDataDoesNotFit() {
        Random r = new Random(1);
        byte[] b = new byte[1000];
        r.nextBytes(b);
        assertThat(Lzf.compress(b, 0, b.length, b.length - 4)).isNull();
    }

    @Test
    void compressesAnOffsetRange() throws Exception {
        byte[] b = ("zzzz" + "hello hello hello hello hello hello" + "qqqq").getBytes();
        byte[] z = Lzf.compress(b, 4, b.length - 8, 100);
        assertThat(new String(Lzf.decompress(z, 0, z.length, b.length - 8))).isEqualTo("hello hello hello hello hello hello");
    }

    @Test
    void corruptInputFailsCleanly() {
        assertThatThrownBy(() -> Lzf.decompress(hex("05616263"), 0, 4, 6)).isInstanceOf(Lzf.CorruptException.class);
        assertThatThrownBy(() -> Lzf.decompress(hex("20"), 0, 1, 3)).isInstanceOf(Lzf.CorruptException.class);
        assertThatThrownBy(() -> Lzf.decompress(hex("0061e0"), 0, 3, 20)).isInstanceOf(Lzf.CorruptException.class);
        // reference before the start of the output
        assertThatThrownBy(() -> Lzf.decompress(hex("00612005"), 0, 4, 4)).isInstanceOf(Lzf.CorruptException.class);
        // output longer than announced
        assertThatThrownBy(() -> Lzf.decompress(hex("017878e05700017878"), 0, 9, 50)).isInstanceOf(Lzf.CorruptException.class);
        assertThatThrownBy(() -> Lzf.decompress(hex("017878e05700017878"), 0, 9, 150)).isInstanceOf(Lzf.CorruptException.class);
        // random garbage never escapes as anything but CorruptException
        Random r = new Random(3);
        for (int i = 0; i < 20000; i++) {
            byte[] g = new byte[r.nextInt(40)];
            r.nextBytes(g);
            try {
                Lzf.decompress(g, 0, g.length, r.nextInt(300));
            } catch (Lzf.CorruptException expected) {
                // fine
            }
        }
    }
}
