package io.vermilion.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one line into arguments with the rules Redis uses for its config files (and so for
 * nodes.conf lines): whitespace separates arguments; "double quotes" allow the escapes
 * {@code \n \r \t \b \a \xHH} and {@code \<any>}; 'single quotes' allow only {@code \'}; a closing
 * quote must be followed by whitespace or the end of the line.
 */
final class ConfigArgs {
    private ConfigArgs() {}

    /** @return the arguments, or {@code null} when quotes are unbalanced or misplaced */
    static List<String> split(String line) {
        // A NUL ends the line for Redis's C parser; do the same.
        int nul = line.indexOf('\0');
        if (nul >= 0) line = line.substring(0, nul);
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && isSpace(line.charAt(i))) i++;
            if (i >= n) return out;
            StringBuilder cur = new StringBuilder();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (i >= n) return null; // unterminated "..."
                    char c = line.charAt(i);
                    if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x'
                            && isHex(line.charAt(i + 2)) && isHex(line.charAt(i + 3))) {
                        cur.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        char e = line.charAt(i);
                        switch (e) {
                            case 'n' -> cur.append('\n');
                            case 'r' -> cur.append('\r');
                            case 't' -> cur.append('\t');
                            case 'b' -> cur.append('\b');
                            case 'a' -> cur.append((char) 7);
                            default -> cur.append(e);
                        }
                    } else if (c == '"') {
                        // The closing quote must end the argument.
                        if (i + 1 < n && !isSpace(line.charAt(i + 1))) return null;
                        done = true;
                    } else {
                        cur.append(c);
                    }
                } else if (inSingle) {
                    if (i >= n) return null;
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
                        i++;
                        cur.append('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isSpace(line.charAt(i + 1))) return null;
                        done = true;
                    } else {
                        cur.append(c);
                    }
                } else {
                    if (i >= n) {
                        done = true;
                        continue;
                    }
                    char c = line.charAt(i);
                    // Redis ends an unquoted argument only at these four, not at \v or \f.
                    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                        done = true;
                    } else if (c == '"') {
                        inDouble = true;
                    } else if (c == '\'') {
                        inSingle = true;
                    } else {
                        cur.append(c);
                    }
                }
                if (i < n) i++;
            }
            out.add(cur.toString());
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
