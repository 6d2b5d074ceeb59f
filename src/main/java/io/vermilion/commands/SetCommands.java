package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.SET;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.BytesSet;
import io.vermilion.types.Intset;
import io.vermilion.types.RedisSet;
import io.vermilion.util.Glob;
import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The set commands (Redis's t_set.c family) over {@link RedisSet}. Metadata mirrors Redis 7.0's
 * COMMAND INFO; every handler checks arguments and keys in Redis's order, and store variants
 * build their result the way Redis does (starting from an intset, converting as members are
 * added), so OBJECT ENCODING of a result matches too.
 *
 * <p>Reply order: intset members come out ascending, as in Redis; hash-table members come out in
 * our table order, which is not Redis's dict order (Redis documents it as unspecified).
 */
public final class SetCommands {
    private SetCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("sadd", -3).flags(WRITE, DENYOOM, FAST).acl(SET)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("set", "1.0.0", "Add one or more members to a set",
                        "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
                .handler(SetCommands::sadd));
        t.add(cmd("srem", -3).flags(WRITE, FAST).acl(SET)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("set", "1.0.0", "Remove one or more members from a set", "O(N) where N is the number of members to be removed.")
                .handler(SetCommands::srem));
        t.add(cmd("scard", 2).flags(READONLY, FAST).acl(SET)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("set", "1.0.0", "Get the number of members in a set", "O(1)")
                .handler(SetCommands::scard));
        t.add(cmd("sismember", 3).flags(READONLY, FAST).acl(SET)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("set", "1.0.0", "Determine if a given value is a member of a set", "O(1)")
                .handler(SetCommands::sismember));
        t.add(cmd("smismember", -3).flags(READONLY, FAST).acl(SET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("set", "6.2.0", "Returns the membership associated with the given elements for a set",
                        "O(N) where N is the number of elements being checked for membership")
                .handler(SetCommands::smismember));
        t.add(cmd("smembers", 2).flags(READONLY).acl(SET).tips("nondeterministic_output_order")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("set", "1.0.0", "Get all the members in a set", "O(N) where N is the set cardinality.")
                .handler((c, argv) -> sinterGeneric(c, argv, 1, argv.length, null, false, 0)));
        t.add(cmd("srandmember", -2).flags(READONLY).acl(SET).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("set", "1.0.0", "Get one or multiple random members from a set",
                        "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.")
                .handler(SetCommands::srandmember));
        t.add(cmd("spop", -2).flags(WRITE, FAST).acl(SET).tips("nondeterministic_output")
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .doc("set", "1.0.0", "Remove and return one or multiple random members from a set",
                        "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.")
                .handler(SetCommands::spop));
        t.add(cmd("smove", 4).flags(WRITE, FAST).acl(SET)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RW INSERT").index(2).range(0, 1, 0))
                .doc("set", "1.0.0", "Move a member from one set to another", "O(1)")
                .handler(SetCommands::smove));
        String interComplexity = "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
        t.add(cmd("sinter", -2).flags(READONLY).acl(SET).tips("nondeterministic_output_order")
                .key(KeySpec.flags("RO ACCESS").index(1).range(-1, 1, 0))
                .doc("set", "1.0.0", "Intersect multiple sets", interComplexity)
                .handler((c, argv) -> sinterGeneric(c, argv, 1, argv.length, null, false, 0)));
        t.add(cmd("sintercard", -3).flags(READONLY).acl(SET)
                .key(KeySpec.flags("RO ACCESS").index(1).keynum(0, 1, 1))
                .doc("set", "7.0.0", "Intersect multiple sets and return the cardinality of the result", interComplexity)
                .handler(SetCommands::sintercard));
        t.add(cmd("sinterstore", -3).flags(WRITE, DENYOOM).acl(SET)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).range(-1, 1, 0))
                .doc("set", "1.0.0", "Intersect multiple sets and store the resulting set in a key", interComplexity)
                .handler((c, argv) -> sinterGeneric(c, argv, 2, argv.length, argv[1], false, 0)));
        String unionComplexity = "O(N) where N is the total number of elements in all given sets.";
        t.add(cmd("sunion", -2).flags(READONLY).acl(SET).tips("nondeterministic_output_order")
                .key(KeySpec.flags("RO ACCESS").index(1).range(-1, 1, 0))
                .doc("set", "1.0.0", "Add multiple sets", unionComplexity)
                .handler((c, argv) -> sunionDiffGeneric(c, argv, 1, null, false)));
        t.add(cmd("sunionstore", -3).flags(WRITE, DENYOOM).acl(SET)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).range(-1, 1, 0))
                .doc("set", "1.0.0", "Add multiple sets and store the resulting set in a key", unionComplexity)
                .handler((c, argv) -> sunionDiffGeneric(c, argv, 2, argv[1], false)));
        t.add(cmd("sdiff", -2).flags(READONLY).acl(SET).tips("nondeterministic_output_order")
                .key(KeySpec.flags("RO ACCESS").index(1).range(-1, 1, 0))
                .doc("set", "1.0.0", "Subtract multiple sets", unionComplexity)
                .handler((c, argv) -> sunionDiffGeneric(c, argv, 1, null, true)));
        t.add(cmd("sdiffstore", -3).flags(WRITE, DENYOOM).acl(SET)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).range(-1, 1, 0))
                .doc("set", "1.0.0", "Subtract multiple sets and store the resulting set in a key", unionComplexity)
                .handler((c, argv) -> sunionDiffGeneric(c, argv, 2, argv[1], true)));
        t.add(cmd("sscan", -3).flags(READONLY).acl(SET).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("set", "2.8.0", "Incrementally iterate Set elements",
                        "O(1) for every call. O(N) for a complete iteration, including enough command calls for the "
                        + "cursor to return back to 0. N is the number of elements inside the collection..")
                .handler(SetCommands::sscan));
    }

    // ------------------------------------------------------------------ lookups

    /** Returned by the lookups after they replied WRONGTYPE. */
    static final RedisSet WRONG = RedisSet.emptyIntset();

    /** lookupKeyRead + checkType: counts a hit or miss; null if absent; {@link #WRONG} after WRONGTYPE. */
    static RedisSet readSet(Client c, byte[] key) {
        Object v = c.db().get(key);
        StringCommands.countHit(c, v);
        return check(c, v);
    }

    /** lookupKeyWrite + checkType (no statistics). */
    static RedisSet writeSet(Client c, byte[] key) {
        return check(c, c.db().get(key));
    }

    private static RedisSet check(Client c, Object v) {
        if (v == null) return null;
        if (v instanceof RedisSet s) return s;
        Args.error(c, Errors.WRONGTYPE);
        return WRONG;
    }

    /** set-max-intset-entries now (Redis reads the threshold at each write). */
    static long maxIntset(Client c) {
        return c.server().config().getLong("set-max-intset-entries");
    }

    private static Random rnd() {
        return ThreadLocalRandom.current();
    }

    /** Writes every member of s as a bulk string (an intset in ascending order). */
    static void replyMembers(Reply r, RedisSet s) {
        if (s.isIntset()) {
            byte[] is = s.intset();
            int n = Intset.length(is);
            for (int i = 0; i < n; i++) r.bulkLong(Intset.get(is, i));
        } else {
            BytesSet t = s.hashtable();
            int cap = t.capacity();
            for (int i = 0; i < cap; i++) {
                byte[] m = t.slot(i);
                if (m != null) r.bulk(m);
            }
        }
    }

    private static final byte[] SREM = "SREM".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);

    // ------------------------------------------------------------------ SADD SREM SMOVE

    static void sadd(Client c, byte[][] argv) {
        byte[] key = argv[1];
        RedisSet s = writeSet(c, key);
        if (s == WRONG) return;
        Db db = c.db();
        if (s == null) {
            s = RedisSet.forMember(argv[2]);
            db.put(key, s, false);
        }
        int added = s.addAll(argv, 2, argv.length, maxIntset(c));
        if (added > 0) {
            db.touched(key);
            c.server().notify(io.vermilion.pubsub.Events.SET, "sadd", key, c.dbIndex());
        }
        c.server().addDirty(added);
        c.reply().integer(added);
    }

    static void srem(Client c, byte[][] argv) {
        byte[] key = argv[1];
        RedisSet s = writeSet(c, key);
        if (s == WRONG) return;
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        Db db = c.db();
        int deleted = 0;
        boolean removed = false;
        for (int j = 2; j < argv.length; j++) {
            if (s.remove(argv[j])) {
                deleted++;
                if (s.size() == 0) {
                    db.delete(key);
                    removed = true;
                    break;
                }
            }
        }
        if (deleted > 0) {
            if (!removed) db.touched(key);
            c.server().addDirty(deleted);
            c.server().notify(io.vermilion.pubsub.Events.SET, "srem", key, c.dbIndex());
            if (removed) c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        }
        c.reply().integer(deleted);
    }

    static void smove(Client c, byte[][] argv) {
        byte[] srcKey = argv[1], dstKey = argv[2], member = argv[3];
        Db db = c.db();
        Object srcV = db.get(srcKey);
        Object dstV = db.get(dstKey);
        if (srcV == null) {
            c.reply().integer(0);
            return;
        }
        if (!(srcV instanceof RedisSet src) || (dstV != null && !(dstV instanceof RedisSet))) {
            Args.error(c, Errors.WRONGTYPE);
            return;
        }
        RedisSet dst = (RedisSet) dstV;
        if (src == dst) {
            c.reply().integer(src.contains(member) ? 1 : 0);
            return;
        }
        if (!src.remove(member)) {
            c.reply().integer(0);
            return;
        }
        c.server().notify(io.vermilion.pubsub.Events.SET, "srem", srcKey, c.dbIndex());
        if (src.size() == 0) {
            db.delete(srcKey);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", srcKey, c.dbIndex());
        } else {
            db.touched(srcKey);
        }
        if (dst == null) {
            dst = RedisSet.forMember(member);
            db.put(dstKey, dst, false);
        }
        c.server().addDirty(1);
        if (dst.add(member, maxIntset(c))) {
            c.server().addDirty(1);
            db.touched(dstKey);
            c.server().notify(io.vermilion.pubsub.Events.SET, "sadd", dstKey, c.dbIndex());
        }
        c.reply().integer(1);
    }

    // ------------------------------------------------------------------ reads

    static void sismember(Client c, byte[][] argv) {
        RedisSet s = readSet(c, argv[1]);
        if (s == WRONG) return;
        c.reply().integer(s != null && s.contains(argv[2]) ? 1 : 0);
    }

    static void smismember(Client c, byte[][] argv) {
        RedisSet s = readSet(c, argv[1]);
        if (s == WRONG) return;
        c.reply().array(argv.length - 2);
        for (int j = 2; j < argv.length; j++) {
            c.reply().integer(s != null && s.contains(argv[j]) ? 1 : 0);
        }
    }

    static void scard(Client c, byte[][] argv) {
        RedisSet s = readSet(c, argv[1]);
        if (s == WRONG) return;
        c.reply().integer(s == null ? 0 : s.size());
    }

    // ------------------------------------------------------------------ SPOP

    /** Redis's SPOP_MOVE_STRATEGY_MUL. */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;

    static void spop(Client c, byte[][] argv) {
        if (argv.length == 3) {
            spopWithCount(c, argv);
            return;
        }
        if (argv.length > 3) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        byte[] key = argv[1];
        RedisSet s = writeSet(c, key);
        if (s == WRONG) return;
        if (s == null) {
            c.reply().nullBulk();
            return;
        }
        byte[] member = popRandom(s, rnd());
        c.propagateAs(SREM, key, member);
        c.reply().bulk(member);
        Db db = c.db();
        c.server().notify(io.vermilion.pubsub.Events.SET, "spop", key, c.dbIndex());
        if (s.size() == 0) {
            db.delete(key);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        } else {
            db.touched(key);
        }
        c.server().addDirty(1);
    }

    /** Removes and returns a uniformly chosen member. */
    private static byte[] popRandom(RedisSet s, Random r) {
        if (s.isIntset()) {
            byte[] is = s.intset();
            int i = r.nextInt(Intset.length(is));
            long v = Intset.get(is, i);
            byte[] m = Numbers.toBytes(v);
            s.remove(m);
            return m;
        }
        BytesSet t = s.hashtable();
        int slot = t.randomSlot(r);
        byte[] m = t.slot(slot);
        t.removeAt(slot);
        return m;
    }

    private static void spopWithCount(Client c, byte[][] argv) {
        Long l = Args.rangeOrReply(c, argv[2], 0, Long.MAX_VALUE, "ERR value is out of range, must be positive");
        if (l == null) return;
        long count = l;
        byte[] key = argv[1];
        RedisSet s = writeSet(c, key);
        if (s == WRONG) return;
        if (s == null || count == 0) {
            c.reply().set(0);
            return;
        }
        long size = s.size();
        Db db = c.db();
        c.server().addDirty(Math.min(count, size));
        c.server().notify(io.vermilion.pubsub.Events.SET, "spop", key, c.dbIndex());
        if (count >= size) {
            // The whole set: replied as a union of it alone (a counted read lookup, as Redis's
            // sunionDiffGenericCommand), then the key goes (propagated as DEL).
            StringCommands.countHit(c, s);
            RedisSet all = RedisSet.emptyIntset();
            long max = maxIntset(c);
            s.forEach(m -> all.add(m, max));
            c.reply().set(all.size());
            replyMembers(c.reply(), all);
            db.delete(key);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
            c.propagateAs(DEL, key);
            return;
        }
        List<byte[][]> prop = new ArrayList<>((int) count);
        c.reply().set(count);
        long remaining = size - count;
        Random r = rnd();
        if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
            for (long i = 0; i < count; i++) {
                byte[] m = popRandom(s, r);
                c.reply().bulk(m);
                prop.add(new byte[][] {SREM, key, m});
            }
        } else {
            // Few survivors: move them to a new set, reply what is left of the old one.
            long max = maxIntset(c);
            RedisSet kept = null;
            for (long i = 0; i < remaining; i++) {
                byte[] m = popRandom(s, r);
                if (kept == null) kept = RedisSet.forMember(m);
                kept.add(m, max);
            }
            RedisSet old = s;
            old.forEach(m -> {
                c.reply().bulk(m);
                prop.add(new byte[][] {SREM, key, m});
            });
            db.put(key, kept, true);
        }
        db.touched(key);
        c.server().propagateInstead(c, prop);
    }

    // ------------------------------------------------------------------ SRANDMEMBER

    /** Redis's SRANDMEMBER_SUB_STRATEGY_MUL. */
    private static final int SRANDMEMBER_SUB_STRATEGY_MUL = 3;

    static void srandmember(Client c, byte[][] argv) {
        if (argv.length == 3) {
            srandmemberWithCount(c, argv);
            return;
        }
        if (argv.length > 3) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        RedisSet s = readSet(c, argv[1]);
        if (s == WRONG) return;
        if (s == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(s.random(rnd()));
    }

    private static void srandmemberWithCount(Client c, byte[][] argv) {
        Long l = Args.longOrReply(c, argv[2]);
        if (l == null) return;
        if (l == Long.MIN_VALUE) {
            Args.error(c, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return;
        }
        long count;
        boolean uniq = true;
        if (l >= 0) {
            count = l;
        } else {
            count = -l;
            uniq = false;
        }
        RedisSet s = readSet(c, argv[1]);
        if (s == WRONG) return;
        if (s == null || count == 0) {
            c.reply().array(0);
            return;
        }
        Reply out = c.reply();
        Random r = rnd();
        long size = s.size();
        if (!uniq || count == 1) {
            // Sampling with replacement, in random order.
            out.array(count);
            if (s.isIntset()) {
                byte[] is = s.intset();
                int n = Intset.length(is);
                for (long i = 0; i < count; i++) out.bulkLong(Intset.get(is, r.nextInt(n)));
            } else {
                BytesSet t = s.hashtable();
                for (long i = 0; i < count; i++) out.bulk(t.random(r));
            }
            return;
        }
        if (count >= size) {
            out.array(size);
            replyMembers(out, s);
            return;
        }
        int n = (int) count;
        out.array(n);
        if (s.isIntset()) {
            byte[] is = s.intset();
            for (int i : distinctPositions(Intset.length(is), n, null, r)) out.bulkLong(Intset.get(is, i));
        } else {
            BytesSet t = s.hashtable();
            for (int i : distinctPositions(t.capacity(), n, t, r)) out.bulk(t.slot(i));
        }
    }

    /**
     * n distinct positions chosen uniformly among the occupied ones (all of [0, range) for an
     * intset; the occupied slots of t): close to the whole set, by removing random positions from
     * all of them (Redis's CASE 3); else by drawing until n distinct were found (CASE 4).
     */
    private static int[] distinctPositions(int range, int n, BytesSet t, Random r) {
        int size = t == null ? range : t.size();
        if ((long) n * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
            int[] all = new int[size];
            int k = 0;
            for (int i = 0; i < range; i++) if (t == null || t.slot(i) != null) all[k++] = i;
            for (int left = size; left > n; left--) {
                int victim = r.nextInt(left);
                all[victim] = all[left - 1];
            }
            return Arrays.copyOf(all, n);
        }
        int[] out = new int[n];
        BitSet taken = new BitSet(range);
        int k = 0;
        while (k < n) {
            int i = t == null ? r.nextInt(range) : t.randomSlot(r);
            if (!taken.get(i)) {
                taken.set(i);
                out[k++] = i;
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ SINTER family

    static void sintercard(Client c, byte[][] argv) {
        Long numkeys = Args.rangeOrReply(c, argv[1], 1, Long.MAX_VALUE, "ERR numkeys should be greater than 0");
        if (numkeys == null) return;
        if (numkeys > argv.length - 2) {
            Args.error(c, "ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int j = 2 + (int) (long) numkeys; j < argv.length; j++) {
            boolean more = j < argv.length - 1;
            if (Args.is(argv[j], "limit") && more) {
                Long lim = Args.rangeOrReply(c, argv[++j], 0, Long.MAX_VALUE, "ERR LIMIT can't be negative");
                if (lim == null) return;
                limit = lim;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        sinterGeneric(c, argv, 2, 2 + (int) (long) numkeys, null, true, limit);
    }

    /** Looks up argv[from..to) as sets (lookupKeyRead); null after WRONGTYPE was replied. */
    private static RedisSet[] lookupSets(Client c, byte[][] argv, int from, int to) {
        RedisSet[] sets = new RedisSet[to - from];
        for (int j = from; j < to; j++) {
            RedisSet s = readSet(c, argv[j]);
            if (s == WRONG) return null;
            sets[j - from] = s;
        }
        return sets;
    }

    /** Stores a store-command result: the set if not empty, else deletes dst. Replies its size. */
    private static void store(Client c, byte[] dst, RedisSet result, String event) {
        Db db = c.db();
        if (result.size() > 0) {
            db.put(dst, result, false);
            c.reply().integer(result.size());
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.SET, event, dst, c.dbIndex());
        } else {
            c.reply().integer(0);
            if (db.delete(dst)) {
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", dst, c.dbIndex());
            }
        }
    }

    /** SINTER / SMEMBERS / SINTERSTORE / SINTERCARD (Redis's sinterGenericCommand). */
    static void sinterGeneric(Client c, byte[][] argv, int from, int to, byte[] dst, boolean cardOnly, long limit) {
        RedisSet[] sets = lookupSets(c, argv, from, to);
        if (sets == null) return;
        boolean empty = false;
        for (RedisSet s : sets) if (s == null) empty = true;
        if (empty) {
            if (dst != null) {
                if (c.db().delete(dst)) {
                    c.server().addDirty(1);
                    c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", dst, c.dbIndex());
                }
                c.reply().integer(0);
            } else if (cardOnly) {
                c.reply().integer(0);
            } else {
                c.reply().set(0);
            }
            return;
        }
        if (sets.length == 1 && dst == null && !cardOnly) {
            // SMEMBERS and SINTER of one key: the set itself.
            c.reply().set(sets[0].size());
            replyMembers(c.reply(), sets[0]);
            return;
        }
        Arrays.sort(sets, Comparator.comparingLong(RedisSet::size));
        RedisSet first = sets[0];
        RedisSet result = dst != null ? RedisSet.emptyIntset() : null;
        long max = dst != null ? maxIntset(c) : 0;
        long card = 0;
        if (first.isIntset()) {
            byte[] is = first.intset();
            int n = Intset.length(is);
            long[] hits = dst == null && !cardOnly ? new long[n] : null;
            for (int i = 0; i < n; i++) {
                long v = Intset.get(is, i);
                if (!inAllOthers(sets, v, null)) continue;
                if (hits != null) {
                    hits[(int) card++] = v;
                } else if (cardOnly) {
                    card++;
                    if (limit != 0 && card >= limit) break;
                } else {
                    result.addLong(v, max);
                }
            }
            if (hits != null) {
                c.reply().set(card);
                for (int i = 0; i < card; i++) c.reply().bulkLong(hits[i]);
                return;
            }
        } else {
            BytesSet t = first.hashtable();
            int cap = t.capacity();
            byte[][] hits = dst == null && !cardOnly ? new byte[t.size()][] : null;
            for (int i = 0; i < cap; i++) {
                byte[] m = t.slot(i);
                if (m == null || !inAllOthers(sets, 0, m)) continue;
                if (hits != null) {
                    hits[(int) card++] = m;
                } else if (cardOnly) {
                    card++;
                    if (limit != 0 && card >= limit) break;
                } else {
                    result.add(m, max);
                }
            }
            if (hits != null) {
                c.reply().set(card);
                for (int i = 0; i < card; i++) c.reply().bulk(hits[i]);
                return;
            }
        }
        if (cardOnly) {
            c.reply().integer(card);
        } else {
            store(c, dst, result, "sinterstore");
        }
    }

    /** Whether the member (m, or the integer v when m is null) is in every set but sets[0]. */
    private static boolean inAllOthers(RedisSet[] sets, long v, byte[] m) {
        byte[] asBytes = null;
        for (int j = 1; j < sets.length; j++) {
            RedisSet s = sets[j];
            if (s == sets[0]) continue;
            if (m != null) {
                if (!s.contains(m)) return false;
            } else if (s.isIntset()) {
                if (!Intset.contains(s.intset(), v)) return false;
            } else {
                if (asBytes == null) asBytes = Numbers.toBytes(v);
                if (!s.hashtable().contains(asBytes)) return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ SUNION / SDIFF

    /** SUNION / SDIFF and their STORE forms (Redis's sunionDiffGenericCommand). */
    static void sunionDiffGeneric(Client c, byte[][] argv, int from, byte[] dst, boolean diff) {
        RedisSet[] sets = lookupSets(c, argv, from, argv.length);
        if (sets == null) return;
        boolean sameset = false;
        for (int j = 1; j < sets.length; j++) if (sets[j] != null && sets[j] == sets[0]) sameset = true;
        int algo = 1;
        if (diff && sets[0] != null && !sameset) {
            long one = 0, two = 0;
            for (RedisSet s : sets) {
                if (s == null) continue;
                one += sets[0].size();
                two += s.size();
            }
            one /= 2;
            algo = one <= two ? 1 : 2;
            if (algo == 1 && sets.length > 1) {
                // Subtract the biggest sets first: a member is likelier to be found early.
                Arrays.sort(sets, 1, sets.length, Comparator.comparingLong((RedisSet s) -> s == null ? 0 : s.size()).reversed());
            }
        }
        long max = maxIntset(c);
        RedisSet result = RedisSet.emptyIntset();
        if (!diff) {
            for (RedisSet s : sets) {
                if (s != null) addAll(result, s, max);
            }
        } else if (sameset || sets[0] == null) {
            // Empty: the first set minus itself, or nothing to subtract from.
        } else if (algo == 1) {
            RedisSet first = sets[0];
            first.forEach(m -> {
                for (int j = 1; j < sets.length; j++) {
                    if (sets[j] == null) continue;
                    if (sets[j] == first || sets[j].contains(m)) return;
                }
                result.add(m, max);
            });
        } else {
            addAll(result, sets[0], max);
            for (int j = 1; j < sets.length && result.size() > 0; j++) {
                if (sets[j] == null) continue;
                sets[j].forEach(result::remove);
            }
        }
        if (dst == null) {
            c.reply().set(result.size());
            replyMembers(c.reply(), result);
        } else {
            store(c, dst, result, diff ? "sdiffstore" : "sunionstore");
        }
    }

    private static void addAll(RedisSet into, RedisSet from, long max) {
        if (from.isIntset()) {
            byte[] is = from.intset();
            int n = Intset.length(is);
            for (int i = 0; i < n; i++) into.addLong(Intset.get(is, i), max);
        } else {
            BytesSet t = from.hashtable();
            int cap = t.capacity();
            for (int i = 0; i < cap; i++) {
                byte[] m = t.slot(i);
                if (m != null) into.add(m, max);
            }
        }
    }

    // ------------------------------------------------------------------ SSCAN

    private static final byte[] EMPTY_SCAN = "*2\r\n$1\r\n0\r\n*0\r\n".getBytes(StandardCharsets.US_ASCII);

    static void sscan(Client c, byte[][] argv) {
        long[] cur = new long[1];
        if (!parseCursor(argv[2], cur)) {
            Args.error(c, "ERR invalid cursor");
            return;
        }
        RedisSet s = readSet(c, argv[1]);
        if (s == WRONG) return;
        if (s == null) {
            c.reply().raw(EMPTY_SCAN);
            return;
        }
        long count = 10;
        Glob glob = null;
        for (int i = 3; i < argv.length; ) {
            boolean hasValue = i + 1 < argv.length;
            if (Args.is(argv[i], "count") && hasValue) {
                Long n = Args.longOrReply(c, argv[i + 1]);
                if (n == null) return;
                if (n < 1) {
                    Args.error(c, Errors.SYNTAX);
                    return;
                }
                count = n;
            } else if (Args.is(argv[i], "match") && hasValue) {
                byte[] p = argv[i + 1];
                glob = p.length == 1 && p[0] == '*' ? null : new Glob(p, false);
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
            i += 2;
        }
        List<byte[]> found = new ArrayList<>();
        long next;
        if (s.isIntset()) {
            s.forEach(found::add);
            next = 0;
        } else {
            next = s.hashtable().scan(cur[0], count, found::add);
        }
        if (glob != null) {
            Glob g = glob;
            found.removeIf(m -> !g.matches(m));
        }
        c.reply().array(2);
        c.reply().bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII));
        c.reply().array(found.size());
        for (byte[] m : found) c.reply().bulk(m);
    }

    /**
     * A scan cursor as Redis's parseScanCursorOrReply reads it (strtoul, base 10): no leading
     * space, an optional sign ("-n" wraps around as in C), digits to the end of the C string (an
     * embedded NUL ends it; an empty string is 0), no overflow past 2^64-1.
     */
    static boolean parseCursor(byte[] b, long[] out) {
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        if (end > 0 && (b[0] == ' ' || (b[0] >= '\t' && b[0] <= '\r'))) return false;
        int i = 0;
        boolean neg = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) neg = b[i++] == '-';
        int digitsFrom = i;
        long v = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) break;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) return false;
            v = v * 10 + d;
        }
        if (i == digitsFrom) {
            if (end != 0) return false;
            out[0] = 0;
            return true;
        }
        if (i != end) return false;
        out[0] = neg ? -v : v;
        return true;
    }
}
