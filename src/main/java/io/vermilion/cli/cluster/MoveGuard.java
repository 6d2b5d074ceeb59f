package io.vermilion.cli.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps interruptions from leaving slots half-moved.
 *
 * <p>Outside slot moves a signal ends the process at once, as usual. While slots are moving, the
 * guard knows every move in flight. The first Ctrl-C (SIGINT) or
 * SIGTERM does not kill the process: it asks the movers to stop taking new slots and to finish the
 * ones they are in (or roll them back if the source has not started redirecting yet), after which
 * the command reports what was done and exits. A second signal exits at once, after printing
 * which slots are still open and the command that closes them. A shutdown hook covers the other
 * ways the JVM can end (SIGHUP, System.exit): it also stops the movers and waits, bounded, for
 * the moves in flight.
 */
public final class MoveGuard {
    private static final MoveGuard INSTANCE = new MoveGuard();

    private final Set<SlotMove> inFlight = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean stopRequested;
    private volatile String stopReason;
    private volatile int signals;
    private volatile boolean installed;
    private volatile ManagerLog log;
    private volatile String fixCommand = "";

    private MoveGuard() {}

    public static MoveGuard get() {
        return INSTANCE;
    }

    /** Installs the signal handlers and the shutdown hook (once per process). */
    public synchronized void install(ManagerLog log, String fixCommand) {
        this.log = log;
        this.fixCommand = fixCommand;
        if (installed) return;
        installed = true;
        // JLine's wrapper over the JVM's signal API; where a signal cannot be caught (another
        // platform, -Xrs, or SIGINT ignored by the parent) the shutdown hook still helps.
        for (String name : List.of("INT", "TERM")) org.jline.utils.Signals.register(name, () -> onSignal(name));
        Runtime.getRuntime().addShutdownHook(new Thread(this::onShutdown, "vermilion-cluster-shutdown"));
    }

    private void onSignal(String name) {
        int n = ++signals;
        ManagerLog l = log;
        if (active.get() == 0 && inFlight.isEmpty()) {
            // Nothing is moving (loading, checking, waiting): stop at once, as without the guard.
            if (l != null) l.stderr("");
            Runtime.getRuntime().halt(130);
        }
        if (n == 1) {
            requestStop("interrupted (SIG" + name + ")");
            if (l != null) {
                List<SlotMove> moves = snapshot();
                if (moves.isEmpty()) {
                    l.stderr("\n*** Interrupted: stopping before the next slot (Ctrl-C again to quit at once).");
                } else {
                    l.stderr("\n*** Interrupted: finishing " + moves.size() + " slot move(s) in progress ("
                            + describe(moves) + ") so that no slot is left open. Ctrl-C again to quit at once.");
                }
            }
        } else {
            if (l != null) {
                List<SlotMove> moves = snapshot();
                if (!moves.isEmpty()) {
                    l.stderr("*** Quitting now. These slots are left open:");
                    for (SlotMove m : moves) l.stderr("***   " + m.openDescription());
                    l.stderr("*** Close them with: " + fixCommand);
                }
            }
            Runtime.getRuntime().halt(130);
        }
    }

    private void onShutdown() {
        if (inFlight.isEmpty()) return;
        requestStop("the process is exiting");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) ClusterManager.sleep(50);
        ManagerLog l = log;
        if (l != null && !inFlight.isEmpty()) {
            l.stderr("*** Exiting with slots still open:");
            for (SlotMove m : snapshot()) l.stderr("***   " + m.openDescription());
            l.stderr("*** Close them with: " + fixCommand);
        }
    }

    /** Asks movers to finish what they are doing and start nothing new. */
    public void requestStop(String reason) {
        if (!stopRequested) stopReason = reason;
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    public String stopReason() {
        return stopReason;
    }

    /** Whether the stop came from the user (signal) rather than from a failure. */
    public boolean interrupted() {
        return signals > 0;
    }

    /** Marks the start of a phase that moves slots (Ctrl-C then finishes instead of quitting). */
    void begin() {
        active.incrementAndGet();
    }

    void end() {
        active.decrementAndGet();
    }

    void register(SlotMove m) {
        inFlight.add(m);
    }

    void unregister(SlotMove m) {
        inFlight.remove(m);
    }

    List<SlotMove> snapshot() {
        return new ArrayList<>(inFlight);
    }

    private static String describe(List<SlotMove> moves) {
        List<String> s = new ArrayList<>();
        for (SlotMove m : moves) s.add("slot " + m.slot());
        return String.join(", ", s);
    }

    /** For tests and for commands run one after another in the same JVM. */
    public void reset() {
        stopRequested = false;
        stopReason = null;
        signals = 0;
        inFlight.clear();
        active.set(0);
    }
}
