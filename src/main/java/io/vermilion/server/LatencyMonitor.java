package io.vermilion.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/** LATENCY: per event, the latest and maximum latency and a history of samples (one per second). */
public final class LatencyMonitor {
    /** Samples kept per event (Redis's LATENCY_TS_LEN). */
    static final int HISTORY = 160;

    public static final class Series {
        public long latestTime, latestMs, maxMs;
        public final Deque<long[]> samples = new ArrayDeque<>(); // {unix seconds, ms}
    }

    private final Map<String, Series> events = new TreeMap<>();

    public void add(String event, long ms) {
        Series s = events.computeIfAbsent(event, k -> new Series());
        long now = System.currentTimeMillis() / 1000;
        s.latestTime = now;
        s.maxMs = Math.max(s.maxMs, ms);
        long[] last = s.samples.peekLast();
        if (last != null && last[0] == now) {
            // One sample per second: the worst of that second, as Redis keeps it.
            last[1] = Math.max(last[1], ms);
            s.latestMs = last[1];
        } else {
            s.latestMs = ms;
            s.samples.addLast(new long[] {now, ms});
            if (s.samples.size() > HISTORY) s.samples.removeFirst();
        }
    }

    public Map<String, Series> events() { return events; }

    public int reset(java.util.List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String e : names) if (events.remove(e) != null) n++;
        return n;
    }
}
