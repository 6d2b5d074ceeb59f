package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.info;
import static io.vermilion.cluster.ClusterAssert.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.it.support.TlsCerts;
import io.vermilion.util.HashSlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A TLS cluster (tls-cluster yes) of real redis-server 7.0 nodes and Vermilion nodes, formed by
 * the real {@code redis-cli --tls --cluster create} over the TLS ports: the bus runs over TLS in
 * both directions, each node announces its TLS port with the plaintext one as pport, clients are
 * told the ports of their own kind (TLS clients the TLS ports, plaintext clients the plain
 * ones), and keys set with {@code redis-cli --tls -c} through either kind of node are found
 * through the other.
 */
class TlsClusterIT {
    @TempDir
    Path tmp;

    private final List<ServerProcess> procs = new ArrayList<>();
    private final List<Kind> kinds = new ArrayList<>();
    private final List<Integer> plain = new ArrayList<>();
    private final List<Integer> tls = new ArrayList<>();

    @AfterEach
    void stop() {
        for (ServerProcess p : procs) if (p != null) p.close();
    }

    /** Starts the nodes in parallel (a JVM's start dominates), appending them in order. */
    private void add(Kind... nodeKinds) throws Exception {
        List<java.util.concurrent.CompletableFuture<ServerProcess>> started = new ArrayList<>();
        for (Kind kind : nodeKinds) {
            int port = Ports.free();
            int tlsPort = Ports.free();
            Path dir = tmp.resolve(kind.name().toLowerCase() + "-" + port);
            Files.createDirectories(dir);
            List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-node-timeout", "3000",
                    "--cluster-config-file", "nodes.conf"));
            args.addAll(TlsCerts.serverArgs(tlsPort, "--tls-cluster", "yes", "--tls-replication", "yes"));
            started.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return ServerProcess.start(kind, port, dir, null, args);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            kinds.add(kind);
            plain.add(port);
            tls.add(tlsPort);
        }
        for (var f : started) procs.add(f.join());
    }

    private Jedis plainJedis(int i) {
        return new Jedis("127.0.0.1", plain.get(i), 5000);
    }

    private Jedis tlsJedis(int i) throws Exception {
        return new Jedis(new HostAndPort("127.0.0.1", tls.get(i)), DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(TlsCerts.sslContext(true).getSocketFactory()).timeoutMillis(5000).build());
    }

    private static String tlsCli(int port, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("-p", Integer.toString(port)));
        a.addAll(TlsCerts.cliArgs());
        a.addAll(List.of(args));
        return RedisCli.run(a.toArray(new String[0])).plain();
    }

    @Test
    void mixedTlsClusterFormsAndServesBothKinds() throws Exception {
        // Nodes 0-3 form the cluster; 4 (redis-server) and 5 (Vermilion) join later as replicas.
        add(Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION);
        List<String> create = new ArrayList<>(TlsCerts.cliArgs());
        create.addAll(List.of("--cluster", "create"));
        for (int p : tls.subList(0, 4)) create.add("127.0.0.1:" + p);
        create.add("--cluster-yes");
        RedisCli.Result r = RedisCli.run(create.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.plain()).isZero();
        assertThat(r.plain()).contains("[OK] All nodes agree about slots configuration.", "[OK] All 16384 slots covered.");

        Set<Integer> tlsPorts = new HashSet<>(tls);
        Set<Integer> plainPorts = new HashSet<>(plain.subList(0, 4));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (int idx = 0; idx < 4; idx++) {
                final int i = idx;
                try (Jedis j = plainJedis(i)) {
                    assertThat(info(j, "cluster_state")).as("node %d (%s)", i, kinds.get(i)).isEqualTo("ok");
                    List<ClusterNodeInfo> view = nodes(j);
                    assertThat(view).hasSize(4);
                    assertThat(view).allSatisfy(v -> {
                        assertThat(v.hasFlag(NodeFlags.FAIL | NodeFlags.PFAIL | NodeFlags.HANDSHAKE)).isFalse();
                        assertThat(v.linkState()).isEqualTo(LinkState.CONNECTED);
                        // A plaintext client of a TLS cluster is given every node's plaintext port.
                        assertThat(plainPorts).as("node %d (%s) shows %s", i, kinds.get(i), v).contains(v.port());
                    });
                }
            }
        });
        for (int idx = 0; idx < 4; idx++) {
            final int i = idx;
            try (Jedis j = tlsJedis(i)) {
                // ... and a TLS client every node's TLS port, the bus port being the TLS port + 10000.
                assertThat(nodes(j)).as("node %d (%s) over TLS", i, kinds.get(i)).allSatisfy(v -> {
                    assertThat(tlsPorts).contains(v.port());
                    assertThat(v.cport()).isEqualTo(v.port() + 10000);
                });
            }
        }
        // CLUSTER SHARDS lists both ports, as Redis's does.
        try (Jedis v = plainJedis(1); Jedis rd = plainJedis(0)) {
            assertThat(shardPorts(v)).isEqualTo(shardPorts(rd)).contains("tls-port", "port");
        }

        // Keys through a Vermilion node's TLS port with redis-cli -c, read through a Redis node's, and back.
        Set<Integer> owners = new HashSet<>();
        for (int k = 0; k < 24; k++) {
            String key = "tls:key:" + k;
            int via = k % 2 == 0 ? tls.get(1) : tls.get(0);
            int other = k % 2 == 0 ? tls.get(2) : tls.get(3);
            assertThat(tlsCli(via, "-c", "set", key, "v" + k)).isEqualTo("OK\n");
            assertThat(tlsCli(other, "-c", "get", key)).isEqualTo("v" + k + "\n");
            owners.add(HashSlot.of(key.getBytes(StandardCharsets.UTF_8)) * 4 / 16384);
        }
        assertThat(owners).hasSizeGreaterThan(1);
        // A plaintext client of a Vermilion node is redirected to plaintext ports.
        for (int k = 0; k < 24; k++) {
            String key = "tls:key:" + k;
            RedisCli.Result g = RedisCli.run("-p", Integer.toString(plain.get(3)), "-c", "get", key);
            assertThat(g.plain()).isEqualTo("v" + k + "\n");
        }

        // Replicas over TLS (tls-replication yes) across kinds: a redis-server replica of a
        // Vermilion master and a Vermilion replica of a redis-server master, added with
        // redis-cli --tls --cluster add-node --cluster-slave; each syncs from its master's TLS port.
        // index 4 (redis-server) replicates Vermilion node 1, index 5 (Vermilion) Redis node 0
        int[] masterOf = {1, 0};
        for (int n = 0; n < 2; n++) {
            int replica = 4 + n;
            String masterId;
            try (Jedis m = plainJedis(masterOf[n])) {
                masterId = new String((byte[]) m.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "MYID"),
                        StandardCharsets.UTF_8);
            }
            List<String> addNode = new ArrayList<>(TlsCerts.cliArgs());
            addNode.addAll(List.of("--cluster", "add-node", "127.0.0.1:" + tls.get(replica), "127.0.0.1:" + tls.get(0),
                    "--cluster-slave", "--cluster-master-id", masterId));
            RedisCli.Result added = RedisCli.run(addNode.toArray(String[]::new));
            assertThat(added.exitCode()).as(added.plain()).isZero();
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            for (int n = 0; n < 2; n++) {
                try (Jedis rep = plainJedis(4 + n); Jedis m = plainJedis(masterOf[n])) {
                    String repl = rep.info("replication");
                    assertThat(repl).as("replica %d (%s)", 4 + n, kinds.get(4 + n))
                            .contains("master_link_status:up", "master_port:" + tls.get(masterOf[n]));
                    assertThat(rep.dbSize()).isEqualTo(m.dbSize()).isPositive();
                    // The master lists it at its TLS port.
                    assertThat(m.info("replication")).contains("port=" + tls.get(4 + n) + ",state=online");
                }
            }
        });
        // A write to each master reaches its replica over the TLS link.
        for (int n = 0; n < 2; n++) {
            String key = null;
            for (int k = 0; key == null; k++) {
                String cand = "tls:repl:" + k;
                try (Jedis m = plainJedis(masterOf[n])) {
                    m.set(cand, "r" + n);
                    key = cand;
                } catch (redis.clients.jedis.exceptions.JedisDataException moved) {
                    // MOVED: not this master's slot, try the next key
                }
            }
            final String k = key;
            final int idx = 4 + n;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                try (Jedis rep = plainJedis(idx)) {
                    rep.readonly();
                    assertThat(rep.get(k)).isEqualTo("r" + (idx - 4));
                }
            });
        }
    }

    /** The field names of CLUSTER SHARDS' node entries (sorted, unique). */
    private static Set<String> shardPorts(Jedis j) {
        Set<String> out = new java.util.TreeSet<>();
        Object reply = j.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "SHARDS");
        collectNames(reply, out);
        return out;
    }

    private static void collectNames(Object o, Set<String> out) {
        if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                Object e = l.get(i);
                if (e instanceof byte[] b) {
                    String s = new String(b, StandardCharsets.UTF_8);
                    if (s.equals("port") || s.equals("tls-port")) out.add(s);
                } else {
                    collectNames(e, out);
                }
            }
        }
    }
}
