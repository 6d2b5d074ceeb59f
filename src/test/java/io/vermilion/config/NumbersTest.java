package io.vermilion.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumbersTest {

    @Test
    void memoryUnitsAreCaseInsensitiveWithDecimalAndBinaryMultipliers() {
        assertThat(Numbers.memory("100")).isEqualTo(100L);
        assertThat(Numbers.memory("100b")).isEqualTo(100L);
        assertThat(Numbers.memory("1k")).isEqualTo(1000L);
        assertThat(Numbers.memory("1kb")).isEqualTo(1024L);
        assertThat(Numbers.memory("1K")).isEqualTo(1000L);
        assertThat(Numbers.memory("1KB")).isEqualTo(1024L);
        assertThat(Numbers.memory("2m")).isEqualTo(2_000_000L);
        assertThat(Numbers.memory("2mb")).isEqualTo(2L << 20);
        assertThat(Numbers.memory("3g")).isEqualTo(3_000_000_000L);
        assertThat(Numbers.memory("3Gb")).isEqualTo(3L << 30);
    }

    @Test
    void malformedMemoryValues() {
        assertThat(Numbers.memory("-1")).isNull();
        assertThat(Numbers.memory("1.5gb")).isNull();
        assertThat(Numbers.memory("1tb")).isNull();
        assertThat(Numbers.memory("+1")).isNull();
        assertThat(Numbers.memory(" 1")).isNull();
        // Redis quirks: no digits reads as 0; huge values saturate to 2^64-1.
        assertThat(Numbers.memory("")).isEqualTo(0L);
        assertThat(Numbers.memory("kb")).isEqualTo(0L);
        assertThat(Numbers.memory("99999999999999999999999")).isEqualTo(-1L);
    }

    @Test
    void strictIntegersRejectSignsZerosAndBlanks() {
        assertThat(Numbers.strictLong("0")).isEqualTo(0L);
        assertThat(Numbers.strictLong("-2")).isEqualTo(-2L);
        assertThat(Numbers.strictLong("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Numbers.strictLong("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Numbers.strictLong("9223372036854775808")).isNull();
        assertThat(Numbers.strictLong("010")).isNull();
        assertThat(Numbers.strictLong("+5")).isNull();
        assertThat(Numbers.strictLong("-0")).isNull();
        assertThat(Numbers.strictLong(" 5")).isNull();
        assertThat(Numbers.strictLong("")).isNull();
        assertThat(Numbers.strictLong("1e3")).isNull();
    }

    @Test
    void octalAndLenientForms() {
        assertThat(Numbers.octal("755")).isEqualTo(493L);
        assertThat(Numbers.octal("0700")).isEqualTo(448L);
        assertThat(Numbers.octal("8")).isNull();
        assertThat(Numbers.lenientLong(" +12")).isEqualTo(12L);
        assertThat(Numbers.lenientLong("12x")).isNull();
        assertThat(Numbers.lenientLong("")).isEqualTo(0L);
    }
}
