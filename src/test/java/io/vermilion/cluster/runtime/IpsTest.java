package io.vermilion.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** IP literals as CLUSTER MEET and gossip use them: inet_pton rules in, inet_ntop text out. */
class IpsTest {
    @Test
    void acceptsOnlyLiterals() {
        assertThat(Ips.normalize("127.0.0.1")).isEqualTo("127.0.0.1");
        assertThat(Ips.normalize("255.255.255.255")).isEqualTo("255.255.255.255");
        assertThat(Ips.normalize("1.2.3")).isNull();
        assertThat(Ips.normalize("1.2.3.4.5")).isNull();
        assertThat(Ips.normalize("1.2.3.256")).isNull();
        assertThat(Ips.normalize("01.2.3.4")).isNull(); // inet_pton refuses leading zeros
        assertThat(Ips.normalize("1.2.3.4 ")).isNull();
        assertThat(Ips.normalize("localhost")).isNull(); // never a DNS lookup
        assertThat(Ips.normalize("")).isNull();
        assertThat(Ips.normalize("::1::")).isNull();
        assertThat(Ips.normalize("g::1")).isNull();
    }

    @Test
    void printsIpv6LikeInetNtop() {
        assertThat(Ips.normalize("::1")).isEqualTo("::1");
        assertThat(Ips.normalize("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(Ips.normalize("::")).isEqualTo("::");
        assertThat(Ips.normalize("2001:DB8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(Ips.normalize("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(Ips.normalize("fe80::0:1")).isEqualTo("fe80::1");
        assertThat(Ips.normalize("::ffff:10.0.0.1")).isEqualTo("::ffff:10.0.0.1");
    }
}
