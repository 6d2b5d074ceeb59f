package io.vermilion.persistence;

import io.vermilion.keyspace.Db;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.Server;
import io.vermilion.types.Strings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The form in which Redis 7.0 propagates (to the AOF and to replicas) the commands whose effect
 * depends on when or how they ran: relative expiry times become absolute
 * ({@code SET k v PXAT ms}, {@code PEXPIREAT k ms}, RESTORE ... ABSTTL), GETSET/INCRBYFLOAT
 * become SET, GETDEL becomes DEL, and a command that deleted its key because the time given
 * was already past becomes DEL. A replay then reproduces the exact same state, whenever it runs.
 *
 * <p>Applied once per executed write, after the handler, reading back what it stored.
 */
public final class PropagationRewriter implements Server.CommandRewriter {
    private static final byte[] SET = b("SET"), PXAT = b("PXAT"), PEXPIREAT = b("PEXPIREAT"), DEL = b("DEL"),
            UNLINK = b("UNLINK"), PERSIST = b("PERSIST"), KEEPTTL = b("KEEPTTL"), ABSTTL = b("ABSTTL");

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    private static byte[] num(long v) { return Long.toString(v).getBytes(StandardCharsets.US_ASCII); }

    private static boolean is(byte[] a, String lower) {
        if (a.length != lower.length()) return false;
        for (int i = 0; i < a.length; i++) {
            int c = a[i];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lower.charAt(i)) return false;
        }
        return true;
    }

    /** Whether an EX/PX/EXAT/PXAT option (which takes a value) appears from argv[from]. */
    private static boolean hasExpireOption(byte[][] argv, int from) {
        for (int j = from; j < argv.length; j++) {
            if (is(argv[j], "ex") || is(argv[j], "px") || is(argv[j], "exat") || is(argv[j], "pxat")) {
                if (j + 1 < argv.length) return true;
            }
        }
        return false;
    }

    private static boolean hasOption(byte[][] argv, int from, String opt) {
        for (int j = from; j < argv.length; j++) if (is(argv[j], opt)) return true;
        return false;
    }

    @Override
    public byte[][] rewrite(Client c, CommandSpec spec, byte[][] argv) {
        Db db = c.db();
        boolean lazyExpire = c.server().config().getBool("lazyfree-lazy-expire");
        switch (spec.fullName()) {
            case "set": {
                if (argv.length < 4 || !hasExpireOption(argv, 3)) return argv;
                long at = db.rawExpire(argv[1]);
                return at >= 0 ? new byte[][] {SET, argv[1], argv[2], PXAT, num(at)} : argv;
            }
            case "setex":
            case "psetex": {
                long at = db.rawExpire(argv[1]);
                return at >= 0 ? new byte[][] {SET, argv[1], argv[3], PXAT, num(at)} : argv;
            }
            case "getset":
                return new byte[][] {SET, argv[1], argv[2]};
            case "getdel":
                return new byte[][] {c.server().config().getBool("lazyfree-lazy-user-del") ? UNLINK : DEL, argv[1]};
            case "getex": {
                long at = db.rawExpire(argv[1]);
                if (at == -2) return new byte[][] {lazyExpire ? UNLINK : DEL, argv[1]};
                if (hasOption(argv, 2, "persist")) return new byte[][] {PERSIST, argv[1]};
                if (at >= 0 && hasExpireOption(argv, 2)) return new byte[][] {PEXPIREAT, argv[1], num(at)};
                return argv;
            }
            case "incrbyfloat": {
                Object v = db.rawValue(argv[1]);
                if (v == null || !Strings.isString(v)) return argv;
                return new byte[][] {SET, argv[1], Strings.bytes(v), KEEPTTL};
            }
            case "expire":
            case "pexpire":
            case "expireat":
            case "pexpireat": {
                long at = db.rawExpire(argv[1]);
                if (at == -2) return new byte[][] {lazyExpire ? UNLINK : DEL, argv[1]};
                if (spec.fullName().equals("pexpireat") || at < 0) return argv;
                byte[][] out = argv.clone();
                out[0] = PEXPIREAT;
                out[2] = num(at);
                return out;
            }
            case "restore": {
                long at = db.rawExpire(argv[1]);
                if (at == -2) return new byte[][] {DEL, argv[1]};
                if (at < 0 || hasOption(argv, 4, "absttl")) return argv;
                byte[][] out = Arrays.copyOf(argv, argv.length + 1);
                out[2] = num(at);
                out[argv.length] = ABSTTL;
                return out;
            }
            default:
                return argv;
        }
    }
}
