package io.vermilion.protocol;

/**
 * Redis 7.0's reply texts for errors shared by many commands, in one place so that they stay
 * exact (differential tests compare them byte for byte).
 */
public final class Errors {
    private Errors() {}

    public static final String WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
    public static final String SYNTAX = "ERR syntax error";
    public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    public static final String NOT_FLOAT = "ERR value is not a valid float";
    public static final String OVERFLOW = "ERR increment or decrement would overflow";
    public static final String NO_SUCH_KEY = "ERR no such key";
    public static final String DB_INDEX = "ERR DB index is out of range";
    public static final String SAME_OBJECT = "ERR source and destination objects are the same";
    public static final String NOAUTH = "NOAUTH Authentication required.";
    public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    public static final String OFFSET_OUT_OF_RANGE = "ERR offset is out of range";

    public static String invalidExpire(String cmd) {
        return "ERR invalid expire time in '" + cmd + "' command";
    }

    public static String wrongArgs(String cmd) {
        return "ERR wrong number of arguments for '" + cmd + "' command";
    }

    public static String unknownSubcommand(String sub, String cmd) {
        return "ERR unknown subcommand '" + sub + "'. Try " + cmd.toUpperCase() + " HELP.";
    }
}
