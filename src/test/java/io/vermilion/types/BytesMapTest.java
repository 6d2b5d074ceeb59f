package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class BytesMapTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static String s(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    /** Every entry of m, checked against the model both ways, and the table invariants. */
    private static void assertSame(BytesMap m, Map<String, String> model) {
        assertThat(m.size()).isEqualTo(model.size());
        int n = 0;
        for (int i = m.next(0); i >= 0; i = m.next(i + 1)) {
            n++;
            assertThat(model).containsEntry(s(m.keyAt(i)), s(m.valueAt(i)));
            assertThat(m.find(m.keyAt(i))).isEqualTo(i);
        }
        assertThat(n).isEqualTo(model.size());
        for (Map.Entry<String, String> e : model.entrySet()) assertThat(s(m.get(b(e.getKey())))).isEqualTo(e.getValue());
        assertThat((long) m.size() * 4).isLessThanOrEqualTo((long) m.capacity() * 3);
        if (m.capacity() > 4) assertThat((long) m.size() * 10).isGreaterThanOrEqualTo(m.capacity() / 2);
    }

    @Test
    void randomOperationsAgainstAHashMap() {
        Random r = new Random(42);
        BytesMap m = new BytesMap();
        Map<String, String> model = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            // Phases of growth and of shrinking, so that both resizes happen many times.
            int phase = (step / 20_000) % 2;
            String k = "k" + r.nextInt(phase == 0 ? 5000 : 300);
            int op = r.nextInt(10);
            if (op < (phase == 0 ? 6 : 2)) {
                String v = "v" + step;
                byte[] old = m.put(b(k), b(v));
                String prev = model.put(k, v);
                assertThat(old == null ? null : s(old)).isEqualTo(prev);
            } else if (op < 9) {
                assertThat(m.remove(b(k))).isEqualTo(model.remove(k) != null);
            } else {
                byte[] v = m.get(b(k));
                assertThat(v == null ? null : s(v)).isEqualTo(model.get(k));
            }
            if (step % 5000 == 0) assertSame(m, model);
        }
        assertSame(m, model);
        for (String k : new HashSet<>(model.keySet())) {
            assertThat(m.remove(b(k))).isTrue();
            model.remove(k);
        }
        assertSame(m, model);
        assertThat(m.capacity()).isEqualTo(4);
    }

    @Test
    void emptyKeysAndBinaryKeys() {
        BytesMap m = new BytesMap();
        m.put(new byte[0], b("empty"));
        m.put(new byte[] {0, (byte) 0xff, '\r', '\n'}, b("bin"));
        assertThat(s(m.get(new byte[0]))).isEqualTo("empty");
        assertThat(s(m.get(new byte[] {0, (byte) 0xff, '\r', '\n'}))).isEqualTo("bin");
        assertThat(m.get(new byte[] {0})).isNull();
        assertThat(m.find(b("xx-empty"), 3, 0)).isEqualTo(m.find(new byte[0]));
    }

    @Test
    void keysOnlyMap() {
        BytesMap m = new BytesMap(0, false);
        assertThat(m.put(b("a"), null)).isNull();
        assertThat(m.put(b("a"), null)).isNotNull();
        assertThat(m.containsKey(b("a"))).isTrue();
        assertThat(m.get(b("a"))).isNull();
        assertThat(m.hasValues()).isFalse();
        BytesMap c = m.copy();
        m.remove(b("a"));
        assertThat(c.containsKey(b("a"))).isTrue();
        assertThat(m.isEmpty()).isTrue();
    }

    @Test
    void copyIsDeep() {
        BytesMap m = new BytesMap();
        byte[] v = b("value");
        m.put(b("k"), v);
        BytesMap c = m.copy();
        v[0] = 'X';
        m.put(b("k2"), b("x"));
        assertThat(s(c.get(b("k")))).isEqualTo("value");
        assertThat(c.size()).isEqualTo(1);
    }

    @Test
    void presizedMapDoesNotResizeWhileFilling() {
        BytesMap m = new BytesMap(1000, true);
        int cap = m.capacity();
        for (int i = 0; i < 1000; i++) m.insertNew(b("f" + i), b("v"));
        assertThat(m.capacity()).isEqualTo(cap);
        assertThat(BytesMap.capacityFor(3)).isEqualTo(4);
        assertThat(BytesMap.capacityFor(4)).isEqualTo(8);
        assertThat(BytesMap.capacityFor(96)).isEqualTo(128);
        assertThat(BytesMap.capacityFor(97)).isEqualTo(256);
    }

    @Test
    void randomSlotReachesEveryEntry() {
        BytesMap m = new BytesMap();
        for (int i = 0; i < 20; i++) m.put(b("f" + i), b("v" + i));
        Set<String> seen = new HashSet<>();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 5000; i++) seen.add(s(m.keyAt(m.randomSlot(r))));
        assertThat(seen).hasSize(20);
        assertThat(new BytesMap().randomSlot(r)).isEqualTo(-1);
    }

    @Test
    void fullScanReturnsEverythingOnceWithoutWrites() {
        BytesMap m = new BytesMap();
        for (int i = 0; i < 1000; i++) m.put(b("f" + i), b("v" + i));
        Map<String, Integer> seen = new HashMap<>();
        long cursor = 0;
        int calls = 0;
        do {
            cursor = m.scan(cursor, (k, v) -> seen.merge(s(k), 1, Integer::sum));
            calls++;
        } while (cursor != 0);
        assertThat(seen).hasSize(1000);
        assertThat(seen.values()).containsOnly(1);
        assertThat(calls).isEqualTo(m.capacity());
        assertThat(new BytesMap().scan(0, (k, v) -> { })).isZero();
    }

    /**
     * Redis's SCAN guarantee across resizes: an element present from the start to the end of a
     * full iteration is returned at least once, while the table grows and shrinks in between.
     */
    @Test
    void scanSurvivesGrowthAndShrinking() {
        Random r = new Random(7);
        for (int round = 0; round < 8; round++) {
            BytesMap m = new BytesMap();
            Set<String> stable = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                m.put(b("s" + round + ":" + i), b("v"));
                stable.add("s" + round + ":" + i);
            }
            Set<String> seen = new HashSet<>();
            java.util.List<byte[]> temp = new java.util.ArrayList<>();
            long cursor = 0;
            int tmp = 0;
            do {
                cursor = m.scan(cursor, (k, v) -> seen.add(s(k)));
                // Churn between calls: grow a lot, or shrink back to the stable entries.
                int x = r.nextInt(8);
                if (x == 0 && temp.size() < 5000) {
                    for (int i = 0; i < 700; i++) {
                        byte[] k = b("t" + (tmp++));
                        m.put(k, b("x"));
                        temp.add(k);
                    }
                } else if (x == 1) {
                    for (byte[] k : temp) m.remove(k);
                    temp.clear();
                }
            } while (cursor != 0);
            assertThat(seen).containsAll(stable);
        }
    }

    @Test
    void cursorBitsAboveTheMaskAreKept() {
        BytesMap m = new BytesMap();
        for (int i = 0; i < 3; i++) m.put(b("x" + i), b("v"));
        assertThat(m.capacity()).isEqualTo(4);
        // The reverse-binary successor of every bucket stays below the capacity; the last wraps to 0.
        Set<Long> cursors = new HashSet<>();
        long c = 0;
        do {
            c = m.scan(c, (k, v) -> { });
            cursors.add(c);
        } while (c != 0);
        assertThat(cursors).containsExactlyInAnyOrder(2L, 1L, 3L, 0L);
        assertThat(ByteBuffer.wrap(new byte[0])).isNotNull();
    }
}
