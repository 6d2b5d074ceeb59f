package io.vermilion.it.diff;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Applies a {@link Marker}'s rule to the oracle's reply and the target's reply. */
public final class ReplyMatcher {
    private ReplyMatcher() {}

    /**
     * Returns null if {@code actual} is acceptable for {@code expected} under {@code marker}, or
     * a short reason otherwise. {@link Marker#NOREPLY} cases never get here (nothing is read).
     */
    public static String mismatch(Marker marker, Frame expected, Frame actual) {
        switch (marker) {
            case EXACT -> {
                return Arrays.equals(expected.raw(), actual.raw()) ? null : "replies differ";
            }
            case TYPE -> {
                return expected.type() == actual.type() ? null : typeReason(expected, actual);
            }
            case LEN -> {
                if (expected.type() != actual.type()) return typeReason(expected, actual);
                return expected.length() == actual.length() ? null
                        : "lengths differ: " + expected.length() + " vs " + actual.length();
            }
            case INT -> {
                if (expected.type() != ':') return "~int used but the oracle's reply is not an integer";
                return actual.type() == ':' ? null : typeReason(expected, actual);
            }
            case SORTED -> {
                return Arrays.equals(canonical(expected), canonical(actual)) ? null
                        : "replies differ even with aggregate elements sorted";
            }
            case ANY, NOREPLY -> {
                return null;
            }
            default -> throw new IllegalArgumentException(marker.toString());
        }
    }

    private static String typeReason(Frame expected, Frame actual) {
        return "RESP types differ: '" + (char) expected.type() + "' vs '" + (char) actual.type() + "'";
    }

    /**
     * The reply with the elements of every aggregate sorted (map and attribute entries sorted as
     * key/value pairs, keeping pairs together), recursively. Two replies that are equal as
     * nested multisets have equal canonical forms.
     */
    static byte[] canonical(Frame f) {
        if (!f.isAggregate() || f.length() < 0) return f.raw();
        List<byte[]> items = new ArrayList<>();
        List<Frame> ch = f.children();
        int pairs = f.isPaired() ? (int) f.length() : 0;
        if (f.isPaired()) {
            for (int i = 0; i < pairs; i++) {
                items.add(concat(canonical(ch.get(2 * i)), canonical(ch.get(2 * i + 1))));
            }
        } else {
            for (Frame c : ch) items.add(canonical(c));
        }
        items.sort(Arrays::compareUnsigned);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] header = ((char) f.type() + Long.toString(f.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        b.write(header, 0, header.length);
        for (byte[] it : items) b.write(it, 0, it.length);
        if (f.type() == '|') {
            byte[] decorated = canonical(ch.get(ch.size() - 1));
            b.write(decorated, 0, decorated.length);
        }
        return b.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
