package io.vermilion.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cluster manager's pure logic: formats, plans and orders that must match redis-cli's. */
class ClusterManagerUnitTest {

    private static ClusterNode node(String host, int port, String id, String nodesLine) throws Exception {
        ClusterNode n = new ClusterNode(host, port, 0, ManagerOptions.Credentials.NONE);
        n.setName(id);
        if (nodesLine != null) {
            ClusterNode.NodesLine l = ClusterNode.NodesLine.parse(nodesLine);
            n.slots.or(l.slots());
        }
        return n;
    }

    @Test
    void openSlotsAreListedInRedisCliDictOrder() {
        // Observed with redis-cli 7.0.15: these slots opened (inserted in this order) print as below.
        List<String> inserted = List.of("12539", "12540", "12607", "12614", "12621", "12628", "12635", "12642", "12649",
                "12656", "13000", "11111", "13001", "16000");
        assertThat(String.join(",", RedisDictOrder.keys(inserted)))
                .isEqualTo("12635,12642,16000,13001,11111,12607,12540,12649,12621,12628,12614,12656,12539,13000");
        assertThat(RedisDictOrder.keys(List.of("12539"))).containsExactly("12539");
        // Replacing a key does not move it.
        assertThat(RedisDictOrder.keys(List.of("1", "2", "1"))).hasSize(2);
    }

    @Test
    void slotRangesLikeRedisCli() {
        assertThat(ClusterCreate.slotRanges(3)).extracting(r -> r[0] + "-" + r[1])
                .containsExactly("0-5460", "5461-10922", "10923-16383");
        assertThat(ClusterCreate.slotRanges(4)).extracting(r -> r[0] + "-" + r[1])
                .containsExactly("0-4095", "4096-8191", "8192-12287", "12288-16383");
        for (int n = 1; n <= 50; n++) {
            List<int[]> r = ClusterCreate.slotRanges(n);
            assertThat(r.get(0)[0]).isZero();
            assertThat(r.get(n - 1)[1]).isEqualTo(16383);
            for (int i = 1; i < n; i++) assertThat(r.get(i)[0]).isEqualTo(r.get(i - 1)[1] + 1);
        }
    }

