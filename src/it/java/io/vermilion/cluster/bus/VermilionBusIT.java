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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The bus side of a Vermilion node, probed from a raw socket the way BusWireIT probes a real
 * redis-server: the MEET handshake, the UPDATE answer to a stale slot claim, and bad input
 * (random bytes, wrong signature or version, truncated and oversized frames, packets whose length
 * does not match their type). Each must be handled as Redis handles it — the link closed or the
 * packet dropped — while the node keeps serving and its view of the cluster does not change.
 */
class VermilionBusIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ServerProcess node;

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    private void startNode(String... extra) throws Exception {
        String[] args = new String[extra.length + 2];
        args[0] = "--cluster-enabled";
        args[1] = "yes";
        System.arraycopy(extra, 0, args, 2, extra.length);
        node = ServerProcess.vermilion(args);
    }

    private Jedis client() {
        return new Jedis("127.0.0.1", node.port(), 5000);
    }

    private int busPort() {
        return node.port() + 10000;
    }

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
        if (field.startsWith("cluster_stats_messages_")) return 0;
        throw new AssertionError("no " + field + " in CLUSTER INFO");
    }

    private static Optional<ClusterNodeInfo> nodeLine(Jedis j, String id) throws Exception {
        return ClusterNodesFormat.parseAll(j.clusterNodes()).stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** The node's view minus handshake entries (each probing MEET leaves one until it times out). */
    private Set<String> view() throws Exception {
        Set<String> out = new TreeSet<>();
        try (Jedis j = client()) {
            for (ClusterNodeInfo n : ClusterNodesFormat.parseAll(j.clusterNodes())) {
                if (n.hasFlag(NodeFlags.HANDSHAKE)) continue;
                out.add(n.id() + " " + n.flags() + " " + n.configEpoch() + " " + n.slots());
            }
            out.add("epoch " + infoField(j, "cluster_current_epoch"));
        }
        return out;
    }

    private void setUpSlots() {
        try (Jedis j = client()) {
            assertThat(j.clusterAddSlotsRange(0, 99)).isEqualTo("OK");
            assertThat(j.clusterAddSlots(5000)).isEqualTo("OK");
            assertThat(j.sendCommand(Protocol.Command.CLUSTER, "SET-CONFIG-EPOCH", "7"))
                    .isEqualTo("OK".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private void assertStillServing(Set<String> viewBefore) throws Exception {
        assertThat(node.isAlive()).isTrue();
        try (Jedis j = client()) {
            assertThat(j.ping()).isEqualTo("PONG");
            assertThat(j.clusterMyId()).hasSize(40);
        }
        try (BusPeer p = BusPeer.connect(busPort())) {
            p.send(meet(NodeId.random(), Ports.free()));
            assertThat(p.await(MessageType.PONG, WAIT)).isNotNull();
        }
        if (viewBefore != null) assertThat(view()).isEqualTo(viewBefore);
    }

    private void assertLogSays(String text) {
        await().atMost(WAIT).until(() -> node.log().contains(text));
    }

    @Test
    void meetHandshakeAndStaleClaimAnsweredWithUpdate() throws Exception {
        startNode("--cluster-announce-hostname", "vermilion-node.test");
        setUpSlots();
        String nodeId;
        try (Jedis j = client()) {
            nodeId = j.clusterMyId();
        }
        String ourId = NodeId.random();
        int ourPort = Ports.free();
        try (ServerSocket ourBus = new ServerSocket()) {
            ourBus.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ourPort + 10000));
            ourBus.setSoTimeout((int) WAIT.toMillis());
            try (BusPeer out = BusPeer.connect(busPort()); Jedis j = client()) {
                out.send(meet(ourId, ourPort));
                ClusterMsg pong = out.await(MessageType.PONG, WAIT);
                ClusterMsgHeader h = pong.header();
                assertThat(h.sender()).isEqualTo(nodeId);
                assertThat(h.port()).isEqualTo(node.port());
                assertThat(h.cport()).isEqualTo(busPort());
                assertThat(h.flags()).isEqualTo(NodeFlags.MYSELF | NodeFlags.MASTER);
                assertThat(h.slaveof()).isNull();
                assertThat(h.myip()).isEmpty();
                assertThat(h.myslots().ranges()).containsExactly(new SlotRange(0, 99), SlotRange.single(5000));
                assertThat(h.configEpoch()).isEqualTo(7).isEqualTo(infoField(j, "cluster_my_epoch"));
                assertThat(h.currentEpoch()).isEqualTo(infoField(j, "cluster_current_epoch"));
                assertThat(h.state()).isEqualTo(ClusterMsgLayout.CLUSTER_FAIL);
                MsgBody.Ping body = (MsgBody.Ping) pong.body();
                assertThat(body.gossip()).isEmpty();
                assertThat(body.hostname()).contains("vermilion-node.test");
                assertThat(h.hasMflag0(ClusterMsgLayout.FLAG0_EXT_DATA)).isTrue();
                assertThat(infoField(j, "cluster_stats_messages_meet_received")).isEqualTo(1);
                assertThat(infoField(j, "cluster_stats_messages_pong_sent")).isGreaterThanOrEqualTo(1);

                await().atMost(WAIT).until(() -> j.clusterNodes().contains(
                        "127.0.0.1:" + ourPort + "@" + (ourPort + 10000) + " handshake"));

                try (Socket accepted = ourBus.accept(); BusPeer in = new BusPeer(accepted)) {
                    ClusterMsg ping = in.await(MessageType.PING, WAIT);
                    assertThat(ping.header().sender()).isEqualTo(nodeId);
                    assertThat(ping.header().myslots()).isEqualTo(SlotBitmap.fromRanges(
                            List.of(new SlotRange(0, 99), SlotRange.single(5000))));
                    in.send(ClusterMsg.ping(MessageType.PONG, ours(ourId, ourPort).build(), List.of(), List.of()));

                    ClusterNodeInfo us = await().atMost(WAIT).until(() -> nodeLine(j, ourId), Optional::isPresent).orElseThrow();
                    assertThat(us.flags()).isEqualTo(NodeFlags.MASTER);
                    assertThat(us.ip()).isEqualTo("127.0.0.1");
                    assertThat(us.port()).isEqualTo(ourPort);
                    assertThat(us.cport()).isEqualTo(ourPort + 10000);
                    assertThat(us.linkState()).isEqualTo(LinkState.CONNECTED);
                    assertThat(j.clusterNodes()).doesNotContain("handshake");
                    Set<String> before = view();

                    // A stale claim (epoch 0) on slot 0: answered with an UPDATE, nothing changes here.
                    out.send(ClusterMsg.ping(MessageType.PING, ours(ourId, ourPort).myslots(SlotBitmap.of(0))
                            .configEpoch(0).build(), List.of(), List.of()));
                    ClusterMsg update = in.await(MessageType.UPDATE, WAIT);
                    MsgBody.Update u = (MsgBody.Update) update.body();
                    assertThat(u.nodeName()).isEqualTo(nodeId);
                    assertThat(u.configEpoch()).isEqualTo(7);
                    assertThat(u.slots().ranges()).containsExactly(new SlotRange(0, 99), SlotRange.single(5000));
                    assertThat(out.await(MessageType.PONG, WAIT).header().sender()).isEqualTo(nodeId);
                    assertThat(nodeLine(j, nodeId).orElseThrow().slots().get(0)).isEqualTo(new SlotRange(0, 99));
                    assertThat(view()).isEqualTo(before);
                    assertThat(infoField(j, "cluster_stats_messages_update_sent")).isEqualTo(1);

                    // A claim with a newer epoch on an unowned slot is accepted: slot 6000 becomes ours.
                    out.send(ClusterMsg.ping(MessageType.PING, ours(ourId, ourPort).myslots(SlotBitmap.of(6000))
                            .configEpoch(8).currentEpoch(8).build(), List.of(), List.of()));
                    await().atMost(WAIT).until(() -> nodeLine(j, ourId).orElseThrow().slots()
                            .equals(List.of(SlotRange.single(6000))));
                    assertThat(infoField(j, "cluster_current_epoch")).isEqualTo(8);
                }
            }
        }
        assertThat(node.isAlive()).isTrue();
    }

    @Test
    void wrongSignatureClosesTheLink() throws Exception {
        startNode();
        setUpSlots();
        Set<String> before = view();
        byte[] bad = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        bad[3] = 'X';
        try (BusPeer p = BusPeer.connect(busPort())) {
            p.sendRaw(bad);
            assertThat(p.awaitClosed(WAIT)).isTrue();
        }
        assertLogSays("Bad message length or signature received from Cluster bus.");
        assertStillServing(before);
    }

    @Test
    void totlenBelowHeaderSizeClosesTheLink() throws Exception {
        startNode();
        setUpSlots();
        Set<String> before = view();
        byte[] bad = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        ByteBuffer.wrap(bad).putInt(4, 2255);
        try (BusPeer p = BusPeer.connect(busPort())) {
            p.sendRaw(bad);
            assertThat(p.awaitClosed(WAIT)).isTrue();
        }
        assertLogSays("Bad message length or signature received from Cluster bus.");
        assertStillServing(before);
    }

    @Test
    void randomGarbageClosesTheLink() throws Exception {
        startNode();
        setUpSlots();
        Set<String> before = view();
        for (int seed = 0; seed < 5; seed++) {
            byte[] junk = new byte[4096 + seed * 1000];
            new Random(seed).nextBytes(junk);
            junk[0] = 'x';
            try (BusPeer p = BusPeer.connect(busPort())) {
                p.sendRaw(junk);
                assertThat(p.awaitClosed(WAIT)).isTrue();
            }
        }
        assertStillServing(before);
    }

    @Test
    void oversizedFrameClosesTheLink() throws Exception {
        // Redis would wait for 2 GiB; we refuse frames above 1 GiB at once (docs/cluster-bus.md).
        startNode();
        setUpSlots();
        Set<String> before = view();
        byte[] bad = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        ByteBuffer.wrap(bad).putInt(4, 0x7fff_fff0);
        try (BusPeer p = BusPeer.connect(busPort())) {
            p.sendRaw(java.util.Arrays.copyOf(bad, 64));
            assertThat(p.awaitClosed(WAIT)).isTrue();
        }
        assertLogSays("exceeds limit");
        assertStillServing(before);
    }

    @Test
    void truncatedFrameIsWaitedForNotRejected() throws Exception {
        startNode();
        setUpSlots();
        Set<String> before = view();
        byte[] meet = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
        try (BusPeer p = BusPeer.connect(busPort())) {
            p.sendRaw(java.util.Arrays.copyOf(meet, 1000));
            assertThat(p.staysSilent(Duration.ofMillis(700))).isTrue();
            p.sendRaw(java.util.Arrays.copyOfRange(meet, 1000, meet.length));
            assertThat(p.await(MessageType.PONG, WAIT).header().sender()).hasSize(40);
        }
        try (BusPeer p = BusPeer.connect(busPort())) {
            p.sendRaw(java.util.Arrays.copyOf(meet, 100));
        }
        assertStillServing(before);
    }

    @Test
    void invalidPacketsAreDroppedButTheLinkStays() throws Exception {
        startNode();
        setUpSlots();
        Set<String> before = view();
        try (Jedis j = client(); BusPeer p = BusPeer.connect(busPort())) {
            long pongsBefore = infoField(j, "cluster_stats_messages_pong_sent");

            // Wrong version: counted as received, otherwise ignored silently.
            byte[] v2 = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
            ByteBuffer.wrap(v2).putShort(8, (short) 2);
            p.sendRaw(v2);
            await().atMost(WAIT).until(() -> infoField(j, "cluster_stats_messages_meet_received") == 1);
            assertThat(infoField(j, "cluster_stats_messages_pong_sent")).isEqualTo(pongsBefore);

            byte[] shortPing = ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.PING,
                    ours(NodeId.random(), Ports.free()).build(), List.of(), List.of()));
            ByteBuffer.wrap(shortPing).putShort(ClusterMsgLayout.OFF_COUNT, (short) 1);
            p.sendRaw(shortPing);
            assertLogSays("Received invalid ping packet with gossip count 1 that exceeds total packet length (2256)");
            assertThat(infoField(j, "cluster_stats_messages_pong_sent")).isEqualTo(pongsBefore);

            byte[] badExt = ClusterMsgCodec.encode(ClusterMsg.ping(MessageType.MEET,
                    ours(NodeId.random(), Ports.free()).build(), List.of(), List.of(new PingExt.Hostname("x"))));
            ByteBuffer.wrap(badExt).putInt(ClusterMsgLayout.OFF_DATA, 12);
            p.sendRaw(badExt);
            assertLogSays("Received a meet packet without proper padding (12 bytes)");

            // A FAIL about ourselves and an UPDATE from an unknown sender change nothing.
            p.send(ClusterMsg.fail(ours(NodeId.random(), Ports.free()).build(), j.clusterMyId()));
            p.send(ClusterMsg.update(ours(NodeId.random(), Ports.free()).build(), 99, j.clusterMyId(), SlotBitmap.of(1)));
            // An unknown message type is accepted whatever its length, and ignored.
            byte[] unknown = ClusterMsgCodec.encode(meet(NodeId.random(), Ports.free()));
            ByteBuffer.wrap(unknown).putShort(ClusterMsgLayout.OFF_TYPE, (short) 42);
            p.sendRaw(unknown);
            assertLogSays("Received unknown packet type: 42");

            p.send(meet(NodeId.random(), Ports.free()));
            assertThat(p.await(MessageType.PONG, WAIT)).isNotNull();
            assertThat(infoField(j, "cluster_stats_messages_pong_sent")).isEqualTo(pongsBefore + 1);
            assertThat(infoField(j, "cluster_stats_messages_fail_received")).isEqualTo(1);
            assertThat(infoField(j, "cluster_stats_messages_update_received")).isEqualTo(1);
        }
        assertStillServing(before);
    }
}
