package io.vermilion.types;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Bit-level operations on string bytes with Redis's bit order: bit 0 is the most significant bit
 * of the first byte. Work is done eight bytes at a time where the length allows (big-endian long
 * views, so that the first bit of the string is the top bit of the word).
 */
public final class Bits {
    private Bits() {}

    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** For counting, byte order does not matter: the native one saves a byte swap per word. */
    private static final VarHandle LONG_NATIVE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** Number of set bits in a[off, off+len). */
    public static long popcount(byte[] a, int off, int len) {
        long n = 0;
        int i = off, end = off + len;
        for (int wend = end - 31; i < wend; i += 32) {
            n += Long.bitCount((long) LONG_NATIVE.get(a, i)) + Long.bitCount((long) LONG_NATIVE.get(a, i + 8))
                    + Long.bitCount((long) LONG_NATIVE.get(a, i + 16)) + Long.bitCount((long) LONG_NATIVE.get(a, i + 24));
        }
        for (int wend = end - 7; i < wend; i += 8) n += Long.bitCount((long) LONG_NATIVE.get(a, i));
        for (; i < end; i++) n += Integer.bitCount(a[i] & 0xff);
        return n;
    }

    /** Number of set bits from bit lo to bit hi inclusive (0 <= lo <= hi < 8 * length). */
    public static long popcountBits(byte[] a, long lo, long hi) {
        int first = (int) (lo >>> 3), last = (int) (hi >>> 3);
        long n = popcount(a, first, last - first + 1);
        n -= Integer.bitCount((a[first] & 0xff) >>> (8 - (int) (lo & 7)));      // bits before lo
        n -= Integer.bitCount((a[last] & 0xff) & ((1 << (7 - (int) (hi & 7))) - 1)); // bits after hi
        return n;
    }

    /**
     * Position of the first bit equal to bit (0 or 1) between bits lo and hi inclusive, or -1 if
     * there is none.
     */
    public static long firstBit(byte[] a, long lo, long hi, int bit) {
        long skip = bit == 1 ? 0 : -1L;
        long pos = lo;
        // Head: up to the next byte boundary, bit by bit.
        while (pos <= hi && (pos & 7) != 0) {
            if (bitAt(a, pos) == bit) return pos;
            pos++;
        }
        // Whole words.
        while (pos + 63 <= hi) {
            long w = (long) LONG_BE.get(a, (int) (pos >>> 3));
            if (w != skip) return pos + Long.numberOfLeadingZeros(bit == 1 ? w : ~w);
            pos += 64;
        }
        // Whole bytes.
        while (pos + 7 <= hi) {
            int b = a[(int) (pos >>> 3)] & 0xff;
            if (bit == 0) b = ~b & 0xff;
            if (b != 0) return pos + Integer.numberOfLeadingZeros(b) - 24;
            pos += 8;
        }
        for (; pos <= hi; pos++) if (bitAt(a, pos) == bit) return pos;
        return -1;
    }

    public static int bitAt(byte[] a, long pos) {
        return (a[(int) (pos >>> 3)] >>> (7 - (int) (pos & 7))) & 1;
    }

    /** Sets or clears bit pos (inside a). */
    public static void setBit(byte[] a, long pos, int on) {
        int i = (int) (pos >>> 3);
        int mask = 1 << (7 - (int) (pos & 7));
        a[i] = (byte) (on != 0 ? a[i] | mask : a[i] & ~mask);
    }

    /**
     * The bits-wide unsigned integer at bit offset (1 <= bits <= 64) of the first len bytes of a;
     * bytes at or after len read as zero.
     */
    public static long getUnsigned(byte[] a, int len, long offset, int bits) {
        long v = 0;
        long pos = offset;
        int left = bits;
        while (left > 0) {
            int byteIdx = (int) (pos >>> 3);
            int bitInByte = (int) (pos & 7);
            int take = Math.min(8 - bitInByte, left);
            int b = byteIdx < len ? a[byteIdx] & 0xff : 0;
            int chunk = (b >>> (8 - bitInByte - take)) & ((1 << take) - 1);
            v = (v << take) | chunk;
            pos += take;
            left -= take;
        }
        return v;
    }

    /** As {@link #getUnsigned}, sign-extended from the field's top bit. */
    public static long getSigned(byte[] a, int len, long offset, int bits) {
        long v = getUnsigned(a, len, offset, bits);
        if (bits < 64 && (v & (1L << (bits - 1))) != 0) v |= -1L << bits;
        return v;
    }

    /** Stores the low bits of value as a bits-wide field at bit offset (the bytes must exist). */
    public static void setField(byte[] a, long offset, int bits, long value) {
        long pos = offset;
        int left = bits;
        while (left > 0) {
            int byteIdx = (int) (pos >>> 3);
            int bitInByte = (int) (pos & 7);
            int take = Math.min(8 - bitInByte, left);
            int shift = 8 - bitInByte - take;
            int mask = ((1 << take) - 1) << shift;
            int chunk = (int) (value >>> (left - take)) & ((1 << take) - 1);
            a[byteIdx] = (byte) ((a[byteIdx] & ~mask) | (chunk << shift));
            pos += take;
            left -= take;
        }
    }
}
