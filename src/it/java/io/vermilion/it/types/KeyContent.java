package io.vermilion.it.types;

import static io.vermilion.it.types.Conn.b;
import static io.vermilion.it.types.Conn.s;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A key's full logical content as any server shows it through ordinary commands, independent of
 * internal order: TYPE, then GET / LRANGE / HGETALL (sorted) / SMEMBERS (sorted) / ZRANGE WITHSCORES
 * / XRANGE + XINFO STREAM + XINFO GROUPS + XINFO CONSUMERS + XPENDING, PFCOUNT for strings that are
 * HyperLogLogs. Two servers hold the same data exactly when their {@code KeyContent}s are equal
 * key by key.
 *
 * @param key      the key (escaped)
 * @param type     what TYPE answered
 * @param encoding what OBJECT ENCODING answered (plus, for streams, the number of listpack nodes):
 *                 comparable only between servers that built or loaded the key the same way
 * @param expireAt PEXPIRETIME (-1: no TTL)
 * @param body     the content, one line per element / field / entry, in a canonical order
 */
public record KeyContent(String key, String type, String encoding, long expireAt, List<String> body) {

    public boolean hasTtl() {
        return expireAt >= 0;
    }

    /** Reads one key. */
    public static KeyContent read(Conn c, byte[] key) {
        String type = s((byte[]) c.call(b("TYPE"), key));
        long expireAt = (Long) c.call(b("PEXPIRETIME"), key);
        List<String> body = new ArrayList<>();
        String encoding = "";
        if (!type.equals("none")) encoding = s((byte[]) c.call(b("OBJECT"), b("ENCODING"), key));
        switch (type) {
            case "none" -> { }
            case "string" -> {
                byte[] v = (byte[]) c.call(b("GET"), key);
                body.add(esc(v));
                if (v.length >= 4 && v[0] == 'H' && v[1] == 'Y' && v[2] == 'L' && v[3] == 'L') {
                    Object n;
                    try {
                        n = c.call(b("PFCOUNT"), key);
                    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                        n = "-" + e.getMessage();
                    }
                    body.add("pfcount " + n);
                }
            }
            case "list" -> {
                for (Object o : (List<?>) c.call(b("LRANGE"), key, b("0"), b("-1"))) body.add(esc((byte[]) o));
            }
            case "hash" -> {
                List<?> all = (List<?>) c.call(b("HGETALL"), key);
                for (int i = 0; i < all.size(); i += 2) {
                    body.add(esc((byte[]) all.get(i)) + " " + esc((byte[]) all.get(i + 1)));
                }
                Collections.sort(body);
            }
            case "set" -> {
                for (Object o : (List<?>) c.call(b("SMEMBERS"), key)) body.add(esc((byte[]) o));
                Collections.sort(body);
            }
            case "zset" -> {
                List<?> all = (List<?>) c.call(b("ZRANGE"), key, b("0"), b("-1"), b("WITHSCORES"));
                for (int i = 0; i < all.size(); i += 2) {
                    body.add(esc((byte[]) all.get(i)) + " " + s((byte[]) all.get(i + 1)));
                }
            }
            case "stream" -> encoding = readStream(c, key, body, encoding);
            default -> body.add("<unknown type " + type + ">");
        }
        return new KeyContent(esc(key), type, encoding, expireAt, List.copyOf(body));
    }

    private static String readStream(Conn c, byte[] key, List<String> body, String encoding) {
        for (Object o : (List<?>) c.call(b("XRANGE"), key, b("-"), b("+"))) {
            List<?> e = (List<?>) o;
            body.add("entry " + s((byte[]) e.get(0)) + " " + render(e.get(1)));
        }
        Map<String, Object> info = map((List<?>) c.call(b("XINFO"), b("STREAM"), key));
        for (Map.Entry<String, Object> f : info.entrySet()) {
            switch (f.getKey()) {
                case "first-entry", "last-entry", "radix-tree-nodes" -> { }
                case "radix-tree-keys" -> encoding += " radix-tree-keys=" + render(f.getValue());
                default -> body.add("info " + f.getKey() + "=" + render(f.getValue()));
            }
        }
        List<?> groups = (List<?>) c.call(b("XINFO"), b("GROUPS"), key);
        List<String> names = new ArrayList<>();
        for (Object g : groups) {
            Map<String, Object> gm = map((List<?>) g);
            String name = s((byte[]) gm.get("name"));
            names.add(name);
            StringBuilder sb = new StringBuilder("group");
            gm.forEach((k, v) -> sb.append(' ').append(k).append('=').append(render(v)));
            body.add(sb.toString());
        }
        Collections.sort(names);
        for (String g : names) {
            List<String> cons = new ArrayList<>();
            for (Object co : (List<?>) c.call(b("XINFO"), b("CONSUMERS"), key, b(g))) {
                Map<String, Object> cm = map((List<?>) co);
                cons.add("consumer " + esc(b(g)) + " " + render(cm.get("name")) + " pending=" + render(cm.get("pending")));
            }
            Collections.sort(cons);
            body.addAll(cons);
            for (Object p : (List<?>) c.call(b("XPENDING"), key, b(g), b("-"), b("+"), b("1000000"))) {
                List<?> pe = (List<?>) p;
                // id, consumer, idle ms (time: not compared), delivery count
                body.add("pel " + esc(b(g)) + " " + render(pe.get(0)) + " " + render(pe.get(1)) + " deliveries="
                        + render(pe.get(3)));
            }
        }
        return encoding;
    }

