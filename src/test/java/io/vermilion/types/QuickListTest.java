package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** QuickList against a java.util model, and its node boundaries against Redis 7.0's rules. */
class QuickListTest {
    static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }
    static String s(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    static List<String> contents(QuickList ql) {
        List<String> out = new ArrayList<>();
        ql.range(0, ql.size(), false, new QuickList.ElementVisitor() {
            @Override public void str(byte[] a, int off, int len) { out.add(new String(a, off, len, StandardCharsets.ISO_8859_1)); }
            @Override public void num(long v) { out.add(Long.toString(v)); }
        });
        return out;
    }

    static List<Integer> nodeSizes(QuickList ql) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ql.nodeCount(); i++) {
            Object n = ql.node(i);
            out.add(n instanceof Listpack lp ? lp.size() : 1);
        }
        return out;
    }

    static void checkInvariants(QuickList ql, int fill) {
        long total = 0;
        for (int i = 0; i < ql.nodeCount(); i++) {
            Object n = ql.node(i);
            int c = n instanceof Listpack lp ? lp.size() : 1;
            assertThat(c).as("empty node %d", i).isGreaterThan(0);
            if (fill > 0) assertThat(c).isLessThanOrEqualTo(fill);
            if (n instanceof Listpack lp) assertThat(Listpack.validate(lp.toBytes())).isEqualTo(c);
            total += c;
        }
        assertThat(total).isEqualTo(ql.size());
    }

    static String randomValue(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Integer.toString(r.nextInt(200) - 100);
            case 1 -> Long.toString(r.nextLong());
            case 2 -> "v" + r.nextInt(20);
            case 3 -> "x".repeat(r.nextInt(300));
            default -> "e" + r.nextInt(1000);
        };
    }

    @Test
    void randomOperationsMatchAModel() {
        for (int fill : new int[] {-5, -2, -1, 1, 2, 3, 5, 128}) {
            Random r = new Random(fill * 31L + 7);
            QuickList ql = new QuickList(fill);
            List<String> model = new ArrayList<>();
            for (int step = 0; step < 4000; step++) {
                int op = r.nextInt(12);
                String v = randomValue(r);
                switch (op) {
                    case 0, 1 -> { ql.pushHead(b(v)); model.add(0, v); }
                    case 2, 3 -> { ql.pushTail(b(v)); model.add(v); }
                    case 4 -> { if (!model.isEmpty()) assertThat(s(ql.pop(true))).isEqualTo(model.remove(0)); }
                    case 5 -> { if (!model.isEmpty()) assertThat(s(ql.pop(false))).isEqualTo(model.remove(model.size() - 1)); }
                    case 6 -> {
                        if (!model.isEmpty()) {
                            int i = r.nextInt(model.size());
                            assertThat(s(ql.get(i))).isEqualTo(model.get(i));
                            assertThat(s(ql.get(i - model.size()))).isEqualTo(model.get(i));
                            ql.set(i, b(v));
                            model.set(i, v);
                        }
                        assertThat(ql.get(model.size())).isNull();
                    }
                    case 7, 8 -> {
                        // LINSERT at a random pivot
                        if (!model.isEmpty()) {
                            int i = r.nextInt(model.size());
                            boolean after = r.nextBoolean();
                            QuickList.Cursor c = ql.cursor(false);
                            for (int k = 0; k < i; k++) c.next();
                            c.insert(after, b(v));
                            model.add(after ? i + 1 : i, v);
                        }
                    }
                    case 9 -> {
                        // LREM count of a value, both directions
                        String target = model.isEmpty() ? "v1" : model.get(r.nextInt(model.size()));
                        int count = r.nextInt(3);
                        boolean reverse = r.nextBoolean();
                        QuickList.Cursor c = ql.cursor(reverse);
                        int removed = 0;
                        while (c.valid()) {
                            if (c.matches(b(target))) {
                                c.deleteAndNext();
                                removed++;
                                if (count != 0 && removed == count) break;
                            } else c.next();
                        }
                        int left = removed;
                        if (!reverse) {
                            for (int k = 0; k < model.size() && left > 0; ) {
                                if (model.get(k).equals(target)) { model.remove(k); left--; } else k++;
                            }
                        } else {
                            for (int k = model.size() - 1; k >= 0 && left > 0; k--) {
                                if (model.get(k).equals(target)) { model.remove(k); left--; }
                            }
                        }
                    }
                    case 10 -> {
                        if (!model.isEmpty()) {
                            int start = r.nextInt(model.size());
                            int n = r.nextInt(Math.min(10, model.size() - start) + 1);
                            ql.deleteRange(start, n);
                            for (int k = 0; k < n; k++) model.remove(start);
                        }
                    }
                    default -> {
                        if (!model.isEmpty()) {
                            int start = r.nextInt(model.size());
                            int n = 1 + r.nextInt(model.size() - start);
                            List<String> seen = new ArrayList<>();
                            ql.range(start + n - 1, n, true, new QuickList.ElementVisitor() {
                                @Override public void str(byte[] a, int off, int len) { seen.add(new String(a, off, len, StandardCharsets.ISO_8859_1)); }
                                @Override public void num(long x) { seen.add(Long.toString(x)); }
                            });
                            List<String> exp = new ArrayList<>(model.subList(start, start + n));
                            java.util.Collections.reverse(exp);
                            assertThat(seen).isEqualTo(exp);
                        }
                    }
                }
                if (step % 50 == 0) {
                    assertThat(contents(ql)).as("fill %d step %d", fill, step).isEqualTo(model);
                    checkInvariants(ql, fill);
                }
            }
            assertThat(contents(ql)).isEqualTo(model);
            checkInvariants(ql, fill);
            QuickList copy = ql.copy();
            ql.pushTail(b("only-in-original"));
            assertThat(contents(copy)).isEqualTo(model);
        }
    }

    @Test
    void countFillSplitsNodesAsRedis() {
        QuickList ql = new QuickList(3);
        for (int i = 1; i <= 8; i++) ql.pushTail(b(Integer.toString(i)));
        assertThat(nodeSizes(ql)).containsExactly(3, 3, 2);
        // LINSERT AFTER 2 into the full first node: split, new node [x,3], then merges (none fit)
        QuickList.Cursor c = ql.cursor(false);
        c.next();
        c.insert(true, b("x"));
        assertThat(nodeSizes(ql)).containsExactly(2, 2, 3, 2);
        assertThat(contents(ql)).containsExactly("1", "2", "x", "3", "4", "5", "6", "7", "8");
        for (int i = 0; i < 4; i++) ql.pushHead(b("h" + i));
        assertThat(nodeSizes(ql)).containsExactly(3, 3, 2, 3, 2);
    }

    @Test
    void sizeFillUsesRedisByteLevelsAndSafetyLimit() {
        // fill -1: 4096 bytes; 100-byte strings take 102 bytes each: (7 + 102n + 100 + 8 <= 4096)
        QuickList ql = new QuickList(-1);
        for (int i = 0; i < 100; i++) ql.pushTail(b("y".repeat(100)));
        assertThat(nodeSizes(ql).get(0)).isEqualTo(39);
        // count fill 1000 with big entries: the 8 KB safety limit applies
        QuickList big = new QuickList(1000);
        for (int i = 0; i < 100; i++) big.pushTail(b("z".repeat(1000)));
        assertThat(nodeSizes(big).get(0)).isEqualTo(8);
        assertThat(new QuickList(-100).fill()).isEqualTo(-5);
        assertThat(new QuickList(1 << 20).fill()).isEqualTo(32767);
    }

    @Test
    void rewriteEmitsRpushIn64ElementBatches() {
        QuickList ql = new QuickList(5);
        for (int i = 0; i < 130; i++) ql.pushTail(b("e" + i));
        List<byte[][]> cmds = new ArrayList<>();
        ql.rewrite(b("k"), cmds::add);
        assertThat(cmds).hasSize(3);
        assertThat(cmds.get(0).length).isEqualTo(66);
        assertThat(cmds.get(2).length).isEqualTo(4);
        assertThat(s(cmds.get(0)[0])).isEqualTo("RPUSH");
        assertThat(s(cmds.get(2)[3])).isEqualTo("e129");
        assertThat(ql.typeName()).isEqualTo("list");
        assertThat(ql.encoding()).isEqualTo("quicklist");
    }
}
