package io.vermilion.cli.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Executes a plan of slot moves, several at once where that helps and is safe. Consecutive slots
 * of the same source and target move as a group, in step (one pipelined SETSLOT write per step
 * and node, shared MIGRATE batches); groups of different sources run in parallel, up to
 * {@code --cluster-parallel}, but never two from the same source (a source is busy for the whole
 * of a MIGRATE, so they would only queue). Each slot keeps its own state machine, so moving them
 * side by side changes nothing for clients.
 *
 * <p>When a move fails, or the user interrupts, no new move starts; the ones in flight finish
 * (or roll back) and the result lists what was done and what is left open.
 *
 * <p>Output: each move's text (from {@code render}) is printed in plan order when it completes,
 * so that with stdout not a terminal the lines are exactly redis-cli's; on a terminal a progress
 * bar is shown instead.
 */
final class MoveRunner {
    /** What happened to the plan. */
    record Result(int moved, long keys, List<SlotMove> failed, List<SlotMove> notStarted, boolean interrupted,
                  int rolledBack) {
        boolean ok() {
            return failed.isEmpty() && notStarted.isEmpty() && !interrupted;
        }
    }

    /** Most slots moved together (see {@link SlotMover#moveGroup}). */
    static final int GROUP_SLOTS = 512;
    /** Most keys (as counted before the start) in one group, so an interrupted group finishes fast. */
    static final long GROUP_KEYS = 50_000;

    private final ClusterManager mgr;
    private final SlotMover mover;
    private final MoveGuard guard = MoveGuard.get();

    MoveRunner(ClusterManager mgr) {
        this.mgr = mgr;
        this.mover = new SlotMover(mgr);
    }

    /**
     * @param render the text a completed move contributes to stdout when it is not a terminal
     *     (null: nothing)
     * @param progress progress display, or null
     */
    Result run(List<SlotMove> plan, Function<SlotMove, String> render, Progress progress) {
        return run(plan, render, progress, null);
    }

    /**
     * As {@link #run(List, Function, Progress)}; {@code keysPerSlot} (may be null) lets groups
     * be cut so that finishing a group after Ctrl-C stays quick.
     */
    Result run(List<SlotMove> plan, Function<SlotMove, String> render, Progress progress, Map<Integer, Long> keysPerSlot) {
        int parallel = Math.max(1, mgr.opts.parallel);
        Set<ClusterNode> sources = new HashSet<>();
        for (SlotMove m : plan) sources.add(m.source());
        int workers = Math.max(1, Math.min(parallel, sources.size()));

        Object lock = new Object();
        List<SlotMove> pending = new ArrayList<>(plan);
        Set<ClusterNode> busy = new HashSet<>();
        TreeMap<Integer, String> done = new TreeMap<>();
        int[] nextToPrint = {0};
        List<SlotMove> failed = new ArrayList<>();
        int[] moved = {0};
        int[] rolledBack = {0};
        boolean quietOut = progress != null && progress.tty();
        int readTimeout = (int) Math.min(Integer.MAX_VALUE, (long) mgr.opts.timeout * 5 + 30_000L);

        Runnable work = () -> {
            try (SlotMover.Conns conns = new SlotMover.Conns(readTimeout)) {
                while (true) {
                    List<SlotMove> group = new ArrayList<>();
                    synchronized (lock) {
                        while (group.isEmpty()) {
                            if (guard.stopRequested() || pending.isEmpty()) return;
                            SlotMove head = null;
                            for (SlotMove c : pending) {
                                if (!busy.contains(c.source())) {
                                    head = c;
                                    break;
                                }
                            }
                            if (head == null) {
                                try {
                                    lock.wait(50);
                                } catch (InterruptedException e) {
                                    return;
                                }
                                continue;
                            }
                            // The next slots of the same source and target go together.
                            long keys = 0;
                            for (SlotMove c : pending) {
                                if (c.source() != head.source() || c.target() != head.target()) continue;
                                long k = keysPerSlot == null ? 0 : keysPerSlot.getOrDefault(c.slot(), 0L);
                                if (!group.isEmpty() && (group.size() >= GROUP_SLOTS || keys + k > GROUP_KEYS)) break;
                                group.add(c);
                                keys += k;
                            }
                        }
                        pending.removeAll(group);
                        busy.add(group.get(0).source());
                    }
                    try {
                        mover.moveGroup(group, conns, (mv, n) -> {
                            if (progress != null) progress.keys(n);
                        });
                    } catch (SlotMover.MoveFailed e) {
                        guard.requestStop("a slot could not be moved");
                    } catch (RuntimeException e) {
                        for (SlotMove m : group) if (m.state() != SlotMove.State.DONE) m.fail("internal error: " + e);
                        guard.requestStop("internal error");
                    }
                    synchronized (lock) {
                        busy.remove(group.get(0).source());
                        for (SlotMove cur : group) {
                            if (cur.state() == SlotMove.State.DONE) moved[0]++;
                            else if (cur.state() == SlotMove.State.ROLLED_BACK) rolledBack[0]++;
                            else failed.add(cur);
                            if (progress != null && cur.state() == SlotMove.State.DONE) progress.unitDone();
                            done.put(cur.index, render == null || quietOut ? "" : render.apply(cur));
                        }
                        // Print what is complete, in plan order.
                        while (done.containsKey(nextToPrint[0])) {
                            String text = done.remove(nextToPrint[0]);
                            if (!text.isEmpty()) mgr.log.print(text);
                            nextToPrint[0]++;
                        }
                        lock.notifyAll();
                    }
                }
            }
        };

        List<Thread> threads = new ArrayList<>();
        guard.begin();
        try {
            for (int i = 0; i < workers; i++) {
                Thread t = new Thread(work, "slot-mover-" + i);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } finally {
            guard.end();
        }
        // Moves after a gap (one that never ran) are printed too, so nothing done goes unsaid.
        for (String text : done.values()) if (!text.isEmpty()) mgr.log.print(text);
        long keys = 0;
        for (SlotMove m : plan) keys += m.keysMoved();
        return new Result(moved[0], keys, failed, pending, guard.interrupted(), rolledBack[0]);
    }

    /**
     * Tells the user what an incomplete run left behind: each open slot with where and why, and
     * the command that closes them. Returns true if nothing is left open.
     */
    boolean report(Result r, String what, String fixCommand) {
        boolean open = false;
        for (SlotMove m : r.failed()) if (m.openedOnNodes) open = true;
        if (r.interrupted()) {
            mgr.log.warn("*** " + what + " interrupted: " + r.moved() + " slot(s) moved"
                    + (r.rolledBack() > 0 ? ", " + r.rolledBack() + " rolled back before any key moved" : "")
                    + ", " + r.notStarted().size() + " not started.");
        }
        for (SlotMove m : r.failed()) {
            mgr.log.error("*** Slot " + m.slot() + " could not be moved from " + m.source() + " to " + m.target()
                    + ": " + m.failure());
        }
        if (open) {
            mgr.log.error("*** These slots are left open (the cluster still serves them: keys not yet moved are"
                    + " on the source, moved keys on the target, reached through ASK redirections):");
            for (SlotMove m : r.failed()) if (m.openedOnNodes) mgr.log.error("***   " + m.openDescription());
            mgr.log.error("*** Once the cause is dealt with, close them with: " + fixCommand);
        } else if (!r.ok()) {
            mgr.log.warn("*** No slot is left open.");
        }
        return !open;
    }
}
