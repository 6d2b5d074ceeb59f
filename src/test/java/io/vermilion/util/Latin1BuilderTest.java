package io.vermilion.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Latin1BuilderTest {
    @Test
    void decimalsMatchTheJdk() {
        long[] edge = {0, 1, 9, 10, 99, 100, -1, -9, -10, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
                Integer.MAX_VALUE, Integer.MIN_VALUE, 999_999_999_999L, 1_000_000_000_000L};
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long v = i < edge.length ? edge[i] : (i % 3 == 0 ? r.nextLong() : r.nextLong() >>> r.nextInt(64));
            assertThat(new Latin1Builder(1).dec(v).toString()).isEqualTo(Long.toString(v));
            assertThat(new Latin1Builder(1).udec(v).toString()).isEqualTo(Long.toUnsignedString(v));
        }
    }

    @Test
    void growsAndKeepsEveryByte() {
        Latin1Builder b = new Latin1Builder(1);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            b.text("node-").dec(i).ch(i % 2 == 0 ? ' ' : '\u00e9');
            expected.append("node-").append(i).append(i % 2 == 0 ? ' ' : '\u00e9');
        }
        assertThat(b.toString()).isEqualTo(expected.toString());
        assertThat(b.toBytes()).isEqualTo(expected.toString().getBytes(StandardCharsets.ISO_8859_1));
        assertThat(b.length()).isEqualTo(expected.length());
    }
}
