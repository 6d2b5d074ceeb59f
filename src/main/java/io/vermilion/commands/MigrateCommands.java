package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.DANGEROUS;
import static io.vermilion.server.CommandSpec.Acl.KEYSPACE;
import static io.vermilion.server.CommandSpec.Flag.ASKING;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.keyspace.Db;
import io.vermilion.persistence.Persistence;
import io.vermilion.persistence.migrate.MigrateConnection;
import io.vermilion.persistence.migrate.MigrateConnections;
import io.vermilion.persistence.rdb.DumpPayload;
import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.util.Numbers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MIGRATE and RESTORE-ASKING: moving keys to another instance (redis-cli --cluster reshard uses
 * both). MIGRATE serializes each key as DUMP does and sends RESTORE (RESTORE-ASKING in cluster
 * mode, so the importing node accepts it before the slot is its own), with the remaining TTL, over
 * a connection cached per host:port; the keys are deleted here once the target acknowledged them
 * (unless COPY), and the deletion is propagated as DEL. As in Redis the command waits for the
 * target synchronously, every wait bounded by the timeout argument.
 */
public final class MigrateCommands {
    private MigrateCommands() {}

    private static final List<String> KEY_FLAGS = List.of("RW", "ACCESS", "DELETE");

    public static void register(CommandTable t) {
        t.add(cmd("migrate", -6).flags(WRITE).acl(KEYSPACE, DANGEROUS)
                .tips("nondeterministic_output")
                .key(KeySpec.flags("RW ACCESS DELETE").index(3).range(0, 1, 0))
                .key(KeySpec.flags("RW ACCESS DELETE INCOMPLETE").keyword("KEYS", -2).range(-1, 1, 0))
                .keys(MigrateCommands::migrateKeys)
                .doc("generic", "2.6.0", "Atomically transfer a key from a Redis instance to another one.",
                        "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the "
                                + "target instance. See the pages of these commands for time complexity. Also an "
                                + "O(N) data transfer between the two instances is performed.")
                .handler(MigrateCommands::migrate));
        t.add(cmd("restore-asking", -4).flags(WRITE, DENYOOM, ASKING).acl(KEYSPACE, DANGEROUS)
                .key(KeySpec.flags("OW UPDATE").index(1).range(0, 1, 0))
                .doc("server", "3.0.0", "An internal command for migrating keys in a cluster",
                        "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, "
                                + "where N is the number of Redis objects composing the value and M their average "
                                + "size. For small string values the time complexity is thus O(1)+O(1*M) where M is "
                                + "small, so simply O(1). However for sorted set values the complexity is "
                                + "O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).")
                .handler(PersistenceCommands::restore));
    }

    /**
     * The keys of a MIGRATE request, as Redis 7.0 finds them: its key specs first — argv[3], or,
     * when a KEYS keyword is found searching back from the second-to-last argument, the
     * "incomplete" keyword spec sends it to migrateGetKeys: everything after KEYS (options before it
     * skipped with their arguments; a KEYS inside an AUTH argument is no KEYS), and KEYS with a
     * non-empty key argument is invalid (null).
     */
    static List<CommandSpec.KeyRef> migrateKeys(byte[][] argv) {
        boolean keyword = false;
        for (int i = argv.length - 2; i >= 1 && !keyword; i--) keyword = Args.is(argv[i], "keys");
        int first = 3, num = 1;
        if (keyword && argv.length > 6) {
            for (int i = 6; i < argv.length; i++) {
                if (Args.is(argv[i], "keys")) {
                    if (argv[3].length > 0) return null;
                    first = i + 1;
                    num = argv.length - first;
                    break;
                }
                if (Args.is(argv[i], "auth")) i += 1;
                else if (Args.is(argv[i], "auth2")) i += 2;
            }
        }
        List<CommandSpec.KeyRef> out = new ArrayList<>(num);
        for (int i = 0; i < num; i++) out.add(new CommandSpec.KeyRef(first + i, KEY_FLAGS));
        return out;
    }

    private static final byte[] DEL = {'D', 'E', 'L'};
    private static final byte[] REPLACE = "REPLACE".getBytes(StandardCharsets.US_ASCII);

