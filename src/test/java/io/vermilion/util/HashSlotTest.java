package io.vermilion.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashSlotTest {
    private static int slot(String k) { return HashSlot.of(k.getBytes(StandardCharsets.UTF_8)); }

    @Test
    void crc16MatchesTheClusterSpecTestVector() {
        // The Redis Cluster specification gives CRC16("123456789") = 0x31C3.
        assertThat(Crc16.crc16("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x31C3);
    }

    @Test
    void slotsOfTheSeedKeys() {
        // The seed walkthrough: "key" lives in slot 12539, "key2" in 4998.
        assertThat(slot("key")).isEqualTo(12539);
        assertThat(slot("key2")).isEqualTo(4998);
    }

    @Test
    void hashTags() {
        assertThat(slot("{user1000}.following")).isEqualTo(slot("user1000"));
        assertThat(slot("foo{}{bar}")).isEqualTo(slot("foo{}{bar}")); // empty tag: whole key hashed
        assertThat(slot("foo{}{bar}")).isNotEqualTo(slot("bar"));
        assertThat(slot("foo{{bar}}zap")).isEqualTo(slot("{bar"));
        assertThat(slot("foo{bar}{zap}")).isEqualTo(slot("bar"));
        assertThat(slot("{")).isEqualTo(Crc16.crc16("{".getBytes()) & 16383);
    }

    /** The two-bytes-per-step loop against the textbook bitwise definition, on every length and odd offsets. */
    @Test
    void crc16MatchesBitwiseDefinition() {
        java.util.Random r = new java.util.Random(7);
        for (int len = 0; len < 200; len++) {
            byte[] b = new byte[len + 3];
            r.nextBytes(b);
            for (int off = 0; off < 3; off++) {
                int crc = 0;
                for (int i = off; i < off + len; i++) {
                    crc ^= (b[i] & 0xFF) << 8;
                    for (int k = 0; k < 8; k++) crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
                }
                assertThat(Crc16.crc16(b, off, len)).as("len %d off %d", len, off).isEqualTo(crc);
            }
        }
    }
}
