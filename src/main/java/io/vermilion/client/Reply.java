package io.vermilion.client;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One decoded RESP2 or RESP3 reply.
 *
 * <p>Binary payloads (simple strings, errors, bulk strings, verbatim strings) are kept as
 * {@code byte[]} because keys and values are arbitrary bytes; helpers such as {@link #asString()}
 * decode them as UTF-8 only when the caller asks. For speed the arrays are not copied: a reply
 * shares them with whoever built it, and callers must treat them as read-only. The RESP2 null bulk string ({@code $-1}) and null
 * array ({@code *-1}) are kept distinct from the RESP3 null ({@code _}) so that a reply can be
 * re-encoded or rendered exactly as it arrived; {@link #isNull()} treats all three alike.
 *
 * <p>Note that several nested type names ({@code Integer}, {@code Double}, {@code Boolean},
 * {@code Map}, {@code Set}, {@code Error}) intentionally mirror the RESP3 type names and shadow the
 * {@code java.lang}/{@code java.util} ones inside this file; outside it they are written
 * {@code Reply.Integer} and so on.
 */
public sealed interface Reply {

    /** {@code +OK}: a status line. */
    record SimpleString(byte[] value) implements Reply {
        @Override public boolean equals(Object o) {
            return o instanceof SimpleString s && Arrays.equals(value, s.value);
        }
        @Override public int hashCode() { return Arrays.hashCode(value); }
        @Override public String toString() { return "SimpleString[" + asString() + "]"; }
    }

    /** {@code -ERR ...} or the RESP3 blob error {@code !len}: an error reply, never thrown by the reader. */
    record Error(byte[] message) implements Reply {
        /** The whole message decoded as UTF-8, e.g. {@code "ERR unknown command ..."}. */
        public String text() { return new String(message, StandardCharsets.UTF_8); }
        /** The first word of the message, the error code by convention ({@code ERR}, {@code MOVED}, ...). */
        public String code() {
            String t = text();
            int sp = t.indexOf(' ');
            return sp < 0 ? t : t.substring(0, sp);
        }
        @Override public boolean equals(Object o) { return o instanceof Error e && Arrays.equals(message, e.message); }
        @Override public int hashCode() { return Arrays.hashCode(message); }
        @Override public String toString() { return "Error[" + text() + "]"; }
    }

    /** {@code :123}. */
    record Integer(long value) implements Reply {}

    /** {@code $len}: a bulk string; {@code value} is {@code null} for the RESP2 null bulk {@code $-1}. */
    record Bulk(byte[] value) implements Reply {
        @Override public boolean equals(Object o) { return o instanceof Bulk b && Arrays.equals(value, b.value); }
        @Override public int hashCode() { return Arrays.hashCode(value); }
        @Override public String toString() { return value == null ? "Bulk[null]" : "Bulk[" + asString() + "]"; }
    }

    /** {@code *n}: an array; {@code elements} is {@code null} for the RESP2 null array {@code *-1}. */
    record Array(List<Reply> elements) implements Reply {
        public Array { elements = elements == null ? null : List.copyOf(elements); }
        public int size() { return elements == null ? 0 : elements.size(); }
        public Reply get(int i) { return elements.get(i); }
    }

    /** One key/value pair of a {@link Map} or {@link Attribute}, in wire order. */
    record Entry(Reply key, Reply value) {}

    /** {@code %n}: a RESP3 map; entries keep the order they had on the wire. */
    record Map(List<Entry> entries) implements Reply {
        public Map { entries = List.copyOf(entries); }
        public int size() { return entries.size(); }
        /** The value of the first entry whose key reads as {@code key} (UTF-8), or {@code null}. */
        public Reply get(String key) {
            for (Entry e : entries) {
                if (key.equals(e.key().asString())) return e.value();
            }
            return null;
        }
    }

    /** {@code ~n}: a RESP3 set; elements keep wire order. */
    record Set(List<Reply> elements) implements Reply {
        public Set { elements = List.copyOf(elements); }
        public int size() { return elements.size(); }
    }

    /** {@code ,1.5}: a RESP3 double, kept as the server's text ({@code inf}, {@code -inf}, {@code nan} included). */
    record Double(String text) implements Reply {
        public double value() {
            String t = text.toLowerCase(java.util.Locale.ROOT);
            if (t.equals("inf") || t.equals("+inf")) return java.lang.Double.POSITIVE_INFINITY;
            if (t.equals("-inf")) return java.lang.Double.NEGATIVE_INFINITY;
            if (t.equals("nan") || t.equals("-nan")) return java.lang.Double.NaN;
            return java.lang.Double.parseDouble(text);
        }
    }

    /** {@code #t} / {@code #f}. */
    record Boolean(boolean value) implements Reply {
        public static final Boolean TRUE = new Boolean(true);
        public static final Boolean FALSE = new Boolean(false);
    }

    /** {@code (12345...)}: a RESP3 big number, kept as text. */
    record BigNumber(String text) implements Reply {
        public BigInteger value() { return new BigInteger(text); }
    }

    /** {@code =len}: a verbatim string; {@code format} is the three-letter type ({@code txt}, {@code mkd}). */
    record Verbatim(String format, byte[] content) implements Reply {
        @Override public boolean equals(Object o) {
            return o instanceof Verbatim v && format.equals(v.format) && Arrays.equals(content, v.content);
        }
        @Override public int hashCode() { return format.hashCode() * 31 + Arrays.hashCode(content); }
        @Override public String toString() { return "Verbatim[" + format + ":" + asString() + "]"; }
    }

    /** {@code >n}: an out-of-band RESP3 push (pub/sub message, tracking invalidation). */
    record Push(List<Reply> elements) implements Reply {
        public Push { elements = List.copyOf(elements); }
        public int size() { return elements.size(); }
        /** The push kind (first element), e.g. {@code message} or {@code invalidate}. */
        public String kind() { return elements.isEmpty() ? "" : String.valueOf(elements.get(0).asString()); }
    }

    /** {@code _}: the RESP3 null. */
    record Null() implements Reply {
        public static final Null INSTANCE = new Null();
    }

    /**
     * {@code |n}: RESP3 attributes followed by the reply they describe. The reader bundles the two
     * so that an attribute never counts as an element of an enclosing aggregate (as the spec says).
     */
    record Attribute(List<Entry> attributes, Reply reply) implements Reply {
        public Attribute { attributes = List.copyOf(attributes); }
    }

    // ---------------------------------------------------------------- convenience

    /** Status {@code OK}. */
    Reply OK = new SimpleString(new byte[] {'O', 'K'});

    static Reply bulk(byte[] value) { return new Bulk(value); }

    static Reply bulk(String value) { return new Bulk(value.getBytes(StandardCharsets.UTF_8)); }

    static Reply error(String message) { return new Error(message.getBytes(StandardCharsets.UTF_8)); }

    /** True for {@code $-1}, {@code *-1} and {@code _}. */
    default boolean isNull() {
        return this instanceof Null
                || (this instanceof Bulk b && b.value == null)
                || (this instanceof Array a && a.elements == null);
    }

    default boolean isError() { return this instanceof Error; }

    /** The reply without any RESP3 attributes wrapped around it. */
    default Reply unwrap() {
        Reply r = this;
        while (r instanceof Attribute a) r = a.reply();
        return r;
    }

    /**
     * The reply as text (UTF-8) when it is a scalar: strings, errors, numbers, booleans. Returns
     * {@code null} for nulls and aggregates.
     */
    default String asString() {
        Reply r = unwrap();
        if (r instanceof SimpleString s) return new String(s.value, StandardCharsets.UTF_8);
        if (r instanceof Bulk b) return b.value == null ? null : new String(b.value, StandardCharsets.UTF_8);
        if (r instanceof Verbatim v) return new String(v.content, StandardCharsets.UTF_8);
        if (r instanceof Error e) return e.text();
        if (r instanceof Integer i) return Long.toString(i.value());
        if (r instanceof Double d) return d.text();
        if (r instanceof BigNumber n) return n.text();
        if (r instanceof Boolean b) return b.value() ? "true" : "false";
        return null;
    }

    /** The payload bytes of a string-like reply (not a copy), or {@code null} for nulls and aggregates. */
    default byte[] asBytes() {
        Reply r = unwrap();
        if (r instanceof SimpleString s) return s.value;
        if (r instanceof Bulk b) return b.value;
        if (r instanceof Verbatim v) return v.content;
        if (r instanceof Error e) return e.message;
        String s = asString();
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** The reply as a number: integers, and strings/doubles holding an integer. */
    default long asLong() {
        Reply r = unwrap();
        if (r instanceof Integer i) return i.value();
        String s = asString();
        if (s == null) throw new IllegalStateException("not a number: " + r);
        return Long.parseLong(s);
    }

    /**
     * Elements of an array, set or push; for a map its keys and values interleaved (k1, v1, k2, ...),
     * which is how a RESP2 server sends the same data. Empty for nulls and scalars.
     */
    default List<Reply> asList() {
        Reply r = unwrap();
        if (r instanceof Array a) return a.elements == null ? List.of() : a.elements;
        if (r instanceof Set s) return s.elements;
        if (r instanceof Push p) return p.elements;
        if (r instanceof Map m) {
            Reply[] flat = new Reply[m.entries.size() * 2];
            int i = 0;
            for (Entry e : m.entries) { flat[i++] = e.key(); flat[i++] = e.value(); }
            return List.of(flat);
        }
        return Collections.emptyList();
    }
}
