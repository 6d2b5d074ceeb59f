package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ZSetValueTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }
    private static String s(byte[] b, int off, int len) { return new String(b, off, len, StandardCharsets.ISO_8859_1); }

    /** An element of the model: ordered by score, then member bytes (unsigned). */
    record E(double score, String member) implements Comparable<E> {
        public int compareTo(E o) {
            int c = Double.compare(score, o.score);
            if (score == o.score) c = 0;
            return c != 0 ? c : Arrays.compareUnsigned(b(member), b(o.member));
        }
    }

    private static List<E> all(ZSetValue z, boolean reverse) {
        List<E> out = new ArrayList<>();
        z.forEach(reverse, (bb, off, len, sc) -> out.add(new E(sc, s(bb, off, len))));
        return out;
    }

    @Test
    void listpackBytesAreRedisBytes() {
        // DUMP of redis-server 7.0.15 (rdbcompression no) after: ZADD z 1 a 2.5 b -3 c 1e300 d inf e 10 1
        // (the listpack body, without RDB type, length prefix and footer)
        ZSetValue z = ZSetValue.newListpack();
        for (String[] p : new String[][] {{"1", "a"}, {"2.5", "b"}, {"-3", "c"}, {"1e300", "d"}, {"inf", "e"}, {"10", "1"}}) {
            z.add(Double.parseDouble(p[0].equals("inf") ? "Infinity" : p[0]), b(p[1]), 0, 128, 64, null);
        }
        assertThat(HexFormat.of().formatHex(z.listpack().toBytes())).isEqualTo(
                "420000000c00816302dffd02816102010181620283322e350401010a0181640297312e3030303030303030303030303030"
                + "3031652b3330301881650283696e6604ff");
    }

    @Test
    void randomOperationsMatchTheModel() {
        for (long[] limits : new long[][] {{128, 64}, {8, 5}, {0, 64}}) {
            Random rnd = new Random(7 + limits[0]);
            ZSetValue z = ZSetValue.create(limits[0], limits[1], 1);
            TreeSet<E> model = new TreeSet<>();
            Map<String, Double> scores = new HashMap<>();
            boolean wasSkiplist = false;
            for (int step = 0; step < 6000; step++) {
                String m = rnd.nextInt(4) == 0 ? Integer.toString(rnd.nextInt(40) - 5) : "m" + rnd.nextInt(60);
                if (rnd.nextInt(20) == 0) m = "long-member-" + m;
                double sc = switch (rnd.nextInt(5)) {
                    case 0 -> rnd.nextInt(10);
                    case 1 -> rnd.nextDouble() * 100 - 50;
                    case 2 -> rnd.nextInt(3) == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                    default -> rnd.nextInt(5) * 0.5;
                };
                int op = rnd.nextInt(10);
                if (op < 5) {
                    int flags = rnd.nextInt(6) == 0 ? ZSetValue.GT : rnd.nextInt(6) == 0 ? ZSetValue.XX : 0;
                    int r = z.add(sc, b(m), flags, limits[0], limits[1], null);
                    Double cur = scores.get(m);
                    boolean apply = cur == null ? flags != ZSetValue.XX : flags != ZSetValue.GT || sc > cur;
                    if (apply) {
                        if (cur != null) model.remove(new E(cur, m));
                        model.add(new E(sc, m));
                        scores.put(m, sc);
                        assertThat(r).isEqualTo(cur == null ? ZSetValue.ADDED : cur == sc ? 0 : ZSetValue.UPDATED);
                    } else {
                        assertThat(r).isEqualTo(ZSetValue.NOP);
                    }
                } else if (op < 7) {
                    Double cur = scores.remove(m);
                    if (cur != null) model.remove(new E(cur, m));
                    assertThat(z.remove(b(m))).isEqualTo(cur != null);
                } else if (op == 7 && !model.isEmpty()) {
                    boolean max = rnd.nextBoolean();
                    double[] out = new double[1];
                    E want = max ? model.pollLast() : model.pollFirst();
                    scores.remove(want.member);
                    byte[] got = z.pop(max, out);
                    assertThat(s(got, 0, got.length)).isEqualTo(want.member);
                    assertThat(out[0]).isEqualTo(want.score);
                } else if (op == 8) {
                    double lo = rnd.nextInt(10) - 2, hi = lo + rnd.nextInt(6);
                    ZRange.Score r = new ZRange.Score(lo, hi, rnd.nextBoolean(), rnd.nextBoolean());
                    List<E> want = model.stream().filter(e -> r.gteMin(e.score) && r.lteMax(e.score)).toList();
                    assertThat(z.countByScore(r)).isEqualTo(want.size());
                    List<E> got = new ArrayList<>();
                    boolean rev = rnd.nextBoolean();
                    z.rangeByScore(r, rev, 1, 3, (bb, off, len, s2) -> got.add(new E(s2, s(bb, off, len))));
                    List<E> w = new ArrayList<>(want);
                    if (rev) java.util.Collections.reverse(w);
                    assertThat(got).isEqualTo(w.subList(Math.min(1, w.size()), Math.min(4, w.size())));
                    if (rnd.nextInt(10) == 0) {
                        assertThat(z.removeRangeByScore(r)).isEqualTo(want.size());
                        for (E e : want) { model.remove(e); scores.remove(e.member); }
                    }
                } else if (op == 9 && !model.isEmpty()) {
                    // rank queries and rank ranges
                    List<E> list = new ArrayList<>(model);
                    E e = list.get(rnd.nextInt(list.size()));
                    assertThat(z.rank(b(e.member), false)).isEqualTo(list.indexOf(e));
                    assertThat(z.rank(b(e.member), true)).isEqualTo(list.size() - 1 - list.indexOf(e));
                    assertThat(z.rank(b("absent"), false)).isEqualTo(-1);
                    int a = rnd.nextInt(list.size()), c = a + rnd.nextInt(list.size() - a);
                    List<E> got = new ArrayList<>();
                    z.range(a, c, false, (bb, off, len, s2) -> got.add(new E(s2, s(bb, off, len))));
                    assertThat(got).isEqualTo(list.subList(a, c + 1));
                    List<E> gotRev = new ArrayList<>();
                    z.range(a, c, true, (bb, off, len, s2) -> gotRev.add(new E(s2, s(bb, off, len))));
                    List<E> rl = new ArrayList<>(list);
                    java.util.Collections.reverse(rl);
                    assertThat(gotRev).isEqualTo(rl.subList(a, c + 1));
                    if (rnd.nextInt(20) == 0) {
                        assertThat(z.removeRangeByRank(a, c)).isEqualTo(c - a + 1);
                        for (E x : list.subList(a, c + 1)) { model.remove(x); scores.remove(x.member); }
                    }
                }
                assertThat(z.size()).isEqualTo(model.size());
                if (!z.isListpack()) wasSkiplist = true;
                if (z.isListpack()) {
                    assertThat(model.size()).isLessThanOrEqualTo((int) limits[0]);
                    assertThat(Listpack.validate(z.listpack().toBytes())).isEqualTo(model.size() * 2);
                }
                if (step % 500 == 0) {
                    assertThat(all(z, false)).isEqualTo(new ArrayList<>(model));
                    for (E e : model) assertThat(z.score(b(e.member))).isEqualTo(e.score);
                    ZSetValue c = z.copy();
                    assertThat(c.encoding()).isEqualTo(z.encoding());
                    assertThat(all(c, true)).isEqualTo(all(z, true));
                }
            }
            assertThat(all(z, false)).isEqualTo(new ArrayList<>(model));
            if (limits[0] < 100) assertThat(wasSkiplist).isTrue();
        }
    }

    @Test
    void convertsAtTheThresholdsAndBack() {
        ZSetValue z = ZSetValue.create(3, 5, 1);
        assertThat(z.encoding()).isEqualTo("listpack");
        for (int i = 0; i < 3; i++) z.add(i, b("m" + i), 0, 3, 5, null);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.add(9, b("m9"), 0, 3, 5, null);
        assertThat(z.encoding()).isEqualTo("skiplist");
        z.remove(b("m9"));
        assertThat(z.encoding()).isEqualTo("skiplist");
        z.convertToListpackIfNeeded(3, 5);
        assertThat(z.encoding()).isEqualTo("listpack");
        z.add(1, b("toolong"), 0, 3, 5, null);
        assertThat(z.encoding()).isEqualTo("skiplist");
        assertThat(ZSetValue.create(0, 5, 1).encoding()).isEqualTo("skiplist");
        assertThat(ZSetValue.create(3, 5, 6).encoding()).isEqualTo("skiplist");
        z.convertToListpackIfNeeded(3, 5);
        assertThat(z.encoding()).isEqualTo("skiplist"); // 4 members
    }

    @Test
    void incrAndNan() {
        ZSetValue z = ZSetValue.newListpack();
        double[] ns = new double[1];
        assertThat(z.add(Double.POSITIVE_INFINITY, b("a"), ZSetValue.INCR, 128, 64, ns)).isEqualTo(ZSetValue.ADDED);
        assertThat(z.add(Double.NEGATIVE_INFINITY, b("a"), ZSetValue.INCR, 128, 64, ns)).isEqualTo(ZSetValue.NAN);
        assertThat(z.add(2, b("a"), ZSetValue.INCR, 128, 64, ns)).isEqualTo(0);
        assertThat(ns[0]).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(z.add(Double.NaN, b("b"), 0, 128, 64, ns)).isEqualTo(ZSetValue.NAN);
    }

    @Test
    void lexRanges() {
        ZSetValue z = ZSetValue.newListpack();
        for (String m : new String[] {"a", "b", "c", "d", "e", "10", "9"}) z.add(0, b(m), 0, 128, 64, null);
        ZRange.Lex r = ZRange.Lex.parse(b("(b"), b("[d"));
        assertThat(z.countByLex(r)).isEqualTo(2);
        assertThat(z.countByLex(ZRange.Lex.parse(b("-"), b("+")))).isEqualTo(7);
        assertThat(z.countByLex(ZRange.Lex.parse(b("+"), b("-")))).isEqualTo(0);
        assertThat(z.countByLex(ZRange.Lex.parse(b("[1"), b("(a")))).isEqualTo(2); // "10", "9"
        assertThat(ZRange.Lex.parse(b("a"), b("+"))).isNull();
        assertThat(ZRange.Lex.parse(b("++"), b("+"))).isNull();
        z.convertToSkiplist();
        assertThat(z.countByLex(r)).isEqualTo(2);
        assertThat(z.countByLex(ZRange.Lex.parse(b("[1"), b("(a")))).isEqualTo(2);
        assertThat(z.removeRangeByLex(ZRange.Lex.parse(b("-"), b("(b")))).isEqualTo(3);
        assertThat(z.size()).isEqualTo(4);
    }

    @Test
    void skiplistScanReturnsEveryMemberPresentThroughout() {
        Random rnd = new Random(9);
        for (int round = 0; round < 20; round++) {
            ZSetValue z = ZSetValue.newSkiplist();
            int n = 1 + rnd.nextInt(3000);
            for (int i = 0; i < n; i++) z.add(i, b("m" + i), 0, 0, 0, null);
            java.util.Set<String> stable = new java.util.HashSet<>();
            for (int i = 0; i < n; i += 2) stable.add("m" + i);   // even members are never removed
            java.util.Set<String> seen = new java.util.HashSet<>();
            long cursor = 0;
            int extra = n;
            int calls = 0;
            do {
                cursor = z.scan(cursor, 1 + rnd.nextInt(20), (bb, off, len, sc) -> seen.add(s(bb, off, len)));
                // churn between calls: the table grows and shrinks
                for (int k = 0; k < 30; k++) {
                    if (rnd.nextBoolean()) z.add(0, b("m" + (extra++)), 0, 0, 0, null);
                    else z.remove(b("m" + (2 * rnd.nextInt(Math.max(1, extra / 2)) + 1)));
                }
                calls++;
            } while (cursor != 0 && calls < 100000);
            assertThat(cursor).isZero();
            assertThat(seen).containsAll(stable);
        }
    }
}
