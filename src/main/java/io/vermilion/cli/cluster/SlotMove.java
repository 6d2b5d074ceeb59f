package io.vermilion.cli.cluster;

/**
 * One slot on its way from a source master to a target master, as a small state machine:
 *
 * <pre>
 * PLANNED -> IMPORTING (target: SETSLOT IMPORTING) -> MIGRATING (source: SETSLOT MIGRATING)
 *         -> keys moved in batches -> ASSIGNED (target, then source, then the other masters: SETSLOT NODE)
 *         -> DONE
 * </pre>
 *
 * A move stopped in IMPORTING is rolled back (the target forgets it; no client was ever sent
 * there). From MIGRATING on, the source sends clients to the target for keys it no longer has, so
 * the only safe way out is forward: the move is finished. If it cannot be (a node died, a key is
 * too big to migrate), the slot stays open but consistent, and {@link #openDescription()} says
 * where and why, for the user and for {@code --cluster fix}.
 */
final class SlotMove {
    enum State { PLANNED, IMPORTING, MIGRATING, ASSIGNED, DONE, ROLLED_BACK, FAILED }

    private final int slot;
    private final ClusterNode source;
    private final ClusterNode target;
    /** Position in the plan, for printing results in plan order. */
    final int index;
    private volatile State state = State.PLANNED;
    private volatile long keysMoved;
    private volatile String failure;

    SlotMove(int slot, ClusterNode source, ClusterNode target, int index) {
        this.slot = slot;
        this.source = source;
        this.target = target;
        this.index = index;
    }

    int slot() { return slot; }
    ClusterNode source() { return source; }
    ClusterNode target() { return target; }
    State state() { return state; }
    long keysMoved() { return keysMoved; }
    String failure() { return failure; }

    void state(State s) { state = s; }
    void addKeys(long n) { keysMoved += n; }
    void fail(String why) {
        failure = why;
        state = State.FAILED;
    }

    /** True if the slot may be left open on the nodes (something was set and not cleared). */
    boolean leftOpen() {
        return failure != null && openedOnNodes;
    }

    /** Set once SETSLOT IMPORTING succeeded, cleared when the slot is closed again. */
    volatile boolean openedOnNodes;
    /** Set once SETSLOT MIGRATING succeeded: from here on the move can only go forward. */
    volatile boolean sourceMigrating;
    /**
     * A fresh move may be rolled back while only the target knows of it. Not so when fix resumes
     * a move: the source may have been redirecting clients long before we came.
     */
    boolean allowRollback = true;
    /**
     * A "cold" move (fix): only the keys move, from a node that does not own the slot but has it
     * importing, so that its MIGRATE commands are served after ASKING.
     */
    boolean cold;

    /** "slot 12539: migrating on 127.0.0.1:7001, importing on 127.0.0.1:7004 (1200 keys moved); cause". */
    String openDescription() {
        StringBuilder sb = new StringBuilder("slot " + slot + ": ");
        if (sourceMigrating) sb.append("migrating on ").append(source).append(", importing on ").append(target);
        else if (openedOnNodes) sb.append("importing on ").append(target);
        else sb.append("moving from ").append(source).append(" to ").append(target);
        sb.append(" (").append(keysMoved).append(" keys moved)");
        if (failure != null) sb.append("; ").append(failure);
        return sb.toString();
    }
}
