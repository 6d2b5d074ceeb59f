package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.STRING;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.Sds;
import io.vermilion.types.Strings;
import io.vermilion.util.LongDouble;
import io.vermilion.util.Numbers;

/**
 * The string commands (Redis's t_string.c family). Each command's metadata (arity, flags, ACL
 * categories, key specs, tips) is declared in {@link #register} beside its handler and mirrors
 * Redis 7.0's COMMAND INFO.
 *
 * <p>Values: a client-supplied value is stored as the argument's byte[] itself (OBJECT ENCODING
 * derives int/embstr/raw from the content, as Redis's tryObjectEncoding does); APPEND and SETRANGE
 * turn a value into a mutable {@link Sds} ("raw"); INCR and friends store the decimal digits
 * (which read back as "int"); INCRBYFLOAT stores {@link Sds#ofString} ("embstr"/"raw").
 *
 * <p>Error order matters as much as error text: each handler checks its arguments and the key in
 * the order Redis does, so that a request with several problems reports the same one.
 */
public final class StringCommands {
    private StringCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("get", 2).flags(READONLY, FAST).acl(STRING)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Get the value of a key", "O(1)")
                .handler(StringCommands::get));
        t.add(cmd("set", -3).flags(WRITE, DENYOOM).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE VARIABLE_FLAGS", "RW and ACCESS due to the optional `GET` argument")
                        .index(1).range(0, 1, 0))
                .keys(StringCommands::setKeys)
                .doc("string", "1.0.0", "Set the string value of a key", "O(1)")
                .handler(StringCommands::set));
        t.add(cmd("getex", -2).flags(WRITE, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE", "RW and UPDATE because it changes the TTL").index(1).range(0, 1, 0))
                .doc("string", "6.2.0", "Get the value of a key and optionally set its expiration", "O(1)")
                .handler(StringCommands::getex));
        t.add(cmd("getdel", 2).flags(WRITE, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .doc("string", "6.2.0", "Get the value of a key and delete the key", "O(1)")
                .handler(StringCommands::getdel));
        t.add(cmd("getset", 3).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Set the string value of a key and return its old value", "O(1)")
                .handler(StringCommands::getset));
        t.add(cmd("setnx", 3).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("OW INSERT").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Set the value of a key, only if the key does not exist", "O(1)")
                .handler(StringCommands::setnx));
        t.add(cmd("setex", 4).flags(WRITE, DENYOOM).acl(STRING)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .doc("string", "2.0.0", "Set the value and expiration of a key", "O(1)")
                .handler(StringCommands::setex));
        t.add(cmd("psetex", 4).flags(WRITE, DENYOOM).acl(STRING)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .doc("string", "2.6.0", "Set the value and expiration in milliseconds of a key", "O(1)")
                .handler(StringCommands::psetex));
        t.add(cmd("mget", -2).flags(READONLY, FAST).acl(STRING).tips("request_policy:multi_shard")
                .key(KeySpec.flags("RO ACCESS").index(1).range(-1, 1, 0))
                .doc("string", "1.0.0", "Get the values of all the given keys", "O(N) where N is the number of keys to retrieve.")
                .handler(StringCommands::mget));
        t.add(cmd("mset", -3).flags(WRITE, DENYOOM).acl(STRING)
                .tips("request_policy:multi_shard", "response_policy:all_succeeded")
                .key(KeySpec.flags("OW UPDATE").index(1).range(-1, 2, 0))
                .doc("string", "1.0.1", "Set multiple keys to multiple values", "O(N) where N is the number of keys to set.")
                .handler(StringCommands::mset));
        t.add(cmd("msetnx", -3).flags(WRITE, DENYOOM).acl(STRING)
                .tips("request_policy:multi_shard", "response_policy:agg_min")
                .key(KeySpec.flags("OW INSERT").index(1).range(-1, 2, 0))
                .doc("string", "1.0.1", "Set multiple keys to multiple values, only if none of the keys exist",
                        "O(N) where N is the number of keys to set.")
                .handler(StringCommands::msetnx));
        t.add(cmd("append", 3).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("RW INSERT").index(1).range(0, 1, 0))
                .doc("string", "2.0.0", "Append a value to a key", "O(1). The amortized time complexity is O(1) assuming "
                        + "the appended value is small and the already present value is of any size, since the dynamic "
                        + "string library used by Redis will double the free space available on every reallocation.")
                .handler(StringCommands::append));
        t.add(cmd("strlen", 2).flags(READONLY, FAST).acl(STRING)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("string", "2.2.0", "Get the length of the value stored in a key", "O(1)")
                .handler(StringCommands::strlen));
        t.add(cmd("incr", 2).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Increment the integer value of a key by one", "O(1)")
                .handler((c, argv) -> incrDecr(c, argv[1], 1)));
        t.add(cmd("decr", 2).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Decrement the integer value of a key by one", "O(1)")
                .handler((c, argv) -> incrDecr(c, argv[1], -1)));
        t.add(cmd("incrby", 3).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Increment the integer value of a key by the given amount", "O(1)")
                .handler(StringCommands::incrby));
        t.add(cmd("decrby", 3).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Decrement the integer value of a key by the given number", "O(1)")
                .handler(StringCommands::decrby));
        t.add(cmd("incrbyfloat", 3).flags(WRITE, DENYOOM, FAST).acl(STRING)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("string", "2.6.0", "Increment the float value of a key by the given amount", "O(1)")
                .handler(StringCommands::incrbyfloat));
        t.add(cmd("setrange", 4).flags(WRITE, DENYOOM).acl(STRING)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("string", "2.2.0", "Overwrite part of a string at key starting at the specified offset",
                        "O(1), not counting the time taken to copy the new string in place. Usually, this string is "
                        + "very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being "
                        + "the length of the value argument.")
                .handler(StringCommands::setrange));
        String rangeComplexity = "O(N) where N is the length of the returned string. The complexity is ultimately "
                + "determined by the returned length, but because creating a substring from an existing string is "
                + "very cheap, it can be considered O(1) for small strings.";
        t.add(cmd("getrange", 4).flags(READONLY).acl(STRING)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("string", "2.4.0", "Get a substring of the string stored at a key", rangeComplexity)
                .handler(StringCommands::getrange));
        t.add(cmd("substr", 4).flags(READONLY).acl(STRING)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("string", "1.0.0", "Get a substring of the string stored at a key", rangeComplexity)
                .handler(StringCommands::getrange));
        t.add(cmd("lcs", -3).flags(READONLY).acl(STRING)
                .key(KeySpec.flags("RO ACCESS").index(1).range(1, 1, 0))
                .doc("string", "7.0.0", "Find longest common substring",
                        "O(N*M) where N and M are the lengths of s1 and s2, respectively")
                .handler(StringCommands::lcs));
    }

    /** SET's key flags depend on GET anywhere among the options (Redis's setGetKeys). */
    static java.util.List<io.vermilion.server.CommandSpec.KeyRef> setKeys(byte[][] argv) {
        for (int i = 3; i < argv.length; i++) {
            if (Args.is(argv[i], "get")) {
                return java.util.List.of(new io.vermilion.server.CommandSpec.KeyRef(1, java.util.List.of("RW", "ACCESS", "UPDATE")));
            }
        }
        return java.util.List.of(new io.vermilion.server.CommandSpec.KeyRef(1, java.util.List.of("OW", "UPDATE")));
    }

    // ------------------------------------------------------------------ lookups and replies

    /** Marker returned by the lookups after they replied WRONGTYPE. */
    static final Object NOT_STRING = new Object();

    /**
     * A read lookup (Redis's lookupKeyRead): counts a keyspace hit or miss, then checks the type.
     * Returns the value, null if absent, or {@link #NOT_STRING} after replying WRONGTYPE.
     */
    static Object readString(Client c, byte[] key) {
        Object v = c.db().get(key);
        countHit(c, v);
        return checkString(c, v);
    }

    /** A write lookup (lookupKeyWrite): no hit/miss statistics. Same results as {@link #readString}. */
    static Object writeString(Client c, byte[] key) {
        return checkString(c, c.db().get(key));
    }

    private static Object checkString(Client c, Object v) {
        if (v != null && !Strings.isString(v)) {
            Args.error(c, Errors.WRONGTYPE);
            return NOT_STRING;
        }
        return v;
    }

    static void countHit(Client c, Object v) {
        if (v == null) c.server().keyspace().stats().keyspaceMisses++;
        else c.server().keyspace().stats().keyspaceHits++;
    }

    static void replyString(Client c, Object v) {
        if (v == null) {
            c.reply().nullBulk();
        } else if (v instanceof byte[] b) {
            c.reply().bulk(b);
        } else {
            Sds s = (Sds) v;
            c.reply().bulk(s.array(), 0, s.length());
        }
    }

    /** Redis's getGenericCommand: replies the value (or nil); false after a WRONGTYPE error. */
    private static boolean replyGet(Client c, byte[] key) {
        Object v = readString(c, key);
        if (v == NOT_STRING) return false;
        replyString(c, v);
        return true;
    }

    static void get(Client c, byte[][] argv) {
        replyGet(c, argv[1]);
    }

    // ------------------------------------------------------------------ SET and its options

    static final int NX = 1, XX = 2, GET = 4, KEEPTTL = 8, EX = 16, PX = 32, EXAT = 64, PXAT = 128, PERSIST = 256;
    static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** Parsed SET/GETEX options: the flags and the expire argument (null if none). */
    record Options(int flags, byte[] expire) {}

    /**
     * Parses SET's (forSet) or GETEX's options starting at argv[from], accepting the same
     * combinations as Redis's parseExtendedStringArgumentsOrReply (a repeated expire option of
     * the same kind is allowed, the last one wins). Replies "syntax error" and returns null
     * otherwise. The expire value itself is checked later, at the point Redis checks it.
     */
    static Options parseOptions(Client c, byte[][] argv, int from, boolean forSet) {
        int flags = 0;
        byte[] expire = null;
        for (int j = from; j < argv.length; j++) {
            byte[] a = argv[j];
            boolean hasNext = j + 1 < argv.length;
            if (forSet && Args.is(a, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (forSet && Args.is(a, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (forSet && Args.is(a, "get")) {
                flags |= GET;
            } else if (forSet && Args.is(a, "keepttl") && (flags & ANY_EXPIRE) == 0) {
                flags |= KEEPTTL;
            } else if (!forSet && Args.is(a, "persist") && (flags & ANY_EXPIRE) == 0) {
                flags |= PERSIST;
            } else if (hasNext && expireOption(a, flags) != 0) {
                flags |= expireOption(a, flags);
                expire = argv[++j];
            } else {
                Args.error(c, Errors.SYNTAX);
                return null;
            }
        }
        return new Options(flags, expire);
    }

    /** The expire flag that a is, if allowed after the flags seen so far; else 0. */
    private static int expireOption(byte[] a, int flags) {
        int f;
        if (Args.is(a, "ex")) f = EX;
        else if (Args.is(a, "px")) f = PX;
        else if (Args.is(a, "exat")) f = EXAT;
        else if (Args.is(a, "pxat")) f = PXAT;
        else return 0;
        return (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~f))) == 0 ? f : 0;
    }

    /**
     * The absolute expiry in unix ms for an expire argument of the given kind (EX/PX relative,
     * EXAT/PXAT absolute), or -1 after replying the error: not an integer, or not positive, or
     * overflowing ("invalid expire time in '<cmd>' command").
     */
    static long expireAtMs(Client c, byte[] arg, int kind, String cmdName) {
        Long v = Args.longOrReply(c, arg);
        if (v == null) return -1;
        long n = v;
        boolean seconds = (kind & (EX | EXAT)) != 0;
        if (n <= 0 || (seconds && n > Long.MAX_VALUE / 1000)) {
            Args.error(c, Errors.invalidExpire(cmdName));
            return -1;
        }
        if (seconds) n *= 1000;
        if ((kind & (EX | PX)) != 0) {
            long now = c.server().keyspace().now();
            if (n > Long.MAX_VALUE - now) {   // Redis sees the sum wrap negative
                Args.error(c, Errors.invalidExpire(cmdName));
                return -1;
            }
            n += now;
        }
        return n;
    }

    static void set(Client c, byte[][] argv) {
        Options o = parseOptions(c, argv, 3, true);
        if (o == null) return;
        setGeneric(c, o.flags(), argv[1], argv[2], o.expire(), "set", false);
    }

    /**
     * Redis's setGenericCommand: validates the expiry, replies the old value for GET, applies
     * NX/XX, stores the value and the expiry. The reply is +OK / nil, or for SETNX (intReply)
     * :1 / :0.
     */
    private static void setGeneric(Client c, int flags, byte[] key, byte[] val, byte[] expire, String cmdName,
                                   boolean intReply) {
        long at = -1;
        if (expire != null) {
            at = expireAtMs(c, expire, flags & ANY_EXPIRE, cmdName);
            if (at < 0) return;
        }
        if ((flags & GET) != 0 && !replyGet(c, key)) return;
        Db db = c.db();
        boolean found = db.get(key) != null;
        if (((flags & NX) != 0 && found) || ((flags & XX) != 0 && !found)) {
            if ((flags & GET) == 0) {
                if (intReply) c.reply().integer(0);
                else c.reply().nullBulk();
            }
            return;
        }
        db.put(key, val, (flags & KEEPTTL) != 0 || expire != null);
        if (expire != null) {
            db.setExpire(key, at);
            // A relative TTL replayed later would end later: propagate the absolute time, as Redis.
            c.propagateAs(SET_CMD, key, val, PXAT_ARG, Numbers.toBytes(at));
        }
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "set", key, c.dbIndex());
        if (expire != null) c.server().notify(io.vermilion.pubsub.Events.GENERIC, "expire", key, c.dbIndex());
        if ((flags & GET) != 0) return;
        if (intReply) c.reply().integer(1);
        else c.reply().ok();
    }

    // Command vectors for propagation rewrites (what AOF and replicas receive).
    private static final byte[] SET_CMD = {'S', 'E', 'T'};
    private static final byte[] DEL_CMD = {'D', 'E', 'L'};
    private static final byte[] PEXPIREAT_CMD = "PEXPIREAT".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PERSIST_CMD = "PERSIST".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PXAT_ARG = {'P', 'X', 'A', 'T'};
    private static final byte[] KEEPTTL_ARG = "KEEPTTL".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static void setnx(Client c, byte[][] argv) {
        setGeneric(c, NX, argv[1], argv[2], null, "setnx", true);
    }

    static void setex(Client c, byte[][] argv) {
        setGeneric(c, EX, argv[1], argv[3], argv[2], "setex", false);
    }

    static void psetex(Client c, byte[][] argv) {
        setGeneric(c, PX, argv[1], argv[3], argv[2], "psetex", false);
    }

    // ------------------------------------------------------------------ GETEX, GETDEL, GETSET

    static void getex(Client c, byte[][] argv) {
        Options o = parseOptions(c, argv, 2, false);
        if (o == null) return;
        byte[] key = argv[1];
        Object v = readString(c, key);
        if (v == NOT_STRING) return;
        if (v == null) {
            c.reply().nullBulk();
            return;
        }
        long at = -1;
        if (o.expire() != null) {
            at = expireAtMs(c, o.expire(), o.flags() & ANY_EXPIRE, "getex");
            if (at < 0) return;
        }
        replyString(c, v);
        Db db = c.db();
        if ((o.flags() & (EXAT | PXAT)) != 0 && at <= c.server().keyspace().now()) {
            // An absolute time already past deletes the key at once, as Redis does.
            db.delete(key);
            c.propagateAs(DEL_CMD, key);
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
        } else if (o.expire() != null) {
            db.setExpire(key, at);
            c.propagateAs(PEXPIREAT_CMD, key, Numbers.toBytes(at));
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "expire", key, c.dbIndex());
        } else if ((o.flags() & PERSIST) != 0) {
            if (db.persist(key)) {
                c.propagateAs(PERSIST_CMD, key);
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.GENERIC, "persist", key, c.dbIndex());
            }
        }
    }

    static void getdel(Client c, byte[][] argv) {
        Object v = readString(c, argv[1]);
        if (v == NOT_STRING) return;
        replyString(c, v);
        if (v != null && c.db().delete(argv[1])) {
            c.propagateAs(DEL_CMD, argv[1]);
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", argv[1], c.dbIndex());
        }
    }

    static void getset(Client c, byte[][] argv) {
        if (!replyGet(c, argv[1])) return;
        c.db().put(argv[1], argv[2], false);
        c.propagateAs(SET_CMD, argv[1], argv[2]);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "set", argv[1], c.dbIndex());
    }

    // ------------------------------------------------------------------ MGET, MSET, MSETNX

    static void mget(Client c, byte[][] argv) {
        c.reply().array(argv.length - 1);
        Db db = c.db();
        for (int j = 1; j < argv.length; j++) {
            Object v = db.get(argv[j]);
            countHit(c, v);
            // A key of another type reads as nil here, not as an error.
            replyString(c, v != null && Strings.isString(v) ? v : null);
        }
    }

    static void mset(Client c, byte[][] argv) {
        msetGeneric(c, argv, false);
    }

    static void msetnx(Client c, byte[][] argv) {
        msetGeneric(c, argv, true);
    }

    private static void msetGeneric(Client c, byte[][] argv, boolean nx) {
        if (argv.length % 2 == 0) {
            Args.error(c, Errors.wrongArgs(nx ? "msetnx" : "mset"));
            return;
        }
        Db db = c.db();
        if (nx) {
            for (int j = 1; j < argv.length; j += 2) {
                if (db.get(argv[j]) != null) {
                    c.reply().integer(0);
                    return;
                }
            }
        }
        for (int j = 1; j < argv.length; j += 2) {
            db.put(argv[j], argv[j + 1], false);
            c.server().notify(io.vermilion.pubsub.Events.STRING, "set", argv[j], c.dbIndex());
        }
        c.server().addDirty((argv.length - 1) / 2);
        if (nx) c.reply().integer(1);
        else c.reply().ok();
    }

    // ------------------------------------------------------------------ APPEND, STRLEN, SETRANGE

    /**
     * Redis's checkStringLength: the resulting size must not exceed proto-max-bulk-len. A Java
     * array also caps it (only reachable if proto-max-bulk-len is raised above 2 GB).
     */
    private static boolean checkLength(Client c, long size, long add) {
        long total = size + add;
        long max = Math.min(c.server().config().getLong("proto-max-bulk-len"), Integer.MAX_VALUE - 8);
        if (total > max || total < 0) {
            Args.error(c, Errors.STRING_TOO_LONG);
            return false;
        }
        return true;
    }

    static void append(Client c, byte[][] argv) {
        byte[] key = argv[1];
        byte[] add = argv[2];
        Object v = writeString(c, key);
        if (v == NOT_STRING) return;
        long total;
        if (v == null) {
            c.db().put(key, add, false);
            total = add.length;
        } else {
            if (!checkLength(c, Strings.length(v), add.length)) return;
            Sds s = unshare(c, key, v);
            s.append(add);
            total = s.length();
        }
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "append", key, c.dbIndex());
        c.reply().integer(total);
    }

    /**
     * The value as an Sds that this key alone owns and may change in place (Redis's
     * dbUnshareStringValue, which also makes the encoding "raw").
     */
    private static Sds unshare(Client c, byte[] key, Object v) {
        if (v instanceof Sds s) {
            c.db().touched(key); // changed in place below: WATCH must hear of it
            return s;
        }
        Sds s = new Sds((byte[]) v, 0);
        c.db().replace(key, s);
        return s;
    }

    static void strlen(Client c, byte[][] argv) {
        Object v = readString(c, argv[1]);
        if (v == NOT_STRING) return;
        c.reply().integer(v == null ? 0 : Strings.length(v));
    }

    static void setrange(Client c, byte[][] argv) {
        byte[] key = argv[1];
        byte[] val = argv[3];
        Long offObj = Args.longOrReply(c, argv[2]);
        if (offObj == null) return;
        long offset = offObj;
        if (offset < 0) {
            Args.error(c, Errors.OFFSET_OUT_OF_RANGE);
            return;
        }
        Object v = writeString(c, key);
        if (v == NOT_STRING) return;
        Sds s;
        if (v == null) {
            if (val.length == 0) {   // nothing to write: the key is not created
                c.reply().integer(0);
                return;
            }
            if (!checkLength(c, offset, val.length)) return;
            s = new Sds((int) offset + val.length);
            c.db().put(key, s, false);
        } else {
            if (val.length == 0) {
                c.reply().integer(Strings.length(v));
                return;
            }
            if (!checkLength(c, offset, val.length)) return;
            s = unshare(c, key, v);
        }
        s.setRange((int) offset, val);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "setrange", key, c.dbIndex());
        c.reply().integer(s.length());
    }

    // ------------------------------------------------------------------ GETRANGE / SUBSTR

    static void getrange(Client c, byte[][] argv) {
        Long startObj = Args.longOrReply(c, argv[2]);
        if (startObj == null) return;
        Long endObj = Args.longOrReply(c, argv[3]);
        if (endObj == null) return;
        Object v = readString(c, argv[1]);
        if (v == NOT_STRING) return;
        if (v == null) {
            c.reply().bulk(EMPTY);
            return;
        }
        long start = startObj, end = endObj;
        int len = Strings.length(v);
        if (start < 0 && end < 0 && start > end) {
            c.reply().bulk(EMPTY);
            return;
        }
        if (start < 0) start += len;
        if (end < 0) end += len;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= len) end = len - 1;
        if (len == 0 || start > end) {
            c.reply().bulk(EMPTY);
            return;
        }
        byte[] arr = v instanceof Sds s ? s.array() : (byte[]) v;
        c.reply().bulk(arr, (int) start, (int) (end - start + 1));
    }

    private static final byte[] EMPTY = new byte[0];

    // ------------------------------------------------------------------ INCR family

    static void incrby(Client c, byte[][] argv) {
        Long by = Args.longOrReply(c, argv[2]);
        if (by == null) return;
        incrDecr(c, argv[1], by);
    }

    static void decrby(Client c, byte[][] argv) {
        Long by = Args.longOrReply(c, argv[2]);
        if (by == null) return;
        if (by == Long.MIN_VALUE) {   // its negation does not exist
            Args.error(c, "ERR decrement would overflow");
            return;
        }
        incrDecr(c, argv[1], -by);
    }

    /** The integer a string value holds (Redis's string2ll rules), or null if none. */
    static Long integerValue(Object v) {
        long[] out = new long[1];
        boolean ok = v instanceof byte[] b ? Numbers.parseLong(b, out)
                : Numbers.parseLong(((Sds) v).array(), 0, ((Sds) v).length(), out);
        return ok ? out[0] : null;
    }

    static void incrDecr(Client c, byte[] key, long by) {
        Object v = writeString(c, key);
        if (v == NOT_STRING) return;
        long value = 0;
        if (v != null) {
            Long n = integerValue(v);
            if (n == null) {
                Args.error(c, Errors.NOT_INTEGER);
                return;
            }
            value = n;
        }
        if ((by < 0 && value < 0 && by < Long.MIN_VALUE - value)
                || (by > 0 && value > 0 && by > Long.MAX_VALUE - value)) {
            Args.error(c, Errors.OVERFLOW);
            return;
        }
        value += by;
        // Digits of a long read back as an "int"-encoded value, the encoding Redis gives the result.
        byte[] digits = Numbers.toBytes(value);
        c.db().put(key, digits, true);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "incrby", key, c.dbIndex());
        if (value >= 0 && value < 1024) c.reply().integer(value);
        else c.reply().integerDigits(digits);
    }

    static void incrbyfloat(Client c, byte[][] argv) {
        byte[] key = argv[1];
        Object v = writeString(c, key);
        if (v == NOT_STRING) return;
        LongDouble value = LongDouble.ZERO;
        if (v != null) {
            value = v instanceof byte[] b ? LongDouble.parse(b) : LongDouble.parse(((Sds) v).array(), 0, ((Sds) v).length());
        }
        LongDouble incr = value == null ? null : LongDouble.parse(argv[2]);
        if (value == null || incr == null) {
            Args.error(c, Errors.NOT_FLOAT);
            return;
        }
        LongDouble sum = value.add(incr);
        if (!sum.isFinite()) {
            Args.error(c, "ERR increment would produce NaN or Infinity");
            return;
        }
        byte[] out = sum.toHumanBytes();
        c.db().put(key, Sds.ofString(out), true);
        // Replicas and the AOF get the exact result, not a float operation to redo.
        c.propagateAs(SET_CMD, key, out, KEEPTTL_ARG);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "incrbyfloat", key, c.dbIndex());
        c.reply().bulk(out);
    }

    // ------------------------------------------------------------------ LCS

    static void lcs(Client c, byte[][] argv) {
        Db db = c.db();
        Object va = db.get(argv[1]);
        countHit(c, va);
        Object vb = db.get(argv[2]);
        countHit(c, vb);
        if ((va != null && !Strings.isString(va)) || (vb != null && !Strings.isString(vb))) {
            Args.error(c, "ERR The specified keys must contain string values");
            return;
        }
        boolean getIdx = false, getLen = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int j = 3; j < argv.length; j++) {
            byte[] opt = argv[j];
            if (Args.is(opt, "idx")) {
                getIdx = true;
            } else if (Args.is(opt, "len")) {
                getLen = true;
            } else if (Args.is(opt, "withmatchlen")) {
                withMatchLen = true;
            } else if (Args.is(opt, "minmatchlen") && j + 1 < argv.length) {
                Long n = Args.longOrReply(c, argv[++j]);
                if (n == null) return;
                minMatchLen = Math.max(0, n);
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        if (getIdx && getLen) {
            Args.error(c, "ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        byte[] a = va == null ? EMPTY : Strings.bytes(va);
        byte[] b = vb == null ? EMPTY : Strings.bytes(vb);
        // Redis refuses when its (|a|+1)*(|b|+1) table of 32-bit cells would exceed proto-max-bulk-len.
        long cells = (long) (a.length + 1) * (b.length + 1);
        if (cells * 4 > c.server().config().getLong("proto-max-bulk-len")) {
            Args.error(c, "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        Lcs r;
        try {
            r = Lcs.compute(a, b, getIdx || !getLen, minMatchLen);
        } catch (OutOfMemoryError e) {
            r = null;
        }
        if (r == null) {
            Args.error(c, "ERR Insufficient memory, failed allocating transient memory for LCS");
            return;
        }
        if (getIdx) {
            c.reply().map(2);
            c.reply().bulk(MATCHES);
            c.reply().array(r.ranges.length / 4);
            for (int k = 0; k < r.ranges.length; k += 4) {
                int aStart = r.ranges[k], aEnd = r.ranges[k + 1], bStart = r.ranges[k + 2], bEnd = r.ranges[k + 3];
                c.reply().array(withMatchLen ? 3 : 2);
                c.reply().array(2);
                c.reply().integer(aStart);
                c.reply().integer(aEnd);
                c.reply().array(2);
                c.reply().integer(bStart);
                c.reply().integer(bEnd);
                if (withMatchLen) c.reply().integer(aEnd - aStart + 1);
            }
            c.reply().bulk(LEN);
            c.reply().integer(r.length);
        } else if (getLen) {
            c.reply().integer(r.length);
        } else {
            c.reply().bulk(r.sequence);
        }
    }

    private static final byte[] MATCHES = {'m', 'a', 't', 'c', 'h', 'e', 's'};
    private static final byte[] LEN = {'l', 'e', 'n'};

    /**
     * The longest common subsequence of two byte strings, by the classic dynamic programme. The
     * result Redis returns depends on how ties are walked back, so the walk follows the same rule:
     * from the ends of both strings, a common byte is taken, otherwise the index of a steps back
     * only when dropping a's byte keeps a strictly longer LCS than dropping b's.
     *
     * <p>The walk needs only that comparison at each cell, so the table keeps one bit per cell
     * instead of the lengths (32 times less memory than Redis's table of uint32).
     */
    static final class Lcs {
        final int length;
        byte[] sequence;
        /** Matched ranges as aStart, aEnd, bStart, bEnd quadruples, from the end of the strings back. */
        int[] ranges;

        private Lcs(int length) {
            this.length = length;
        }

        /** Returns the LCS length, and when walk is set the sequence and the ranges of at least minLen. */
        static Lcs compute(byte[] a, byte[] b, boolean walk, long minLen) {
            int n = a.length, m = b.length;
            long bits = (long) n * m;
            if (walk && bits / 64 >= Integer.MAX_VALUE - 8) return null;
            long[] up = walk ? new long[(int) ((bits + 63) / 64)] : null;
            int[] prev = new int[m + 1];
            int[] cur = new int[m + 1];
            for (int i = 1; i <= n; i++) {
                byte ai = a[i - 1];
                long row = (long) (i - 1) * m;
                for (int j = 1; j <= m; j++) {
                    if (ai == b[j - 1]) {
                        cur[j] = prev[j - 1] + 1;
                    } else if (prev[j] > cur[j - 1]) {
                        cur[j] = prev[j];
                        if (walk) {
                            long bit = row + j - 1;
                            up[(int) (bit >>> 6)] |= 1L << bit;
                        }
                    } else {
                        cur[j] = cur[j - 1];
                    }
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            Lcs r = new Lcs(prev[m]);
            if (!walk) return r;
            r.sequence = new byte[r.length];
            int[] ranges = new int[16];
            int count = 0;
            int k = r.length;
            int i = n, j = m;
            // The current run of consecutive matches (a diagonal), 0-based inclusive; none if endA < 0.
            int startA = 0, startB = 0, endA = -1, endB = -1;
            while (i > 0 && j > 0) {
                boolean emit;
                if (a[i - 1] == b[j - 1]) {
                    r.sequence[--k] = a[i - 1];
                    if (endA < 0) {
                        endA = i - 1;
                        endB = j - 1;
                    }
                    startA = i - 1;
                    startB = j - 1;
                    i--;
                    j--;
                    emit = i == 0 || j == 0;   // the walk ends here
                } else {
                    long bit = (long) (i - 1) * m + j - 1;
                    if ((up[(int) (bit >>> 6)] & (1L << bit)) != 0) i--;
                    else j--;
                    emit = endA >= 0;
                }
                if (!emit) continue;
                int len = endA - startA + 1;
                if (minLen == 0 || len >= minLen) {
                    if (count + 4 > ranges.length) ranges = java.util.Arrays.copyOf(ranges, ranges.length * 2);
                    ranges[count++] = startA;
                    ranges[count++] = endA;
                    ranges[count++] = startB;
                    ranges[count++] = endB;
                }
                endA = endB = -1;
            }
            r.ranges = java.util.Arrays.copyOf(ranges, count);
            return r;
        }
    }
}
