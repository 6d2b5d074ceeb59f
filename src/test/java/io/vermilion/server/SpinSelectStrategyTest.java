package io.vermilion.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpinSelectStrategyTest {

    @Test
    void readyEventsAndTasksAreHandledAtOnce() throws Exception {
        SelectStrategy s = SpinSelectStrategy.factory(50).newSelectStrategy();
        assertThat(s.calculateStrategy(() -> 3, false)).isEqualTo(3);
        assertThat(s.calculateStrategy(() -> 0, true)).isEqualTo(0);
    }

    @Test
    void pollsWithinTheWindowThenBlocks() throws Exception {
        SelectStrategy s = SpinSelectStrategy.factory(1_000_000).newSelectStrategy(); // 1 s
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int r;
        do {
            r = s.calculateStrategy(() -> 0, false);
        } while (r == SelectStrategy.CONTINUE && System.nanoTime() < deadline);
        assertThat(r).isEqualTo(SelectStrategy.SELECT);
        // after blocking, a new idle period starts a new window
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
    }

    @Test
    void activityRestartsTheWindow() throws Exception {
        SelectStrategy s = SpinSelectStrategy.factory(60_000_000).newSelectStrategy(); // 60 s
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
        assertThat(s.calculateStrategy(() -> 1, false)).isEqualTo(1);
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
    }
}
