package io.vermilion.types;

import io.vermilion.util.Numbers;

/**
 * The string type: values are {@code byte[]} (immutable, encoding chosen by content like Redis's
 * tryObjectEncoding: "int" for canonical integers of up to 20 chars, "embstr" up to 44 bytes,
 * "raw" beyond) or {@link Sds} ("raw" as produced by APPEND/SETRANGE, or embstr/raw by length for
 * strings Redis creates without integer encoding, e.g. INCRBYFLOAT's result).
 */
public final class Strings {
    /** Longest string Redis embeds in the object header (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
    public static final int EMBSTR_LIMIT = 44;

    private Strings() {}

    public static boolean isString(Object v) {
        return v instanceof byte[] || v instanceof Sds;
    }

    /** The bytes of a string value (a copy for Sds). */
    public static byte[] bytes(Object v) {
        if (v instanceof byte[] b) return b;
        return ((Sds) v).toBytes();
    }

    public static int length(Object v) {
        if (v instanceof byte[] b) return b.length;
        return ((Sds) v).length();
    }

    public static String encoding(Object v) {
        if (v instanceof Sds s) return s.encoding();
        byte[] b = (byte[]) v;
        if (b.length <= 20 && Numbers.parseLong(b, new long[1])) return "int";
        return b.length <= EMBSTR_LIMIT ? "embstr" : "raw";
    }
}
