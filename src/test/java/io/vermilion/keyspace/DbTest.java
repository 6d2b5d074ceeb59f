package io.vermilion.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.util.HashSlot;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keyspace tables driven directly, with a hand-moved clock. */
class DbTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private Keyspace ks;
    private Db db;
    private final List<String> expiredHeard = new ArrayList<>();

    @BeforeEach
    void setUp() {
        ks = new Keyspace(16, clock::get);
        ks.setListener((d, key) -> expiredHeard.add(d.id() + ":" + s(key)));
        db = ks.db(0);
    }

    // ------------------------------------------------------------------ expiry

    @Test
    void expiredKeysVanishOnAccessAndAreReportedOnce() {
        db.put(b("k"), b("v"), false);
        db.setExpire(b("k"), clock.get() + 1000);
        assertThat(db.getExpire(b("k"))).isEqualTo(clock.get() + 1000);
        clock.addAndGet(999);
        assertThat(db.get(b("k"))).isEqualTo(b("v"));
        clock.addAndGet(1); // exactly at the expiry time the key is gone, as in Redis (when <= now)
        assertThat(db.size()).isEqualTo(1); // lazily: still stored until touched
        assertThat(db.peek(b("k"))).isNull();
        assertThat(db.size()).isZero();
        assertThat(db.expiresCount()).isZero();
        assertThat(db.get(b("k"))).isNull();
        assertThat(db.getExpire(b("k"))).isEqualTo(-2);
        assertThat(ks.stats().expiredKeys).isEqualTo(1);
        assertThat(expiredHeard).containsExactly("0:k");
        db.verify();
    }

    @Test
    void everyKindOfAccessExpiresLazily() {
        String[] ops = {"get", "peek", "exists", "delete", "getExpire", "persist", "rename", "moveTo",
                "expireIfNeeded", "put", "idle", "freq"};
        for (String op : ops) {
            db.put(b(op), b("v"), false);
            db.setExpire(b(op), clock.get() + 10);
        }
        clock.addAndGet(10);
        assertThat(db.get(b("get"))).isNull();
        assertThat(db.peek(b("peek"))).isNull();
        assertThat(db.exists(b("exists"))).isFalse();
        assertThat(db.delete(b("delete"))).isFalse();
        assertThat(db.getExpire(b("getExpire"))).isEqualTo(-2);
        assertThat(db.persist(b("persist"))).isFalse();
        assertThat(db.rename(b("rename"), b("renamed"))).isFalse();
        assertThat(db.moveTo(b("moveTo"), ks.db(1))).isFalse();
        assertThat(db.expireIfNeeded(b("expireIfNeeded"))).isTrue();
        assertThat(db.put(b("put"), b("new"), true)).isTrue(); // a new key: the old TTL is gone with it
        assertThat(db.getExpire(b("put"))).isEqualTo(Db.NO_EXPIRE);
        assertThat(db.idleSeconds(b("idle"))).isEqualTo(-1);
        assertThat(db.lfuFrequency(b("freq"))).isEqualTo(-1);
        assertThat(db.exists(b("renamed"))).isFalse();
        assertThat(ks.db(1).size()).isZero();
        assertThat(db.size()).isEqualTo(3); // put, and idle/freq which were only read
        assertThat(ks.stats().expiredKeys).isEqualTo(10);
        assertThat(db.expireIfNeeded(b("absent"))).isFalse();
        db.verify();
    }

    @Test
    void expiryIsSuspendedWhileDisabled() {
        db.put(b("k"), b("v"), false);
        db.setExpire(b("k"), clock.get() - 1);
        ks.expiryEnabled(false); // loading, or a replica waiting for its master's DEL
        assertThat(db.get(b("k"))).isEqualTo(b("v"));
        assertThat(db.randomKey()).isEqualTo(b("k"));
        ks.expiryEnabled(true);
        assertThat(db.get(b("k"))).isNull();
        // A stored past time of exactly -1 ms is indistinguishable from "no TTL": counters agree.
        ks.expiryEnabled(false);
        db.put(b("m"), b("v"), false);
        db.setExpire(b("m"), 5);
        db.setExpire(b("m"), -1);
        assertThat(db.getExpire(b("m"))).isEqualTo(Db.NO_EXPIRE);
        assertThat(db.expiresCount()).isZero();
        db.verify();
    }

    @Test
    void putKeepsOrDropsTheTtl() {
        db.put(b("k"), b("1"), false);
        db.setExpire(b("k"), clock.get() + 5000);
        assertThat(db.put(b("k"), b("2"), true)).isFalse();
        assertThat(db.getExpire(b("k"))).isEqualTo(clock.get() + 5000);
        db.put(b("k"), b("3"), false);
        assertThat(db.getExpire(b("k"))).isEqualTo(Db.NO_EXPIRE);
        assertThat(db.expiresCount()).isZero();
        db.setExpire(b("k"), clock.get() + 5000);
        assertThat(db.persist(b("k"))).isTrue();
        assertThat(db.persist(b("k"))).isFalse();
        assertThat(db.expiresCount()).isZero();
        db.verify();
    }

    @Test
    void activeExpiryRemovesOnlyDueKeys() {
        for (int i = 0; i < 2000; i++) {
            db.put(b("k" + i), b("v"), false);
            if (i % 2 == 0) db.setExpire(b("k" + i), clock.get() + (i % 4 == 0 ? 100 : 100_000));
        }
        clock.addAndGet(100);
        int removed = 0;
        for (int round = 0; round < 100 && removed < 500; round++) removed += db.activeExpire(1000);
        assertThat(removed).isEqualTo(500);
        assertThat(db.size()).isEqualTo(1500);
        assertThat(db.expiresCount()).isEqualTo(500);
        assertThat(expiredHeard).hasSize(500);
        db.verify();
    }

    // ------------------------------------------------------------------ rename, move, swap

    @Test
    void renameCarriesValueTtlAndReplacesTheTarget() {
        db.put(b("src"), b("v1"), false);
        db.setExpire(b("src"), clock.get() + 7000);
        db.put(b("dst"), b("old"), false);
        db.setExpire(b("dst"), clock.get() + 9000);
        assertThat(db.rename(b("src"), b("dst"))).isTrue();
        assertThat(db.get(b("src"))).isNull();
        assertThat(db.get(b("dst"))).isEqualTo(b("v1"));
        assertThat(db.getExpire(b("dst"))).isEqualTo(clock.get() + 7000);
        assertThat(db.size()).isEqualTo(1);
        assertThat(db.expiresCount()).isEqualTo(1);
        // a target with a TTL, source without: the result has none
        db.put(b("plain"), b("p"), false);
        assertThat(db.rename(b("plain"), b("dst"))).isTrue();
        assertThat(db.getExpire(b("dst"))).isEqualTo(Db.NO_EXPIRE);
        assertThat(db.expiresCount()).isZero();
        assertThat(db.rename(b("dst"), b("dst"))).isTrue();
        assertThat(db.get(b("dst"))).isEqualTo(b("p"));
        assertThat(db.rename(b("nokey"), b("x"))).isFalse();
        db.verify();
    }

    @Test
    void renameKeepsTheAccessTime() {
        db.put(b("a"), b("v"), false);
        clock.addAndGet(50_000);
        db.rename(b("a"), b("b"));
        assertThat(db.idleSeconds(b("b"))).isEqualTo(50);
    }

    @Test
    void moveCarriesTtlAndRefusesAnOccupiedTarget() {
        Db other = ks.db(3);
        db.put(b("k"), b("v"), false);
        db.setExpire(b("k"), clock.get() + 3000);
        other.put(b("taken"), b("x"), false);
        db.put(b("taken"), b("y"), false);
        assertThat(db.moveTo(b("taken"), other)).isFalse();
        assertThat(db.get(b("taken"))).isEqualTo(b("y"));
        assertThat(db.moveTo(b("k"), other)).isTrue();
        assertThat(db.exists(b("k"))).isFalse();
        assertThat(other.get(b("k"))).isEqualTo(b("v"));
        assertThat(other.getExpire(b("k"))).isEqualTo(clock.get() + 3000);
        assertThat(other.expiresCount()).isEqualTo(1);
        assertThat(db.expiresCount()).isZero();
        assertThat(db.moveTo(b("k"), other)).isFalse();
        assertThat(db.moveTo(b("taken"), db)).isFalse();
        db.verify();
        other.verify();
    }

    @Test
    void swapExchangesContents() {
        Db one = ks.db(1);
        db.put(b("a"), b("0"), false);
        one.put(b("b"), b("1"), false);
        one.setExpire(b("b"), clock.get() + 1000);
        ks.swap(0, 1);
        assertThat(db.get(b("b"))).isEqualTo(b("1"));
        assertThat(db.expiresCount()).isEqualTo(1);
        assertThat(one.get(b("a"))).isEqualTo(b("0"));
        assertThat(one.expiresCount()).isZero();
        db.verify();
        one.verify();
    }

    // ------------------------------------------------------------------ slots, scan, random

    @Test
    void slotCountsFollowHashTags() {
        for (int i = 0; i < 100; i++) db.put(b("{user1}:" + i), b("v"), false);
        for (int i = 0; i < 30; i++) db.put(b("other" + i), b("v"), false);
        int slot = HashSlot.of(b("user1"));
        assertThat(db.countInSlot(slot)).isEqualTo(100);
        assertThat(db.keysInSlot(slot, 10)).hasSize(10);
        assertThat(db.keysInSlot(slot, 1000)).hasSize(100).allMatch(k -> s(k).startsWith("{user1}:"));
        long total = 0;
        for (int s = 0; s < HashSlot.SLOTS; s++) total += db.countInSlot(s);
        assertThat(total).isEqualTo(130);
        assertThat(db.flushSlot(slot)).isEqualTo(100);
        assertThat(db.size()).isEqualTo(30);
        db.verify();
    }

    @Test
    void scanReturnsWholeSlotsAndEndsAtZero() {
        for (int i = 0; i < 50; i++) db.put(b("{t}" + i), b("v"), false);
        db.put(b("lonely"), b("v"), false);
        List<byte[]> out = new ArrayList<>();
        long cursor = db.scan(0, 1, out);
        int first = Math.min(HashSlot.of(b("t")), HashSlot.of(b("lonely")));
        int second = Math.max(HashSlot.of(b("t")), HashSlot.of(b("lonely")));
        assertThat(out).hasSize(db.countInSlot(first)); // the whole slot, though COUNT is 1
        assertThat(cursor).isEqualTo(second); // the next non-empty slot
        out.clear();
        assertThat(db.scan(cursor, 1, out)).isZero(); // nothing after it
        assertThat(out).hasSize(db.countInSlot(second));
        assertThat(db.scan(16384, 10, out)).isZero();
        assertThat(db.scan(Long.MAX_VALUE, 10, out)).isZero();
        out.clear();
        assertThat(ks.db(5).scan(0, 10, out)).isZero();
        assertThat(out).isEmpty();
    }

    @Test
    void scanReturnsEveryKeyPresentThroughoutDespiteWrites() {
        Random rnd = new Random(42);
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 3000; i++) {
            db.put(b("stable" + i), b("v"), false);
            stable.add("stable" + i);
        }
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        long cursor = 0;
        int calls = 0;
        int churn = 0;
        do {
            List<byte[]> out = new ArrayList<>();
            cursor = db.scan(cursor, 1 + rnd.nextInt(40), out);
            for (byte[] k : out) if (!seen.add(s(k))) duplicates.add(s(k));
            // Between calls: add and remove other keys (tables grow and shrink), rename some of them.
            for (int j = 0; j < 50; j++) {
                String k = "churn" + rnd.nextInt(5000);
                if (rnd.nextBoolean()) db.put(b(k), b("x"), false);
                else db.delete(b(k));
                churn++;
            }
            db.rename(b("churn" + rnd.nextInt(5000)), b("churn" + rnd.nextInt(5000)));
            calls++;
        } while (cursor != 0);
        assertThat(seen).containsAll(stable);
        assertThat(duplicates).isEmpty();
        assertThat(calls).isGreaterThan(10);
        assertThat(churn).isPositive();
        db.verify();
    }

    @Test
    void randomKeyIsLiveAndDeletesExpiredOnes() {
        assertThat(db.randomKey()).isNull();
        for (int i = 0; i < 200; i++) {
            db.put(b("dead" + i), b("v"), false);
            db.setExpire(b("dead" + i), clock.get() + 10);
        }
        db.put(b("alive"), b("v"), false);
        clock.addAndGet(10);
        // Only one live key among 201: every answer must be it, however many dead ones it meets.
        for (int i = 0; i < 20; i++) assertThat(db.randomKey()).isEqualTo(b("alive"));
        db.delete(b("alive"));
        for (int i = 0; i < 200; i++) {
            db.put(b("dead" + i), b("v"), false);
            db.setExpire(b("dead" + i), clock.get() - 1);
        }
        assertThat(db.randomKey()).isNull();
        assertThat(db.size()).isZero();
        db.verify();
    }

    // ------------------------------------------------------------------ access tracking

    @Test
    void idleTimeFollowsReadsButNotPeeks() {
        db.put(b("k"), b("v"), false);
        clock.addAndGet(30_000);
        assertThat(db.peek(b("k"))).isNotNull();
        assertThat(db.idleSeconds(b("k"))).isEqualTo(30);
        db.get(b("k"));
        assertThat(db.idleSeconds(b("k"))).isZero();
        clock.addAndGet(5_000);
        db.put(b("k"), b("w"), true); // a new value is a fresh object
        assertThat(db.idleSeconds(b("k"))).isZero();
    }

    @Test
    void lfuCountsAccessesAndDecaysPerMinute() {
        ks.accessTracking(true, 10, 1);
        db.put(b("k"), b("v"), false);
        assertThat(db.lfuFrequency(b("k"))).isEqualTo(Keyspace.LFU_INIT_VAL);
        db.peek(b("k"));
        assertThat(db.lfuFrequency(b("k"))).isEqualTo(5);
        db.get(b("k")); // at the initial value the first access always counts
        assertThat(db.lfuFrequency(b("k"))).isEqualTo(6);
        db.put(b("k"), b("w"), false); // a replacing value inherits the counter
        assertThat(db.lfuFrequency(b("k"))).isEqualTo(6);
        for (int i = 0; i < 20000; i++) db.get(b("k"));
        int hot = db.lfuFrequency(b("k"));
        assertThat(hot).isBetween(7, 255);
        clock.addAndGet(3 * 60_000);
        assertThat(db.lfuFrequency(b("k"))).isEqualTo(hot - 3); // one per lfu-decay-time minute
        ks.accessTracking(true, 10, 0); // decay off
        assertThat(db.lfuFrequency(b("k"))).isEqualTo(hot);
        ks.accessTracking(true, 10, 1);
        clock.addAndGet(1000L * 60_000);
        assertThat(db.lfuFrequency(b("k"))).isZero();
    }

    @Test
    void lfuCounterSaturatesAt255() {
        ks.accessTracking(true, 0, 0); // log factor 0: every access counts
        db.put(b("k"), b("v"), false);
        for (int i = 0; i < 1000; i++) db.get(b("k"));
        assertThat(db.lfuFrequency(b("k"))).isEqualTo(255);
    }

    // ------------------------------------------------------------------ randomized model check

    @Test
    void randomOperationsKeepTablesConsistentWithAModel() {
        Random rnd = new Random(7);
        Map<String, String> vals = new HashMap<>();
        Map<String, Long> ttls = new HashMap<>();
        Db other = ks.db(1);
        Map<String, String> otherVals = new HashMap<>();
        for (int step = 0; step < 60_000; step++) {
            String k = "k" + rnd.nextInt(rnd.nextBoolean() ? 40 : 4000);
            String v = "v" + step;
            switch (rnd.nextInt(10)) {
                case 0, 1, 2 -> {
                    boolean keep = rnd.nextBoolean();
                    boolean isNew = !vals.containsKey(k);
                    assertThat(db.put(b(k), b(v), keep)).isEqualTo(isNew);
                    vals.put(k, v);
                    if (!keep || isNew) ttls.remove(k);
                }
                case 3 -> {
                    assertThat(db.delete(b(k))).isEqualTo(vals.remove(k) != null);
                    ttls.remove(k);
                }
                case 4 -> {
                    long when = clock.get() + 1 + rnd.nextInt(5000);
                    assertThat(db.setExpire(b(k), when)).isEqualTo(vals.containsKey(k));
                    if (vals.containsKey(k)) ttls.put(k, when);
                }
                case 5 -> {
                    assertThat(db.persist(b(k))).isEqualTo(ttls.remove(k) != null);
                }
                case 6 -> {
                    String to = "k" + rnd.nextInt(4000);
                    assertThat(db.rename(b(k), b(to))).isEqualTo(vals.containsKey(k));
                    if (vals.containsKey(k) && !k.equals(to)) {
                        vals.put(to, vals.remove(k));
                        Long t = ttls.remove(k);
                        if (t != null) ttls.put(to, t); else ttls.remove(to);
                    }
                }
                case 7 -> {
                    boolean can = vals.containsKey(k) && !otherVals.containsKey(k);
                    assertThat(db.moveTo(b(k), other)).isEqualTo(can);
                    if (can) {
                        otherVals.put(k, vals.remove(k));
                        ttls.remove(k);
                        other.persist(b(k)); // keep the other db free of TTLs for the model's sake
                    }
                }
                case 8 -> {
                    Object got = db.get(b(k));
                    assertThat(got == null ? null : s((byte[]) got)).isEqualTo(vals.get(k));
                }
                default -> {
                    clock.addAndGet(rnd.nextInt(200));
                    db.activeExpire(rnd.nextInt(300));
                }
            }
            // the model forgets keys whose time has come; the db may still hold them until touched
            long now = clock.get();
            ttls.entrySet().removeIf(e -> {
                if (e.getValue() <= now) { vals.remove(e.getKey()); return true; }
                return false;
            });
            if (step % 2000 == 0) {
                db.verify();
                other.verify();
                checkAgainstModel(vals, ttls);
            }
        }
        db.verify();
        checkAgainstModel(vals, ttls);
        for (Map.Entry<String, String> e : otherVals.entrySet()) {
            assertThat(s((byte[]) other.get(b(e.getKey())))).isEqualTo(e.getValue());
        }
        assertThat(other.size()).isEqualTo(otherVals.size());
    }

    private void checkAgainstModel(Map<String, String> vals, Map<String, Long> ttls) {
        // Live keys per slot (expired-but-stored ones skipped) must be exactly the model's.
        Set<String> live = new HashSet<>();
        for (int s = 0; (s = db.nextNonEmptySlot(s)) >= 0; s++) {
            for (byte[] k : db.liveKeysInSlot(s)) {
                assertThat(HashSlot.of(k)).isEqualTo(s);
                live.add(s(k));
            }
        }
        assertThat(live).isEqualTo(vals.keySet());
        for (Map.Entry<String, Long> e : ttls.entrySet()) {
            assertThat(db.getExpire(b(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(vals.keySet()).containsAll(ttls.keySet()); // TTLs only for existing keys
        assertThat(db.expiresCount()).isLessThanOrEqualTo(db.size());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
