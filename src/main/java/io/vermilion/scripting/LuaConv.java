package io.vermilion.scripting;

import io.netty.buffer.ByteBuf;
import io.vermilion.protocol.Reply;
import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Reply conversion both ways, as Redis 7.0's script_lua.c defines it.
 *
 * <p>Redis to Lua ({@link #fromResp}): the reply a command wrote for the script client, parsed
 * from its RESP bytes: integer → number, bulk → string, null bulk/array (RESP2) → false,
 * status → {ok=...}, error → {err=...}, array → table; RESP3 (after redis.setresp(3)):
 * null → nil, boolean → boolean, double → {double=n}, map → {map={...}}, set →
 * {set={member=true}}, big number → {big_number=s}, verbatim → {verbatim_string={format,string}}.
 *
 * <p>Lua to Redis ({@link #toReply}): string → bulk, number → integer (truncated), boolean →
 * :1 / null with RESP2 scripts (boolean with RESP3 scripts), table with err/ok/double/
 * big_number/verbatim_string/map/set fields → those replies, other tables → array up to the
 * first nil, anything else → null.
 */
public final class LuaConv {
    private LuaConv() {}

    static final LuaString ERR = LuaString.valueOf("err");
    static final LuaString OK = LuaString.valueOf("ok");
    static final LuaString DOUBLE = LuaString.valueOf("double");
    static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    static final LuaString MAP = LuaString.valueOf("map");
    static final LuaString SET = LuaString.valueOf("set");
    static final LuaString FORMAT = LuaString.valueOf("format");
    static final LuaString STRING = LuaString.valueOf("string");
    static final LuaString IGNORE_STATS = LuaString.valueOf("ignore_error_stats_update");

    /** A Lua string of raw bytes (Lua strings are byte strings, never re-encoded). */
    public static LuaString bytes(byte[] b) { return LuaString.valueUsing(b); }

    /** The bytes of a Lua string. */
    public static byte[] bytesOf(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    /** A Lua string as Latin-1 (one char per byte), for error and status texts. */
    public static String latin1(LuaValue v) {
        LuaString s = v.checkstring();
        return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
    }

    /** The error table Redis's luaPushErrorBuff builds: "-CODE msg" or "msg" (code ERR). */
    public static LuaTable errorTable(String err) {
        String code, msg;
        if (err.startsWith("-")) {
            int sp = err.indexOf(' ');
            if (sp < 0) { code = "ERR"; msg = err.substring(1); }
            else { code = err.substring(1, sp); msg = err.substring(sp + 1); }
        } else {
            code = "ERR";
            msg = err;
        }
        msg = trimCrlf(msg);
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaString.valueOf((code + " " + msg).getBytes(StandardCharsets.ISO_8859_1)));
        return t;
    }

    static String trimCrlf(String s) {
        int a = 0, b = s.length();
        while (a < b && (s.charAt(a) == '\r' || s.charAt(a) == '\n')) a++;
        while (b > a && (s.charAt(b - 1) == '\r' || s.charAt(b - 1) == '\n')) b--;
        return s.substring(a, b);
    }

    // ------------------------------------------------------------------ RESP -> Lua

    /** Parses one complete reply at the reader index of {@code in}. */
    public static LuaValue fromResp(ByteBuf in) {
        byte type = in.readByte();
        switch (type) {
            case ':': return LuaValue.valueOf((double) Long.parseLong(line(in)));
            case '$': {
                int len = Integer.parseInt(line(in));
                if (len < 0) return LuaValue.FALSE;
                byte[] b = new byte[len];
                in.readBytes(b);
                in.skipBytes(2);
                return bytes(b);
            }
            case '+': {
                LuaTable t = new LuaTable();
                t.rawset(OK, bytes(lineBytes(in)));
                return t;
            }
            case '-': {
                LuaTable t = errorTable("-" + new String(lineBytes(in), StandardCharsets.ISO_8859_1));
                t.rawset(IGNORE_STATS, LuaValue.TRUE);
                return t;
            }
            case '*': {
                int n = Integer.parseInt(line(in));
                if (n < 0) return LuaValue.FALSE;
                LuaTable t = new LuaTable(n, 0);
                for (int i = 1; i <= n; i++) t.rawset(i, fromResp(in));
                return t;
            }
            case '%': {
                int n = Integer.parseInt(line(in));
                LuaTable m = new LuaTable();
                for (int i = 0; i < n; i++) {
                    LuaValue k = fromResp(in);
                    LuaValue v = fromResp(in);
                    if (!k.isnil()) m.rawset(k, v);
                }
                LuaTable t = new LuaTable();
                t.rawset(MAP, m);
                return t;
            }
            case '~': {
                int n = Integer.parseInt(line(in));
                LuaTable s = new LuaTable();
                for (int i = 0; i < n; i++) {
                    LuaValue k = fromResp(in);
                    if (!k.isnil()) s.rawset(k, LuaValue.TRUE);
                }
                LuaTable t = new LuaTable();
                t.rawset(SET, s);
                return t;
            }
            case '_': in.skipBytes(2); return LuaValue.NIL;
            case '#': {
                boolean b = in.readByte() == 't';
                in.skipBytes(2);
                return LuaValue.valueOf(b);
            }
            case ',': {
                String s = line(in);
                double d = switch (s) {
                    case "inf" -> Double.POSITIVE_INFINITY;
                    case "-inf" -> Double.NEGATIVE_INFINITY;
                    case "nan", "-nan" -> Double.NaN;
                    default -> Double.parseDouble(s);
                };
                LuaTable t = new LuaTable();
                t.rawset(DOUBLE, LuaValue.valueOf(d));
                return t;
            }
            case '(': {
                LuaTable t = new LuaTable();
                t.rawset(BIG_NUMBER, bytes(lineBytes(in)));
                return t;
            }
            case '=': {
                int len = Integer.parseInt(line(in));
                byte[] b = new byte[len];
                in.readBytes(b);
                in.skipBytes(2);
                LuaTable v = new LuaTable();
                v.rawset(FORMAT, bytes(java.util.Arrays.copyOfRange(b, 0, Math.min(3, len))));
                v.rawset(STRING, bytes(java.util.Arrays.copyOfRange(b, Math.min(4, len), len)));
                LuaTable t = new LuaTable();
                t.rawset(VERBATIM, v);
                return t;
            }
            case '>': {
                int n = Integer.parseInt(line(in));
                LuaTable t = new LuaTable(n, 0);
                for (int i = 1; i <= n; i++) t.rawset(i, fromResp(in));
                return t;
            }
            case '|': { // attribute: skipped, then the reply itself
                int n = Integer.parseInt(line(in));
                for (int i = 0; i < 2 * n; i++) fromResp(in);
                return fromResp(in);
            }
            default:
                throw new IllegalStateException("unexpected reply type " + (char) type);
        }
    }

    private static byte[] lineBytes(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.indexOf(start, in.writerIndex(), (byte) '\r');
        byte[] b = new byte[end - start];
        in.readBytes(b);
        in.skipBytes(2);
        return b;
    }

    private static String line(ByteBuf in) {
        return new String(lineBytes(in), StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------ Lua -> RESP

    /** Where a converted error reply goes: counted in errorstats or not. */
    public interface ErrorSink {
        void error(String msg, boolean ignoreStats);
    }

    /**
     * Writes {@code v} as the reply of the script to {@code r} (the caller's connection, whose
     * protocol decides RESP2/RESP3 forms); {@code scriptResp} is the script's setresp value.
     */
    public static void toReply(Reply r, LuaValue v, int scriptResp, ErrorSink errors) {
        toReply(r, v, scriptResp, errors, 0);
    }

    private static void toReply(Reply r, LuaValue v, int scriptResp, ErrorSink errors, int depth) {
        if (depth > 1000) {
            errors.error("ERR reached lua stack limit", false);
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING: {
                LuaString s = v.checkstring();
                r.bulk(s.m_bytes, s.m_offset, s.m_length);
                return;
            }
            case LuaValue.TBOOLEAN:
                if (scriptResp == 2) {
                    if (v.toboolean()) r.integer(1);
                    else r.nullBulk();
                } else {
                    r.bool(v.toboolean());
                }
                return;
            case LuaValue.TNUMBER:
                r.integer((long) v.todouble());
                return;
            case LuaValue.TTABLE:
                tableToReply(r, (LuaTable) v, scriptResp, errors, depth);
                return;
            default:
                r.nullBulk();
        }
    }

    private static void tableToReply(Reply r, LuaTable t, int scriptResp, ErrorSink errors, int depth) {
        LuaValue f = t.rawget(ERR);
        if (f.type() == LuaValue.TSTRING) {
            errors.error(latin1(f), t.rawget(IGNORE_STATS).toboolean());
            return;
        }
        f = t.rawget(OK);
        if (f.type() == LuaValue.TSTRING) {
            r.simple(latin1(f).replace('\r', ' ').replace('\n', ' '));
            return;
        }
        f = t.rawget(DOUBLE);
        if (f.type() == LuaValue.TNUMBER) {
            r.dbl(f.todouble());
            return;
        }
        f = t.rawget(BIG_NUMBER);
        if (f.type() == LuaValue.TSTRING) {
            byte[] b = bytesOf(f.checkstring());
            for (int i = 0; i < b.length; i++) if (b[i] == '\r' || b[i] == '\n') b[i] = ' ';
            if (r.resp3()) {
                r.raw(new byte[] {'('});
                r.raw(b);
                r.raw(new byte[] {'\r', '\n'});
            } else {
                r.bulk(b);
            }
            return;
        }
        f = t.rawget(VERBATIM);
        if (f.type() == LuaValue.TTABLE) {
            LuaValue fmt = f.rawget(FORMAT), str = f.rawget(STRING);
            if (fmt.type() == LuaValue.TSTRING && str.type() == LuaValue.TSTRING) {
                byte[] b = bytesOf(str.checkstring());
                if (r.resp3()) {
                    byte[] fb = bytesOf(fmt.checkstring());
                    byte[] head = ("=" + (b.length + 4) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    r.raw(head);
                    byte[] f3 = java.util.Arrays.copyOf(fb, 3);
                    for (int i = fb.length; i < 3; i++) f3[i] = ' ';
                    r.raw(f3);
                    r.raw(new byte[] {':'});
                    r.raw(b);
                    r.raw(new byte[] {'\r', '\n'});
                } else {
                    r.bulk(b);
                }
                return;
            }
        }
        f = t.rawget(MAP);
        if (f.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) f;
            int n = 0;
            for (LuaValue k = m.next(LuaValue.NIL).arg1(); !k.isnil(); k = m.next(k).arg1()) n++;
            r.map(n);
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs e = m.next(k);
                k = e.arg1();
                if (k.isnil()) break;
                toReply(r, k, scriptResp, errors, depth + 1);
                toReply(r, e.arg(2), scriptResp, errors, depth + 1);
            }
            return;
        }
        f = t.rawget(SET);
        if (f.type() == LuaValue.TTABLE) {
            LuaTable s = (LuaTable) f;
            int n = 0;
            for (LuaValue k = s.next(LuaValue.NIL).arg1(); !k.isnil(); k = s.next(k).arg1()) n++;
            r.set(n);
            for (LuaValue k = s.next(LuaValue.NIL).arg1(); !k.isnil(); k = s.next(k).arg1()) {
                toReply(r, k, scriptResp, errors, depth + 1);
            }
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) n++;
        r.array(n);
        for (int i = 1; i <= n; i++) toReply(r, t.rawget(i), scriptResp, errors, depth + 1);
    }

    /** A number argument of redis.call as Redis formats it ("%.17g"; integers in full). */
    public static byte[] numberArg(LuaValue v) {
        double d = v.todouble();
        if (d == Math.rint(d) && Math.abs(d) < 1e17) return Long.toString((long) d).getBytes(StandardCharsets.US_ASCII);
        return Numbers.formatG17(d).getBytes(StandardCharsets.US_ASCII);
    }
}
