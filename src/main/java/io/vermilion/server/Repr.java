package io.vermilion.server;

/** Redis's sdscatrepr: a double-quoted, escaped rendering of bytes (MONITOR, CLIENT LIST). */
public final class Repr {
    private Repr() {}

    public static String quote(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 2);
        sb.append('"');
        for (byte x : b) {
            int c = x & 0xFF;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case 7: sb.append("\\a"); break;
                case '\b': sb.append("\\b"); break;
                default:
                    if (c >= 32 && c < 127) sb.append((char) c);
                    else sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append('"').toString();
    }
}
