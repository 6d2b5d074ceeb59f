package io.vermilion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterRouterTest {
    @Test
    void parsesRedirections() {
        ClusterRouter.Redirect m = ClusterRouter.Redirect.parse("MOVED 12539 127.0.0.1:7003", "x");
        assertThat(m).isEqualTo(new ClusterRouter.Redirect(false, 12539, "127.0.0.1", 7003));
        assertThat(ClusterRouter.Redirect.parse("ASK 3999 10.0.0.2:6381", "x"))
                .isEqualTo(new ClusterRouter.Redirect(true, 3999, "10.0.0.2", 6381));
        assertThat(ClusterRouter.Redirect.parse("MOVED 1 ::1:7000", "x").host()).isEqualTo("::1");
        // A node that does not know its address sends ":port"
        assertThat(ClusterRouter.Redirect.parse("MOVED 5 :7002", "127.0.0.1").host()).isEqualTo("127.0.0.1");
        assertThat(ClusterRouter.Redirect.parse("ERR wrong", "x")).isNull();
        assertThat(ClusterRouter.Redirect.parse("MOVEDX 1 h:1", "x")).isNull();
    }

    @Test
    void slotMapLearnsAndOverwrites() {
        SlotMap map = new SlotMap();
        assertThat(map.isEmpty()).isTrue();
        map.put(12539, "127.0.0.1", 7003);
        map.put(12539, "127.0.0.1", 7004);
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.get(12539)).isEqualTo(new SlotMap.Owner("127.0.0.1", 7004));
        assertThat(map.get(1)).isNull();
        assertThat(map.get(-1)).isNull();
    }
}
