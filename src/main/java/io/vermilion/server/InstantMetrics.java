package io.vermilion.server;

/**
 * The "instantaneous" figures of INFO stats (ops/sec, input/output kbps), computed as Redis does:
 * a counter is sampled every 100 ms by the cron and the rate is the mean over the last 16
 * samples.
 */
public final class InstantMetrics {
    static final int SAMPLES = 16;

    private final Metric ops = new Metric();
    private final Metric input = new Metric();
    private final Metric output = new Metric();

    private static final class Metric {
        long lastSampleMs;
        long lastCount;
        final double[] samples = new double[SAMPLES];
        int idx;

        void track(long count, long nowMs) {
            if (lastSampleMs != 0) {
                long dt = Math.max(1, nowMs - lastSampleMs);
                samples[idx] = (count - lastCount) * 1000.0 / dt;
                idx = (idx + 1) % SAMPLES;
            }
            lastSampleMs = nowMs;
            lastCount = count;
        }

        double mean() {
            double sum = 0;
            for (double v : samples) sum += v;
            return sum / SAMPLES;
        }

        void reset() {
            java.util.Arrays.fill(samples, 0);
            lastSampleMs = 0;
        }
    }

    /** Takes one sample of each counter; call about every 100 ms. */
    public void sample(ServerStats stats, long nowMs) {
        ops.track(stats.commandsProcessed, nowMs);
        input.track(stats.netInputBytes, nowMs);
        output.track(stats.netOutputBytes, nowMs);
    }

    public long opsPerSec() { return Math.round(ops.mean()); }
    public double inputKbps() { return input.mean() / 1024; }
    public double outputKbps() { return output.mean() / 1024; }

    void reset() {
        ops.reset();
        input.reset();
        output.reset();
    }
}
