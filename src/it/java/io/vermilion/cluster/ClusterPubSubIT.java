package io.vermilion.cluster;

import static io.vermilion.cluster.ClusterAssert.info;
import static io.vermilion.cluster.ClusterAssert.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.util.HashSlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Pub/Sub across a mixed cluster (issue 11, point 6): three masters (Vermilion, real
 * redis-server 7.0, Vermilion) and two replicas (a real replica of the first Vermilion master, a
 * Vermilion replica of the real master). PUBLISH on any node reaches subscribers on every node
 * through the bus's PUBLISH message, whichever kind sends and receives; SPUBLISH reaches the
 * shard's subscribers only (master and replica, through PUBLISHSHARD), never another shard's nor
 * plain subscribers of the same name. Subscribers are real clients: Jedis (RESP2) and Lettuce
 * (RESP3, push frames) on a Vermilion node.
 */
class ClusterPubSubIT {
    private static final List<ServerProcess> procs = new ArrayList<>();
    private static final List<Kind> kinds = List.of(Kind.VERMILION, Kind.REDIS, Kind.VERMILION, Kind.REDIS, Kind.VERMILION);
    private static final int[] ports = new int[5];
    private static final String[] ids = new String[5];
    // Node 3 replicates node 0 (shard A), node 4 replicates node 1 (shard B); node 2 is shard C.

