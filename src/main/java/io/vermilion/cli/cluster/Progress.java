package io.vermilion.cli.cluster;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of a long operation (reshard, rebalance, import, fix, waiting for a join): slots done,
 * keys moved, rate and estimated time left.
 *
 * <p>On a terminal it is one line redrawn in place ({@code \r}, erase to end of line) a few times a
 * second. Otherwise stdout keeps redis-cli's exact lines, so scripts that read them still work,
 * and the progress goes to stderr as a plain line every few seconds plus a summary at the end.
 */
final class Progress implements AutoCloseable {
    private static final int BAR = 30;

    private final ManagerLog log;
    private final String what;
    private final long totalUnits;
    private final boolean tty;
    private final long plainEveryNanos;
    private volatile long totalKeys;
    private final AtomicLong units = new AtomicLong();
    private final AtomicLong keys = new AtomicLong();
    private final long start = System.nanoTime();
    private long lastPlain = System.nanoTime();
    private Thread ticker;
    private volatile boolean closed;

    /**
     * @param what the unit's name, plural ("slots", "keys")
     * @param totalUnits how many units the operation has
     * @param totalKeys keys expected to move (0 if unknown), for the ETA
     */
    Progress(ManagerLog log, String what, long totalUnits, long totalKeys) {
        this.log = log;
        this.what = what;
        this.totalUnits = totalUnits;
        this.totalKeys = totalKeys;
        this.tty = log.stdoutTty();
        this.plainEveryNanos = Long.getLong("vermilion.progress.plainMillis", 5000) * 1_000_000L;
    }

    /** Starts redrawing (terminal) or reporting (plain lines on stderr). */
    Progress start() {
        ticker = new Thread(this::tick, "progress");
        ticker.setDaemon(true);
        ticker.start();
        return this;
    }

    boolean tty() {
        return tty;
    }

    void unitDone() {
        units.incrementAndGet();
    }

    void keys(long n) {
        keys.addAndGet(n);
    }

    long keysDone() {
        return keys.get();
    }

    long unitsDone() {
        return units.get();
    }

    private void tick() {
        while (!closed) {
            ClusterManager.sleep(tty ? 200 : 250);
            if (closed) break;
            synchronized (this) {
                if (tty) {
                    log.bar(line());
                } else if (System.nanoTime() - lastPlain >= plainEveryNanos) {
                    lastPlain = System.nanoTime();
                    log.err().println("Progress: " + line());
                    log.err().flush();
                }
            }
        }
    }

    /** {@code [#######.........] 1024/4096 slots | 250000 keys | 52000 keys/s | ETA 0:12}. */
    String line() {
        long u = units.get(), k = keys.get();
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        double frac = totalUnits == 0 ? 1 : Math.min(1, u / (double) totalUnits);
        StringBuilder sb = new StringBuilder();
        if (tty) {
            int filled = (int) Math.round(frac * BAR);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ");
        }
        sb.append(u).append('/').append(totalUnits).append(' ').append(what);
        if (!what.equals("keys")) sb.append(" | ").append(k).append(" keys");
        double rate = k / secs;
        sb.append(" | ").append(String.format(Locale.ROOT, "%.0f keys/s", rate));
        sb.append(" | ETA ").append(eta(u, k, secs));
        return sb.toString();
    }

    private String eta(long u, long k, double secs) {
        double left;
        if (totalKeys > 0 && k > 0) {
            left = Math.max(0, totalKeys - k) / (k / secs);
        } else if (u > 0) {
            left = (totalUnits - u) / (u / secs);
        } else {
            return "--:--";
        }
        long s = Math.round(left);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** The closing summary, e.g. "Moved 4096 slots, 1000000 keys in 20.1s (49751 keys/s)". */
    String summary(String verb) {
        double secs = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        return String.format(Locale.ROOT, "%s %d %s, %d keys in %.1fs (%.0f keys/s)", verb, units.get(), what,
                keys.get(), secs, keys.get() / secs);
    }

    /** Stops the redraw and leaves the terminal line clean. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (ticker != null) ticker.interrupt();
        if (tty) log.clearBar();
    }

    /** Closes and prints the summary: on stdout on a terminal, on stderr otherwise. */
    void finish(String verb) {
        close();
        if (tty) log.println(summary(verb));
        else {
            log.err().println(summary(verb));
            log.err().flush();
        }
    }
}
