package io.vermilion.config;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a configuration line into arguments with redis-server's quoting rules, and quotes a
 * value back so that splitting it yields the value again.
 *
 * <p>Rules (Redis 7.0 {@code sdssplitargs}): arguments are separated by blanks; inside double
 * quotes {@code \n \r \t \b \a} and {@code \xHH} are decoded and any other backslashed character
 * stands for itself; inside single quotes only {@code \'} is an escape. A closing quote must be
 * followed by a blank or the end of the line, otherwise the line is malformed. Quotes may start in
 * the middle of a word ({@code a"b c"} is the single argument {@code ab c}).
 */
public final class ArgSplitter {
    private ArgSplitter() {}

    /**
     * Splits {@code line}. Returns the arguments (possibly none), or {@code null} when quotes are
     * unbalanced or a closing quote is followed by something other than a blank.
     */
    public static List<String> split(CharSequence line) {
        List<String> args = new ArrayList<>();
        int i = 0;
        while (true) {
            while (at(line, i) != 0 && isSpace(at(line, i))) i++;
            if (at(line, i) == 0) return args;
            StringBuilder arg = new StringBuilder();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                char c = at(line, i);
                if (inDouble) {
                    if (c == '\\' && at(line, i + 1) == 'x' && isHex(at(line, i + 2)) && isHex(at(line, i + 3))) {
                        arg.append((char) (Character.digit(at(line, i + 2), 16) * 16 + Character.digit(at(line, i + 3), 16)));
                        i += 3;
                    } else if (c == '\\' && at(line, i + 1) != 0) {
                        i++;
                        arg.append(unescape(at(line, i)));
                    } else if (c == '"') {
                        char next = at(line, i + 1);
                        if (next != 0 && !isSpace(next)) return null;
                        done = true;
                    } else if (c == 0) {
                        return null;
                    } else {
                        arg.append(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && at(line, i + 1) == '\'') {
                        i++;
                        arg.append('\'');
                    } else if (c == '\'') {
                        char next = at(line, i + 1);
                        if (next != 0 && !isSpace(next)) return null;
                        done = true;
                    } else if (c == 0) {
                        return null;
                    } else {
                        arg.append(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> arg.append(c);
                    }
                }
                if (at(line, i) != 0) i++;
            }
            args.add(arg.toString());
        }
    }

    /**
     * Quotes {@code s} the way Redis writes strings into a rewritten config file: in double
     * quotes, with backslash escapes for quotes, backslashes and control characters and
     * {@code \xHH} for any other non-printable byte.
     */
    public static String repr(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '\\', '"' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        out.append(c);
                    } else if (c <= 0xff) {
                        appendHex(out, c);
                    } else {
                        // Not a byte: should not happen for byte strings, but keep it lossless.
                        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) appendHex(out, b & 0xff);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void appendHex(StringBuilder out, int b) {
        out.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
    }

    private static char unescape(char c) {
        return switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'b' -> '\b';
            case 'a' -> (char) 7;
            default -> c;
        };
    }

    /** The C locale's isspace: space, \t, \n, \v, \f, \r. */
    static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Character at {@code i}, or 0 past the end (C strings end at NUL, and so does parsing). */
    private static char at(CharSequence s, int i) {
        return i < s.length() ? s.charAt(i) : 0;
    }
}
