package io.vermilion.server;

import io.vermilion.keyspace.WatchedKey;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection's MULTI/WATCH state (Redis's multiState plus the CLIENT_MULTI, CLIENT_DIRTY_EXEC
 * and CLIENT_DIRTY_CAS flags and the client's watched keys). Created on the first MULTI or WATCH
 * of a connection; {@code io.vermilion.commands.TransactionCommands} drives it and
 * {@link Server#dispatch} queues commands into it.
 */
public final class Transaction {
    /** A queued command: its spec (subcommand resolved) and arguments. */
    public record Queued(CommandSpec spec, byte[][] argv) {}

    boolean active;                 // between MULTI and EXEC/DISCARD
    boolean flagged;                // a command was rejected while queueing: EXEC aborts
    boolean casDirty;               // a watched key changed: EXEC replies a null array
    final List<Queued> queued = new ArrayList<>();
    final List<WatchedKey> watches = new ArrayList<>();
    boolean queuedWrite;            // some queued command is a write (CLIENT PAUSE WRITE holds EXEC)

    public boolean active() { return active; }
    public boolean flagged() { return flagged; }
    public boolean casDirty() { return casDirty; }
    public List<Queued> queued() { return queued; }
    public List<WatchedKey> watches() { return watches; }

    public void begin() { active = true; }
    public void flag() { if (active) flagged = true; }
    public void casDirty(boolean d) { casDirty = d; }

    /** Watches one key of a database, unless this connection already watches it there. */
    public void watch(io.vermilion.keyspace.Db db, byte[] key) {
        for (WatchedKey w : watches) if (w.db == db && java.util.Arrays.equals(w.key, key)) return;
        WatchedKey w = new WatchedKey(db, key, () -> casDirty = true);
        watches.add(w);
        db.watch(w);
    }

    public void unwatchAll() {
        for (WatchedKey w : watches) w.db.unwatch(w);
        watches.clear();
    }

    /** Leaves MULTI (EXEC, DISCARD, RESET, disconnect): queue, flags and watches dropped. */
    public void discard(Client c) {
        active = false;
        flagged = false;
        casDirty = false;
        queuedWrite = false;
        queued.clear();
        unwatchAll();
        c.multi(-1, 0);
    }

    void queue(Client c, CommandSpec spec, byte[][] argv) {
        // As Redis, nothing more is queued once the transaction is bound to fail.
        if (flagged || casDirty) return;
        queued.add(new Queued(spec, argv));
        if (spec.has(CommandSpec.Flag.WRITE) || spec.has(CommandSpec.Flag.MAY_REPLICATE)) queuedWrite = true;
        long mem = c.multiMem;
        for (byte[] a : argv) mem += a.length;
        c.multi(queued.size(), mem + 16L * argv.length);
    }
}
