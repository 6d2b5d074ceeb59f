package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The HyperLogLog code on its own: Redis's hash and register derivation (expected values read
 * from redis-server 7.0 with PFADD + GET / PFDEBUG DECODE), the estimate against exact
 * cardinalities, sparse and dense agreement, promotion and corruption handling. Byte-for-byte
 * equality with Redis after command sequences is checked by the hll.txt differential script.
 */
class HllTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long hash(String s) {
        byte[] a = b(s);
        return Hll.murmur64a(a, 0, a.length, Hll.SEED);
    }

    @Test
    void registerAndCountAsRedis() {
        // redis-server: PFADD h a; GET h -> XZERO:12711 VAL:2,1 XZERO:3672
        assertThat(Hll.index(hash("a"))).isEqualTo(12711);
        assertThat(Hll.count(hash("a"))).isEqualTo(2);
        Sds s = Hll.create();
        assertThat(Hll.add(s, b("a"), 3000)).isEqualTo(1);
        assertThat(Hll.decode(s)).isEqualTo("Z:12711 v:2,1 Z:3672");
        assertThat(Hll.add(s, b("a"), 3000)).isZero();
    }

    @Test
    void emptyHllBytes() {
        Sds s = Hll.create();
        assertThat(s.toBytes()).containsExactly('H', 'Y', 'L', 'L', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0xff - 256);
        assertThat(Hll.isValid(s.array(), s.length())).isTrue();
        assertThat(Hll.cacheValid(s)).isTrue();
        assertThat(Hll.cardinality(s)).isZero();
        assertThat(Hll.decode(s)).isEqualTo("Z:16384");
    }

    @Test
    void hashOfAllTailLengthsIsStable() {
        // Every tail length (0..7 bytes after the 8-byte blocks) goes through a different path.
        Set<Long> seen = new HashSet<>();
        String base = "abcdefghijklmnopq";
        for (int n = 0; n <= base.length(); n++) seen.add(hash(base.substring(0, n)));
        assertThat(seen).hasSize(base.length() + 1);
        byte[] a = b("xxabcdefghijkl");
        assertThat(Hll.murmur64a(a, 2, 12, Hll.SEED)).isEqualTo(hash("abcdefghijkl"));
    }

    @Test
    void estimateWithinRedisErrorBound() {
        Random rnd = new Random(42);
        Sds sparse = Hll.create();
        Sds dense = Hll.create();
        assertThat(Hll.toDense(dense)).isTrue();
        Set<String> exact = new HashSet<>();
        long checkpoint = 10;
        double relerr = 1.04 / Math.sqrt(Hll.REGISTERS);
        while (exact.size() < 200_000) {
            String e = Long.toHexString(rnd.nextLong());
            exact.add(e);
            Hll.add(sparse, b(e), 3000);
            Hll.add(dense, b(e), 3000);
            Hll.invalidateCache(sparse);
            Hll.invalidateCache(dense);
            if (exact.size() == checkpoint) {
                long est = Hll.cardinality(dense);
                assertThat(Hll.cardinality(sparse)).as("sparse and dense at %d", checkpoint).isEqualTo(est);
                assertThat((double) Math.abs(est - checkpoint)).as("error at %d", checkpoint)
                        .isLessThanOrEqualTo(Math.max(2, Math.ceil(relerr * 6 * checkpoint)));
                checkpoint *= 10;
            }
        }
        assertThat(Hll.encoding(sparse)).isEqualTo(Hll.DENSE); // promoted long ago
        assertThat(sparse.toBytes()).isEqualTo(dense.toBytes());
    }

    @Test
    void sparseStaysSparseForSmallSetsAndPromotesAtTheLimit() {
        Sds s = Hll.create();
        int i = 0;
        while (Hll.encoding(s) == Hll.SPARSE) {
            Hll.add(s, b("el" + i++), 300);
            assertThat(s.length()).isLessThanOrEqualTo(Hll.encoding(s) == Hll.SPARSE ? 300 : Hll.DENSE_SIZE);
        }
        assertThat(s.length()).isEqualTo(Hll.DENSE_SIZE);
        assertThat(i).isGreaterThan(50);
    }

    @Test
    void valueAbove32PromotesToDense() {
        Sds s = Hll.create();
        assertThat(Hll.sparseSet(s, 100, 32, 3000)).isEqualTo(1);
        assertThat(Hll.encoding(s)).isEqualTo(Hll.SPARSE);
        assertThat(Hll.sparseSet(s, 200, 33, 3000)).isEqualTo(1);
        assertThat(Hll.encoding(s)).isEqualTo(Hll.DENSE);
        int[] regs = Hll.registers(s);
        assertThat(regs[100]).isEqualTo(32);
        assertThat(regs[200]).isEqualTo(33);
        assertThat(regs[16383]).isZero();
    }

    @Test
    void sparseRunsSplitAndMergeAsRedis() {
        Sds s = Hll.create();
        Hll.sparseSet(s, 1000, 2, 3000);
        Hll.sparseSet(s, 1020, 3, 3000);
        Hll.sparseSet(s, 1021, 3, 3000);
        // Redis's own example in hyperloglog.c.
        assertThat(Hll.decode(s)).isEqualTo("Z:1000 v:2,1 z:19 v:3,2 Z:15362");
        Hll.sparseSet(s, 1022, 3, 3000);
        Hll.sparseSet(s, 1023, 3, 3000);
        Hll.sparseSet(s, 1024, 3, 3000);
        assertThat(Hll.decode(s)).isEqualTo("Z:1000 v:2,1 z:19 v:3,4 v:3,1 Z:15359");
        assertThat(Hll.sparseSet(s, 1021, 2, 3000)).isZero();
        Hll.sparseSet(s, 1022, 5, 3000);
        assertThat(Hll.decode(s)).isEqualTo("Z:1000 v:2,1 z:19 v:3,2 v:5,1 v:3,2 Z:15359");
        assertThat(Hll.cacheValid(s)).isFalse();
    }

    @Test
    void denseRegistersRoundTrip() {
        Sds s = Hll.create();
        Hll.toDense(s);
        Random rnd = new Random(1);
        int[] expect = new int[Hll.REGISTERS];
        for (int i = 0; i < Hll.REGISTERS; i++) {
            expect[i] = rnd.nextInt(64);
            Hll.denseSet(s.array(), Hll.HDR, i, expect[i]);
        }
        assertThat(Hll.registers(s)).containsExactly(expect);
        byte[] max = new byte[Hll.REGISTERS];
        assertThat(Hll.mergeInto(max, s.array(), s.length())).isTrue();
        for (int i = 0; i < Hll.REGISTERS; i++) assertThat(max[i]).isEqualTo((byte) expect[i]);
        int[] histo = new int[64];
        Hll.denseHisto(s.array(), histo);
        int[] want = new int[64];
        for (int v : expect) want[v]++;
        assertThat(histo).containsExactly(want);
    }

    @Test
    void corruptSparseIsDetected() {
        byte[] hdr = {'H', 'Y', 'L', 'L', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80};
        Sds shortRun = withOps(hdr, 0x7f, 0xfe);       // 16383 registers
        assertThat(Hll.cardinality(shortRun)).isEqualTo(-1);
        assertThat(Hll.toDense(withOps(hdr, 0x7f, 0xfe))).isFalse();
        assertThat(Hll.add(withOps(hdr), b("a"), 3000)).isEqualTo(-1); // no opcodes at all
        byte[] max = new byte[Hll.REGISTERS];
        Sds over = withOps(hdr, 0x7f, 0xfc, 0x83, 0x83); // VAL runs past the last register
        assertThat(Hll.mergeInto(max, over.array(), over.length())).isFalse();
        Sds ok = withOps(hdr, 0x7f, 0xff);
        assertThat(Hll.cardinality(ok)).isZero();
        assertThat(Hll.cacheValid(ok)).isTrue();
    }

    @Test
    void validity() {
        Sds s = Hll.create();
        byte[] a = s.toBytes();
        assertThat(Hll.isValid(a, a.length)).isTrue();
        assertThat(Hll.isValid(a, 15)).isFalse();
        a[4] = 2;
        assertThat(Hll.isValid(a, a.length)).isFalse();
        a[4] = 0; // dense needs exactly 12304 bytes
        assertThat(Hll.isValid(a, a.length)).isFalse();
        Hll.toDense(s);
        assertThat(Hll.isValid(s.array(), s.length())).isTrue();
        a = s.toBytes();
        a[3] = 'X';
        assertThat(Hll.isValid(a, a.length)).isFalse();
    }

    @Test
    void rawUnionEstimateMatchesMerge() {
        Sds x = Hll.create(), y = Hll.create(), both = Hll.create();
        for (int i = 0; i < 5000; i++) {
            Hll.add(x, b("x" + i), 3000);
            Hll.add(y, b("y" + i), 3000);
            Hll.add(both, b("x" + i), 3000);
            Hll.add(both, b("y" + i), 3000);
        }
        byte[] max = new byte[Hll.REGISTERS];
        assertThat(Hll.mergeInto(max, x.array(), x.length())).isTrue();
        assertThat(Hll.mergeInto(max, y.array(), y.length())).isTrue();
        Hll.invalidateCache(both);
        assertThat(Hll.estimateRaw(max)).isEqualTo(Hll.cardinality(both));
        Sds dst = Hll.create();
        Hll.storeMerged(dst, max, 3000);
        assertThat(Hll.encoding(dst)).isEqualTo(Hll.DENSE);
        assertThat(Hll.cardinality(dst)).isEqualTo(Hll.cardinality(both));
    }

    @Test
    void selfTestPasses() {
        assertThat(Hll.selfTest(3000, new Random(3))).isNull();
    }

    @Test
    void corruptedValuesNeverThrow() {
        // As Redis's "Fuzzing dense/sparse encoding" test: random bytes overwritten in an HLL must
        // be reported (or tolerated) by every operation, never crash it.
        Random rnd = new Random(99);
        for (int round = 0; round < 3000; round++) {
            Sds s = Hll.create();
            int n = rnd.nextInt(round % 10 == 0 ? 3000 : 200);
            for (int i = 0; i < n; i++) Hll.add(s, b(Double.toString(rnd.nextDouble())), 3000);
            do {
                s.array()[rnd.nextInt(s.length())] = (byte) rnd.nextInt(256);
            } while (rnd.nextBoolean());
            if (!Hll.isValid(s.array(), s.length())) continue;
            Sds copy = s.copy();
            Hll.invalidateCache(copy);
            Hll.cardinality(copy);
            byte[] max = new byte[Hll.REGISTERS];
            boolean ok = Hll.mergeInto(max, s.array(), s.length());
            if (ok) Hll.storeMerged(s.copy(), max, 3000);
            Hll.decode(s);
            Hll.toDense(s.copy());
            Sds adds = s.copy();
            for (int i = 0; i < 50; i++) {
                if (Hll.add(adds, b("x" + i), rnd.nextBoolean() ? 3000 : 40) < 0) break;
            }
        }
    }

    private static Sds withOps(byte[] hdr, int... ops) {
        byte[] a = new byte[hdr.length + ops.length];
        System.arraycopy(hdr, 0, a, 0, hdr.length);
        for (int i = 0; i < ops.length; i++) a[hdr.length + i] = (byte) ops[i];
        return new Sds(a, 0);
    }
}
