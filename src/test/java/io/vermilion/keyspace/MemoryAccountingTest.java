package io.vermilion.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.types.Hash;
import io.vermilion.util.HashSlot;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The incremental used-memory estimate (docs/memory.md) agrees with the tables under churn. */
class MemoryAccountingTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final Keyspace ks = new Keyspace(4, clock::get);

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    private long sumOfTables() {
        long sum = 0;
        for (int i = 0; i < ks.databases(); i++) {
            for (int s = 0; s < HashSlot.SLOTS; s++) {
                Dict d = ks.db(i).slots[s];
                if (d != null) sum += d.bytes;
            }
        }
        return sum;
    }

    @Test
    void theCounterIsTheSumOfTheTablesThroughEveryKindOfChange() {
        Random r = new Random(7);
        for (int step = 0; step < 50_000; step++) {
            Db db = ks.db(r.nextInt(ks.databases()));
            byte[] k = b("k" + r.nextInt(3000));
            switch (r.nextInt(10)) {
                case 0, 1, 2 -> db.put(k, new byte[r.nextInt(300)], r.nextBoolean());
                case 3 -> db.delete(k);
                case 4 -> db.setExpire(k, clock.get() + r.nextInt(5000));
                case 5 -> db.persist(k);
                case 6 -> db.rename(k, b("k" + r.nextInt(3000)));
                case 7 -> db.moveTo(k, ks.db(r.nextInt(ks.databases())));
                case 8 -> db.evict(k);
                default -> {
                    clock.addAndGet(r.nextInt(50));
                    db.activeExpire(200);
                }
            }
            if (step % 10_000 == 9_999) ks.swap(0, 1);
            if (step % 5_000 == 0) {
                for (int i = 0; i < ks.databases(); i++) ks.db(i).verify();
                assertThat(ks.datasetBytes()).isEqualTo(sumOfTables());
            }
        }
        assertThat(ks.datasetBytes()).isEqualTo(sumOfTables()).isPositive();
        ks.db(2).flushSlot(HashSlot.of(b("k1")));
        ks.db(3).flush();
        assertThat(ks.datasetBytes()).isEqualTo(sumOfTables());
        for (int i = 0; i < ks.databases(); i++) ks.db(i).flush();
        assertThat(ks.datasetBytes()).isZero();
    }

    @Test
    void aValueChangedInPlaceIsMeasuredAgainAfterItsLookup() {
        Db db = ks.db(0);
        db.put(b("h"), new Hash(), false);
        long before = ks.datasetBytes();
        Hash h = (Hash) db.get(b("h"));
        for (int i = 0; i < 1000; i++) h.set(b("field" + i), new byte[100], 128, 64);
        long after = ks.datasetBytes();
        assertThat(after - before).isGreaterThan(1000L * 100);
        assertThat(after).isEqualTo(sumOfTables());
        assertThat(db.memoryUsage(b("h"))).isGreaterThan(1000L * 100);
        db.delete(b("h"));
        assertThat(ks.datasetBytes()).isZero();
    }

    @Test
    void evictionPicksOnlyKeysWithATtlUnderVolatilePolicies() {
        Db db = ks.db(0);
        for (int i = 0; i < 200; i++) db.put(b("p" + i), b("v"), false);
        for (int i = 0; i < 50; i++) {
            db.put(b("t" + i), b("v"), false);
            db.setExpire(b("t" + i), clock.get() + 100_000 + i);
        }
        for (Eviction.Policy p : new Eviction.Policy[] {Eviction.Policy.VOLATILE_LRU, Eviction.Policy.VOLATILE_TTL,
                Eviction.Policy.VOLATILE_RANDOM, Eviction.Policy.VOLATILE_LFU}) {
            Eviction.Victim v = ks.eviction().choose(p, 5);
            assertThat(new String(v.key(), StandardCharsets.US_ASCII)).startsWith("t");
        }
        for (int i = 0; i < 50; i++) db.persist(b("t" + i));
        assertThat(ks.eviction().choose(Eviction.Policy.VOLATILE_TTL, 5)).isNull();
        assertThat(ks.eviction().choose(Eviction.Policy.ALLKEYS_RANDOM, 5)).isNotNull();
        assertThat(ks.eviction().choose(Eviction.Policy.NOEVICTION, 5)).isNull();
    }
}
