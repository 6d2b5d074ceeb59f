package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time bit helpers against a plain bit-by-bit model. */
class BitsTest {
    private static int naiveBit(byte[] a, long pos) {
        return (a[(int) (pos / 8)] >> (7 - (int) (pos % 8))) & 1;
    }

    private static byte[] random(Random rnd, int len, double density) {
        byte[] a = new byte[len];
        for (long i = 0; i < len * 8L; i++) if (rnd.nextDouble() < density) a[(int) (i / 8)] |= (byte) (0x80 >>> (i % 8));
        return a;
    }

    @Test
    void popcountMatchesModel() {
        Random rnd = new Random(5);
        for (int round = 0; round < 300; round++) {
            byte[] a = random(rnd, rnd.nextInt(100), rnd.nextDouble());
            int off = a.length == 0 ? 0 : rnd.nextInt(a.length);
            int len = a.length - off == 0 ? 0 : rnd.nextInt(a.length - off + 1);
            long want = 0;
            for (long i = off * 8L; i < (off + len) * 8L; i++) want += naiveBit(a, i);
            assertThat(Bits.popcount(a, off, len)).isEqualTo(want);
            if (a.length > 0) {
                long lo = rnd.nextInt(a.length * 8), hi = lo + rnd.nextInt((int) (a.length * 8 - lo));
                long w = 0;
                for (long i = lo; i <= hi; i++) w += naiveBit(a, i);
                assertThat(Bits.popcountBits(a, lo, hi)).as("bits %d..%d", lo, hi).isEqualTo(w);
            }
        }
    }

    @Test
    void firstBitMatchesModel() {
        Random rnd = new Random(6);
        for (int round = 0; round < 2000; round++) {
            int len = 1 + rnd.nextInt(80);
            // Sparse or dense so that long runs of the bit not looked for occur.
            byte[] a = random(rnd, len, rnd.nextBoolean() ? 0.002 : 0.998);
            long lo = rnd.nextInt(len * 8), hi = lo + rnd.nextInt((int) (len * 8 - lo));
            for (int bit = 0; bit <= 1; bit++) {
                long want = -1;
                for (long i = lo; i <= hi; i++) {
                    if (naiveBit(a, i) == bit) {
                        want = i;
                        break;
                    }
                }
                assertThat(Bits.firstBit(a, lo, hi, bit)).as("bit %d in %d..%d", bit, lo, hi).isEqualTo(want);
            }
        }
    }

    @Test
    void fieldsRoundTripWithoutTouchingNeighbours() {
        Random rnd = new Random(7);
        for (int round = 0; round < 3000; round++) {
            byte[] a = random(rnd, 20, 0.5);
            byte[] before = a.clone();
            int bits = 1 + rnd.nextInt(64);
            long offset = rnd.nextInt(20 * 8 - bits + 1);
            long value = rnd.nextLong();
            Bits.setField(a, offset, bits, value);
            long mask = bits == 64 ? -1L : (1L << bits) - 1;
            assertThat(Bits.getUnsigned(a, a.length, offset, bits)).isEqualTo(value & mask);
            long signed = bits == 64 ? value : (value << (64 - bits)) >> (64 - bits);
            assertThat(Bits.getSigned(a, a.length, offset, bits)).isEqualTo(signed);
            for (long i = 0; i < 160; i++) {
                if (i >= offset && i < offset + bits) {
                    assertThat(naiveBit(a, i)).isEqualTo((int) ((value >>> (bits - 1 - (i - offset))) & 1));
                } else {
                    assertThat(naiveBit(a, i)).isEqualTo(naiveBit(before, i));
                }
            }
        }
    }

    @Test
    void readsPastTheEndAreZero() {
        byte[] a = {(byte) 0xff, (byte) 0xff};
        assertThat(Bits.getUnsigned(a, 2, 12, 8)).isEqualTo(0xf0);
        assertThat(Bits.getUnsigned(a, 1, 4, 8)).isEqualTo(0xf0);
        assertThat(Bits.getSigned(a, 2, 8, 16)).isEqualTo(-256);
        assertThat(Bits.getUnsigned(a, 0, 0, 64)).isZero();
    }

    @Test
    void setAndGetSingleBits() {
        byte[] a = new byte[2];
        Bits.setBit(a, 0, 1);
        Bits.setBit(a, 15, 1);
        assertThat(a).containsExactly((byte) 0x80, (byte) 0x01);
        assertThat(Bits.bitAt(a, 0)).isEqualTo(1);
        assertThat(Bits.bitAt(a, 1)).isZero();
        Bits.setBit(a, 0, 0);
        assertThat(a[0]).isZero();
    }
}
