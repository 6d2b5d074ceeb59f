package io.vermilion.it.diff;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses diff scripts: one case per line, arguments split the way redis-cli and redis.conf split
 * them, optional {@code ~marker} prefix, and {@code !inline} / {@code !raw} forms. The syntax is
 * documented in {@code src/it/resources/diff/README.md}.
 *
 * <p>Works on bytes (files are UTF-8) so that any byte sequence can be expressed, and a bad line
 * becomes an {@link DiffCase.Kind#INVALID} case rather than an exception, so one typo fails one
 * test instead of hiding a whole run.
 */
public final class ScriptParser {
    private ScriptParser() {}

    /** Thrown for a line whose quoting is broken. */
    public static final class SyntaxException extends IllegalArgumentException {
        public SyntaxException(String message) {
            super(message);
        }
    }

    /** Parses a whole script file's bytes into cases (comments and blank lines are dropped). */
    public static List<DiffCase> parse(String file, byte[] content) {
        List<DiffCase> cases = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start <= content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') end++;
            lineNo++;
            int stop = end;
            if (stop > start && content[stop - 1] == '\r') stop--;
            DiffCase c = parseLine(file, lineNo, Arrays.copyOfRange(content, start, stop));
            if (c != null) cases.add(c);
            if (end == content.length) break;
            start = end + 1;
        }
        return cases;
    }

    /** Parses one line; returns null for blank lines and comments. */
    public static DiffCase parseLine(String file, int lineNo, byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8).strip();
        int i = skipSpace(line, 0);
        if (i == line.length || line[i] == '#') return null;
        // "@N " selects the file's N-th connection (multi-connection cases: Pub/Sub).
        if (line[i] == '@') {
            int e = tokenEnd(line, i);
            String n = new String(line, i + 1, e - i - 1, StandardCharsets.UTF_8);
            if (n.length() != 1 || n.charAt(0) < '1' || n.charAt(0) > '9') {
                return invalid(file, lineNo, text, "connection prefix must be @1..@9");
            }
            byte[] rest = Arrays.copyOfRange(line, skipSpace(line, e), line.length);
            if (rest.length == 0) return invalid(file, lineNo, text, "connection prefix without a command");
            DiffCase c = parseLine(file, lineNo, rest);
            if (c == null) return invalid(file, lineNo, text, "connection prefix without a command");
            if (c.kind() == DiffCase.Kind.INVALID || c.kind() == DiffCase.Kind.SLEEP) return c;
            return new DiffCase(file, lineNo, text, c.kind(), c.marker(), c.args(), c.payload(), c.sleepMs(),
                    c.error(), n.charAt(0) - '0');
        }
        Marker marker = Marker.EXACT;
        if (line[i] == '~') {
            int e = tokenEnd(line, i);
            String name = new String(line, i + 1, e - i - 1, StandardCharsets.UTF_8);
            i = skipSpace(line, e);
            if (name.equals("sleep")) {
                String rest = new String(line, i, line.length - i, StandardCharsets.UTF_8).strip();
                try {
                    long ms = Long.parseLong(rest);
                    if (ms < 0 || ms > 60_000) throw new NumberFormatException();
                    return new DiffCase(file, lineNo, text, DiffCase.Kind.SLEEP, Marker.EXACT, List.of(), null, ms, null);
                } catch (NumberFormatException ex) {
                    return invalid(file, lineNo, text, "~sleep needs one number of milliseconds (0..60000)");
                }
            }
            marker = Marker.fromPrefix(name);
            if (marker == null) return invalid(file, lineNo, text, "unknown marker ~" + name);
            if (i == line.length) return invalid(file, lineNo, text, "marker without a command");
        }
        try {
            if (line[i] == '!') {
                int e = tokenEnd(line, i);
                String form = new String(line, i, e - i, StandardCharsets.UTF_8);
                switch (form) {
                    case "!next" -> {
                        if (skipSpace(line, e) != line.length) return invalid(file, lineNo, text, "!next takes no argument");
                        if (marker == Marker.NOREPLY) return invalid(file, lineNo, text, "!next reads a frame: ~noreply makes no sense");
                        return new DiffCase(file, lineNo, text, DiffCase.Kind.NEXT, marker, List.of(), null, 0, null);
                    }
                    case "!inline" -> {
                        // Everything after the single separating space is sent verbatim, so inline
                        // quoting and odd spacing reach the server untouched.
                        int from = Math.min(line.length, e + 1);
                        byte[] body = Arrays.copyOfRange(line, from, line.length);
                        byte[] payload = Arrays.copyOf(body, body.length + 2);
                        payload[body.length] = '\r';
                        payload[body.length + 1] = '\n';
                        return new DiffCase(file, lineNo, text, DiffCase.Kind.INLINE, marker, List.of(), payload, 0, null);
                    }
                    case "!raw" -> {
                        List<byte[]> parts = splitArgs(Arrays.copyOfRange(line, e, line.length));
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        for (byte[] p : parts) b.write(p, 0, p.length);
                        if (b.size() == 0) return invalid(file, lineNo, text, "!raw needs bytes to send");
                        return new DiffCase(file, lineNo, text, DiffCase.Kind.RAW, marker, List.of(), b.toByteArray(), 0, null);
                    }
                    default -> {
                        return invalid(file, lineNo, text, "unknown form " + form + " (use !inline, !raw or !next)");
                    }
                }
            }
            List<byte[]> args = splitArgs(Arrays.copyOfRange(line, i, line.length));
            return new DiffCase(file, lineNo, text, DiffCase.Kind.COMMAND, marker, List.copyOf(args), null, 0, null);
        } catch (SyntaxException ex) {
            return invalid(file, lineNo, text, ex.getMessage());
        }
    }

    private static DiffCase invalid(String file, int lineNo, String text, String why) {
        return new DiffCase(file, lineNo, text, DiffCase.Kind.INVALID, Marker.EXACT, List.of(), null, 0, why);
    }

    /**
     * Splits a line into arguments with redis-cli / redis.conf rules: whitespace separates;
     * double quotes allow {@code \xHH}, {@code \n \r \t \b \a} and {@code \<any>}; single quotes
     * allow only {@code \'}; a closing quote must be followed by whitespace or end of line.
     * A quote that opens inside an unquoted word continues that word, as in redis.
     */
    public static List<byte[]> splitArgs(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int n = line.length;
        int i = 0;
        while (true) {
            i = skipSpace(line, i);
            if (i == n) return out;
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean dq = false;
            boolean sq = false;
            boolean done = false;
            while (!done) {
                if (dq) {
                    if (i == n) throw new SyntaxException("unbalanced double quotes");
                    int c = line[i] & 0xff;
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
                        cur.write(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        int e = line[i] & 0xff;
                        cur.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            throw new SyntaxException("closing double quote must be followed by a space");
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else if (sq) {
                    if (i == n) throw new SyntaxException("unbalanced single quotes");
                    int c = line[i] & 0xff;
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line[i + 1])) {
                            throw new SyntaxException("closing single quote must be followed by a space");
                        }
                        done = true;
                    } else {
                        cur.write(c);
                    }
                } else {
                    if (i == n) break;
                    int c = line[i] & 0xff;
                    if (isSpace((byte) c) || c == 0) {
                        done = true;
                    } else if (c == '"') {
                        dq = true;
                    } else if (c == '\'') {
                        sq = true;
                    } else {
                        cur.write(c);
                    }
                }
                if (i < n) i++;
            }
            out.add(cur.toByteArray());
        }
    }

    private static int skipSpace(byte[] line, int i) {
        while (i < line.length && isSpace(line[i])) i++;
        return i;
    }

    private static int tokenEnd(byte[] line, int i) {
        while (i < line.length && !isSpace(line[i])) i++;
        return i;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        return b - 'A' + 10;
    }
}
