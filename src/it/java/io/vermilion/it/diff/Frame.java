package io.vermilion.it.diff;

import java.util.List;

/**
 * One complete RESP reply as read off the wire.
 *
 * @param type     the RESP type byte ({@code + - : $ * _ , # ! = ( % ~ > |})
 * @param length   for aggregates the element count (pairs for maps and attributes), for bulk-like
 *                 types the payload length, {@code -1} for RESP2 nulls, {@link #NO_LENGTH} for
 *                 line types
 * @param raw      the exact bytes of the whole reply, including nested elements and CRLFs
 * @param children nested replies of aggregates in wire order (for maps: key, value, key, ...;
 *                 for an attribute: its pairs followed by the reply it decorates)
 */
public record Frame(byte type, long length, byte[] raw, List<Frame> children) {
    public static final long NO_LENGTH = -2;

    public boolean isAggregate() {
        return type == '*' || type == '~' || type == '>' || type == '%' || type == '|';
    }

    /** True for replies whose elements come in key/value pairs. */
    public boolean isPaired() {
        return type == '%' || type == '|';
    }
}
