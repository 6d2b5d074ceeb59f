package io.vermilion.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.cluster.ClusterNodeInfo;
import io.vermilion.cluster.ClusterNodesFormat;
import io.vermilion.cluster.LinkState;
import io.vermilion.cluster.NodeFlags;
import io.vermilion.cluster.NodeId;
import io.vermilion.cluster.SlotBitmap;
import io.vermilion.cluster.SlotRange;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * Interop proof against a real redis-server 7.0 in cluster mode: our codec builds the messages we
 * send on its bus port, our frame reader and decoder read what it sends back. The garbage tests
 * document what Redis does with bad bytes, which our node has to mirror.
 */
class BusWireIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServerProcess redis;

    @AfterEach
    void stop() {
        if (redis != null) redis.close();
    }

    private ServerProcess startRedis(String... extra) throws Exception {
        String[] args = new String[extra.length + 2];
        args[0] = "--cluster-enabled";
        args[1] = "yes";
        System.arraycopy(extra, 0, args, 2, extra.length);
        redis = ServerProcess.redis(args);
        return redis;
    }

    private Jedis client() {
        return new Jedis("127.0.0.1", redis.port(), 30_000);
    }

    /** Header describing our fake node: a master without slots, address learnt from the socket. */
    private static ClusterMsgHeader.Builder ours(String id, int port) {
        return ClusterMsgHeader.builder().sender(id).port(port).cport(port + 10000)
                .flags(NodeFlags.MASTER).state(ClusterMsgLayout.CLUSTER_OK);
    }

    private static ClusterMsg meet(String id, int port) {
        return ClusterMsg.ping(MessageType.MEET, ours(id, port).build(), List.of(), List.of());
    }

    private static long infoField(Jedis j, String field) {
        for (String line : j.clusterInfo().split("\r\n")) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1));
        }
        // Redis prints the per-type message counters only once they are non-zero.
        if (field.startsWith("cluster_stats_messages_")) return 0;
        throw new AssertionError("no " + field + " in CLUSTER INFO");
    }

    private static Optional<ClusterNodeInfo> nodeLine(Jedis j, String id) throws Exception {
        return ClusterNodesFormat.parseAll(j.clusterNodes()).stream().filter(n -> n.id().equals(id)).findFirst();
    }

    @Test
    void meetHandshakePublishAndUpdateWithRealRedis() throws Exception {
        startRedis("--cluster-announce-hostname", "real-node.test");
        String realId;
        try (Jedis j = client()) {
            realId = j.clusterMyId();
            assertThat(j.clusterAddSlotsRange(0, 99)).isEqualTo("OK");
            assertThat(j.clusterAddSlots(5000)).isEqualTo("OK");
            assertThat(j.sendCommand(Protocol.Command.CLUSTER, "SET-CONFIG-EPOCH", "7"))
                    .isEqualTo("OK".getBytes(StandardCharsets.US_ASCII));
        }
        int busPort = redis.port() + 10000;
        String ourId = NodeId.random();
        int ourPort = Ports.free();

        // Our bus port: the real node connects here once it has met us.
        try (ServerSocket ourBus = new ServerSocket()) {
            ourBus.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ourPort + 10000));
            ourBus.setSoTimeout((int) WAIT.toMillis());

            try (BusPeer out = BusPeer.connect(busPort); Jedis j = client()) {
                // 1. MEET -> PONG, decoded by our reader.
                out.send(meet(ourId, ourPort));
                ClusterMsg pong = out.await(MessageType.PONG, WAIT);
                ClusterMsgHeader h = pong.header();
                assertThat(h.sender()).isEqualTo(realId);
                assertThat(h.port()).isEqualTo(redis.port());
                assertThat(h.cport()).isEqualTo(busPort);
                assertThat(h.pport()).isZero();
                assertThat(h.flags()).isEqualTo(NodeFlags.MYSELF | NodeFlags.MASTER);
                assertThat(h.slaveof()).isNull();
                assertThat(h.myip()).isEmpty(); // no cluster-announce-ip
                assertThat(h.myslots().ranges()).containsExactly(new SlotRange(0, 99), SlotRange.single(5000));
                assertThat(h.configEpoch()).isEqualTo(7).isEqualTo(infoField(j, "cluster_my_epoch"));
                assertThat(h.currentEpoch()).isEqualTo(infoField(j, "cluster_current_epoch"));
                // Only 101 of 16384 slots are covered: the sender's view is "fail".
                assertThat(h.state()).isEqualTo(ClusterMsgLayout.CLUSTER_FAIL);
                assertThat(j.clusterInfo()).contains("cluster_state:fail");
                MsgBody.Ping body = (MsgBody.Ping) pong.body();
                assertThat(body.gossip()).isEmpty(); // it knows only itself and our handshake entry
                assertThat(body.hostname()).contains("real-node.test");
                assertThat(h.hasMflag0(ClusterMsgLayout.FLAG0_EXT_DATA)).isTrue();

                // Meanwhile it lists us in handshake under a random name, at the address it saw.
                await().atMost(WAIT).until(() -> j.clusterNodes().contains(
                        "127.0.0.1:" + ourPort + "@" + (ourPort + 10000) + " handshake"));

                // 2. It connects to our bus port and PINGs; we answer PONG with our real id.
                try (Socket accepted = ourBus.accept(); BusPeer in = new BusPeer(accepted)) {
                    ClusterMsg ping = in.await(MessageType.PING, WAIT);
                    assertThat(ping.header().sender()).isEqualTo(realId);
                    assertThat(ping.header().myslots()).isEqualTo(SlotBitmap.fromRanges(
                            List.of(new SlotRange(0, 99), SlotRange.single(5000))));
                    in.send(ClusterMsg.ping(MessageType.PONG, ours(ourId, ourPort).build(), List.of(), List.of()));

                    ClusterNodeInfo us = await().atMost(WAIT).until(() -> nodeLine(j, ourId),
                            Optional::isPresent).orElseThrow();
                    assertThat(us.flags()).isEqualTo(NodeFlags.MASTER); // handshake done, renamed to our id
                    assertThat(us.ip()).isEqualTo("127.0.0.1");
                    assertThat(us.port()).isEqualTo(ourPort);
                    assertThat(us.cport()).isEqualTo(ourPort + 10000);
                    assertThat(us.linkState()).isEqualTo(LinkState.CONNECTED);
                    assertThat(j.clusterNodes()).doesNotContain("handshake");

                    // 3. PUBLISH is broadcast to every known node: we get it on its link to us.
                    byte[] channel = {'c', 'h', 0, (byte) 0xff};
                    byte[] message = "hello bus".getBytes(StandardCharsets.US_ASCII);
                    j.publish(channel, message);
                    ClusterMsg pub = in.await(MessageType.PUBLISH, WAIT);
                    assertThat(pub.header().sender()).isEqualTo(realId);
                    assertThat(((MsgBody.Publish) pub.body()).channel()).isEqualTo(channel);
                    assertThat(((MsgBody.Publish) pub.body()).message()).isEqualTo(message);

                    // 4. Claim slot 0 with a stale config epoch: it corrects us with an UPDATE.
                    out.send(ClusterMsg.ping(MessageType.PING, ours(ourId, ourPort).myslots(SlotBitmap.of(0))
                            .configEpoch(0).build(), List.of(), List.of()));
                    ClusterMsg update = in.await(MessageType.UPDATE, WAIT);
                    MsgBody.Update u = (MsgBody.Update) update.body();
                    assertThat(u.nodeName()).isEqualTo(realId);
                    assertThat(u.configEpoch()).isEqualTo(7);
                    assertThat(u.slots().ranges()).containsExactly(new SlotRange(0, 99), SlotRange.single(5000));
                    // The PING on our link is answered with a PONG as usual.
                    assertThat(out.await(MessageType.PONG, WAIT).header().sender()).isEqualTo(realId);
                    // and slot 0 still belongs to the real node
                    assertThat(nodeLine(j, realId).orElseThrow().slots().get(0)).isEqualTo(new SlotRange(0, 99));
                }
            }
        }
        assertThat(redis.isAlive()).isTrue();
    }

    // ------------------------------------------------------------------ bad bytes

    private void assertStillServing() throws Exception {
        assertThat(redis.isAlive()).isTrue();
        try (Jedis j = client()) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.clusterMyId()).hasSize(40);
        }
        // and the bus still works for a well-formed peer
        try (BusPeer p = BusPeer.connect(redis.port() + 10000)) {
            p.send(meet(NodeId.random(), Ports.free()));
            assertThat(p.await(MessageType.PONG, WAIT)).isNotNull();
        }
    }

    private void assertLogSays(String text) {
        await().atMost(WAIT).until(() -> redis.log().contains(text));
    }

    private static BusProtocolException ourVerdict(byte[] bytes) {
        BusFrameReader r = new BusFrameReader();
        r.feed(bytes);
        try {
            r.next();
        } catch (BusProtocolException e) {
            return e;
        }
        throw new AssertionError("our reader accepted what Redis rejects");
    }

    @Test
    void wrongSignatureClosesTheLink() throws Exception {
        startRedis();
        byte[] bad = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        bad[3] = 'X'; // "RCmX"
        try (BusPeer p = BusPeer.connect(redis.port() + 10000)) {
            p.sendRaw(bad);
            assertThat(p.awaitClosed(WAIT)).isTrue();
        }
        assertLogSays("Bad message length or signature received from Cluster bus.");
        assertThat(ourVerdict(bad).closesLink()).isTrue();
        assertStillServing();
    }

    @Test
    void totlenBelowHeaderSizeClosesTheLink() throws Exception {
        startRedis();
        byte[] bad = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        ByteBuffer.wrap(bad).putInt(4, 2255);
        try (BusPeer p = BusPeer.connect(redis.port() + 10000)) {
            p.sendRaw(bad);
            assertThat(p.awaitClosed(WAIT)).isTrue();
        }
        assertLogSays("Bad message length or signature received from Cluster bus.");
        assertThat(ourVerdict(bad).closesLink()).isTrue();
        assertStillServing();
    }

    @Test
    void randomGarbageClosesTheLink() throws Exception {
        startRedis();
        byte[] junk = new byte[4096];
        new Random(1234).nextBytes(junk);
        junk[0] = 'x'; // never "RCmb" by chance
        try (BusPeer p = BusPeer.connect(redis.port() + 10000)) {
            p.sendRaw(junk);
            assertThat(p.awaitClosed(WAIT)).isTrue();
        }
        assertThat(ourVerdict(junk).closesLink()).isTrue();
        assertStillServing();
    }

    @Test
    void truncatedFrameIsWaitedForNotRejected() throws Exception {
        startRedis();
        byte[] meet = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        try (BusPeer p = BusPeer.connect(redis.port() + 10000)) {
            p.sendRaw(java.util.Arrays.copyOf(meet, 1000));
            // Redis keeps the partial frame and waits: no reply, no close.
            assertThat(p.staysSilent(Duration.ofMillis(700))).isTrue();
            p.sendRaw(java.util.Arrays.copyOfRange(meet, 1000, meet.length));
            assertThat(p.await(MessageType.PONG, WAIT).header().sender()).hasSize(40);
        }
        // A peer that goes away mid-frame leaves the node unharmed.
        try (BusPeer p = BusPeer.connect(redis.port() + 10000)) {
            p.sendRaw(java.util.Arrays.copyOf(meet, 100));
        }
        assertStillServing();
    }

    @Test
    void invalidPacketIsDroppedButTheLinkStays() throws Exception {
        startRedis();
        try (Jedis j = client(); BusPeer p = BusPeer.connect(redis.port() + 10000)) {
            long pongsBefore = infoField(j, "cluster_stats_messages_pong_sent");

            // Wrong version: Redis counts it as received, then ignores it without a word.
            byte[] v2 = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
            ByteBuffer.wrap(v2).putShort(8, (short) 2);
            p.sendRaw(v2);
            await().atMost(WAIT).until(() -> infoField(j, "cluster_stats_messages_meet_received") == 1);
            assertThat(infoField(j, "cluster_stats_messages_pong_sent")).isEqualTo(pongsBefore);
            assertThat(ourVerdict(v2).closesLink()).isFalse();

            // Length not matching the type: dropped with a log line, link kept.
            byte[] shortPing = ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.PING,
                    ours(NodeId.random(), Ports.free()).build(), List.of(), List.of()));
            ByteBuffer.wrap(shortPing).putShort(ClusterMsgLayout.OFF_COUNT, (short) 1);
            p.sendRaw(shortPing);
            String expected = "Received invalid ping packet with gossip count 1 that exceeds total packet length (2256)";
            assertLogSays(expected);
            BusProtocolException ours = ourVerdict(shortPing);
            assertThat(ours.closesLink()).isFalse();
            assertThat(ours.getMessage()).isEqualTo(expected);
            assertThat(infoField(j, "cluster_stats_messages_pong_sent")).isEqualTo(pongsBefore);

            // Badly padded extension: same treatment.
            byte[] badExt = ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.MEET,
                    ours(NodeId.random(), Ports.free()).build(), List.of(), List.of(new PingExt.Hostname("x"))));
            ByteBuffer.wrap(badExt).putInt(ClusterMsgLayout.OFF_DATA, 12);
            p.sendRaw(badExt);
            assertLogSays("Received a meet packet without proper padding (12 bytes)");
            assertThat(ourVerdict(badExt).getMessage()).isEqualTo("Received a meet packet without proper padding (12 bytes)");

            // The same link still carries a good MEET, answered by one PONG.
            p.send(meet(NodeId.random(), Ports.free()));
            assertThat(p.await(MessageType.PONG, WAIT)).isNotNull();
            assertThat(infoField(j, "cluster_stats_messages_pong_sent")).isEqualTo(pongsBefore + 1);
        }
        assertStillServing();
    }

    private static String tail(String text, int chars) {
        return text.length() <= chars ? text : text.substring(text.length() - chars);
    }

    private static int occurrences(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    /** A MEET from a fresh id carrying the given raw extension bytes (EXT_DATA set, 1 extension). */
    private static byte[] meetWithRawExtension(byte[] ext) {
        byte[] plain = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        byte[] b = java.util.Arrays.copyOf(plain, plain.length + ext.length);
        System.arraycopy(ext, 0, b, plain.length, ext.length);
        ByteBuffer.wrap(b).putInt(ClusterMsgLayout.OFF_TOTLEN, b.length)
                .putShort(ClusterMsgLayout.OFF_EXTENSIONS, (short) 1);
        b[ClusterMsgLayout.OFF_MFLAGS] |= ClusterMsgLayout.FLAG0_EXT_DATA;
        return b;
    }

    private static byte[] ext(long length, int type, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(8 + p.length).putInt((int) length).putShort((short) type).putShort((short) 0)
                .put(p).array();
    }

    @Test
    void extensionEdgeCasesGetTheSameVerdictFromRedisAndFromUs() throws Exception {
        startRedis();
        record Case(String name, byte[] packet, String rejection) {}
        List<Case> cases = List.of(
                new Case("good hostname", meetWithRawExtension(ext(16, 0, "abcdefg\0")), null),
                new Case("empty hostname", meetWithRawExtension(ext(16, 0, "\0".repeat(8))), null),
                new Case("length taken modulo 65536", meetWithRawExtension(ext(65536 + 16, 0, "abc\0\0\0\0\0")), null),
                new Case("unknown type, no terminator needed", meetWithRawExtension(ext(16, 7, "abcdefgh")), null),
                // deb12u10 (as deb12u6 did) wants a hostname's last byte to be NUL and a length
                // that is not zero; deb12u7 accepted all three.
                new Case("hostname without final NUL", meetWithRawExtension(ext(16, 0, "ab\0defgh")),
                        "Received meet packet with missing null terminator in extension type 0"),
                new Case("hostname without any NUL", meetWithRawExtension(ext(16, 0, "abcdefgh")),
                        "Received meet packet with missing null terminator in extension type 0"),
                new Case("hostname without payload", meetWithRawExtension(ext(8, 0, "")),
                        "Received meet packet with missing null terminator in extension type 0"),
                new Case("hostname without payload, packet longer", meetWithRawExtension(ext(8, 0, "abc\0\0\0\0\0")),
                        "Received meet packet with missing null terminator in extension type 0"),
                new Case("unknown type without payload", meetWithRawExtension(ext(8, 7, "")), null),
                new Case("length zero", meetWithRawExtension(ext(0, 0, "abc\0\0\0\0\0")),
                        "Received a meet packet without proper padding (0 bytes)"),
                new Case("length not padded", meetWithRawExtension(ext(12, 0, "abc\0\0\0\0\0")),
                        "Received a meet packet without proper padding (12 bytes)"),
                new Case("length beyond packet", meetWithRawExtension(ext(24, 0, "abc\0\0\0\0\0")),
                        "Received invalid meet packet with extension data that exceeds total packet length (2272)"),
                new Case("header cut short", meetWithRawExtension(new byte[] {0, 0, 0, 16}),
                        "Received invalid meet packet with extension data that exceeds total packet length (2260)"));
        try (Jedis j = client()) {
            for (Case c : cases) {
                BusProtocolException ours = null;
                try {
                    ClusterMsgCodec.decode(c.packet());
                } catch (BusProtocolException e) {
                    ours = e;
                }
                long pongs = infoField(j, "cluster_stats_messages_pong_sent");
                int seen = c.rejection() == null ? 0 : occurrences(redis.log(), c.rejection());
                try (BusPeer p = BusPeer.connect(redis.port() + 10000)) {
                    p.sendRaw(c.packet());
                    if (c.rejection() == null) {
                        assertThat(ours).as(c.name()).isNull();
                        try {
                            assertThat(p.await(MessageType.PONG, WAIT)).as(c.name()).isNotNull();
                        } catch (AssertionError e) {
                            throw new AssertionError(c.name() + ": no PONG from redis-server; its log ends:\n"
                                    + tail(redis.log(), 2000), e);
                        }
                    } else {
                        assertThat(ours).as(c.name()).isNotNull();
                        assertThat(ours.getMessage()).as(c.name()).isEqualTo(c.rejection());
                        assertThat(ours.closesLink()).isFalse();
                        await().atMost(WAIT).until(() -> occurrences(redis.log(), c.rejection()) > seen);
                        assertThat(infoField(j, "cluster_stats_messages_pong_sent")).as(c.name()).isEqualTo(pongs);
                        assertThat(p.awaitClosed(Duration.ofMillis(200))).as(c.name() + ": link kept").isFalse();
                    }
                }
            }
        }
        assertStillServing();
    }
}
