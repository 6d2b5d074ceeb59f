package io.vermilion.it.types;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The kinds of data the cross-type tests build and compare. BITMAP and HLL are strings and GEO is
 * a zset, exactly as in Redis; they are separate kinds because their commands (and their
 * encodings: sparse/dense HLL, sparse bitmaps, geohash scores) are separate pieces of work.
 */
public enum DataType {
    STRING("string"), LIST("list"), HASH("hash"), SET("set"), ZSET("zset"), STREAM("stream"),
    BITMAP("string"), HLL("string"), GEO("zset");

    /** What TYPE answers for a key of this kind. */
    public final String redisType;

    DataType(String redisType) {
        this.redisType = redisType;
    }

    /**
     * The kinds Vermilion implements on main at the time of the last commit of these tests: the
     * interchange and property tests cover exactly these. A kind is added here when its branch
     * lands on main (and its tests here pass against it).
     */
    public static final Set<DataType> ON_MAIN = Collections.unmodifiableSet(EnumSet.allOf(DataType.class));

    /**
     * The kinds whose values Vermilion can also save and load on main (RDB, DUMP/RESTORE, MIGRATE,
     * AOF base): a type's commands may land before its codec.
     */
    public static final Set<DataType> PERSISTED_ON_MAIN =
            Collections.unmodifiableSet(EnumSet.allOf(DataType.class));

    /**
     * The kinds a test run covers: {@link #ON_MAIN}, or the comma-separated list in the system
     * property {@code interop.types} ({@code all} for every kind), which lets a type's engineer run
     * these tests against a branch before it lands, or check the tests themselves against a
     * second redis-server ({@code -Dinterop.target=redis}).
     */
    public static Set<DataType> covered() {
        return parse(ON_MAIN);
    }

    /** The covered kinds whose persistence is covered too (all of them with {@code interop.types}). */
    public static Set<DataType> persisted() {
        return parse(PERSISTED_ON_MAIN);
    }

    /** The kind a TYPE reply stands for, among the base kinds. */
    public static DataType ofRedisType(String type) {
        for (DataType t : values()) if (t.redisType.equals(type)) return t;
        throw new IllegalArgumentException(type);
    }

    private static Set<DataType> parse(Set<DataType> dflt) {
        String p = System.getProperty("interop.types", "").trim();
        if (p.isEmpty()) return dflt;
        if (p.equalsIgnoreCase("all")) return EnumSet.allOf(DataType.class);
        EnumSet<DataType> s = EnumSet.noneOf(DataType.class);
        Arrays.stream(p.split(",")).map(String::trim).filter(x -> !x.isEmpty())
                .forEach(x -> s.add(DataType.valueOf(x.toUpperCase(Locale.ROOT))));
        return s;
    }
}
