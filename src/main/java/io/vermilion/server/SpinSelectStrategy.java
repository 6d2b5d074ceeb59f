package io.vermilion.server;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * An event-loop select strategy that polls (non-blocking epoll_wait) for a short window after
 * the loop runs out of work before it blocks. A peer's write that lands inside the window finds
 * the loop awake, so neither side pays the cost of waking a sleeping thread; an idle loop still
 * blocks after the window, so an idle node uses no CPU. Each poll yields the core.
 *
 * <p>It polls only while the loop is busy: every 100 ms it compares the loop thread's CPU time
 * (less the time it spent polling) with the wall time, and polls in the next 100 ms only when
 * that share reached {@code minBusy}. A loop that busy has a core mostly to itself, so the
 * polling costs no other thread; where several nodes share the cores (a local cluster) none
 * of them gets that busy, and they block at once as Netty's default strategy does.
 *
 * <p>Enabled by the system property {@code vermilion.busyPollMicros} (the window; 0 turns it off),
 * with {@code vermilion.busyPollMinBusy} (default 0.6); bin/vermilion-server sets a 50 µs window.
 * Measured in bench/RESULTS.md ("Busy polling").
 */
final class SpinSelectStrategy implements SelectStrategy {
    static final long PERIOD_NANOS = 100_000_000L;

    private final long windowNanos;
    private final double minBusy;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long idleSince = -1;
    private long periodStart = Long.MIN_VALUE / 2;
    private long periodCpu = -1;
    private long polledNanos;
    private boolean poll;

    private SpinSelectStrategy(long windowNanos, double minBusy) {
        this.windowNanos = windowNanos;
        this.minBusy = minBusy;
        this.poll = minBusy <= 0;
    }

    /** {@code minBusy} 0 polls always (tests); otherwise only in periods after a busy one. */
    static SelectStrategyFactory factory(long windowMicros, double minBusy) {
        long nanos = windowMicros * 1000;
        return () -> new SpinSelectStrategy(nanos, minBusy);
    }

    boolean polling() {
        return poll;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (!poll) {
            long now = System.nanoTime();
            if (now - periodStart >= PERIOD_NANOS) newPeriod(now);
            if (!poll) return hasTasks ? selectNow.get() : SelectStrategy.SELECT;
        }
        int ready = selectNow.get();
        if (ready > 0 || hasTasks) {
            if (idleSince >= 0) {
                long now = System.nanoTime();
                polledNanos += now - idleSince;
                idleSince = -1;
                if (now - periodStart >= PERIOD_NANOS) newPeriod(now);
            }
            return ready;
        }
        long now = System.nanoTime();
        if (idleSince < 0) {
            idleSince = now;
            return SelectStrategy.CONTINUE;
        }
        if (now - idleSince < windowNanos) {
            Thread.yield(); // give the core to any other runnable thread (another node, a client)
            return SelectStrategy.CONTINUE;
        }
        polledNanos += now - idleSince;
        idleSince = -1;
        if (now - periodStart >= PERIOD_NANOS) newPeriod(now);
        return SelectStrategy.SELECT;
    }

    private void newPeriod(long now) {
        if (minBusy <= 0) return;
        long cpu = threads.getCurrentThreadCpuTime();
        if (periodCpu >= 0 && cpu >= 0) {
            double busy = (double) (cpu - periodCpu - polledNanos) / (now - periodStart);
            poll = busy >= minBusy;
        }
        periodStart = now;
        periodCpu = cpu;
        polledNanos = 0;
    }
}