    /** A RESP2 flat key/value array as an ordered map. */
    private static Map<String, Object> map(List<?> flat) {
        Map<String, Object> m = new TreeMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) m.put(s((byte[]) flat.get(i)), flat.get(i + 1));
        return m;
    }

    private static String render(Object o) {
        if (o == null) return "nil";
        if (o instanceof byte[] x) return esc(x);
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (Object e : l) {
                if (sb.length() > 1) sb.append(' ');
                sb.append(render(e));
            }
            return sb.append(']').toString();
        }
        return String.valueOf(o);
    }

    /** Bytes as an unambiguous quoted string (no truncation: this is what is compared). */
    public static String esc(byte[] v) {
        StringBuilder sb = new StringBuilder(v.length + 2).append('"');
        for (byte x : v) {
            int ch = x & 0xff;
            if (ch == '"' || ch == '\\') sb.append('\\').append((char) ch);
            else if (ch >= 0x20 && ch < 0x7f) sb.append((char) ch);
            else sb.append(String.format("\\x%02x", ch));
        }
        return sb.append('"').toString();
    }

    /** Every key of the connection, by escaped name. */
    public static Map<String, KeyContent> readAll(Conn c) {
        Map<String, KeyContent> out = new TreeMap<>();
        List<byte[]> keys = c.keys();
        keys.sort(Comparator.comparing(Arrays::toString));
        for (byte[] k : keys) out.put(esc(k), read(c, k));
        return out;
    }

    /** Which encodings are compared. */
    public enum Enc {
        /** All (both servers built or loaded the keys the same way). */
        ALL,
        /**
         * All but strings': a string made by APPEND is raw in Redis, the same bytes loaded from a
         * file are embstr; collections' encodings follow the thresholds however they were made.
         */
        NON_STRING,
        NONE;

        boolean compares(String type) {
            return this == ALL || (this == NON_STRING && !type.equals("string"));
        }
    }

    /** How strictly two datasets' TTLs are compared. */
    public enum Ttl {
        /** Same PEXPIRETIME to the millisecond (files, ABSTTL). */
        EXACT,
        /** Both have a TTL or neither; within a minute of each other (MIGRATE sends the time left). */
        CLOSE,
        /** TTLs not compared (RESTORE with ttl 0 into a scratch key). */
        IGNORE
    }

    /**
     * Compares two datasets key by key and fails with the keys that differ and, per key, the first
     * differing line.
     */
    public static void assertSame(String what, Map<String, KeyContent> expected, Map<String, KeyContent> actual,
                                  Enc encodings, Ttl ttl) {
        List<String> problems = new ArrayList<>();
        for (String k : expected.keySet()) if (!actual.containsKey(k)) problems.add("missing " + cut(k));
        for (String k : actual.keySet()) if (!expected.containsKey(k)) problems.add("unexpected " + cut(k));
        for (Map.Entry<String, KeyContent> e : expected.entrySet()) {
            KeyContent a = actual.get(e.getKey());
            if (a != null) {
                String d = e.getValue().difference(a, encodings, ttl);
                if (d != null) problems.add(d);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(what + ": " + problems.size() + " difference(s) in " + expected.size()
                    + " keys:\n  " + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
        }
    }

    /** Null when equal, else a description of the first difference. */
    public String difference(KeyContent o, Enc encodings, Ttl ttl) {
        String k = cut(key);
        if (!type.equals(o.type)) return k + ": type " + type + " vs " + o.type;
        if (encodings.compares(type) && !encoding.equals(o.encoding)) return k + ": encoding " + encoding + " vs " + o.encoding;
        switch (ttl) {
            case EXACT -> {
                if (expireAt != o.expireAt) return k + ": PEXPIRETIME " + expireAt + " vs " + o.expireAt;
            }
            case CLOSE -> {
                if (hasTtl() != o.hasTtl() || Math.abs(expireAt - o.expireAt) > 60_000) {
                    return k + ": PEXPIRETIME " + expireAt + " vs " + o.expireAt;
                }
            }
            case IGNORE -> { }
        }
        for (int i = 0; i < Math.max(body.size(), o.body.size()); i++) {
            String x = i < body.size() ? body.get(i) : "<end>";
            String y = i < o.body.size() ? o.body.get(i) : "<end>";
            if (!x.equals(y)) {
                return k + " (" + type + ", " + body.size() + " vs " + o.body.size() + " lines): line " + i + ": "
                        + cut(x) + " vs " + cut(y);
            }
        }
        return null;
    }

    private static String cut(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...(" + s.length() + " chars)";
    }

    /** Same content under another key name (a scratch copy). */
    public KeyContent renamed(String newKey) {
        return new KeyContent(newKey, type, encoding, expireAt, body);
    }
}
