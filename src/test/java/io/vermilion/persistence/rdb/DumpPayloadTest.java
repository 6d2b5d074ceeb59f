package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.types.Sds;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** DUMP payloads compared with the bytes real redis-server 7.0.15 returned for the same values. */
class DumpPayloadTest {
    private static String dump(byte[] v) {
        return HexFormat.of().formatHex(DumpPayload.create(v, ValueCodec.STRINGS, true));
    }

    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    @Test
    void sameBytesAsRedis() {
        assertThat(dump(b("1"))).isEqualTo("00c0010a002678e7b6d10111fc");
        assertThat(dump(b("x".repeat(100)))).isEqualTo("00c3094064017878e057000178780a005db7f663bb08625f");
        assertThat(dump(b("abcdefghij".repeat(50))))
                .isEqualTo("00c31541f40a6162636465666768696a61e0ff09e1d60d01696a0a00e25535c518362dcc");
        assertThat(dump(b("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut "
                + "labore et dolore magna aliqua. Lorem ipsum dolor sit amet again and again and again.")))
                .isEqualTo("00c3409440b11f4c6f72656d20697073756d20646f6c6f722073697420616d65742c20636f6e7315656374"
                        + "657475722061646970697363696e6720656c69201c0273656420300c20656975736d6f642074656d70203c1069"
                        + "6e6369646964756e74207574206c6162205e022065742029205a1065206d61676e6120616c697175612e204c2012"
                        + "e00d7b0920616761696e20616e64e00609016e2e0a006a471a7863b92271");
        byte[] mixed = new byte[12 * 7 + 40 + 12 * 30];
        int p = 0;
        for (int i = 0; i < 7; i++) for (byte x : b("hello world ")) mixed[p++] = x;
        for (int i = 0; i < 40; i++) mixed[p++] = (byte) i;
        for (int i = 0; i < 30; i++) for (byte x : b("hello world ")) mixed[p++] = x;
        assertThat(dump(mixed)).isEqualTo("00c3404741e40c68656c6c6f20776f726c642068e03e0b1f000102030405060708090a0b0c0d0e0f"
                + "101112131415161718191a1b1c1d1e1f072021222324252627e03f6fe0ff47e10d070164200a00e7d5cea2c59b27d0");
        assertThat(dump(b("0123456789abcdef".repeat(600) + "tail"))).startsWith("00c340866584103031323334353637383961626364656630e0ff0fe1ff0fe2ff0f")
                .endsWith("e2460f037461696c0a00a40c2f8a58edaa09");
        assertThat(dump(b("a".repeat(21)))).isEqualTo("00c30615016161e00a000a00fd0cb36807413f68");
        assertThat(dump(b("ab".repeat(12) + "a"))).isEqualTo("00c30a1902616261e00b010162610a00c268a5eee0238a41");
    }

    @Test
    void sdsDumpsLikeItsBytes() {
        Sds s = new Sds(b("hello"), 10);
        s.append(b(" world"));
        assertThat(DumpPayload.create(s, ValueCodec.STRINGS, true))
                .isEqualTo(DumpPayload.create(b("hello world"), ValueCodec.STRINGS, true));
    }

    @Test
    void verifyAndDecode() throws Exception {
        byte[] p = DumpPayload.create(b("hello"), ValueCodec.STRINGS, true);
        assertThat(DumpPayload.verify(p)).isTrue();
        assertThat(DumpPayload.decode(p, ValueCodec.STRINGS)).isEqualTo(b("hello"));
        for (int i = 0; i < p.length; i++) {
            byte[] q = p.clone();
            q[i] ^= 0x10;
            assertThat(DumpPayload.verify(q)).as("flip at %d", i).isFalse();
        }
        assertThat(DumpPayload.verify(new byte[9])).isFalse();
        // A newer RDB version is refused even with a correct CRC.
        byte[] body = HexFormat.of().parseHex("000568656c6c6f0b00");
        byte[] newer = withCrc(body);
        assertThat(DumpPayload.verify(newer)).isFalse();
        // An older one is accepted.
        assertThat(DumpPayload.verify(withCrc(HexFormat.of().parseHex("000568656c6c6f0900")))).isTrue();
    }

    @Test
    void badBodiesAndTypes() {
        byte[] hash = withCrc(HexFormat.of().parseHex("04000a00"));
        assertThat(DumpPayload.verify(hash)).isTrue();
        assertThatThrownBy(() -> DumpPayload.decode(hash, ValueCodec.STRINGS))
                .isInstanceOf(UnsupportedTypeException.class).hasMessageStartingWith("unsupported type 4");
        byte[] bad = withCrc(HexFormat.of().parseHex("08000a00"));
        assertThatThrownBy(() -> DumpPayload.decode(bad, ValueCodec.STRINGS)).isInstanceOf(RdbException.class)
                .hasMessageContaining("unknown type 8");
        byte[] lzfBad = withCrc(HexFormat.of().parseHex("00c3056400ffffffff0a00"));
        assertThatThrownBy(() -> DumpPayload.decode(lzfBad, ValueCodec.STRINGS)).isInstanceOf(RdbException.class);
    }

    static byte[] withCrc(byte[] body) {
        long crc = Crc64.update(0, body);
        byte[] out = new byte[body.length + 8];
        System.arraycopy(body, 0, out, 0, body.length);
        for (int i = 0; i < 8; i++) out[body.length + i] = (byte) (crc >>> (8 * i));
        return out;
    }
}
