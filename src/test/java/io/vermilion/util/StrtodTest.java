package io.vermilion.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StrtodTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }
    private static String g(double d) { return new String(Strtod.g17(d), StandardCharsets.US_ASCII); }

    @Test
    void g17MatchesPrintf() {
        // values checked against C's printf("%.17g")
        assertThat(g(0.1)).isEqualTo("0.10000000000000001");
        assertThat(g(1.5)).isEqualTo("1.5");
        assertThat(g(2.5)).isEqualTo("2.5");
        assertThat(g(1e300)).isEqualTo("1.0000000000000001e+300");
        assertThat(g(3.14159265358979)).isEqualTo("3.14159265358979");
        assertThat(g(0.3)).isEqualTo("0.29999999999999999");
        assertThat(g(-0.0)).isEqualTo("-0");
        assertThat(g(123456789012345678.0)).isEqualTo("1.2345678901234568e+17");
        assertThat(g(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(g(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(g(0.001)).isEqualTo("0.001");
        assertThat(g(4.9e-324)).isEqualTo("4.9406564584124654e-324");
        // the fast path agrees with the exact BigDecimal formatting everywhere it applies
        Random rnd = new Random(11);
        for (int i = 0; i < 40_000; i++) {
            double d = switch (i % 4) {
                case 0 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(22) - 3);
                case 1 -> (rnd.nextInt(2000000) - 1000000) / 1000.0;
                case 2 -> Double.longBitsToDouble(rnd.nextLong());
                default -> rnd.nextInt(100000) + 0.5;
            };
            if (Double.isNaN(d)) continue;
            assertThat(g(d)).as("%s", d).isEqualTo(Numbers.formatG17(d));
        }
    }

    @Test
    void string2dAndRanges() {
        assertThat(Strtod.string2d(b("1.5"))).isEqualTo(1.5);
        assertThat(Strtod.string2d(b("-inf"))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Strtod.string2d(b("+Infinity"))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Strtod.string2d(b("0x10"))).isEqualTo(16.0);
        assertThat(Strtod.string2d(b("1e3"))).isEqualTo(1000.0);
        assertThat(Strtod.string2d(b(".5"))).isEqualTo(0.5);
        assertThat(Strtod.string2d(b("5."))).isEqualTo(5.0);
        assertThat(Strtod.string2d(b("0.1"))).isEqualTo(0.1);
        assertThat(Strtod.string2d(b("123456789012345678901234567890"))).isEqualTo(1.2345678901234568e29);
        for (String bad : new String[] {"", " 1", "1 ", "nan", "abc", "1e400", "1e-400", "1e", "--1", "0x", "."}) {
            assertThat(Strtod.string2d(b(bad))).as(bad).isNaN();
        }
        assertThat(Strtod.rangeValue(b(""), 0)).isEqualTo(0.0);
        assertThat(Strtod.rangeValue(b(" 1"), 0)).isEqualTo(1.0);
        assertThat(Strtod.rangeValue(b("1e400"), 0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Strtod.rangeValue(b("(5"), 1)).isEqualTo(5.0);
        assertThat(Strtod.rangeValue(b("1\u0000x"), 0)).isEqualTo(1.0);
        assertThat(Strtod.rangeValue(b("1 "), 0)).isNaN();
        assertThat(Strtod.rangeValue(b("nan"), 0)).isNaN();
        // (double) (LLONG_MAX / 2) is 2^62 itself, so double2ll accepts 2^62 and refuses the next double
        assertThat(Strtod.d2string(4611686018427387904.0)).isEqualTo(b("4611686018427387904"));
        assertThat(Strtod.d2string(Math.nextUp(4611686018427387904.0))).isEqualTo(b("4.6116860184273889e+18"));
        assertThat(Strtod.d2string(-3)).isEqualTo(b("-3"));
        assertThat(Strtod.isSafeLong(4611686018427387904.0)).isTrue();
        assertThat(Strtod.isSafeLong(Math.nextUp(4611686018427387904.0))).isFalse();
        assertThat(Strtod.isSafeLong(-0.0)).isTrue();
    }
}
