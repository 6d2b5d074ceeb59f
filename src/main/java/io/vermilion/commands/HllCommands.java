package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.HYPERLOGLOG;
import static io.vermilion.server.CommandSpec.Flag.ADMIN;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.MAY_REPLICATE;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.Hll;
import io.vermilion.types.Sds;
import io.vermilion.types.Strings;

/**
 * The HyperLogLog commands (Redis's hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG and
 * PFSELFTEST. An HLL is a string value in Redis's own byte format ({@link Hll}); commands that
 * change it unshare it into an {@link Sds} ("raw") owned by the key and change it in place.
 *
 * <p>Propagation follows Redis: PFADD and PFMERGE as they were called (dirty only when something
 * changed); PFCOUNT of one key is read-only but writes the cached cardinality into the value, so
 * it counts as a change and is propagated (MAY_REPLICATE) when it recomputed the cache; PFDEBUG
 * GETREG/TODENSE when they converted the value to dense.
 */
public final class HllCommands {
    private HllCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("pfadd", -2).flags(WRITE, DENYOOM, FAST).acl(HYPERLOGLOG)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("hyperloglog", "2.8.9", "Adds the specified elements to the specified HyperLogLog.",
                        "O(1) to add every element.")
                .handler(HllCommands::pfadd));
        t.add(cmd("pfcount", -2).flags(READONLY, MAY_REPLICATE).acl(HYPERLOGLOG)
                .key(KeySpec.flags("RW ACCESS",
                        "RW because it may change the internal representation of the key, and propagate to replicas")
                        .index(1).range(-1, 1, 0))
                .doc("hyperloglog", "2.8.9",
                        "Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).",
                        "O(1) with a very small average constant time when called with a single key. O(N) with N being "
                        + "the number of keys, and much bigger constant times, when called with multiple keys.")
                .handler(HllCommands::pfcount));
        t.add(cmd("pfmerge", -2).flags(WRITE, DENYOOM).acl(HYPERLOGLOG)
                .key(KeySpec.flags("RW ACCESS INSERT").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).range(-1, 1, 0))
                .doc("hyperloglog", "2.8.9", "Merge N different HyperLogLogs into a single one.",
                        "O(N) to merge N HyperLogLogs, but with high constant times.")
                .handler(HllCommands::pfmerge));
        t.add(cmd("pfdebug", 3).flags(WRITE, DENYOOM, ADMIN).acl(HYPERLOGLOG)
                .key(KeySpec.flags("RW ACCESS").index(2).range(0, 1, 0))
                .doc("hyperloglog", "2.8.9", "Internal commands for debugging HyperLogLog values", "N/A")
                .handler(HllCommands::pfdebug));
        t.add(cmd("pfselftest", 1).flags(ADMIN).acl(HYPERLOGLOG)
                .doc("hyperloglog", "2.8.9", "An internal command for testing HyperLogLog values", "N/A")
                .handler(HllCommands::pfselftest));
    }

    private static long sparseMaxBytes(Client c) {
        return c.server().config().getLong("hll-sparse-max-bytes");
    }

    /** Redis's lookupKeyRead: the value (any type) or null, counting a keyspace hit or miss. */
    private static Object readValue(Client c, byte[] key) {
        Object v = c.db().get(key);
        StringCommands.countHit(c, v);
        return v;
    }

    /** Marker: the lookup replied an error. */
    private static final Object ERROR = new Object();

    /**
     * Redis's isHLLObjectOrReply for a value that exists: WRONGTYPE for another type, the
     * HyperLogLog WRONGTYPE for a string that is not a valid HLL; returns v or {@link #ERROR}.
     */
    private static Object checkHll(Client c, Object v) {
        if (!Strings.isString(v)) {
            Args.error(c, Errors.WRONGTYPE);
            return ERROR;
        }
        byte[] a = v instanceof Sds s ? s.array() : (byte[]) v;
        if (!Hll.isValid(a, Strings.length(v))) {
            Args.error(c, Hll.NOT_HLL);
            return ERROR;
        }
        return v;
    }

    /** Redis's dbUnshareStringValue: the value as a raw Sds only this key holds. */
    private static Sds unshare(Client c, byte[] key, Object v) {
        if (v instanceof Sds s && s.encoding().equals("raw")) return s;
        Sds s = new Sds(Strings.bytes(v), 0);
        c.db().swapRepresentation(key, s);
        return s;
    }

    static void pfadd(Client c, byte[][] argv) {
        byte[] key = argv[1];
        Object v = c.db().get(key);
        Sds s;
        long updated = 0;
        if (v == null) {
            s = Hll.create();
            c.db().put(key, s, false);
            updated++;
        } else {
            if (checkHll(c, v) == ERROR) return;
            s = unshare(c, key, v);
        }
        long max = sparseMaxBytes(c);
        for (int j = 2; j < argv.length; j++) {
            int r = Hll.add(s, argv[j], max);
            if (r < 0) {
                Args.error(c, Hll.INVALID_HLL);
                return;
            }
            updated += r;
        }
        if (updated > 0) {
            c.db().touched(key);
            c.server().addDirty(updated);
            Hll.invalidateCache(s);
            c.server().notify(io.vermilion.pubsub.Events.STRING, "pfadd", key, c.dbIndex());
        }
        c.reply().integer(updated > 0 ? 1 : 0);
    }

    static void pfcount(Client c, byte[][] argv) {
        if (argv.length > 2) {
            byte[] max = new byte[Hll.REGISTERS];
            for (int j = 1; j < argv.length; j++) {
                Object v = readValue(c, argv[j]);
                if (v == null) continue;
                if (checkHll(c, v) == ERROR) return;
                byte[] a = v instanceof Sds s ? s.array() : (byte[]) v;
                if (!Hll.mergeInto(max, a, Strings.length(v))) {
                    Args.error(c, Hll.INVALID_HLL);
                    return;
                }
            }
            c.reply().integer(Hll.estimateRaw(max));
            return;
        }
        byte[] key = argv[1];
        Object v = readValue(c, key);
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        if (checkHll(c, v) == ERROR) return;
        Sds s = unshare(c, key, v);
        boolean recompute = Hll.needsCount(s);
        long card = Hll.cardinality(s);
        if (card < 0) {
            Args.error(c, Hll.INVALID_HLL);
            return;
        }
        if (recompute) {
            c.db().touched(key);
            c.server().addDirty(1);
        }
        c.reply().integer(card);
    }

    static void pfmerge(Client c, byte[][] argv) {
        byte[] max = new byte[Hll.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < argv.length; j++) {
            Object v = readValue(c, argv[j]);
            if (v == null) continue;
            if (checkHll(c, v) == ERROR) return;
            byte[] a = v instanceof Sds s ? s.array() : (byte[]) v;
            if (a[4] == Hll.DENSE) useDense = true;
            if (!Hll.mergeInto(max, a, Strings.length(v))) {
                Args.error(c, Hll.INVALID_HLL);
                return;
            }
        }
        byte[] key = argv[1];
        Object v = c.db().get(key);
        Sds s;
        if (v == null) {
            s = Hll.create();
            c.db().put(key, s, false);
        } else {
            s = unshare(c, key, v);   // checked as a source above
        }
        if (useDense && !Hll.toDense(s)) {
            Args.error(c, Hll.INVALID_HLL);
            return;
        }
        Hll.storeMerged(s, max, sparseMaxBytes(c));
        c.db().touched(key);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "pfadd", key, c.dbIndex());
        c.reply().ok();
    }

    static void pfdebug(Client c, byte[][] argv) {
        byte[] key = argv[2];
        Object v = c.db().get(key);
        if (v == null) {
            Args.error(c, "ERR The specified key does not exist");
            return;
        }
        if (checkHll(c, v) == ERROR) return;
        Sds s = unshare(c, key, v);
        byte[] sub = argv[1];
        if (Args.is(sub, "getreg")) {
            if (Hll.encoding(s) == Hll.SPARSE) {
                if (!Hll.toDense(s)) {
                    Args.error(c, Hll.INVALID_HLL);
                    return;
                }
                c.server().addDirty(1);
            }
            int[] regs = Hll.registers(s);
            c.reply().array(regs.length);
            for (int r : regs) c.reply().integer(r);
        } else if (Args.is(sub, "decode")) {
            if (Hll.encoding(s) != Hll.SPARSE) {
                Args.error(c, "ERR HLL encoding is not sparse");
                return;
            }
            c.reply().bulk(Hll.decode(s));
        } else if (Args.is(sub, "encoding")) {
            c.reply().simple(Hll.encoding(s) == Hll.DENSE ? "dense" : "sparse");
        } else if (Args.is(sub, "todense")) {
            boolean converted = false;
            if (Hll.encoding(s) == Hll.SPARSE) {
                if (!Hll.toDense(s)) {
                    Args.error(c, Hll.INVALID_HLL);
                    return;
                }
                converted = true;
                c.server().addDirty(1);
            }
            c.reply().integer(converted ? 1 : 0);
        } else {
            Args.error(c, "ERR Unknown PFDEBUG subcommand '" + Args.latin1(sub) + "'");
        }
    }

    static void pfselftest(Client c, byte[][] argv) {
        String failure = Hll.selfTest(sparseMaxBytes(c), new java.util.Random());
        if (failure == null) c.reply().ok();
        else Args.error(c, "ERR " + failure);
    }
}
