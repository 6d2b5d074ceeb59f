package io.vermilion.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpinSelectStrategyTest {

    @Test
    void readyEventsAndTasksAreHandledAtOnce() throws Exception {
        SelectStrategy s = SpinSelectStrategy.factory(50, 0).newSelectStrategy();
        assertThat(s.calculateStrategy(() -> 3, false)).isEqualTo(3);
        assertThat(s.calculateStrategy(() -> 0, true)).isEqualTo(0);
    }

    @Test
    void pollsWithinTheWindowThenBlocks() throws Exception {
        SelectStrategy s = SpinSelectStrategy.factory(1_000_000, 0).newSelectStrategy(); // 1 s
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
        SelectStrategy s = SpinSelectStrategy.factory(60_000_000, 0).newSelectStrategy(); // 60 s
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
        assertThat(s.calculateStrategy(() -> 1, false)).isEqualTo(1);
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
    }

    @Test
    void anIdleLoopDoesNotPoll() throws Exception {
        SpinSelectStrategy s = (SpinSelectStrategy) SpinSelectStrategy.factory(50, 0.6).newSelectStrategy();
        // blocks at once while the loop has not been busy
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.SELECT);
        Thread.sleep(SpinSelectStrategy.PERIOD_NANOS / 1_000_000 + 20); // a period of (almost) no CPU
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(s.polling()).isFalse();
    }

    @Test
    void aBusyLoopPolls() throws Exception {
        SpinSelectStrategy s = (SpinSelectStrategy) SpinSelectStrategy.factory(10_000_000, 0.3).newSelectStrategy(); // 10 s window
        s.calculateStrategy(() -> 0, false); // starts the first period
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long x = 0;
        // burn CPU on this thread (the "event loop") across period boundaries until it polls
        while (!s.polling() && System.nanoTime() < deadline) {
            for (int i = 0; i < 100_000; i++) x += i * 31L;
            s.calculateStrategy(() -> 0, false);
        }
        assertThat(x).isNotZero();
        assertThat(s.polling()).isTrue();
        assertThat(s.calculateStrategy(() -> 0, false)).isEqualTo(SelectStrategy.CONTINUE);
    }
}
