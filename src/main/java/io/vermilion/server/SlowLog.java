package io.vermilion.server;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** SLOWLOG: the most recent commands slower than slowlog-log-slower-than microseconds. */
public final class SlowLog {
    /** Most arguments kept per entry (Redis's SLOWLOG_ENTRY_MAX_ARGC). */
    static final int MAX_ARGC = 32;
    /** Longest argument kept (SLOWLOG_ENTRY_MAX_STRING). */
    static final int MAX_STRING = 128;

    public record Entry(long id, long timeSec, long durationUsec, List<byte[]> argv, String addr, byte[] name) {}

    private final Deque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    public void add(byte[][] argv, long durationUsec, String addr, byte[] name, int maxLen) {
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] kept = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            if (argc != argv.length && i == argc - 1) {
                kept[i] = ("... (" + (argv.length - argc + 1) + " more arguments)").getBytes();
            } else if (argv[i].length > MAX_STRING) {
                byte[] head = java.util.Arrays.copyOf(argv[i], MAX_STRING);
                byte[] tail = ("... (" + (argv[i].length - MAX_STRING) + " more bytes)").getBytes();
                byte[] b = new byte[head.length + tail.length];
                System.arraycopy(head, 0, b, 0, head.length);
                System.arraycopy(tail, 0, b, head.length, tail.length);
                kept[i] = b;
            } else {
                kept[i] = argv[i];
            }
        }
        entries.addFirst(new Entry(nextId++, System.currentTimeMillis() / 1000, durationUsec, List.of(kept), addr,
                name == null ? new byte[0] : name));
        while (entries.size() > maxLen) entries.removeLast();
    }

    public Deque<Entry> entries() { return entries; }
    public int size() { return entries.size(); }
    public void reset() { entries.clear(); }
    public void trim(int maxLen) { while (entries.size() > maxLen) entries.removeLast(); }
}
