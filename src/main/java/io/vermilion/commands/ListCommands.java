package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.BLOCKING;
import static io.vermilion.server.CommandSpec.Acl.LIST;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.MOVABLE_KEYS;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.protocol.Reply;
import io.vermilion.server.Blocking;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.QuickList;
import io.vermilion.util.Numbers;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The list commands (Redis 7.0's t_list.c), blocking ones included. Lists are
 * {@link QuickList}s; the checks happen in Redis's order (arguments parsed before or after the
 * key lookup exactly where Redis does it), with Redis's error texts.
 *
 * <p>Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) serve at once when they can,
 * propagated as their non-blocking form; otherwise they block through {@link Blocking} and run
 * again, from the top, when a key they wait on changes (see docs/blocking.md). Inside MULTI they
 * answer as on a timeout.
 */
public final class ListCommands {
    private ListCommands() {}

    private static final byte[] LPOP = Args.bytes("LPOP");
    private static final byte[] RPOP = Args.bytes("RPOP");
    private static final byte[] LMOVE = Args.bytes("LMOVE");
    private static final byte[] RPOPLPUSH = Args.bytes("RPOPLPUSH");
    private static final String OUT_OF_RANGE = "ERR index out of range";
    private static final String POSITIVE = "ERR value is out of range, must be positive";

    /** What a list command blocked on a key waits for: a list. */
    public static final Predicate<Object> IS_LIST = v -> v instanceof QuickList;
    private static final Consumer<Client> NULL_ARRAY = c -> c.reply().nullArray();

