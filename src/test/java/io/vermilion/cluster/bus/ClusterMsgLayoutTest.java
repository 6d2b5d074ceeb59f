package io.vermilion.cluster.bus;

import static io.vermilion.cluster.bus.ClusterMsgLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cluster.NodeFlags;
import org.junit.jupiter.api.Test;

/** Pins every wire constant to the value in Redis 7.0.15's cluster.h. */
class ClusterMsgLayoutTest {

    @Test
    void headerOffsetsMatchRedisStaticAsserts() {
        assertThat(new String(SIGNATURE, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("RCmb");
        assertThat(PROTO_VER).isEqualTo(1);
        assertThat(OFF_SIG).isEqualTo(0);
        assertThat(OFF_TOTLEN).isEqualTo(4);
        assertThat(OFF_VER).isEqualTo(8);
        assertThat(OFF_PORT).isEqualTo(10);
        assertThat(OFF_TYPE).isEqualTo(12);
        assertThat(OFF_COUNT).isEqualTo(14);
        assertThat(OFF_CURRENT_EPOCH).isEqualTo(16);
        assertThat(OFF_CONFIG_EPOCH).isEqualTo(24);
        assertThat(OFF_OFFSET).isEqualTo(32);
        assertThat(OFF_SENDER).isEqualTo(40);
        assertThat(OFF_MYSLOTS).isEqualTo(80);
        assertThat(OFF_SLAVEOF).isEqualTo(2128);
        assertThat(OFF_MYIP).isEqualTo(2168);
        assertThat(OFF_EXTENSIONS).isEqualTo(2214);
        assertThat(OFF_NOTUSED).isEqualTo(2216);
        assertThat(NOTUSED_LEN).isEqualTo(30);
        assertThat(OFF_PPORT).isEqualTo(2246);
        assertThat(OFF_CPORT).isEqualTo(2248);
        assertThat(OFF_FLAGS).isEqualTo(2250);
        assertThat(OFF_STATE).isEqualTo(2252);
        assertThat(OFF_MFLAGS).isEqualTo(2253);
        assertThat(OFF_DATA).isEqualTo(2256);
    }

    @Test
    void sizes() {
        assertThat(NAMELEN).isEqualTo(40);
        assertThat(IP_LEN).isEqualTo(46);
        assertThat(PREFIX_LEN).isEqualTo(8);
        assertThat(HEADER_LEN).isEqualTo(2256);          // CLUSTERMSG_MIN_LEN
        assertThat(DATA_UNION_LEN).isEqualTo(2096);
        assertThat(SIZEOF_CLUSTER_MSG).isEqualTo(4352);  // sizeof(clusterMsg)
        assertThat(GOSSIP_LEN).isEqualTo(104);
        assertThat(FAIL_LEN).isEqualTo(40);
        assertThat(PUBLISH_FIXED_LEN).isEqualTo(8);      // sizeof(clusterMsgDataPublish) - 8
        assertThat(UPDATE_LEN).isEqualTo(2096);
        assertThat(MODULE_FIXED_LEN).isEqualTo(13);      // sizeof(clusterMsgModule) - 3
        assertThat(PING_EXT_HEADER_LEN).isEqualTo(8);
        assertThat(io.vermilion.cluster.SlotBitmap.BYTES).isEqualTo(2048);
        // Field layout adds up: the header fields tile 0..2256 without gaps.
        assertThat(OFF_MYSLOTS + 2048).isEqualTo(OFF_SLAVEOF);
        assertThat(OFF_SLAVEOF + NAMELEN).isEqualTo(OFF_MYIP);
        assertThat(OFF_MYIP + IP_LEN).isEqualTo(OFF_EXTENSIONS);
        assertThat(OFF_NOTUSED + NOTUSED_LEN).isEqualTo(OFF_PPORT);
        assertThat(OFF_MFLAGS + 3).isEqualTo(OFF_DATA);
    }

    @Test
    void gossipEntryOffsets() {
        assertThat(G_NODENAME).isEqualTo(0);
        assertThat(G_PING_SENT).isEqualTo(40);
        assertThat(G_PONG_RECEIVED).isEqualTo(44);
        assertThat(G_IP).isEqualTo(48);
        assertThat(G_PORT).isEqualTo(94);
        assertThat(G_CPORT).isEqualTo(96);
        assertThat(G_FLAGS).isEqualTo(98);
        assertThat(G_PPORT).isEqualTo(100);
        assertThat(G_NOTUSED).isEqualTo(102);
        assertThat(G_NOTUSED + 2).isEqualTo(GOSSIP_LEN);
    }

    @Test
    void messageTypeNumbersAndNames() {
        assertThat(MessageType.PING.code()).isEqualTo(0);
        assertThat(MessageType.PONG.code()).isEqualTo(1);
        assertThat(MessageType.MEET.code()).isEqualTo(2);
        assertThat(MessageType.FAIL.code()).isEqualTo(3);
        assertThat(MessageType.PUBLISH.code()).isEqualTo(4);
        assertThat(MessageType.FAILOVER_AUTH_REQUEST.code()).isEqualTo(5);
        assertThat(MessageType.FAILOVER_AUTH_ACK.code()).isEqualTo(6);
        assertThat(MessageType.UPDATE.code()).isEqualTo(7);
        assertThat(MessageType.MFSTART.code()).isEqualTo(8);
        assertThat(MessageType.MODULE.code()).isEqualTo(9);
        assertThat(MessageType.PUBLISHSHARD.code()).isEqualTo(10);
        assertThat(MessageType.COUNT).isEqualTo(11).isEqualTo(MessageType.values().length);
        for (MessageType t : MessageType.values()) assertThat(MessageType.of(t.code())).isSameAs(t);
        assertThat(MessageType.of(11)).isNull();
        assertThat(MessageType.of(-1)).isNull();
        assertThat(MessageType.textOf(4)).isEqualTo("publish");
        assertThat(MessageType.textOf(5)).isEqualTo("auth-req");
        assertThat(MessageType.textOf(6)).isEqualTo("auth-ack");
        assertThat(MessageType.textOf(10)).isEqualTo("publishshard");
        assertThat(MessageType.textOf(99)).isEqualTo("unknown");
    }

    @Test
    void flagBits() {
        assertThat(FLAG0_PAUSED).isEqualTo(1);
        assertThat(FLAG0_FORCEACK).isEqualTo(2);
        assertThat(FLAG0_EXT_DATA).isEqualTo(4);
        assertThat(EXT_TYPE_HOSTNAME).isEqualTo(0);
        assertThat(CLUSTER_OK).isEqualTo(0);
        assertThat(CLUSTER_FAIL).isEqualTo(1);
        assertThat(NodeFlags.MASTER).isEqualTo(1);
        assertThat(NodeFlags.SLAVE).isEqualTo(2);
        assertThat(NodeFlags.PFAIL).isEqualTo(4);
        assertThat(NodeFlags.FAIL).isEqualTo(8);
        assertThat(NodeFlags.MYSELF).isEqualTo(16);
        assertThat(NodeFlags.HANDSHAKE).isEqualTo(32);
        assertThat(NodeFlags.NOADDR).isEqualTo(64);
        assertThat(NodeFlags.MEET).isEqualTo(128);
        assertThat(NodeFlags.MIGRATE_TO).isEqualTo(256);
        assertThat(NodeFlags.NOFAILOVER).isEqualTo(512);
    }

    @Test
    void align8() {
        assertThat(ClusterMsgLayout.align8(0)).isEqualTo(0);
        assertThat(ClusterMsgLayout.align8(1)).isEqualTo(8);
        assertThat(ClusterMsgLayout.align8(8)).isEqualTo(8);
        assertThat(ClusterMsgLayout.align8(16)).isEqualTo(16);
        assertThat(ClusterMsgLayout.align8(17)).isEqualTo(24);
    }
}
