package io.vermilion.persistence.aof;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest of a Redis 7.0 multi-part AOF ({@code <appenddirname>/<appendfilename>.manifest}):
 * one base file, history files waiting for deletion, and incremental files in order. Text format,
 * one file a line: {@code file <name> seq <n> type <b|h|i>}, base first, then history, then incr.
 *
 * <p>File names follow Redis: {@code appendonly.aof.<seq>.base.rdb} (or {@code .base.aof} without
 * the RDB preamble) and {@code appendonly.aof.<seq>.incr.aof}. Instances are edited as copies and
 * swapped in only once persisted, as Redis does.
 */
public final class AofManifest {
    public static final char BASE = 'b', HIST = 'h', INCR = 'i';
    public static final String SUFFIX = ".manifest";

    /** One line of the manifest. */
    public record Info(String name, long seq, char type) {
        Info as(char t) { return new Info(name, seq, t); }
    }

    private Info base;
    private final List<Info> history = new ArrayList<>();
    private final List<Info> incr = new ArrayList<>();
    private long curBaseSeq;
    private long curIncrSeq;
    private boolean dirty;

    public Info base() { return base; }
    public List<Info> history() { return history; }
    public List<Info> incr() { return incr; }
    public boolean dirty() { return dirty; }
    public void clean() { dirty = false; }
    public boolean isEmpty() { return base == null && incr.isEmpty(); }

    public AofManifest copy() {
        AofManifest m = new AofManifest();
        m.base = base;
        m.history.addAll(history);
        m.incr.addAll(incr);
        m.curBaseSeq = curBaseSeq;
        m.curIncrSeq = curIncrSeq;
        m.dirty = dirty;
        return m;
    }

    /** The manifest text. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        if (base != null) line(sb, base);
        for (Info i : history) line(sb, i);
        for (Info i : incr) line(sb, i);
        return sb.toString();
    }

    private static void line(StringBuilder sb, Info i) {
        sb.append("file ").append(repr(i.name())).append(" seq ").append(i.seq()).append(" type ").append(i.type()).append('\n');
    }

    /**
     * Names with spaces, quotes or control characters are written quoted, as sdscatrepr. A name
     * holds one char per byte (ISO-8859-1, as the manifest is read and written), so a byte above
     * 0x7f is one {@code \\xNN} escape, and the text parses back to the same name.
     */
    private static String repr(String name) {
        boolean needs = name.isEmpty();
        for (char c : name.toCharArray()) {
            if (c <= ' ' || c >= 127 || c == '"' || c == '\'' || c == '\\') needs = true;
        }
        if (!needs) return name;
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : name.getBytes(StandardCharsets.ISO_8859_1)) {
            int c = b & 0xff;
            switch (c) {
                case '\\': sb.append("\\\\"); break;
                case '"': sb.append("\\\""); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case 7: sb.append("\\a"); break;
                case 8: sb.append("\\b"); break;
                default:
                    if (c >= 32 && c < 127) sb.append((char) c);
                    else sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append('"').toString();
    }

    /** Parses a manifest with Redis's checks and error texts. */
    public static AofManifest parse(String text) throws AofException {
        AofManifest m = new AofManifest();
        long maxSeq = 0;
        int lineNo = 0;
        String[] lines = text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) n--; // text ends with a newline
        if (n == 0) throw new AofException("Found an empty AOF manifest");
        for (int li = 0; li < n; li++) {
            String raw = lines[li];
            lineNo++;
            if (raw.startsWith("#")) continue;
            boolean lastWithoutNewline = li == n - 1 && !text.endsWith("\n");
            if (raw.length() > 1024 || lastWithoutNewline) {
                throw new AofException(where(lineNo, raw) + "The AOF manifest file contains too long line");
            }
            String line = raw.strip();
            if (line.isEmpty()) throw new AofException(where(lineNo, line) + "Invalid AOF manifest file format");
            List<String> argv = split(line);
            if (argv == null || argv.size() < 6 || argv.size() % 2 != 0) {
                throw new AofException(where(lineNo, line) + "Invalid AOF manifest file format");
            }
            String name = null;
            long seq = 0;
            char type = 0;
            for (int i = 0; i < argv.size(); i += 2) {
                String k = argv.get(i), v = argv.get(i + 1);
                if (k.equalsIgnoreCase("file")) {
                    name = v;
                    if (v.contains("/")) throw new AofException(where(lineNo, line) + "File can't be a path, just a filename");
                } else if (k.equalsIgnoreCase("seq")) {
                    seq = atoll(v);
                } else if (k.equalsIgnoreCase("type")) {
                    type = v.isEmpty() ? 0 : v.charAt(0);
                }
            }
            if (name == null || seq == 0 || type == 0) {
                throw new AofException(where(lineNo, line) + "Invalid AOF manifest file format");
            }
            Info info = new Info(name, seq, type);
            if (type == BASE) {
                if (m.base != null) throw new AofException(where(lineNo, line) + "Found duplicate base file information");
                m.base = info;
                m.curBaseSeq = seq;
            } else if (type == HIST) {
                m.history.add(info);
            } else if (type == INCR) {
                if (seq <= maxSeq) throw new AofException(where(lineNo, line) + "Found a non-monotonic sequence number");
                m.incr.add(info);
                m.curIncrSeq = seq;
                maxSeq = seq;
            } else {
                throw new AofException(where(lineNo, line) + "Unknown AOF file type");
            }
        }
        return m;
    }

