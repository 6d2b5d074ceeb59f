package io.vermilion.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * string.format as C Lua 5.1 does it (printf conversions with flags, width and precision);
 * luaj 3.0.1's own ignores width and precision of %f and friends.
 */
final class StringFormat extends VarArgFunction {
    @Override public Varargs invoke(Varargs a) {
        LuaString fmt = a.checkstring(1);
        byte[] f = LuaConv.bytesOf(fmt);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int arg = 1;
        for (int i = 0; i < f.length; i++) {
            byte ch = f[i];
            if (ch != '%') { out.write(ch); continue; }
            if (++i >= f.length) throw new LuaError("invalid option '%' to 'format'");
            if (f[i] == '%') { out.write('%'); continue; }
            int start = i;
            while (i < f.length && "-+ #0".indexOf(f[i]) >= 0) i++;
            while (i < f.length && Character.isDigit(f[i])) i++;
            if (i < f.length && f[i] == '.') { i++; while (i < f.length && Character.isDigit(f[i])) i++; }
            if (i >= f.length) throw new LuaError("invalid option '%' to 'format'");
            String spec = new String(f, start, i - start, java.nio.charset.StandardCharsets.ISO_8859_1);
            char conv = (char) f[i];
            arg++;
            String s;
            switch (conv) {
                case 'd': case 'i':
                    s = String.format("%" + spec + "d", (long) a.checkdouble(arg));
                    break;
                case 'u':
                    s = String.format("%" + spec + "d", (long) a.checkdouble(arg));
                    break;
                case 'c':
                    out.write((int) a.checkdouble(arg));
                    continue;
                case 'x': case 'X': case 'o':
                    s = String.format("%" + spec + conv, (long) a.checkdouble(arg));
                    break;
                case 'e': case 'E': case 'f':
                    s = String.format(java.util.Locale.ROOT, "%" + spec + conv, a.checkdouble(arg));
                    break;
                case 'g': case 'G': {
                    int dot = spec.indexOf('.');
                    int prec = dot >= 0 ? (dot + 1 < spec.length() ? Integer.parseInt(spec.substring(dot + 1)) : 0) : 6;
                    double d = a.checkdouble(arg);
                    String g = Double.isNaN(d) ? "nan" : Double.isInfinite(d) ? (d > 0 ? "inf" : "-inf")
                            : io.vermilion.util.Numbers.formatG(d, Math.max(prec, 1));
                    if (conv == 'G') g = g.toUpperCase(java.util.Locale.ROOT);
                    String w = dot >= 0 ? spec.substring(0, dot) : spec;
                    boolean left = w.contains("-");
                    String digits = w.replaceAll("[^0-9]", "");
                    int width = digits.isEmpty() ? 0 : Integer.parseInt(digits);
                    StringBuilder sb = new StringBuilder(g);
                    while (sb.length() < width) { if (left) sb.append(' '); else sb.insert(0, ' '); }
                    s = sb.toString();
                    break;
                }
                case 'q': {
                    byte[] b = LuaConv.bytesOf(a.checkstring(arg));
                    out.write('"');
                    for (byte x : b) {
                        if (x == '"' || x == '\\' || x == '\n') { out.write('\\'); out.write(x); }
                        else if (x == '\r') { out.write('\\'); out.write('r'); }
                        else if (x == 0) { out.write('\\'); out.write('0'); out.write('0'); out.write('0'); }
                        else out.write(x);
                    }
                    out.write('"');
                    continue;
                }
                case 's': {
                    LuaValue v = a.arg(arg);
                    LuaValue str = v.type() == LuaValue.TNUMBER ? LuaValue.valueOf(LuaEngine.number14g(v.todouble())) : v.tostring();
                    if (str.isnil()) str = LuaValue.valueOf(v.tojstring());
                    byte[] b = LuaConv.bytesOf(str.checkstring());
                    if (spec.isEmpty()) { out.write(b, 0, b.length); continue; }
                    int dot = spec.indexOf('.');
                    if (dot >= 0 && dot + 1 < spec.length()) {
                        int p = Integer.parseInt(spec.substring(dot + 1));
                        if (p < b.length) b = java.util.Arrays.copyOf(b, p);
                    }
                    String w = dot >= 0 ? spec.substring(0, dot) : spec;
                    boolean left = w.contains("-");
                    String digits = w.replaceAll("[^0-9]", "");
                    int width = digits.isEmpty() ? 0 : Integer.parseInt(digits);
                    if (!left) for (int k = b.length; k < width; k++) out.write(' ');
                    out.write(b, 0, b.length);
                    if (left) for (int k = b.length; k < width; k++) out.write(' ');
                    continue;
                }
                default:
                    throw new LuaError("invalid option '%" + conv + "' to 'format'");
            }
            byte[] sb = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            out.write(sb, 0, sb.length);
        }
        return LuaValue.valueOf(out.toByteArray());
    }
}