    @BeforeAll
    static void formCluster() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(5);
        try {
            List<Future<ServerProcess>> fs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int port = Ports.free();
                ports[i] = port;
                Kind k = kinds.get(i);
                Path dir = Files.createTempDirectory("vermilion-it-pubsub-" + port + "-");
                fs.add(ex.submit(() -> ServerProcess.start(k, port, dir, null, List.of("--cluster-enabled", "yes",
                        "--cluster-node-timeout", "3000", "--cluster-config-file", "nodes.conf"))));
            }
            for (Future<ServerProcess> f : fs) procs.add(f.get(60, TimeUnit.SECONDS));
        } finally {
            ex.shutdown();
        }
        RedisCli.Result r = RedisCli.run("--cluster", "create", "127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1],
                "127.0.0.1:" + ports[2], "--cluster-yes");
        assertThat(r.exitCode()).as(r.plain()).isZero();
        for (int i = 0; i < 5; i++) {
            try (Jedis j = jedis(i)) {
                ids[i] = j.clusterMyId();
            }
        }
        for (int[] rm : new int[][] {{3, 0}, {4, 1}}) {
            try (Jedis j = jedis(rm[0])) {
                j.clusterMeet("127.0.0.1", ports[rm[1]]);
            }
        }
        for (int[] rm : new int[][] {{3, 0}, {4, 1}}) {
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                try (Jedis j = jedis(rm[0])) {
                    return "OK".equals(j.clusterReplicate(ids[rm[1]]));
                }
            });
        }
        // Everyone sees five connected nodes, the replicas under their masters, and the cluster up.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            for (int i = 0; i < 5; i++) {
                try (Jedis j = jedis(i)) {
                    assertThat(info(j, "cluster_state")).as("node %d", i).isEqualTo("ok");
                    List<ClusterNodeInfo> ns = nodes(j);
                    assertThat(ns).hasSize(5);
                    assertThat(ns).allSatisfy(n -> assertThat(n.linkState()).isEqualTo(LinkState.CONNECTED));
                    for (int[] rm : new int[][] {{3, 0}, {4, 1}}) {
                        ClusterNodeInfo rep = ns.stream().filter(n -> n.id().equals(ids[rm[0]])).findFirst().orElseThrow();
                        assertThat(rep.hasFlag(NodeFlags.SLAVE)).as("node %d sees %d as replica", i, rm[0]).isTrue();
                        assertThat(rep.masterId()).isEqualTo(ids[rm[1]]);
                    }
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        for (ServerProcess p : procs) p.close();
    }

    private static Jedis jedis(int i) {
        return new Jedis("127.0.0.1", ports[i], 5000);
    }

    /** A channel name whose slot node {@code owner} serves (as a master). */
    private static String channelOwnedBy(int owner, String prefix) {
        try (Jedis j = jedis(0)) {
            List<ClusterNodeInfo> ns = nodes(j);
            ClusterNodeInfo o = ns.stream().filter(n -> n.id().equals(ids[owner])).findFirst().orElseThrow();
            for (int k = 0; ; k++) {
                String ch = prefix + k;
                if (o.slotBitmap().get(HashSlot.of(ch.getBytes(StandardCharsets.UTF_8)))) return ch;
            }
        }
    }

    /** A Jedis subscriber running on its own thread; what it hears goes to a queue as "channel message". */
    private static final class Sub implements AutoCloseable {
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        final CountDownLatch subscribed;
        final JedisPubSub plain;
        final JedisShardedPubSub shard;
        final Thread thread;
        final String what;

        Sub(int node, boolean sharded, String... channels) {
            what = (sharded ? "SSUBSCRIBE " : "SUBSCRIBE ") + String.join(" ", channels) + " on node " + node + " (" + kinds.get(node) + ")";
            subscribed = new CountDownLatch(channels.length);
            if (sharded) {
                plain = null;
                shard = new JedisShardedPubSub() {
                    @Override public void onSMessage(String channel, String message) { got.add(channel + " " + message); }
                    @Override public void onSSubscribe(String channel, int count) { subscribed.countDown(); }
                };
            } else {
                shard = null;
                plain = new JedisPubSub() {
                    @Override public void onMessage(String channel, String message) { got.add(channel + " " + message); }
                    @Override public void onSubscribe(String channel, int count) { subscribed.countDown(); }
                };
            }
            Connection conn = new Connection("127.0.0.1", ports[node]);
            thread = new Thread(() -> {
                try (conn) {
                    if (sharded) shard.proceed(conn, channels);
                    else plain.proceed(conn, channels);
                } catch (RuntimeException e) {
                    got.add("error " + e);
                }
            }, "sub-" + node);
            thread.setDaemon(true);
            thread.start();
        }

        Sub ready() throws InterruptedException {
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).as("subscribed: %s", what).isTrue();
            return this;
        }

        String next() throws InterruptedException {
            String m = got.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message for %s", what).isNotNull();
            return m;
        }

        @Override public void close() throws InterruptedException {
            if (plain != null && plain.isSubscribed()) plain.unsubscribe();
            if (shard != null && shard.isSubscribed()) shard.sunsubscribe();
            thread.join(5000);
        }
    }

    @Test
    void publishReachesEveryNodeOfBothKinds() throws Exception {
        List<Sub> subs = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) subs.add(new Sub(i, false, "news"));
            for (Sub s : subs) s.ready();
            // From a Vermilion master, from a real master, and from each kind of replica.
            for (int from : new int[] {0, 1, 3, 4}) {
                String msg = "from-" + from + "-" + kinds.get(from);
                try (Jedis j = jedis(from)) {
                    assertThat(j.publish("news", msg)).as("local receivers on node %d", from).isEqualTo(1);
                }
                for (Sub s : subs) assertThat(s.next()).as(s.what).isEqualTo("news " + msg);
            }
            // Binary-safe payloads cross the bus unchanged.
            try (Jedis j = jedis(2)) {
                j.publish("news".getBytes(StandardCharsets.UTF_8), "a\r\nb\u0000c".getBytes(StandardCharsets.UTF_8));
            }
            for (Sub s : subs) assertThat(s.next()).as(s.what).isEqualTo("news a\r\nb\u0000c");
            for (Sub s : subs) assertThat(s.got).as(s.what).isEmpty();
        } finally {
            for (Sub s : subs) s.close();
        }
    }

    @Test
    void spublishReachesOnlyTheShard() throws Exception {
        String chA = channelOwnedBy(0, "sa"); // shard A: Vermilion master 0, real replica 3
        String chB = channelOwnedBy(1, "sb"); // shard B: real master 1, Vermilion replica 4
        String chC = channelOwnedBy(2, "sc"); // shard C: Vermilion master 2
        List<Sub> subs = new ArrayList<>();
        try {
            Sub a0 = new Sub(0, true, chA), a3 = new Sub(3, true, chA);
            Sub b1 = new Sub(1, true, chB), b4 = new Sub(4, true, chB);
            Sub c2 = new Sub(2, true, chC);
            List<Sub> shardSubs = List.of(a0, a3, b1, b4, c2);
            subs.addAll(shardSubs);
            // Plain subscribers of the same names, plus a fence channel, on every node.
            List<Sub> plain = new ArrayList<>();
            for (int i = 0; i < 5; i++) plain.add(new Sub(i, false, chA, chB, chC, "fence"));
            subs.addAll(plain);
            for (Sub s : subs) s.ready();

            try (Jedis j = jedis(0)) {
                assertThat(j.sendCommand(Protocol.Command.SPUBLISH, chA, "A-from-vermilion")).isEqualTo(1L);
            }
            assertThat(a0.next()).isEqualTo(chA + " A-from-vermilion");
            assertThat(a3.next()).as("the real replica of the Vermilion master").isEqualTo(chA + " A-from-vermilion");
            try (Jedis j = jedis(1)) {
                assertThat(j.sendCommand(Protocol.Command.SPUBLISH, chB, "B-from-redis")).isEqualTo(1L);
            }
            assertThat(b1.next()).isEqualTo(chB + " B-from-redis");
            assertThat(b4.next()).as("the Vermilion replica of the real master").isEqualTo(chB + " B-from-redis");
            try (Jedis j = jedis(2)) {
                assertThat(j.sendCommand(Protocol.Command.SPUBLISH, chC, "C-alone")).isEqualTo(1L);
                // A shard channel of another shard is redirected, as a key would be.
                assertThatThrownBy(() -> j.sendCommand(Protocol.Command.SPUBLISH, chA, "x"))
                        .isInstanceOf(JedisDataException.class).hasMessageStartingWith("MOVED");
            }
            assertThat(c2.next()).isEqualTo(chC + " C-alone");

            // The fence: a PUBLISH from each master after the SPUBLISHes. Bus links keep order, so a
            // plain subscriber that got a shard message would see it before the fence.
            for (int from : new int[] {0, 1, 2}) {
                try (Jedis j = jedis(from)) {
                    j.publish("fence", "after-" + from);
                }
                for (Sub s : plain) assertThat(s.next()).as(s.what).isEqualTo("fence after-" + from);
            }
            for (Sub s : plain) assertThat(s.got).as(s.what).isEmpty();
            for (Sub s : shardSubs) assertThat(s.got).as("nothing more for %s", s.what).isEmpty();
            // PUBSUB SHARDNUMSUB counts the local shard subscribers only.
            try (Jedis j = jedis(3)) {
                assertThat(j.sendCommand(Protocol.Command.PUBSUB, "SHARDNUMSUB", chA).toString()).contains("1");
            }
        } finally {
            for (Sub s : subs) s.close();
        }
    }

    /** Lettuce speaks RESP3: messages arrive as push frames, and other commands still get their replies. */
    @Test
    void lettuceResp3SubscriberOnVermilion() throws Exception {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(ports[2])
                .withClientName("lettuce-resp3").withTimeout(Duration.ofSeconds(5)).build());
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        try (StatefulRedisPubSubConnection<String, String> conn = client.connectPubSub()) {
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            conn.addListener(new RedisPubSubAdapter<>() {
                @Override public void message(String channel, String message) { got.add("message " + channel + " " + message); }
                @Override public void message(String pattern, String channel, String message) {
                    got.add("pmessage " + pattern + " " + channel + " " + message);
                }
            });
            conn.sync().subscribe("lt");
            conn.sync().psubscribe("lt*");
            // In RESP3 a subscribed connection runs any command.
            assertThat(conn.sync().echo("still-answering")).isEqualTo("still-answering");
            try (Jedis j = jedis(2)) {
                String list = j.clientList();
                assertThat(list).containsPattern("name=lettuce-resp3 .*resp=3");
                assertThat(j.pubsubNumSub("lt")).containsEntry("lt", 1L);
            }
            // Published on the real master: reaches the Vermilion node over the bus, then Lettuce.
            try (Jedis j = jedis(1)) {
                j.publish("lt", "over-the-bus");
            }
            List<String> two = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                String m = got.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("message %d", k).isNotNull();
                two.add(m);
            }
            assertThat(two).containsExactlyInAnyOrder("message lt over-the-bus", "pmessage lt* lt over-the-bus");
            conn.sync().unsubscribe("lt");
            conn.sync().punsubscribe("lt*");
            try (Jedis j = jedis(2)) {
                assertThat(j.publish("lt", "nobody")).isZero();
            }
            assertThat(conn.sync().echo("fence")).isEqualTo("fence");
            assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            client.shutdown();
        }
    }
}
