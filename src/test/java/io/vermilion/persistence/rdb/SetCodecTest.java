package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.types.RedisSet;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sets in RDB form, against DUMP payloads captured from redis-server 7.0.15. */
class SetCodecTest {
    private static final ValueCodec CODEC = Codecs.ALL;

    private static byte[] hex(String h) { return HexFormat.of().parseHex(h); }
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static RedisSet set(String... members) {
        RedisSet s = RedisSet.forMember(b(members[0]));
        for (String m : members) s.add(b(m), 512);
        return s;
    }

    private static Set<String> members(RedisSet s) {
        Set<String> out = new HashSet<>();
        s.forEach(m -> out.add(new String(m, StandardCharsets.ISO_8859_1)));
        return out;
    }

    private static String dump(RedisSet s) {
        return HexFormat.of().formatHex(DumpPayload.create(s, CODEC, true));
    }

    private static RedisSet decode(String hexPayload) throws RdbException {
        byte[] p = hex(hexPayload);
        assertThat(DumpPayload.verify(p)).isTrue();
        return (RedisSet) DumpPayload.decode(p, CODEC);
    }

    @AfterEach
    void resetThreshold() {
        SetCodec.maxIntsetEntries(512);
    }

    // redis-server 7.0.15: SADD i1 1 2 3 / SADD i2 -1 70000 5000000000 / SADD h1 foo /
    // SADD bigi 1000..1030 / SADD z 1..40 1099511627776 (LZF-compressed); DUMP each.
    static final String I1 = "0b0e02000000030000000100020003000a00a5025ce26d6e4d1b";
    static final String I2 = "0b200800000003000000ffffffffffffffff701101000000000000f2052a010000000a0073db1eb5da2f492c";
    static final String H1 = "020103666f6f0a00092ee5aa809c2985";
    static final String BIGI = "0b4046020000001f000000e803e903ea03eb03ec03ed03ee03ef03f003f103f203f303f403f503f603f703f803f903"
            + "fa03fb03fc03fd03fe03ff0300040104020403040404050406040a00e1739964c4a56540";
    static final String Z = "0bc340fa41500408000000292003000120034000000240042000000320034000000440042000000520034000000640042"
            + "000000720034000000840042000000920034000000a40042000000b20034000000c40042000000d20034000000e40042000000f2003400"
            + "0001040042000001120034000001240042000001320034000001440042000001520034000001640042000001720034000001840042000"
            + "001920034000001a40042000001b20034000001c40042000001d20034000001e40042000001f200340000020400420000021200340000"
            + "0224004200000232003400000244004200000252003400000264004200000272003400000284004c00021440a00fc23a954cc176081";

    @Test
    void dumpsAreRedisBytes() {
        assertThat(dump(set("3", "1", "2"))).isEqualTo(I1);
        assertThat(dump(set("-1", "70000", "5000000000"))).isEqualTo(I2);
        assertThat(dump(set("foo"))).isEqualTo(H1);
        RedisSet big = RedisSet.emptyIntset();
        for (int i = 1000; i <= 1030; i++) big.addLong(i, 512);
        assertThat(dump(big)).isEqualTo(BIGI);
        RedisSet z = RedisSet.emptyIntset();
        for (int i = 1; i <= 40; i++) z.addLong(i, 512);
        z.addLong(1099511627776L, 512);
        assertThat(dump(z)).isEqualTo(Z);
    }

    @Test
    void redisPayloadsLoad() throws Exception {
        RedisSet i1 = decode(I1);
        assertThat(i1.encoding()).isEqualTo("intset");
        assertThat(members(i1)).containsExactlyInAnyOrder("1", "2", "3");
        assertThat(members(decode(I2))).containsExactlyInAnyOrder("-1", "70000", "5000000000");
        RedisSet h1 = decode(H1);
        assertThat(h1.encoding()).isEqualTo("hashtable");
        assertThat(members(h1)).containsExactly("foo");
        RedisSet z = decode(Z);
        assertThat(z.size()).isEqualTo(41);
        assertThat(z.contains(b("1099511627776"))).isTrue();
        assertThat(dump(z)).isEqualTo(Z);
    }

