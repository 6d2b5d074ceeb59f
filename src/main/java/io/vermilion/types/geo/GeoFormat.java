package io.vermilion.types.geo;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** The number formats of the geo replies and errors, byte for byte as Redis prints them. */
public final class GeoFormat {
    private GeoFormat() {}

    /**
     * A coordinate as Redis replies it (addReplyHumanLongDouble): the double widened to long
     * double (exact) and printed as {@code %.17Lf}, trailing zeros and a bare '.' removed, "-0"
     * printed as "0".
     */
    public static byte[] coordinate(double d) {
        if (Double.isInfinite(d)) return ascii(d > 0 ? "inf" : "-inf");
        if (Double.isNaN(d)) return ascii("nan");
        String s = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = s.length();
        if (s.indexOf('.') >= 0) {
            while (s.charAt(end - 1) == '0') end--;
            if (s.charAt(end - 1) == '.') end--;
        }
        s = s.substring(0, end);
        if (s.equals("-0")) s = "0";
        return ascii(s);
    }

    /**
     * A distance as Redis replies it (addReplyDoubleDistance): rounded to an integer number of
     * 1/10000 with the FPU's round-half-even, printed with exactly 4 decimals.
     */
    public static byte[] distance(double d) {
        if (d == 0) return ascii("0.0000");
        double scaled = Math.rint(d * 10000.0);
        long v;
        if (Double.isNaN(scaled) || scaled >= 9.223372036854775807E18 || scaled < -9.223372036854775808E18) {
            v = Long.MIN_VALUE;   // llrint's out-of-range result on x86-64
        } else {
            v = (long) scaled;
        }
        boolean negative = v < 0;
        String digits = negative
                ? (v == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(-v))
                : Long.toString(v);
        if (digits.length() < 5) digits = "0".repeat(5 - digits.length()) + digits;
        int cut = digits.length() - 4;
        return ascii((negative ? "-" : "") + digits.substring(0, cut) + "." + digits.substring(cut));
    }

    /** C's {@code %f} (6 decimals, exact value rounded half to even), "inf"/"-inf"/"nan" for the rest. */
    public static String fixed6(double d) {
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (Double.isNaN(d)) return "nan";
        String s = new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        if (s.charAt(0) != '-' && (Double.doubleToRawLongBits(d) < 0)) s = "-" + s;   // -0.0 and tiny negatives
        return s;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
