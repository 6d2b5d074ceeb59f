package io.vermilion.cluster;

import io.vermilion.util.HashSlot;

/** An inclusive range of hash slots, {@code start <= end}, both in 0..16383. */
public record SlotRange(int start, int end) {
    public SlotRange {
        if (start < 0 || end >= HashSlot.SLOTS || start > end) {
            throw new IllegalArgumentException("bad slot range " + start + "-" + end);
        }
    }

    public static SlotRange single(int slot) {
        return new SlotRange(slot, slot);
    }

    public int size() {
        return end - start + 1;
    }

    public boolean contains(int slot) {
        return slot >= start && slot <= end;
    }

    /** Redis's text form: {@code N} for one slot, {@code A-B} otherwise. */
    @Override
    public String toString() {
        return start == end ? Integer.toString(start) : start + "-" + end;
    }
}
