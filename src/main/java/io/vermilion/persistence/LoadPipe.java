package io.vermilion.persistence;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands the work of loading a dataset from the thread that reads and parses the files to the
 * node's event loop, which alone may touch the keyspace. Operations are applied in order, in
 * slices of about a millisecond, each slice a scheduled task: between slices the loop serves its
 * connections (clients get -LOADING, the cluster bus keeps talking), so a long load never starves
 * it. A bounded queue holds the reader back when the loop falls behind, so memory stays bounded.
 *
 * <p>An operation that throws stops the load: the first failure is reported to the reader at its
 * next hand-over (as an IOException) and later operations are dropped.
 */
public final class LoadPipe {
    /** Operations per hand-over: large enough to make the queue cheap, small enough to stay fair. */
    private static final int BATCH = 512;
    private static final long SLICE_NANOS = 1_000_000;

    private final EventLoop loop;
    private final ArrayBlockingQueue<Runnable[]> queue = new ArrayBlockingQueue<>(64);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Runnable[] batch = new Runnable[BATCH];
    private int count;
    /** The batch being applied on the loop and where it stopped (a slice can end mid-batch). */
    private Runnable[] current;
    private int currentPos;

    public LoadPipe(EventLoop loop) {
        this.loop = loop;
        if (loop.inEventLoop()) throw new IllegalStateException("a load must be read off the event loop");
    }

    /**
     * An operation worth several plain ones (a batch of keys): it counts that many toward a
     * hand-over and toward the loop's check of its time slice.
     */
    public interface Weighted extends Runnable {
        int weight();
    }

    /** Weight of the operations queued but not yet handed over. */
    private int pending;

    /** Queues an operation for the loop (reader thread). */
    public void apply(Runnable op) throws IOException {
        batch[count++] = op;
        pending += op instanceof Weighted w ? w.weight() : 1;
        if (count == BATCH || pending >= BATCH) flush();
    }

    /** Hands the queued operations over now (reader thread). */
    public void flush() throws IOException {
        check();
        if (count == 0) return;
        Runnable[] b = count == BATCH ? batch : java.util.Arrays.copyOf(batch, count);
        batch = new Runnable[BATCH];
        count = 0;
        pending = 0;
        try {
            while (!queue.offer(b, 50, TimeUnit.MILLISECONDS)) check();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading");
        }
        scheduleDrain();
    }

    /** Runs c on the loop after every operation queued before, and returns its result (reader thread). */
    public <T> T call(Callable<T> c) throws IOException {
        CompletableFuture<T> f = new CompletableFuture<>();
        apply(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        flush();
        while (true) {
            try {
                return f.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                check();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while loading");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) throw io;
                if (cause instanceof RuntimeException re) throw re;
                if (cause instanceof Error err) throw err;
                throw new IOException(cause);
            }
        }
    }

    /** Runs r on the loop after everything queued before, and waits for it. */
    public void run(Runnable r) throws IOException {
        call(() -> {
            r.run();
            return null;
        });
    }

    /** Throws the failure of an operation, if one failed. */
    private void check() throws IOException {
        Throwable t = failure.get();
        if (t == null) return;
        if (t instanceof IOException io) throw io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        throw new IOException(t);
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) loop.schedule(this::drain, 0, TimeUnit.NANOSECONDS);
    }

    /** On the loop: applies operations for about a slice, then yields to I/O if more are waiting. */
    private void drain() {
        drainScheduled.set(false);
        long deadline = System.nanoTime() + SLICE_NANOS;
        int sinceClock = 0;
        while (true) {
            if (current == null) {
                current = queue.poll();
                currentPos = 0;
                if (current == null) return;
            }
            while (currentPos < current.length) {
                Runnable op = current[currentPos];
                current[currentPos++] = null;
                if (failure.get() == null) {
                    try {
                        op.run();
                    } catch (java.io.UncheckedIOException t) {
                        failure.compareAndSet(null, t.getCause());
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }
                sinceClock += op instanceof Weighted w ? w.weight() : 1;
                if (sinceClock >= 64) {
                    sinceClock = 0;
                    if (System.nanoTime() >= deadline) {
                        scheduleDrain();
                        return;
                    }
                }
            }
            current = null;
        }
    }
}
