package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static void add(Stream s, long ms, long seq, long maxEntries, String... fv) {
        byte[][] argv = new byte[fv.length][];
        for (int i = 0; i < fv.length; i++) argv[i] = b(fv[i]);
        s.append(StreamId.of(ms, seq), argv, 0, fv.length / 2, 4096, maxEntries);
    }

    private static List<String> ids(Stream s, StreamId from, StreamId to, boolean rev) {
        List<String> out = new ArrayList<>();
        Stream.Iter it = s.iterator(from, to, rev);
        while (it.next()) out.add(it.id().toString());
        return out;
    }

    @Test
    void nodeLayoutIsRedis() {
        Stream s = new Stream();
        add(s, 5, 0, 100, "a", "1", "b", "x");
        add(s, 5, 1, 100, "a", "2", "b", "y");
        add(s, 6, 0, 100, "c", "3");
        Listpack lp = s.nodes().firstEntry().getValue();
        List<String> items = new ArrayList<>();
        for (int p = lp.first(); p >= 0; p = lp.next(p)) items.add(new String(lp.get(p), StandardCharsets.ISO_8859_1));
        assertThat(items).containsExactly(
                "3", "0", "2", "a", "b", "0",              // master entry
                "2", "0", "0", "1", "x", "5",              // same fields as the master
                "2", "0", "1", "2", "y", "5",
                "0", "1", "0", "1", "c", "3", "6");        // own fields
        assertThat(s.length).isEqualTo(3);
        assertThat(s.firstId).isEqualTo(StreamId.of(5, 0));
        assertThat(s.lastId).isEqualTo(StreamId.of(6, 0));
    }

    @Test
    void iteratesBothWaysAcrossNodesSkippingTombstones() {
        Stream s = new Stream();
        for (int i = 1; i <= 7; i++) add(s, i, 0, 3, "f", Integer.toString(i));
        assertThat(s.nodeCount()).isEqualTo(3);
        assertThat(s.delete(StreamId.of(2, 0))).isTrue();
        assertThat(s.delete(StreamId.of(2, 0))).isFalse();
        assertThat(ids(s, null, null, false)).containsExactly("1-0", "3-0", "4-0", "5-0", "6-0", "7-0");
        assertThat(ids(s, null, null, true)).containsExactly("7-0", "6-0", "5-0", "4-0", "3-0", "1-0");
        assertThat(ids(s, StreamId.of(2, 5), StreamId.of(5, 0), false)).containsExactly("3-0", "4-0", "5-0");
        assertThat(ids(s, StreamId.of(2, 5), StreamId.of(5, 0), true)).containsExactly("5-0", "4-0", "3-0");
        // deleting a node's last live entry drops the node
        s.delete(StreamId.of(7, 0));
        assertThat(s.nodeCount()).isEqualTo(2);
        assertThat(s.lastValidId()).isEqualTo(StreamId.of(6, 0));
        Stream.Iter all = s.iterator(null, null, false);
        all.skipTombstones = false;
        List<String> withTombs = new ArrayList<>();
        while (all.next()) withTombs.add(all.id() + ((all.flags & Stream.FLAG_DELETED) != 0 ? "x" : ""));
        assertThat(withTombs).containsExactly("1-0", "2-0x", "3-0", "4-0", "5-0", "6-0");
    }

    @Test
    void trimsWholeNodesOrMarksEntries() {
        Stream s = new Stream();
        for (int i = 1; i <= 10; i++) add(s, i, 0, 4, "f", "v");
        assertThat(s.trim(Stream.TRIM_MAXLEN, 7, null, true, 0)).isZero();   // no whole node fits
        assertThat(s.trim(Stream.TRIM_MAXLEN, 6, null, true, 0)).isEqualTo(4);
        assertThat(s.trim(Stream.TRIM_MAXLEN, 3, null, true, 3)).isZero();   // LIMIT below the node size
        assertThat(s.trim(Stream.TRIM_MAXLEN, 3, null, false, 0)).isEqualTo(3);
        assertThat(ids(s, null, null, false)).containsExactly("8-0", "9-0", "10-0");
        assertThat(s.firstId).isEqualTo(StreamId.of(8, 0));
        assertThat(s.trim(Stream.TRIM_MINID, 0, StreamId.of(10, 0), false, 0)).isEqualTo(2);
        assertThat(ids(s, null, null, false)).containsExactly("10-0");
        assertThat(s.trim(Stream.TRIM_MAXLEN, 0, null, false, 0)).isEqualTo(1);
        assertThat(s.length).isZero();
        assertThat(s.firstId).isEqualTo(StreamId.ZERO);
        assertThat(s.lastId).isEqualTo(StreamId.of(10, 0));
    }

    @Test
    void radixTreeNodeCounts() {
        Stream s = new Stream();
        assertThat(s.radixTreeNodes()).isEqualTo(1);
        add(s, 1, 1, 1, "a", "1");
        assertThat(s.radixTreeNodes()).isEqualTo(2);
        add(s, 1, 2, 1, "a", "1");
        add(s, 256, 0, 1, "a", "1");
        add(s, 65536, 3, 1, "a", "1");
        add(s, -1L, 0, 1, "a", "1");
        assertThat(s.radixTreeNodes()).isEqualTo(14);   // as redis-server reports for these keys
    }

    @Test
    void groupsLagAndEntriesRead() {
        Stream s = new Stream();
        for (int i = 1; i <= 4; i++) add(s, 1, i, 100, "a", "1");
        Stream.Group g = s.createGroup(b("g"), StreamId.ZERO, Stream.INVALID_ENTRIES_READ);
        assertThat(s.createGroup(b("g"), StreamId.ZERO, 0)).isNull();
        assertThat(s.lag(g)).isEqualTo(4);
        s.advanceGroup(g, StreamId.of(1, 1));
        assertThat(g.entriesRead).isEqualTo(1);
        s.advanceGroup(g, StreamId.of(1, 2));
        assertThat(g.entriesRead).isEqualTo(2);
        assertThat(s.lag(g)).isEqualTo(2);
        s.delete(StreamId.of(1, 3));
        s.maxDeletedId = StreamId.of(1, 3);
        assertThat(s.lag(g)).isNull();                    // a tombstone ahead: unknown
        s.advanceGroup(g, StreamId.of(1, 4));
        // no tombstone at or after 1-4, so the counter just goes on (Redis does not notice 1-3 went)
        assertThat(g.entriesRead).isEqualTo(3);
        assertThat(s.lag(g)).isEqualTo(1);
        assertThat(s.estimateDistance(StreamId.of(9, 9))).isEqualTo(Stream.INVALID_ENTRIES_READ);
    }

    @Test
    void copyIsDeepAndRewriteIsRedisCommands() {
        Stream s = new Stream();
        add(s, 1, 1, 100, "a", "1");
        add(s, 1, 2, 100, "b", "2");
        Stream.Group g = s.createGroup(b("g"), StreamId.of(1, 2), 2);
        Stream.Consumer alice = g.createConsumer(b("alice"), 5);
        g.createConsumer(b("bob"), 6);
        Stream.Nack n = new Stream.Nack(alice, 1000, 3);
        g.pel.put(StreamId.of(1, 1), n);
        alice.pel.put(StreamId.of(1, 1), n);
        Stream c = s.copy();
        c.delete(StreamId.of(1, 1));
        c.group(b("g")).pel.clear();
        assertThat(s.length).isEqualTo(2);
        assertThat(g.pel).hasSize(1);
        List<String> cmds = new ArrayList<>();
        s.rewrite(b("k"), argv -> {
            StringBuilder sb = new StringBuilder();
            for (byte[] a : argv) sb.append(sb.length() == 0 ? "" : " ").append(new String(a, StandardCharsets.ISO_8859_1));
            cmds.add(sb.toString());
        });
        assertThat(cmds).containsExactly(
                "XADD k 1-1 a 1",
                "XADD k 1-2 b 2",
                "XSETID k 1-2 ENTRIESADDED 2 MAXDELETEDID 0-0",
                "XGROUP CREATE k g 1-2 ENTRIESREAD 2",
                "XCLAIM k g alice 0 1-1 TIME 1000 RETRYCOUNT 3 JUSTID FORCE",
                "XGROUP CREATECONSUMER k g bob");
        List<String> empty = new ArrayList<>();
        new Stream().rewrite(b("e"), argv -> empty.add(new String(argv[0]) + " " + new String(argv[2])));
        assertThat(empty).containsExactly("XADD MAXLEN", "XSETID 0-0");
    }

    @Test
    void parsesUnsignedAsRedis() {
        long[] v = new long[1];
        assertThat(StreamId.parseUnsigned(b("18446744073709551615"), 0, 20, v)).isTrue();
        assertThat(v[0]).isEqualTo(-1L);
        assertThat(StreamId.parseUnsigned(b("18446744073709551616"), 0, 20, v)).isFalse();
        assertThat(StreamId.parseUnsigned(b("-1"), 0, 2, v)).isFalse();
        assertThat(StreamId.parseUnsigned(b("-01"), 0, 3, v)).isTrue();   // strtoull negates
        assertThat(v[0]).isEqualTo(-1L);
        assertThat(StreamId.parseUnsigned(b("+7"), 0, 2, v)).isTrue();
        assertThat(v[0]).isEqualTo(7);
        assertThat(StreamId.parseUnsigned(b(""), 0, 0, v)).isFalse();
        assertThat(StreamId.parseUnsigned(b("1x"), 0, 2, v)).isFalse();
        assertThat(StreamId.of(-1L, 5).toString()).isEqualTo("18446744073709551615-5");
        assertThat(StreamId.MAX.next()).isNull();
        assertThat(StreamId.ZERO.prev()).isNull();
        assertThat(StreamId.of(1, -1L).next()).isEqualTo(StreamId.of(2, 0));
        assertThat(StreamId.decode(StreamId.of(258, 7).encode(), 0)).isEqualTo(StreamId.of(258, 7));
    }
}
