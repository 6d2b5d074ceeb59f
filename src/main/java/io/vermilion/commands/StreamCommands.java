package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.STREAM;
import static io.vermilion.server.CommandSpec.Flag.BLOCKING;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.netty.buffer.ByteBuf;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.Listpack;
import io.vermilion.types.Stream;
import io.vermilion.types.StreamId;
import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stream commands (Redis's t_stream.c family), with the metadata of Redis 7.0's COMMAND INFO.
 * Each handler checks arguments, keys and types in Redis's order so that a request with several
 * problems reports the same error, and propagates what Redis propagates: XADD with the ID it
 * generated and approximate trimming made exact, XREADGROUP / XCLAIM / XAUTOCLAIM as the XCLAIM,
 * XGROUP SETID and XGROUP CREATECONSUMER commands of Redis's streamPropagate* functions.
 *
 * <p>XREAD/XREADGROUP BLOCK with nothing to serve block through {@code server.Blocking}
 * (docs/blocking.md): the command runs again when a key it waits on changes, with "$" replaced
 * by the ID that was last when it blocked; a woken XREADGROUP whose stream or group went away
 * gets Redis 7.0's -UNBLOCKED / -NOGROUP error.
 */
public final class StreamCommands {
    private StreamCommands() {}

    static final String INVALID_ID = "ERR Invalid stream ID specified as stream command argument";

    public static void register(CommandTable t) {
        KeySpec k1rw = KeySpec.flags("RW UPDATE", "UPDATE instead of INSERT because of the optional trimming feature")
                .index(1).range(0, 1, 0);
        t.add(cmd("xadd", -5).flags(WRITE, DENYOOM, FAST).acl(STREAM).tips("nondeterministic_output")
                .key(k1rw)
                .doc("stream", "5.0.0", "Appends a new entry to a stream",
                        "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.")
                .handler(StreamCommands::xadd));
        t.add(cmd("xrange", -4).flags(READONLY).acl(STREAM)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Return a range of elements in a stream, with IDs matching the specified IDs interval",
                        "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking "
                        + "for the first 10 elements with COUNT), you can consider it O(1).")
                .handler((c, a) -> xrange(c, a, false)));
        t.add(cmd("xrevrange", -4).flags(READONLY).acl(STREAM)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Return a range of elements in a stream, with IDs matching the specified IDs "
                        + "interval, in reverse order (from greater to smaller IDs) compared to XRANGE",
                        "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for "
                        + "the first 10 elements with COUNT), you can consider it O(1).")
                .handler((c, a) -> xrange(c, a, true)));
        t.add(cmd("xlen", 2).flags(READONLY, FAST).acl(STREAM)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Return the number of entries in a stream", "O(1)")
                .handler(StreamCommands::xlen));
        t.add(cmd("xdel", -3).flags(WRITE, FAST).acl(STREAM)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Removes the specified entries from the stream. Returns the number of items "
                        + "actually deleted, that may be different from the number of IDs passed in case certain IDs do "
                        + "not exist.", "O(1) for each single item to delete in the stream, regardless of the stream size.")
                .handler(StreamCommands::xdel));
        t.add(cmd("xtrim", -4).flags(WRITE).acl(STREAM).tips("nondeterministic_output")
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Trims the stream to (approximately if '~' is passed) a certain size",
                        "O(N), with N being the number of evicted entries. Constant times are very small however, since "
                        + "entries are organized in macro nodes containing multiple entries that can be released with a "
                        + "single deallocation.")
                .handler(StreamCommands::xtrim));
        t.add(cmd("xread", -4).flags(READONLY, BLOCKING).acl(STREAM)
                .key(KeySpec.flags("RO ACCESS").keyword("STREAMS", 1).range(-1, 1, 2))
                .doc("stream", "5.0.0", "Return never seen elements in multiple streams, with IDs greater than the ones "
                        + "reported by the caller for each stream. Can block.",
                        "For each stream mentioned: O(N) with N being the number of elements being returned, it means "
                        + "that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will "
                        + "pay O(M) time in order to serve the M clients blocked on the stream getting new data.")
                .handler((c, a) -> xread(c, a, false)));
        t.add(cmd("xreadgroup", -7).flags(WRITE, BLOCKING).acl(STREAM)
                .key(KeySpec.flags("RO ACCESS").keyword("STREAMS", 4).range(-1, 1, 2))
                .doc("stream", "5.0.0", "Return new entries from a stream using a consumer group, or access the history "
                        + "of the pending entries for a given consumer. Can block.",
                        "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant "
                        + "(e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the "
                        + "other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients "
                        + "blocked on the stream getting new data.")
                .handler((c, a) -> xread(c, a, true)));
        t.add(cmd("xgroup", -2)
                .doc("stream", "5.0.0", "A container for consumer groups commands", "Depends on subcommand.")
                .sub(cmd("create", -5).flags(WRITE, DENYOOM).acl(STREAM)
                        .key(KeySpec.flags("RW INSERT").index(2).range(0, 1, 0))
                        .doc("stream", "5.0.0", "Create a consumer group.", "O(1)")
                        .handler(StreamCommands::xgroup))
                .sub(cmd("createconsumer", 5).flags(WRITE, DENYOOM).acl(STREAM)
                        .key(KeySpec.flags("RW INSERT").index(2).range(0, 1, 0))
                        .doc("stream", "6.2.0", "Create a consumer in a consumer group.", "O(1)")
                        .handler(StreamCommands::xgroup))
                .sub(cmd("delconsumer", 5).flags(WRITE).acl(STREAM)
                        .key(KeySpec.flags("RW DELETE").index(2).range(0, 1, 0))
                        .doc("stream", "5.0.0", "Delete a consumer from a consumer group.", "O(1)")
                        .handler(StreamCommands::xgroup))
                .sub(cmd("destroy", 4).flags(WRITE).acl(STREAM)
                        .key(KeySpec.flags("RW DELETE").index(2).range(0, 1, 0))
                        .doc("stream", "5.0.0", "Destroy a consumer group.",
                                "O(N) where N is the number of entries in the group's pending entries list (PEL).")
                        .handler(StreamCommands::xgroup))
                .sub(cmd("help", 2).flags(LOADING, STALE).acl(STREAM)
                        .doc("stream", "5.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(StreamCommands::xgroup))
                .sub(cmd("setid", -5).flags(WRITE).acl(STREAM)
                        .key(KeySpec.flags("RW UPDATE").index(2).range(0, 1, 0))
                        .doc("stream", "5.0.0", "Set a consumer group to an arbitrary last delivered ID value.", "O(1)")
                        .handler(StreamCommands::xgroup)));
        t.add(cmd("xack", -4).flags(WRITE, FAST).acl(STREAM)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Marks a pending message as correctly processed, effectively removing it from "
                        + "the pending entries list of the consumer group. Return value of the command is the number of "
                        + "messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.",
                        "O(1) for each message ID processed.")
                .handler(StreamCommands::xack));
        t.add(cmd("xpending", -3).flags(READONLY).acl(STREAM).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Return information and entries from a stream consumer group pending entries "
                        + "list, that are messages fetched but never acknowledged.",
                        "O(N) with N being the number of elements returned, so asking for a small fixed number of entries "
                        + "per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE "
                        + "filter. When the command returns just the summary and the list of consumers is small, it runs "
                        + "in O(1) time; otherwise, an additional O(N) time for iterating every consumer.")
                .handler(StreamCommands::xpending));
        t.add(cmd("xclaim", -6).flags(WRITE, FAST).acl(STREAM).tips("nondeterministic_output")
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "Changes (or acquires) ownership of a message in a consumer group, as if the "
                        + "message was delivered to the specified consumer.",
                        "O(log N) with N being the number of messages in the PEL of the consumer group.")
                .handler(StreamCommands::xclaim));
        t.add(cmd("xautoclaim", -6).flags(WRITE, FAST).acl(STREAM).tips("nondeterministic_output")
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("stream", "6.2.0", "Changes (or acquires) ownership of messages in a consumer group, as if the "
                        + "messages were delivered to the specified consumer.", "O(1) if COUNT is small.")
                .handler(StreamCommands::xautoclaim));
        t.add(cmd("xinfo", -2)
                .doc("stream", "5.0.0", "A container for stream introspection commands", "Depends on subcommand.")
                .sub(cmd("consumers", 4).flags(READONLY).acl(STREAM).tips("nondeterministic_output")
                        .key(KeySpec.flags("RO ACCESS").index(2).range(0, 1, 0))
                        .doc("stream", "5.0.0", "List the consumers in a consumer group", "O(1)")
                        .handler(StreamCommands::xinfo))
                .sub(cmd("groups", 3).flags(READONLY).acl(STREAM)
                        .key(KeySpec.flags("RO ACCESS").index(2).range(0, 1, 0))
                        .doc("stream", "5.0.0", "List the consumer groups of a stream", "O(1)")
                        .handler(StreamCommands::xinfo))
                .sub(cmd("help", 2).flags(LOADING, STALE).acl(STREAM)
                        .doc("stream", "5.0.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(StreamCommands::xinfo))
                .sub(cmd("stream", -3).flags(READONLY).acl(STREAM)
                        .key(KeySpec.flags("RO ACCESS").index(2).range(0, 1, 0))
                        .doc("stream", "5.0.0", "Get information about a stream", "O(1)")
                        .handler(StreamCommands::xinfo)));
        t.add(cmd("xsetid", -3).flags(WRITE, DENYOOM, FAST).acl(STREAM)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("stream", "5.0.0", "An internal command for replicating stream values", "O(1)")
                .handler(StreamCommands::xsetid));
    }

    // ------------------------------------------------------------------ lookups

    /** Marker returned by the lookups after they replied WRONGTYPE. */
    private static final Stream WRONG = new Stream();

    /** lookupKeyRead + checkType: counts a hit or miss; null if absent, WRONG after the error. */
    private static Stream readStream(Client c, byte[] key) {
        Object v = c.db().get(key);
        StringCommands.countHit(c, v);
        return check(c, v);
    }

    /** lookupKeyWrite + checkType. */
    private static Stream writeStream(Client c, byte[] key) {
        return check(c, c.db().get(key));
    }

    private static Stream check(Client c, Object v) {
        if (v == null) return null;
        if (v instanceof Stream s) return s;
        Args.error(c, Errors.WRONGTYPE);
        return WRONG;
    }

    private static long now(Client c) { return c.server().keyspace().now(); }

    private static String s(byte[] b) { return new String(b, StandardCharsets.ISO_8859_1); }

    // ------------------------------------------------------------------ ID parsing

    /** Length of a C string: up to the first NUL (Redis parses IDs with C string functions). */
    private static int cLen(byte[] a) {
        for (int i = 0; i < a.length; i++) if (a[i] == 0) return i;
        return a.length;
    }

    /**
     * Redis's streamGenericParseIDOrReply: "-" / "+" (refused when strict), "ms-seq", "ms" (seq
     * = missingSeq), and with seqGiven non-null "ms-*" (seqGiven[0] = false). Returns null (after
     * replying the error when reply is set) for an invalid ID.
     */
    static StreamId parseId(Client c, byte[] arg, long missingSeq, boolean strict, boolean[] seqGiven, boolean reply) {
        StreamId id = parseId(arg, 0, missingSeq, strict, seqGiven);
        if (id == null && reply) Args.error(c, INVALID_ID);
        return id;
    }

    static StreamId parseId(byte[] arg, int off, long missingSeq, boolean strict, boolean[] seqGiven) {
        if (arg.length - off > 127) return null;
        int len = cLen(arg) - off;
        if (len < 0) len = 0;
        if (strict && len == 1 && (arg[off] == '-' || arg[off] == '+')) return null;
        if (seqGiven != null) seqGiven[0] = true;
        if (len == 1 && arg[off] == '-') return StreamId.ZERO;
        if (len == 1 && arg[off] == '+') return StreamId.MAX;
        int dash = -1;
        for (int i = off; i < off + len; i++) if (arg[i] == '-') { dash = i; break; }
        long[] v = new long[1];
        int msEnd = dash >= 0 ? dash : off + len;
        if (!StreamId.parseUnsigned(arg, off, msEnd, v)) return null;
        long ms = v[0];
        long seq;
        if (dash >= 0) {
            int sl = off + len - (dash + 1);
            if (seqGiven != null && sl == 1 && arg[dash + 1] == '*') {
                seq = 0;
                seqGiven[0] = false;
            } else if (StreamId.parseUnsigned(arg, dash + 1, off + len, v)) {
                seq = v[0];
            } else {
                return null;
            }
        } else {
            seq = missingSeq;
        }
        return StreamId.of(ms, seq);
    }

    /** An interval bound: "(" makes it exclusive (strict parse of the rest). excl[0] tells which. */
    private static StreamId parseInterval(Client c, byte[] arg, long missingSeq, boolean[] excl) {
        excl[0] = arg.length > 1 && arg[0] == '(';
        StreamId id = excl[0] ? parseId(arg, 1, missingSeq, true, null) : parseId(arg, 0, missingSeq, false, null);
        if (id == null) Args.error(c, INVALID_ID);
        return id;
    }

    // ------------------------------------------------------------------ replies of entries

    /** A listpack element as a bulk string, read in place. */
    static void bulkElement(Reply r, Listpack lp, int p) {
        if (lp.isInt(p)) r.bulkLong(lp.getInt(p));
        else r.bulk(lp.array(), lp.strStart(p), lp.strLen(p));
    }

    static void bulkId(Reply r, StreamId id) { r.bulk(id.toBytes()); }

    static void bulkId(Reply r, long ms, long seq) {
        r.bulk((Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq)).getBytes(StandardCharsets.US_ASCII));
    }

    /** The entry the iterator is on: [id, [field, value, ...]]. */
    static void replyEntry(Reply r, Stream.Iter it) {
        r.array(2);
        bulkId(r, it.ms, it.seq);
        r.array(it.numFields * 2);
        for (long i = 0; i < it.numFields; i++) {
            it.nextField();
            bulkElement(r, it.lp, it.fieldPos);
            bulkElement(r, it.lp, it.valuePos);
        }
    }

    /** How many entries of [start, end] an iteration would give, at most count (0 = all). */
    static long countRange(Stream s, StreamId start, StreamId end, long count, boolean rev) {
        Stream.Iter it = s.iterator(start, end, rev);
        long n = 0;
        while ((count == 0 || n < count) && it.next()) n++;
        return n;
    }

    /** streamReplyWithRange without a group: an array of at most count (0 = all) entries. */
    static long replyRange(Client c, Stream s, StreamId start, StreamId end, long count, boolean rev) {
        long n = countRange(s, start, end, count, rev);
        Reply r = c.reply();
        r.array(n);
        Stream.Iter it = s.iterator(start, end, rev);
        for (long i = 0; i < n && it.next(); i++) replyEntry(r, it);
        return n;
    }

    /** One entry by ID without an array around it; false if it does not exist. */
    static boolean replyOne(Reply r, Stream s, StreamId id) {
        Stream.Iter it = s.iterator(id, id, false);
        if (!it.next()) return false;
        replyEntry(r, it);
        return true;
    }

    // ------------------------------------------------------------------ propagation

    private static final byte[] XCLAIM = b("XCLAIM"), XGROUP = b("XGROUP"), SETID = b("SETID"),
            CREATECONSUMER = b("CREATECONSUMER"), TIME = b("TIME"), RETRYCOUNT = b("RETRYCOUNT"), FORCE = b("FORCE"),
            JUSTID = b("JUSTID"), LASTID = b("LASTID"), ENTRIESREAD = b("ENTRIESREAD"), ZERO = b("0"),
            EQUALS = b("=");

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    /** streamPropagateXCLAIM. */
    private static void propagateClaim(List<byte[][]> out, byte[] key, Stream.Group g, byte[] groupName, byte[] id,
                                       Stream.Nack n) {
        out.add(new byte[][] {XCLAIM, key, groupName, n.consumer.name, ZERO, id, TIME, Numbers.toBytes(n.deliveryTime),
                RETRYCOUNT, Numbers.toBytes(n.deliveryCount), FORCE, JUSTID, LASTID, g.lastId.toBytes()});
    }

    /** streamPropagateGroupID. */
    private static void propagateGroupId(List<byte[][]> out, byte[] key, Stream.Group g, byte[] groupName) {
        out.add(new byte[][] {XGROUP, SETID, key, groupName, g.lastId.toBytes(), ENTRIESREAD,
                Numbers.toBytes(g.entriesRead)});
    }

    /**
     * The command propagates the commands it collected instead of itself (Redis's alsoPropagate
     * plus preventCommandPropagation): several are wrapped in MULTI/EXEC as Redis does.
     */
    private static void propagateInstead(Client c, List<byte[][]> ops) {
        c.server().propagateInstead(c, ops);
    }

    // ------------------------------------------------------------------ XADD / XTRIM

    /** streamAddTrimArgs. */
    static final class TrimArgs {
        StreamId id;
        boolean idGiven, seqGiven = true, noMkstream;
        int strategy = Stream.TRIM_NONE, argIdx;
        boolean approx;
        long limit, maxlen;
        StreamId minid = StreamId.ZERO;
    }

    /** streamParseAddOrTrimArgsOrReply: returns the ID position (XADD) or -1 after an error. */
    static int parseAddOrTrim(Client c, byte[][] argv, TrimArgs a, boolean xadd) {
        int i = 2;
        boolean limitGiven = false;
        for (; i < argv.length; i++) {
            int more = argv.length - 1 - i;
            byte[] opt = argv[i];
            if (xadd && cLen(opt) == 1 && opt[0] == '*') {
                break;
            } else if (Args.is(opt, "maxlen") && more > 0) {
                if (a.strategy != Stream.TRIM_NONE) {
                    Args.error(c, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return -1;
                }
                a.approx = false;
                byte[] next = argv[i + 1];
                if (more >= 2 && isChar(next, '~')) {
                    a.approx = true;
                    i++;
                } else if (more >= 2 && isChar(next, '=')) {
                    i++;
                }
                Long v = Args.longOrReply(c, argv[i + 1]);
                if (v == null) return -1;
                if (v < 0) {
                    Args.error(c, "ERR The MAXLEN argument must be >= 0.");
                    return -1;
                }
                a.maxlen = v;
                i++;
                a.strategy = Stream.TRIM_MAXLEN;
                a.argIdx = i;
            } else if (Args.is(opt, "minid") && more > 0) {
                if (a.strategy != Stream.TRIM_NONE) {
                    Args.error(c, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return -1;
                }
                a.approx = false;
                byte[] next = argv[i + 1];
                if (more >= 2 && isChar(next, '~')) {
                    a.approx = true;
                    i++;
                } else if (more >= 2 && isChar(next, '=')) {
                    i++;
                }
                StreamId id = parseId(c, argv[i + 1], 0, true, null, true);
                if (id == null) return -1;
                a.minid = id;
                i++;
                a.strategy = Stream.TRIM_MINID;
                a.argIdx = i;
            } else if (Args.is(opt, "limit") && more > 0) {
                Long v = Args.longOrReply(c, argv[i + 1]);
                if (v == null) return -1;
                if (v < 0) {
                    Args.error(c, "ERR The LIMIT argument must be >= 0.");
                    return -1;
                }
                a.limit = v;
                limitGiven = true;
                i++;
            } else if (xadd && Args.is(opt, "nomkstream")) {
                a.noMkstream = true;
            } else if (xadd) {
                boolean[] sg = new boolean[1];
                StreamId id = parseId(c, argv[i], 0, true, sg, true);
                if (id == null) return -1;
                a.id = id;
                a.seqGiven = sg[0];
                a.idGiven = true;
                break;
            } else {
                Args.error(c, Errors.SYNTAX);
                return -1;
            }
        }
        if (a.limit != 0 && a.strategy == Stream.TRIM_NONE) {
            Args.error(c, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return -1;
        }
        if (!xadd && a.strategy == Stream.TRIM_NONE) {
            Args.error(c, "ERR syntax error, XTRIM must be called with a trimming strategy");
            return -1;
        }
        if (c.isInternal()) {
            a.limit = 0;   // from the AOF (or a master): the trim argument was already made exact
        } else if (limitGiven) {
            if (!a.approx) {
                Args.error(c, "ERR syntax error, LIMIT cannot be used without the special ~ option");
                return -1;
            }
        } else if (a.approx) {
            long perNode = c.server().config().getLong("stream-node-max-entries");
            long lim = perNode > Long.MAX_VALUE / 100 ? Long.MAX_VALUE : 100 * perNode;
            if (lim <= 0) lim = 10000;
            if (lim > 1000000) lim = 1000000;
            a.limit = lim;
        } else {
            a.limit = 0;
        }
        return i;
    }

    private static boolean isChar(byte[] a, char ch) {
        return a.length >= 1 && a[0] == ch && cLen(a) == 1;
    }

    /** The trim argument made exact for propagation (streamRewriteTrimArgument). */
    private static void rewriteTrim(byte[][] prop, Stream s, TrimArgs a) {
        prop[a.argIdx - 1] = EQUALS;
        if (a.strategy == Stream.TRIM_MAXLEN) {
            prop[a.argIdx] = Numbers.toBytes(s.length);
        } else {
            StreamId first = s.edgeId(true, false);
            prop[a.argIdx] = (first == null ? StreamId.MAX : first).toBytes();
        }
    }

    static void xadd(Client c, byte[][] argv) {
        TrimArgs a = new TrimArgs();
        int idpos = parseAddOrTrim(c, argv, a, true);
        if (idpos < 0) return;
        int fieldPos = idpos + 1;
        int nargs = argv.length - fieldPos;
        if (nargs < 2 || nargs % 2 == 1) {
            Args.error(c, Errors.wrongArgs("xadd"));
            return;
        }
        if (a.idGiven && a.seqGiven && a.id.isZero()) {
            Args.error(c, "ERR The ID specified in XADD must be greater than 0-0");
            return;
        }
        byte[] key = argv[1];
        Stream s = writeStream(c, key);
        if (s == WRONG) return;
        boolean created = false;
        if (s == null) {
            if (a.noMkstream) {
                c.reply().nullBulk();
                return;
            }
            s = new Stream();
            created = true;
        }
        if (s.lastId.isMax()) {
            Args.error(c, "ERR The stream has exhausted the last possible ID, unable to add more items");
            return;
        }
        StreamId id;
        StreamId last = s.lastId;
        if (a.idGiven) {
            if (a.seqGiven) {
                id = a.id;
            } else if (last.ms == a.id.ms) {
                id = last.seq == -1L ? null : StreamId.of(last.ms, last.seq + 1);
            } else {
                id = a.id;
            }
        } else {
            long ms = now(c);
            id = Long.compareUnsigned(ms, last.ms) > 0 ? StreamId.of(ms, 0) : last.next();
        }
        if (id == null || id.compareTo(last) <= 0) {
            if (created) c.db().put(key, s, false);   // Redis created the key before failing
            Args.error(c, "ERR The ID specified in XADD is equal or smaller than the target stream top item");
            return;
        }
        long total = 0;
        for (int i = fieldPos; i < argv.length; i++) total += argv[i].length;
        if (total > Stream.LISTPACK_MAX_SIZE) {
            if (created) c.db().put(key, s, false);
            Args.error(c, "ERR Elements are too large to be stored");
            return;
        }
        s.append(id, argv, fieldPos, nargs / 2, c.server().config().getLong("stream-node-max-bytes"),
                c.server().config().getLong("stream-node-max-entries"));
        if (created) c.db().put(key, s, false);
        byte[] idText = id.toBytes();
        c.reply().bulk(idText);
        c.db().touched(key);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STREAM, "xadd", key, c.dbIndex());
        byte[][] prop = null;
        if (a.strategy != Stream.TRIM_NONE) {
            if (s.trim(a.strategy, a.maxlen, a.minid, a.approx, a.limit) != 0) {
                c.server().notify(io.vermilion.pubsub.Events.STREAM, "xtrim", key, c.dbIndex());
            }
            if (a.approx) {
                prop = argv.clone();
                rewriteTrim(prop, s, a);
            }
        }
        if (!a.idGiven || !a.seqGiven) {
            if (prop == null) prop = argv.clone();
            prop[idpos] = idText;
        }
        if (prop != null) c.propagateAs(prop);
    }

    static void xtrim(Client c, byte[][] argv) {
        TrimArgs a = new TrimArgs();
        if (parseAddOrTrim(c, argv, a, false) < 0) return;
        Stream s = writeStream(c, argv[1]);
        if (s == WRONG) return;
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        long deleted = s.trim(a.strategy, a.maxlen, a.minid, a.approx, a.limit);
        if (deleted != 0) {
            if (a.approx) {
                byte[][] prop = argv.clone();
                rewriteTrim(prop, s, a);
                c.propagateAs(prop);
            }
            c.db().touched(argv[1]);
            c.server().addDirty(deleted);
            c.server().notify(io.vermilion.pubsub.Events.STREAM, "xtrim", argv[1], c.dbIndex());
        }
        c.reply().integer(deleted);
    }

    // ------------------------------------------------------------------ XRANGE / XREVRANGE / XLEN / XDEL

    static void xrange(Client c, byte[][] argv, boolean rev) {
        byte[] startArg = rev ? argv[3] : argv[2];
        byte[] endArg = rev ? argv[2] : argv[3];
        boolean[] ex = new boolean[1];
        StreamId start = parseInterval(c, startArg, 0, ex);
        if (start == null) return;
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                Args.error(c, "ERR invalid start ID for the interval");
                return;
            }
        }
        StreamId end = parseInterval(c, endArg, -1L, ex);
        if (end == null) return;
        if (ex[0]) {
            end = end.prev();
            if (end == null) {
                Args.error(c, "ERR invalid end ID for the interval");
                return;
            }
        }
        long count = -1;
        for (int j = 4; j < argv.length; j++) {
            int additional = argv.length - j - 1;
            if (Args.is(argv[j], "count") && additional >= 1) {
                Long v = Args.longOrReply(c, argv[j + 1]);
                if (v == null) return;
                count = v < 0 ? 0 : v;
                j++;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        Stream s = readStream(c, argv[1]);
        if (s == WRONG) return;
        if (s == null) {
            c.reply().array(0);
            return;
        }
        if (count == 0) {
            c.reply().nullArray();
            return;
        }
        replyRange(c, s, start, end, count == -1 ? 0 : count, rev);
    }

    static void xlen(Client c, byte[][] argv) {
        Stream s = readStream(c, argv[1]);
        if (s == WRONG) return;
        c.reply().integer(s == null ? 0 : s.length);
    }

    static void xdel(Client c, byte[][] argv) {
        Stream s = writeStream(c, argv[1]);
        if (s == WRONG) return;
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[argv.length - 2];
        for (int j = 2; j < argv.length; j++) {
            ids[j - 2] = parseId(c, argv[j], 0, true, null, true);
            if (ids[j - 2] == null) return;
        }
        long deleted = 0;
        boolean firstEntry = false;
        for (StreamId id : ids) {
            if (s.delete(id)) {
                if (id.equals(s.firstId)) firstEntry = true;
                if (id.compareTo(s.maxDeletedId) > 0) s.maxDeletedId = id;
                deleted++;
            }
        }
        if (deleted != 0) {
            if (s.length == 0) {
                s.firstId = StreamId.ZERO;
            } else if (firstEntry) {
                StreamId f = s.edgeId(true, true);
                s.firstId = f == null ? StreamId.MAX : f;
            }
            c.db().touched(argv[1]);
            c.server().addDirty(deleted);
            c.server().notify(io.vermilion.pubsub.Events.STREAM, "xdel", argv[1], c.dbIndex());
        }
        c.reply().integer(deleted);
    }

    // ------------------------------------------------------------------ XREAD / XREADGROUP

    static void xread(Client c, byte[][] argv, boolean xreadgroup) {
        long timeout = -1;
        long count = 0;
        int streamsArg = 0, streamsCount = 0;
        boolean noack = false;
        byte[] groupName = null, consumerName = null;
        for (int i = 1; i < argv.length; i++) {
            int more = argv.length - i - 1;
            byte[] o = argv[i];
            if (Args.is(o, "block") && more > 0) {
                i++;
                timeout = io.vermilion.server.Blocking.timeoutMsOrReply(c, argv[i]);
                if (timeout < 0) return;
            } else if (Args.is(o, "count") && more > 0) {
                i++;
                Long v = Args.longOrReply(c, argv[i]);
                if (v == null) return;
                count = v < 0 ? 0 : v;
            } else if (Args.is(o, "streams") && more > 0) {
                streamsArg = i + 1;
                streamsCount = argv.length - streamsArg;
                if (streamsCount % 2 != 0) {
                    Args.error(c, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
                    return;
                }
                streamsCount /= 2;
                break;
            } else if (Args.is(o, "group") && more >= 2) {
                if (!xreadgroup) {
                    Args.error(c, "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                groupName = argv[i + 1];
                consumerName = argv[i + 2];
                i += 2;
            } else if (Args.is(o, "noack")) {
                if (!xreadgroup) {
                    Args.error(c, "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
                    return;
                }
                noack = true;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        if (streamsArg == 0) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        if (xreadgroup && groupName == null) {
            Args.error(c, "ERR Missing GROUP option for XREADGROUP");
            return;
        }
        io.vermilion.server.Blocking blocking = c.server().blocking();
        boolean rerun = blocking.rerunning(c);
        if (rerun && groupName != null) {
            // Woken: the stream or its group may be gone since the client blocked (Redis 7.0's
            // unblockDeletedStreamReadgroupClients and serveClientsBlockedOnStreamKey).
            for (int i = streamsArg; i < streamsArg + streamsCount; i++) {
                Object v = c.db().peek(argv[i]);
                if (!(v instanceof Stream st)) {
                    Args.error(c, "UNBLOCKED the stream key no longer exists");
                    return;
                }
                if (st.group(groupName) == null) {
                    Args.error(c, "NOGROUP the consumer group this client was blocked on no longer exists");
                    return;
                }
            }
        }
        if (rerun && count == 0) count = XREAD_BLOCKED_DEFAULT_COUNT;
        StreamId[] ids = new StreamId[streamsCount];
        Stream.Group[] groups = groupName != null ? new Stream.Group[streamsCount] : null;
        for (int i = streamsArg + streamsCount; i < argv.length; i++) {
            int idx = i - streamsArg - streamsCount;
            byte[] key = argv[i - streamsCount];
            Stream s = readStream(c, key);
            if (s == WRONG) return;
            if (groupName != null) {
                Stream.Group g = s == null ? null : s.group(groupName);
                if (g == null) {
                    Args.error(c, "NOGROUP No such key '" + s(key) + "' or consumer group '" + s(groupName)
                            + "' in XREADGROUP with GROUP option");
                    return;
                }
                groups[idx] = g;
            }
            byte[] a = argv[i];
            if (cLen(a) == 1 && a[0] == '$') {
                if (xreadgroup) {
                    Args.error(c, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
                            + "history of this consumer by specifying a proper ID, or use the > ID to get new messages. "
                            + "The $ ID would just return an empty result set.");
                    return;
                }
                ids[idx] = s != null ? s.lastId : StreamId.ZERO;
                continue;
            } else if (cLen(a) == 1 && a[0] == '>') {
                if (!xreadgroup) {
                    Args.error(c, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP "
                            + "<group> <consumer> option.");
                    return;
                }
                ids[idx] = StreamId.MAX;
                continue;
            }
            ids[idx] = parseId(c, a, 0, true, null, true);
            if (ids[idx] == null) return;
        }

        // Serve synchronously what can be served. The reply's outer length is known only at the
        // end (a key may be named twice), so the per-stream replies go to a side buffer first.
        Reply r = c.reply();
        ByteBuf saved = r.buffer();
        ByteBuf side = saved.alloc().heapBuffer(256);
        List<byte[][]> ops = groupName != null ? new ArrayList<>() : null;
        long served = 0;
        try {
            r.buffer(side);
            for (int i = 0; i < streamsCount; i++) {
                byte[] key = argv[streamsArg + i];
                Stream s = readStream(c, key);
                if (s == null || s == WRONG) continue;
                StreamId gt = ids[i];
                boolean serve = false, history = false;
                if (groups != null) {
                    if (!gt.isMax()) {
                        serve = true;
                        history = true;
                    } else if (rerun) {
                        // a woken client is served when the stream's last ID passed the group's
                        serve = s.lastId.compareTo(groups[i].lastId) > 0;
                        gt = groups[i].lastId;
                    } else if (s.length > 0) {
                        StreamId maxid = s.lastValidId();
                        if (maxid.compareTo(groups[i].lastId) > 0) {
                            serve = true;
                            gt = groups[i].lastId;
                        }
                    }
                } else if (rerun) {
                    serve = s.lastId.compareTo(gt) > 0;
                } else if (s.length > 0) {
                    serve = s.lastValidId().compareTo(gt) > 0;
                }
                if (!serve) continue;
                served++;
                StreamId start = gt.next();
                if (start == null) start = StreamId.ZERO;
                if (!r.resp3()) r.array(2);
                r.bulk(key);
                if (groups == null) {
                    replyRange(c, s, start, null, count, false);
                    continue;
                }
                Stream.Group g = groups[i];
                long t = now(c);
                Stream.Consumer consumer = g.consumer(consumerName);
                if (consumer != null) {
                    consumer.seenTime = t;
                } else {
                    consumer = g.createConsumer(consumerName, t);
                    c.server().addDirty(1);
                    c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-createconsumer", key, c.dbIndex());
                    if (noack) ops.add(new byte[][] {XGROUP, CREATECONSUMER, key, groupName, consumer.name});
                }
                if (history) replyHistory(c, s, start, count, consumer);
                else replyGroupRange(c, s, start, count, g, consumer, noack, key, groupName, ops);
                c.server().addDirty(1);
            }
        } finally {
            r.buffer(saved);
        }
        if (served > 0) {
            if (r.resp3()) r.map(served);
            else r.array(served);
            saved.writeBytes(side);
            side.release();
            if (ops != null) propagateInstead(c, ops);
            return;
        }
        side.release();
        if (ops != null) propagateInstead(c, ops);
        if (timeout != -1) {
            if (!blocking.mayBlock(c)) {
                r.nullArray();      // inside MULTI/EXEC or while loading: as a timeout
                return;
            }
            // Woken later, the command runs again; "$" must then mean the last ID of now.
            byte[][] again = argv;
            for (int i = 0; i < streamsCount; i++) {
                byte[] a = argv[streamsArg + streamsCount + i];
                if (cLen(a) == 1 && a[0] == '$') {
                    if (again == argv) again = argv.clone();
                    again[streamsArg + streamsCount + i] = ids[i].toBytes();
                }
            }
            byte[][] keys = java.util.Arrays.copyOfRange(argv, streamsArg, streamsArg + streamsCount);
            blocking.block(c, keys, timeout, groupName != null ? v -> true : v -> v instanceof Stream,
                    cl -> cl.reply().nullArray(), again);
            return;
        }
        r.nullArray();
    }

    /** COUNT of a blocked XREAD/XREADGROUP served later without one (Redis's XREAD_BLOCKED_DEFAULT_COUNT). */
    static final long XREAD_BLOCKED_DEFAULT_COUNT = 1000;

    /** streamReplyWithRange with a group (new entries, ">"). */
    private static void replyGroupRange(Client c, Stream s, StreamId start, long count, Stream.Group g,
                                        Stream.Consumer consumer, boolean noack, byte[] key, byte[] groupName,
                                        List<byte[][]> ops) {
        long n = countRange(s, start, null, count, false);
        Reply r = c.reply();
        r.array(n);
        Stream.Iter it = s.iterator(start, null, false);
        boolean propagateLastId = false;
        long t = now(c);
        for (long k = 0; k < n && it.next(); k++) {
            StreamId id = it.id();
            if (id.compareTo(g.lastId) > 0) {
                s.advanceGroup(g, id);
                if (noack) propagateLastId = true;
            }
            replyEntry(r, it);
            if (!noack) {
                Stream.Nack nack = g.pel.get(id);
                if (nack == null) {
                    nack = new Stream.Nack(consumer, t, 1);
                    g.pel.put(id, nack);
                    consumer.pel.put(id, nack);
                } else {
                    nack.consumer.pel.remove(id);
                    nack.consumer = consumer;
                    nack.deliveryTime = t;
                    nack.deliveryCount = 1;
                    consumer.pel.put(id, nack);
                }
                propagateClaim(ops, key, g, groupName, id.toBytes(), nack);
            }
        }
        if (propagateLastId) propagateGroupId(ops, key, g, groupName);
    }

    /** streamReplyWithRangeFromConsumerPEL: the consumer's own pending entries from start. */
    private static void replyHistory(Client c, Stream s, StreamId start, long count, Stream.Consumer consumer) {
        Map<StreamId, Stream.Nack> tail = consumer.pel.tailMap(start, true);
        long n = 0;
        for (StreamId ignored : tail.keySet()) {
            if (count != 0 && n >= count) break;
            n++;
        }
        Reply r = c.reply();
        r.array(n);
        long t = now(c);
        long k = 0;
        for (Map.Entry<StreamId, Stream.Nack> e : tail.entrySet()) {
            if (k++ == n) break;
            if (!replyOne(r, s, e.getKey())) {
                r.array(2);
                bulkId(r, e.getKey());
                r.nullArray();
            } else {
                e.getValue().deliveryTime = t;
                e.getValue().deliveryCount++;
            }
        }
    }

    // ------------------------------------------------------------------ XGROUP

    static void xgroup(Client c, byte[][] argv) {
        byte[] opt = argv[1];
        Stream s = null;
        Stream.Group cg = null;
        byte[] grpname = null;
        boolean mkstream = false;
        long entriesRead = Stream.INVALID_ENTRIES_READ;
        if (argv.length >= 4) {
            boolean create = Args.is(opt, "create");
            boolean setid = Args.is(opt, "setid");
            int i = 5;
            while (i < argv.length) {
                if (create && Args.is(argv[i], "mkstream")) {
                    mkstream = true;
                    i++;
                } else if ((create || setid) && Args.is(argv[i], "entriesread") && i + 1 < argv.length) {
                    Long v = Args.longOrReply(c, argv[i + 1]);
                    if (v == null) return;
                    if (v < 0 && v != Stream.INVALID_ENTRIES_READ) {
                        Args.error(c, "ERR value for ENTRIESREAD must be positive or -1");
                        return;
                    }
                    entriesRead = v;
                    i += 2;
                } else {
                    Args.subcommandSyntaxError(c, argv);
                    return;
                }
            }
            s = writeStream(c, argv[2]);
            if (s == WRONG) return;
            grpname = argv[3];
        }
        if (argv.length >= 4 && !mkstream) {
            if (s == null) {
                Args.error(c, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
                        + "to use the MKSTREAM option to create an empty stream automatically.");
                return;
            }
            cg = s.group(grpname);
            if (cg == null && (Args.is(opt, "setid") || Args.is(opt, "createconsumer") || Args.is(opt, "delconsumer"))) {
                Args.error(c, "NOGROUP No such consumer group '" + s(grpname) + "' for key name '" + s(argv[2]) + "'");
                return;
            }
        }
        if (argv.length == 2 && Args.is(opt, "help")) {
            Args.help(c, argv,
                    "CREATE <key> <groupname> <id|$> [option]",
                    "    Create a new consumer group. Options are:",
                    "    * MKSTREAM",
                    "      Create the empty stream if it does not exist.",
                    "    * ENTRIESREAD entries_read",
                    "      Set the group's entries_read counter (internal use).",
                    "CREATECONSUMER <key> <groupname> <consumer>",
                    "    Create a new consumer in the specified group.",
                    "DELCONSUMER <key> <groupname> <consumer>",
                    "    Remove the specified consumer.",
                    "DESTROY <key> <groupname>",
                    "    Remove the specified group.",
                    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                    "    Set the current group ID and entries_read counter.");
        } else if (Args.is(opt, "create") && argv.length >= 5 && argv.length <= 8) {
            StreamId id;
            if (cLen(argv[4]) == 1 && argv[4][0] == '$') {
                id = s != null ? s.lastId : StreamId.ZERO;
            } else {
                id = parseId(c, argv[4], 0, true, null, true);
                if (id == null) return;
            }
            if (s == null) {
                s = new Stream();
                c.db().put(argv[2], s, false);
            }
            if (s.createGroup(grpname, id, entriesRead) != null) {
                c.reply().ok();
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-create", argv[2], c.dbIndex());
            } else {
                Args.error(c, "BUSYGROUP Consumer Group name already exists");
            }
        } else if (Args.is(opt, "setid") && (argv.length == 5 || argv.length == 7)) {
            StreamId id;
            if (cLen(argv[4]) == 1 && argv[4][0] == '$') {
                id = s.lastId;
            } else {
                id = parseId(c, argv[4], 0, false, null, true);
                if (id == null) return;
            }
            cg.lastId = id;
            cg.entriesRead = entriesRead;
            c.reply().ok();
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-setid", argv[2], c.dbIndex());
        } else if (Args.is(opt, "destroy") && argv.length == 4) {
            if (cg != null) {
                s.destroyGroup(grpname);
                c.reply().integer(1);
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-destroy", argv[2], c.dbIndex());
                c.server().blocking().signal(c.db(), argv[2]);   // its XREADGROUP waiters get -NOGROUP
            } else {
                c.reply().integer(0);
            }
        } else if (Args.is(opt, "createconsumer") && argv.length == 5) {
            Stream.Consumer created = cg.createConsumer(argv[4], now(c));
            if (created != null) {
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-createconsumer", argv[2], c.dbIndex());
            }
            c.reply().integer(created != null ? 1 : 0);
        } else if (Args.is(opt, "delconsumer") && argv.length == 5) {
            long pending = 0;
            Stream.Consumer consumer = cg.consumer(argv[4]);
            if (consumer != null) {
                pending = consumer.pel.size();
                cg.deleteConsumer(consumer);
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-delconsumer", argv[2], c.dbIndex());
            }
            c.reply().integer(pending);
        } else {
            Args.subcommandSyntaxError(c, argv);
        }
    }

    // ------------------------------------------------------------------ XSETID

    static void xsetid(Client c, byte[][] argv) {
        StreamId id = parseId(c, argv[2], 0, true, null, true);
        if (id == null) return;
        StreamId maxXdel = StreamId.ZERO;
        long entriesAdded = -1;
        int i = 3;
        while (i < argv.length) {
            int more = argv.length - 1 - i;
            if (Args.is(argv[i], "entriesadded") && more > 0) {
                Long v = Args.longOrReply(c, argv[i + 1]);
                if (v == null) return;
                if (v < 0) {
                    Args.error(c, "ERR entries_added must be positive");
                    return;
                }
                entriesAdded = v;
                i += 2;
            } else if (Args.is(argv[i], "maxdeletedid") && more > 0) {
                StreamId m = parseId(c, argv[i + 1], 0, true, null, true);
                if (m == null) return;
                if (id.compareTo(m) < 0) {
                    Args.error(c, "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
                    return;
                }
                maxXdel = m;
                i += 2;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        Stream s = writeStream(c, argv[1]);
        if (s == WRONG) return;
        if (s == null) {
            Args.error(c, Errors.NO_SUCH_KEY);
            return;
        }
        if (s.length > 0) {
            if (id.compareTo(s.lastValidId()) < 0) {
                Args.error(c, "ERR The ID specified in XSETID is smaller than the target stream top item");
                return;
            }
            if (entriesAdded != -1 && Long.compareUnsigned(s.length, entriesAdded) > 0) {
                Args.error(c, "ERR The entries_added specified in XSETID is smaller than the target stream length");
                return;
            }
        }
        s.lastId = id;
        if (entriesAdded != -1) s.entriesAdded = entriesAdded;
        if (!maxXdel.isZero()) s.maxDeletedId = maxXdel;
        c.reply().ok();
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STREAM, "xsetid", argv[1], c.dbIndex());
    }

    // ------------------------------------------------------------------ XACK / XPENDING

    static void xack(Client c, byte[][] argv) {
        Stream s = readStream(c, argv[1]);
        if (s == WRONG) return;
        Stream.Group g = s == null ? null : s.group(argv[2]);
        if (g == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[argv.length - 3];
        for (int j = 3; j < argv.length; j++) {
            ids[j - 3] = parseId(c, argv[j], 0, true, null, true);
            if (ids[j - 3] == null) return;
        }
        long acked = 0;
        for (StreamId id : ids) {
            Stream.Nack n = g.pel.remove(id);
            if (n != null) {
                n.consumer.pel.remove(id);
                acked++;
                c.server().addDirty(1);
            }
        }
        c.reply().integer(acked);
    }

    static void xpending(Client c, byte[][] argv) {
        boolean justInfo = argv.length == 3;
        byte[] key = argv[1], groupName = argv[2];
        byte[] consumerName = null;
        StreamId start = null, end = null;
        long count = 0, minIdle = 0;
        if (argv.length != 3 && (argv.length < 6 || argv.length > 9)) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        if (argv.length >= 6) {
            int startIdx = 3;
            if (Args.is(argv[3], "idle")) {
                Long v = Args.longOrReply(c, argv[4]);
                if (v == null) return;
                minIdle = v;
                if (argv.length < 8) {
                    Args.error(c, Errors.SYNTAX);
                    return;
                }
                startIdx += 2;
            }
            Long v = Args.longOrReply(c, argv[startIdx + 2]);
            if (v == null) return;
            count = v < 0 ? 0 : v;
            boolean[] ex = new boolean[1];
            start = parseInterval(c, argv[startIdx], 0, ex);
            if (start == null) return;
            if (ex[0]) {
                start = start.next();
                if (start == null) {
                    Args.error(c, "ERR invalid start ID for the interval");
                    return;
                }
            }
            end = parseInterval(c, argv[startIdx + 1], -1L, ex);
            if (end == null) return;
            if (ex[0]) {
                end = end.prev();
                if (end == null) {
                    Args.error(c, "ERR invalid end ID for the interval");
                    return;
                }
            }
            if (startIdx + 3 < argv.length) consumerName = argv[startIdx + 3];
        }
        Stream s = readStream(c, key);
        if (s == WRONG) return;
        Stream.Group g = s == null ? null : s.group(groupName);
        if (g == null) {
            Args.error(c, "NOGROUP No such key '" + s(key) + "' or consumer group '" + s(groupName) + "'");
            return;
        }
        Reply r = c.reply();
        if (justInfo) {
            r.array(4);
            r.integer(g.pel.size());
            if (g.pel.isEmpty()) {
                r.nullBulk();
                r.nullBulk();
                r.nullArray();
                return;
            }
            bulkId(r, g.pel.firstKey());
            bulkId(r, g.pel.lastKey());
            long n = 0;
            for (Stream.Consumer con : g.consumers.values()) if (!con.pel.isEmpty()) n++;
            r.array(n);
            for (Stream.Consumer con : g.consumers.values()) {
                if (con.pel.isEmpty()) continue;
                r.array(2);
                r.bulk(con.name);
                r.bulkLong(con.pel.size());
            }
            return;
        }
        Stream.Consumer consumer = null;
        if (consumerName != null) {
            consumer = g.consumer(consumerName);
            if (consumer == null) {
                r.array(0);
                return;
            }
        }
        java.util.NavigableMap<StreamId, Stream.Nack> pel = consumer != null ? consumer.pel : g.pel;
        long t = now(c);
        List<Map.Entry<StreamId, Stream.Nack>> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, Stream.Nack> e : pel.subMap(start, true, end, true).entrySet()) {
                if (count == 0) break;
                if (minIdle != 0 && t - e.getValue().deliveryTime < minIdle) continue;
                out.add(e);
                count--;
            }
        }
        r.array(out.size());
        for (Map.Entry<StreamId, Stream.Nack> e : out) {
            Stream.Nack n = e.getValue();
            r.array(4);
            bulkId(r, e.getKey());
            r.bulk(n.consumer.name);
            long elapsed = t - n.deliveryTime;
            r.integer(elapsed < 0 ? 0 : elapsed);
            r.integer(n.deliveryCount);
        }
    }

    // ------------------------------------------------------------------ XCLAIM / XAUTOCLAIM

    static void xclaim(Client c, byte[][] argv) {
        Stream s = readStream(c, argv[1]);
        if (s == WRONG) return;
        Stream.Group g = s == null ? null : s.group(argv[2]);
        if (g == null) {
            Args.error(c, "NOGROUP No such key '" + s(argv[1]) + "' or consumer group '" + s(argv[2]) + "'");
            return;
        }
        Long mi = Args.longOrReply(c, argv[4], "ERR Invalid min-idle-time argument for XCLAIM");
        if (mi == null) return;
        long minIdle = Math.max(0, mi);
        List<StreamId> ids = new ArrayList<>();
        int j = 5;
        for (; j < argv.length; j++) {
            StreamId id = parseId(argv[j], 0, 0, true, null);
            if (id == null) break;
            ids.add(id);
        }
        long t = now(c);
        StreamId lastId = StreamId.ZERO;
        long retryCount = -1, deliveryTime = -1;
        boolean force = false, justId = false;
        for (; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            byte[] opt = argv[j];
            if (Args.is(opt, "force")) {
                force = true;
            } else if (Args.is(opt, "justid")) {
                justId = true;
            } else if (Args.is(opt, "idle") && more > 0) {
                Long v = Args.longOrReply(c, argv[++j], "ERR Invalid IDLE option argument for XCLAIM");
                if (v == null) return;
                deliveryTime = t - v;
            } else if (Args.is(opt, "time") && more > 0) {
                Long v = Args.longOrReply(c, argv[++j], "ERR Invalid TIME option argument for XCLAIM");
                if (v == null) return;
                deliveryTime = v;
            } else if (Args.is(opt, "retrycount") && more > 0) {
                Long v = Args.longOrReply(c, argv[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM");
                if (v == null) return;
                retryCount = v;
            } else if (Args.is(opt, "lastid") && more > 0) {
                lastId = parseId(c, argv[++j], 0, true, null, true);
                if (lastId == null) return;
            } else {
                Args.error(c, "ERR Unrecognized XCLAIM option '" + s(opt) + "'");
                return;
            }
        }
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            propagateLastId = true;
        }
        if (deliveryTime != -1) {
            if (deliveryTime < 0 || deliveryTime > t) deliveryTime = t;
        } else {
            deliveryTime = t;
        }
        List<byte[][]> ops = new ArrayList<>();
        List<StreamId> claimed = new ArrayList<>();
        Stream.Consumer consumer = null;
        byte[] name = argv[3];
        for (int k = 0; k < ids.size(); k++) {
            StreamId id = ids.get(k);
            byte[] idArg = argv[5 + k];
            Stream.Nack nack = g.pel.get(id);
            if (!s.exists(id)) {
                if (nack != null) {
                    propagateClaim(ops, argv[1], g, argv[2], idArg, nack);
                    propagateLastId = false;
                    c.server().addDirty(1);
                    g.pel.remove(id);
                    nack.consumer.pel.remove(id);
                }
                continue;
            }
            if (force && nack == null) {
                nack = new Stream.Nack(null, t, 1);
                g.pel.put(id, nack);
            }
            if (nack == null) continue;
            if (nack.consumer != null && minIdle != 0 && t - nack.deliveryTime < minIdle) continue;
            if (consumer == null) {
                consumer = g.consumer(name);
                if (consumer != null) {
                    consumer.seenTime = t;
                } else {
                    consumer = g.createConsumer(name, t);
                    c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-createconsumer", argv[1], c.dbIndex());
                    c.server().addDirty(1);
                }
            }
            if (nack.consumer != consumer && nack.consumer != null) nack.consumer.pel.remove(id);
            nack.deliveryTime = deliveryTime;
            if (retryCount >= 0) nack.deliveryCount = retryCount;
            else if (!justId) nack.deliveryCount++;
            if (nack.consumer != consumer) {
                consumer.pel.put(id, nack);
                nack.consumer = consumer;
            }
            claimed.add(id);
            propagateClaim(ops, argv[1], g, argv[2], idArg, nack);
            propagateLastId = false;
            c.server().addDirty(1);
        }
        if (propagateLastId) {
            propagateGroupId(ops, argv[1], g, argv[2]);
            c.server().addDirty(1);
        }
        Reply r = c.reply();
        r.array(claimed.size());
        for (StreamId id : claimed) {
            if (justId) bulkId(r, id);
            else replyOne(r, s, id);
        }
        propagateInstead(c, ops);
    }

    static void xautoclaim(Client c, byte[][] argv) {
        Long mi = Args.longOrReply(c, argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM");
        if (mi == null) return;
        long minIdle = Math.max(0, mi);
        boolean[] ex = new boolean[1];
        StreamId start = parseInterval(c, argv[5], 0, ex);
        if (start == null) return;
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                Args.error(c, "ERR invalid start ID for the interval");
                return;
            }
        }
        long count = 100;
        boolean justId = false;
        for (int j = 6; j < argv.length; j++) {
            int more = argv.length - 1 - j;
            if (Args.is(argv[j], "count") && more > 0) {
                Long v = Args.rangeOrReply(c, argv[j + 1], 1, Long.MAX_VALUE / 16, "ERR COUNT must be > 0");
                if (v == null) return;
                count = v;
                j++;
            } else if (Args.is(argv[j], "justid")) {
                justId = true;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        Stream s = readStream(c, argv[1]);
        if (s == WRONG) return;
        Stream.Group g = s == null ? null : s.group(argv[2]);
        if (g == null) {
            Args.error(c, "NOGROUP No such key '" + s(argv[1]) + "' or consumer group '" + s(argv[2]) + "'");
            return;
        }
        long attempts = count * 10;
        long t = now(c);
        byte[] name = argv[3];
        Stream.Consumer consumer = null;
        List<StreamId> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        List<byte[][]> ops = new ArrayList<>();
        Map.Entry<StreamId, Stream.Nack> e = null;
        StreamId cursor = null;       // last PEL entry looked at
        while (attempts-- != 0 && count != 0
                && (e = cursor == null ? g.pel.ceilingEntry(start) : g.pel.higherEntry(cursor)) != null) {
            StreamId id = e.getKey();
            Stream.Nack nack = e.getValue();
            cursor = id;
            if (!s.exists(id)) {
                propagateClaim(ops, argv[1], g, argv[2], id.toBytes(), nack);
                c.server().addDirty(1);
                g.pel.remove(id);
                nack.consumer.pel.remove(id);
                deleted.add(id);
                count--;
                continue;
            }
            if (minIdle != 0 && t - nack.deliveryTime < minIdle) continue;
            if (consumer == null) {
                consumer = g.consumer(name);
                if (consumer != null) {
                    consumer.seenTime = t;
                } else {
                    consumer = g.createConsumer(name, t);
                    c.server().notify(io.vermilion.pubsub.Events.STREAM, "xgroup-createconsumer", argv[1], c.dbIndex());
                    c.server().addDirty(1);
                }
            }
            if (nack.consumer != consumer && nack.consumer != null) nack.consumer.pel.remove(id);
            nack.deliveryTime = t;
            if (!justId) nack.deliveryCount++;
            if (nack.consumer != consumer) {
                consumer.pel.put(id, nack);
                nack.consumer = consumer;
            }
            claimed.add(id);
            count--;
            propagateClaim(ops, argv[1], g, argv[2], id.toBytes(), nack);
            c.server().addDirty(1);
        }
        Map.Entry<StreamId, Stream.Nack> next = cursor == null ? g.pel.ceilingEntry(start) : g.pel.higherEntry(cursor);
        StreamId endId = next == null ? StreamId.ZERO : next.getKey();
        Reply r = c.reply();
        r.array(3);
        bulkId(r, endId);
        r.array(claimed.size());
        for (StreamId id : claimed) {
            if (justId) bulkId(r, id);
            else replyOne(r, s, id);
        }
        r.array(deleted.size());
        for (StreamId id : deleted) bulkId(r, id);
        propagateInstead(c, ops);
    }

    // ------------------------------------------------------------------ XINFO

    static void xinfo(Client c, byte[][] argv) {
        if (Args.is(argv[1], "help")) {
            if (argv.length != 2) {
                Args.subcommandSyntaxError(c, argv);
                return;
            }
            Args.help(c, argv,
                    "CONSUMERS <key> <groupname>",
                    "    Show consumers of <groupname>.",
                    "GROUPS <key>",
                    "    Show the stream consumer groups.",
                    "STREAM <key> [FULL [COUNT <count>]",
                    "    Show information about the stream.");
            return;
        } else if (argv.length < 3) {
            Args.subcommandSyntaxError(c, argv);
            return;
        }
        byte[] opt = argv[1], key = argv[2];
        Stream s = readStream(c, key);
        if (s == WRONG) return;
        if (s == null) {
            Args.error(c, Errors.NO_SUCH_KEY);
            return;
        }
        Reply r = c.reply();
        if (Args.is(opt, "consumers") && argv.length == 4) {
            Stream.Group g = s.group(argv[3]);
            if (g == null) {
                Args.error(c, "NOGROUP No such consumer group '" + s(argv[3]) + "' for key name '" + s(key) + "'");
                return;
            }
            r.array(g.consumers.size());
            long t = now(c);
            for (Stream.Consumer con : g.consumers.values()) {
                long idle = t - con.seenTime;
                if (idle < 0) idle = 0;
                r.map(3);
                r.bulk("name");
                r.bulk(con.name);
                r.bulk("pending");
                r.integer(con.pel.size());
                r.bulk("idle");
                r.integer(idle);
            }
        } else if (Args.is(opt, "groups") && argv.length == 3) {
            r.array(s.groupCount());
            for (Stream.Group g : s.groups()) {
                r.map(6);
                r.bulk("name");
                r.bulk(g.name);
                r.bulk("consumers");
                r.integer(g.consumers.size());
                r.bulk("pending");
                r.integer(g.pel.size());
                r.bulk("last-delivered-id");
                bulkId(r, g.lastId);
                r.bulk("entries-read");
                if (g.entriesRead != Stream.INVALID_ENTRIES_READ) r.integer(g.entriesRead);
                else r.nullBulk();
                r.bulk("lag");
                Long lag = s.lag(g);
                if (lag != null) r.integer(lag);
                else r.nullBulk();
            }
        } else if (Args.is(opt, "stream")) {
            xinfoStream(c, argv, s);
        } else {
            Args.subcommandSyntaxError(c, argv);
        }
    }

    private static void xinfoStream(Client c, byte[][] argv, Stream s) {
        boolean full = true;
        long count = 10;
        int optc = argv.length - 3;
        if (optc == 0) {
            full = false;
        } else {
            if (optc != 1 && optc != 3) {
                Args.subcommandSyntaxError(c, argv);
                return;
            }
            if (!Args.is(argv[3], "full")) {
                Args.subcommandSyntaxError(c, argv);
                return;
            }
            if (optc == 3) {
                if (!Args.is(argv[4], "count")) {
                    Args.subcommandSyntaxError(c, argv);
                    return;
                }
                Long v = Args.longOrReply(c, argv[5]);
                if (v == null) return;
                count = v < 0 ? 10 : v;
            }
        }
        Reply r = c.reply();
        r.map(full ? 9 : 10);
        r.bulk("length");
        r.integer(s.length);
        r.bulk("radix-tree-keys");
        r.integer(s.nodeCount());
        r.bulk("radix-tree-nodes");
        r.integer(s.radixTreeNodes());
        r.bulk("last-generated-id");
        bulkId(r, s.lastId);
        r.bulk("max-deleted-entry-id");
        bulkId(r, s.maxDeletedId);
        r.bulk("entries-added");
        r.integer(s.entriesAdded);
        r.bulk("recorded-first-entry-id");
        bulkId(r, s.firstId);
        if (!full) {
            r.bulk("groups");
            r.integer(s.groupCount());
            r.bulk("first-entry");
            Stream.Iter it = s.iterator(null, null, false);
            if (it.next()) replyEntry(r, it);
            else r.nullBulk();
            r.bulk("last-entry");
            it = s.iterator(null, null, true);
            if (it.next()) replyEntry(r, it);
            else r.nullBulk();
            return;
        }
        r.bulk("entries");
        replyRange(c, s, null, null, count, false);
        r.bulk("groups");
        r.array(s.groupCount());
        for (Stream.Group g : s.groups()) {
            r.map(7);
            r.bulk("name");
            r.bulk(g.name);
            r.bulk("last-delivered-id");
            bulkId(r, g.lastId);
            r.bulk("entries-read");
            if (g.entriesRead != Stream.INVALID_ENTRIES_READ) r.integer(g.entriesRead);
            else r.nullBulk();
            r.bulk("lag");
            Long lag = s.lag(g);
            if (lag != null) r.integer(lag);
            else r.nullBulk();
            r.bulk("pel-count");
            r.integer(g.pel.size());
            r.bulk("pending");
            long n = count == 0 ? g.pel.size() : Math.min(count, g.pel.size());
            r.array(n);
            long k = 0;
            for (Map.Entry<StreamId, Stream.Nack> e : g.pel.entrySet()) {
                if (k++ == n) break;
                r.array(4);
                bulkId(r, e.getKey());
                r.bulk(e.getValue().consumer.name);
                r.integer(e.getValue().deliveryTime);
                r.integer(e.getValue().deliveryCount);
            }
            r.bulk("consumers");
            r.array(g.consumers.size());
            for (Stream.Consumer con : g.consumers.values()) {
                r.map(4);
                r.bulk("name");
                r.bulk(con.name);
                r.bulk("seen-time");
                r.integer(con.seenTime);
                r.bulk("pel-count");
                r.integer(con.pel.size());
                r.bulk("pending");
                long m = count == 0 ? con.pel.size() : Math.min(count, con.pel.size());
                r.array(m);
                long q = 0;
                for (Map.Entry<StreamId, Stream.Nack> e : con.pel.entrySet()) {
                    if (q++ == m) break;
                    r.array(3);
                    bulkId(r, e.getKey());
                    r.integer(e.getValue().deliveryTime);
                    r.integer(e.getValue().deliveryCount);
                }
            }
        }
    }
}