    /**
     * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
     * [AUTH2 username password] [KEYS key...].
     */
    static void migrate(Client c, byte[][] argv) {
        boolean copy = false, replace = false;
        byte[] username = null, password = null;
        int firstKey = 3, numKeys = 1;
        for (int j = 6; j < argv.length; j++) {
            int moreArgs = argv.length - 1 - j;
            if (Args.is(argv[j], "copy")) {
                copy = true;
            } else if (Args.is(argv[j], "replace")) {
                replace = true;
            } else if (Args.is(argv[j], "auth")) {
                if (moreArgs < 1) {
                    Args.error(c, Errors.SYNTAX);
                    return;
                }
                password = argv[++j];
                c.redact(j);
            } else if (Args.is(argv[j], "auth2")) {
                if (moreArgs < 2) {
                    Args.error(c, Errors.SYNTAX);
                    return;
                }
                username = argv[++j];
                c.redact(j);
                password = argv[++j];
                c.redact(j);
            } else if (Args.is(argv[j], "keys")) {
                if (argv[3].length != 0) {
                    Args.error(c, "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
                    return;
                }
                firstKey = j + 1;
                numKeys = argv.length - j - 1;
                break;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
        }
        Long timeoutArg = Args.longOrReply(c, argv[5]);
        if (timeoutArg == null) return;
        Long dbidArg = Args.longOrReply(c, argv[4]);
        if (dbidArg == null) return;
        long timeout = timeoutArg <= 0 ? 1000 : timeoutArg;
        long dbid = dbidArg;

        // Keys that are here (lookups as reads: a key that expired meanwhile is simply not sent).
        Db db = c.db();
        List<byte[]> keys = new ArrayList<>(numKeys);
        List<Object> values = new ArrayList<>(numKeys);
        for (int j = 0; j < numKeys; j++) {
            byte[] k = argv[firstKey + j];
            Object v = db.get(k);
            if (v == null) {
                c.server().keyspace().stats().keyspaceMisses++;
                continue;
            }
            c.server().keyspace().stats().keyspaceHits++;
            keys.add(k);
            values.add(v);
        }
        if (keys.isEmpty()) {
            // Not an error: the key often just expired in the meantime.
            c.reply().simple("NOKEY");
            return;
        }

        String host = new String(argv[1], StandardCharsets.ISO_8859_1);
        String portText = new String(argv[2], StandardCharsets.ISO_8859_1);
        String name = host + ":" + portText;
        int port = atoi(argv[2]);
        MigrateConnections cache = Persistence.of(c.server()).migrateConnections();
        Persistence p = Persistence.of(c.server());
        boolean compress = c.server().config().getBool("rdbcompression");
        boolean clusterMode = c.server().clusterEnabled();
        boolean mayRetry = true;

        while (true) {
            boolean writeError = false, timedOut = false;
            socketErr: {
                MigrateConnection cs;
                try {
                    cs = cache.get(name, host, port, timeout);
                } catch (MigrateConnection.UnresolvedException e) {
                    Args.error(c, "IOERR error or timeout connecting to the client");
                    return;
                } catch (IOException e) {
                    // Redis's non-blocking connect reports this failure at the first write.
                    writeError = true;
                    timedOut = e instanceof MigrateConnection.TimeoutException;
                    break socketErr;
                }

                Resp cmd = new Resp();
                if (password != null) {
                    cmd.count(username != null ? 3 : 2).bulk("AUTH");
                    if (username != null) cmd.bulk(username);
                    cmd.bulk(password);
                }
                boolean select = cs.lastDbid != dbid;
                if (select) cmd.count(2).bulk("SELECT").bulk(Numbers.toBytes(dbid));
                long now = c.server().keyspace().now();
                List<byte[]> sent = new ArrayList<>(keys.size());
                for (int j = 0; j < keys.size(); j++) {
                    byte[] k = keys.get(j);
                    long ttl = 0;
                    long expireAt = db.getExpire(k);
                    if (expireAt >= 0) {
                        ttl = expireAt - now;
                        if (ttl < 0) continue;
                        if (ttl < 1) ttl = 1;
                    } else if (expireAt == -2) {
                        continue;
                    }
                    sent.add(k);
                    cmd.count(replace ? 5 : 4).bulk(clusterMode ? "RESTORE-ASKING" : "RESTORE").bulk(k)
                            .bulk(Numbers.toBytes(ttl)).bulk(DumpPayload.create(values.get(j), p.codec(), compress));
                    if (replace) cmd.bulk(REPLACE);
                }

                try {
                    cs.write(ByteBuffer.wrap(cmd.buf(), 0, cmd.size()), timeout);
                } catch (IOException e) {
                    writeError = true;
                    timedOut = e instanceof MigrateConnection.TimeoutException;
                    break socketErr;
                }

                byte[] authReply = null, selectReply = null;
                try {
                    if (password != null) authReply = readNonEmptyLine(cs, timeout);
                    if (select) selectReply = readNonEmptyLine(cs, timeout);
                } catch (IOException e) {
                    timedOut = e instanceof MigrateConnection.TimeoutException;
                    break socketErr;
                }

                boolean errorFromTarget = false, socketError = false;
                List<byte[]> deleted = new ArrayList<>();
                int j;
                for (j = 0; j < sent.size(); j++) {
                    byte[] line;
                    try {
                        line = readNonEmptyLine(cs, timeout);
                    } catch (IOException e) {
                        timedOut = e instanceof MigrateConnection.TimeoutException;
                        socketError = true;
                        break;
                    }
                    boolean authErr = authReply != null && authReply[0] == '-';
                    boolean selectErr = selectReply != null && selectReply[0] == '-';
                    if (authErr || selectErr || line[0] == '-') {
                        if (!errorFromTarget) {
                            // The database selected over there is no longer known.
                            cs.lastDbid = -1;
                            byte[] err = authErr ? authReply : selectErr ? selectReply : line;
                            errorFromTarget = true;
                            Args.error(c, "ERR Target instance replied with error: "
                                    + new String(err, 1, err.length - 1, StandardCharsets.ISO_8859_1));
                        }
                    } else if (!copy) {
                        byte[] k = sent.get(j);
                        db.delete(k);
                        c.server().addDirty(1);
                        deleted.add(k);
                    }
                }

                // Nothing processed over there and the first reply failed: a fresh connection may work.
                if (!errorFromTarget && socketError && j == 0 && mayRetry && !timedOut) break socketErr;
                if (socketError) cache.close(name);
                if (!copy && !deleted.isEmpty()) {
                    // Replicas and the AOF see the keys the target acknowledged go away.
                    byte[][] del = new byte[deleted.size() + 1][];
                    del[0] = DEL;
                    for (int i = 0; i < deleted.size(); i++) del[i + 1] = deleted.get(i);
                    c.propagateAs(del);
                }
                if (!errorFromTarget && socketError) {
                    mayRetry = false;
                    break socketErr;
                }
                if (!errorFromTarget) {
                    cs.lastDbid = dbid;
                    c.reply().ok();
                }
                return;
            }
            // socket error: drop the cached connection; retry once unless the wait timed out.
            cache.close(name);
            if (!timedOut && mayRetry) {
                mayRetry = false;
                continue;
            }
            Args.error(c, "IOERR error or timeout " + (writeError ? "writing" : "reading") + " to target instance");
            return;
        }
    }

    /** A reply line; an empty one counts as a failed read, as in Redis. */
    private static byte[] readNonEmptyLine(MigrateConnection cs, long timeout) throws IOException {
        byte[] line = cs.readLine(timeout);
        if (line.length == 0) throw new IOException("empty reply line");
        return line;
    }

    /** C's atoi: optional blanks and sign, then digits up to the first non-digit (0 if none). */
    static int atoi(byte[] s) {
        int i = 0, n = s.length;
        while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
        boolean neg = false;
        if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
        long v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && v < Integer.MAX_VALUE) v = v * 10 + (s[i++] - '0');
        v = neg ? -v : v;
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    /** A RESP request buffer. */
    private static final class Resp extends ByteArrayOutputStream {
        Resp() { super(256); }

        Resp count(int n) {
            write('*');
            writeBytes(Numbers.toBytes(n));
            write('\r');
            write('\n');
            return this;
        }

        Resp bulk(String s) {
            return bulk(s.getBytes(StandardCharsets.US_ASCII));
        }

        Resp bulk(byte[] b) {
            write('$');
            writeBytes(Numbers.toBytes(b.length));
            write('\r');
            write('\n');
            writeBytes(b);
            write('\r');
            write('\n');
            return this;
        }

        byte[] buf() { return buf; }
    }
}
