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

/**
 * The string commands (Redis's t_string.c family). Each command's metadata (arity, flags, ACL
 * categories, key specs) is declared in {@link #register} beside its handler.
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

    /** The string value of key for a read: null (nil reply already sent? no) if absent; WRONGTYPE replied → NOT_STRING. */
    static final Object NOT_STRING = new Object();

    /** Looks key up for reading; replies WRONGTYPE and returns NOT_STRING for another type. */
    static Object lookupString(Client c, byte[] key) {
        Object v = c.db().get(key);
        if (v != null && !Strings.isString(v)) {
            Args.error(c, Errors.WRONGTYPE);
            return NOT_STRING;
        }
        return v;
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

    static void get(Client c, byte[][] argv) {
        Object v = lookupString(c, argv[1]);
        if (v == NOT_STRING) return;
        countHit(c, v);
        replyString(c, v);
    }

    static void countHit(Client c, Object v) {
        if (v == null) c.server().keyspace().stats().keyspaceMisses++;
        else c.server().keyspace().stats().keyspaceHits++;
    }

    // ------------------------------------------------------------------ SET and its options

    static final int NX = 1, XX = 2, GET = 4, KEEPTTL = 8, EX = 16, PX = 32, EXAT = 64, PXAT = 128, PERSIST = 256;
    static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /** Parsed SET/GETEX options: flags and the absolute expiry in ms (or -1). */
    record ExpireOptions(int flags, long expireAtMs) {}

    /**
     * Parses SET's (forSet) or GETEX's options starting at argv[from]. Replies the error and
     * returns null on bad input, with Redis's texts and checks in Redis's order.
     */
    static ExpireOptions parseOptions(Client c, byte[][] argv, int from, boolean forSet, String cmdName) {
        int flags = 0;
        byte[] expireArg = null;
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
            } else if (Args.is(a, "ex") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE & ~EX)) == 0 && hasNext) {
                flags |= EX; expireArg = argv[++j];
            } else if (Args.is(a, "px") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE & ~PX)) == 0 && hasNext) {
                flags |= PX; expireArg = argv[++j];
            } else if (Args.is(a, "exat") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE & ~EXAT)) == 0 && hasNext) {
                flags |= EXAT; expireArg = argv[++j];
            } else if (Args.is(a, "pxat") && (flags & (KEEPTTL | PERSIST | ANY_EXPIRE & ~PXAT)) == 0 && hasNext) {
                flags |= PXAT; expireArg = argv[++j];
            } else {
                Args.error(c, Errors.SYNTAX);
                return null;
            }
        }
        long at = -1;
        if (expireArg != null) {
            Long v = Args.longOrReply(c, expireArg);
            if (v == null) return null;
            long n = v;
            boolean seconds = (flags & (EX | EXAT)) != 0;
            if (n <= 0 || (seconds && n > Long.MAX_VALUE / 1000)) {
                Args.error(c, Errors.invalidExpire(cmdName));
                return null;
            }
            if (seconds) n *= 1000;
            if ((flags & (EX | PX)) != 0) {
                long now = c.server().keyspace().now();
                if (n > Long.MAX_VALUE - now) {
                    Args.error(c, Errors.invalidExpire(cmdName));
                    return null;
                }
                n += now;
            }
            at = n;
        }
        return new ExpireOptions(flags, at);
    }

    static void set(Client c, byte[][] argv) {
        ExpireOptions o = parseOptions(c, argv, 3, true, "set");
        if (o == null) return;
        Db db = c.db();
        byte[] key = argv[1];
        Object old = null;
        if ((o.flags() & GET) != 0) {
            old = lookupString(c, key);
            if (old == NOT_STRING) return;
        }
        if ((o.flags() & (NX | XX)) != 0) {
            boolean exists = (o.flags() & GET) != 0 ? old != null : db.exists(key);
            if (((o.flags() & NX) != 0 && exists) || ((o.flags() & XX) != 0 && !exists)) {
                if ((o.flags() & GET) != 0) replyString(c, old);
                else c.reply().nullBulk();
                return;
            }
        }
        db.put(key, argv[2], (o.flags() & KEEPTTL) != 0);
        if (o.expireAtMs() >= 0) db.setExpire(key, o.expireAtMs());
        c.server().addDirty(1);
        if ((o.flags() & GET) != 0) replyString(c, old);
        else c.reply().ok();
    }
}