    @Test
    void roundTrips() throws Exception {
        RedisSet mixed = set("a", "1", "", "\u00ff\r\n", "x".repeat(300));
        RedisSet back = (RedisSet) DumpPayload.decode(DumpPayload.create(mixed, CODEC, true), CODEC);
        assertThat(members(back)).isEqualTo(members(mixed));
        assertThat(back.encoding()).isEqualTo("hashtable");
        RedisSet many = RedisSet.forMember(b("m"));
        for (int i = 0; i < 5000; i++) many.add(b("m" + i), 512);
        back = (RedisSet) DumpPayload.decode(DumpPayload.create(many, CODEC, false), CODEC);
        assertThat(members(back)).isEqualTo(members(many));
        // a hashtable of integers only (above the threshold when written) loads as a hashtable
        RedisSet ints = RedisSet.emptyIntset();
        for (int i = 0; i < 600; i++) ints.addLong(i, 512);
        assertThat(ints.encoding()).isEqualTo("hashtable");
        back = (RedisSet) DumpPayload.decode(DumpPayload.create(ints, CODEC, true), CODEC);
        assertThat(back.encoding()).isEqualTo("hashtable");
        assertThat(back.size()).isEqualTo(600);
    }

    @Test
    void loadingFollowsTheThresholdInForce() throws Exception {
        SetCodec.maxIntsetEntries(2);
        assertThat(decode(I1).encoding()).isEqualTo("hashtable");
        // a type-2 set of integers within the threshold becomes an intset
        SetCodec.maxIntsetEntries(512);
        RedisSet ints = RedisSet.emptyIntset();
        for (int i = 0; i < 600; i++) ints.addLong(i, 512);
        SetCodec.maxIntsetEntries(1000);
        RedisSet back = (RedisSet) DumpPayload.decode(DumpPayload.create(ints, CODEC, true), CODEC);
        assertThat(back.encoding()).isEqualTo("intset");
        assertThat(back.size()).isEqualTo(600);
    }

    @Test
    void corruptPayloadsAreRejected() {
        String[] bodies = {
            "0b0e0300000003000000010002000300",   // width 3
            "0b0e0200000004000000010002000300",   // count beyond the blob
            "0b080200000000000000",               // empty intset
            "0b0e0200000003000000030002000100",   // not ascending
            "0b0e0200000003000000010001000300",   // duplicate
            "0b03616263",                         // too short for an intset
            "0202016101" + "61",                  // duplicate strings
            "0202c001c001",                       // duplicate integers (intset path)
            "0203c00101610161",                   // duplicate after conversion
            "0200",                               // empty set
            "020301610162",                       // truncated
            "02ff",                               // bad length
        };
        for (String body : bodies) {
            byte[] p = withFooter(hex(body));
            assertThatThrownBy(() -> DumpPayload.decode(p, CODEC)).as(body).isInstanceOf(RdbException.class);
        }
    }

    @Test
    void anEmptySetIsAnEmptyKey() {
        byte[] p = withFooter(hex("0200"));
        assertThatThrownBy(() -> DumpPayload.decode(p, CODEC)).isInstanceOf(EmptyKeyException.class);
    }

    @Test
    void truncationsNeverCrash() {
        byte[] full = DumpPayload.create(set("a", "b", "c", "1"), CODEC, false);
        byte[] body = java.util.Arrays.copyOf(full, full.length - 10);
        for (int n = 1; n < body.length; n++) {
            byte[] p = withFooter(java.util.Arrays.copyOf(body, n));
            // Like Redis, a body may run into the footer bytes and still parse; anything else
            // must be a clean RdbException ("Bad data format"), never another exception.
            try {
                Object v = DumpPayload.decode(p, CODEC);
                assertThat(v).isInstanceOf(RedisSet.class);
                assertThat(((RedisSet) v).size()).isPositive();
            } catch (RdbException expected) {
                // fine
            }
        }
    }

    @Test
    void freezeIsACopy() {
        RedisSet s = set("1", "2");
        RedisSet f = (RedisSet) CODEC.freeze(s);
        s.add(b("3"), 512);
        assertThat(f.size()).isEqualTo(2);
    }

    /** Appends RDB version 10 and a correct CRC64, as DUMP does. */
    static byte[] withFooter(byte[] body) {
        byte[] p = java.util.Arrays.copyOf(body, body.length + 10);
        p[body.length] = 10;
        p[body.length + 1] = 0;
        long crc = Crc64.update(0, p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }
}
