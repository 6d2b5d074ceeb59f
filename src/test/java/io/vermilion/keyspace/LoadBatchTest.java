package io.vermilion.keyspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A loader's batch (slot, hash and size computed off the command thread) leaves the keyspace
 * exactly as the same entries stored one by one with put / setExpire / setIdle would.
 */
class LoadBatchTest {
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void batchesStoreWhatPutStores() {
        Keyspace byBatch = new Keyspace(16, clock::get);
        Keyspace byPut = new Keyspace(16, clock::get);
        LoadBatch batch = new LoadBatch();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            int db = i % 3;
            byte[] key = b("key:" + i);
            byte[] val = b("value:" + i + "x".repeat(i % 50));
            long expire = i % 7 == 0 ? clock.get() + 1000L * (i + 1) : -1;
            long idle = i % 5 == 0 ? i % 1000 : -1;
            if (batch.add(db, key, val, expire, idle, -1)) {
                assertThat(batch.applyTo(byBatch)).isEqualTo(-1);
                batch = new LoadBatch();
            }
            Db d = byPut.db(db);
            assertThat(d.put(b("key:" + i), val, false)).isTrue();
            if (expire != -1) d.setExpire(b("key:" + i), expire);
            if (idle >= 0) d.setIdle(b("key:" + i), idle);
        }
        assertThat(batch.applyTo(byBatch)).isEqualTo(-1);

        for (int db = 0; db < 3; db++) {
            Db a = byBatch.db(db);
            Db p = byPut.db(db);
            assertThat(a.size()).isEqualTo(p.size());
            assertThat(a.expiresCount()).isEqualTo(p.expiresCount());
        }
        assertThat(byBatch.datasetBytes()).isEqualTo(byPut.datasetBytes());
        for (int i = 0; i < n; i++) {
            Db a = byBatch.db(i % 3);
            Db p = byPut.db(i % 3);
            byte[] key = b("key:" + i);
            assertThat((byte[]) a.peek(key)).isEqualTo((byte[]) p.peek(key));
            assertThat(a.getExpire(key)).isEqualTo(p.getExpire(key));
            assertThat(a.idleSeconds(key)).isEqualTo(p.idleSeconds(key));
        }
        // The tables built by batches work as tables: remove every other key and find the rest.
        Db a0 = byBatch.db(0);
        for (int i = 0; i < n; i += 6) assertThat(a0.delete(b("key:" + i))).isTrue();
        for (int i = 3; i < n; i += 6) assertThat(a0.peek(b("key:" + i))).isNotNull();
    }

    @Test
    void aDuplicateKeyStopsTheBatchThere() {
        Keyspace ks = new Keyspace(16, clock::get);
        LoadBatch batch = new LoadBatch();
        batch.add(0, b("a"), b("1"), -1, -1, -1);
        batch.add(0, b("b"), b("2"), -1, -1, -1);
        batch.add(0, b("a"), b("3"), -1, -1, -1);
        batch.add(0, b("c"), b("4"), -1, -1, -1);
        assertThat(batch.applyTo(ks)).isEqualTo(2);
        assertThat(new String(batch.key(2), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(batch.db(2)).isZero();
        assertThat(ks.db(0).size()).isEqualTo(2);
        assertThat((byte[]) ks.db(0).peek(b("a"))).isEqualTo(b("1"));
        assertThat(ks.db(0).peek(b("c"))).isNull();
    }

    @Test
    void anLfuCounterIsKeptUnderAnLfuPolicy() {
        Keyspace ks = new Keyspace(16, clock::get);
        ks.accessTracking(true, 10, 1);
        LoadBatch batch = new LoadBatch();
        batch.add(0, b("hot"), b("v"), -1, -1, 200);
        assertThat(batch.applyTo(ks)).isEqualTo(-1);
        assertThat(ks.db(0).lfuFrequency(b("hot"))).isEqualTo(200);
    }
}
