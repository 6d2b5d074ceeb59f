package io.vermilion.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.util.HashSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlotBitmapTest {

    /** The runs of set slots, one slot at a time: what ranges() must equal. */
    private static List<SlotRange> naive(SlotBitmap b) {
        List<SlotRange> out = new ArrayList<>();
        int start = -1;
        for (int s = 0; s < HashSlot.SLOTS; s++) {
            if (b.get(s) && start < 0) start = s;
            if (!b.get(s) && start >= 0) {
                out.add(new SlotRange(start, s - 1));
                start = -1;
            }
        }
        if (start >= 0) out.add(new SlotRange(start, HashSlot.SLOTS - 1));
        return out;
    }

    @Test
    void edgeCases() {
        SlotBitmap b = SlotBitmap.fromRanges(List.of());
        assertThat(b.ranges()).isEmpty();
        b.setRange(0, HashSlot.SLOTS - 1);
        assertThat(b.ranges()).containsExactly(new SlotRange(0, HashSlot.SLOTS - 1));
        b = SlotBitmap.fromRanges(List.of(new SlotRange(63, 64), new SlotRange(127, 127), new SlotRange(16383, 16383)));
        assertThat(b.ranges()).containsExactly(new SlotRange(63, 64), new SlotRange(127, 127), new SlotRange(16383, 16383));
        b = SlotBitmap.fromRanges(List.of(new SlotRange(0, 0), new SlotRange(5461, 10922)));
        assertThat(b.ranges()).containsExactly(new SlotRange(0, 0), new SlotRange(5461, 10922));
    }

    @Test
    void randomBitmapsMatchTheSlotBySlotRuns() {
        Random r = new Random(42);
        for (int round = 0; round < 2000; round++) {
            SlotBitmap b = SlotBitmap.fromRanges(List.of());
            int runs = r.nextInt(40);
            for (int i = 0; i < runs; i++) {
                int s = r.nextInt(HashSlot.SLOTS);
                int len = r.nextBoolean() ? r.nextInt(3) : r.nextInt(2000);
                b.setRange(s, Math.min(HashSlot.SLOTS - 1, s + len));
            }
            if (round % 7 == 0) for (int i = 0; i < 300; i++) b.set(r.nextInt(HashSlot.SLOTS));
            assertThat(b.ranges()).isEqualTo(naive(b));
        }
    }
}
