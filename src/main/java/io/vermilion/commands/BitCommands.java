package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Acl.BITMAP;
import static io.vermilion.server.CommandSpec.Flag.DENYOOM;
import static io.vermilion.server.CommandSpec.Flag.FAST;
import static io.vermilion.server.CommandSpec.Flag.READONLY;
import static io.vermilion.server.CommandSpec.Flag.WRITE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec.KeyRef;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import io.vermilion.types.Bits;
import io.vermilion.types.Sds;
import io.vermilion.types.Strings;
import io.vermilion.util.Numbers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bitmap commands (Redis's bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and
 * BITFIELD_RO. Bitmaps are plain string values; a write grows the value in place as an {@link Sds}
 * (OBJECT ENCODING "raw", as Redis unshares it), reads work on the bytes where they are.
 *
 * <p>Argument and key checks run in Redis's order, so that a request with several problems gets
 * the same error (BITCOUNT looks the key up before parsing its range, GETBIT parses the offset
 * first, BITFIELD parses every operation before touching the key...).
 */
public final class BitCommands {
    private BitCommands() {}

    static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
    static final String BIT_VALUE = "ERR bit is not an integer or out of range";
    static final String BITFIELD_TYPE =
            "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    public static void register(CommandTable t) {
        t.add(cmd("setbit", 4).flags(WRITE, DENYOOM).acl(BITMAP)
                .key(KeySpec.flags("RW ACCESS UPDATE").index(1).range(0, 1, 0))
                .doc("bitmap", "2.2.0", "Sets or clears the bit at offset in the string value stored at key", "O(1)")
                .handler(BitCommands::setbit));
        t.add(cmd("getbit", 3).flags(READONLY, FAST).acl(BITMAP)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("bitmap", "2.2.0", "Returns the bit value at offset in the string value stored at key", "O(1)")
                .handler(BitCommands::getbit));
        t.add(cmd("bitcount", -2).flags(READONLY).acl(BITMAP)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("bitmap", "2.6.0", "Count set bits in a string", "O(N)")
                .handler(BitCommands::bitcount));
        t.add(cmd("bitpos", -3).flags(READONLY).acl(BITMAP)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("bitmap", "2.8.7", "Find first bit set or clear in a string", "O(N)")
                .handler(BitCommands::bitpos));
        t.add(cmd("bitop", -4).flags(WRITE, DENYOOM).acl(BITMAP)
                .key(KeySpec.flags("OW UPDATE").index(2).range(0, 1, 0))
                .key(KeySpec.flags("RO ACCESS").index(3).range(-1, 1, 0))
                .doc("bitmap", "2.6.0", "Perform bitwise operations between strings", "O(N)")
                .handler(BitCommands::bitop));
        t.add(cmd("bitfield", -2).flags(WRITE, DENYOOM).acl(BITMAP)
                .key(KeySpec.flags("RW ACCESS UPDATE VARIABLE_FLAGS",
                        "This command allows both access and modification of the key").index(1).range(0, 1, 0))
                .keys(BitCommands::bitfieldKeys)
                .doc("bitmap", "3.2.0", "Perform arbitrary bitfield integer operations on strings",
                        "O(1) for each subcommand specified")
                .handler((c, argv) -> bitfield(c, argv, false)));
        t.add(cmd("bitfield_ro", -2).flags(READONLY, FAST).acl(BITMAP)
                .key(KeySpec.flags("RO ACCESS").index(1).range(0, 1, 0))
                .doc("bitmap", "6.0.0",
                        "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
                        "O(1) for each subcommand specified")
                .handler((c, argv) -> bitfield(c, argv, true)));
    }

    /** BITFIELD's key is read-only when every operation is a GET (Redis's bitfieldGetKeys). */
    static List<KeyRef> bitfieldKeys(byte[][] argv) {
        if (argv.length < 2) return null;
        boolean readonly = true;
        for (int i = 2; i < argv.length; i++) {
            int remargs = argv.length - i - 1;
            byte[] a = argv[i];
            if (Args.is(a, "get") && remargs >= 2) {
                i += 2;
            } else if ((Args.is(a, "set") || Args.is(a, "incrby")) && remargs >= 3) {
                readonly = false;
                break;
            } else if (Args.is(a, "overflow") && remargs >= 1) {
                i += 1;
            } else {
                readonly = false; // syntax error: not read-only
                break;
            }
        }
        return List.of(new KeyRef(1, readonly ? List.of("RO", "ACCESS") : List.of("RW", "ACCESS", "UPDATE")));
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] array(Object v) {
        return v instanceof Sds s ? s.array() : (byte[]) v;
    }

    /**
     * Redis's getBitOffsetFromArgument: a non-negative integer whose byte does not reach
     * proto-max-bulk-len (unchecked for the node's own clients, e.g. AOF loading); with hashBits
     * above 0 a "#n" form means n * hashBits. Returns -1 after replying the error.
     */
    static long bitOffset(Client c, byte[] arg, int hashBits) {
        long[] out = new long[1];
        boolean hash = hashBits > 0 && arg.length > 0 && arg[0] == '#';
        boolean ok = hash ? Numbers.parseLong(arg, 1, arg.length - 1, out) : Numbers.parseLong(arg, out);
        if (!ok) {
            Args.error(c, BIT_OFFSET);
            return -1;
        }
        long off = out[0];
        if (hash) off *= hashBits;
        if (off < 0 || (!c.isInternal() && (off >>> 3) >= c.server().protoMaxBulkLen())) {
            Args.error(c, BIT_OFFSET);
            return -1;
        }
        return off;
    }

    /** Outcome of {@link #stringForWrite}: the value, and whether it was created or grown. */
    private record Target(Sds s, boolean grown) {}

    private static final Target WRONG = new Target(null, false);

    /**
     * Redis's lookupStringForBitCommand: the key's string value, unshared and zero-padded so that
     * bit maxBit exists (created if absent). {@link #WRONG} after replying WRONGTYPE.
     */
    private static Target stringForWrite(Client c, byte[] key, long maxBit) {
        Object v = StringCommands.writeString(c, key);
        if (v == StringCommands.NOT_STRING) return WRONG;
        long need = (maxBit >>> 3) + 1;
        if (need > Integer.MAX_VALUE - 8) {
            // Only reachable with proto-max-bulk-len raised beyond what a Java array can hold.
            Args.error(c, Errors.STRING_TOO_LONG);
            return WRONG;
        }
        if (v == null) {
            Sds s = new Sds((int) need);
            c.db().put(key, s, false);
            return new Target(s, true);
        }
        Sds s;
        if (v instanceof Sds existing && existing.encoding().equals("raw")) {
            s = existing;
        } else {
            s = new Sds(Strings.bytes(v), 0);
            c.db().swapRepresentation(key, s);
        }
        boolean grown = s.growZero((int) need);
        return new Target(s, grown);
    }

    // ------------------------------------------------------------------ SETBIT / GETBIT

    static void setbit(Client c, byte[][] argv) {
        long offset = bitOffset(c, argv[2], 0);
        if (offset < 0) return;
        Long on = Args.longOrReply(c, argv[3], BIT_VALUE);
        if (on == null) return;
        if ((on & ~1L) != 0) {
            Args.error(c, BIT_VALUE);
            return;
        }
        Target t = stringForWrite(c, argv[1], offset);
        if (t == WRONG) return;
        byte[] a = t.s().array();
        int old = Bits.bitAt(a, offset);
        if (t.grown() || old != on) {
            Bits.setBit(a, offset, (int) (long) on);
            c.db().touched(argv[1]);
            c.server().addDirty(1);
            c.server().notify(io.vermilion.pubsub.Events.STRING, "setbit", argv[1], c.dbIndex());
        }
        c.reply().integer(old);
    }

    static void getbit(Client c, byte[][] argv) {
        long offset = bitOffset(c, argv[2], 0);
        if (offset < 0) return;
        Object v = StringCommands.readString(c, argv[1]);
        if (v == StringCommands.NOT_STRING) return;
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        long bytes = offset >>> 3;
        c.reply().integer(bytes < Strings.length(v) ? Bits.bitAt(array(v), offset) : 0);
    }

    // ------------------------------------------------------------------ BITCOUNT / BITPOS

    /** Parses BIT|BYTE: 1 for BIT, 0 for BYTE, -1 after a syntax error. */
    private static int unit(Client c, byte[] arg) {
        if (Args.is(arg, "bit")) return 1;
        if (Args.is(arg, "byte")) return 0;
        Args.error(c, Errors.SYNTAX);
        return -1;
    }

    static void bitcount(Client c, byte[][] argv) {
        Object v = StringCommands.readString(c, argv[1]);
        if (v == StringCommands.NOT_STRING) return;
        if (v == null) {
            c.reply().integer(0);
            return;
        }
        byte[] a = array(v);
        long len = Strings.length(v);
        if (argv.length == 2) {
            c.reply().integer(Bits.popcount(a, 0, (int) len));
            return;
        }
        if (argv.length != 4 && argv.length != 5) {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        Long startObj = Args.longOrReply(c, argv[2]);
        if (startObj == null) return;
        Long endObj = Args.longOrReply(c, argv[3]);
        if (endObj == null) return;
        long start = startObj, end = endObj;
        if (start < 0 && end < 0 && start > end) {
            c.reply().integer(0);
            return;
        }
        boolean isBit = false;
        if (argv.length == 5) {
            int u = unit(c, argv[4]);
            if (u < 0) return;
            isBit = u == 1;
        }
        long total = isBit ? len << 3 : len;
        if (start < 0) start += total;
        if (end < 0) end += total;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
        if (start > end) {
            c.reply().integer(0);
        } else if (isBit) {
            c.reply().integer(Bits.popcountBits(a, start, end));
        } else {
            c.reply().integer(Bits.popcount(a, (int) start, (int) (end - start + 1)));
        }
    }

    static void bitpos(Client c, byte[][] argv) {
        Long bitObj = Args.longOrReply(c, argv[2]);
        if (bitObj == null) return;
        long bit = bitObj;
        if (bit != 0 && bit != 1) {
            Args.error(c, "ERR The bit argument must be 1 or 0.");
            return;
        }
        Object v = StringCommands.readString(c, argv[1]);
        if (v == StringCommands.NOT_STRING) return;
        if (v == null) {
            // A missing key is an infinite run of zeros.
            c.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        byte[] a = array(v);
        long len = Strings.length(v);
        long start, end;
        boolean isBit = false, endGiven = false;
        if (argv.length >= 4 && argv.length <= 6) {
            Long s = Args.longOrReply(c, argv[3]);
            if (s == null) return;
            start = s;
            if (argv.length == 6) {
                int u = unit(c, argv[5]);
                if (u < 0) return;
                isBit = u == 1;
            }
            if (argv.length >= 5) {
                Long e = Args.longOrReply(c, argv[4]);
                if (e == null) return;
                end = e;
                endGiven = true;
            } else {
                end = len - 1;
            }
            long total = isBit ? len << 3 : len;
            if (start < 0) start += total;
            if (end < 0) end += total;
            if (start < 0) start = 0;
            if (end < 0) end = 0;
            if (end >= total) end = total - 1;
        } else if (argv.length == 3) {
            start = 0;
            end = len - 1;
        } else {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        if (start > end) {   // an empty range holds neither a 0 nor a 1
            c.reply().integer(-1);
            return;
        }
        long lo = isBit ? start : start << 3;
        long hi = isBit ? end : (end << 3) + 7;
        long pos = Bits.firstBit(a, lo, hi, (int) bit);
        if (pos < 0 && bit == 0 && !endGiven) {
            // Looking for a clear bit without an explicit end: the string continues with zeros.
            pos = hi + 1;
        }
        c.reply().integer(pos);
    }

    // ------------------------------------------------------------------ BITOP

    static void bitop(Client c, byte[][] argv) {
        byte[] opArg = argv[1];
        int op;
        if (Args.is(opArg, "and")) op = 0;
        else if (Args.is(opArg, "or")) op = 1;
        else if (Args.is(opArg, "xor")) op = 2;
        else if (Args.is(opArg, "not")) op = 3;
        else {
            Args.error(c, Errors.SYNTAX);
            return;
        }
        if (op == 3 && argv.length != 4) {
            Args.error(c, "ERR BITOP NOT must be called with a single source key.");
            return;
        }
        int n = argv.length - 3;
        byte[][] src = new byte[n][];
        int[] lens = new int[n];
        int maxLen = 0;
        for (int j = 0; j < n; j++) {
            Object v = StringCommands.readString(c, argv[j + 3]);
            if (v == StringCommands.NOT_STRING) return;
            if (v == null) continue;
            src[j] = array(v);
            lens[j] = Strings.length(v);
            maxLen = Math.max(maxLen, lens[j]);
        }
        byte[] dest = argv[2];
        if (maxLen == 0) {
            if (c.db().delete(dest)) {
                c.server().addDirty(1);
                c.server().notify(io.vermilion.pubsub.Events.GENERIC, "del", dest, c.dbIndex());
            }
            c.reply().integer(0);
            return;
        }
        Sds out = new Sds(maxLen);
        byte[] r = out.array();
        if (src[0] != null) System.arraycopy(src[0], 0, r, 0, lens[0]);
        if (op == 3) {
            for (int i = 0; i < maxLen; i++) r[i] = (byte) ~r[i];
        } else {
            for (int j = 1; j < n; j++) combine(op, r, maxLen, src[j], lens[j]);
        }
        c.db().put(dest, out, false);
        c.server().addDirty(1);
        c.server().notify(io.vermilion.pubsub.Events.STRING, "set", dest, c.dbIndex());
        c.reply().integer(maxLen);
    }

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** r[0, rlen) op= s, where s (absent if null) counts as zeros beyond slen. */
    private static void combine(int op, byte[] r, int rlen, byte[] s, int slen) {
        int common = s == null ? 0 : Math.min(slen, rlen);
        int i = 0;
        switch (op) {
            case 0 -> {
                for (; i + 8 <= common; i += 8) LONG.set(r, i, (long) LONG.get(r, i) & (long) LONG.get(s, i));
                for (; i < common; i++) r[i] &= s[i];
                Arrays.fill(r, common, rlen, (byte) 0);
            }
            case 1 -> {
                for (; i + 8 <= common; i += 8) LONG.set(r, i, (long) LONG.get(r, i) | (long) LONG.get(s, i));
                for (; i < common; i++) r[i] |= s[i];
            }
            default -> {
                for (; i + 8 <= common; i += 8) LONG.set(r, i, (long) LONG.get(r, i) ^ (long) LONG.get(s, i));
                for (; i < common; i++) r[i] ^= s[i];
            }
        }
    }

    // ------------------------------------------------------------------ BITFIELD

    static final int GET = 0, SET = 1, INCRBY = 2;
    static final int WRAP = 0, SAT = 1, FAIL = 2;

    /** One parsed BITFIELD operation. */
    private record Op(int opcode, boolean signed, int bits, long offset, long value, int overflow) {}

    static void bitfield(Client c, byte[][] argv, boolean roCommand) {
        List<Op> ops = new ArrayList<>();
        int overflow = WRAP;
        boolean readonly = true;
        long highestWrite = 0;
        for (int j = 2; j < argv.length; j++) {
            int remargs = argv.length - j - 1;
            byte[] sub = argv[j];
            int opcode;
            if (Args.is(sub, "get") && remargs >= 2) {
                opcode = GET;
            } else if (Args.is(sub, "set") && remargs >= 3) {
                opcode = SET;
            } else if (Args.is(sub, "incrby") && remargs >= 3) {
                opcode = INCRBY;
            } else if (Args.is(sub, "overflow") && remargs >= 1) {
                byte[] type = argv[++j];
                if (Args.is(type, "wrap")) overflow = WRAP;
                else if (Args.is(type, "sat")) overflow = SAT;
                else if (Args.is(type, "fail")) overflow = FAIL;
                else {
                    Args.error(c, "ERR Invalid OVERFLOW type specified");
                    return;
                }
                continue;
            } else {
                Args.error(c, Errors.SYNTAX);
                return;
            }
            int type = bitfieldType(argv[j + 1]);
            if (type == 0) {
                Args.error(c, BITFIELD_TYPE);
                return;
            }
            boolean signed = type < 0;
            int bits = Math.abs(type);
            long offset = bitOffset(c, argv[j + 2], bits);
            if (offset < 0) return;
            long value = 0;
            if (opcode != GET) {
                readonly = false;
                highestWrite = Math.max(highestWrite, offset + bits - 1);
                Long n = Args.longOrReply(c, argv[j + 3]);
                if (n == null) return;
                value = n;
            }
            ops.add(new Op(opcode, signed, bits, offset, value, overflow));
            j += opcode == GET ? 2 : 3;
        }

        byte[] key = argv[1];
        Object v;
        Target t = null;
        if (readonly) {
            v = StringCommands.readString(c, key);
            if (v == StringCommands.NOT_STRING) return;
        } else {
            if (roCommand) {
                Args.error(c, "ERR BITFIELD_RO only supports the GET subcommand");
                return;
            }
            t = stringForWrite(c, key, highestWrite);
            if (t == WRONG) return;
            v = t.s();
        }

        c.reply().array(ops.size());
        long changes = 0;
        for (Op op : ops) {
            byte[] a = v == null ? null : array(v);
            int len = v == null ? 0 : Strings.length(v);
            if (op.opcode() == GET) {
                c.reply().integer(op.signed() ? Bits.getSigned(a, len, op.offset(), op.bits())
                        : Bits.getUnsigned(a, len, op.offset(), op.bits()));
                continue;
            }
            long oldVal = op.signed() ? Bits.getSigned(a, len, op.offset(), op.bits())
                    : Bits.getUnsigned(a, len, op.offset(), op.bits());
            long base = op.opcode() == INCRBY ? oldVal : op.value();
            long incr = op.opcode() == INCRBY ? op.value() : 0;
            long[] limit = new long[1];
            int ov = op.signed() ? signedOverflow(base, incr, op.bits(), op.overflow(), limit)
                    : unsignedOverflow(base, incr, op.bits(), op.overflow(), limit);
            if (ov != 0 && op.overflow() == FAIL) {
                c.reply().nullBulk();
                continue;
            }
            long newVal = ov != 0 ? limit[0] : base + incr;
            c.reply().integer(op.opcode() == INCRBY ? newVal : oldVal);
            Bits.setField(a, op.offset(), op.bits(), newVal);
            if (t.grown() || oldVal != newVal) changes++;
        }
        if (changes > 0) {
            c.db().touched(key);
            c.server().addDirty(changes);
            c.server().notify(io.vermilion.pubsub.Events.STRING, "setbit", key, c.dbIndex());
        }
    }

    /** "i<bits>" (1..64) as -bits, "u<bits>" (1..63) as bits, anything else 0. */
    static int bitfieldType(byte[] arg) {
        if (arg.length < 2 || (arg[0] != 'i' && arg[0] != 'u')) return 0;
        long[] n = new long[1];
        if (!Numbers.parseLong(arg, 1, arg.length - 1, n)) return 0;
        boolean signed = arg[0] == 'i';
        if (n[0] < 1 || n[0] > (signed ? 64 : 63)) return 0;
        return signed ? -(int) n[0] : (int) n[0];
    }

    /**
     * Whether value + incr fits a bits-wide unsigned field (value taken as unsigned): 0 if it
     * does, 1 on overflow, -1 on underflow, with limit[0] set to the wrapped or saturated result.
     */
    static int unsignedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = bits == 64 ? -1L : (1L << bits) - 1;
        long maxIncr = max - value;
        long minIncr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxIncr)) {
            if (owtype == WRAP) limit[0] = wrapUnsigned(value, incr, bits);
            else if (owtype == SAT) limit[0] = max;
            return 1;
        }
        if (incr < 0 && incr < minIncr) {
            if (owtype == WRAP) limit[0] = wrapUnsigned(value, incr, bits);
            else if (owtype == SAT) limit[0] = 0;
            return -1;
        }
        return 0;
    }

    private static long wrapUnsigned(long value, long incr, int bits) {
        long r = value + incr;
        return bits == 64 ? r : r & ~(-1L << bits);
    }

    /** As {@link #unsignedOverflow} for a signed field (two's complement). */
    static int signedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = max - value;
        long minIncr = min - value;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr)) {
            if (owtype == WRAP) limit[0] = wrapSigned(value, incr, bits);
            else if (owtype == SAT) limit[0] = max;
            return 1;
        }
        if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr)) {
            if (owtype == WRAP) limit[0] = wrapSigned(value, incr, bits);
            else if (owtype == SAT) limit[0] = min;
            return -1;
        }
        return 0;
    }

    private static long wrapSigned(long value, long incr, int bits) {
        long r = value + incr;
        if (bits < 64) {
            long mask = -1L << bits;
            r = (r & (1L << (bits - 1))) != 0 ? r | mask : r & ~mask;
        }
        return r;
    }
}
