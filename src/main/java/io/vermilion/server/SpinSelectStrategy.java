package io.vermilion.server;

import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;

/**
 * An event-loop select strategy that polls (non-blocking epoll_wait) for a short window after
 * the loop runs out of work before it blocks. A peer's write that lands inside the window finds
 * the loop awake, so neither side pays the cost of waking a sleeping thread; an idle loop still
 * blocks after the window, so an idle node uses no CPU. Each poll yields the core, so on a
 * machine with more runnable threads than cores the spinning costs the others little.
 *
 * <p>Enabled by the system property {@code vermilion.busyPollMicros} (the window; 0, the default,
 * blocks at once as Netty does, and is what bin/vermilion-server runs). It pays off where the
 * node has a core of its own, and costs where several nodes share the cores: bench/RESULTS.md
 * ("Busy polling").
 */
final class SpinSelectStrategy implements SelectStrategy {
    private final long windowNanos;
    private long idleSince = -1;

    private SpinSelectStrategy(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    static SelectStrategyFactory factory(long windowMicros) {
        long nanos = windowMicros * 1000;
        return () -> new SpinSelectStrategy(nanos);
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        int ready = selectNow.get();
        if (ready > 0 || hasTasks) {
            idleSince = -1;
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
        idleSince = -1;
        return SelectStrategy.SELECT;
    }
}
