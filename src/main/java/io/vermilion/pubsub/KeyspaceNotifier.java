package io.vermilion.pubsub;

import io.vermilion.keyspace.Db;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Publishes keyspace notifications (Redis's notify.c): {@code __keyspace@<db>__:<key>} with the
 * event name as message, and {@code __keyevent@<db>__:<event>} with the key as message, each
 * when its letter (K, E) is configured. Local delivery only: notifications never cross the
 * cluster bus, as in Redis.
 *
 * <p>"keymiss" (class m): Redis fires it in lookupKeyRead, for each read lookup that finds no
 * key. Here {@link #beforeCall} checks, before a command runs, the keys the command reads: every
 * key whose key spec is RO (read commands, the sources of SUNIONSTORE/BITOP/PFMERGE/GEORADIUS
 * STORE...), every key of GETDEL, GETEX, GETSET, SET ... GET, PFCOUNT, PFMERGE and XREADGROUP (which
 * read with lookupKeyRead too), twice for XREAD (Redis looks its keys up twice). OBJECT, MEMORY,
 * DEBUG and the *_RO script commands look keys up without notifying. Lookups of SORT's BY/GET
 * patterns are not reported.
 */
final class KeyspaceNotifier implements Server.KeyspaceEvents {
    private static final byte[] KEYSPACE = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYEVENT = "__keyevent@".getBytes(StandardCharsets.US_ASCII);
    private final PubSub ps;
    int mask;

    KeyspaceNotifier(PubSub ps) {
        this.ps = ps;
    }

    @Override
    public void notify(int type, String event, byte[] key, int db) {
        if ((mask & type) == 0) return;
        if (ps.channelCount() == 0 && ps.patternCount() == 0) return; // nobody could hear it
        byte[] ev = event.getBytes(StandardCharsets.US_ASCII);
        byte[] dbPart = (db + "__:").getBytes(StandardCharsets.US_ASCII);
        if ((mask & Events.KEYSPACE) != 0) {
            ps.publishLocal(concat(KEYSPACE, dbPart, key), ev, false);
        }
        if ((mask & Events.KEYEVENT) != 0) {
            ps.publishLocal(concat(KEYEVENT, dbPart, ev), key, false);
        }
    }

    private static final Set<String> READ_LOOKUP_WRITES = Set.of("getdel", "getex", "getset", "pfcount", "pfmerge", "xreadgroup");
    private static final Set<String> SILENT = Set.of("eval_ro", "evalsha_ro", "fcall_ro");

    @Override
    public void beforeCall(Client c, CommandSpec spec, byte[][] argv) {
        String full = spec.fullName();
        if (SILENT.contains(full) || full.startsWith("object|") || full.startsWith("memory|") || full.startsWith("debug")) return;
        boolean all = READ_LOOKUP_WRITES.contains(full);
        boolean set = full.equals("set");
        List<CommandSpec.KeyRef> refs = spec.keyRefs(argv);
        if (refs == null || refs.isEmpty()) return;
        Db db = c.db();
        int passes = full.equals("xread") ? 2 : 1;
        for (int pass = 0; pass < passes; pass++) {
            for (CommandSpec.KeyRef r : refs) {
                List<String> f = r.flags();
                boolean reads = all || f.contains("RO") || (set && f.contains("ACCESS"));
                if (!reads || r.pos() >= argv.length) continue;
                byte[] key = argv[r.pos()];
                if (!db.exists(key)) notify(Events.KEY_MISS, "keymiss", key, db.id());
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b, byte[] c) {
        byte[] out = new byte[a.length + b.length + c.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }
}
