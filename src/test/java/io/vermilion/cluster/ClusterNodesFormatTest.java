package io.vermilion.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterNodesFormatTest {
    static final String ID1 = "6c92055c1ae0f21cbde37d6ef5e27a5ebf027a5e";
    static final String ID2 = "7c6a7678ad3dc8e9d3b4d0c20686d8c428e8e5bb";

    static String fixture(String name) throws IOException {
        try (InputStream in = ClusterNodesFormatTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nodes-master.conf", "nodes-master-migrating.conf", "nodes-replica.conf"})
    void realRedisNodesConfRoundTripsByteForByte(String name) throws Exception {
        String text = fixture(name);
        NodesConfFile f = NodesConfFile.parse(text);
        assertThat(f.render()).isEqualTo(text);
        assertThat(f.currentEpoch()).isEqualTo(3);
        assertThat(f.lastVoteEpoch()).isEqualTo(0);
        assertThat(f.nodes()).hasSize(4);
    }

    @Test
    void parsedFieldsOfRealLines() throws Exception {
        NodesConfFile f = NodesConfFile.parse(fixture("nodes-master-migrating.conf"));
        ClusterNodeInfo me = f.myself();
        assertThat(me.id()).isEqualTo(ID1);
        assertThat(me.ip()).isEqualTo("127.0.0.1");
        assertThat(me.port()).isEqualTo(21901);
        assertThat(me.cport()).isEqualTo(31901);
        assertThat(me.hostname()).isEqualTo("host-21901.example");
        assertThat(me.flags()).isEqualTo(NodeFlags.MYSELF | NodeFlags.MASTER);
        assertThat(me.masterId()).isNull();
        assertThat(me.configEpoch()).isEqualTo(1);
        assertThat(me.linkState()).isEqualTo(LinkState.CONNECTED);
        assertThat(me.slots()).containsExactly(new SlotRange(0, 6), SlotRange.single(8), new SlotRange(12, 5460));
        assertThat(me.migrating()).containsExactly(java.util.Map.entry(100, ID2));
        assertThat(me.importing()).containsExactly(java.util.Map.entry(5461, ID2));
        assertThat(me.slotBitmap().cardinality()).isEqualTo(5461 - 4);

        ClusterNodeInfo replica = f.nodes().get(0);
        assertThat(replica.hostname()).isEmpty();
        assertThat(replica.flags()).isEqualTo(NodeFlags.SLAVE);
        assertThat(replica.masterId()).isEqualTo(ID1);
        assertThat(replica.slots()).isEmpty();
        assertThat(replica.pongRecv()).isEqualTo(1795558268278L);
    }

    @Test
    void rendersEveryShapeRedisPrints() {
        ClusterNodeInfo noaddr = ClusterNodeInfo.builder(ID2).flags(NodeFlags.MASTER | NodeFlags.NOADDR | NodeFlags.FAIL)
                .configEpoch(0xffffffffffffffffL).build();
        assertThat(ClusterNodesFormat.render(noaddr))
                .isEqualTo(ID2 + " :0@0 master,fail,noaddr - 0 0 18446744073709551615 disconnected");

        ClusterNodeInfo six = ClusterNodeInfo.builder(ID1).address("::1", 7000, 17000).flags(0)
                .linkState(LinkState.DISCONNECTED).pingSent(1).pongRecv(2).build();
        assertThat(ClusterNodesFormat.render(six)).isEqualTo(ID1 + " ::1:7000@17000 noflags - 1 2 0 disconnected");

        ClusterNodeInfo both = ClusterNodeInfo.builder(ID1).address("10.0.0.1", 7000, 17000).hostname("h")
                .flags(NodeFlags.MYSELF | NodeFlags.MASTER).linkState(LinkState.CONNECTED)
                .slots(List.of(SlotRange.single(16383))).migrating(5, ID2).importing(5, ID2).importing(3, ID2)
                .migrating(9, ID2).build();
        // Slot 5 is both: Redis prints only the migrating marker; markers come in slot order.
        assertThat(ClusterNodesFormat.render(both)).isEqualTo(ID1 + " 10.0.0.1:7000@17000,h myself,master - 0 0 0 connected 16383"
                + " [3-<-" + ID2 + "] [5->-" + ID2 + "] [9->-" + ID2 + "]");
    }

    @Test
    void legacyAddressWithoutBusPortGetsPortPlus10000() throws Exception {
        ClusterNodeInfo n = ClusterNodesFormat.parseLine(ID1 + " 127.0.0.1:7000 myself,master - 0 0 0 connected 0-10");
        assertThat(n.cport()).isEqualTo(17000);
        assertThat(ClusterNodesFormat.render(n)).isEqualTo(ID1 + " 127.0.0.1:7000@17000 myself,master - 0 0 0 connected 0-10");
    }

    @Test
    void clusterNodesReplyParsesAndRendersBack() throws Exception {
        String reply = fixture("nodes-replica.conf").replace("vars currentEpoch 3 lastVoteEpoch 0\n", "");
        assertThat(ClusterNodesFormat.renderAll(ClusterNodesFormat.parseAll(reply))).isEqualTo(reply);
    }

    @Test
    void corruptionIsReportedWithLineAndReason() throws Exception {
        String good = fixture("nodes-master.conf");
        String[] lines = good.split("\n");
        lines[2] = lines[3]; // the myself line (node 21902)
        assertCorrupt(lines[0] + "\n" + lines[1].replace(" master ", " master,bogus ") + "\n", 2, "unknown node flag 'bogus'");
        assertCorrupt(lines[1] + "\nabc 1.2.3.4:5@6 master - 0 0 0 connected\n", 2, "invalid node id 'abc'");
        assertCorrupt("\n\n" + lines[2] + " 99999\n", 3, "slot out of range in '99999'");
        assertCorrupt(lines[2] + " 5-x\n", 1, "bad slot '5-x'");
        assertCorrupt(lines[2].replace("127.0.0.1:21902@31902", "127.0.0.1-21902"), 1, "has no ':port'");
        assertCorrupt(lines[2].replace("@31902", "@7x"), 1, "bad cluster bus port '7x'");
        assertCorrupt(lines[2].replace(" connected", " up"), 1, "bad link state 'up'");
        assertCorrupt(lines[2] + " [1->-nope]", 1, "invalid node id in '[1->-nope]'");
        assertCorrupt(lines[2] + " [1=>-" + ID1 + "]", 1, "bad migrating/importing entry");
        assertCorrupt(ID1 + " 1.2.3.4:5@6 myself - 0\n", 1, "expected at least 8 fields, got 5");
        assertCorrupt(lines[2] + "\n" + lines[2] + "\n", 2, "duplicate node id");
        assertCorrupt(lines[2] + "\nvars currentEpoch\n", 2, "vars line needs name/value pairs");
        assertCorrupt(lines[2] + "\nvars currentEpoch -1\n", 2, "bad currentEpoch '-1'");
        assertCorrupt(lines[2] + " \"unterminated\n", 1, "unbalanced quotes");
        assertCorrupt(lines[0] + "\n", 0, "no node is flagged myself");
        assertCorrupt(lines[2] + "\n" + lines[2].replace("7c6a", "0000") + "\n", 2, "second node flagged myself");
        assertCorrupt(lines[2].replace(" - 0 ", " " + "Q".repeat(40) + " 0 "), 1, "invalid master id");
    }

    private static void assertCorrupt(String text, int line, String reason) {
        assertThatThrownBy(() -> NodesConfFile.parse(text))
                .isInstanceOfSatisfying(NodesConfException.class, e -> {
                    assertThat(e.lineNumber()).isEqualTo(line);
                    assertThat(e.reason()).contains(reason);
                    assertThat(e.getMessage()).startsWith(line > 0 ? "corrupted cluster config: line " + line + ": "
                            : "corrupted cluster config: ");
                });
    }

    @Test
    void loaderLeniencyMatchesRedis() throws Exception {
        String me = ID1 + " 127.0.0.1:7000@17000 myself,master - 0 0 5 connected";
        // Blank lines, the vars line anywhere, unknown vars, case-insensitive vars, quoted arguments.
        NodesConfFile f = NodesConfFile.parse("\n\nVARS lastVoteEpoch 2 something 9 CURRENTEPOCH 7\n\n"
                + me.replace("myself,master", "\"myself,master\"") + " 9-3\n\n\n");
        assertThat(f.currentEpoch()).isEqualTo(7);
        assertThat(f.lastVoteEpoch()).isEqualTo(2);
        assertThat(f.myself().slots()).isEmpty(); // inverted range adds nothing, as in Redis
        // Redis pads a shrinking file with newlines: still loads.
        assertThat(NodesConfFile.parse(me + "\nvars currentEpoch 5 lastVoteEpoch 0\n\n\n\n").nodes()).hasSize(1);
        // A master id starting with '-' counts as none.
        assertThat(ClusterNodesFormat.parseLine(me.replace(" - ", " -x ")).masterId()).isNull();
    }

    @Test
    void handshakeNodesAreNotPersisted() throws Exception {
        ClusterNodeInfo me = ClusterNodesFormat.parseLine(ID1 + " 127.0.0.1:7000@17000 myself,master - 0 0 5 connected");
        ClusterNodeInfo hs = ClusterNodeInfo.builder(ID2).address("127.0.0.1", 7001, 17001)
                .flags(NodeFlags.HANDSHAKE).build();
        String text = new NodesConfFile(List.of(me, hs), 5, 0).render();
        assertThat(text).isEqualTo(ID1 + " 127.0.0.1:7000@17000 myself,master - 0 0 5 connected\n"
                + "vars currentEpoch 5 lastVoteEpoch 0\n");
    }

    @Test
    void atomicWriteAndRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("nodes.conf");
        assertThat(NodesConfFile.read(file)).isEmpty();
        Files.writeString(file, "");
        assertThat(NodesConfFile.read(file)).isEmpty(); // zero-length: no config yet, as in Redis

        NodesConfFile f = NodesConfFile.parse(fixture("nodes-replica.conf"));
        f.write(file);
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).isEqualTo(fixture("nodes-replica.conf"));
        assertThat(NodesConfFile.read(file)).contains(f);

        NodesConfFile smaller = new NodesConfFile(List.of(f.myself()), 9, 1);
        smaller.write(file);
        assertThat(NodesConfFile.read(file)).contains(smaller);
        try (var list = Files.list(dir)) {
            assertThat(list.map(p -> p.getFileName().toString()).toList()).containsExactly("nodes.conf"); // no temp left
        }
    }

    @Test
    void configArgsSplitLikeRedis() {
        assertThat(ConfigArgs.split("  a  b\tc\r\n")).containsExactly("a", "b", "c");
        assertThat(ConfigArgs.split("\"a b\" 'c d' \"\\x41\\n\" 'it\\'s'")).containsExactly("a b", "c d", "A\n", "it's");
        assertThat(ConfigArgs.split("ab\"cd\" e")).containsExactly("abcd", "e");
        assertThat(ConfigArgs.split("\"a\"b")).isNull();
        assertThat(ConfigArgs.split("'a")).isNull();
        assertThat(ConfigArgs.split("")).isEmpty();
        assertThat(ConfigArgs.split("a\0b c")).containsExactly("a");
    }
}