    private static String where(int lineNo, String line) {
        return "Reading the manifest file, at line " + lineNo + " >>> '" + line + "': ";
    }

    private static long atoll(String s) {
        int i = 0;
        boolean neg = false;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) neg = s.charAt(i++) == '-';
        long v = 0;
        for (; i < s.length() && Character.isDigit(s.charAt(i)); i++) v = v * 10 + (s.charAt(i) - '0');
        return neg ? -v : v;
    }

    /** sdssplitargs: spaces separate, double quotes with escapes, single quotes; null on bad quoting. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        int i = 0, n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            if (i >= n) return out;
            StringBuilder cur = new StringBuilder();
            char q = 0;
            while (i < n) {
                char c = line.charAt(i);
                if (q == '"') {
                    if (c == '\\' && i + 1 < n) {
                        char e = line.charAt(++i);
                        if (e == 'x' && i + 2 < n && isHex(line.charAt(i + 1)) && isHex(line.charAt(i + 2))) {
                            cur.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
                            i += 2;
                        } else {
                            cur.append(switch (e) { case 'n' -> '\n'; case 'r' -> '\r'; case 't' -> '\t';
                                case 'b' -> '\b'; case 'a' -> (char) 7; default -> e; });
                        }
                    } else if (c == '"') {
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) return null;
                        q = 0;
                        i++;
                        break;
                    } else {
                        cur.append(c);
                    }
                } else if (q == '\'') {
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        cur.append('\'');
                        i++;
                    } else if (c == '\'') {
                        if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) return null;
                        q = 0;
                        i++;
                        break;
                    } else {
                        cur.append(c);
                    }
                } else if (Character.isWhitespace(c)) {
                    break;
                } else if (c == '"' || c == '\'') {
                    q = c;
                } else {
                    cur.append(c);
                }
                i++;
            }
            if (q != 0) return null;
            out.add(cur.toString());
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    // ------------------------------------------------------------------ edits (Redis's naming rules)

    /** A new base file name; the current base (if any) becomes history. */
    public String newBase(String aofFilename, boolean rdbPreamble) {
        if (base != null) history.add(0, base.as(HIST));
        base = new Info(aofFilename + "." + (++curBaseSeq) + ".base" + (rdbPreamble ? ".rdb" : ".aof"), curBaseSeq, BASE);
        dirty = true;
        return base.name();
    }

    /** A new incr file appended to the list. */
    public String newIncr(String aofFilename) {
        Info i = new Info(aofFilename + "." + (++curIncrSeq) + ".incr.aof", curIncrSeq, INCR);
        incr.add(i);
        dirty = true;
        return i.name();
    }

    /** The last incr file, or a new one if there is none. */
    public String lastIncr(String aofFilename) {
        return incr.isEmpty() ? newIncr(aofFilename) : incr.get(incr.size() - 1).name();
    }

    /** After a rewrite: every incr file but the one being written (if any) becomes history. */
    public void markRewrittenIncrAsHistory(boolean keepLast) {
        if (incr.isEmpty()) return;
        int keep = keepLast ? 1 : 0;
        while (incr.size() > keep) {
            Info i = incr.remove(incr.size() - 1 - keep);
            history.add(0, i.as(HIST));
        }
        dirty = true;
    }

    /** Forgets the history files (after deleting them). */
    public void clearHistory() {
        if (!history.isEmpty()) dirty = true;
        history.clear();
    }

    /** A manifest with just {@code name} as base (upgrade of an old single-file AOF). */
    public static AofManifest upgraded(String name) {
        AofManifest m = new AofManifest();
        m.base = new Info(name, 1, BASE);
        m.curBaseSeq = 1;
        m.dirty = true;
        return m;
    }
}
