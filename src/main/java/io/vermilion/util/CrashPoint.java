package io.vermilion.util;

/**
 * Deterministic stopping places for crash tests (issue 13): with the system property
 * {@code vermilion.crashpoint=NAME} (tests only; never set in production), the thread that reaches
 * {@link #here(String)} with that name prints {@code CRASHPOINT NAME reached} on stdout (the
 * node's log in tests) and stops there for good, so that a test watching the log can kill -9 the
 * process at exactly that moment of a multi-step file update. Other threads go on (the event loop
 * keeps serving when the point is on the snapshot writer). Without the property {@link #here} is
 * one comparison with a static null.
 *
 * <p>{@code NAME:N} stops at the N-th time the point is reached (1 = the first).
 *
 * <p>The points (see docs/reliability.md): {@code aof-incr-opened} (BGREWRITEAOF opened the new
 * incr file, the manifest naming it is not written yet), {@code aof-base-written} (the new base is
 * complete in its temp file), {@code aof-base-renamed} (it has its final name, the manifest still
 * names the old base), {@code aof-incr-renamed} (AOF being turned on: the temp incr has its final
 * name), {@code aof-manifest-temp-written} (the new manifest is in its temp file, not renamed),
 * {@code aof-manifest-written} (the manifest was replaced, history files not yet removed),
 * {@code nodes-conf-written} (nodes.conf's new content is written: in place, padded with newlines
 * to the old length and not yet truncated; or, for a file over a page, in its temp file, not
 * renamed).
 */
public final class CrashPoint {
    private static final String NAME;
    private static final int NTH;
    private static int reached;

    static {
        String p = System.getProperty("vermilion.crashpoint");
        if (p == null || p.isEmpty()) {
            NAME = null;
            NTH = 0;
        } else {
            int colon = p.indexOf(':');
            NAME = colon < 0 ? p : p.substring(0, colon);
            NTH = colon < 0 ? 1 : Integer.parseInt(p.substring(colon + 1));
        }
    }

    private CrashPoint() {}

    /** Stops the calling thread for good if {@code name} is the armed point (see the class comment). */
    public static void here(String name) {
        if (NAME == null || !NAME.equals(name)) return;
        synchronized (CrashPoint.class) {
            if (++reached != NTH) return;
        }
        System.out.println("CRASHPOINT " + name + " reached");
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // stay here until killed
            }
        }
    }
}
