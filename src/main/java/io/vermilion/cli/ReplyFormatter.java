package io.vermilion.cli;

import io.vermilion.client.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Renders replies exactly as redis-cli 7.0 does, as bytes (values are binary and go to stdout
 * untouched in raw mode).
 *
 * <ul>
 *   <li>{@link OutputMode#STANDARD}: the human form used when stdout is a terminal:
 *       {@code (integer) 1}, quoted strings with C escapes, numbered nested lists whose indentation
 *       grows by the width of the largest index plus two, {@code 1#} for map entries and {@code 1~}
 *       for set members.</li>
 *   <li>{@link OutputMode#RAW}: values as they are, aggregate elements separated by the {@code -d}
 *       delimiter, the whole reply followed by the {@code -D} delimiter.</li>
 *   <li>{@link OutputMode#CSV}: comma separated, strings quoted.</li>
 * </ul>
 *
 * <p>Beyond redis-cli: RESP3 big numbers render as {@code (big number) 123} (redis-cli 7.0 aborts
 * with "Unknown reply type") and attributes are skipped in favour of the reply they annotate
 * (hiredis 7.0 cannot parse them at all).
 */
public final class ReplyFormatter {
    private final byte[] bulkDelimiter;
    private final byte[] replyDelimiter;

    /** Formatter with redis-cli's default delimiters ({@code \n} for both). */
    public ReplyFormatter() {
        this(new byte[] {'\n'}, new byte[] {'\n'});
    }

    /**
     * @param bulkDelimiter separator between elements of an aggregate in raw mode ({@code -d})
     * @param replyDelimiter appended after each reply in raw mode ({@code -D})
     */
    public ReplyFormatter(byte[] bulkDelimiter, byte[] replyDelimiter) {
        this.bulkDelimiter = bulkDelimiter.clone();
        this.replyDelimiter = replyDelimiter.clone();
    }

    /**
     * The bytes redis-cli writes for one reply.
     *
     * @param rawStrings true for commands whose output redis-cli always prints raw and without the
     *     reply delimiter ({@code INFO}, {@code CLIENT LIST}, ...), whatever the mode
     */
    public byte[] format(Reply reply, OutputMode mode, boolean rawStrings) {
        Buf out = new Buf();
        if (rawStrings) {
            raw(reply, out);
        } else {
            switch (mode) {
                case STANDARD -> tty(reply, "", out);
                case RAW -> {
                    raw(reply, out);
                    out.append(replyDelimiter);
                }
                case CSV -> {
                    csv(reply, out);
                    out.append('\n');
                }
            }
        }
        return out.toArray();
    }

    /** Human-readable rendering (what redis-cli prints on a terminal). */
    public static String formatStandard(Reply reply) {
        Buf out = new Buf();
        tty(reply, "", out);
        return new String(out.toArray(), StandardCharsets.ISO_8859_1);
    }

    /**
     * A RESP3 push arriving outside pub/sub mode. On a terminal, tracking invalidations get a compact
     * one-line form, as in redis-cli.
     */
    public byte[] formatPush(Reply.Push push, OutputMode mode) {
        if (mode == OutputMode.STANDARD && isInvalidate(push)) {
            Buf out = new Buf();
            out.append("-> invalidate: ");
            List<Reply> keys = push.elements().get(1).asList();
            for (int i = 0; i < keys.size(); i++) {
                out.append('\'');
                byte[] k = keys.get(i).asBytes();
                if (k != null) out.append(cString(k));
                out.append('\'');
                if (i < keys.size() - 1) out.append(", ");
            }
            out.append('\n');
            return out.toArray();
        }
        return format(push, mode, false);
    }

    private static boolean isInvalidate(Reply.Push p) {
        List<Reply> e = p.elements();
        if (e.size() != 2 || !(e.get(0) instanceof Reply.Bulk b) || b.value() == null) return false;
        byte[] kind = b.value();
        return kind.length >= 10 && new String(kind, 0, 10, StandardCharsets.ISO_8859_1).equals("invalidate")
                && e.get(1) instanceof Reply.Array a && a.elements() != null;
    }

    // ---------------------------------------------------------------- standard (tty) form

    private static void tty(Reply reply, String prefix, Buf out) {
        Reply r = reply.unwrap();
        if (r instanceof Reply.Error e) {
            out.append("(error) ").append(cString(e.message())).append('\n');
        } else if (r instanceof Reply.SimpleString s) {
            out.append(cString(s.value())).append('\n');
        } else if (r instanceof Reply.Integer i) {
            out.append("(integer) ").append(Long.toString(i.value())).append('\n');
        } else if (r instanceof Reply.Double d) {
            out.append("(double) ").append(d.text()).append('\n');
        } else if (r instanceof Reply.BigNumber n) {
            out.append("(big number) ").append(n.text()).append('\n');
        } else if (r instanceof Reply.Boolean b) {
            out.append(b.value() ? "(true)\n" : "(false)\n");
        } else if (r instanceof Reply.Verbatim v) {
            out.append(v.content()).append('\n');
        } else if (r.isNull()) {
            out.append("(nil)\n");
        } else if (r instanceof Reply.Bulk b) {
            repr(b.value(), out);
            out.append('\n');
        } else if (r instanceof Reply.Map m) {
            ttyAggregate(m.asList(), m.size(), '#', "(empty hash)\n", true, prefix, out);
        } else if (r instanceof Reply.Set s) {
            ttyAggregate(s.elements(), s.size(), '~', "(empty set)\n", false, prefix, out);
        } else if (r instanceof Reply.Push p) {
            ttyAggregate(p.elements(), p.size(), ')', "(empty push)\n", false, prefix, out);
        } else if (r instanceof Reply.Array a) {
            ttyAggregate(a.elements(), a.size(), ')', "(empty array)\n", false, prefix, out);
        } else {
            throw new IllegalStateException("unhandled reply " + r);
        }
    }

    /**
     * Numbered listing: every entry is "index&lt;sep&gt; value", the index right-aligned to the width
     * of the largest one. The first entry is not prefixed because the caller already wrote the
     * parent's index on that line; nested entries are indented by that width plus two.
     */
    private static void ttyAggregate(List<Reply> elems, int count, char sep, String empty, boolean map,
                                     String prefix, Buf out) {
        if (count == 0) {
            out.append(empty);
            return;
        }
        int width = Integer.toString(count).length();
        String childPrefix = prefix + " ".repeat(width + 2);
        for (int i = 0; i < count; i++) {
            String index = Integer.toString(i + 1);
            if (i > 0) out.append(prefix);
            out.append(" ".repeat(width - index.length())).append(index).append(sep).append(' ');
            if (!map) {
                tty(elems.get(i), childPrefix, out);
            } else {
                tty(elems.get(2 * i), childPrefix, out);
                out.setLength(out.length() - 1); // the key's newline: the value follows on the same line
                out.append(" => ");
                Reply value = elems.get(2 * i + 1);
                if (isMultiline(value)) out.append('\n').append(childPrefix);
                tty(value, childPrefix, out);
            }
        }
    }

    /** Whether the standard form of {@code r} spans several lines (then a map value starts on a new line). */
    private static boolean isMultiline(Reply reply) {
        Reply r = reply.unwrap();
        if (r instanceof Reply.Map m) {
            if (m.size() == 0) return false;
            if (m.size() > 1) return true;
            return isMultiline(m.entries().get(0).value());
        }
        List<Reply> elems;
        if (r instanceof Reply.Array a && a.elements() != null) elems = a.elements();
        else if (r instanceof Reply.Set s) elems = s.elements();
        else if (r instanceof Reply.Push p) elems = p.elements();
        else return false;
        if (elems.isEmpty()) return false;
        if (elems.size() > 1) return true;
        return isMultiline(elems.get(0));
    }

    // ---------------------------------------------------------------- raw form

    private void raw(Reply reply, Buf out) {
        Reply r = reply.unwrap();
        if (r.isNull()) {
            return; // nothing at all, not even the delimiter of an element
        } else if (r instanceof Reply.Error e) {
            out.append(e.message()).append('\n');
        } else if (r instanceof Reply.SimpleString s) {
            out.append(s.value());
        } else if (r instanceof Reply.Bulk b) {
            out.append(b.value());
        } else if (r instanceof Reply.Verbatim v) {
            out.append(v.content());
        } else if (r instanceof Reply.Boolean b) {
            out.append(b.value() ? "(true)" : "(false)");
        } else if (r instanceof Reply.Integer i) {
            out.append(Long.toString(i.value()));
        } else if (r instanceof Reply.Double d) {
            out.append(d.text());
        } else if (r instanceof Reply.BigNumber n) {
            out.append(n.text());
        } else if (r instanceof Reply.Map m) {
            for (int i = 0; i < m.size(); i++) {
                if (i > 0) out.append(bulkDelimiter);
                raw(m.entries().get(i).key(), out);
                out.append(' ');
                raw(m.entries().get(i).value(), out);
            }
        } else {
            List<Reply> elems = r.asList();
            for (int i = 0; i < elems.size(); i++) {
                if (i > 0) out.append(bulkDelimiter);
                raw(elems.get(i), out);
            }
        }
    }

    // ---------------------------------------------------------------- csv form

    private static void csv(Reply reply, Buf out) {
        Reply r = reply.unwrap();
        if (r instanceof Reply.Error e) {
            out.append("ERROR,");
            repr(cString(e.message()), out);
        } else if (r.isNull()) {
            out.append("NULL");
        } else if (r instanceof Reply.SimpleString s) {
            repr(s.value(), out);
        } else if (r instanceof Reply.Bulk b) {
            repr(b.value(), out);
        } else if (r instanceof Reply.Verbatim v) {
            repr(v.content(), out);
        } else if (r instanceof Reply.Integer i) {
            out.append(Long.toString(i.value()));
        } else if (r instanceof Reply.Double d) {
            out.append(d.text());
        } else if (r instanceof Reply.BigNumber n) {
            out.append(n.text());
        } else if (r instanceof Reply.Boolean b) {
            out.append(b.value() ? "true" : "false");
        } else {
            // maps are flattened: CSV has no map type
            List<Reply> elems = r.asList();
            for (int i = 0; i < elems.size(); i++) {
                csv(elems.get(i), out);
                if (i != elems.size() - 1) out.append(',');
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Quoted form with C-style escapes, as redis's {@code sdscatrepr}: backslash and double quote
     * escaped, {@code \n \r \t \a \b} by name, other bytes outside printable ASCII as {@code \xHH}.
     */
    public static void repr(byte[] s, Buf out) {
        out.append('"');
        for (byte x : s) {
            int c = x & 0xff;
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 7 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        out.append((byte) c);
                    } else {
                        out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 15]);
                    }
                }
            }
        }
        out.append('"');
    }

    /** {@link #repr(byte[], Buf)} as a String (ASCII only by construction). */
    public static String repr(byte[] s) {
        Buf b = new Buf();
        repr(s, b);
        return new String(b.toArray(), StandardCharsets.US_ASCII);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** redis-cli prints status and error texts with "%s", so they stop at the first NUL byte. */
    private static byte[] cString(byte[] b) {
        for (int i = 0; i < b.length; i++) if (b[i] == 0) return Arrays.copyOf(b, i);
        return b;
    }

    /** A growable byte buffer that can also drop its tail (what the map rendering needs). */
    public static final class Buf {
        private byte[] a = new byte[256];
        private int n;

        public Buf append(byte b) {
            if (n == a.length) a = Arrays.copyOf(a, a.length * 2);
            a[n++] = b;
            return this;
        }

        public Buf append(char c) {
            return append((byte) c);
        }

        public Buf append(byte[] b) {
            if (n + b.length > a.length) a = Arrays.copyOf(a, Math.max(a.length * 2, n + b.length));
            System.arraycopy(b, 0, a, n, b.length);
            n += b.length;
            return this;
        }

        /** Appends a string as UTF-8 (callers only pass ASCII or server-supplied text). */
        public Buf append(String s) {
            return append(s.getBytes(StandardCharsets.UTF_8));
        }

        public int length() {
            return n;
        }

        public void setLength(int len) {
            n = len;
        }

        public byte[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
