package io.vermilion.types;

/**
 * What the generic keyspace commands need to know about any value, in one place: its type name
 * (TYPE, SCAN TYPE), its encoding (OBJECT ENCODING) and how to duplicate it (COPY). Strings are
 * {@code byte[]} or {@link Sds}; every other type implements {@link RedisValue}.
 */
public final class Types {
    private Types() {}

    /** The name TYPE replies for a value, "none" for null (an absent key). */
    public static String name(Object v) {
        if (v == null) return "none";
        if (Strings.isString(v)) return "string";
        if (v instanceof RedisValue r) return r.typeName();
        throw new IllegalArgumentException("unknown value type " + v.getClass().getName());
    }

    /** OBJECT ENCODING of a value. */
    public static String encoding(Object v) {
        if (Strings.isString(v)) return Strings.encoding(v);
        if (v instanceof RedisValue r) return r.encoding();
        throw new IllegalArgumentException("unknown value type " + v.getClass().getName());
    }

    /** An independent copy of a value for COPY, with the same encoding (Redis duplicates too). */
    public static Object copy(Object v) {
        if (v instanceof byte[] b) return b.clone();
        if (v instanceof Sds s) return s.copy(); // keeps embstr/raw: COPY of an INCRBYFLOAT result stays embstr
        if (v instanceof RedisValue r) return r.copy();
        throw new IllegalArgumentException("unknown value type " + v.getClass().getName());
    }
}
