package io.vermilion.commands;

import io.vermilion.protocol.Errors;
import io.vermilion.server.Client;
import io.vermilion.util.Numbers;
import java.nio.charset.StandardCharsets;

/**
 * Argument helpers shared by command families: parsing numbers with Redis's error replies, and
 * case-insensitive option matching without allocating Strings.
 */
public final class Args {
    private Args() {}

    /** Thrown-free parse result holder; each command thread call reuses nothing, so this is per call. */
    public static final long INVALID = Long.MIN_VALUE;

    /** True if arg equals the ASCII option (given in lower case), ignoring case. */
    public static boolean is(byte[] arg, String lowerOption) {
        int n = lowerOption.length();
        if (arg.length != n) return false;
        for (int i = 0; i < n; i++) {
            int c = arg[i];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != lowerOption.charAt(i)) return false;
        }
        return true;
    }

    /**
     * Parses a long or replies "ERR value is not an integer or out of range" and returns null.
     */
    public static Long longOrReply(Client c, byte[] arg) {
        return longOrReply(c, arg, Errors.NOT_INTEGER);
    }

    public static Long longOrReply(Client c, byte[] arg, String error) {
        long[] v = new long[1];
        if (!Numbers.parseLong(arg, v)) {
            c.server().error(c, error);
            return null;
        }
        return v[0];
    }

    /** Parses a double (Redis's getDoubleFromObject) or replies "ERR value is not a valid float". */
    public static Double doubleOrReply(Client c, byte[] arg) {
        double d = Numbers.parseDouble(arg);
        if (Double.isNaN(d)) {
            c.server().error(c, Errors.NOT_FLOAT);
            return null;
        }
        return d;
    }

    public static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    public static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** One byte per char (the inverse of {@link #latin1}). */
    public static byte[] latin1Bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * "unknown subcommand or wrong number of arguments" for a subcommand whose own argument
     * checks failed (Redis's addReplySubcommandSyntaxError).
     */
    public static void subcommandSyntaxError(Client c, byte[][] argv) {
        String sub = latin1(argv[1]);
        if (sub.length() > 128) sub = sub.substring(0, 128);
        error(c, "ERR unknown subcommand or wrong number of arguments for '" + sub + "'. Try "
                + upper(argv[0]) + " HELP.");
    }

    /** A HELP reply as Redis's addReplyHelp: a header, the given lines, then HELP itself, as status replies. */
    public static void help(Client c, byte[][] argv, String... lines) {
        String cmd = upper(argv[0]);
        c.reply().array(lines.length + 3);
        c.reply().simple(cmd + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) c.reply().simple(l);
        c.reply().simple("HELP");
        c.reply().simple("    Prints this help.");
    }

    /** ASCII upper case of an argument (as sdstoupper). */
    public static String upper(byte[] b) {
        char[] cs = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            int ch = b[i] & 0xFF;
            if (ch >= 'a' && ch <= 'z') ch -= 32;
            cs[i] = (char) ch;
        }
        return new String(cs);
    }

    /** Parses a long within [min, max] or replies "ERR " + msg (Redis's getRangeLongFromObjectOrReply). */
    public static Long rangeOrReply(Client c, byte[] arg, long min, long max, String msg) {
        long[] v = new long[1];
        if (!Numbers.parseLong(arg, v) || v[0] < min || v[0] > max) {
            error(c, msg);
            return null;
        }
        return v[0];
    }

    /** Replies an error through the server so that it is counted in errorstats. */
    public static void error(Client c, String msg) {
        c.server().error(c, msg);
    }
}
