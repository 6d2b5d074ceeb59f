package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.TRANSACTION;
import static io.vermilion.server.CommandSpec.Flag.ALLOW_BUSY;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.SKIP_SLOWLOG;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.WatchedKey;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.server.Server;
import io.vermilion.server.Transaction;
import java.util.ArrayList;
import java.util.List;

/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH, as Redis 7.0.
 *
 * <p>Queueing happens in {@link Server#dispatch}: inside MULTI every command but EXEC, DISCARD,
 * MULTI, WATCH, QUIT and RESET passes the usual checks (a rejection flags the transaction) and
 * is answered +QUEUED. EXEC then runs the queue in order; nothing else can run in between since
 * one thread runs all commands. WATCH relies on {@code Db.touched}, which every keyspace write
 * calls: a change to a watched key marks the watcher, and its EXEC replies a null array.
 */
public final class TransactionCommands {
    private TransactionCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("multi", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).acl(TRANSACTION)
                .doc("transactions", "1.2.0", "Mark the start of a transaction block", "O(1)")
                .handler(TransactionCommands::multi));
        t.add(cmd("exec", 1).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG).acl(TRANSACTION)
                .doc("transactions", "1.2.0", "Execute all commands issued after MULTI", "Depends on commands in the transaction")
                .handler(TransactionCommands::exec));
        t.add(cmd("discard", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).acl(TRANSACTION)
                .doc("transactions", "2.0.0", "Discard all commands issued after MULTI", "O(N), when N is the number of queued commands")
                .handler(TransactionCommands::discard));
        t.add(cmd("watch", -2).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).acl(TRANSACTION)
                .key(KeySpec.flags("RO").index(1).range(-1, 1, 0))
                .doc("transactions", "2.2.0", "Watch the given keys to determine execution of the MULTI/EXEC block", "O(1) for every key.")
                .handler(TransactionCommands::watch));
        t.add(cmd("unwatch", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).acl(TRANSACTION)
                .doc("transactions", "2.2.0", "Forget about all watched keys", "O(1)")
                .handler(TransactionCommands::unwatch));
    }

    static void multi(Client c, byte[][] argv) {
        Transaction tx = c.tx();
        if (tx.active()) {
            // Not a rejection: the transaction stays valid (Redis does not flag it).
            Args.error(c, "ERR MULTI calls can not be nested");
            return;
        }
        tx.begin();
        c.multi(0, 0);
        c.reply().ok();
    }

    static void discard(Client c, byte[][] argv) {
        Transaction tx = c.txOrNull();
        if (tx == null || !tx.active()) {
            Args.error(c, "ERR DISCARD without MULTI");
            return;
        }
        tx.discard(c);
        c.reply().ok();
    }

    static void watch(Client c, byte[][] argv) {
        Transaction tx = c.tx();
        if (tx.active()) {
            Args.error(c, "ERR WATCH inside MULTI is not allowed");
            return;
        }
        // No point in watching more once a watched key changed: EXEC will fail anyway.
        if (!tx.casDirty()) {
            for (int i = 1; i < argv.length; i++) tx.watch(c.db(), argv[i]);
        }
        c.reply().ok();
    }

    static void unwatch(Client c, byte[][] argv) {
        Transaction tx = c.txOrNull();
        if (tx != null) {
            tx.unwatchAll();
            tx.casDirty(false);
        }
        c.reply().ok();
    }

    static void exec(Client c, byte[][] argv) {
        Transaction tx = c.txOrNull();
        if (tx == null || !tx.active()) {
            Args.error(c, "ERR EXEC without MULTI");
            return;
        }
        // A watched key that reached its expiry time counts as changed, even if not yet deleted.
        for (WatchedKey w : tx.watches()) {
            if (w.db.expiredSinceWatch(w)) tx.casDirty(true);
        }
        if (tx.flagged()) {
            tx.discard(c);
            Args.error(c, "EXECABORT Transaction discarded because of previous errors.");
            return;
        }
        if (tx.casDirty()) {
            tx.discard(c);
            c.reply().nullArray();
            return;
        }
        List<Transaction.Queued> queue = new ArrayList<>(tx.queued());
        tx.unwatchAll();
        Server server = c.server();
        c.reply().array(queue.size());
        server.beginPropagationGroup();
        try {
            for (Transaction.Queued q : queue) {
                // ACL rules may have changed since the command was queued (Redis rechecks at EXEC).
                String denied = server.access() == null ? null : server.access().checkQueued(c, q.spec(), q.argv());
                if (denied != null) {
                    Args.error(c, denied);
                    continue;
                }
                if (server.router() != null && server.router().refuseQueued(c, q.spec(), q.argv())) continue;
                server.call(c, q.spec(), q.argv());
            }
        } finally {
            server.endPropagationGroup();
            tx.discard(c);
        }
    }
}
