package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.ADMIN;
import static io.vermilion.server.CommandSpec.Acl.DANGEROUS;
import static io.vermilion.server.CommandSpec.Acl.KEYSPACE;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.NO_ASYNC_LOADING;
import static io.vermilion.server.CommandSpec.Flag.NO_MULTI;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.persistence.Persistence;
import io.vermilion.persistence.rdb.DumpPayload;
import io.vermilion.persistence.rdb.RdbException;
import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;

/**
 * Persistence commands: SAVE, BGSAVE, BGREWRITEAOF, DUMP, RESTORE (LASTSAVE is in ServerCommands:
 * it reads Server.lastSaveSec, which saves update). The work is done by {@link Persistence}; here
 * are Redis's argument rules and reply texts.
 */
public final class PersistenceCommands {
    private PersistenceCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("save", 1).flags(CommandSpec.Flag.ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI)
                .doc("server", "1.0.0", "Synchronously save the dataset to disk",
                        "O(N) where N is the total number of keys in all databases")
                .handler(PersistenceCommands::save));
        t.add(cmd("bgsave", -1).flags(CommandSpec.Flag.ADMIN, NOSCRIPT, NO_ASYNC_LOADING)
                .doc("server", "1.0.0", "Asynchronously save the dataset to disk", "O(1)")
                .handler(PersistenceCommands::bgsave));
        t.add(cmd("bgrewriteaof", 1).flags(CommandSpec.Flag.ADMIN, NOSCRIPT, NO_ASYNC_LOADING)
                .doc("server", "1.0.0", "Asynchronously rewrite the append-only file", "O(1)")
                .handler(PersistenceCommands::bgrewriteaof));
        t.add(cmd("dump", 2).flags(READONLY).acl(KEYSPACE)
                .tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("generic", "2.6.0", "Return a serialized version of the value stored at the specified key.",
                        "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis "
                                + "objects composing the value and M their average size. For small string values the "
                                + "time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).")
                .handler(PersistenceCommands::dump));
        t.add(cmd("restore", -4).flags(WRITE, DENYOOM).acl(KEYSPACE, DANGEROUS)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .doc("generic", "2.6.0", "Create a key using the provided serialized value, previously obtained using DUMP.",
                        "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N "
                                + "is the number of Redis objects composing the value and M their average size. For small "
                                + "string values the time complexity is thus O(1)+O(1*M) where M is small, so simply "
                                + "O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting "
                                + "values into sorted sets is O(log(N)).")
                .handler(PersistenceCommands::restore));
    }

    private static final byte[] DEL = {'D', 'E', 'L'};
    private static final byte[] ABSTTL = {'A', 'B', 'S', 'T', 'T', 'L'};

    static void save(Client c, byte[][] argv) {
        Persistence p = Persistence.of(c.server());
        if (p.bgsaveInProgress()) {
            Args.error(c, "ERR Background save already in progress");
            return;
        }
        if (p.saveNow()) c.reply().ok();
        else Args.error(c, "ERR");
    }

    static void bgsave(Client c, byte[][] argv) {
        boolean schedule = false;
        if (argv.length > 1) {
            if (argv.length == 2 && Args.is(argv[1], "schedule")) {
                schedule = true;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        switch (Persistence.of(c.server()).bgsave(schedule)) {
            case STARTED -> c.reply().simple("Background saving started");
            case SCHEDULED -> c.reply().simple("Background saving scheduled");
            case ALREADY_IN_PROGRESS -> Args.error(c, "ERR Background save already in progress");
            case CHILD_ACTIVE -> Args.error(c, "ERR Another child process is active (AOF?): can't BGSAVE right now. "
                    + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            default -> Args.error(c, "ERR");
        }
    }

    static void bgrewriteaof(Client c, byte[][] argv) {
        switch (Persistence.of(c.server()).aof().bgrewriteaof()) {
            case STARTED -> c.reply().simple("Background append only file rewriting started");
            case SCHEDULED -> c.reply().simple("Background append only file rewriting scheduled");
            case ALREADY_IN_PROGRESS -> Args.error(c, "ERR Background append only file rewriting already in progress");
            default -> Args.error(c, "ERR Can't execute an AOF background rewriting. "
                    + "Please check the server logs for more information.");
        }
    }

    static void dump(Client c, byte[][] argv) {
        Object v = c.db().get(argv[1]);
        if (v == null) {
            c.server().keyspace().stats().keyspaceMisses++;
            c.reply().nullBulk();
            return;
        }
        c.server().keyspace().stats().keyspaceHits++;
        Persistence p = Persistence.of(c.server());
        c.reply().bulk(DumpPayload.create(v, p.codec(), c.server().config().getBool("rdbcompression")));
    }

    static void restore(Client c, byte[][] argv) {
        boolean replace = false, absttl = false;
        long idle = -1, freq = -1;
        for (int j = 4; j < argv.length; j++) {
            int additional = argv.length - j - 1;
            if (Args.is(argv[j], "replace")) {
                replace = true;
            } else if (Args.is(argv[j], "absttl")) {
                absttl = true;
            } else if (Args.is(argv[j], "idletime") && additional >= 1 && freq == -1) {
                Long v = Args.longOrReply(c, argv[j + 1]);
                if (v == null) return;
                if (v < 0) {
                    Args.error(c, "ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
                idle = v;
                j++;
            } else if (Args.is(argv[j], "freq") && additional >= 1 && idle == -1) {
                Long v = Args.longOrReply(c, argv[j + 1]);
                if (v == null) return;
                if (v < 0 || v > 255) {
                    Args.error(c, "ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
                freq = v;
                j++;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        Db db = c.db();
        byte[] key = argv[1];
        if (!replace && db.exists(key)) {
            Args.error(c, "BUSYKEY Target key name already exists.");
            return;
        }
        Long ttlArg = Args.longOrReply(c, argv[2]);
        if (ttlArg == null) return;
        long ttl = ttlArg;
        if (ttl < 0) {
            Args.error(c, "ERR Invalid TTL value, must be >= 0");
            return;
        }
        byte[] payload = argv[3];
        if (!DumpPayload.verify(payload)) {
            Args.error(c, "ERR DUMP payload version or checksum are wrong");
            return;
        }
        Object value;
        try {
            value = DumpPayload.decode(payload, Persistence.of(c.server()).codec());
        } catch (RdbException e) {
            Args.error(c, "ERR Bad data format");
            return;
        }
        boolean deleted = replace && db.delete(key);
        long now = c.server().keyspace().now();
        if (ttl != 0 && !absttl) ttl += now;
        if (ttl != 0 && ttl <= now && !c.server().loading()) {
            // Already expired: nothing is created (a replaced key is gone: propagated as DEL).
            if (deleted) {
                c.propagateAs(DEL, key);
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
            }
            c.reply().ok();
            return;
        }
        db.put(key, value, false);
        if (ttl != 0) {
            db.setExpire(key, ttl);
            if (!absttl) {
                // A relative TTL replayed later would end later: propagate the absolute time.
                byte[][] out = java.util.Arrays.copyOf(argv, argv.length + 1);
                out[2] = io.vermilion.util.Numbers.toBytes(ttl);
                out[argv.length] = ABSTTL;
                c.propagateAs(out);
            }
        }
        // Redis's objectSetLRUOrLFU: FREQ under an LFU policy, IDLETIME otherwise.
        if (freq >= 0) db.setFrequency(key, (int) freq);
        if (idle >= 0) db.setIdle(key, idle);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.GENERIC, "restore", key, c.dbIndex());
        c.reply().ok();
    }
}
