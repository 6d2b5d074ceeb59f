package io.vermilion.it.diff;

import java.util.Locale;

/**
 * How a case's two replies are compared. The default is {@link #EXACT}; every other value is a
 * declared, documented exception written as a {@code ~name} prefix on the script line. The set is
 * kept small on purpose: each one weakens the check.
 */
public enum Marker {
    /** The raw reply bytes must be identical. */
    EXACT,
    /** Only the RESP type byte must match. */
    TYPE,
    /** Same type byte, and the same element count (aggregates) or payload length (bulk-like). */
    LEN,
    /** Both replies are RESP integers; values may differ (ids, clocks, counts). */
    INT,
    /** Equal after sorting the elements of every aggregate, recursively (KEYS/SCAN order). */
    SORTED,
    /** Both servers replied with one complete reply; its content is not compared. */
    ANY,
    /** Send only: no reply is read (CLIENT REPLY OFF/SKIP, incomplete raw input). */
    NOREPLY;

    /** The marker for prefix {@code ~name}, or null if unknown ({@code ~sleep} is not a marker). */
    public static Marker fromPrefix(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "type" -> TYPE;
            case "len" -> LEN;
            case "int" -> INT;
            case "sorted" -> SORTED;
            case "any" -> ANY;
            case "noreply" -> NOREPLY;
            default -> null;
        };
    }

    public String prefix() {
        return this == EXACT ? "(exact)" : "~" + name().toLowerCase(Locale.ROOT);
    }
}
