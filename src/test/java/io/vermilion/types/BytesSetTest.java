package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BytesSetTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static Set<ByteBuffer> members(BytesSet s) {
        Set<ByteBuffer> out = new HashSet<>();
        s.forEach(m -> assertThat(out.add(ByteBuffer.wrap(m))).as("member seen once").isTrue());
        return out;
    }

    @Test
    void randomOperationsAgreeWithAJavaSet() {
        Random r = new Random(42);
        BytesSet s = new BytesSet();
        Set<ByteBuffer> model = new HashSet<>();
        for (int step = 0; step < 200_000; step++) {
            // A small universe makes hits, misses, growth and shrinking all frequent.
            int universe = step % 50_000 < 25_000 ? 3000 : 40;
            byte[] m = b("m" + r.nextInt(universe));
            int op = r.nextInt(10);
            if (op < 5) {
                assertThat(s.add(m)).isEqualTo(model.add(ByteBuffer.wrap(m)));
            } else if (op < 9) {
                assertThat(s.remove(m)).isEqualTo(model.remove(ByteBuffer.wrap(m)));
            } else {
                assertThat(s.contains(m)).isEqualTo(model.contains(ByteBuffer.wrap(m)));
            }
            assertThat(s.size()).isEqualTo(model.size());
            if (step % 10_000 == 0) assertThat(members(s)).isEqualTo(model);
        }
        assertThat(members(s)).isEqualTo(model);
        // the table shrinks back after mass deletion
        for (ByteBuffer m : new ArrayList<>(model)) s.remove(m.array());
        assertThat(s.size()).isZero();
        assertThat(s.capacity()).isEqualTo(4);
    }

    @Test
    void containsWithOffsets() {
        BytesSet s = new BytesSet();
        s.add(b("abc"));
        byte[] buf = b("xxabcxx");
        assertThat(s.contains(buf, 2, 3)).isTrue();
        assertThat(s.contains(buf, 2, 2)).isFalse();
        assertThat(s.remove(buf, 2, 3)).isTrue();
        assertThat(s.size()).isZero();
        assertThat(s.add(new byte[0])).isTrue();
        assertThat(s.contains(new byte[0])).isTrue();
        assertThat(s.add(new byte[0])).isFalse();
    }

    @Test
    void randomMembersAreRoughlyUniform() {
        BytesSet s = new BytesSet();
        for (int i = 0; i < 20; i++) s.add(b("e" + i));
        // remove some so that the table has holes in odd places
        for (int i = 0; i < 20; i += 3) s.remove(b("e" + i));
        Map<String, Integer> counts = new HashMap<>();
        Random r = new Random(7);
        int draws = 130_000;
        for (int i = 0; i < draws; i++) counts.merge(new String(s.random(r), StandardCharsets.ISO_8859_1), 1, Integer::sum);
        assertThat(counts).hasSize(s.size());
        double expected = (double) draws / s.size();
        for (int c : counts.values()) assertThat(Math.abs(c - expected) / expected).isLessThan(0.05);
        assertThatThrownBy(() -> new BytesSet().random(r)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void scanReturnsEveryStableMemberAcrossResizes() {
        Random r = new Random(3);
        for (int round = 0; round < 30; round++) {
            BytesSet s = new BytesSet();
            Set<ByteBuffer> stable = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                byte[] m = b("s" + round + ":" + i);
                s.add(m);
                stable.add(ByteBuffer.wrap(m));
            }
            Set<ByteBuffer> seen = new HashSet<>();
            List<byte[]> transientMembers = new ArrayList<>();
            long cursor = 0;
            int calls = 0;
            do {
                cursor = s.scan(cursor, 1 + r.nextInt(20), m -> seen.add(ByteBuffer.wrap(m)));
                calls++;
                // between calls the table grows (many adds) or shrinks (many removes)
                if (r.nextBoolean()) {
                    for (int i = 0; i < 200; i++) {
                        byte[] m = b("t" + round + ":" + calls + ":" + i);
                        s.add(m);
                        transientMembers.add(m);
                    }
                } else {
                    while (!transientMembers.isEmpty()) s.remove(transientMembers.remove(transientMembers.size() - 1));
                }
            } while (cursor != 0 && calls < 100_000);
            assertThat(cursor).isZero();
            assertThat(seen).containsAll(stable);
        }
    }

    @Test
    void scanOfASmallStableTableVisitsEachMemberOnce() {
        BytesSet s = new BytesSet();
        for (int i = 0; i < 100; i++) s.add(b("k" + i));
        List<String> seen = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = s.scan(cursor, 7, m -> seen.add(new String(m, StandardCharsets.ISO_8859_1)));
        } while (cursor != 0);
        assertThat(seen).hasSize(100).doesNotHaveDuplicates();
    }

    @Test
    void copyIsIndependent() {
        BytesSet s = new BytesSet();
        s.add(b("a"));
        s.add(b("b"));
        BytesSet c = s.copy();
        c.add(b("c"));
        s.remove(b("a"));
        assertThat(members(s)).containsExactly(ByteBuffer.wrap(b("b")));
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.contains(b("a"))).isTrue();
    }

    @Test
    void presizedTableDoesNotGrowForItsCount() {
        BytesSet s = new BytesSet(1000);
        int cap = s.capacity();
        for (int i = 0; i < 1000; i++) s.add(b("x" + i));
        assertThat(s.capacity()).isEqualTo(cap);
    }
}
