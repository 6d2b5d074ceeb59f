package io.vermilion.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeModelTest {

    @Test
    void flagsRenderInRedisOrder() {
        assertThat(NodeFlags.render(NodeFlags.MASTER | NodeFlags.MYSELF)).isEqualTo("myself,master");
        assertThat(NodeFlags.render(NodeFlags.NOFAILOVER | NodeFlags.SLAVE | NodeFlags.PFAIL))
                .isEqualTo("slave,fail?,nofailover");
        assertThat(NodeFlags.render(NodeFlags.MASTER | NodeFlags.FAIL | NodeFlags.NOADDR)).isEqualTo("master,fail,noaddr");
        assertThat(NodeFlags.render(NodeFlags.HANDSHAKE)).isEqualTo("handshake");
        assertThat(NodeFlags.render(0)).isEqualTo("noflags");
        // internal-only bits have no name
        assertThat(NodeFlags.render(NodeFlags.MEET | NodeFlags.MIGRATE_TO)).isEqualTo("noflags");
        assertThat(NodeFlags.render(NodeFlags.MASTER | NodeFlags.MIGRATE_TO)).isEqualTo("master");
    }

    @Test
    void flagsParseCaseInsensitivelyAndRejectUnknown() {
        assertThat(NodeFlags.parse("myself,master")).isEqualTo(NodeFlags.MYSELF | NodeFlags.MASTER);
        assertThat(NodeFlags.parse("SLAVE,Fail?,nofailover"))
                .isEqualTo(NodeFlags.SLAVE | NodeFlags.PFAIL | NodeFlags.NOFAILOVER);
        assertThat(NodeFlags.parse("noflags")).isZero();
        assertThat(NodeFlags.parse("handshake,noaddr,fail"))
                .isEqualTo(NodeFlags.HANDSHAKE | NodeFlags.NOADDR | NodeFlags.FAIL);
        assertThatThrownBy(() -> NodeFlags.parse("master,")).hasMessageContaining("unknown node flag ''");
        assertThatThrownBy(() -> NodeFlags.parse("meet")).hasMessageContaining("unknown node flag 'meet'");
    }

    @Test
    void nodeIds() {
        String id = NodeId.random();
        assertThat(id).hasSize(40).matches("[0-9a-f]{40}");
        assertThat(NodeId.random()).isNotEqualTo(id);
        assertThat(NodeId.isValid("z".repeat(40))).isTrue(); // Redis accepts a-z, not only hex
        assertThat(NodeId.isValid("A".repeat(40))).isFalse();
        assertThat(NodeId.isValid("a".repeat(39))).isFalse();
        assertThat(NodeId.isValid(null)).isFalse();
    }

    @Test
    void slotBitmapRangesAndWireBitOrder() {
        SlotBitmap b = new SlotBitmap();
        b.setRange(0, 5);
        b.set(8);
        b.setRange(16380, 16383);
        assertThat(b.ranges()).containsExactly(new SlotRange(0, 5), SlotRange.single(8), new SlotRange(16380, 16383));
        assertThat(b.cardinality()).isEqualTo(11);
        byte[] wire = b.toBytes();
        assertThat(wire).hasSize(2048);
        assertThat(wire[0]).isEqualTo((byte) 0x3f);
        assertThat(wire[1]).isEqualTo((byte) 0x01);
        assertThat(wire[2047]).isEqualTo((byte) 0xf0);
        assertThat(SlotBitmap.fromBytes(wire, 0)).isEqualTo(b);
        b.clear(8);
        assertThat(b.get(8)).isFalse();
        assertThat(SlotBitmap.fromRanges(List.of(new SlotRange(0, 16383))).cardinality()).isEqualTo(16384);
        assertThat(new SlotBitmap().isEmpty()).isTrue();
        assertThat(new SlotBitmap().ranges()).isEmpty();
        assertThatThrownBy(() -> b.set(16384)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SlotRange(3, 3).toString()).isEqualTo("3");
        assertThat(new SlotRange(3, 9).toString()).isEqualTo("3-9");
        assertThatThrownBy(() -> new SlotRange(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
