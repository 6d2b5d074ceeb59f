package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.persistence.rdb.Encodings;
import java.util.HexFormat;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class IntsetTest {
    private static byte[] hex(String h) { return HexFormat.of().parseHex(h); }

    @Test
    void layoutIsRedisOwn() {
        byte[] is = Intset.empty();
        assertThat(is).isEqualTo(hex("0200000000000000"));
        is = Intset.add(is, 3);
        is = Intset.add(is, 1);
        is = Intset.add(is, 2);
        // redis-server: SADD s 3 1 2; DUMP s -> 0b 0e + this blob
        assertThat(is).isEqualTo(hex("0200000003000000010002000300"));
        assertThat(Intset.add(is, 2)).isSameAs(is);
    }

    @Test
    void upgradesPutTheNewValueFirstOrLast() {
        byte[] is = Intset.add(Intset.add(Intset.empty(), 1), 2);
        byte[] up = Intset.add(is, 70000);
        assertThat(Intset.width(up)).isEqualTo(4);
        assertThat(up).isEqualTo(hex("04000000030000000100000002000000701101 00".replace(" ", "")));
        byte[] neg = Intset.add(is, -5_000_000_000L);
        assertThat(Intset.width(neg)).isEqualTo(8);
        assertThat(Intset.get(neg, 0)).isEqualTo(-5_000_000_000L);
        assertThat(Intset.get(neg, 2)).isEqualTo(2);
        // removing the wide value keeps the width, as Redis does
        byte[] back = Intset.remove(neg, -5_000_000_000L);
        assertThat(Intset.width(back)).isEqualTo(8);
        assertThat(Intset.length(back)).isEqualTo(2);
        assertThat(Intset.contains(is, 70000)).isFalse();
        assertThat(Intset.remove(is, 70000)).isSameAs(is);
    }

    @Test
    void randomOperationsAgreeWithATreeSet() {
        Random r = new Random(1);
        byte[] is = Intset.empty();
        TreeSet<Long> model = new TreeSet<>();
        long[] pool = {0, 1, -1, Short.MAX_VALUE, Short.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE,
                Long.MAX_VALUE, Long.MIN_VALUE, 40000, -40000, 1L << 40};
        for (int step = 0; step < 20000; step++) {
            long v = r.nextBoolean() ? r.nextInt(200) - 100 : pool[r.nextInt(pool.length)];
            if (r.nextInt(3) > 0) {
                is = Intset.add(is, v);
                model.add(v);
            } else {
                is = Intset.remove(is, v);
                model.remove(v);
            }
            assertThat(Intset.length(is)).isEqualTo(model.size());
            assertThat(Intset.contains(is, v)).isEqualTo(model.contains(v));
            assertThat(is.length).isEqualTo(8 + Intset.width(is) * model.size());
        }
        int i = 0;
        for (long v : model) assertThat(Intset.get(is, i++)).isEqualTo(v);
        assertThat(Encodings.intset(is)).isTrue();
    }

    @Test
    void addAllEqualsAddingOneByOne() {
        Random r = new Random(5);
        for (int round = 0; round < 2000; round++) {
            byte[] is = Intset.empty();
            int base = r.nextInt(20);
            for (int i = 0; i < base; i++) is = Intset.add(is, r.nextInt(50) - 25);
            TreeSet<Long> add = new TreeSet<>();
            int n = r.nextInt(10);
            for (int i = 0; i < n; i++) {
                long v = r.nextInt(4) == 0 ? (r.nextBoolean() ? 1L << 40 : -(1L << 20)) : r.nextInt(50) - 25;
                add.add(v);
            }
            byte[] one = is;
            for (long v : add) one = Intset.add(one, v);
            long[] arr = add.stream().mapToLong(Long::longValue).toArray();
            byte[] all = Intset.addAll(is, arr, arr.length);
            assertThat(all).isEqualTo(one);
            if (Intset.length(one) == Intset.length(is)) assertThat(all).isSameAs(is);
        }
    }
}
