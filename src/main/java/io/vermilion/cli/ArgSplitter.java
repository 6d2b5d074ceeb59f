package io.vermilion.cli;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a typed command line into binary arguments with redis-cli's rules (those of redis's
 * {@code sdssplitargs}):
 *
 * <ul>
 *   <li>arguments are separated by blanks;</li>
 *   <li>{@code "double quotes"} understand {@code \xHH}, {@code \n \r \t \b \a} and
 *       {@code \<any>} (the character itself);</li>
 *   <li>{@code 'single quotes'} understand only {@code \'};</li>
 *   <li>a closing quote must be followed by a blank or the end of the line, and an unterminated
 *       quote is an error.</li>
 * </ul>
 *
 * A NUL byte ends the line, as it does for the C original.
 */
public final class ArgSplitter {
    private ArgSplitter() {}

    /** The arguments, or {@code null} if the quoting is invalid. An empty line gives an empty list. */
    public static List<byte[]> split(byte[] line) {
        List<byte[]> args = new ArrayList<>();
        int p = 0;
        int end = line.length;
        for (int i = 0; i < line.length; i++) {
            if (line[i] == 0) {
                end = i;
                break;
            }
        }
        while (true) {
            while (p < end && isSpace(line[p])) p++;
            if (p >= end) return args;
            ByteArrayOutputStream cur = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                int c = p < end ? line[p] & 0xff : 0;
                if (inDouble) {
                    if (c == '\\' && at(line, end, p + 1) == 'x' && isHex(at(line, end, p + 2)) && isHex(at(line, end, p + 3))) {
                        cur.write(hex(at(line, end, p + 2)) * 16 + hex(at(line, end, p + 3)));
                        p += 3;
                    } else if (c == '\\' && p + 1 < end) {
                        p++;
                        int e = line[p] & 0xff;
                        cur.write(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (p + 1 < end && !isSpace(line[p + 1])) return null;
                        done = true;
                    } else if (c == 0) {
                        return null; // unterminated quotes
                    } else {
                        cur.write(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && at(line, end, p + 1) == '\'') {
                        p++;
                        cur.write('\'');
                    } else if (c == '\'') {
                        if (p + 1 < end && !isSpace(line[p + 1])) return null;
                        done = true;
                    } else if (c == 0) {
                        return null;
                    } else {
                        cur.write(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> cur.write(c);
                    }
                }
                if (p < end) p++;
            }
            args.add(cur.toByteArray());
        }
    }

    private static int at(byte[] b, int end, int i) {
        return i < end ? b[i] & 0xff : 0;
    }

    /** C's isspace in the C locale. */
    static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return c - 'A' + 10;
    }
}
