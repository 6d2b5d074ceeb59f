package io.vermilion.server;

import io.vermilion.protocol.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small immutable RESP3 value tree, for static reply data kept in resource files (COMMAND DOCS).
 * It keeps the RESP3 type of every node (map, set, array, simple string, bulk, integer) so that
 * {@link #write} can send it to RESP2 and RESP3 clients exactly as Redis would build it, and it
 * round-trips through {@link #encode} / {@link #parse} byte for byte.
 */
public final class RespTree {
    private RespTree() {}

    /** A node of the tree. */
    public sealed interface Node permits Simple, Bulk, Int, Agg {}

    /** +text */
    public record Simple(String text) implements Node {}

    /** $len bytes */
    public record Bulk(byte[] value) implements Node {
        public String text() { return new String(value, StandardCharsets.UTF_8); }

        @Override public boolean equals(Object o) {
            return o instanceof Bulk b && java.util.Arrays.equals(value, b.value);
        }

        @Override public int hashCode() { return java.util.Arrays.hashCode(value); }

        @Override public String toString() { return "Bulk[" + text() + "]"; }
    }

    /** :n */
    public record Int(long value) implements Node {}

    /** An aggregate: '*' array, '~' set or '%' map (a map's items alternate key, value). */
    public record Agg(char type, List<Node> items) implements Node {
        public Agg {
            items = Collections.unmodifiableList(new ArrayList<>(items));
        }

        /** The value of a map entry whose key is the bulk or simple string {@code key}, or null. */
        public Node get(String key) {
            for (int i = 0; i + 1 < items.size(); i += 2) {
                if (key.equals(text(items.get(i)))) return items.get(i + 1);
            }
            return null;
        }

        /** Number of elements, counting a map's pairs once. */
        public int count() {
            return type == '%' ? items.size() / 2 : items.size();
        }
    }

    public static Bulk bulk(String s) {
        return new Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The text of a bulk or simple string node, else null. */
    public static String text(Node n) {
        if (n instanceof Bulk b) return b.text();
        if (n instanceof Simple s) return s.text();
        return null;
    }

    // ------------------------------------------------------------------ reply

    /** Writes a node as a reply; maps and sets degrade to arrays for RESP2 clients, as in Redis. */
    public static void write(Reply r, Node n) {
        if (n instanceof Simple s) {
            r.simple(s.text());
        } else if (n instanceof Bulk b) {
            r.bulk(b.value());
        } else if (n instanceof Int i) {
            r.integer(i.value());
        } else {
            Agg a = (Agg) n;
            switch (a.type()) {
                case '%': r.map(a.count()); break;
                case '~': r.set(a.count()); break;
                default: r.array(a.count());
            }
            for (Node item : a.items()) write(r, item);
        }
    }

    // ------------------------------------------------------------------ encoding

    /** The RESP3 bytes of a node. */
    public static byte[] encode(Node n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(n, out);
        return out.toByteArray();
    }

    private static void encode(Node n, ByteArrayOutputStream out) {
        if (n instanceof Simple s) {
            line(out, '+', s.text());
        } else if (n instanceof Bulk b) {
            line(out, '$', Integer.toString(b.value().length));
            out.writeBytes(b.value());
            out.writeBytes(new byte[] {'\r', '\n'});
        } else if (n instanceof Int i) {
            line(out, ':', Long.toString(i.value()));
        } else {
            Agg a = (Agg) n;
            line(out, a.type(), Integer.toString(a.count()));
            for (Node item : a.items()) encode(item, out);
        }
    }

    private static void line(ByteArrayOutputStream out, char type, String text) {
        out.write(type);
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'\r', '\n'});
    }

    /** Parses one RESP3 value made of the types above. */
    public static Node parse(byte[] data) {
        int[] pos = {0};
        Node n = parse(data, pos);
        if (pos[0] != data.length) throw new IllegalArgumentException("trailing bytes at " + pos[0]);
        return n;
    }

    private static Node parse(byte[] d, int[] pos) {
        int start = pos[0];
        int eol = start;
        while (eol + 1 < d.length && !(d[eol] == '\r' && d[eol + 1] == '\n')) eol++;
        if (eol + 1 >= d.length) throw new IllegalArgumentException("truncated at " + start);
        char type = (char) d[start];
        String head = new String(d, start + 1, eol - start - 1, StandardCharsets.UTF_8);
        pos[0] = eol + 2;
        switch (type) {
            case '+':
                return new Simple(head);
            case ':':
                return new Int(Long.parseLong(head));
            case '$': {
                int len = Integer.parseInt(head);
                byte[] v = new byte[len];
                System.arraycopy(d, pos[0], v, 0, len);
                pos[0] += len + 2;
                return new Bulk(v);
            }
            case '*': case '~': case '%': {
                int n = Integer.parseInt(head);
                if (type == '%') n *= 2;
                List<Node> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) items.add(parse(d, pos));
                return new Agg(type, items);
            }
            default:
                throw new IllegalArgumentException("unsupported RESP type '" + type + "' at " + start);
        }
    }
}
