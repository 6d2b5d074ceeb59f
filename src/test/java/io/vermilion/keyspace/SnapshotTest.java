package io.vermilion.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.types.Sds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The snapshot must deliver exactly the T0 state whatever happens to the keyspace while it is
 * read: a model-based test with random writes, deletes, TTL changes, in-place Sds mutation,
 * flushes and SWAPDB interleaved with capture steps.
 */
class SnapshotTest {
    private static final int DBS = 4;

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static Object freeze(Object v) { return v instanceof Sds s ? s.toBytes() : v; }

    private static byte[] bytes(Object v) { return v instanceof Sds s ? s.toBytes() : (byte[]) v; }

    /** db/keyhex -> value hex + "@" + expire. */
    private static Map<String, String> state(Keyspace ks, long now) {
        Map<String, String> m = new TreeMap<>();
        for (int db = 0; db < DBS; db++) {
            Db d = ks.db(db);
            for (int s = 0; s < io.vermilion.util.HashSlot.SLOTS; s++) {
                Dict t = d.slots[s];
                if (t == null) continue;
                for (int i = 0; i < t.keys.length; i++) {
                    if (t.keys[i] == null) continue;
                    long e = t.expireAt(i);
                    if (e != Dict.NO_EXPIRE && e <= now) continue;
                    m.put(db + "/" + HexFormat.of().formatHex(t.keys[i]),
                            HexFormat.of().formatHex(bytes(t.vals[i])) + "@" + (e == Dict.NO_EXPIRE ? -1 : e));
                }
            }
        }
        return m;
    }

    @Test
    void deliversExactlyTheStateAtStartUnderRandomChanges() throws Exception {
        for (long seed = 1; seed <= 40; seed++) {
            Random r = new Random(seed);
            Keyspace ks = new Keyspace(DBS);
            List<byte[]> keys = new ArrayList<>();
            for (int i = 0; i < 3000; i++) keys.add(b("key:" + i + (i % 7 == 0 ? "{tag}" : "")));
            long far = System.currentTimeMillis() + 3_600_000;
            for (int i = 0; i < 2000; i++) {
                Db d = ks.db(r.nextInt(DBS - 1)); // db 3 starts empty
                byte[] k = keys.get(r.nextInt(keys.size()));
                if (r.nextInt(5) == 0) d.put(k, new Sds(b("sds" + i), 8), false);
                else d.put(k, b("v" + i), false);
                if (r.nextInt(4) == 0) d.setExpire(k, far + r.nextInt(1000));
            }
            // some keys already expired at T0 (not yet deleted): they must not be delivered
            ks.expiryEnabled(false);
            ks.db(0).put(b("stale"), b("x"), false);
            ks.db(0).setExpire(b("stale"), 1);
            ks.expiryEnabled(true);

            Map<String, String> expected = state(ks, System.currentTimeMillis());
            Snapshot snap = ks.snapshot(SnapshotTest::freeze);
            Map<String, String> got = new TreeMap<>();
            Snapshot.Sink sink = (db, key, value, exp) -> {
                String k = db + "/" + HexFormat.of().formatHex(key);
                assertThat(got.put(k, HexFormat.of().formatHex(bytes(value)) + "@" + exp)).as("duplicate %s", k).isNull();
                assertThat(value).isNotInstanceOf(Sds.class);
            };
            int ops = 0;
            while (!snap.step(1 + r.nextInt(50), sink)) {
                for (int j = r.nextInt(30); j > 0; j--, ops++) mutate(ks, keys, r, far);
            }
            snap.close();
            if (!got.equals(expected)) {
                StringBuilder diff = new StringBuilder();
                for (String k : expected.keySet()) if (!expected.get(k).equals(got.get(k))) diff.append(k).append(": expected ").append(expected.get(k)).append(" got ").append(got.get(k)).append('\n');
                for (String k : got.keySet()) if (!expected.containsKey(k)) diff.append(k).append(": unexpected ").append(got.get(k)).append('\n');
                throw new AssertionError("seed " + seed + " after " + ops + " ops:\n" + diff);
            }
            assertThat(ks.snapshotting).isFalse();
        }
    }

