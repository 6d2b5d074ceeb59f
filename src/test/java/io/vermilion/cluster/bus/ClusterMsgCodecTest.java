package io.vermilion.cluster.bus;

import static io.vermilion.cluster.bus.ClusterMsgLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.vermilion.cluster.NodeFlags;
import io.vermilion.cluster.SlotBitmap;
import io.vermilion.cluster.SlotRange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterMsgCodecTest {
    static final String A = "0123456789abcdef0123456789abcdef01234567";
    static final String B = "fedcba9876543210fedcba9876543210fedcba98";
    static final String C = "00000000000000000000000000000000000000cc";

    static ClusterMsgHeader header(MessageType t) {
        return ClusterMsgHeader.builder().type(t).port(7000).cport(17000).pport(6999)
                .currentEpoch(0x0102030405060708L).configEpoch(42).offset(-2L)
                .sender(A).myslots(SlotBitmap.of(0, 1, 7, 8, 16383)).slaveof(B).myip("10.1.2.3")
                .flags(NodeFlags.SLAVE | NodeFlags.MYSELF).state(CLUSTER_FAIL).mflags(FLAG0_PAUSED, 0, 0).build();
    }

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = ClusterMsgCodecTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesPongCapturedFromRealRedisAndReencodesItByteForByte() throws Exception {
        byte[] wire = fixture("pong-3node-hostname.bin");
        ClusterMsg m = ClusterMsgCodec.decode(wire);
        ClusterMsgHeader h = m.header();
        assertThat(m.messageType()).isEqualTo(MessageType.PONG);
        assertThat(h.sender()).isEqualTo("c0c87d01243e3e65350246133125a261c97b5fe6");
        assertThat(h.port()).isEqualTo(21911);
        assertThat(h.cport()).isEqualTo(31911);
        assertThat(h.pport()).isEqualTo(0);
        assertThat(h.currentEpoch()).isEqualTo(3);
        assertThat(h.configEpoch()).isEqualTo(1);
        assertThat(h.offset()).isEqualTo(0);
        assertThat(h.flags()).isEqualTo(NodeFlags.MYSELF | NodeFlags.MASTER);
        assertThat(h.slaveof()).isNull();
        assertThat(h.myip()).isEmpty();
        assertThat(h.state()).isEqualTo(CLUSTER_OK);
        assertThat(h.mflags0()).isEqualTo(FLAG0_EXT_DATA);
        assertThat(h.myslots().ranges()).containsExactly(new SlotRange(0, 5460));
        MsgBody.Ping body = (MsgBody.Ping) m.body();
        assertThat(body.gossip()).extracting(GossipEntry::nodeName).containsExactlyInAnyOrder(
                "eab760e005a6d66a5e5e15090c1f1559e1fe59de", "69d79602843265da23d3d0b2871ccf5ab179d122");
        for (GossipEntry g : body.gossip()) {
            assertThat(g.ip()).isEqualTo("127.0.0.1");
            assertThat(g.cport()).isEqualTo(g.port() + 10000);
            assertThat(g.flags()).isEqualTo(NodeFlags.MASTER);
            assertThat(g.pingSent()).isZero();
            assertThat(g.pongReceived()).isGreaterThan(1_600_000_000L); // unix seconds
        }
        assertThat(body.extensions()).containsExactly(new PingExt.Hostname("node-21911.test"));
        assertThat(body.hostname()).contains("node-21911.test");

        assertThat(ClusterMsgCodec.encode(m)).isEqualTo(wire);
    }

    @Test
    void headerFieldsSitAtRedisOffsetsInNetworkOrder() throws Exception {
        ClusterMsg m = ClusterMsg.ping(MessageType.MEET, header(MessageType.MEET),
                List.of(new GossipEntry(C, 1_700_000_000L, 0xfffffffeL, "::1", 7001, 17001, NodeFlags.MASTER, 6001)),
                List.of());
        byte[] b = ClusterMsgCodec.encode(m);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN);
        assertThat(b).hasSize(2256 + 104);
        assertThat(Arrays.copyOfRange(b, 0, 4)).isEqualTo("RCmb".getBytes(StandardCharsets.US_ASCII));
        assertThat(bb.getInt(4)).isEqualTo(2360);
        assertThat(bb.getShort(8)).isEqualTo((short) 1);
        assertThat(bb.getShort(10) & 0xffff).isEqualTo(7000);
        assertThat(bb.getShort(12)).isEqualTo((short) 2);
        assertThat(bb.getShort(14)).isEqualTo((short) 1);
        assertThat(bb.getLong(16)).isEqualTo(0x0102030405060708L);
        assertThat(b[16]).isEqualTo((byte) 1); // most significant byte first
        assertThat(bb.getLong(24)).isEqualTo(42);
        assertThat(bb.getLong(32)).isEqualTo(-2L);
        assertThat(new String(b, 40, 40, StandardCharsets.US_ASCII)).isEqualTo(A);
        // slot bitmap: slot s is bit (s & 7) of byte s >> 3
        assertThat(b[80]).isEqualTo((byte) 0b1000_0011); // slots 0, 1, 7
        assertThat(b[81]).isEqualTo((byte) 0b0000_0001); // slot 8
        assertThat(b[82]).isZero();                       // no slot 16..23
        assertThat(b[80 + 2047]).isEqualTo((byte) 0b1000_0000); // slot 16383
        assertThat(new String(b, 2128, 40, StandardCharsets.US_ASCII)).isEqualTo(B);
        assertThat(new String(b, 2168, 8, StandardCharsets.US_ASCII)).isEqualTo("10.1.2.3");
        assertThat(b[2176]).isZero();
        assertThat(bb.getShort(2214)).isEqualTo((short) 0); // extensions
        for (int i = 2216; i < 2246; i++) assertThat(b[i]).isZero();
        assertThat(bb.getShort(2246) & 0xffff).isEqualTo(6999);
        assertThat(bb.getShort(2248) & 0xffff).isEqualTo(17000);
        assertThat(bb.getShort(2250)).isEqualTo((short) (NodeFlags.SLAVE | NodeFlags.MYSELF));
        assertThat(b[2252]).isEqualTo((byte) 1);
        assertThat(b[2253]).isEqualTo((byte) FLAG0_PAUSED);
        assertThat(b[2254]).isZero();
        assertThat(b[2255]).isZero();
        int g = 2256;
        assertThat(new String(b, g, 40, StandardCharsets.US_ASCII)).isEqualTo(C);
        assertThat(bb.getInt(g + 40)).isEqualTo(1_700_000_000);
        assertThat(bb.getInt(g + 44) & 0xffffffffL).isEqualTo(0xfffffffeL);
        assertThat(new String(b, g + 48, 3, StandardCharsets.US_ASCII)).isEqualTo("::1");
        assertThat(b[g + 51]).isZero();
        assertThat(bb.getShort(g + 94) & 0xffff).isEqualTo(7001);
        assertThat(bb.getShort(g + 96) & 0xffff).isEqualTo(17001);
        assertThat(bb.getShort(g + 98)).isEqualTo((short) NodeFlags.MASTER);
        assertThat(bb.getShort(g + 100) & 0xffff).isEqualTo(6001);
        assertThat(bb.getShort(g + 102)).isZero();

        assertThat(ClusterMsgCodec.decode(b)).isEqualTo(m);
    }

    @Test
    void hostnameExtensionIsNulTerminatedPaddedAndFlagged() throws Exception {
        ClusterMsg m = ClusterMsg.ping(MessageType.PING, header(MessageType.PING), List.of(),
                List.of(new PingExt.Hostname("abcdefg"))); // 7 chars + NUL = 8: no padding
        byte[] b = ClusterMsgCodec.encode(m);
        ByteBuffer bb = ByteBuffer.wrap(b);
        assertThat(b).hasSize(2256 + 16);
        assertThat(bb.getShort(2214)).isEqualTo((short) 1);
        assertThat(b[2253] & FLAG0_EXT_DATA).isNotZero();
        assertThat(bb.getInt(2256)).isEqualTo(16);
        assertThat(bb.getShort(2260)).isEqualTo((short) 0);
        assertThat(bb.getShort(2262)).isEqualTo((short) 0);
        assertThat(new String(b, 2264, 7, StandardCharsets.US_ASCII)).isEqualTo("abcdefg");
        assertThat(b[2271]).isZero();
        assertThat(ClusterMsgCodec.decode(b)).isEqualTo(m);

        ClusterMsg longer = ClusterMsg.ping(MessageType.PONG, header(MessageType.PONG), List.of(),
                List.of(new PingExt.Hostname("abcdefgh"))); // 9 bytes with NUL -> 16
        assertThat(ClusterMsgCodec.encode(longer)).hasSize(2256 + 8 + 16);
    }

    @Test
    void unknownExtensionTypesAreKeptNotInterpreted() throws Exception {
        byte[] payload = new byte[16];
        payload[0] = 'x';
        ClusterMsg m = ClusterMsg.ping(MessageType.PING, header(MessageType.PING), List.of(),
                List.of(new PingExt.Unknown(1, payload), new PingExt.Hostname("h")));
        ClusterMsg back = ClusterMsgCodec.decode(ClusterMsgCodec.encode(m));
        assertThat(back).isEqualTo(m);
        assertThat(((MsgBody.Ping) back.body()).hostname()).contains("h");
    }

    @Test
    void everyTypeRoundTrips() throws Exception {
        SlotBitmap slots = new SlotBitmap();
        slots.setRange(100, 200);
        List<ClusterMsg> msgs = List.of(
                ClusterMsg.ping(MessageType.PING, header(MessageType.PING), List.of(), List.of()),
                ClusterMsg.ping(MessageType.PONG, header(MessageType.PING), List.of(
                        new GossipEntry(B, 1, 2, "127.0.0.1", 1, 2, 3, 4),
                        new GossipEntry(C, 0, 0, "", 0, 0, NodeFlags.NOADDR, 0)), List.of(new PingExt.Hostname(""))),
                ClusterMsg.fail(header(MessageType.PING), C),
                ClusterMsg.publish(false, header(MessageType.PING), "ch\0an".getBytes(StandardCharsets.ISO_8859_1),
                        new byte[] {0, (byte) 0xff, 10, 13}),
                ClusterMsg.publish(true, header(MessageType.PING), new byte[0], new byte[0]),
                ClusterMsg.headerOnly(MessageType.FAILOVER_AUTH_REQUEST, header(MessageType.PING).toBuilder()
                        .mflags0(FLAG0_FORCEACK).build()),
                ClusterMsg.headerOnly(MessageType.FAILOVER_AUTH_ACK, header(MessageType.PING)),
                ClusterMsg.headerOnly(MessageType.MFSTART, header(MessageType.PING)),
                ClusterMsg.update(header(MessageType.PING), 0xffffffffffffffffL, C, slots),
                ClusterMsg.module(header(MessageType.PING), 0x1122334455667788L, 255, new byte[] {1, 2, 3}),
                new ClusterMsg(header(MessageType.PING).toBuilder().type(4242).build(),
                        new MsgBody.Unknown(3, 1, new byte[] {9, 9, 9})));
        for (ClusterMsg m : msgs) {
            byte[] b = ClusterMsgCodec.encode(m);
            assertThat(ByteBuffer.wrap(b).getInt(4)).isEqualTo(b.length);
            assertThat(ClusterMsgCodec.decode(b)).as(m.toString()).isEqualTo(m);
        }
    }

    @Test
    void bodyLayoutsOfFixedTypes() throws Exception {
        byte[] fail = ClusterMsgCodec.encode(ClusterMsg.fail(header(MessageType.FAIL), C));
        assertThat(fail).hasSize(2296);
        assertThat(new String(fail, 2256, 40, StandardCharsets.US_ASCII)).isEqualTo(C);

        byte[] upd = ClusterMsgCodec.encode(ClusterMsg.update(header(MessageType.UPDATE), 5, B, SlotBitmap.of(9)));
        assertThat(upd).hasSize(4352);
        assertThat(ByteBuffer.wrap(upd).getLong(2256)).isEqualTo(5);
        assertThat(new String(upd, 2264, 40, StandardCharsets.US_ASCII)).isEqualTo(B);
        assertThat(upd[2304 + 1]).isEqualTo((byte) 0b10); // slot 9

        byte[] pub = ClusterMsgCodec.encode(ClusterMsg.publish(false, header(MessageType.PUBLISH),
                "abc".getBytes(StandardCharsets.US_ASCII), "hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(pub).hasSize(2256 + 8 + 3 + 5);
        assertThat(ByteBuffer.wrap(pub).getInt(2256)).isEqualTo(3);
        assertThat(ByteBuffer.wrap(pub).getInt(2260)).isEqualTo(5);
        assertThat(new String(pub, 2264, 8, StandardCharsets.US_ASCII)).isEqualTo("abchello");

        byte[] mod = ClusterMsgCodec.encode(ClusterMsg.module(header(MessageType.MODULE), 0x0807060504030201L, 7,
                new byte[] {42}));
        assertThat(mod).hasSize(2256 + 13 + 1);
        // module_id is not byte-swapped by Redis: it is the sender's in-memory (little-endian) value.
        assertThat(Arrays.copyOfRange(mod, 2256, 2264)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(ByteBuffer.wrap(mod).getInt(2264)).isEqualTo(1);
        assertThat(mod[2268]).isEqualTo((byte) 7);
        assertThat(mod[2269]).isEqualTo((byte) 42);

        byte[] ack = ClusterMsgCodec.encode(ClusterMsg.headerOnly(MessageType.FAILOVER_AUTH_ACK, header(MessageType.PING)));
        assertThat(ack).hasSize(2256);
    }

    @Test
    void typeAndBodyMustAgree() {
        assertThatThrownBy(() -> new ClusterMsg(header(MessageType.FAIL), MsgBody.Ping.empty()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClusterMsg(header(MessageType.PING).toBuilder().type(11).build(), MsgBody.Empty.INSTANCE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ validation

    static byte[] valid() {
        return ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.PING, header(MessageType.PING),
                List.of(new GossipEntry(C, 0, 0, "127.0.0.1", 1, 2, 3, 4)), List.of(new PingExt.Hostname("host"))));
    }

    static BusProtocolException decodeFails(byte[] b) {
        try {
            ClusterMsgCodec.decode(b);
        } catch (BusProtocolException e) {
            return e;
        }
        return fail("decoded invalid bytes");
    }

    @Test
    void frameErrorsCloseTheLink() {
        byte[] b = valid();
        b[0] = 'X';
        BusProtocolException e = decodeFails(b);
        assertThat(e.closesLink()).isTrue();
        assertThat(e.getMessage()).contains("Bad message length or signature");

        byte[] small = Arrays.copyOf(valid(), 2255);
        ByteBuffer.wrap(small).putInt(4, 2255);
        assertThat(decodeFails(small).kind()).isEqualTo(BusProtocolException.Kind.BAD_FRAME);
        assertThat(decodeFails(small).getMessage()).contains("totlen 2255 below minimum 2256");

        assertThat(decodeFails(Arrays.copyOf(valid(), 100)).getMessage()).contains("totlen says");
        assertThat(decodeFails(new byte[3]).closesLink()).isTrue();
        assertThat(decodeFails(new byte[0]).closesLink()).isTrue();
    }

    @Test
    void wrongVersionDropsThePacketOnly() {
        byte[] b = valid();
        ByteBuffer.wrap(b).putShort(8, (short) 2);
        BusProtocolException e = decodeFails(b);
        assertThat(e.closesLink()).isFalse();
        assertThat(e.getMessage()).contains("version 2");
    }

    @Test
    void lengthMustMatchTheType() {
        byte[] ping = ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.PING, header(MessageType.PING), List.of(), List.of()));
        ByteBuffer.wrap(ping).putShort(14, (short) 1); // claims one gossip entry, has none
        BusProtocolException e = decodeFails(ping);
        assertThat(e.kind()).isEqualTo(BusProtocolException.Kind.BAD_PACKET);
        assertThat(e.getMessage()).isEqualTo("Received invalid ping packet with gossip count 1 that exceeds total packet length (2256)");

        byte[] fail = Arrays.copyOf(ClusterMsgCodec.encode(ClusterMsg.fail(header(MessageType.FAIL), C)), 2297);
        ByteBuffer.wrap(fail).putInt(4, 2297);
        assertThat(decodeFails(fail).getMessage()).isEqualTo("Received invalid fail packet of length 2297 but expected length 2296");

        byte[] pub = ClusterMsgCodec.encode(ClusterMsg.publish(false, header(MessageType.PUBLISH), new byte[2], new byte[3]));
        ByteBuffer.wrap(pub).putInt(2260, 4);
        assertThat(decodeFails(pub).getMessage()).isEqualTo("Received invalid publish packet of length 2269 but expected length 2270");
        ByteBuffer.wrap(pub).putInt(2260, -1); // 0xffffffff: no 32-bit wrap-around can make it match
        assertThat(decodeFails(pub).closesLink()).isFalse();

        byte[] ack = ClusterMsgCodec.encode(ClusterMsg.headerOnly(MessageType.FAILOVER_AUTH_ACK, header(MessageType.PING)));
        byte[] ackLong = Arrays.copyOf(ack, 2264);
        ByteBuffer.wrap(ackLong).putInt(4, 2264);
        assertThat(decodeFails(ackLong).getMessage()).isEqualTo("Received invalid auth-ack packet of length 2264 but expected length 2256");

        // A PUBLISH/MODULE/UPDATE frame too short to even hold its fixed part.
        byte[] shortPub = Arrays.copyOf(ack, 2256);
        ByteBuffer.wrap(shortPub).putShort(12, (short) MessageType.PUBLISH.code());
        assertThat(decodeFails(shortPub).getMessage()).contains("publish packet of length 2256");
        ByteBuffer.wrap(shortPub).putShort(12, (short) MessageType.MODULE.code());
        assertThat(decodeFails(shortPub).getMessage()).contains("module packet of length 2256 but expected length 2269");
        ByteBuffer.wrap(shortPub).putShort(12, (short) MessageType.UPDATE.code());
        assertThat(decodeFails(shortPub).getMessage()).contains("expected length 4352");
    }

    @Test
    void extensionsAreValidatedOnlyWithTheExtDataFlag() throws Exception {
        byte[] b = valid(); // 1 gossip + hostname ext "host" (16 bytes)
        int ext = 2256 + 104;
        // Without the flag the extension bytes are unexpected: length mismatch.
        byte[] noFlag = b.clone();
        noFlag[2253] = 0;
        assertThat(decodeFails(noFlag).getMessage())
                .isEqualTo("Received invalid ping packet of length 2376 but expected length 2360");

        byte[] badPad = b.clone();
        ByteBuffer.wrap(badPad).putInt(ext, 12);
        assertThat(decodeFails(badPad).getMessage()).isEqualTo("Received a ping packet without proper padding (12 bytes)");

        byte[] tooLong = b.clone();
        ByteBuffer.wrap(tooLong).putInt(ext, 24);
        assertThat(decodeFails(tooLong).getMessage())
                .isEqualTo("Received invalid ping packet with extension data that exceeds total packet length (2376)");

        byte[] twoClaimed = b.clone();
        ByteBuffer.wrap(twoClaimed).putShort(2214, (short) 2); // second extension has no bytes
        assertThat(decodeFails(twoClaimed).getMessage()).contains("exceeds total packet length");

        byte[] zeroLen = b.clone();
        ByteBuffer.wrap(zeroLen).putInt(ext, 0);
        // deb12u10: a zero length is bad padding.
        assertThat(decodeFails(zeroLen).getMessage()).isEqualTo("Received a ping packet without proper padding (0 bytes)");

        String noTerminator = "Received ping packet with missing null terminator in extension type 0";
        byte[] headerOnly = b.clone();
        ByteBuffer.wrap(headerOnly).putInt(ext, 8); // hostname with no payload at all
        assertThat(decodeFails(headerOnly).getMessage()).isEqualTo(noTerminator);

        byte[] noNul = b.clone();
        noNul[ext + 15] = 'x'; // payload "host\0\0\0x": its last byte is not NUL
        assertThat(decodeFails(noNul).getMessage()).isEqualTo(noTerminator);
        byte[] unterminated = b.clone();
        for (int i = 12; i < 16; i++) unterminated[ext + i] = 'y'; // "hostyyyy": no NUL at all
        assertThat(decodeFails(unterminated).getMessage()).isEqualTo(noTerminator);

        // Lengths are compared modulo 65536, as Redis does: 65536 + 16 passes as 16.
        byte[] wrapped = b.clone();
        ByteBuffer.wrap(wrapped).putInt(ext, 65536 + 16);
        assertThat(((MsgBody.Ping) ClusterMsgCodec.decode(wrapped).body()).hostname()).contains("host");

        // Other extension types need no terminator.
        byte[] other = b.clone();
        ByteBuffer.wrap(other).putShort(ext + 4, (short) 1);
        other[ext + 15] = 'x';
        assertThat(((MsgBody.Ping) ClusterMsgCodec.decode(other).body()).extensions().get(0).type()).isEqualTo(1);

        byte[] gossipBeyond = b.clone();
        ByteBuffer.wrap(gossipBeyond).putShort(14, (short) 2);
        assertThat(decodeFails(gossipBeyond).getMessage())
                .isEqualTo("Received invalid ping packet with gossip count 2 that exceeds total packet length (2376)");

        // Flag set, extension count 0, no extension bytes: fine (the count field is what loops).
        byte[] plain = ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.PING, header(MessageType.PING), List.of(), List.of()));
        plain[2253] |= FLAG0_EXT_DATA;
        assertThat(((MsgBody.Ping) ClusterMsgCodec.decode(plain).body()).extensions()).isEmpty();
        // Count without flag: extensions are not looked at.
        byte[] countNoFlag = ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.PING, header(MessageType.PING), List.of(), List.of()));
        ByteBuffer.wrap(countNoFlag).putShort(2214, (short) 3);
        assertThat(((MsgBody.Ping) ClusterMsgCodec.decode(countNoFlag).body()).extensions()).isEmpty();
    }

    @Test
    void unknownTypesAreAcceptedWhateverTheirLength() throws Exception {
        byte[] b = Arrays.copyOf(valid(), 3000);
        ByteBuffer.wrap(b).putInt(4, 3000).putShort(12, (short) 11);
        ClusterMsg m = ClusterMsgCodec.decode(b);
        assertThat(m.messageType()).isNull();
        assertThat(m.type()).isEqualTo(11);
        assertThat(((MsgBody.Unknown) m.body()).data()).hasSize(3000 - 2256);
        assertThat(ClusterMsgCodec.encode(m)).isEqualTo(b);
    }

    // ------------------------------------------------------------------ robustness

    @Test
    void randomBytesOnlyEverRaiseBusProtocolException() {
        Random r = new Random(0xC0FFEE);
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[r.nextInt(6000)];
            r.nextBytes(b);
            if (i % 2 == 0 && b.length >= 8) { // half of them get a plausible prefix
                System.arraycopy(SIGNATURE, 0, b, 0, 4);
                ByteBuffer.wrap(b).putInt(4, b.length);
                if (b.length >= 10) ByteBuffer.wrap(b).putShort(8, (short) 1);
                if (b.length >= 14) ByteBuffer.wrap(b).putShort(12, (short) r.nextInt(12));
            }
            decodeNeverThrowsUnchecked(b);
        }
    }

    @Test
    void mutatedAndTruncatedValidFramesOnlyEverRaiseBusProtocolException() throws Exception {
        Random r = new Random(42);
        List<byte[]> seeds = List.of(valid(), fixture("pong-3node-hostname.bin"),
                ClusterMsgCodec.encode(ClusterMsg.publish(false, header(MessageType.PUBLISH), new byte[5], new byte[7])),
                ClusterMsgCodec.encode(ClusterMsg.module(header(MessageType.MODULE), 1, 2, new byte[9])),
                ClusterMsgCodec.encode(ClusterMsg.update(header(MessageType.UPDATE), 1, C, SlotBitmap.of(1))));
        int[] hot = {4, 5, 6, 7, 8, 9, 12, 13, 14, 15, 2214, 2215, 2253, 2256, 2257, 2258, 2259, 2260, 2261, 2262,
                2263, 2264, 2265, 2266, 2267, 2360, 2361, 2362, 2363, 2364, 2365};
        for (byte[] seed : seeds) {
            for (int cut = 0; cut <= seed.length; cut += (cut < 2300 ? 1 : 37)) {
                decodeNeverThrowsUnchecked(Arrays.copyOf(seed, cut));
            }
            for (int i = 0; i < 2000; i++) {
                byte[] b = seed.clone();
                int flips = 1 + r.nextInt(4);
                for (int f = 0; f < flips; f++) {
                    int pos = r.nextBoolean() ? hot[r.nextInt(hot.length)] : r.nextInt(b.length);
                    if (pos < b.length) b[pos] = (byte) r.nextInt(256);
                }
                decodeNeverThrowsUnchecked(b);
            }
        }
    }

    private static void decodeNeverThrowsUnchecked(byte[] b) {
        try {
            ClusterMsg m = ClusterMsgCodec.decode(b);
            // Whatever decodes must survive our own encoder and decoder unchanged.
            assertThat(ClusterMsgCodec.decode(ClusterMsgCodec.encode(m))).isEqualTo(m);
        } catch (BusProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
