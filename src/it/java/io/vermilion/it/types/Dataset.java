package io.vermilion.it.types;

import static io.vermilion.it.types.Conn.b;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds, through ordinary commands on any server (real redis-server 7.0 or Vermilion), keys of
 * the given kinds in every encoding Redis 7.0 has for them: int/embstr/raw strings, small, big,
 * compressed and tiny-node quicklists, listpack and hashtable hashes, intset and hashtable sets,
 * listpack and skiplist zsets, streams with several nodes, deletions, consumer groups, consumers
 * and pending entries, sparse and dense HyperLogLogs, bitmaps, geo sets; some keys of each kind
 * with a TTL. Everything is deterministic (fixed seed, explicit stream IDs, absolute TTLs), so the
 * same call on two servers builds the same data, and each key's expected OBJECT ENCODING is checked
 * on the server that built it.
 */
public final class Dataset {
    /** 2100-01-01: TTLs are absolute and far away, so they compare exactly and never fire. */
    public static final long FAR = 4102444800000L;

    /** What a key is expected to be; encoding null when it depends on how the key was made. */
    public record Expect(DataType type, String encoding) {}

    /**
     * @param big    include the large keys (20k-element list, dense HLLs, 1000-entry stream, 100 KB
     *               strings...); off where many copies are wanted
     * @param extras use redis-server-only DEBUG knobs (quicklist plain nodes); needs
     *               enable-debug-command on that server
     */
    public record Options(long seed, boolean big, boolean extras) {
        public static Options full(long seed) { return new Options(seed, true, false); }
    }

    private final Conn c;
    private final String p;
    private final Options o;
    private final Random r;
    private final Map<String, Expect> keys = new LinkedHashMap<>();
    private int ttls;

    private Dataset(Conn c, String prefix, Options o) {
        this.c = c;
        this.p = prefix;
        this.o = o;
        this.r = new Random(o.seed());
    }

    /** Builds the keys of {@code types}, all named {@code prefix...}; returns them with their expectations. */
    public static Map<String, Expect> build(Conn c, Set<DataType> types, String prefix, Options o) {
        Dataset d = new Dataset(c, prefix, o);
        for (DataType t : DataType.values()) {
            if (!types.contains(t)) continue;
            switch (t) {
                case STRING -> d.strings();
                case LIST -> d.lists();
                case HASH -> d.hashes();
                case SET -> d.sets();
                case ZSET -> d.zsets();
                case STREAM -> d.streams();
                case BITMAP -> d.bitmaps();
                case HLL -> d.hlls();
                case GEO -> d.geos();
            }
        }
        d.check();
        return d.keys;
    }

