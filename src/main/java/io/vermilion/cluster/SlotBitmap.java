package io.vermilion.cluster;

import io.vermilion.util.HashSlot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of hash slots as the 2048-byte bitmap Redis uses in memory and on the bus
 * ({@code myslots}, UPDATE {@code slots}). Bit order is fixed by the wire format: slot {@code s} is
 * bit {@code s & 7} (least significant first) of byte {@code s >> 3}.
 *
 * <p>Mutable, not thread-safe; use {@link #copy()} to hand one out.
 */
public final class SlotBitmap {
    /** 16384 bits. */
    public static final int BYTES = HashSlot.SLOTS / 8;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] bits;

    public SlotBitmap() {
        this.bits = new byte[BYTES];
    }

    private SlotBitmap(byte[] bits) {
        this.bits = bits;
    }

    /** Copies {@link #BYTES} bytes of wire bitmap from {@code src} at {@code off}. */
    public static SlotBitmap fromBytes(byte[] src, int off) {
        return new SlotBitmap(Arrays.copyOfRange(src, off, off + BYTES));
    }

    public static SlotBitmap of(int... slots) {
        SlotBitmap b = new SlotBitmap();
        for (int s : slots) b.set(s);
        return b;
    }

    public static SlotBitmap fromRanges(Iterable<SlotRange> ranges) {
        SlotBitmap b = new SlotBitmap();
        for (SlotRange r : ranges) b.setRange(r.start(), r.end());
        return b;
    }

    public boolean get(int slot) {
        check(slot);
        return (bits[slot >> 3] & (1 << (slot & 7))) != 0;
    }

    public void set(int slot) {
        check(slot);
        bits[slot >> 3] |= (byte) (1 << (slot & 7));
    }

    public void clear(int slot) {
        check(slot);
        bits[slot >> 3] &= (byte) ~(1 << (slot & 7));
    }

    public void setRange(int start, int end) {
        for (int s = start; s <= end; s++) set(s);
    }

    public int cardinality() {
        int n = 0;
        for (byte b : bits) n += Integer.bitCount(b & 0xff);
        return n;
    }

    public boolean isEmpty() {
        for (byte b : bits) if (b != 0) return false;
        return true;
    }

    /** Maximal runs of consecutive set slots, ascending: the form CLUSTER NODES prints. */
    public List<SlotRange> ranges() {
        // 64 slots at a time: slot s is bit (s & 7) of byte s >> 3, so a little-endian long read
        // at byte 8k holds slots 64k..64k+63 as bits 0..63; runs are found with trailing-zero
        // counts instead of a test per slot (this runs for every node on each nodes.conf save).
        List<SlotRange> out = new ArrayList<>();
        int start = -1;
        for (int w = 0; w < BYTES / 8; w++) {
            long word = (long) LONGS.get(bits, w << 3);
            int base = w << 6;
            int pos = 0;
            while (pos < 64) {
                if (start < 0) {
                    long rest = word >>> pos;
                    if (rest == 0) break;
                    pos += Long.numberOfTrailingZeros(rest);
                    start = base + pos;
                } else {
                    long rest = ~word >>> pos;
                    if (rest == 0) break; // set to the end of this word: the run goes on
                    pos += Long.numberOfTrailingZeros(rest);
                    out.add(new SlotRange(start, base + pos - 1));
                    start = -1;
                }
            }
        }
        if (start >= 0) out.add(new SlotRange(start, HashSlot.SLOTS - 1));
        return out;
    }

    /** Writes the 2048 wire bytes into {@code dst} at {@code off}. */
    public void writeTo(byte[] dst, int off) {
        System.arraycopy(bits, 0, dst, off, BYTES);
    }

    public byte[] toBytes() {
        return bits.clone();
    }

    public SlotBitmap copy() {
        return new SlotBitmap(bits.clone());
    }

    private static void check(int slot) {
        if (slot < 0 || slot >= HashSlot.SLOTS) throw new IllegalArgumentException("slot out of range: " + slot);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotBitmap other && Arrays.equals(bits, other.bits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SlotBitmap[");
        List<SlotRange> r = ranges();
        for (int i = 0; i < r.size(); i++) {
            if (i > 0) sb.append(' ');
            sb.append(r.get(i));
        }
        return sb.append(']').toString();
    }
}