    private static void mutate(Keyspace ks, List<byte[]> keys, Random r, long far) {
        Db d = ks.db(r.nextInt(DBS));
        byte[] k = keys.get(r.nextInt(keys.size()));
        switch (r.nextInt(100)) {
            case 0: d.flush(); break;
            case 1: d.flushSlot(io.vermilion.util.HashSlot.of(k)); break;
            case 2: case 3: ks.swap(r.nextInt(DBS), r.nextInt(DBS)); break;
            default:
                int op = r.nextInt(9);
                if (op == 7) { d.rename(k, keys.get(r.nextInt(keys.size()))); break; }
                if (op == 8) { d.moveTo(k, ks.db(r.nextInt(DBS))); break; }
                if (op == 0) d.put(k, b("new" + r.nextInt()), r.nextBoolean());
                else if (op == 1) d.delete(k);
                else if (op == 2) d.setExpire(k, far + r.nextInt(5000));
                else if (op == 3) d.persist(k);
                else if (op == 4) {
                    Object v = d.get(k); // in-place mutation of a mutable value after a lookup
                    if (v instanceof Sds s) s.append(b("+more"));
                    else if (v != null) d.replace(k, b("replaced"));
                } else if (op == 5) {
                    Object v = d.peek(k);
                    if (v instanceof Sds s) s.setRange(0, b("ZZ"));
                } else {
                    d.put(k, new Sds(b("fresh"), 4), false);
                }
        }
    }

    @Test
    void keepsOnlyWhatIsWrittenAheadOfTheCursor() throws Exception {
        Keyspace ks = new Keyspace(1);
        Db d = ks.db(0);
        for (int i = 0; i < 10000; i++) d.put(b("k" + i), b("v" + i), false);
        Snapshot snap = ks.snapshot(SnapshotTest::freeze);
        Map<String, byte[]> got = new HashMap<>();
        snap.step(5000, (db, k, v, e) -> got.put(new String(k), (byte[]) v));
        // rewrite everything: only keys in slots not yet captured are kept aside
        for (int i = 0; i < 10000; i++) d.put(b("k" + i), b("w" + i), false);
        assertThat(snap.keptCount()).isBetween(1, 6000);
        while (!snap.step(1000, (db, k, v, e) -> got.put(new String(k), (byte[]) v))) { /* drain */ }
        assertThat(snap.keptCount()).isZero();
        assertThat(got).hasSize(10000);
        for (int i = 0; i < 10000; i++) assertThat(got.get("k" + i)).isEqualTo(b("v" + i));
        // after the snapshot ended, writes cost nothing
        snap.close();
        d.put(b("k1"), b("x"), false);
        assertThat(snap.keptCount()).isZero();
    }

    @Test
    void sharesImmutableValuesAndCopiesMutableOnes() throws Exception {
        Keyspace ks = new Keyspace(1);
        byte[] v = b("shared");
        ks.db(0).put(b("a"), v, false);
        Sds s = new Sds(b("mut"), 4);
        ks.db(0).put(b("b"), s, false);
        Snapshot snap = ks.snapshot(SnapshotTest::freeze);
        Map<String, Object> got = new HashMap<>();
        while (!snap.step(10, (db, k, val, e) -> got.put(new String(k), val))) { /* drain */ }
        assertThat(got.get("a")).isSameAs(v);
        assertThat(got.get("b")).isInstanceOf(byte[].class).isEqualTo(b("mut"));
        snap.close();
    }

    @Test
    void twoSnapshotsAtOnce() throws Exception {
        Keyspace ks = new Keyspace(2);
        for (int i = 0; i < 500; i++) ks.db(i % 2).put(b("k" + i), b("v" + i), false);
        Snapshot s1 = ks.snapshot(SnapshotTest::freeze);
        Map<String, String> a = new TreeMap<>();
        s1.step(100, (db, k, v, e) -> a.put(db + new String(k), new String((byte[]) v)));
        for (int i = 0; i < 500; i++) ks.db(i % 2).put(b("k" + i), b("w" + i), false);
        Snapshot s2 = ks.snapshot(SnapshotTest::freeze);
        Map<String, String> c = new TreeMap<>();
        for (int i = 0; i < 500; i++) ks.db(i % 2).delete(b("k" + i));
        while (!s1.step(50, (db, k, v, e) -> a.put(db + new String(k), new String((byte[]) v)))) { /* drain */ }
        while (!s2.step(50, (db, k, v, e) -> c.put(db + new String(k), new String((byte[]) v)))) { /* drain */ }
        s1.close();
        s2.close();
        assertThat(a).hasSize(500).allSatisfy((k, v) -> assertThat(v).startsWith("v"));
        assertThat(c).hasSize(500).allSatisfy((k, v) -> assertThat(v).startsWith("w"));
    }
}