    public static void register(CommandTable t) {
        t.add(cmd("lpush", -3).flags(WRITE, DENYOOM, FAST).acl(LIST)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Prepend one or multiple elements to a list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
                .handler((c, a) -> push(c, a, true, false)));
        t.add(cmd("rpush", -3).flags(WRITE, DENYOOM, FAST).acl(LIST)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Append one or multiple elements to a list", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
                .handler((c, a) -> push(c, a, false, false)));
        t.add(cmd("lpushx", -3).flags(WRITE, DENYOOM, FAST).acl(LIST)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("list", "2.2.0", "Prepend an element to a list, only if the list exists", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
                .handler((c, a) -> push(c, a, true, true)));
        t.add(cmd("rpushx", -3).flags(WRITE, DENYOOM, FAST).acl(LIST)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("list", "2.2.0", "Append an element to a list, only if the list exists", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
                .handler((c, a) -> push(c, a, false, true)));
        t.add(cmd("lpop", -2).flags(WRITE, FAST).acl(LIST)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Remove and get the first elements in a list", "O(N) where N is the number of elements returned")
                .handler((c, a) -> pop(c, a, true)));
        t.add(cmd("rpop", -2).flags(WRITE, FAST).acl(LIST)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Remove and get the last elements in a list", "O(N) where N is the number of elements returned")
                .handler((c, a) -> pop(c, a, false)));
        t.add(cmd("llen", 2).flags(READONLY, FAST).acl(LIST)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Get the length of a list", "O(1)")
                .handler(ListCommands::llen));
        t.add(cmd("lindex", 3).flags(READONLY).acl(LIST)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Get an element from a list by its index", "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).")
                .handler(ListCommands::lindex));
        t.add(cmd("lset", 4).flags(WRITE, DENYOOM).acl(LIST)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Set the value of an element in a list by its index", "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).")
                .handler(ListCommands::lset));
        t.add(cmd("lrange", 4).flags(READONLY).acl(LIST)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Get a range of elements from a list", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.")
                .handler(ListCommands::lrange));
        t.add(cmd("ltrim", 4).flags(WRITE).acl(LIST)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Trim a list to the specified range", "O(N) where N is the number of elements to be removed by the operation.")
                .handler(ListCommands::ltrim));
        t.add(cmd("lrem", 4).flags(WRITE).acl(LIST)
                .key(KeySpec.flags("RW DELETE").index(1).range(0, 1, 0))
                .doc("list", "1.0.0", "Remove elements from a list", "O(N+M) where N is the length of the list and M is the number of elements removed.")
                .handler(ListCommands::lrem));
        t.add(cmd("linsert", 5).flags(WRITE, DENYOOM).acl(LIST)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("list", "2.2.0", "Insert an element before or after another element in a list", "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).")
                .handler(ListCommands::linsert));
        t.add(cmd("lpos", -3).flags(READONLY).acl(LIST)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("list", "6.0.6", "Return the index of matching elements on a list", "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.")
                .handler(ListCommands::lpos));
        t.add(cmd("lmove", 5).flags(WRITE, DENYOOM).acl(LIST)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RW INSERT").index(2).range(0, 1, 0))
                .doc("list", "6.2.0", "Pop an element from a list, push it to another list and return it", "O(1)")
                .handler(ListCommands::lmove));
        t.add(cmd("rpoplpush", 3).flags(WRITE, DENYOOM).acl(LIST)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RW INSERT").index(2).range(0, 1, 0))
                .doc("list", "1.2.0", "Remove the last element in a list, prepend it to another list and return it", "O(1)")
                .handler(ListCommands::rpoplpush));
        t.add(cmd("lmpop", -4).flags(WRITE, MOVABLE_KEYS).acl(LIST)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).keynum(0, 1, 1))
                .doc("list", "7.0.0", "Pop elements from a list", "O(N+M) where N is the number of provided keys and M is the number of elements returned.")
                .handler((c, a) -> lmpop(c, a, false)));
        t.add(cmd("blpop", -3).flags(WRITE, NOSCRIPT, CommandSpec.Flag.BLOCKING).acl(LIST, BLOCKING)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(-2, 1, 0))
                .doc("list", "2.0.0", "Remove and get the first element in a list, or block until one is available", "O(N) where N is the number of provided keys.")
                .handler((c, a) -> bpop(c, a, true)));
        t.add(cmd("brpop", -3).flags(WRITE, NOSCRIPT, CommandSpec.Flag.BLOCKING).acl(LIST, BLOCKING)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(-2, 1, 0))
                .doc("list", "2.0.0", "Remove and get the last element in a list, or block until one is available", "O(N) where N is the number of provided keys.")
                .handler((c, a) -> bpop(c, a, false)));
        t.add(cmd("blmove", 6).flags(WRITE, DENYOOM, NOSCRIPT, CommandSpec.Flag.BLOCKING).acl(LIST, BLOCKING)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RW INSERT").index(2).range(0, 1, 0))
                .doc("list", "6.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available", "O(1)")
                .handler(ListCommands::blmove));
        t.add(cmd("brpoplpush", 4).flags(WRITE, DENYOOM, NOSCRIPT, CommandSpec.Flag.BLOCKING).acl(LIST, BLOCKING)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("RW INSERT").index(2).range(0, 1, 0))
                .doc("list", "2.2.0", "Pop an element from a list, push it to another list and return it; or block until one is available", "O(1)")
                .handler(ListCommands::brpoplpush));
        t.add(cmd("blmpop", -5).flags(WRITE, CommandSpec.Flag.BLOCKING, MOVABLE_KEYS).acl(LIST, BLOCKING)
                .key(KeySpec.flags("RW ACCESS DELETE").index(2).keynum(0, 1, 1))
                .doc("list", "7.0.0", "Pop elements from a list, or block until one is available", "O(N+M) where N is the number of provided keys and M is the number of elements returned.")
                .handler((c, a) -> lmpop(c, a, true)));
    }

    // ------------------------------------------------------------------ helpers

    /** Writes visited elements as bulk strings. */
    private static final class BulkOut implements QuickList.ElementVisitor {
        final Reply r;
        BulkOut(Reply r) { this.r = r; }
        @Override public void str(byte[] a, int off, int len) { r.bulk(a, off, len); }
        @Override public void num(long v) { r.bulkLong(v); }
    }

    /** The list-max-listpack-size a new list gets. */
    private static int fill(Client c) {
        return c.server().config().getInt("list-max-listpack-size");
    }

    /** Creates a list at key (absent) with the configured fill. */
    private static QuickList create(Client c, byte[] key) {
        QuickList ql = new QuickList(fill(c));
        c.db().put(key, ql, false);
        return ql;
    }

    /** Looks key up: null if absent, the list, or replies WRONGTYPE and returns WRONG. */
    private static final QuickList WRONG = new QuickList(0);

    private static QuickList lookup(Client c, byte[] key) {
        Object v = c.db().get(key);
        if (v == null) return null;
        if (v instanceof QuickList ql) {
            if (ql.fill() == QuickList.FILL_UNSET) ql.adoptFill(fill(c));
            return ql;
        }
        Args.error(c, Errors.WRONGTYPE);
        return WRONG;
    }

    /** After elements were removed: deletes the emptied key, or signals the change. */
    private static void removed(Client c, byte[] key, QuickList ql, long n, boolean head) {
        c.server().notify(io.vermilion.pubsub.Events.LIST, head ? "lpop" : "rpop", key, c.dbIndex());
        if (ql.size() == 0) {
            c.db().delete(key);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        } else {
            c.db().touched(key);
        }
        c.server().addDirty(n);
    }

    private static Long longArg(Client c, byte[] a) {
        return Args.longOrReply(c, a);
    }

    /** LEFT / RIGHT: 1 for left (head), 0 for right, -1 after a syntax error. */
    private static int side(Client c, byte[] a) {
        if (Args.is(a, "right")) return 0;
        if (Args.is(a, "left")) return 1;
        Args.error(c, Errors.SYNTAX);
        return -1;
    }

    // ------------------------------------------------------------------ push / pop

    static void push(Client c, byte[][] argv, boolean head, boolean xx) {
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        if (ql == null) {
            if (xx) {
                c.reply().integer(0);
                return;
            }
            ql = new QuickList(fill(c));
            for (int j = 2; j < argv.length; j++) ql.push(argv[j], head);
            c.db().put(argv[1], ql, false);
        } else {
            for (int j = 2; j < argv.length; j++) ql.push(argv[j], head);
            c.db().touched(argv[1]);
        }
        c.server().addDirty(argv.length - 2);
        c.server().notify(io.vermilion.pubsub.Events.LIST, head ? "lpush" : "rpush", argv[1], c.dbIndex());
        c.reply().integer(ql.size());
    }

    static void pop(Client c, byte[][] argv, boolean head) {
        boolean hasCount = argv.length == 3;
        long count = 0;
        if (argv.length > 3) {
            Args.error(c, Errors.wrongArgs(head ? "lpop" : "rpop"));
            return;
        }
        if (hasCount) {
            Long n = Args.rangeOrReply(c, argv[2], 0, Long.MAX_VALUE, POSITIVE);
            if (n == null) return;
            count = n;
        }
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        Reply r = c.reply();
        if (ql == null) {
            if (hasCount) r.nullArray(); else r.nullBulk();
            return;
        }
        if (hasCount && count == 0) {
            r.array(0);
            return;
        }
        if (!hasCount) {
            ql.peek(head, new BulkOut(r));
            ql.drop(head);
            removed(c, argv[1], ql, 1, head);
        } else {
            popRange(c, argv[1], ql, head, count);
        }
    }

    /** Replies up to count elements from one end (an array) and removes them. */
    private static long popRange(Client c, byte[] key, QuickList ql, boolean head, long count) {
        long n = Math.min(count, ql.size());
        Reply r = c.reply();
        r.array(n);
        if (head) {
            ql.range(0, n, false, new BulkOut(r));
            ql.deleteRange(0, n);
        } else {
            ql.range(ql.size() - 1, n, true, new BulkOut(r));
            ql.deleteRange(ql.size() - n, n);
        }
        removed(c, key, ql, n, head);
        return n;
    }

    // ------------------------------------------------------------------ reads

    static void llen(Client c, byte[][] argv) {
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        c.reply().integer(ql == null ? 0 : ql.size());
    }

    static void lindex(Client c, byte[][] argv) {
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        if (ql == null) {
            c.reply().nullBulk();
            return;
        }
        Long index = longArg(c, argv[2]);
        if (index == null) return;
        long i = index < 0 ? index + ql.size() : index;
        if (i < 0 || i >= ql.size()) c.reply().nullBulk();
        else ql.range(i, 1, false, new BulkOut(c.reply()));
    }

    static void lrange(Client c, byte[][] argv) {
        Long start = longArg(c, argv[2]);
        if (start == null) return;
        Long end = longArg(c, argv[3]);
        if (end == null) return;
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        if (ql == null) {
            c.reply().array(0);
            return;
        }
        rangeReply(c, ql, start, end);
    }

    private static void rangeReply(Client c, QuickList ql, long start, long end) {
        long len = ql.size();
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (start > end || start >= len) {
            c.reply().array(0);
            return;
        }
        if (end >= len) end = len - 1;
        long n = end - start + 1;
        c.reply().array(n);
        ql.range(start, n, false, new BulkOut(c.reply()));
    }

    static void lpos(Client c, byte[][] argv) {
        byte[] ele = argv[2];
        long rank = 1, count = -1, maxlen = 0;
        for (int j = 3; j < argv.length; j++) {
            boolean more = argv.length - 1 - j > 0;
            if (Args.is(argv[j], "rank") && more) {
                Long v = longArg(c, argv[++j]);
                if (v == null) return;
                if (v == 0) {
                    Args.error(c, "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return;
                }
                rank = v;
            } else if (Args.is(argv[j], "count") && more) {
                Long v = Args.rangeOrReply(c, argv[++j], 0, Long.MAX_VALUE, "ERR COUNT can't be negative");
                if (v == null) return;
                count = v;
            } else if (Args.is(argv[j], "maxlen") && more) {
                Long v = Args.rangeOrReply(c, argv[++j], 0, Long.MAX_VALUE, "ERR MAXLEN can't be negative");
                if (v == null) return;
                maxlen = v;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        boolean reverse = false;
        if (rank < 0) {
            rank = -rank;
            reverse = true;
        }
        Object v = c.db().get(argv[1]);
        Reply r = c.reply();
        if (v == null) {
            if (count != -1) r.array(0); else r.nullBulk();
            return;
        }
        if (!(v instanceof QuickList ql)) {
            Args.error(c, Errors.WRONGTYPE);
            return;
        }
        long llen = ql.size();
        long matches = 0, matchIndex = -1, index = 0;
        long[] found = count != -1 ? new long[8] : null;
        int nFound = 0;
        for (QuickList.Cursor cur = ql.cursor(reverse); cur.valid() && (maxlen == 0 || index < maxlen); cur.next()) {
            if (cur.matches(ele)) {
                matches++;
                matchIndex = reverse ? llen - index - 1 : index;
                if (matches >= rank) {
                    if (found != null) {
                        if (nFound == found.length) found = Arrays.copyOf(found, nFound * 2);
                        found[nFound++] = matchIndex;
                        if (count != 0 && matches - rank + 1 >= count) break;
                    } else {
                        break;
                    }
                }
            }
            index++;
            matchIndex = -1;
        }
        if (found != null) {
            r.array(nFound);
            for (int i = 0; i < nFound; i++) r.integer(found[i]);
        } else if (matchIndex != -1) {
            r.integer(matchIndex);
        } else {
            r.nullBulk();
        }
    }

    // ------------------------------------------------------------------ writes

    static void lset(Client c, byte[][] argv) {
        Object v = c.db().get(argv[1]);
        if (v == null) {
            Args.error(c, Errors.NO_SUCH_KEY);
            return;
        }
        if (!(v instanceof QuickList ql)) {
            Args.error(c, Errors.WRONGTYPE);
            return;
        }
        if (ql.fill() == QuickList.FILL_UNSET) ql.adoptFill(fill(c));
        Long index = longArg(c, argv[2]);
        if (index == null) return;
        if (!ql.set(index, argv[3])) {
            Args.error(c, OUT_OF_RANGE);
            return;
        }
        c.reply().ok();
        c.db().touched(argv[1]);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.LIST, "lset", argv[1], c.dbIndex());
    }

    static void ltrim(Client c, byte[][] argv) {
        Long s = longArg(c, argv[2]);
        if (s == null) return;
        Long e = longArg(c, argv[3]);
        if (e == null) return;
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        if (ql == null) {
            c.reply().ok();
            return;
        }
        long start = s, end = e, llen = ql.size(), ltrim, rtrim;
        if (start < 0) start += llen;
        if (end < 0) end += llen;
        if (start < 0) start = 0;
        if (start > end || start >= llen) {
            ltrim = llen;
            rtrim = 0;
        } else {
            if (end >= llen) end = llen - 1;
            ltrim = start;
            rtrim = llen - end - 1;
        }
        ql.deleteRange(0, ltrim);
        ql.deleteRange(ql.size() - rtrim, rtrim);
        c.server().notify(io.vermilion.pubsub.Events.LIST, "ltrim", argv[1], c.dbIndex());
        if (ql.size() == 0) {
            c.db().delete(argv[1]);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", argv[1], c.dbIndex());
        } else {
            c.db().touched(argv[1]);
        }
        c.server().addDirty(ltrim + rtrim);
        c.reply().ok();
    }

    static void lrem(Client c, byte[][] argv) {
        Long n = longArg(c, argv[2]);
        if (n == null) return;
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        if (ql == null) {
            c.reply().integer(0);
            return;
        }
        long toRemove = n;
        boolean reverse = toRemove < 0;
        if (reverse) toRemove = -toRemove;
        long removed = 0;
        QuickList.Cursor cur = ql.cursor(reverse);
        while (cur.valid()) {
            if (cur.matches(argv[3])) {
                cur.deleteAndNext();
                removed++;
                if (toRemove != 0 && removed == toRemove) break;
            } else {
                cur.next();
            }
        }
        if (removed > 0) c.server().notify(io.vermilion.pubsub.Events.LIST, "lrem", argv[1], c.dbIndex());
        if (ql.size() == 0) {
            c.db().delete(argv[1]);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", argv[1], c.dbIndex());
        } else if (removed > 0) {
            c.db().touched(argv[1]);
        }
        c.server().addDirty(removed);
        c.reply().integer(removed);
    }

    static void linsert(Client c, byte[][] argv) {
        boolean after;
        if (Args.is(argv[2], "after")) after = true;
        else if (Args.is(argv[2], "before")) after = false;
        else {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        QuickList ql = lookup(c, argv[1]);
        if (ql == WRONG) return;
        if (ql == null) {
            c.reply().integer(0);
            return;
        }
        for (QuickList.Cursor cur = ql.cursor(false); cur.valid(); cur.next()) {
            if (cur.matches(argv[3])) {
                cur.insert(after, argv[4]);
                c.db().touched(argv[1]);
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.LIST, "linsert", argv[1], c.dbIndex());
                c.reply().integer(ql.size());
                return;
            }
        }
        c.reply().integer(-1);
    }

    // ------------------------------------------------------------------ moves

    static void lmove(Client c, byte[][] argv) {
        int from = side(c, argv[3]);
        if (from < 0) return;
        int to = side(c, argv[4]);
        if (to < 0) return;
        lmoveGeneric(c, argv[1], argv[2], from == 1, to == 1);
    }

    static void rpoplpush(Client c, byte[][] argv) {
        lmoveGeneric(c, argv[1], argv[2], false, true);
    }

    /** Returns true if it moved an element. */
    private static boolean lmoveGeneric(Client c, byte[] src, byte[] dst, boolean fromHead, boolean toHead) {
        QuickList s = lookup(c, src);
        if (s == WRONG) return false;
        if (s == null) {
            c.reply().nullBulk();
            return false;
        }
        QuickList d = lookup(c, dst);
        if (d == WRONG) return false;
        byte[] value = s.pop(fromHead);
        if (d == null) d = create(c, dst);
        d.push(value, toHead);
        c.db().touched(dst);
        c.reply().bulk(value);
        c.server().notify(io.vermilion.pubsub.Events.LIST, toHead ? "lpush" : "rpush", dst, c.dbIndex());
        c.server().notify(io.vermilion.pubsub.Events.LIST, fromHead ? "lpop" : "rpop", src, c.dbIndex());
        if (s.size() == 0) {
            c.db().delete(src);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", src, c.dbIndex());
        } else {
            c.db().touched(src);
        }
        c.server().addDirty(1);
        return true;
    }

    // ------------------------------------------------------------------ multi-key pops

    static void lmpop(Client c, byte[][] argv, boolean blocking) {
        int numkeysIdx = blocking ? 2 : 1;
        Long nk = Args.rangeOrReply(c, argv[numkeysIdx], 1, Long.MAX_VALUE, "ERR numkeys should be greater than 0");
        if (nk == null) return;
        long whereIdx = numkeysIdx + nk + 1;
        if (whereIdx >= argv.length || whereIdx < 0) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        int where = side(c, argv[(int) whereIdx]);
        if (where < 0) return;
        long count = -1;
        for (int j = (int) whereIdx + 1; j < argv.length; j++) {
            boolean more = argv.length - 1 - j > 0;
            if (count == -1 && Args.is(argv[j], "count") && more) {
                Long v = Args.rangeOrReply(c, argv[++j], 1, Long.MAX_VALUE, "ERR count should be greater than 0");
                if (v == null) return;
                count = v;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        if (count == -1) count = 1;
        byte[][] keys = Arrays.copyOfRange(argv, numkeysIdx + 1, (int) whereIdx);
        if (blocking) {
            long deadline = Blocking.timeoutOrReply(c, argv[1]);
            if (deadline < 0) return;
            blockingPop(c, keys, where == 1, count, deadline);
            return;
        }
        if (!popFirst(c, keys, where == 1, count)) c.reply().nullArray();
    }

    /**
     * Pops from the first non-empty list of keys (count = -1: one element as [key, value];
     * else up to count as [key, [elements]]) and sets the propagated form. Returns false if no
     * key held a list (nothing replied), or true (also after replying WRONGTYPE).
     */
    private static boolean popFirst(Client c, byte[][] keys, boolean head, long count) {
        Db db = c.db();
        for (byte[] key : keys) {
            Object v = db.get(key);
            if (v == null) continue;
            if (!(v instanceof QuickList ql)) {
                Args.error(c, Errors.WRONGTYPE);
                return true;
            }
            if (ql.fill() == QuickList.FILL_UNSET) ql.adoptFill(fill(c));
            Reply r = c.reply();
            r.array(2);
            r.bulk(key);
            if (count == -1) {
                ql.peek(head, new BulkOut(r));
                ql.drop(head);
                removed(c, key, ql, 1, head);
                c.propagateAs(head ? LPOP : RPOP, key);
            } else {
                long n = popRange(c, key, ql, head, count);
                c.propagateAs(head ? LPOP : RPOP, key, Numbers.toBytes(n));
            }
            return true;
        }
        return false;
    }

    private static void blockingPop(Client c, byte[][] keys, boolean head, long count, long deadline) {
        if (popFirst(c, keys, head, count)) return;
        Blocking b = c.server().blocking();
        if (!b.mayBlock(c)) {
            c.reply().nullArray();
            return;
        }
        b.block(c, keys, deadline, IS_LIST, NULL_ARRAY);
    }

    static void bpop(Client c, byte[][] argv, boolean head) {
        long deadline = Blocking.timeoutOrReply(c, argv[argv.length - 1]);
        if (deadline < 0) return;
        blockingPop(c, Arrays.copyOfRange(argv, 1, argv.length - 1), head, -1, deadline);
    }

    static void blmove(Client c, byte[][] argv) {
        int from = side(c, argv[3]);
        if (from < 0) return;
        int to = side(c, argv[4]);
        if (to < 0) return;
        long deadline = Blocking.timeoutOrReply(c, argv[5]);
        if (deadline < 0) return;
        blmoveGeneric(c, argv, from == 1, to == 1, deadline, false);
    }

    static void brpoplpush(Client c, byte[][] argv) {
        long deadline = Blocking.timeoutOrReply(c, argv[3]);
        if (deadline < 0) return;
        blmoveGeneric(c, argv, false, true, deadline, true);
    }

    private static void blmoveGeneric(Client c, byte[][] argv, boolean fromHead, boolean toHead, long deadline,
                                      boolean rpoplpush) {
        Object v = c.db().get(argv[1]);
        if (v != null && !(v instanceof QuickList)) {
            Args.error(c, Errors.WRONGTYPE);
            return;
        }
        if (v == null) {
            Blocking b = c.server().blocking();
            if (!b.mayBlock(c)) c.reply().nullBulk();
            else b.block(c, new byte[][] {argv[1]}, deadline, IS_LIST, NULL_ARRAY); // 7.0 times out every list block with a null array
            return;
        }
        if (lmoveGeneric(c, argv[1], argv[2], fromHead, toHead)) {
            if (rpoplpush) c.propagateAs(RPOPLPUSH, argv[1], argv[2]);
            else c.propagateAs(LMOVE, argv[1], argv[2], argv[3], argv[4]);
        }
    }
}
