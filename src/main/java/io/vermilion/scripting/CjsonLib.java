package io.vermilion.scripting;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * The cjson library Redis bundles (lua-cjson 2.1.0 with Redis's defaults): encode, decode,
 * the configuration functions, new, null. Same rules as the C library: a table is an array
 * when every key is a positive integer (holes become null; "excessively sparse" past
 * max &gt; 2 * items and max &gt; 10), otherwise an object; the empty table is {}; numbers with
 * "%.14g"; '/' and 0x7f are escaped; decoding accepts what strtod accepts (decode_invalid_numbers
 * is on by default), stops at a NUL byte, and maps null to cjson.null. Error texts are the C
 * library's. Object key order follows the Lua table (luaj's order here, not Lua 5.1's).
 */
final class CjsonLib {
    private CjsonLib() {}

    static final LuaValue NULL = LibFunction.LuaUserdataNull.NULL;

    /** One module instance's settings (json_config_t). */
    static final class Config {
        int sparseConvert = 0, sparseRatio = 2, sparseSafe = 10;
        int encodeMaxDepth = 1000, decodeMaxDepth = 1000;
        int encodeInvalidNumbers = 0, decodeInvalidNumbers = 1;
        int keepBuffer = 1, precision = 14;
    }

    static LuaTable create(Hook hook) {
        Config cfg = new Config();
        LuaTable t = new LuaTable();
        t.rawset("encode", new LibFunction("encode", hook) {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1) throw argError(1, "expected 1 argument");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                new Encoder(this, cfg, out).value(a.arg1(), 0);
                return LuaValue.valueOf(out.toByteArray());
            }
        });
        t.rawset("decode", new LibFunction("decode", hook) {
            @Override public Varargs invoke(Varargs a) {
                if (a.narg() != 1) throw argError(1, "expected 1 argument");
                LuaString s = checkString(a, 1);
                return new Decoder(this, cfg, LuaConv.bytesOf(s)).decode();
            }
        });
        t.rawset("encode_sparse_array", new LibFunction("encode_sparse_array", hook) {
            @Override public Varargs invoke(Varargs a) {
                argInit(this, a, 3);
                LuaValue c = enumOption(this, a, 1, cfg.sparseConvert, null, v -> cfg.sparseConvert = v);
                LuaValue r = intOption(this, a, 2, 0, Integer.MAX_VALUE, cfg.sparseRatio, v -> cfg.sparseRatio = v);
                LuaValue s = intOption(this, a, 3, 0, Integer.MAX_VALUE, cfg.sparseSafe, v -> cfg.sparseSafe = v);
                return LuaValue.varargsOf(c, r, s);
            }
        });
        t.rawset("encode_max_depth", new LibFunction("encode_max_depth", hook) {
            @Override public Varargs invoke(Varargs a) {
                argInit(this, a, 1);
                return intOption(this, a, 1, 1, Integer.MAX_VALUE, cfg.encodeMaxDepth, v -> cfg.encodeMaxDepth = v);
            }
        });
        t.rawset("decode_max_depth", new LibFunction("decode_max_depth", hook) {
            @Override public Varargs invoke(Varargs a) {
                argInit(this, a, 1);
                return intOption(this, a, 1, 1, Integer.MAX_VALUE, cfg.decodeMaxDepth, v -> cfg.decodeMaxDepth = v);
            }
        });
        t.rawset("encode_number_precision", new LibFunction("encode_number_precision", hook) {
            @Override public Varargs invoke(Varargs a) {
                argInit(this, a, 1);
                return intOption(this, a, 1, 1, 14, cfg.precision, v -> cfg.precision = v);
            }
        });
        t.rawset("encode_keep_buffer", new LibFunction("encode_keep_buffer", hook) {
            @Override public Varargs invoke(Varargs a) {
                argInit(this, a, 1);
                return enumOption(this, a, 1, cfg.keepBuffer, null, v -> cfg.keepBuffer = v);
            }
        });
        t.rawset("encode_invalid_numbers", new LibFunction("encode_invalid_numbers", hook) {
            @Override public Varargs invoke(Varargs a) {
                argInit(this, a, 1);
                return enumOption(this, a, 1, cfg.encodeInvalidNumbers, new String[] {"off", "on", "null"}, v -> cfg.encodeInvalidNumbers = v);
            }
        });
        t.rawset("decode_invalid_numbers", new LibFunction("decode_invalid_numbers", hook) {
            @Override public Varargs invoke(Varargs a) {
                argInit(this, a, 1);
                return enumOption(this, a, 1, cfg.decodeInvalidNumbers, null, v -> cfg.decodeInvalidNumbers = v);
            }
        });
        t.rawset("new", new LibFunction("new", hook) {
            @Override public Varargs invoke(Varargs a) { return create(hook); }
        });
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    private interface Setter { void set(int v); }

    private static void argInit(LibFunction f, Varargs a, int args) {
        if (a.narg() > args) throw f.argError(args + 1, "found too many arguments");
    }

    private static LuaValue intOption(LibFunction f, Varargs a, int i, int min, int max, int cur, Setter set) {
        if (!a.arg(i).isnil()) {
            long v = f.checkInteger(a, i);
            if (v < min || v > max) throw f.argError(1, "expected integer between " + min + " and " + max);
            set.set((int) v);
            cur = (int) v;
        }
        return LuaValue.valueOf(cur);
    }

    private static LuaValue enumOption(LibFunction f, Varargs a, int i, int cur, String[] options, Setter set) {
        if (options == null) options = new String[] {"off", "on"};
        LuaValue v = a.arg(i);
        if (!v.isnil()) {
            if (v.isboolean()) {
                cur = v.toboolean() ? 1 : 0;
            } else {
                LuaString s = f.checkString(a, i);
                String name = s.tojstring();
                int found = -1;
                for (int k = 0; k < options.length; k++) if (options[k].equals(name)) found = k;
                if (found < 0) throw f.argError(i, "invalid option '" + name + "'");
                cur = found;
            }
            set.set(cur);
        }
        if (cur == 0 || cur == 1) return LuaValue.valueOf(cur == 1);
        return LuaValue.valueOf(options[cur]);
    }

    // ------------------------------------------------------------------ encoding

    private static final String[] ESCAPES = new String[256];
    static {
        for (int i = 0; i < 32; i++) ESCAPES[i] = String.format("\\u%04x", i);
        ESCAPES['\b'] = "\\b";
        ESCAPES['\t'] = "\\t";
        ESCAPES['\n'] = "\\n";
        ESCAPES['\f'] = "\\f";
        ESCAPES['\r'] = "\\r";
        ESCAPES['"'] = "\\\"";
        ESCAPES['\\'] = "\\\\";
        ESCAPES['/'] = "\\/";
        ESCAPES[0x7f] = "\\u007f";
    }

    private static final class Encoder {
        final LibFunction f;
        final Config cfg;
        final ByteArrayOutputStream out;

        Encoder(LibFunction f, Config cfg, ByteArrayOutputStream out) {
            this.f = f;
            this.cfg = cfg;
            this.out = out;
        }

        void ascii(String s) {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length());
        }

        /** An open array or object while encoding (iterative, so depth costs no Java stack). */
        private final class Frame {
            final LuaTable t;
            final int len; // > 0: array
            int i = 1;
            LuaValue k = LuaValue.NIL;
            boolean comma;
            Frame(LuaTable t, int len) { this.t = t; this.len = len; }
        }

        private final java.util.ArrayDeque<Frame> stack = new java.util.ArrayDeque<>();

        void value(LuaValue root, int depth0) {
            emit(root);
            while (!stack.isEmpty()) {
                Frame fr = stack.peek();
                if (fr.len > 0) {
                    if (fr.i > fr.len) { out.write(']'); stack.pop(); continue; }
                    if (fr.i > 1) out.write(',');
                    emit(fr.t.rawget(fr.i++));
                    continue;
                }
                Varargs e = fr.t.next(fr.k);
                fr.k = e.arg1();
                if (fr.k.isnil()) { out.write('}'); stack.pop(); continue; }
                if (fr.comma) out.write(',');
                fr.comma = true;
                LuaValue k = fr.k;
                if (k.type() == LuaValue.TNUMBER) {
                    out.write('"');
                    number(k, k.todouble());
                    ascii("\":");
                } else if (k.type() == LuaValue.TSTRING) {
                    string(k.checkstring());
                    out.write(':');
                } else {
                    throw f.fail("Cannot serialise " + k.typename() + ": table key must be a number or string");
                }
                emit(e.arg(2));
            }
        }

        /** Writes a scalar, or opens a table (pushing its frame). */
        private void emit(LuaValue v) {
            switch (v.type()) {
                case LuaValue.TSTRING: string(v.checkstring()); break;
                case LuaValue.TNUMBER: number(v, v.todouble()); break;
                case LuaValue.TBOOLEAN: ascii(v.toboolean() ? "true" : "false"); break;
                case LuaValue.TNIL: ascii("null"); break;
                case LuaValue.TTABLE: {
                    int depth = stack.size() + 1;
                    if (depth > cfg.encodeMaxDepth) throw f.fail("Cannot serialise, excessive nesting (" + depth + ")");
                    LuaTable t = (LuaTable) v;
                    int len = arrayLength(t);
                    out.write(len > 0 ? '[' : '{');
                    stack.push(new Frame(t, len));
                    break;
                }
                default:
                    if (v == NULL) { ascii("null"); break; }
                    throw f.fail("Cannot serialise " + v.typename() + ": type not supported");
            }
        }

        void string(LuaString s) {
            out.write('"');
            byte[] b = s.m_bytes;
            for (int i = s.m_offset, end = s.m_offset + s.m_length; i < end; i++) {
                String e = ESCAPES[b[i] & 0xff];
                if (e != null) ascii(e);
                else out.write(b[i]);
            }
            out.write('"');
        }

        void number(LuaValue v, double d) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                if (cfg.encodeInvalidNumbers == 0) throw f.fail("Cannot serialise " + v.typename() + ": must not be NaN or Inf");
                if (cfg.encodeInvalidNumbers == 2) { ascii("null"); return; }
                if (Double.isNaN(d)) { ascii("nan"); return; }
            }
            ascii(format(d, cfg.precision));
        }

        /** lua_array_length: -1 for an object, else the highest index. */
        int arrayLength(LuaTable t) {
            double max = 0;
            int items = 0;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs e = t.next(k);
                k = e.arg1();
                if (k.isnil()) break;
                if (k.type() == LuaValue.TNUMBER) {
                    double d = k.todouble();
                    if (d != 0 && Math.floor(d) == d && d >= 1) {
                        if (d > max) max = d;
                        items++;
                        continue;
                    }
                }
                return -1;
            }
            if (cfg.sparseRatio > 0 && max > (double) items * cfg.sparseRatio && max > cfg.sparseSafe) {
                if (cfg.sparseConvert == 0) throw f.fail("Cannot serialise table: excessively sparse array");
                return -1;
            }
            return (int) max;
        }
    }

    /** fpconv_g_fmt: printf("%.<precision>g"). */
    static String format(double d, int precision) {
        if (precision == 14) return LuaEngine.number14g(d);
        return io.vermilion.util.Numbers.formatG(d, precision);
    }

    // ------------------------------------------------------------------ decoding

    private enum Tok { OBJ_BEGIN, OBJ_END, ARR_BEGIN, ARR_END, STRING, NUMBER, BOOLEAN, NULL, COLON, COMMA, END, ERROR }

    private static final class Decoder {
        final LibFunction f;
        final Config cfg;
        final byte[] data;
        int ptr;
        int depth;
        // current token
        Tok type;
        int index;
        String error;
        LuaValue value;

        Decoder(LibFunction f, Config cfg, byte[] data) {
            this.f = f;
            this.cfg = cfg;
            this.data = data;
        }

        int at(int i) { return i < data.length ? data[i] & 0xff : 0; }

        LuaValue decode() {
            if (data.length >= 2 && (data[0] == 0 || data[1] == 0)) {
                throw f.fail("JSON parser does not support UTF-16 or UTF-32");
            }
            next();
            LuaValue v = processValue();
            next();
            if (type != Tok.END) throw parseError("the end");
            return v;
        }

        void tokenError(String what) {
            type = Tok.ERROR;
            index = ptr;
            error = what;
        }

        void next() {
            int ch;
            while ((ch = at(ptr)) == ' ' || ch == '\t' || ch == '\n' || ch == '\r') ptr++;
            index = ptr;
            switch (ch) {
                case '{': type = Tok.OBJ_BEGIN; ptr++; return;
                case '}': type = Tok.OBJ_END; ptr++; return;
                case '[': type = Tok.ARR_BEGIN; ptr++; return;
                case ']': type = Tok.ARR_END; ptr++; return;
                case ',': type = Tok.COMMA; ptr++; return;
                case ':': type = Tok.COLON; ptr++; return;
                case 0: type = Tok.END; return;
                default: break;
            }
            if (ch == '"') { string(); return; }
            if (ch == '-' || (ch >= '0' && ch <= '9')) {
                if (cfg.decodeInvalidNumbers == 0 && invalidNumber()) { tokenError("invalid number"); return; }
                number();
                return;
            }
            if (ch == 'f' || ch == 'i' || ch == 'I' || ch == 'n' || ch == 'N' || ch == 't' || ch == '+') {
                if (startsWith("true")) { type = Tok.BOOLEAN; value = LuaValue.TRUE; ptr += 4; return; }
                if (startsWith("false")) { type = Tok.BOOLEAN; value = LuaValue.FALSE; ptr += 5; return; }
                if (startsWith("null")) { type = Tok.NULL; ptr += 4; return; }
                if (cfg.decodeInvalidNumbers != 0 && invalidNumber()) { number(); return; }
            }
            tokenError("invalid token");
        }

        boolean startsWith(String s) {
            for (int i = 0; i < s.length(); i++) if (at(ptr + i) != s.charAt(i)) return false;
            return true;
        }

        boolean startsWithIgnoreCase(int p, String s) {
            for (int i = 0; i < s.length(); i++) if (Character.toLowerCase(at(p + i)) != s.charAt(i)) return false;
            return true;
        }

        /** json_is_invalid_number: what strtod takes but strict JSON does not. */
        boolean invalidNumber() {
            int p = ptr;
            if (at(p) == '+') return true;
            if (at(p) == '-') p++;
            if (at(p) == '0') {
                int c2 = at(p + 1);
                return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
            } else if (at(p) <= '9') {
                return false;
            }
            return startsWithIgnoreCase(p, "inf") || startsWithIgnoreCase(p, "nan");
        }

        void number() {
            Strtod st = new Strtod(data, ptr);
            int end = st.parse();
            if (end == ptr) { tokenError("invalid number"); return; }
            type = Tok.NUMBER;
            value = LuaValue.valueOf(st.value);
            ptr = end;
        }

        void string() {
            ptr++;
            ByteArrayOutputStream tmp = new ByteArrayOutputStream();
            int ch;
            while ((ch = at(ptr)) != '"') {
                if (ch == 0) { tokenError("unexpected end of string"); return; }
                if (ch == '\\') {
                    int e = at(ptr + 1);
                    int c;
                    switch (e) {
                        case '"': c = '"'; break;
                        case '\\': c = '\\'; break;
                        case '/': c = '/'; break;
                        case 'b': c = '\b'; break;
                        case 't': c = '\t'; break;
                        case 'n': c = '\n'; break;
                        case 'f': c = '\f'; break;
                        case 'r': c = '\r'; break;
                        case 'u':
                            if (unicodeEscape(tmp)) continue;
                            tokenError("invalid unicode escape code");
                            return;
                        default: tokenError("invalid escape code"); return;
                    }
                    ptr++;
                    ch = c;
                }
                tmp.write(ch);
                ptr++;
            }
            ptr++;
            type = Tok.STRING;
            value = LuaValue.valueOf(tmp.toByteArray());
        }

        int hex4(int p) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(at(p + i), 16);
                if (d < 0) return -1;
                v = (v << 4) | d;
            }
            return v;
        }

        boolean unicodeEscape(ByteArrayOutputStream tmp) {
            int cp = hex4(ptr + 2);
            if (cp < 0) return false;
            int len = 6;
            if ((cp & 0xF800) == 0xD800) {
                if ((cp & 0x400) != 0) return false;
                if (at(ptr + 6) != '\\' || at(ptr + 7) != 'u') return false;
                int low = hex4(ptr + 8);
                if (low < 0 || (low & 0xFC00) != 0xDC00) return false;
                cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                len = 12;
            }
            if (cp <= 0x7F) {
                tmp.write(cp);
            } else if (cp <= 0x7FF) {
                tmp.write((cp >> 6) | 0xC0);
                tmp.write((cp & 0x3F) | 0x80);
            } else if (cp <= 0xFFFF) {
                tmp.write((cp >> 12) | 0xE0);
                tmp.write(((cp >> 6) & 0x3F) | 0x80);
                tmp.write((cp & 0x3F) | 0x80);
            } else {
                tmp.write((cp >> 18) | 0xF0);
                tmp.write(((cp >> 12) & 0x3F) | 0x80);
                tmp.write(((cp >> 6) & 0x3F) | 0x80);
                tmp.write((cp & 0x3F) | 0x80);
            }
            ptr += len;
            return true;
        }

        org.luaj.vm2.LuaError parseError(String expected) {
            String found = type == Tok.ERROR ? error : "T_" + type.name();
            return f.fail("Expected " + expected + " but found " + found + " at character " + (index + 1));
        }

        void descend() {
            depth++;
            if (depth > cfg.decodeMaxDepth) {
                throw f.fail("Found too many nested data structures (" + depth + ") at character " + ptr);
            }
        }

        /** Parses the value starting at the current token; iterative (nesting costs no Java stack). */
        LuaValue processValue() {
            // Open containers: the table, and for an object the key its next value goes to.
            java.util.ArrayList<LuaTable> tables = new java.util.ArrayList<>();
            java.util.ArrayList<LuaValue> keys = new java.util.ArrayList<>(); // null entry: array
            java.util.ArrayList<int[]> index = new java.util.ArrayList<>();
            while (true) {
                LuaValue v;
                switch (type) {
                    case STRING: case NUMBER: case BOOLEAN: v = value; break;
                    case NULL: v = NULL; break;
                    case OBJ_BEGIN: case ARR_BEGIN: {
                        boolean obj = type == Tok.OBJ_BEGIN;
                        descend();
                        LuaTable t = new LuaTable();
                        next();
                        if (type == (obj ? Tok.OBJ_END : Tok.ARR_END)) {
                            depth--;
                            v = t;
                            break;
                        }
                        tables.add(t);
                        index.add(new int[] {1});
                        if (obj) {
                            keys.add(objectKey());
                        } else {
                            keys.add(null);
                        }
                        continue;
                    }
                    default: throw parseError("value");
                }
                // A complete value: store it in the innermost container, closing those that end.
                while (true) {
                    if (tables.isEmpty()) return v;
                    int top = tables.size() - 1;
                    LuaTable t = tables.get(top);
                    LuaValue key = keys.get(top);
                    if (key == null) t.rawset(index.get(top)[0]++, v);
                    else t.rawset(key, v);
                    next();
                    if (type == (key == null ? Tok.ARR_END : Tok.OBJ_END)) {
                        depth--;
                        tables.remove(top);
                        keys.remove(top);
                        index.remove(top);
                        v = t;
                        continue;
                    }
                    if (type != Tok.COMMA) throw parseError(key == null ? "comma or array end" : "comma or object end");
                    next();
                    if (key != null) keys.set(top, objectKey());
                    break;
                }
            }
        }

        /** At an object key: reads it and the colon, leaves the value's first token current. */
        LuaValue objectKey() {
            if (type != Tok.STRING) throw parseError("object key string");
            LuaValue key = value;
            next();
            if (type != Tok.COLON) throw parseError("colon");
            next();
            return key;
        }
    }
}