    @Test
    void replicasPlacedLikeRedisCli() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ManagerLog log = ManagerLog.to(new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<ClusterNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 8; i++) nodes.add(node("127.0.0.1", 7000 + i, "id" + i, null));
        ClusterCreate.assignReplicas(log, nodes.subList(0, 3), nodes.subList(3, 8), 1);
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("Adding replica 127.0.0.1:7005 to 127.0.0.1:7001\n"
                + "Adding replica 127.0.0.1:7006 to 127.0.0.1:7002\n"
                + "Adding replica 127.0.0.1:7007 to 127.0.0.1:7003\n"
                + "Adding extra replicas...\n"
                + "Adding replica 127.0.0.1:7008 to 127.0.0.1:7001\n"
                + "Adding replica 127.0.0.1:7004 to 127.0.0.1:7002\n");
        assertThat(nodes.get(4).replicate()).isEqualTo("id1");
        assertThat(AntiAffinity.score(nodes)).isEqualTo(50000);
    }

    @Test
    void reshardTableTakesProportionalShares() throws Exception {
        ClusterNode a = node("h", 1, "a", "a h:1@2 master - 0 0 1 connected 0-5460");
        ClusterNode b = node("h", 2, "b", "b h:2@3 master - 0 0 2 connected 5461-10922");
        ClusterNode c = node("h", 3, "c", "c h:3@4 master - 0 0 3 connected 10923-16383");
        ClusterNode t = node("h", 4, "t", null);
        Map<ClusterNode, BitSet> slots = new LinkedHashMap<>();
        for (ClusterNode n : List.of(a, b, c, t)) slots.put(n, n.slots());
        List<SlotMove> table = ClusterCommands.reshardTable(List.of(a, b, c), 4096, t, 0, slots);
        assertThat(table).hasSize(4096);
        // The biggest source first (ceil), the others floor, each from its lowest slots.
        assertThat(table.get(0).slot()).isEqualTo(5461);
        assertThat(table.stream().filter(m -> m.source() == b)).hasSize(1366);
        assertThat(table.stream().filter(m -> m.source() == a)).hasSize(1365);
        assertThat(table.get(1366).slot()).isEqualTo(0);
        for (int i = 0; i < table.size(); i++) assertThat(table.get(i).index).isEqualTo(i);
    }

    @Test
    void clusterNodesLinesAndNodeBlocks() throws Exception {
        ClusterNode.NodesLine l = ClusterNode.NodesLine.parse("995c0743f7e499b2b6af8e808c148d200f40bb6e 127.0.0.1:7001@17001 "
                + "myself,master - 0 1555256680000 1 connected 0-5460 5462 [12539-<-f2bcff12612ab068b68f48bc46de575895b947e5]"
                + " [7->-433e9fbd5a51a829bfbf87a8d1755c78f852f0d2]");
        assertThat(l.host()).isEqualTo("127.0.0.1");
        assertThat(l.port()).isEqualTo(7001);
        assertThat(l.busPort()).isEqualTo(17001);
        assertThat(l.flags()).containsExactly("myself", "master");
        assertThat(l.configEpoch()).isEqualTo(1);
        assertThat(l.slots().cardinality()).isEqualTo(5462);
        assertThat(l.importing()).containsEntry(12539, "f2bcff12612ab068b68f48bc46de575895b947e5");
        assertThat(l.migrating()).containsEntry(7, "433e9fbd5a51a829bfbf87a8d1755c78f852f0d2");
        assertThat(ClusterNode.slotsString(l.slots())).isEqualTo("[0-5460],[5462]");
        // Redis 7 hostnames: ip:port@cport,hostname
        assertThat(ClusterNode.NodesLine.parse("x 10.0.0.1:6379@16379,node-a master - 0 0 1 connected").busPort()).isEqualTo(16379);

        String line = "995c0743f7e499b2b6af8e808c148d200f40bb6e 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460";
        ClusterNode n = node("127.0.0.1", 7001, "995c0743f7e499b2b6af8e808c148d200f40bb6e", line);
        n.applyFlags(ClusterNode.NodesLine.parse(line));
        n.replicasCount = 1;
        assertThat(n.info(0)).isEqualTo("M: 995c0743f7e499b2b6af8e808c148d200f40bb6e 127.0.0.1:7001\n"
                + "   slots:[0-5460] (5461 slots) master\n   1 additional replica(s)");
        assertThat(n.info(4)).startsWith("    M: 995c").contains("\n       slots:[0-5460] (5461 slots) master\n       1 add");
    }

    @Test
    void argumentsReadTheWayRedisCliReadsThem() {
        assertThat(ClusterCli.wanted(new String[] {"--cluster", "check", "127.0.0.1:7001"})).isTrue();
        assertThat(ClusterCli.wanted(new String[] {"-a", "pw", "--no-auth-warning", "--cluster", "info", "h:1"})).isTrue();
        assertThat(ClusterCli.wanted(new String[] {"--cluster-weight", "a=1", "b=2", "--cluster", "rebalance", "h:1"})).isTrue();
        assertThat(ClusterCli.wanted(new String[] {"echo", "--cluster"})).isFalse();
        assertThat(ClusterCli.wanted(new String[] {"-p", "--cluster", "ping"})).isFalse();
        assertThat(ClusterCli.wanted(new String[] {"-c", "get", "k"})).isFalse();

        ClusterCli.Parsed p = parse("--cluster", "reshard", "127.0.0.1", "7000", "--cluster-from", "all", "--cluster-yes",
                "--cluster-weight", "ab=2", "cd=0.5", "--cluster-timeout", "1000", "--cluster-pipeline", "20");
        assertThat(p.name).isEqualTo("reshard");
        assertThat(p.args).containsExactly("127.0.0.1", "7000");
        assertThat(p.opts.from).isEqualTo("all");
        assertThat(p.opts.yes).isTrue();
        assertThat(p.opts.weights).containsExactly("ab=2", "cd=0.5");
        assertThat(p.opts.timeout).isEqualTo(1000);
        assertThat(p.opts.pipeline).isEqualTo(20);
        // Options first, then the subcommand's words after other options.
        ClusterCli.Parsed q = parse("--cluster-yes", "--cluster", "fix", "--dry-run", "h:1");
        assertThat(q.name).isEqualTo("fix");
        assertThat(q.args).containsExactly("h:1");
        assertThat(q.opts.dryRun).isTrue();
        assertThat(ClusterCli.hostFromArgs(List.of("h:1"))).isEqualTo(new HostPort("h", 1));
        assertThat(ClusterCli.hostFromArgs(List.of("h", "2"))).isEqualTo(new HostPort("h", 2));
        assertThat(ClusterCli.hostFromArgs(List.of("nocolon"))).isNull();
        assertThat(ClusterCli.hostFromArgs(List.of("h:0"))).isNull();
        assertThat(ClusterCli.parseAddress("127.0.0.1:7001@17001")).isEqualTo(new HostPort("127.0.0.1", 7001));
    }

    private static ClusterCli.Parsed parse(String... args) {
        ClusterCli.Parsed p = new ClusterCli.Parsed();
        ClusterCli.Host host = new ClusterCli.Host(err -> "usage\n", "test", prompt -> new byte[0]);
        assertThat(ClusterCli.parse(args, p, host, ManagerLog.silent())).isNull();
        return p;
    }

    @Test
    void backupJsonLikeRedisCli() throws Exception {
        String line = "aaaa 127.0.0.1:7001@17001 myself,master - 0 0 8 connected 0-5461 6000";
        ClusterNode n = node("127.0.0.1", 7001, "aaaa", line);
        n.applyFlags(ClusterNode.NodesLine.parse(line));
        n.migrating.put(7, "bbbb");
        assertThat(ClusterImport.nodeJson(n, 2)).isEqualTo("  {\n"
                + "    \"name\": \"aaaa\",\n"
                + "    \"host\": \"127.0.0.1\",\n"
                + "    \"port\": 7001,\n"
                + "    \"replicate\": null,\n"
                + "    \"slots\": [[0,5461],[6000]],\n"
                + "    \"slots_count\": 5463,\n"
                + "    \"flags\": \"master\",\n"
                + "    \"current_epoch\": 8,\n"
                + "    \"cluster_errors\": 2,\n"
                + "    \"migrating\": {\"7\": \"bbbb\"}\n"
                + "  }");
    }
}
