package io.vermilion.persistence.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.types.QuickList;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** List DUMP payloads compared with redis-server 7.0.15's bytes, round trips, corrupt input. */
class ListCodecTest {
    static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }
    static final HexFormat HEX = HexFormat.of();

    static QuickList list(int fill, String... items) {
        QuickList ql = new QuickList(fill);
        for (String s : items) ql.pushTail(b(s));
        return ql;
    }

    static String dump(QuickList ql, boolean compress) {
        return HEX.formatHex(DumpPayload.create(ql, Codecs.ALL, compress));
    }

    @Test
    void sameBytesAsRedis() {
        assertThat(dump(list(-2, "1", "2", "3", "hello"), true))
                .isEqualTo("120102141400000004000101020103018568656c6c6f06ff0a00e97fac5981dc7527");
        QuickList c3 = list(3, "1", "2", "3", "4", "5", "6", "7", "8");
        QuickList.Cursor c = c3.cursor(false);
        c.next();
        c.insert(true, b("x"));
        assertThat(dump(c3, true)).isEqualTo("1204020b0b000000020001010201ff020c0c00000002008178020301ff020d0d0000000300040105010601ff020b0b000000020007010801ff0a00e532d60b35315f8f");
        String a20 = "a".repeat(20);
        QuickList big = list(-2, a20, a20, a20, a20, "-5000", "70000");
        assertThat(dump(big, true)).isEqualTo("120102c31c4068076800000006009461e00a000015e0391509f178ec03f270110104ff0a00dd87308adf3dbab3");
        assertThat(dump(big, false)).isEqualTo("120102406868000000060094616161616161616161616161616161616161616115946161616161616161616161616161616161616161159461616161616161616161616161616161616161611594616161616161616161616161616161616161616115f178ec03f270110104ff0a00efd73bb1f52bf1fb");
    }

    @Test
    void roundTripsKeepNodesAndElements() throws Exception {
        QuickList ql = new QuickList(4);
        for (int i = 0; i < 50; i++) ql.pushTail(b(i % 3 == 0 ? Integer.toString(i * 1000) : "s" + i));
        QuickList back = (QuickList) DumpPayload.decode(DumpPayload.create(ql, Codecs.ALL, true), Codecs.ALL);
        assertThat(back.size()).isEqualTo(50);
        assertThat(back.nodeCount()).isEqualTo(ql.nodeCount());
        assertThat(dump(back, true)).isEqualTo(dump(ql, true));
        assertThat(Codecs.ALL.freeze(ql)).isNotSameAs(ql);
    }

    static byte[] payload(String bodyHex) {
        // body + RDB version 10 + CRC64 (Redis's jones polynomial)
        byte[] body = HEX.parseHex(bodyHex);
        byte[] p = new byte[body.length + 10];
        System.arraycopy(body, 0, p, 0, body.length);
        p[body.length] = 10;
        long crc = Crc64.update(0, p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        return p;
    }

    @Test
    void legacyEncodingsLoad() throws Exception {
        // type 1: a length and plain strings
        QuickList l1 = (QuickList) DumpPayload.decode(payload("0102016101" + "62"), Codecs.ALL);
        assertThat(l1.size()).isEqualTo(2);
        // type 10: ziplist ["a", 5]
        String zl = "100000000d000000020000016103f6ff";
        QuickList l10 = (QuickList) DumpPayload.decode(payload("0a10" + zl), Codecs.ALL);
        assertThat(new String(l10.get(0), StandardCharsets.ISO_8859_1)).isEqualTo("a");
        assertThat(new String(l10.get(1), StandardCharsets.ISO_8859_1)).isEqualTo("5");
        // type 14: two ziplist nodes, kept as two listpack nodes
        QuickList l14 = (QuickList) DumpPayload.decode(payload("0e0210" + zl + "10" + zl), Codecs.ALL);
        assertThat(l14.nodeCount()).isEqualTo(2);
        assertThat(l14.size()).isEqualTo(4);
        // type 18 with a PLAIN node
        QuickList plain = (QuickList) DumpPayload.decode(payload("120101037879 7a".replace(" ", "")), Codecs.ALL);
        assertThat(plain.nodeCount()).isEqualTo(1);
        assertThat(plain.node(0)).isInstanceOf(byte[].class);
    }

    @Test
    void corruptPayloadsAreRefused() {
        String lp = "1400000004000101020103018568656c6c6f06ff";
        for (String bad : List.of(
                "120103" + "14" + lp,                          // container 3
                "120102" + "14" + "15" + lp.substring(2),      // listpack size wrong
                "120102" + "14" + lp.substring(0, 8) + "05" + lp.substring(10), // count wrong
                "120102" + "14" + lp.substring(0, lp.length() - 2) + "fe",      // no terminator
                "1200",                                        // no nodes: empty list
                "12010200",                                    // empty node
                "12010207070000000000ff",                     // only an empty listpack
                "120202" + "14" + lp,                          // truncated
                "0100",                                        // type 1, empty
                "0a10100000000d000000020000016103f600",        // ziplist without terminator
                "0e0110100000000d000000020000016104f6ff")) {   // ziplist prevlen wrong
            assertThatThrownBy(() -> DumpPayload.decode(payload(bad), Codecs.ALL)).as(bad).isInstanceOf(RdbException.class);
        }
    }
}