    private void check() {
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, Expect> e : keys.entrySet()) {
            byte[] k = b(e.getKey());
            String type = Conn.s((byte[]) c.call(b("TYPE"), k));
            if (!type.equals(e.getValue().type().redisType)) bad.add(e.getKey() + ": TYPE " + type);
            else if (e.getValue().encoding() != null) {
                String enc = Conn.s((byte[]) c.call(b("OBJECT"), b("ENCODING"), k));
                if (!enc.equals(e.getValue().encoding())) {
                    bad.add(e.getKey() + ": OBJECT ENCODING " + enc + ", expected " + e.getValue().encoding());
                }
            }
        }
        if (!bad.isEmpty()) throw new AssertionError("generated keys not as expected (seed " + o.seed() + "):\n  "
                + String.join("\n  ", bad));
    }

    private String key(DataType t, String name, String enc) {
        String k = p + name;
        keys.put(k, new Expect(t, enc));
        return k;
    }

    private void call(String... a) {
        c.call(a);
    }

    private void ttl(String k) {
        call("PEXPIREAT", k, Long.toString(FAR + 1000L * (++ttls)));
    }

    private String word(int len) {
        StringBuilder sb = new StringBuilder(len);
        String[] w = {"alpha", "beta", "gamma", "delta", "-", "0123456789", "x"};
        while (sb.length() < len) sb.append(w[r.nextInt(w.length)]);
        return sb.substring(0, len);
    }

    private byte[] binary(int len) {
        byte[] x = new byte[len];
        r.nextBytes(x);
        return x;
    }

    /** Appends argument lists to one command in batches (a 20k-element RPUSH is ~20 commands). */
    private void batched(String cmd, String k, List<String> args, int per) {
        for (int i = 0; i < args.size(); i += per) {
            List<String> a = new ArrayList<>(List.of(cmd, k));
            a.addAll(args.subList(i, Math.min(args.size(), i + per)));
            c.call(a.toArray(String[]::new));
        }
    }

    private void strings() {
        call("SET", key(DataType.STRING, "s:int:small", "int"), "42");
        call("SET", key(DataType.STRING, "s:int:neg", "int"), "-123456");
        call("SET", key(DataType.STRING, "s:int:max", "int"), "9223372036854775807");
        call("SET", key(DataType.STRING, "s:int:min", "int"), "-9223372036854775808");
        call("SET", key(DataType.STRING, "s:int:over", "embstr"), "9223372036854775808");
        call("SET", key(DataType.STRING, "s:int:lead0", "embstr"), "007");
        call("SET", key(DataType.STRING, "s:empty", "embstr"), "");
        call("SET", key(DataType.STRING, "s:embstr", "embstr"), "hello world");
        call("SET", key(DataType.STRING, "s:embstr44", "embstr"), word(44));
        call("SET", key(DataType.STRING, "s:raw45", "raw"), word(45));
        call("SET", key(DataType.STRING, "s:raw:text", "raw"), word(3000));
        String ap = key(DataType.STRING, "s:raw:append", "raw");
        call("APPEND", ap, "abc");
        call("APPEND", ap, "def");
        call("SETRANGE", key(DataType.STRING, "s:raw:setrange", "raw"), "10", "tail");
        String fl = key(DataType.STRING, "s:float", null);
        call("INCRBYFLOAT", fl, "1.5");
        call("INCRBYFLOAT", fl, "0.25");
        String in = key(DataType.STRING, "s:incr", "int");
        call("INCRBY", in, "1000000");
        call("DECR", in);
        c.call(b("SET"), b(key(DataType.STRING, "s:binary", "raw")), binary(1000));
        c.call(b("SET"), b(key(DataType.STRING, "s:\u00ff\u0000\r\nkey", "embstr")), b("binary key"));
        String t = key(DataType.STRING, "s:ttl:int", "int");
        call("SET", t, "7");
        ttl(t);
        t = key(DataType.STRING, "s:ttl:text", "raw");
        call("SET", t, word(100));
        ttl(t);
        if (o.big()) {
            call("SET", key(DataType.STRING, "s:big:text", "raw"), word(100_000));
            c.call(b("SET"), b(key(DataType.STRING, "s:big:random", "raw")), binary(50_000));
        }
    }

    private static final String[] LIST_INTS = {"0", "1", "-1", "127", "128", "-128", "-129", "4095", "4096", "-4096",
        "-4097", "32767", "32768", "-32768", "-32769", "8388607", "8388608", "-8388608", "-8388609", "2147483647",
        "2147483648", "-2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "007", "+1", "1.5", "12a", " 1"};

    private void lists() {
        String k = key(DataType.LIST, "l:small", "quicklist");
        call("RPUSH", k, "a", "1", "-1", "bb", "12345678901234", "");
        k = key(DataType.LIST, "l:ints", "quicklist");
        batched("RPUSH", k, List.of(LIST_INTS), 100);
        k = key(DataType.LIST, "l:strlens", "quicklist");
        for (int len : new int[] {0, 1, 63, 64, 65, 4095, 4096, 5000, 70_000}) call("RPUSH", k, word(len));
        k = key(DataType.LIST, "l:binary", "quicklist");
        for (int i = 0; i < 10; i++) c.call(b("LPUSH"), b(k), binary(r.nextInt(300)));
        k = key(DataType.LIST, "l:edited", "quicklist");
        for (int i = 0; i < 50; i++) call("RPUSH", k, "e" + i);
        call("LPUSH", k, "head");
        call("LINSERT", k, "BEFORE", "e10", "before10");
        call("LINSERT", k, "AFTER", "e20", "after20");
        call("LSET", k, "5", "set5");
        call("LREM", k, "1", "e30");
        call("LTRIM", k, "1", "45");
        call("LPOP", k);
        call("RPOP", k);
        k = key(DataType.LIST, "l:ttl", "quicklist");
        call("RPUSH", k, "x", "y", "z");
        ttl(k);
        // Nodes of at most 4 entries, and a list whose inner nodes are LZF-compressed.
        c.configSet("list-max-listpack-size", "4");
        k = key(DataType.LIST, "l:tiny-nodes", "quicklist");
        for (int i = 0; i < 30; i++) call("RPUSH", k, "n" + i);
        c.configSet("list-max-listpack-size", "-2");
        c.configSet("list-compress-depth", "1");
        k = key(DataType.LIST, "l:compressed", "quicklist");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < (o.big() ? 5000 : 800); i++) many.add("compressible-value-" + (i % 50) + "-" + word(20));
        batched("RPUSH", k, many, 500);
        c.configSet("list-compress-depth", "0");
        if (o.big()) {
            k = key(DataType.LIST, "l:big", "quicklist");
            List<String> big = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) big.add(i % 3 == 0 ? Integer.toString(i * 7919) : "item-" + i);
            batched("RPUSH", k, big, 1000);
        }
        if (o.extras()) {
            // Elements at or above the threshold get a quicklist node of their own (PLAIN container).
            call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100");
            k = key(DataType.LIST, "l:plain-nodes", "quicklist");
            call("RPUSH", k, "small", word(150), "small2", word(300), "x");
            call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1073741824");
        }
    }

    private void hashes() {
        String k = key(DataType.HASH, "h:small", "listpack");
        call("HSET", k, "name", "vermilion", "n", "1", "neg", "-42", "empty", "", "f", "3.5");
        k = key(DataType.HASH, "h:ints", "listpack");
        for (int i = 0; i < LIST_INTS.length; i++) call("HSET", k, LIST_INTS[i], LIST_INTS[LIST_INTS.length - 1 - i]);
        k = key(DataType.HASH, "h:edited", "listpack");
        for (int i = 0; i < 20; i++) call("HSET", k, "f" + i, "v" + i);
        call("HDEL", k, "f3", "f7", "f11");
        call("HINCRBY", k, "counter", "5");
        call("HINCRBYFLOAT", k, "float", "2.5");
        call("HSETNX", k, "f0", "not set");
        k = key(DataType.HASH, "h:bycount", "hashtable");
        List<String> fv = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            fv.add("field:" + i);
            fv.add(i % 2 == 0 ? Integer.toString(i) : word(10));
        }
        batched("HSET", k, fv, 200);
        k = key(DataType.HASH, "h:byvalue", "hashtable");
        call("HSET", k, "a", "1", "long", word(65));
        k = key(DataType.HASH, "h:byfield", "hashtable");
        call("HSET", k, word(65), "1", "b", "2");
        k = key(DataType.HASH, "h:binary", "listpack");
        for (int i = 0; i < 5; i++) c.call(b("HSET"), b(k), binary(1 + r.nextInt(20)), binary(r.nextInt(30)));
        k = key(DataType.HASH, "h:ttl", "listpack");
        call("HSET", k, "a", "1");
        ttl(k);
        k = key(DataType.HASH, "h:ttl:big", "hashtable");
        call("HSET", k, "x", word(100));
        ttl(k);
    }

    private void sets() {
        call("SADD", key(DataType.SET, "set:int16", "intset"), "1", "2", "3", "-5", "32767", "-32768");
        call("SADD", key(DataType.SET, "set:int32", "intset"), "70000", "-70000", "1");
        call("SADD", key(DataType.SET, "set:int64", "intset"), "9223372036854775807", "-9223372036854775808", "0");
        String k = key(DataType.SET, "set:bycount", "hashtable");
        List<String> m = new ArrayList<>();
        for (int i = 0; i < 600; i++) m.add(Integer.toString(i * 3 - 900));
        batched("SADD", k, m, 200);
        call("SADD", key(DataType.SET, "set:strings", "hashtable"), "a", "b", "c", "", "longer member");
        call("SADD", key(DataType.SET, "set:mixed", "hashtable"), "1", "2", "x");
        call("SADD", key(DataType.SET, "set:notint", "hashtable"), "007", "1.0", "+1");
        k = key(DataType.SET, "set:edited", "intset");
        for (int i = 0; i < 30; i++) call("SADD", k, Integer.toString(i));
        call("SREM", k, "3", "4", "29");
        k = key(DataType.SET, "set:binary", "hashtable");
        for (int i = 0; i < 8; i++) c.call(b("SADD"), b(k), binary(1 + r.nextInt(40)));
        k = key(DataType.SET, "set:ttl", "intset");
        call("SADD", k, "5", "6");
        ttl(k);
        k = key(DataType.SET, "set:ttl:ht", "hashtable");
        call("SADD", k, "p", "q");
        ttl(k);
        if (o.big()) {
            k = key(DataType.SET, "set:big", "hashtable");
            m.clear();
            for (int i = 0; i < 5000; i++) m.add("member-" + i);
            batched("SADD", k, m, 1000);
        }
    }

    private void zsets() {
        call("ZADD", key(DataType.ZSET, "z:small", "listpack"), "1", "one", "-2.5", "minus", "0", "zero", "inf", "top",
                "-inf", "bottom", "3.141592653589793", "pi", "1e-300", "tiny", "1.7976931348623157e308", "huge",
                "-0", "negzero", "100", "");
        call("ZADD", key(DataType.ZSET, "z:samescore", "listpack"), "5", "b", "5", "a", "5", "c", "5", "aa", "5", "B");
        String k = key(DataType.ZSET, "z:edited", "listpack");
        for (int i = 0; i < 40; i++) call("ZADD", k, Integer.toString(i % 7), "m" + i);
        call("ZINCRBY", k, "2.5", "m3");
        call("ZREM", k, "m4", "m5");
        call("ZADD", k, "GT", "100", "m6");
        call("ZADD", k, "LT", "100", "m7");
        call("ZADD", k, "NX", "1", "m8");
        call("ZREMRANGEBYSCORE", k, "6", "6");
        k = key(DataType.ZSET, "z:bycount", "skiplist");
        List<String> sm = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sm.add(i % 5 == 0 ? Integer.toString(i) : (r.nextInt(2000) - 1000) / 8.0 + "");
            sm.add("member:" + i);
        }
        batched("ZADD", k, sm, 100);
        call("ZADD", key(DataType.ZSET, "z:bymember", "skiplist"), "1", word(65), "2", "b");
        k = key(DataType.ZSET, "z:binary", "listpack");
        for (int i = 0; i < 5; i++) c.call(b("ZADD"), b(k), b(Integer.toString(i)), binary(1 + r.nextInt(20)));
        k = key(DataType.ZSET, "z:ttl", "listpack");
        call("ZADD", k, "1", "a");
        ttl(k);
        k = key(DataType.ZSET, "z:ttl:skip", "skiplist");
        call("ZADD", k, "1", word(80));
        ttl(k);
        if (o.big()) {
            k = key(DataType.ZSET, "z:big", "skiplist");
            sm.clear();
            for (int i = 0; i < 5000; i++) {
                sm.add(Double.toString(r.nextGaussian() * 1e6));
                sm.add("zm-" + i);
            }
            batched("ZADD", k, sm, 1000);
        }
    }

    private void streams() {
        String k = key(DataType.STREAM, "x:simple", "stream");
        call("XADD", k, "1-1", "field", "value");
        call("XADD", k, "1-2", "field", "value2", "other", "x");
        call("XADD", k, "1-*", "n", "123");
        call("XADD", k, "5-0", "field", "", "n", "-7");
        k = key(DataType.STREAM, "x:edited", "stream");
        for (int i = 1; i <= 60; i++) call("XADD", k, i + "-0", "i", Integer.toString(i), "s", "v" + (i % 4));
        call("XDEL", k, "3-0", "4-0", "60-0");
        call("XTRIM", k, "MINID", "10");
        call("XTRIM", k, "MAXLEN", "40");
        k = key(DataType.STREAM, "x:groups", "stream");
        for (int i = 1; i <= 30; i++) call("XADD", k, "100-" + i, "k", "v" + i);
        call("XGROUP", "CREATE", k, "g1", "0");
        call("XGROUP", "CREATE", k, "g2", "100-10");
        call("XGROUP", "CREATE", k, "late", "$");
        call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", k, ">");
        call("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", k, ">");
        call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", k, ">");
        call("XACK", k, "g1", "100-1", "100-3", "100-7");
        call("XCLAIM", k, "g1", "bob", "0", "100-2", "100-4");
        call("XGROUP", "CREATECONSUMER", k, "g1", "carol");
        call("XREADGROUP", "GROUP", "g2", "dave", "COUNT", "4", "STREAMS", k, ">");
        call("XREADGROUP", "GROUP", "g2", "erin", "NOACK", "COUNT", "2", "STREAMS", k, ">");
        call("XDEL", k, "100-12");
        call("XGROUP", "SETID", k, "late", "100-25", "ENTRIESREAD", "25");
        k = key(DataType.STREAM, "x:empty", "stream");
        call("XGROUP", "CREATE", k, "g", "$", "MKSTREAM");
        call("XADD", k, "7-7", "a", "b");
        call("XDEL", k, "7-7");
        k = key(DataType.STREAM, "x:setid", "stream");
        call("XADD", k, "10-1", "a", "1");
        call("XSETID", k, "20-5", "ENTRIESADDED", "9", "MAXDELETEDID", "15-0");
        k = key(DataType.STREAM, "x:ttl", "stream");
        call("XADD", k, "1-0", "t", "t");
        ttl(k);
        if (o.big()) {
            k = key(DataType.STREAM, "x:big", "stream");
            for (int i = 1; i <= 1000; i++) {
                if (i % 10 == 0) call("XADD", k, "2000-" + i, "other", word(30), "i", Integer.toString(i));
                else call("XADD", k, "2000-" + i, "name", "n" + i, "value", Integer.toString(i * 31));
            }
            call("XGROUP", "CREATE", k, "readers", "0");
            call("XREADGROUP", "GROUP", "readers", "r1", "COUNT", "300", "STREAMS", k, ">");
            call("XACK", k, "readers", "2000-5", "2000-150");
        }
    }

    private void bitmaps() {
        String k = key(DataType.BITMAP, "b:small", null);
        for (int off : new int[] {0, 7, 8, 100, 101}) call("SETBIT", k, Integer.toString(off), "1");
        call("SETBIT", k, "7", "0");
        k = key(DataType.BITMAP, "b:sparse", "raw");
        call("SETBIT", k, o.big() ? "1000000" : "20000", "1");
        call("SETBIT", k, "3", "1");
        k = key(DataType.BITMAP, "b:bitfield", null);
        call("BITFIELD", k, "SET", "i8", "0", "-100", "SET", "u16", "8", "65535", "INCRBY", "i5", "100", "7",
                "OVERFLOW", "SAT", "INCRBY", "u4", "#30", "100");
        String a = "{" + p + "bit}a", bb = "{" + p + "bit}b";
        keys.put(a, new Expect(DataType.BITMAP, null));
        keys.put(bb, new Expect(DataType.BITMAP, null));
        for (int i = 0; i < 200; i += 3) call("SETBIT", a, Integer.toString(i), "1");
        for (int i = 0; i < 300; i += 5) call("SETBIT", bb, Integer.toString(i), "1");
        for (String op : new String[] {"AND", "OR", "XOR"}) {
            String d = "{" + p + "bit}" + op.toLowerCase();
            keys.put(d, new Expect(DataType.BITMAP, null));
            call("BITOP", op, d, a, bb);
        }
        String not = "{" + p + "bit}not";
        keys.put(not, new Expect(DataType.BITMAP, null));
        call("BITOP", "NOT", not, a);
        k = key(DataType.BITMAP, "b:ttl", null);
        call("SETBIT", k, "77", "1");
        ttl(k);
    }

    private void hlls() {
        String k = key(DataType.HLL, "hll:empty", "raw");
        call("PFADD", k);
        k = key(DataType.HLL, "hll:sparse", "raw");
        call("PFADD", k, "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        String a = "{" + p + "hll}a", bb = "{" + p + "hll}b", m = "{" + p + "hll}merged";
        keys.put(a, new Expect(DataType.HLL, "raw"));
        keys.put(bb, new Expect(DataType.HLL, "raw"));
        keys.put(m, new Expect(DataType.HLL, "raw"));
        List<String> el = new ArrayList<>();
        for (int i = 0; i < 300; i++) el.add("e" + i);
        batched("PFADD", a, el, 100);
        el.clear();
        for (int i = 200; i < 700; i++) el.add("e" + i);
        batched("PFADD", bb, el, 100);
        call("PFMERGE", m, a, bb);
        if (o.big()) {
            k = key(DataType.HLL, "hll:dense", "raw");
            el.clear();
            for (int i = 0; i < 10_000; i++) el.add("member-" + i);
            batched("PFADD", k, el, 1000);
        }
        k = key(DataType.HLL, "hll:ttl", "raw");
        call("PFADD", k, "x", "y");
        ttl(k);
        // PFCOUNT caches the cardinality in the HLL's header: do it once now so readers see stable bytes.
        for (Map.Entry<String, Expect> e : keys.entrySet()) {
            if (e.getValue().type() == DataType.HLL) call("PFCOUNT", e.getKey());
        }
    }

    private void geos() {
        String k = key(DataType.GEO, "geo:small", "listpack");
        call("GEOADD", k, "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania",
                "2.3522", "48.8566", "Paris", "-122.4194", "37.7749", "San Francisco", "0", "0", "origin",
                "179.9999", "85.05112878", "corner");
        k = key(DataType.GEO, "geo:big", "skiplist");
        List<String> a = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            a.add(String.format("%.6f", r.nextDouble() * 360 - 180));
            a.add(String.format("%.6f", r.nextDouble() * 170 - 85));
            a.add("place:" + i);
        }
        batched("GEOADD", k, a, 150);
        k = key(DataType.GEO, "geo:ttl", "listpack");
        call("GEOADD", k, "10", "10", "here");
        ttl(k);
    }
}
