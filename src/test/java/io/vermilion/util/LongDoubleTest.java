package io.vermilion.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LongDoubleTest {
    static final String NOT_FLOAT = "-ERR value is not a valid float";
    static final String NAN_INF = "-ERR increment would produce NaN or Infinity";

    /** What INCRBYFLOAT replies for a stored value and an increment. */
    static String incrbyfloat(String value, String incr) {
        LongDouble v = LongDouble.parse(value.getBytes(StandardCharsets.ISO_8859_1));
        LongDouble i = LongDouble.parse(incr.getBytes(StandardCharsets.ISO_8859_1));
        if (v == null || i == null) return NOT_FLOAT;
        LongDouble r = v.add(i);
        if (!r.isFinite()) return NAN_INF;
        return r.toHumanString();
    }

    /** Thousands of replies recorded from redis-server 7.0.15 (see incrbyfloat-gen.py). */
    @Test
    void matchesRealRedis() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        try (InputStream in = getClass().getResourceAsStream("incrbyfloat-redis.tsv");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#")) continue;
                String[] f = line.split("\t", -1);
                assertThat(f).hasSize(3);
                n++;
                String got = incrbyfloat(f[0], f[1]);
                if (!got.equals(f[2])) mismatches.add(f[0] + " + " + f[1] + ": redis " + f[2] + ", ours " + got);
            }
        }
        assertThat(n).isGreaterThan(5000);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void rejectsWhatString2ldRejects() {
        for (String s : new String[] {"", " 1", "\t1", "\n1", "1 ", "1\n", "1\0", "nan", "-nan", "NaN", "nan(1)",
                "infinit", "infinityx", "abc", "1e", "1e+", ".", "0x", "0x.", "0x1p", "1_0", "1,5", "1d", "1f",
                "++1", "+-1", "1e5000", "-1e5000", "1e-5000", "0x1p-16446", "0x1p16384", "1" + "0".repeat(5119)}) {
            assertThat(LongDouble.parse(s.getBytes(StandardCharsets.ISO_8859_1))).as(s).isNull();
        }
    }

    @Test
    void acceptsStrtoldForms() {
        String[][] cases = {
            {"0x10", "16"}, {"0X1P3", "8"}, {"0x.8", "0.5"}, {"+.5", "0.5"}, {"5.", "5"}, {"-.5e-3", "-0.0005"},
            {"00001", "1"}, {"0e-5000", "0"}, {"-0", "0"}, {"1e-320", "0"}, {"1.5E3", "1500"},
            {"1" + "0".repeat(100), "9999999999999999999669353532207342619498699019828496079271391541752018669482644324418977840117055488"},
            {"1" + "0".repeat(20), "100000000000000000000"},
        };
        for (String[] c : cases) {
            LongDouble v = LongDouble.parse(c[0].getBytes(StandardCharsets.ISO_8859_1));
            assertThat(v).as(c[0]).isNotNull();
            assertThat(v.toHumanString()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(LongDouble.parse("inf".getBytes()).isInfinite()).isTrue();
        assertThat(LongDouble.parse("-Infinity".getBytes()).isInfinite()).isTrue();
    }

    @Test
    void infinitiesAndOverflow() {
        assertThat(incrbyfloat("5", "inf")).isEqualTo(NAN_INF);
        assertThat(incrbyfloat("inf", "-inf")).isEqualTo(NAN_INF);
        assertThat(incrbyfloat("1e4932", "1e4932")).isEqualTo(NAN_INF);
        // the largest finite value survives: (2^64-1) * 2^16320
        assertThat(incrbyfloat("0x0.ffffffffffffffffp16384", "0")).startsWith("118973149535723176502");
        assertThat(incrbyfloat("0x0.ffffffffffffffffp16384", "0x0.8p16320")).isEqualTo(NAN_INF);
    }

    @Test
    void longsConvertExactly() {
        assertThat(LongDouble.of(Long.MAX_VALUE).add(LongDouble.of(1)).toHumanString()).isEqualTo("9223372036854775808");
        assertThat(LongDouble.of(Long.MIN_VALUE).toHumanString()).isEqualTo("-9223372036854775808");
        assertThat(LongDouble.of(0).toHumanString()).isEqualTo("0");
        assertThat(LongDouble.of(-7).add(LongDouble.of(7)).toHumanString()).isEqualTo("0");
    }

    @Test
    void formatsTiesToEven() {
        // 2^-18 = 0.000003814697265625 has 18 decimals: an exact tie at the 17th
        assertThat(LongDouble.parse("0x1p-18".getBytes()).toHumanString()).isEqualTo("0.00000381469726562");
        // 3 * 2^-18 = 0.000011444091796875: tie, rounds up to even
        assertThat(LongDouble.parse("0x3p-18".getBytes()).toHumanString()).isEqualTo("0.00001144409179688");
        assertThat(incrbyfloat("10", "3.0000000000000001")).isEqualTo("13.0000000000000001");
        assertThat(incrbyfloat("0.1", "0.2")).isEqualTo("0.3");
    }
}
