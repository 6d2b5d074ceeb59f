package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {
    @Test
    void redisTestVector() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc64.update(0, b)).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    @Test
    void redisLoremVectorIncludingTheTerminatingNul() {
        String li = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed "
                + "do eiusmod tempor incididunt ut labore et dolore magna "
                + "aliqua. Ut enim ad minim veniam, quis nostrud exercitation "
                + "ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis "
                + "aute irure dolor in reprehenderit in voluptate velit esse "
                + "cillum dolore eu fugiat nulla pariatur. Excepteur sint "
                + "occaecat cupidatat non proident, sunt in culpa qui officia "
                + "deserunt mollit anim id est laborum.\0";
        assertThat(Crc64.update(0, li.getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xc7794709e69683b3L);
    }

    @Test
    void emptyIsZero() {
        assertThat(Crc64.update(0, new byte[0])).isZero();
    }

    @Test
    void slicedEqualsBytewiseAndIsIncremental() {
        Random r = new Random(42);
        for (int n = 0; n < 300; n++) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            long bytewise = 0;
            for (byte x : b) bytewise = Crc64.update(bytewise, x & 0xff);
            assertThat(Crc64.update(0, b)).isEqualTo(bytewise);
            int split = n == 0 ? 0 : r.nextInt(n);
            long inc = Crc64.update(Crc64.update(0, b, 0, split), b, split, n - split);
            assertThat(inc).isEqualTo(bytewise);
        }
    }
}
