package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.SORTEDSET;
import static io.vermilion.server.CommandSpec.Flag.BLOCKING;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.netty.buffer.ByteBuf;
import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.server.Blocking;
import io.vermilion.types.RedisSet;
import io.vermilion.types.ZRange;
import io.vermilion.types.ZSetValue;
import io.vermilion.util.Glob;
import io.vermilion.util.Numbers;
import io.vermilion.util.Strtod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The sorted-set commands (Redis's t_zset.c family) over {@link ZSetValue}. Metadata beside the
 * handlers mirrors Redis 7.0's COMMAND INFO / DOCS. Argument checks and key lookups run in
 * Redis's order so that a request with several problems reports the same error; scores are
 * parsed with C's strtod rules ({@link Strtod}) and replied as %.17g (RESP3 doubles in RESP3).
 */
public final class ZSetCommands {
    private ZSetCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("zadd", -4).flags(WRITE, DENYOOM, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Add one or more members to a sorted set, or update its score if it already exists", "O(log(N)) for each item added, where N is the number of elements in the sorted set.")
                .handler(ZSetCommands::zadd));
        t.add(cmd("zincrby", 4).flags(WRITE, DENYOOM, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Increment the score of a member in a sorted set", "O(log(N)) where N is the number of elements in the sorted set.")
                .handler(ZSetCommands::zincrby));
        t.add(cmd("zcard", 2).flags(READONLY, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Get the number of members in a sorted set", "O(1)")
                .handler(ZSetCommands::zcard));
        t.add(cmd("zcount", 4).flags(READONLY, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.0.0", "Count the members in a sorted set with scores within the given values", "O(log(N)) with N being the number of elements in the sorted set.")
                .handler(ZSetCommands::zcount));
        t.add(cmd("zlexcount", 4).flags(READONLY, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.8.9", "Count the number of members in a sorted set between a given lexicographical range", "O(log(N)) with N being the number of elements in the sorted set.")
                .handler(ZSetCommands::zlexcount));
        t.add(cmd("zscore", 3).flags(READONLY, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Get the score associated with the given member in a sorted set", "O(1)")
                .handler(ZSetCommands::zscore));
        t.add(cmd("zmscore", -3).flags(READONLY, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "6.2.0", "Get the score associated with the given members in a sorted set", "O(N) where N is the number of members being requested.")
                .handler(ZSetCommands::zmscore));
        t.add(cmd("zrank", 3).flags(READONLY, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.0.0", "Determine the index of a member in a sorted set", "O(log(N))")
                .handler(ZSetCommands::zrank));
        t.add(cmd("zrevrank", 3).flags(READONLY, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.0.0", "Determine the index of a member in a sorted set, with scores ordered from high to low", "O(log(N))")
                .handler(ZSetCommands::zrevrank));
        t.add(cmd("zrem", -3).flags(WRITE, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Remove one or more members from a sorted set", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.")
                .handler(ZSetCommands::zrem));
        t.add(cmd("zremrangebyrank", 4).flags(WRITE).acl(SORTEDSET)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.0.0", "Remove all members in a sorted set within the given indexes", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
                .handler(ZSetCommands::zremrangebyrank));
        t.add(cmd("zremrangebyscore", 4).flags(WRITE).acl(SORTEDSET)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Remove all members in a sorted set within the given scores", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
                .handler(ZSetCommands::zremrangebyscore));
        t.add(cmd("zremrangebylex", 4).flags(WRITE).acl(SORTEDSET)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.8.9", "Remove all members in a sorted set between the given lexicographical range", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
                .handler(ZSetCommands::zremrangebylex));
        t.add(cmd("zrange", -4).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Return a range of members in a sorted set", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.")
                .handler(ZSetCommands::zrange));
        t.add(cmd("zrangestore", -5).flags(WRITE, DENYOOM).acl(SORTEDSET)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).range(0, 1, 0))
                .doc("sorted-set", "6.2.0", "Store a range of members from sorted set into another key", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.")
                .handler(ZSetCommands::zrangestore));
        t.add(cmd("zrevrange", -4).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.2.0", "Return a range of members in a sorted set, by index, with scores ordered from high to low", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.")
                .handler(ZSetCommands::zrevrange));
        t.add(cmd("zrangebyscore", -4).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "1.0.5", "Return a range of members in a sorted set, by score", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                .handler(ZSetCommands::zrangebyscore));
        t.add(cmd("zrevrangebyscore", -4).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.2.0", "Return a range of members in a sorted set, by score, with scores ordered from high to low", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                .handler(ZSetCommands::zrevrangebyscore));
        t.add(cmd("zrangebylex", -4).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.8.9", "Return a range of members in a sorted set, by lexicographical range", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                .handler(ZSetCommands::zrangebylex));
        t.add(cmd("zrevrangebylex", -4).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.8.9", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                .handler(ZSetCommands::zrevrangebylex));
        t.add(cmd("zpopmin", -2).flags(WRITE, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .doc("sorted-set", "5.0.0", "Remove and return members with the lowest scores in a sorted set", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.")
                .handler(ZSetCommands::zpopmin));
        t.add(cmd("zpopmax", -2).flags(WRITE, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .doc("sorted-set", "5.0.0", "Remove and return members with the highest scores in a sorted set", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.")
                .handler(ZSetCommands::zpopmax));
        t.add(cmd("zmpop", -4).flags(WRITE).acl(SORTEDSET)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).keynum(0, 1, 1))
                .doc("sorted-set", "7.0.0", "Remove and return members with scores in a sorted set", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.")
                .handler(ZSetCommands::zmpop));
        t.add(cmd("zrandmember", -2).flags(READONLY).acl(SORTEDSET).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "6.2.0", "Get one or multiple random elements from a sorted set", "O(N) where N is the number of elements returned")
                .handler(ZSetCommands::zrandmember));
        t.add(cmd("zunion", -3).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).keynum(0, 1, 1))
                .doc("sorted-set", "6.2.0", "Add multiple sorted sets", "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.")
                .handler(ZSetCommands::zunion));
        t.add(cmd("zinter", -3).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).keynum(0, 1, 1))
                .doc("sorted-set", "6.2.0", "Intersect multiple sorted sets", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.")
                .handler(ZSetCommands::zinter));
        t.add(cmd("zdiff", -3).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).keynum(0, 1, 1))
                .doc("sorted-set", "6.2.0", "Subtract multiple sorted sets", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.")
                .handler(ZSetCommands::zdiff));
        t.add(cmd("zunionstore", -4).flags(WRITE, DENYOOM).acl(SORTEDSET)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).keynum(0, 1, 1))
                .doc("sorted-set", "2.0.0", "Add multiple sorted sets and store the resulting sorted set in a new key", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.")
                .handler(ZSetCommands::zunionstore));
        t.add(cmd("zinterstore", -4).flags(WRITE, DENYOOM).acl(SORTEDSET)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).keynum(0, 1, 1))
                .doc("sorted-set", "2.0.0", "Intersect multiple sorted sets and store the resulting sorted set in a new key", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.")
                .handler(ZSetCommands::zinterstore));
        t.add(cmd("zdiffstore", -4).flags(WRITE, DENYOOM).acl(SORTEDSET)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(2).keynum(0, 1, 1))
                .doc("sorted-set", "6.2.0", "Subtract multiple sorted sets and store the resulting sorted set in a new key", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.")
                .handler(ZSetCommands::zdiffstore));
        t.add(cmd("zintercard", -3).flags(READONLY).acl(SORTEDSET)
                .key(KeySpec.flags("RO ACCESS").index(1).keynum(0, 1, 1))
                .doc("sorted-set", "7.0.0", "Intersect multiple sorted sets and return the cardinality of the result", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.")
                .handler(ZSetCommands::zintercard));
        t.add(cmd("zscan", -3).flags(READONLY).acl(SORTEDSET).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("sorted-set", "2.8.0", "Incrementally iterate sorted sets elements and associated scores", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
                .handler(ZSetCommands::zscan));
        t.add(cmd("bzpopmin", -3).flags(WRITE, NOSCRIPT, BLOCKING, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(-2, 1, 0))
                .doc("sorted-set", "5.0.0", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", "O(log(N)) with N being the number of elements in the sorted set.")
                .handler(ZSetCommands::bzpopmin));
        t.add(cmd("bzpopmax", -3).flags(WRITE, NOSCRIPT, BLOCKING, FAST).acl(SORTEDSET)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(-2, 1, 0))
                .doc("sorted-set", "5.0.0", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", "O(log(N)) with N being the number of elements in the sorted set.")
                .handler(ZSetCommands::bzpopmax));
        t.add(cmd("bzmpop", -5).flags(WRITE, BLOCKING).acl(SORTEDSET)
                .key(KeySpec.flags("RW ACCESS DELETE").index(2).keynum(0, 1, 1))
                .doc("sorted-set", "7.0.0", "Remove and return members with scores in a sorted set or block until one is available", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.")
                .handler(ZSetCommands::bzmpop));
    }

    // ------------------------------------------------------------------ lookups, limits, replies

    /** Marker returned by the lookups after they replied WRONGTYPE. */
    static final Object WRONG = new Object();

    /** lookupKeyRead + checkType: the zset, null if absent, or WRONG (replied). */
    static Object readZ(Client c, byte[] key) {
        Object v = c.db().get(key);
        if (v == null) c.server().keyspace().stats().keyspaceMisses++;
        else c.server().keyspace().stats().keyspaceHits++;
        return check(c, v);
    }

    /** lookupKeyWrite + checkType. */
    static Object writeZ(Client c, byte[] key) {
        return check(c, c.db().get(key));
    }

    private static Object check(Client c, Object v) {
        if (v != null && !(v instanceof ZSetValue)) {
            Args.error(c, Errors.WRONGTYPE);
            return WRONG;
        }
        return v;
    }

    static long maxEntries(Client c) { return c.server().config().getLong("zset-max-listpack-entries"); }

    static long maxValue(Client c) { return c.server().config().getLong("zset-max-listpack-value"); }

    private static final byte[] CRLF = {'\r', '\n'};

    /** addReplyDouble: %.17g as a bulk string (RESP2) or a double (RESP3). */
    static void dbl(Reply r, double d) {
        long l = (long) d;
        if (l == d && l != 0 && l > -100_000_000_000_000_000L && l < 100_000_000_000_000_000L && !r.resp3()) {
            r.bulkLong(l); // %.17g of an integral value below 1e17 is its digits
            return;
        }
        byte[] s = Strtod.g17(d);
        if (r.resp3()) {
            ByteBuf out = r.buffer();
            out.writeByte(',');
            out.writeBytes(s);
            out.writeBytes(CRLF);
        } else {
            r.bulk(s);
        }
    }

    /** getDoubleFromObjectOrReply with Redis's message (msg null: "value is not a valid float"). */
    private static boolean parseScore(Client c, byte[] arg, double[] out, int i, String msg) {
        double d = Strtod.string2d(arg);
        if (Double.isNaN(d)) {
            Args.error(c, msg == null ? Errors.NOT_FLOAT : msg);
            return false;
        }
        out[i] = d;
        return true;
    }

    /** getLongFromObjectOrReply. */
    private static boolean parseLong(Client c, byte[] arg, long[] out, int i) {
        long[] v = new long[1];
        if (!Numbers.parseLong(arg, v)) {
            Args.error(c, Errors.NOT_INTEGER);
            return false;
        }
        out[i] = v[0];
        return true;
    }

    /** zslParseRange: "(" exclusive prefix, strtod rules; null if either end is not a float. */
    static ZRange.Score parseScoreRange(byte[] min, byte[] max) {
        boolean minEx = min.length > 0 && min[0] == '(';
        boolean maxEx = max.length > 0 && max[0] == '(';
        double lo = Strtod.rangeValue(min, minEx ? 1 : 0);
        double hi = Strtod.rangeValue(max, maxEx ? 1 : 0);
        if (Double.isNaN(lo) || Double.isNaN(hi)) return null;
        return new ZRange.Score(lo, hi, minEx, maxEx);
    }

    static final String NOT_FLOAT_RANGE = "ERR min or max is not a float";
    static final String NOT_LEX_RANGE = "ERR min or max not valid string range item";

    private static byte[] copy(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }

    /** Replaces or deletes the destination of a store command (setKey / dbDelete). */
    private static void store(Client c, byte[] dst, ZSetValue z, String event) {
        Db db = c.db();
        if (z.size() > 0) {
            db.put(dst, z, false);
            c.reply().integer(z.size());
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.ZSET, event, dst, c.dbIndex());
        } else {
            c.reply().integer(0);
            if (db.delete(dst)) {
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", dst, c.dbIndex());
            }
        }
    }

    // ------------------------------------------------------------------ ZADD, ZINCRBY, ZREM

    static void zadd(Client c, byte[][] argv) { zaddGeneric(c, argv, 0); }

    static void zincrby(Client c, byte[][] argv) { zaddGeneric(c, argv, ZSetValue.INCR); }

    private static void zaddGeneric(Client c, byte[][] argv, int flags) {
        int idx = 2;
        boolean ch = false;
        for (; idx < argv.length; idx++) {
            byte[] o = argv[idx];
            if (Args.is(o, "nx")) flags |= ZSetValue.NX;
            else if (Args.is(o, "xx")) flags |= ZSetValue.XX;
            else if (Args.is(o, "ch")) ch = true;
            else if (Args.is(o, "incr")) flags |= ZSetValue.INCR;
            else if (Args.is(o, "gt")) flags |= ZSetValue.GT;
            else if (Args.is(o, "lt")) flags |= ZSetValue.LT;
            else break;
        }
        boolean incr = (flags & ZSetValue.INCR) != 0, nx = (flags & ZSetValue.NX) != 0;
        boolean xx = (flags & ZSetValue.XX) != 0, gt = (flags & ZSetValue.GT) != 0, lt = (flags & ZSetValue.LT) != 0;
        int elements = argv.length - idx;
        if (elements % 2 != 0 || elements == 0) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        elements /= 2;
        if (nx && xx) {
            Args.error(c, "ERR XX and NX options at the same time are not compatible");
            return;
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            Args.error(c, "ERR GT, LT, and/or NX options at the same time are not compatible");
            return;
        }
        if (incr && elements > 1) {
            Args.error(c, "ERR INCR option supports a single increment-element pair");
            return;
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            if (!parseScore(c, argv[idx + 2 * j], scores, j, null)) return;
        }
        byte[] key = argv[1];
        Object v = writeZ(c, key);
        if (v == WRONG) return;
        ZSetValue z = (ZSetValue) v;
        int added = 0, updated = 0, processed = 0;
        double[] newScore = new double[1];
        double score = 0;
        if (z == null && !xx) {
            long me = maxEntries(c), mv = maxValue(c);
            z = ZSetValue.create(me, mv, argv[idx + 1].length);
            c.db().put(key, z, false);
        }
        if (z != null) {
            long me = maxEntries(c), mv = maxValue(c);
            for (int j = 0; j < elements; j++) {
                int r = z.add(scores[j], argv[idx + 1 + 2 * j], flags, me, mv, newScore);
                if (r == ZSetValue.NAN) {
                    Args.error(c, "ERR resulting score is not a number (NaN)");
                    finishZadd(c, key, added, updated, incr);
                    return;
                }
                if ((r & ZSetValue.ADDED) != 0) added++;
                if ((r & ZSetValue.UPDATED) != 0) updated++;
                if ((r & ZSetValue.NOP) == 0) processed++;
                score = newScore[0];
            }
        }
        finishZadd(c, key, added, updated, incr);
        if (incr) {
            if (processed > 0) dbl(c.reply(), score);
            else c.reply().nullBulk();
        } else {
            c.reply().integer(ch ? added + updated : added);
        }
    }

    private static void finishZadd(Client c, byte[] key, int added, int updated, boolean incr) {
        c.server().addDirty(added + updated);
        if (added + updated > 0) {
            c.db().touched(key);
            c.server().notify(io.vermilion.pubsub.Events.ZSET, incr ? "zincr" : "zadd", key, c.dbIndex());
        }
    }

    static void zrem(Client c, byte[][] argv) {
        byte[] key = argv[1];
        Object v = writeZ(c, key);
        if (v == WRONG) return;
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        ZSetValue z = (ZSetValue) v;
        int deleted = 0;
        boolean removed = false;
        for (int j = 2; j < argv.length; j++) {
            if (z.remove(argv[j])) deleted++;
            if (z.size() == 0) {
                c.db().delete(key);
                removed = true;
                break;
            }
        }
        if (deleted > 0) {
            if (!removed) c.db().touched(key);
            c.server().addDirty(deleted);
            c.server().notify(io.vermilion.pubsub.Events.ZSET, "zrem", key, c.dbIndex());
            if (removed) c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        }
        c.reply().integer(deleted);
    }

    // ------------------------------------------------------------------ ZREMRANGEBY*

    static void zremrangebyrank(Client c, byte[][] argv) { zremrange(c, argv, RANK); }

    static void zremrangebyscore(Client c, byte[][] argv) { zremrange(c, argv, SCORE); }

    static void zremrangebylex(Client c, byte[][] argv) { zremrange(c, argv, LEX); }

    private static final int AUTO = 0, RANK = 1, SCORE = 2, LEX = 3;

    private static void zremrange(Client c, byte[][] argv, int type) {
        long[] se = new long[2];
        ZRange.Score sr = null;
        ZRange.Lex lr = null;
        if (type == RANK) {
            if (!parseLong(c, argv[2], se, 0) || !parseLong(c, argv[3], se, 1)) return;
        } else if (type == SCORE) {
            sr = parseScoreRange(argv[2], argv[3]);
            if (sr == null) { Args.error(c, NOT_FLOAT_RANGE); return; }
        } else {
            lr = ZRange.Lex.parse(argv[2], argv[3]);
            if (lr == null) { Args.error(c, NOT_LEX_RANGE); return; }
        }
        byte[] key = argv[1];
        Object v = writeZ(c, key);
        if (v == WRONG) return;
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        ZSetValue z = (ZSetValue) v;
        long deleted;
        if (type == RANK) {
            long llen = z.size(), start = se[0], end = se[1];
            if (start < 0) start = llen + start;
            if (end < 0) end = llen + end;
            if (start < 0) start = 0;
            if (start > end || start >= llen) {
                c.reply().integer(0);
                return;
            }
            if (end >= llen) end = llen - 1;
            deleted = z.removeRangeByRank(start, end);
        } else if (type == SCORE) {
            deleted = z.removeRangeByScore(sr);
        } else {
            deleted = z.removeRangeByLex(lr);
        }
        if (deleted > 0) {
            c.server().notify(io.vermilion.pubsub.Events.ZSET, type == RANK ? "zremrangebyrank" : type == SCORE ? "zremrangebyscore" : "zremrangebylex", key, c.dbIndex());
        }
        if (z.size() == 0) {
            c.db().delete(key);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        } else if (deleted > 0) {
            c.db().touched(key);
        }
        c.server().addDirty(deleted);
        c.reply().integer(deleted);
    }

    // ------------------------------------------------------------------ ZRANGE family

    static void zrange(Client c, byte[][] argv) { zrangeGeneric(c, argv, 1, false, AUTO, 0); }

    static void zrangestore(Client c, byte[][] argv) { zrangeGeneric(c, argv, 2, true, AUTO, 0); }

    static void zrevrange(Client c, byte[][] argv) { zrangeGeneric(c, argv, 1, false, RANK, 2); }

    static void zrangebyscore(Client c, byte[][] argv) { zrangeGeneric(c, argv, 1, false, SCORE, 1); }

    static void zrevrangebyscore(Client c, byte[][] argv) { zrangeGeneric(c, argv, 1, false, SCORE, 2); }

    static void zrangebylex(Client c, byte[][] argv) { zrangeGeneric(c, argv, 1, false, LEX, 1); }

    static void zrevrangebylex(Client c, byte[][] argv) { zrangeGeneric(c, argv, 1, false, LEX, 2); }

    /**
     * zrangeGenericCommand: argv[keyIdx] is the source, then min max and options; direction 0
     * auto, 1 forward, 2 reverse.
     */
    private static void zrangeGeneric(Client c, byte[][] argv, int keyIdx, boolean store, int type, int direction) {
        byte[] key = argv[keyIdx];
        int minIdx = keyIdx + 1, maxIdx = keyIdx + 2;
        boolean withScores = false;
        long[] lim = {0, -1};
        for (int j = keyIdx + 3; j < argv.length; j++) {
            int left = argv.length - j - 1;
            if (!store && Args.is(argv[j], "withscores")) {
                withScores = true;
            } else if (Args.is(argv[j], "limit") && left >= 2) {
                if (!parseLong(c, argv[j + 1], lim, 0) || !parseLong(c, argv[j + 2], lim, 1)) return;
                j += 2;
            } else if (direction == 0 && Args.is(argv[j], "rev")) {
                direction = 2;
            } else if (type == AUTO && Args.is(argv[j], "bylex")) {
                type = LEX;
            } else if (type == AUTO && Args.is(argv[j], "byscore")) {
                type = SCORE;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        if (direction == 0) direction = 1;
        if (type == AUTO) type = RANK;
        if (lim[1] != -1 && type == RANK) {
            Args.error(c, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && type == LEX) {
            Args.error(c, "ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        boolean reverse = direction == 2;
        if (reverse && type != RANK) {
            int t = maxIdx;
            maxIdx = minIdx;
            minIdx = t;
        }
        long[] se = new long[2];
        ZRange.Score sr = null;
        ZRange.Lex lr = null;
        if (type == RANK) {
            if (!parseLong(c, argv[minIdx], se, 0) || !parseLong(c, argv[maxIdx], se, 1)) return;
        } else if (type == SCORE) {
            sr = parseScoreRange(argv[minIdx], argv[maxIdx]);
            if (sr == null) { Args.error(c, NOT_FLOAT_RANGE); return; }
        } else {
            lr = ZRange.Lex.parse(argv[minIdx], argv[maxIdx]);
            if (lr == null) { Args.error(c, NOT_LEX_RANGE); return; }
        }
        Object v = readZ(c, key);
        if (v == null) {
            if (store) store(c, argv[1], ZSetValue.newListpack(), "zrangestore");
            else c.reply().array(0);
            return;
        }
        if (v == WRONG) return;
        ZSetValue z = (ZSetValue) v;
        if (store) {
            rangeStore(c, argv[1], z, type, reverse, se, sr, lr, lim);
            return;
        }
        Reply r = c.reply();
        boolean nested = withScores && r.resp3();
        boolean ws = withScores;
        ZSetValue.Visitor emit = (b, off, len, score) -> {
            if (nested) r.array(2);
            r.bulk(b, off, len);
            if (ws) dbl(r, score);
        };
        if (type == RANK) {
            long llen = z.size(), start = se[0], end = se[1];
            if (start < 0) start = llen + start;
            if (end < 0) end = llen + end;
            if (start < 0) start = 0;
            if (start > end || start >= llen) {
                r.array(0);
                return;
            }
            if (end >= llen) end = llen - 1;
            long n = end - start + 1;
            r.array(withScores && !r.resp3() ? n * 2 : n);
            z.range(start, end, reverse, emit);
            return;
        }
        // Unknown length: write the elements aside, then the header and the elements.
        ByteBuf out = r.buffer();
        ByteBuf tmp = out.alloc().buffer(256);
        long n;
        try {
            r.buffer(tmp);
            if (type == SCORE) {
                n = lim[0] > 0 && lim[0] >= z.size() ? 0 : z.rangeByScore(sr, reverse, lim[0], lim[1], emit);
            } else {
                n = z.rangeByLex(lr, reverse, lim[0], lim[1], emit);
            }
        } finally {
            r.buffer(out);
        }
        r.array(withScores && !r.resp3() ? n * 2 : n);
        out.writeBytes(tmp);
        tmp.release();
    }

    private static void rangeStore(Client c, byte[] dst, ZSetValue z, int type, boolean reverse, long[] se,
                                   ZRange.Score sr, ZRange.Lex lr, long[] lim) {
        long me = maxEntries(c), mv = maxValue(c);
        ZSetValue out;
        ZSetValue.Visitor add;
        if (type == RANK) {
            long llen = z.size(), start = se[0], end = se[1];
            if (start < 0) start = llen + start;
            if (end < 0) end = llen + end;
            if (start < 0) start = 0;
            if (start > end || start >= llen) {
                store(c, dst, ZSetValue.newListpack(), "zrangestore");
                return;
            }
            if (end >= llen) end = llen - 1;
            long n = end - start + 1;
            out = n > me ? ZSetValue.newSkiplist() : ZSetValue.newListpack();
            ZSetValue o = out;
            add = (b, off, len, score) -> o.add(score, copy(b, off, len), 0, me, mv, null);
            z.range(start, end, reverse, add);
        } else {
            out = ZSetValue.newListpack();
            ZSetValue o = out;
            add = (b, off, len, score) -> o.add(score, copy(b, off, len), 0, me, mv, null);
            if (type == SCORE) {
                if (!(lim[0] > 0 && lim[0] >= z.size())) z.rangeByScore(sr, reverse, lim[0], lim[1], add);
            } else {
                z.rangeByLex(lr, reverse, lim[0], lim[1], add);
            }
        }
        store(c, dst, out, "zrangestore");
    }

    // ------------------------------------------------------------------ simple reads

    static void zcard(Client c, byte[][] argv) {
        Object v = readZ(c, argv[1]);
        if (v == WRONG) return;
        c.reply().integer(v == null ? 0 : ((ZSetValue) v).size());
    }

    static void zscore(Client c, byte[][] argv) {
        Object v = readZ(c, argv[1]);
        if (v == WRONG) return;
        double s = v == null ? Double.NaN : ((ZSetValue) v).score(argv[2]);
        if (Double.isNaN(s)) c.reply().nullBulk();
        else dbl(c.reply(), s);
    }

    static void zmscore(Client c, byte[][] argv) {
        Object v = readZ(c, argv[1]);
        if (v == WRONG) return;
        ZSetValue z = (ZSetValue) v;
        c.reply().array(argv.length - 2);
        for (int j = 2; j < argv.length; j++) {
            double s = z == null ? Double.NaN : z.score(argv[j]);
            if (Double.isNaN(s)) c.reply().nullBulk();
            else dbl(c.reply(), s);
        }
    }

    static void zrank(Client c, byte[][] argv) { rank(c, argv, false); }

    static void zrevrank(Client c, byte[][] argv) { rank(c, argv, true); }

    private static void rank(Client c, byte[][] argv, boolean reverse) {
        Object v = readZ(c, argv[1]);
        if (v == WRONG) return;
        if (v == null) {
            c.reply().nullBulk();
            return;
        }
        long r = ((ZSetValue) v).rank(argv[2], reverse);
        if (r < 0) c.reply().nullBulk();
        else c.reply().integer(r);
    }

    static void zcount(Client c, byte[][] argv) {
        ZRange.Score r = parseScoreRange(argv[2], argv[3]);
        if (r == null) { Args.error(c, NOT_FLOAT_RANGE); return; }
        Object v = readZ(c, argv[1]);
        if (v == WRONG) return;
        c.reply().integer(v == null ? 0 : ((ZSetValue) v).countByScore(r));
    }

    static void zlexcount(Client c, byte[][] argv) {
        ZRange.Lex r = ZRange.Lex.parse(argv[2], argv[3]);
        if (r == null) { Args.error(c, NOT_LEX_RANGE); return; }
        Object v = readZ(c, argv[1]);
        if (v == WRONG) return;
        c.reply().integer(v == null ? 0 : ((ZSetValue) v).countByLex(r));
    }

    // ------------------------------------------------------------------ ZPOPMIN/ZPOPMAX/ZMPOP

    static final byte[] ZPOPMIN = {'Z', 'P', 'O', 'P', 'M', 'I', 'N'};
    static final byte[] ZPOPMAX = {'Z', 'P', 'O', 'P', 'M', 'A', 'X'};

    static void zpopmin(Client c, byte[][] argv) { zpopMinMax(c, argv, false); }

    static void zpopmax(Client c, byte[][] argv) { zpopMinMax(c, argv, true); }

    private static void zpopMinMax(Client c, byte[][] argv, boolean max) {
        if (argv.length > 3) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        long count = -1;
        if (argv.length == 3) {
            long[] v = new long[1];
            if (!Numbers.parseLong(argv[2], v) || v[0] < 0) {
                Args.error(c, "ERR value is out of range, must be positive");
                return;
            }
            count = v[0];
        }
        boolean nested = c.reply().resp3() && count != -1;
        genericZpop(c, argv, 1, 1, max, false, count, nested, false, null);
    }

    /**
     * genericZpopCommand over keys argv[from, from+n): pops from the first existing key. Returns
     * the key popped from (null if none), for propagation by the caller.
     */
    static byte[] genericZpop(Client c, byte[][] argv, int from, int n, boolean max, boolean emitKey, long count,
                              boolean nested, boolean nilWhenEmpty, long[] popped) {
        byte[] key = null;
        ZSetValue z = null;
        for (int i = 0; i < n; i++) {
            key = argv[from + i];
            Object v = writeZ(c, key);
            if (v == null) continue;
            if (v == WRONG) return null;
            z = (ZSetValue) v;
            break;
        }
        Reply r = c.reply();
        if (z == null) {
            if (nilWhenEmpty) r.nullArray();
            else r.array(0);
            return null;
        }
        if (count == 0) {
            r.array(0);
            return null;
        }
        if (count == -1) count = 1;
        long llen = z.size();
        long rangelen = Math.min(count, llen);
        if (!nested && !emitKey) {
            r.array(rangelen * 2);
        } else if (nested && !emitKey) {
            r.array(rangelen);
        } else if (!nested) {
            r.array(rangelen * 2 + 1);
            r.bulk(key);
        } else {
            r.array(2);
            r.bulk(key);
            r.array(rangelen);
        }
        double[] score = new double[1];
        for (long i = 0; i < rangelen; i++) {
            byte[] m = z.pop(max, score);
            if (nested) r.array(2);
            r.bulk(m);
            dbl(r, score[0]);
        }
        c.server().addDirty(rangelen);
        if (popped != null) popped[0] = rangelen;
        if (rangelen > 0) c.server().notify(io.vermilion.pubsub.Events.ZSET, max ? "zpopmax" : "zpopmin", key, c.dbIndex());
        if (z.size() == 0) {
            c.db().delete(key);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        } else {
            c.db().touched(key);
        }
        return key;
    }

    static void zmpop(Client c, byte[][] argv) {
        long[] parsed = parseMpop(c, argv, 1);
        if (parsed == null) return;
        boolean max = parsed[1] == 1;
        long[] popped = new long[1];
        byte[] key = genericZpop(c, argv, 2, (int) parsed[0], max, true, parsed[2], true, true, popped);
        // Redis propagates ZMPOP as ZPOPMIN/ZPOPMAX key <count actually popped>.
        if (key != null) c.propagateAs(max ? ZPOPMAX : ZPOPMIN, key, Numbers.toBytes(popped[0]));
    }

    /**
     * Parses [B]ZMPOP's numkeys (at numkeysIdx), MIN|MAX and COUNT; replies the error and returns
     * null when invalid. Returns {numkeys, max ? 1 : 0, count}.
     */
    static long[] parseMpop(Client c, byte[][] argv, int numkeysIdx) {
        long[] v = new long[1];
        if (!Numbers.parseLong(argv[numkeysIdx], v) || v[0] < 1) {
            Args.error(c, "ERR numkeys should be greater than 0");
            return null;
        }
        long numkeys = v[0];
        long whereIdx = numkeysIdx + numkeys + 1;
        if (whereIdx >= argv.length) {
            Args.error(c, Errors.SYNTAX);
            return null;
        }
        int max;
        if (Args.is(argv[(int) whereIdx], "min")) max = 0;
        else if (Args.is(argv[(int) whereIdx], "max")) max = 1;
        else {
            Args.error(c, Errors.SYNTAX);
            return null;
        }
        long count = -1;
        for (int j = (int) whereIdx + 1; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            if (count == -1 && Args.is(argv[j], "count") && more > 0) {
                j++;
                if (!Numbers.parseLong(argv[j], v) || v[0] < 1) {
                    Args.error(c, "ERR count should be greater than 0");
                    return null;
                }
                count = v[0];
            } else {
                Args.error(c, Errors.SYNTAX);
                return null;
            }
        }
        if (count == -1) count = 1;
        return new long[] {numkeys, max, count};
    }

    // ------------------------------------------------------------------ BZPOPMIN/BZPOPMAX/BZMPOP

    /** A zset waiter is served only from a zset (Redis 7.0 serves BLOCKED_ZSET from OBJ_ZSET only). */
    static final Predicate<Object> IS_ZSET = v -> v instanceof ZSetValue;
    /** Redis 7.0 answers a zset block's timeout with a null array. */
    private static final Consumer<Client> NULL_ARRAY = cl -> cl.reply().nullArray();

    static void bzpopmin(Client c, byte[][] argv) { bzpop(c, argv, false); }

    static void bzpopmax(Client c, byte[][] argv) { bzpop(c, argv, true); }

    private static void bzpop(Client c, byte[][] argv, boolean max) {
        long deadline = Blocking.timeoutOrReply(c, argv[argv.length - 1]);
        if (deadline < 0) return;
        blockingPop(c, Arrays.copyOfRange(argv, 1, argv.length - 1), max, deadline, -1, false, false);
    }

    static void bzmpop(Client c, byte[][] argv) {
        long[] parsed = parseMpop(c, argv, 2);
        if (parsed == null) return;
        long deadline = Blocking.timeoutOrReply(c, argv[1]);
        if (deadline < 0) return;
        blockingPop(c, Arrays.copyOfRange(argv, 3, 3 + (int) parsed[0]), parsed[1] == 1, deadline, parsed[2], true, true);
    }

    /**
     * blockingGenericZpopCommand: pops from the first non-empty zset among keys (replying as
     * BZPOP* or BZMPOP do, propagated as ZPOPMIN/ZPOPMAX), or blocks.
     */
    private static void blockingPop(Client c, byte[][] keys, boolean max, long deadline, long count,
                                    boolean nested, boolean nilWhenEmpty) {
        for (byte[] key : keys) {
            Object v = writeZ(c, key);
            if (v == null) continue;
            if (v == WRONG) return;
            if (((ZSetValue) v).size() == 0) continue;
            long[] popped = new long[1];
            genericZpop(c, new byte[][] {key}, 0, 1, max, true, count, nested, nilWhenEmpty, popped);
            if (count == -1) c.propagateAs(max ? ZPOPMAX : ZPOPMIN, key);
            else c.propagateAs(max ? ZPOPMAX : ZPOPMIN, key, Numbers.toBytes(popped[0]));
            return;
        }
        Blocking b = c.server().blocking();
        if (!b.mayBlock(c)) {
            c.reply().nullArray();
            return;
        }
        b.block(c, keys, deadline, IS_ZSET, NULL_ARRAY);
    }

    // ------------------------------------------------------------------ ZRANDMEMBER

    static void zrandmember(Client c, byte[][] argv) {
        if (argv.length >= 3) {
            long[] v = new long[1];
            if (!Numbers.parseLong(argv[2], v)) { Args.error(c, Errors.NOT_INTEGER); return; }
            if (v[0] == Long.MIN_VALUE) {
                Args.error(c, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                return;
            }
            boolean withScores = false;
            if (argv.length > 4 || (argv.length == 4 && !Args.is(argv[3], "withscores"))) {
                Args.error(c, Errors.SYNTAX);
                return;
            } else if (argv.length == 4) {
                withScores = true;
                if (v[0] < -Long.MAX_VALUE / 2 || v[0] > Long.MAX_VALUE / 2) {
                    Args.error(c, "ERR value is out of range");
                    return;
                }
            }
            randWithCount(c, argv[1], v[0], withScores);
            return;
        }
        Object o = readZ(c, argv[1]);
        if (o == WRONG) return;
        if (o == null) {
            c.reply().nullBulk();
            return;
        }
        Reply r = c.reply();
        ((ZSetValue) o).randomElement((b, off, len, score) -> r.bulk(b, off, len));
    }

    private static void randWithCount(Client c, byte[] key, long l, boolean withScores) {
        Object o = readZ(c, key);
        if (o == WRONG) return;
        Reply r = c.reply();
        if (o == null) {
            r.array(0);
            return;
        }
        ZSetValue z = (ZSetValue) o;
        long size = z.size();
        boolean uniq = l >= 0;
        long count = uniq ? l : -l;
        if (count == 0) {
            r.array(0);
            return;
        }
        boolean nested = withScores && r.resp3();
        ZSetValue.Visitor emit = (b, off, len, score) -> {
            if (nested) r.array(2);
            r.bulk(b, off, len);
            if (withScores) dbl(r, score);
        };
        if (!uniq || count == 1) {
            // with repetitions (or a single one): independent uniform picks
            r.array(withScores && !r.resp3() ? count * 2 : count);
            for (long i = 0; i < count; i++) {
                z.randomElement(emit);
                if (c.closingAfterReply()) break;
            }
            return;
        }
        long n = Math.min(count, size);
        r.array(withScores && !r.resp3() ? n * 2 : n);
        if (count >= size) {
            // the whole set, walked from the highest element as Redis's zuiNext does
            z.forEach(true, emit);
            return;
        }
        // count distinct ranks chosen uniformly, replied in a random order
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        long[] picks;
        if (count * 3 > size) {
            long[] all = new long[(int) size];
            for (int i = 0; i < size; i++) all[i] = i;
            for (int i = 0; i < count; i++) {
                int j = i + rnd.nextInt((int) size - i);
                long t = all[i]; all[i] = all[j]; all[j] = t;
            }
            picks = Arrays.copyOf(all, (int) count);
        } else {
            java.util.HashSet<Long> seen = new java.util.HashSet<>();
            picks = new long[(int) count];
            int k = 0;
            while (k < count) {
                long x = rnd.nextLong(size);
                if (seen.add(x)) picks[k++] = x;
            }
        }
        for (long p : picks) z.range(p, p, false, emit);
    }

    // ------------------------------------------------------------------ ZUNION/ZINTER/ZDIFF

    private static final int UNION = 0, INTER = 1, DIFF = 2;
    private static final int SUM = 0, MIN = 1, MAX = 2;

    static void zunionstore(Client c, byte[][] argv) { setOp(c, argv, argv[1], 2, UNION, false); }

    static void zinterstore(Client c, byte[][] argv) { setOp(c, argv, argv[1], 2, INTER, false); }

    static void zdiffstore(Client c, byte[][] argv) { setOp(c, argv, argv[1], 2, DIFF, false); }

    static void zunion(Client c, byte[][] argv) { setOp(c, argv, null, 1, UNION, false); }

    static void zinter(Client c, byte[][] argv) { setOp(c, argv, null, 1, INTER, false); }

    static void zintercard(Client c, byte[][] argv) { setOp(c, argv, null, 1, INTER, true); }

    static void zdiff(Client c, byte[][] argv) { setOp(c, argv, null, 1, DIFF, false); }

    /** One input of a set operation: a zset, a plain set (scores 1), or nothing (absent key). */
    private static final class Src {
        final Object value;
        double weight = 1;
        Src(Object value) { this.value = value; }
        long size() { return value == null ? 0 : SetInputs.size(value); }
        /** The score of member here, or NaN. */
        double score(byte[] m) { return value == null ? Double.NaN : SetInputs.score(value, m); }
        void forEach(ZSetValue.Visitor v) { if (value != null) SetInputs.forEach(value, v); }
    }

    private static String fullName(byte[][] argv) {
        return new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    }

    private static void setOp(Client c, byte[][] argv, byte[] dst, int numkeysIdx, int op, boolean cardOnly) {
        long[] v = new long[1];
        if (!Numbers.parseLong(argv[numkeysIdx], v)) { Args.error(c, Errors.NOT_INTEGER); return; }
        long setnum = v[0];
        if (setnum < 1) {
            Args.error(c, "ERR at least 1 input key is needed for '" + fullName(argv) + "' command");
            return;
        }
        if (setnum > argv.length - (numkeysIdx + 1)) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        int n = (int) setnum;
        Src[] src = new Src[n];
        int j = numkeysIdx + 1;
        for (int i = 0; i < n; i++, j++) {
            Object o = c.db().get(argv[j]);
            if (o == null) c.server().keyspace().stats().keyspaceMisses++;
            else c.server().keyspace().stats().keyspaceHits++;
            if (o != null && !SetInputs.accepts(o)) {
                Args.error(c, Errors.WRONGTYPE);
                return;
            }
            src[i] = new Src(o);
        }
        int aggregate = SUM;
        boolean withScores = false;
        long limit = 0;
        int remaining = argv.length - j;
        while (remaining > 0) {
            if (op != DIFF && !cardOnly && remaining >= n + 1 && Args.is(argv[j], "weights")) {
                j++; remaining--;
                for (int i = 0; i < n; i++, j++, remaining--) {
                    double w = Strtod.string2d(argv[j]);
                    if (Double.isNaN(w)) {
                        Args.error(c, "ERR weight value is not a float");
                        return;
                    }
                    src[i].weight = w;
                }
            } else if (op != DIFF && !cardOnly && remaining >= 2 && Args.is(argv[j], "aggregate")) {
                j++; remaining--;
                if (Args.is(argv[j], "sum")) aggregate = SUM;
                else if (Args.is(argv[j], "min")) aggregate = MIN;
                else if (Args.is(argv[j], "max")) aggregate = MAX;
                else {
                    Args.error(c, Errors.SYNTAX);
                    return;
                }
                j++; remaining--;
            } else if (remaining >= 1 && dst == null && !cardOnly && Args.is(argv[j], "withscores")) {
                j++; remaining--;
                withScores = true;
            } else if (cardOnly && remaining >= 2 && Args.is(argv[j], "limit")) {
                j++; remaining--;
                if (!Numbers.parseLong(argv[j], v) || v[0] < 0) {
                    Args.error(c, "ERR LIMIT can't be negative");
                    return;
                }
                limit = v[0];
                j++; remaining--;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        if (op != DIFF) {
            // smallest input first (a stable sort: equal sizes keep their order)
            Arrays.sort(src, (a, b) -> Long.compare(a.size(), b.size()));
        }
        ZSetValue out = ZSetValue.newSkiplist();
        long[] maxLen = {0, 0}; // longest member, total member bytes
        long[] card = {0};
        final int agg = aggregate;
        final long lim = limit;
        if (op == INTER) {
            if (src[0].size() > 0) {
                Src s0 = src[0];
                boolean[] stop = {false};
                s0.forEach((b, off, len, sc) -> {
                    if (stop[0]) return;
                    byte[] m = null;
                    double score = s0.weight * sc;
                    if (Double.isNaN(score)) score = 0;
                    int k;
                    for (k = 1; k < src.length; k++) {
                        double val;
                        if (src[k].value == s0.value) {
                            val = sc * src[k].weight;
                        } else {
                            if (m == null) m = copy(b, off, len);
                            double f = src[k].score(m);
                            if (Double.isNaN(f)) break;
                            val = f * src[k].weight;
                        }
                        score = aggregate(score, val, agg);
                    }
                    if (k < src.length) return;
                    if (cardOnly) {
                        card[0]++;
                        if (lim > 0 && card[0] >= lim) stop[0] = true;
                        return;
                    }
                    if (m == null) m = copy(b, off, len);
                    out.add(score, m, 0, Long.MAX_VALUE, Long.MAX_VALUE, null);
                    maxLen[0] = Math.max(maxLen[0], len);
                    maxLen[1] += len;
                });
            }
        } else if (op == UNION) {
            for (Src s : src) {
                if (s.size() == 0) continue;
                s.forEach((b, off, len, sc) -> {
                    double score = s.weight * sc;
                    if (Double.isNaN(score)) score = 0;
                    byte[] m = copy(b, off, len);
                    double cur = out.score(m);
                    if (Double.isNaN(cur)) {
                        out.add(score, m, 0, Long.MAX_VALUE, Long.MAX_VALUE, null);
                        maxLen[0] = Math.max(maxLen[0], len);
                        maxLen[1] += len;
                    } else {
                        double nv = aggregate(cur, score, agg);
                        if (nv != cur) {
                            out.add(nv, m, 0, Long.MAX_VALUE, Long.MAX_VALUE, null);
                        } else if (Double.doubleToRawLongBits(nv) != Double.doubleToRawLongBits(cur)) {
                            // -0 + 0 is +0: Redis's union accumulator stores it (ZUNION replies 0),
                            // where an add, like zsetAdd, would see an unchanged score.
                            out.remove(m);
                            out.add(nv, m, 0, Long.MAX_VALUE, Long.MAX_VALUE, null);
                        }
                    }
                });
            }
        } else {
            boolean same = false;
            for (int i = 1; i < n; i++) if (src[i].value != null && src[i].value == src[0].value) same = true;
            if (src[0].size() > 0 && !same) {
                src[0].forEach((b, off, len, sc) -> {
                    byte[] m = copy(b, off, len);
                    for (int k = 1; k < src.length; k++) {
                        if (!Double.isNaN(src[k].score(m))) return;
                    }
                    out.add(sc, m, 0, Long.MAX_VALUE, Long.MAX_VALUE, null);
                    maxLen[0] = Math.max(maxLen[0], len);
                    maxLen[1] += len;
                });
            }
        }
        Reply r = c.reply();
        if (dst != null) {
            if (out.size() > 0) out.convertToListpackIfNeeded(maxEntries(c), maxValue(c), maxLen[0], maxLen[1]);
            store(c, dst, out, op == UNION ? "zunionstore" : op == INTER ? "zinterstore" : "zdiffstore");
        } else if (cardOnly) {
            r.integer(card[0]);
        } else {
            long len = out.size();
            boolean nested = withScores && r.resp3();
            r.array(withScores && !r.resp3() ? len * 2 : len);
            boolean ws = withScores;
            out.forEach(false, (b, off, l2, sc) -> {
                if (nested) r.array(2);
                r.bulk(b, off, l2);
                if (ws) dbl(r, sc);
            });
        }
    }

    private static double aggregate(double target, double val, int agg) {
        if (agg == SUM) {
            double t = target + val;
            return Double.isNaN(t) ? 0.0 : t;
        }
        if (agg == MIN) return val < target ? val : target;
        return val > target ? val : target;
    }

    // ------------------------------------------------------------------ ZSCAN

    static void zscan(Client c, byte[][] argv) {
        long[] cur = new long[1];
        if (!parseCursor(argv[2], cur)) {
            Args.error(c, "ERR invalid cursor");
            return;
        }
        Object o = readZ(c, argv[1]);
        if (o == WRONG) return;
        Reply r = c.reply();
        if (o == null) {
            r.array(2);
            r.bulk(new byte[] {'0'});
            r.array(0);
            return;
        }
        long count = 10;
        Glob glob = null;
        for (int i = 3; i < argv.length; ) {
            int left = argv.length - i;
            if (Args.is(argv[i], "count") && left >= 2) {
                long[] v = new long[1];
                if (!Numbers.parseLong(argv[i + 1], v)) { Args.error(c, Errors.NOT_INTEGER); return; }
                if (v[0] < 1) { Args.error(c, Errors.SYNTAX); return; }
                count = v[0];
                i += 2;
            } else if (Args.is(argv[i], "match") && left >= 2) {
                byte[] p = argv[i + 1];
                glob = p.length == 1 && p[0] == '*' ? null : new Glob(p, false);
                i += 2;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        ZSetValue z = (ZSetValue) o;
        long cursor = cur[0];
        List<byte[]> items = new ArrayList<>();
        long next;
        Glob g = glob;
        if (z.isListpack()) {
            // A listpack is returned whole; scores as their listpack text (Redis's lpGet).
            z.forEachRaw((b, off, len, sb, soff, slen) -> {
                if (g != null && !g.matches(b, off, len)) return;
                items.add(copy(b, off, len));
                items.add(copy(sb, soff, slen));
            });
            next = 0;
        } else {
            // Skiplist: Redis's hash-table cursor over the member table.
            next = z.scan(cursor, count, (b, off, len, sc) -> {
                if (g != null && !g.matches(b, off, len)) return;
                items.add(copy(b, off, len));
                items.add(Strtod.g17(sc));
            });
        }
        r.array(2);
        r.bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII));
        r.array(items.size());
        for (byte[] b : items) r.bulk(b);
    }

    /** parseScanCursorOrReply: strtoul rules (see KeyCommands.parseCursor); false when invalid. */
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
            out[0] = 0;
            return end == 0;
        }
        if (i != end) return false;
        out[0] = neg ? -v : v; // unsigned, as strtoul
        return true;
    }

    /**
     * The inputs ZUNION/ZINTER/ZDIFF accept: sorted sets, walked from the highest element as
     * Redis's zuiNext does, and plain sets, whose members all have score 1.
     */
    static final class SetInputs {
        private SetInputs() {}

        static boolean accepts(Object v) { return v instanceof ZSetValue || v instanceof RedisSet; }

        static long size(Object v) {
            return v instanceof ZSetValue z ? z.size() : ((RedisSet) v).size();
        }

        static double score(Object v, byte[] m) {
            if (v instanceof ZSetValue z) return z.score(m);
            return ((RedisSet) v).contains(m) ? 1.0 : Double.NaN;
        }

        static void forEach(Object v, ZSetValue.Visitor f) {
            if (v instanceof ZSetValue z) z.forEach(true, f);
            else ((RedisSet) v).forEach(m -> f.visit(m, 0, m.length, 1.0));
        }
    }
}
