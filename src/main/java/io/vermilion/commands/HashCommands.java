package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.HASH;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.config.Config;
import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.BytesMap;
import io.vermilion.types.Hash;
import io.vermilion.util.LongDouble;
import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The hash commands (Redis's t_hash.c family), with Redis 7.0's metadata beside the handlers.
 *
 * <p>Values are {@link Hash} ("listpack" or "hashtable" encoded). Each handler checks its
 * arguments and the key in Redis's order, so that a request with several problems reports the
 * same error. Writes change the hash in place, then tell the database ({@code Db.touched}, for
 * WATCH) and count dirty changes; a hash emptied by HDEL is deleted. HINCRBYFLOAT is propagated
 * as HSET with its result, as Redis does.
 */
public final class HashCommands {
    private HashCommands() {}

    private static final String NONDET_ORDER = "nondeterministic_output_order";
    private static final byte[] HSET = "HSET".getBytes(StandardCharsets.US_ASCII);

    public static void register(CommandTable t) {
        t.add(cmd("hset", -4).flags(WRITE, DENYOOM, FAST).acl(HASH)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Set the string value of a hash field", "O(1) for each field/value pair added, "
                        + "so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.")
                .handler(HashCommands::hset));
        t.add(cmd("hsetnx", 4).flags(WRITE, DENYOOM, FAST).acl(HASH)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Set the value of a hash field, only if the field does not exist", "O(1)")
                .handler(HashCommands::hsetnx));
        t.add(cmd("hmset", -4).flags(WRITE, DENYOOM, FAST).acl(HASH)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Set multiple hash fields to multiple values", "O(N) where N is the number of fields being set.")
                .handler(HashCommands::hset));
        t.add(cmd("hget", 3).flags(READONLY, FAST).acl(HASH)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Get the value of a hash field", "O(1)")
                .handler(HashCommands::hget));
        t.add(cmd("hmget", -3).flags(READONLY, FAST).acl(HASH)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Get the values of all the given hash fields", "O(N) where N is the number of fields being requested.")
                .handler(HashCommands::hmget));
        t.add(cmd("hgetall", 2).flags(READONLY).acl(HASH).tips(NONDET_ORDER)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Get all the fields and values in a hash", "O(N) where N is the size of the hash.")
                .handler((c, argv) -> getall(c, argv, true, true)));
        t.add(cmd("hkeys", 2).flags(READONLY).acl(HASH).tips(NONDET_ORDER)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Get all the fields in a hash", "O(N) where N is the size of the hash.")
                .handler((c, argv) -> getall(c, argv, true, false)));
        t.add(cmd("hvals", 2).flags(READONLY).acl(HASH).tips(NONDET_ORDER)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Get all the values in a hash", "O(N) where N is the size of the hash.")
                .handler((c, argv) -> getall(c, argv, false, true)));
        t.add(cmd("hlen", 2).flags(READONLY, FAST).acl(HASH)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Get the number of fields in a hash", "O(1)")
                .handler(HashCommands::hlen));
        t.add(cmd("hexists", 3).flags(READONLY, FAST).acl(HASH)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Determine if a hash field exists", "O(1)")
                .handler(HashCommands::hexists));
        t.add(cmd("hdel", -3).flags(WRITE, FAST).acl(HASH)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Delete one or more hash fields", "O(N) where N is the number of fields to be removed.")
                .handler(HashCommands::hdel));
        t.add(cmd("hincrby", 4).flags(WRITE, DENYOOM, FAST).acl(HASH)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("hash", "2.0.0", "Increment the integer value of a hash field by the given number", "O(1)")
                .handler(HashCommands::hincrby));
        t.add(cmd("hincrbyfloat", 4).flags(WRITE, DENYOOM, FAST).acl(HASH)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("hash", "2.6.0", "Increment the float value of a hash field by the given amount", "O(1)")
                .handler(HashCommands::hincrbyfloat));
        t.add(cmd("hstrlen", 3).flags(READONLY, FAST).acl(HASH)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("hash", "3.2.0", "Get the length of the value of a hash field", "O(1)")
                .handler(HashCommands::hstrlen));
        t.add(cmd("hrandfield", -2).flags(READONLY).acl(HASH).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("hash", "6.2.0", "Get one or multiple random fields from a hash", "O(N) where N is the number of fields returned")
                .handler(HashCommands::hrandfield));
        t.add(cmd("hscan", -3).flags(READONLY).acl(HASH).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("hash", "2.8.0", "Incrementally iterate hash fields and associated values", "O(1) for every call. "
                        + "O(N) for a complete iteration, including enough command calls for the cursor to return back "
                        + "to 0. N is the number of elements inside the collection..")
                .handler(HashCommands::hscan));
    }

    // ------------------------------------------------------------------ lookups and replies

    /** Marker returned by the lookups after they replied WRONGTYPE. */
    private static final Hash WRONG = new Hash();

    /** lookupKeyRead + checkType: counts a hit or miss; null if absent, {@link #WRONG} after WRONGTYPE. */
    static Hash read(Client c, byte[] key) {
        Object v = c.db().get(key);
        StringCommands.countHit(c, v);
        return check(c, v);
    }

    /** lookupKeyWrite + checkType (no hit/miss statistics). */
    static Hash write(Client c, byte[] key) {
        return check(c, c.db().get(key));
    }

    private static Hash check(Client c, Object v) {
        if (v == null) return null;
        if (v instanceof Hash h) return h;
        Args.error(c, Errors.WRONGTYPE);
        return WRONG;
    }

    static long maxEntries(Client c) {
        return c.server().config().getLong("hash-max-listpack-entries");
    }

    static long maxValue(Client c) {
        return c.server().config().getLong("hash-max-listpack-value");
    }

    /** A bulk reply of one element of h, read in place. */
    static void element(Reply r, Hash h, int e) {
        if (h.isInt(e)) r.bulkLong(h.intAt(e));
        else r.bulk(h.array(e), h.start(e), h.len(e));
    }

    /** After an in-place change of an existing key's hash, or storing a new one. */
    private static void stored(Client c, byte[] key, Hash h, boolean isNew) {
        if (isNew) c.db().put(key, h, false);
        else c.db().touched(key);
    }

    // ------------------------------------------------------------------ writes

    /** HSET key f v [f v ...] (number of new fields) and HMSET (OK). */
    static void hset(Client c, byte[][] argv) {
        if (argv.length % 2 == 1) {
            Args.error(c, Errors.wrongArgs(Args.str(argv[0]).toLowerCase(java.util.Locale.ROOT)));
            return;
        }
        byte[] key = argv[1];
        Hash h = write(c, key);
        if (h == WRONG) return;
        boolean isNew = h == null;
        if (isNew) h = new Hash();
        long maxValue = maxValue(c);
        h.prepareFor(argv, 2, argv.length - 1, maxValue);
        long maxEntries = maxEntries(c);
        long created = h.setPairs(argv, 2, maxEntries, maxValue);
        stored(c, key, h, isNew);
        c.server().addDirty((argv.length - 2) / 2);
        c.server().notify(io.vermilion.pubsub.Events.HASH, "hset", key, c.dbIndex());
        if (argv[0][1] == 's' || argv[0][1] == 'S') c.reply().integer(created);
        else c.reply().ok();
    }

    static void hsetnx(Client c, byte[][] argv) {
        byte[] key = argv[1];
        Hash h = write(c, key);
        if (h == WRONG) return;
        if (h != null && h.contains(argv[2])) {
            c.reply().integer(0);
            return;
        }
        boolean isNew = h == null;
        if (isNew) h = new Hash();
        long maxValue = maxValue(c);
        h.prepareFor(argv, 2, 3, maxValue);
        h.set(argv[2], argv[3], maxEntries(c), maxValue);
        stored(c, key, h, isNew);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.HASH, "hset", key, c.dbIndex());
        c.reply().integer(1);
    }

    static void hincrby(Client c, byte[][] argv) {
        Long incrArg = Args.longOrReply(c, argv[3]);
        if (incrArg == null) return;
        long incr = incrArg;
        byte[] key = argv[1];
        Hash h = write(c, key);
        if (h == WRONG) return;
        long value = 0;
        if (h != null) {
            int e = h.findValue(argv[2]);
            if (e >= 0) {
                if (h.isInt(e)) {
                    value = h.intAt(e);
                } else {
                    long[] out = new long[1];
                    if (!Numbers.parseLong(h.array(e), h.start(e), h.len(e), out)) {
                        Args.error(c, "ERR hash value is not an integer");
                        return;
                    }
                    value = out[0];
                }
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            Args.error(c, "ERR increment or decrement would overflow");
            return;
        }
        value += incr;
        boolean isNew = h == null;
        if (isNew) h = new Hash();
        h.set(argv[2], Numbers.toBytes(value), maxEntries(c), maxValue(c));
        stored(c, key, h, isNew);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.HASH, "hincrby", key, c.dbIndex());
        c.reply().integer(value);
    }

    static void hincrbyfloat(Client c, byte[][] argv) {
        LongDouble incr = LongDouble.parse(argv[3]);
        if (incr == null) {
            Args.error(c, Errors.NOT_FLOAT);
            return;
        }
        if (!incr.isFinite()) {
            Args.error(c, "ERR value is NaN or Infinity");
            return;
        }
        byte[] key = argv[1];
        Hash h = write(c, key);
        if (h == WRONG) return;
        LongDouble value = LongDouble.ZERO;
        if (h != null) {
            int e = h.findValue(argv[2]);
            if (e >= 0) {
                if (h.isInt(e)) {
                    value = LongDouble.parse(Numbers.toBytes(h.intAt(e)));
                } else {
                    value = LongDouble.parse(h.array(e), h.start(e), h.len(e));
                    if (value == null) {
                        Args.error(c, "ERR hash value is not a float");
                        return;
                    }
                }
            }
        }
        LongDouble sum = value.add(incr);
        if (!sum.isFinite()) {
            Args.error(c, "ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] out = sum.toHumanBytes();
        boolean isNew = h == null;
        if (isNew) h = new Hash();
        h.set(argv[2], out, maxEntries(c), maxValue(c));
        stored(c, key, h, isNew);
        c.server().addDirty(1);
        // Replicas and the AOF get the result, never a float operation to redo.
        c.propagateAs(HSET, key, argv[2], out);
        c.server().notify(io.vermilion.pubsub.Events.HASH, "hincrbyfloat", key, c.dbIndex());
        c.reply().bulk(out);
    }

    static void hdel(Client c, byte[][] argv) {
        byte[] key = argv[1];
        Hash h = write(c, key);
        if (h == WRONG) return;
        if (h == null) {
            c.reply().integer(0);
            return;
        }
        long deleted = 0;
        boolean removed = false;
        for (int j = 2; j < argv.length; j++) {
            if (h.delete(argv[j])) {
                deleted++;
                if (h.size() == 0) {
                    c.db().delete(key);
                    removed = true;
                    break;
                }
            }
        }
        if (deleted > 0) {
            if (!removed) c.db().touched(key);
            c.server().addDirty(deleted);
            c.server().notify(io.vermilion.pubsub.Events.HASH, "hdel", key, c.dbIndex());
            if (removed) c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        }
        c.reply().integer(deleted);
    }

    // ------------------------------------------------------------------ reads

    static void hget(Client c, byte[][] argv) {
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        if (h == null) {
            c.reply().nullBulk();
            return;
        }
        int e = h.findValue(argv[2]);
        if (e < 0) c.reply().nullBulk();
        else element(c.reply(), h, e);
    }

    static void hmget(Client c, byte[][] argv) {
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        Reply r = c.reply();
        r.array(argv.length - 2);
        for (int i = 2; i < argv.length; i++) {
            int e = h == null ? -1 : h.findValue(argv[i]);
            if (e < 0) r.nullBulk();
            else element(r, h, e);
        }
    }

    static void getall(Client c, byte[][] argv, boolean fields, boolean values) {
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        Reply r = c.reply();
        long n = h == null ? 0 : h.size();
        if (fields && values) r.map(n);
        else r.array(n);
        if (h == null) return;
        for (int f = h.firstField(); f >= 0; f = h.nextField(f)) {
            if (fields) element(r, h, f);
            if (values) element(r, h, h.valueOf(f));
        }
    }

    static void hlen(Client c, byte[][] argv) {
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        c.reply().integer(h == null ? 0 : h.size());
    }

    static void hexists(Client c, byte[][] argv) {
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        c.reply().integer(h != null && h.contains(argv[2]) ? 1 : 0);
    }

    static void hstrlen(Client c, byte[][] argv) {
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        int e = h == null ? -1 : h.findValue(argv[2]);
        c.reply().integer(e < 0 ? 0 : h.textLength(e));
    }

    // ------------------------------------------------------------------ HSCAN

    static void hscan(Client c, byte[][] argv) {
        long[] cur = new long[1];
        if (!ScanArgs.cursorOrReply(c, argv[2], cur)) return;
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        Reply r = c.reply();
        if (h == null) {
            r.array(2);
            r.bulk(ZERO);
            r.array(0);
            return;
        }
        ScanArgs a = ScanArgs.parseOrReply(c, argv, 3);
        if (a == null) return;
        long cursor;
        List<byte[]> out = new ArrayList<>();
        if (h.isListpack()) {
            for (int f = h.firstField(); f >= 0; f = h.nextField(f)) {
                byte[] field = h.bytes(f);
                if (a.match != null && !a.match.matches(field)) continue;
                out.add(field);
                out.add(h.bytes(h.valueOf(f)));
            }
            cursor = 0;
        } else {
            BytesMap m = h.map();
            long count = a.count * 2;   // fields and values
            long maxIterations = count * 10;
            cursor = cur[0];
            do {
                cursor = m.scan(cursor, (k, v) -> {
                    if (a.match != null && !a.match.matches(k)) return;
                    out.add(k);
                    out.add(v);
                });
            } while (cursor != 0 && maxIterations-- > 0 && out.size() < count);
        }
        r.array(2);
        r.bulk(Long.toUnsignedString(cursor).getBytes(StandardCharsets.US_ASCII));
        r.array(out.size());
        for (byte[] b : out) r.bulk(b);
    }

    private static final byte[] ZERO = {'0'};

    // ------------------------------------------------------------------ HRANDFIELD

    /** Redis's HRANDFIELD_SUB_STRATEGY_MUL. */
    private static final int SUB_STRATEGY_MUL = 3;

    static void hrandfield(Client c, byte[][] argv) {
        if (argv.length >= 3) {
            Long l = Args.longOrReply(c, argv[2]);
            if (l == null) return;
            if (l < -Long.MAX_VALUE) {
                Args.error(c, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                return;
            }
            boolean withValues = false;
            if (argv.length > 4 || (argv.length == 4 && !Args.is(argv[3], "withvalues"))) {
                Args.error(c, Errors.SYNTAX);
                return;
            } else if (argv.length == 4) {
                withValues = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    Args.error(c, "ERR value is out of range");
                    return;
                }
            }
            randomWithCount(c, argv[1], l, withValues);
            return;
        }
        Hash h = read(c, argv[1]);
        if (h == WRONG) return;
        if (h == null) {
            c.reply().nullBulk();
            return;
        }
        element(c.reply(), h, randomField(h, ThreadLocalRandom.current()));
    }

    /** A random field handle of a non-empty hash. */
    private static int randomField(Hash h, ThreadLocalRandom rnd) {
        if (h.isListpack()) return h.listpackPair(rnd.nextInt((int) h.size()));
        return 2 * h.map().randomSlot(rnd);
    }

    private static void randomWithCount(Client c, byte[] key, long l, boolean withValues) {
        Hash h = read(c, key);
        if (h == WRONG) return;
        Reply r = c.reply();
        if (h == null) {
            r.array(0);
            return;
        }
        long size = h.size();
        boolean uniq = l >= 0;
        long count = uniq ? l : -l;
        if (count == 0) {
            r.array(0);
            return;
        }
        boolean resp3 = r.resp3();
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        // CASE 1: repetitions allowed (or a single element): sample the whole hash each time.
        if (!uniq || count == 1) {
            r.array(withValues && !resp3 ? count * 2 : count);
            if (h.isListpack()) {
                int[] pairs = pairOffsets(h);
                while (count-- > 0) {
                    int f = pairs[rnd.nextInt(pairs.length)];
                    pair(r, h, f, withValues, resp3);
                }
            } else {
                while (count-- > 0) pair(r, h, randomField(h, rnd), withValues, resp3);
            }
            return;
        }
        long replySize = Math.min(count, size);
        r.array(withValues && !resp3 ? replySize * 2 : replySize);
        // CASE 2: as many or more than the hash holds: the whole hash.
        if (count >= size) {
            for (int f = h.firstField(); f >= 0; f = h.nextField(f)) pair(r, h, f, withValues, resp3);
            return;
        }
        // CASE 3 (count close to the size): drop random fields until count remain.
        // CASE 4 (small count): pick random distinct fields. Both reply in a random order.
        int n = (int) size;
        int[] handles = new int[n];
        int k = 0;
        for (int f = h.firstField(); f >= 0; f = h.nextField(f)) handles[k++] = f;
        if (count * SUB_STRATEGY_MUL > size) {
            int remain = n;
            while (remain > count) {
                int j = rnd.nextInt(remain);
                handles[j] = handles[--remain];
            }
            for (int j = 0; j < remain; j++) pair(r, h, handles[j], withValues, resp3);
        } else {
            // A partial Fisher-Yates shuffle: the first count entries are distinct random picks.
            for (int j = 0; j < count; j++) {
                int s = j + rnd.nextInt(n - j);
                int t = handles[j];
                handles[j] = handles[s];
                handles[s] = t;
                pair(r, h, handles[j], withValues, resp3);
            }
        }
    }

    private static int[] pairOffsets(Hash h) {
        int[] out = new int[(int) h.size()];
        int k = 0;
        for (int f = h.firstField(); f >= 0; f = h.nextField(f)) out[k++] = f;
        return out;
    }

    private static void pair(Reply r, Hash h, int f, boolean withValues, boolean resp3) {
        if (withValues && resp3) r.array(2);
        element(r, h, f);
        if (withValues) element(r, h, h.valueOf(f));
    }

    /** For tests and the generic commands: the configured limits of a node's config. */
    static long[] limits(Config cfg) {
        return new long[] {cfg.getLong("hash-max-listpack-entries"), cfg.getLong("hash-max-listpack-value")};
    }
}
