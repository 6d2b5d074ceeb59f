package io.vermilion.cluster;

import io.vermilion.util.HashSlot;

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
        List<SlotRange> out = new ArrayList<>();
        int start = -1;
        for (int s = 0; s < HashSlot.SLOTS; s++) {
            if ((s & 7) == 0) {
                // Whole bytes that neither start nor end a run (all clear outside one, all set in one).
                int b = bits[s >> 3];
                if ((b == 0 && start < 0) || (b == -1 && start >= 0)) {
                    s += 7;
                    continue;
                }
            }
            boolean on = (bits[s >> 3] & (1 << (s & 7))) != 0;
            if (on && start < 0) start = s;
            if (!on && start >= 0) {
                out.add(new SlotRange(start, s - 1));
                start = -1;
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
