package io.vermilion.pubsub;

/**
 * Keyspace notification classes, with Redis 7.0's bit values (server.h NOTIFY_*), and the
 * parsing of {@code notify-keyspace-events}. Command families report events with
 * {@code c.server().notify(Events.STRING, "set", key, c.dbIndex())}; the call costs one int test
 * when the class is off.
 */
public final class Events {
    private Events() {}

    public static final int KEYSPACE = 1, KEYEVENT = 1 << 1, GENERIC = 1 << 2, STRING = 1 << 3, LIST = 1 << 4,
            SET = 1 << 5, HASH = 1 << 6, ZSET = 1 << 7, EXPIRED = 1 << 8, EVICTED = 1 << 9, STREAM = 1 << 10,
            KEY_MISS = 1 << 11, LOADED = 1 << 12, MODULE = 1 << 13, NEW = 1 << 14;
    /** 'A': every class but key-miss and new. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    /** The classes of a notify-keyspace-events value (already validated by the config layer). */
    public static int parse(String classes) {
        int f = 0;
        for (int i = 0; i < classes.length(); i++) {
            f |= switch (classes.charAt(i)) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> 0;
            };
        }
        return f;
    }
}
