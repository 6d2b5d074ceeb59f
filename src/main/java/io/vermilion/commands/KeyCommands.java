package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.DANGEROUS;
import static io.vermilion.server.CommandSpec.Acl.KEYSPACE;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.config.Config;
import io.vermilion.keyspace.Db;
import io.vermilion.keyspace.Keyspace;
import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandHandler;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.Strings;
import io.vermilion.types.Types;
import io.vermilion.util.Glob;
import io.vermilion.util.HashSlot;
import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The generic keyspace commands (Redis's db.c, expire.c and object.c family): DEL, UNLINK,
 * EXISTS, TYPE, RENAME, RENAMENX, COPY, MOVE, SWAPDB, the EXPIRE/TTL family, PERSIST, KEYS,
 * SCAN, RANDOMKEY, TOUCH and OBJECT.
 *
 * <p>Each handler looks keys up the way its Redis counterpart does, because that is visible:
 * read lookups count keyspace hits/misses (INFO stats), lookups that are not "no touch" refresh
 * the key's LRU time or LFU counter (OBJECT IDLETIME/FREQ), and any lookup deletes a key whose
 * time has passed.
 */
public final class KeyCommands {
    private KeyCommands() {}

    private static final String MULTI_SHARD = "request_policy:multi_shard";
    private static final String AGG_SUM = "response_policy:agg_sum";

    public static void register(CommandTable t) {
        t.add(cmd("del", -2).flags(WRITE).acl(KEYSPACE).tips(MULTI_SHARD, AGG_SUM)
                .key(KeySpec.flags("RM DELETE").index(1).range(-1, 1, 0))
                .doc("generic", "1.0.0", "Delete a key", "O(N) where N is the number of keys that will be removed. "
                        + "When a key to remove holds a value other than a string, the individual complexity for "
                        + "this key is O(M) where M is the number of elements in the list, set, sorted set or hash. "
                        + "Removing a single key that holds a string value is O(1).")
                .handler(KeyCommands::del));
        t.add(cmd("unlink", -2).flags(WRITE, FAST).acl(KEYSPACE).tips(MULTI_SHARD, AGG_SUM)
                .key(KeySpec.flags("RM DELETE").index(1).range(-1, 1, 0))
                .doc("generic", "4.0.0", "Delete a key asynchronously in another thread. Otherwise it is just as "
                        + "DEL, but non blocking.", "O(1) for each key removed regardless of its size. Then the "
                        + "command does O(N) work in a different thread in order to reclaim memory, where N is the "
                        + "number of allocations the deleted objects where composed of.")
                .handler(KeyCommands::del));
        t.add(cmd("exists", -2).flags(READONLY, FAST).acl(KEYSPACE).tips(MULTI_SHARD, AGG_SUM)
                .key(KeySpec.flags("RO").index(1).range(-1, 1, 0))
                .doc("generic", "1.0.0", "Determine if a key exists", "O(N) where N is the number of keys to check.")
                .handler(KeyCommands::exists));
        t.add(cmd("type", 2).flags(READONLY, FAST).acl(KEYSPACE)
                .key(KeySpec.flags("RO").index(1).range(0, 1, 0))
                .doc("generic", "1.0.0", "Determine the type stored at key", "O(1)")
                .handler(KeyCommands::type));
        t.add(cmd("rename", 3).flags(WRITE).acl(KEYSPACE)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("OW UPDATE").index(2).range(0, 1, 0))
                .doc("generic", "1.0.0", "Rename a key", "O(1)")
                .handler((c, argv) -> rename(c, argv, false)));
        t.add(cmd("renamenx", 3).flags(WRITE, FAST).acl(KEYSPACE)
                .key(KeySpec.flags("RW ACCESS DELETE").index(1).range(0, 1, 0))
                .key(KeySpec.flags("OW INSERT").index(2).range(0, 1, 0))
                .doc("generic", "1.0.0", "Rename a key, only if the new key does not exist", "O(1)")
                .handler((c, argv) -> rename(c, argv, true)));
        t.add(cmd("copy", -3).flags(WRITE, DENYOOM).acl(KEYSPACE)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .key(KeySpec.flags("OW UPDATE").index(2).range(0, 1, 0))
                .doc("generic", "6.2.0", "Copy a key", "O(N) worst case for collections, where N is the number of "
                        + "nested items. O(1) for string values.")
                .handler(KeyCommands::copy));
        t.add(cmd("move", 3).flags(WRITE, FAST).acl(KEYSPACE)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("generic", "1.0.0", "Move a key to another database", "O(1)")
                .handler(KeyCommands::move));
        t.add(cmd("swapdb", 3).flags(WRITE, FAST).acl(KEYSPACE, DANGEROUS)
                .doc("server", "4.0.0", "Swaps two Redis databases", "O(N) where N is the count of clients watching "
                        + "or blocking on keys from both databases.")
                .handler(KeyCommands::swapdb));

        t.add(expireSpec("expire", "1.0.0", "Set a key's time to live in seconds", true, false));
        t.add(expireSpec("pexpire", "2.6.0", "Set a key's time to live in milliseconds", false, false));
        t.add(expireSpec("expireat", "1.2.0", "Set the expiration for a key as a UNIX timestamp", true, true));
        t.add(expireSpec("pexpireat", "2.6.0",
                "Set the expiration for a key as a UNIX timestamp specified in milliseconds", false, true));
        t.add(cmd("ttl", 2).flags(READONLY, FAST).acl(KEYSPACE).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("generic", "1.0.0", "Get the time to live for a key in seconds", "O(1)")
                .handler((c, argv) -> ttl(c, argv, false, false)));
        t.add(cmd("pttl", 2).flags(READONLY, FAST).acl(KEYSPACE).tips("nondeterministic_output")
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("generic", "2.6.0", "Get the time to live for a key in milliseconds", "O(1)")
                .handler((c, argv) -> ttl(c, argv, true, false)));
        t.add(cmd("expiretime", 2).flags(READONLY, FAST).acl(KEYSPACE)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("generic", "7.0.0", "Get the expiration Unix timestamp for a key", "O(1)")
                .handler((c, argv) -> ttl(c, argv, false, true)));
        t.add(cmd("pexpiretime", 2).flags(READONLY, FAST).acl(KEYSPACE)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("generic", "7.0.0", "Get the expiration Unix timestamp for a key in milliseconds", "O(1)")
                .handler((c, argv) -> ttl(c, argv, true, true)));
        t.add(cmd("persist", 2).flags(WRITE, FAST).acl(KEYSPACE)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("generic", "2.2.0", "Remove the expiration from a key", "O(1)")
                .handler(KeyCommands::persist));

        t.add(cmd("keys", 2).flags(READONLY).acl(KEYSPACE, DANGEROUS)
                .tips("request_policy:all_shards", "nondeterministic_output_order")
                .doc("generic", "1.0.0", "Find all keys matching the given pattern", "O(N) with N being the number "
                        + "of keys in the database, under the assumption that the key names in the database and the "
                        + "given pattern have limited length.")
                .handler(KeyCommands::keys));
        t.add(cmd("scan", -2).flags(READONLY).acl(KEYSPACE)
                .tips("nondeterministic_output", "request_policy:special")
                .doc("generic", "2.8.0", "Incrementally iterate the keys space", "O(1) for every call. O(N) for a "
                        + "complete iteration, including enough command calls for the cursor to return back to 0. "
                        + "N is the number of elements inside the collection.")
                .handler(KeyCommands::scan));
        t.add(cmd("randomkey", 1).flags(READONLY).acl(KEYSPACE)
                .tips("request_policy:all_shards", "nondeterministic_output")
                .doc("generic", "1.0.0", "Return a random key from the keyspace", "O(1)")
                .handler(KeyCommands::randomkey));
        t.add(cmd("touch", -2).flags(READONLY, FAST).acl(KEYSPACE).tips(MULTI_SHARD, AGG_SUM)
                .key(KeySpec.flags("RO").index(1).range(-1, 1, 0))
                .doc("generic", "3.2.1", "Alters the last access time of a key(s). Returns the number of existing "
                        + "keys specified.", "O(N) where N is the number of keys that will be touched.")
                .handler(KeyCommands::touch));

        // Redis lists subcommands in the order of a randomly seeded dict, different in each process.
        t.add(cmd("object", -2)
                .doc("generic", "2.2.3", "A container for object introspection commands", "Depends on subcommand.")
                .sub(objectSub("idletime", "Get the time since a Redis object was last accessed", "2.2.3",
                        KeyCommands::objectIdletime))
                .sub(cmd("help", 2).flags(LOADING, STALE).acl(KEYSPACE)
                        .doc("generic", "6.2.0", "Show helpful text about the different subcommands", "O(1)")
                        .handler(KeyCommands::objectHelp))
                .sub(objectSub("freq", "Get the logarithmic access frequency counter of a Redis object", "4.0.0",
                        KeyCommands::objectFreq))
                .sub(objectSub("encoding", "Inspect the internal encoding of a Redis object", "2.2.3",
                        KeyCommands::objectEncoding))
                .sub(objectSub("refcount", "Get the number of references to the value of the key", "2.2.3",
                        KeyCommands::objectRefcount)));
    }

    private static CommandSpec.Builder expireSpec(String name, String since, String summary,
                                                                      boolean seconds, boolean absolute) {
        return cmd(name, -3).flags(WRITE, FAST).acl(KEYSPACE)
                .key(KeySpec.flags("RW UPDATE").index(1).range(0, 1, 0))
                .doc("generic", since, summary, "O(1)")
                .handler((c, argv) -> expire(c, argv, seconds, absolute));
    }

    private static CommandSpec.Builder objectSub(String name, String summary, String since,
                                                                     CommandHandler h) {
        return cmd(name, 3).flags(READONLY).acl(KEYSPACE).tips("nondeterministic_output")
                .key(KeySpec.flags("RO").index(2).range(0, 1, 0))
                .doc("generic", since, summary, "O(1)")
                .handler(h);
    }

    // ------------------------------------------------------------------ lookups as Redis does them

    /** lookupKeyRead: refreshes the access information and counts a keyspace hit or miss. */
    static Object lookupRead(Client c, byte[] key) {
        return countHit(c, c.db().get(key));
    }

    /** lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts a hit or miss, leaves the access information. */
    static Object lookupReadNoTouch(Client c, Db db, byte[] key) {
        return countHit(c, db.peek(key));
    }

    private static Object countHit(Client c, Object v) {
        Keyspace.Stats st = c.server().keyspace().stats();
        if (v == null) st.keyspaceMisses++;
        else st.keyspaceHits++;
        return v;
    }

    /**
     * Redis's getIntFromObjectOrReply: a strict 64-bit integer that must fit an int. With a null
     * message the two failures have their own texts; with a message, both reply it.
     */
    static Integer intOrReply(Client c, byte[] arg, String msg) {
        long[] v = new long[1];
        if (!Numbers.parseLong(arg, v)) {
            Args.error(c, msg != null ? msg : Errors.NOT_INTEGER);
            return null;
        }
        if (v[0] < Integer.MIN_VALUE || v[0] > Integer.MAX_VALUE) {
            Args.error(c, msg != null ? msg
                    : "ERR value is out of range, value must between -2147483648 and 2147483647");
            return null;
        }
        return (int) v[0];
    }

    /** An argument as C's "%s" prints it: up to its first NUL byte. */
    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ DEL, UNLINK, EXISTS, TYPE, TOUCH

    static void del(Client c, byte[][] argv) {
        // UNLINK frees memory in the background in Redis; here the garbage collector does that for both.
        Db db = c.db();
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (db.delete(argv[j])) {
                n++;
                c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", argv[j], c.dbIndex());
            }
        }
        c.server().addDirty(n);
        c.reply().integer(n);
    }

    static void exists(Client c, byte[][] argv) {
        Db db = c.db();
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (lookupReadNoTouch(c, db, argv[j]) != null) n++;
        }
        c.reply().integer(n);
    }

    static void type(Client c, byte[][] argv) {
        c.reply().simple(Types.name(lookupReadNoTouch(c, c.db(), argv[1])));
    }

    static void touch(Client c, byte[][] argv) {
        long n = 0;
        for (int j = 1; j < argv.length; j++) {
            if (lookupRead(c, argv[j]) != null) n++;
        }
        c.reply().integer(n);
    }

    // ------------------------------------------------------------------ RENAME, RENAMENX, COPY, MOVE, SWAPDB

    static void rename(Client c, byte[][] argv, boolean nx) {
        Db db = c.db();
        byte[] from = argv[1], to = argv[2];
        if (db.get(from) == null) { // lookupKeyWrite: refreshes access info, no hit/miss stats
            Args.error(c, Errors.NO_SUCH_KEY);
            return;
        }
        if (Arrays.equals(from, to)) {
            // Same name: nothing to do, but a missing key was still an error above.
            if (nx) c.reply().integer(0);
            else c.reply().ok();
            return;
        }
        if (nx && db.get(to) != null) {
            c.reply().integer(0);
            return;
        }
        db.rename(from, to);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.GENERIC, "rename_from", from, c.dbIndex());
        c.server().notify(io.vermilion.pubsub.Events.GENERIC, "rename_to", to, c.dbIndex());
        if (nx) c.reply().integer(1);
        else c.reply().ok();
    }

    static void copy(Client c, byte[][] argv) {
        Keyspace ks = c.server().keyspace();
        int srcId = c.dbIndex();
        int dstId = srcId;
        boolean replace = false;
        for (int j = 3; j < argv.length; j++) {
            if (Args.is(argv[j], "replace")) {
                replace = true;
            } else if (Args.is(argv[j], "db") && j + 1 < argv.length) {
                Integer id = intOrReply(c, argv[++j], null);
                if (id == null) return;
                if (id < 0 || id >= ks.databases()) {
                    Args.error(c, Errors.DB_INDEX);
                    return;
                }
                dstId = id;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        if (c.server().clusterEnabled() && (srcId != 0 || dstId != 0)) {
            Args.error(c, "ERR Copying to another database is not allowed in cluster mode");
            return;
        }
        byte[] key = argv[1], newKey = argv[2];
        if (srcId == dstId && Arrays.equals(key, newKey)) {
            Args.error(c, Errors.SAME_OBJECT);
            return;
        }
        Db src = c.db();
        Db dst = ks.db(dstId);
        Object v = lookupRead(c, key);
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        long when = src.getExpire(key);
        if (dst.get(newKey) != null) {
            if (!replace) {
                c.reply().integer(0);
                return;
            }
            dst.delete(newKey);
        }
        dst.put(newKey, Types.copy(v), false);
        if (when != Db.NO_EXPIRE) dst.setExpire(newKey, when);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.GENERIC, "copy_to", newKey, dstId);
        c.reply().integer(1);
    }

    static void move(Client c, byte[][] argv) {
        if (c.server().clusterEnabled()) {
            Args.error(c, "ERR MOVE is not allowed in cluster mode");
            return;
        }
        Integer id = intOrReply(c, argv[2], null);
        if (id == null) return;
        Keyspace ks = c.server().keyspace();
        if (id < 0 || id >= ks.databases()) {
            Args.error(c, Errors.DB_INDEX);
            return;
        }
        if (id == c.dbIndex()) {
            Args.error(c, Errors.SAME_OBJECT);
            return;
        }
        Db src = c.db();
        Db dst = ks.db(id);
        byte[] key = argv[1];
        // Both lookups are Redis's lookupKeyWrite: they refresh access info and drop expired keys.
        if (src.get(key) == null || dst.get(key) != null) {
            c.reply().integer(0);
            return;
        }
        src.moveTo(key, dst);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.GENERIC, "move_from", key, c.dbIndex());
        c.server().notify(io.vermilion.pubsub.Events.GENERIC, "move_to", key, id);
        c.reply().integer(1);
    }

    static void swapdb(Client c, byte[][] argv) {
        if (c.server().clusterEnabled()) {
            Args.error(c, "ERR SWAPDB is not allowed in cluster mode");
            return;
        }
        Integer a = intOrReply(c, argv[1], "ERR invalid first DB index");
        if (a == null) return;
        Integer b = intOrReply(c, argv[2], "ERR invalid second DB index");
        if (b == null) return;
        Keyspace ks = c.server().keyspace();
        if (a < 0 || a >= ks.databases() || b < 0 || b >= ks.databases()) {
            Args.error(c, Errors.DB_INDEX);
            return;
        }
        // Clients keep their Db objects: the contents move, so each sees the other's data at once.
        ks.swap(a, b);
        c.server().addDirty(1);
        c.reply().ok();
    }

    // ------------------------------------------------------------------ EXPIRE family, TTL family, PERSIST

    private static final int EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;
    private static final byte[] PEXPIREAT = "PEXPIREAT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEL = "DEL".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNLINK = "UNLINK".getBytes(StandardCharsets.US_ASCII);

    /** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX|XX|GT|LT]. */
    static void expire(Client c, byte[][] argv, boolean seconds, boolean absolute) {
        // Options are checked before the time, as Redis does.
        int flags = 0;
        for (int j = 3; j < argv.length; j++) {
            byte[] o = argv[j];
            if (Args.is(o, "nx")) flags |= EXPIRE_NX;
            else if (Args.is(o, "xx")) flags |= EXPIRE_XX;
            else if (Args.is(o, "gt")) flags |= EXPIRE_GT;
            else if (Args.is(o, "lt")) flags |= EXPIRE_LT;
            else {
                Args.error(c, "ERR Unsupported option " + cString(o));
                return;
            }
        }
        if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
            Args.error(c, "ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
            Args.error(c, "ERR GT and LT options at the same time are not compatible");
            return;
        }
        Long parsed = Args.longOrReply(c, argv[2]);
        if (parsed == null) return;
        String name = Args.latin1(argv[0]).toLowerCase(Locale.ROOT);
        long when = parsed;
        // Negative times are allowed (they delete the key); only overflow is an error.
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                Args.error(c, Errors.invalidExpire(name));
                return;
            }
            when *= 1000;
        }
        Keyspace ks = c.server().keyspace();
        long base = absolute ? 0 : ks.now();
        if (when > Long.MAX_VALUE - base) {
            Args.error(c, Errors.invalidExpire(name));
            return;
        }
        when += base;

        Db db = c.db();
        byte[] key = argv[1];
        if (db.get(key) == null) {
            c.reply().integer(0);
            return;
        }
        if (flags != 0) {
            long current = db.getExpire(key); // NO_EXPIRE (-1) reads as an infinite TTL
            boolean refuse = ((flags & EXPIRE_NX) != 0 && current != Db.NO_EXPIRE)
                    || ((flags & EXPIRE_XX) != 0 && current == Db.NO_EXPIRE)
                    || ((flags & EXPIRE_GT) != 0 && (current == Db.NO_EXPIRE || when <= current))
                    || ((flags & EXPIRE_LT) != 0 && current != Db.NO_EXPIRE && when >= current);
            if (refuse) {
                c.reply().integer(0);
                return;
            }
        }
        if (when <= ks.now() && ks.expiryEnabled() && !c.server().loading()) {
            // Already in the past: the key goes now, and replicas/AOF see a plain deletion.
            db.delete(key);
            c.server().addDirty(1);
            c.propagateAs(c.server().config().getBool("lazyfree-lazy-expire") ? UNLINK : DEL, key);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", key, c.dbIndex());
            c.reply().integer(1);
            return;
        }
        db.setExpire(key, when);
        // Replicas and the AOF get an absolute time, so replaying later cannot extend the TTL.
        if (!(absolute && !seconds)) {
            byte[][] p = argv.clone();
            p[0] = PEXPIREAT;
            p[2] = Numbers.toBytes(when);
            c.propagateAs(p);
        }
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.GENERIC, "expire", key, c.dbIndex());
        c.reply().integer(1);
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME. */
    static void ttl(Client c, byte[][] argv, boolean ms, boolean absolute) {
        Db db = c.db();
        if (lookupReadNoTouch(c, db, argv[1]) == null) {
            c.reply().integer(-2);
            return;
        }
        long when = db.getExpire(argv[1]);
        if (when == Db.NO_EXPIRE) {
            c.reply().integer(-1);
            return;
        }
        long v = absolute ? when : when - c.server().keyspace().now();
        if (v < 0) v = 0;
        // Rounded to the nearest second without overflowing near Long.MAX_VALUE (PEXPIREAT key 2^63-1
        // gives 9223372036854776 on Redis too: its compiler does this division without overflow).
        c.reply().integer(ms ? v : v / 1000 + (v % 1000 + 500) / 1000);
    }

    static void persist(Client c, byte[][] argv) {
        Db db = c.db();
        if (db.get(argv[1]) != null && db.persist(argv[1])) {
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.GENERIC, "persist", argv[1], c.dbIndex());
            c.reply().integer(1);
        } else {
            c.reply().integer(0);
        }
    }

    // ------------------------------------------------------------------ KEYS, SCAN, RANDOMKEY

    static void keys(Client c, byte[][] argv) {
        Db db = c.db();
        Glob glob = new Glob(argv[1], false);
        boolean all = glob.matchesEverything();
        List<byte[]> out = new ArrayList<>();
        // Expired keys are skipped but not deleted, as Redis 7.0's KEYS does.
        for (int s = 0; (s = db.nextNonEmptySlot(s)) >= 0; s++) {
            for (byte[] k : db.liveKeysInSlot(s)) {
                if (all || glob.matches(k)) out.add(k);
            }
        }
        c.reply().array(out.size());
        for (byte[] k : out) c.reply().bulk(k);
    }

    /**
     * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is a hash slot (see
     * {@link Db#scan}): whole slots are returned, so every key that exists for the whole
     * iteration is returned exactly once. Filtering follows Redis: pattern, then type (a counted
     * read lookup), then expiry (an expired key met here is deleted).
     */
    static void scan(Client c, byte[][] argv) {
        long cursor = parseCursor(argv[1]);
        if (cursor == INVALID_CURSOR) {
            Args.error(c, "ERR invalid cursor");
            return;
        }
        long count = 10;
        Glob glob = null;
        byte[] type = null;
        for (int i = 2; i < argv.length; ) {
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
                glob = new Glob(argv[i + 1], false);
                if (glob.matchesEverything()) glob = null;
            } else if (Args.is(argv[i], "type") && hasValue) {
                type = argv[i + 1];
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
            i += 2;
        }
        Db db = c.db();
        List<byte[]> found = new ArrayList<>();
        long next = db.scan(cursor, count, found);
        List<byte[]> out = new ArrayList<>(found.size());
        for (byte[] k : found) {
            if (glob != null && !glob.matches(k)) continue;
            if (type != null) {
                String name = Types.name(lookupReadNoTouch(c, db, k));
                if (!Args.is(type, name)) continue;
            }
            if (db.expireIfNeeded(k)) continue;
            out.add(k);
        }
        c.reply().array(2);
        c.reply().bulk(Long.toString(next));
        c.reply().array(out.size());
        for (byte[] k : out) c.reply().bulk(k);
    }

    static final long INVALID_CURSOR = -1;

    /**
     * A SCAN cursor as Redis reads it (strtoul, base 10): no leading space, optional sign, the
     * digits must run to the end of the C string (an embedded NUL ends it; the empty string is
     * 0), no overflow past 2^64-1; "-n" wraps around as in C. Values that are no slot number
     * come back as {@link Long#MAX_VALUE}, which ends the scan.
     */
    static long parseCursor(byte[] b) {
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        if (end > 0 && isCSpace(b[0])) return INVALID_CURSOR;
        int i = 0;
        boolean neg = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) neg = b[i++] == '-';
        int digitsFrom = i;
        long v = 0; // unsigned
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) break;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) return INVALID_CURSOR;
            v = v * 10 + d;
        }
        if (i == digitsFrom) return end == 0 ? 0 : INVALID_CURSOR; // nothing converted
        if (i != end) return INVALID_CURSOR;
        if (neg) v = -v;
        return v >= 0 && v < HashSlot.SLOTS ? v : Long.MAX_VALUE;
    }

    private static boolean isCSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    static void randomkey(Client c, byte[][] argv) {
        byte[] k = c.db().randomKey();
        if (k == null) c.reply().nullBulk();
        else c.reply().bulk(k);
    }

    // ------------------------------------------------------------------ OBJECT

    private static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency "
            + "not tracked. Please note that when switching between policies at runtime LRU and LFU data will take "
            + "some time to adjust.";
    private static final String LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time to "
            + "adjust.";
    /** Redis's OBJ_SHARED_REFCOUNT: the refcount it reports for its shared integer objects. */
    static final long SHARED_REFCOUNT = Integer.MAX_VALUE;
    /** Redis shares the integers 0 .. OBJ_SHARED_INTEGERS-1. */
    static final long SHARED_INTEGERS = 10000;

    private static final String[] OBJECT_HELP = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };

    static void objectHelp(Client c, byte[][] argv) {
        c.reply().array(OBJECT_HELP.length);
        for (String line : OBJECT_HELP) c.reply().simple(line);
    }

    static void objectEncoding(Client c, byte[][] argv) {
        Object v = lookupReadNoTouch(c, c.db(), argv[2]);
        if (v == null) c.reply().nullBulk();
        else c.reply().bulk(Types.encoding(v));
    }

    static void objectRefcount(Client c, byte[][] argv) {
        Object v = lookupReadNoTouch(c, c.db(), argv[2]);
        if (v == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().integer(isSharedInteger(c, v) ? SHARED_REFCOUNT : 1);
    }

    /**
     * Whether Redis would hold this value as one of its shared integer objects: an int-encoded
     * string in 0..9999, when sharing is allowed (no maxmemory, or a policy that tracks no
     * per-object LRU/LFU data). Decided from the current settings, where Redis decided when the
     * value was stored.
     */
    static boolean isSharedInteger(Client c, Object v) {
        if (!Strings.isString(v) || !"int".equals(Types.encoding(v))) return false;
        long[] n = new long[1];
        if (!Numbers.parseLong(Strings.bytes(v), n) || n[0] < 0 || n[0] >= SHARED_INTEGERS) return false;
        Config cfg = c.server().config();
        String policy = cfg.get("maxmemory-policy");
        return cfg.getLong("maxmemory") == 0 || !(policy.endsWith("-lru") || policy.endsWith("-lfu"));
    }

    static void objectIdletime(Client c, byte[][] argv) {
        Db db = c.db();
        if (lookupReadNoTouch(c, db, argv[2]) == null) {
            c.reply().nullBulk();
            return;
        }
        if (c.server().keyspace().lfu()) {
            Args.error(c, LFU_SELECTED);
            return;
        }
        c.reply().integer(db.idleSeconds(argv[2]));
    }

    static void objectFreq(Client c, byte[][] argv) {
        Db db = c.db();
        if (lookupReadNoTouch(c, db, argv[2]) == null) {
            c.reply().nullBulk();
            return;
        }
        if (!c.server().keyspace().lfu()) {
            Args.error(c, LFU_NOT_SELECTED);
            return;
        }
        c.reply().integer(db.lfuFrequency(argv[2]));
    }
}
