package io.vermilion.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RedisUriTest {
    private static ConnInfo parse(String uri) {
        ConnInfo c = new ConnInfo();
        RedisUri.parse(uri, c);
        return c;
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void fullUri() {
        ConnInfo c = parse("redis://alice:s%40cret@10.0.0.1:7001/2");
        assertThat(s(c.user)).isEqualTo("alice");
        assertThat(s(c.auth)).isEqualTo("s@cret");
        assertThat(c.host).isEqualTo("10.0.0.1");
        assertThat(c.port).isEqualTo(7001);
        assertThat(c.inputDb).isEqualTo(2);
    }

    @Test
    void partsAreOptional() {
        ConnInfo c = parse("redis://h");
        assertThat(c.host).isEqualTo("h");
        assertThat(c.port).isEqualTo(6379);
        assertThat(c.auth).isNull();
        c = parse("REDIS://:pw@h:1");
        assertThat(s(c.user)).isEqualTo("");
        assertThat(s(c.auth)).isEqualTo("pw");
        c = parse("redis://pw@h/3");
        assertThat(c.user).isNull();
        assertThat(s(c.auth)).isEqualTo("pw");
        assertThat(c.inputDb).isEqualTo(3);
        c = parse("redis:///5");
        assertThat(c.host).isEqualTo("127.0.0.1");
        assertThat(c.inputDb).isEqualTo(5);
        c = parse("redis://");
        assertThat(c.host).isEqualTo("127.0.0.1");
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> parse("http://h")).hasMessage("Invalid URI scheme");
        assertThatThrownBy(() -> parse("redis://a%4@h")).hasMessage("Incomplete URI encoding");
        assertThatThrownBy(() -> parse("redis://a%zz@h")).hasMessage("Illegal character in URI encoding");
        assertThatThrownBy(() -> parse("rediss://h")).isInstanceOf(RedisUri.InvalidUriException.class);
    }

    @Test
    void atoiIsLenient() {
        assertThat(RedisUri.atoi("12ab")).isEqualTo(12);
        assertThat(RedisUri.atoi("x")).isZero();
        assertThat(RedisUri.atoi(" -3")).isEqualTo(-3);
        assertThat(CliMain.atol("-1")).isEqualTo(-1);
        assertThat(CliMain.atol("5x")).isEqualTo(5);
        assertThat(CliMain.atof("0.25s")).isEqualTo(0.25);
        assertThat(CliMain.atof("x")).isZero();
    }
}
