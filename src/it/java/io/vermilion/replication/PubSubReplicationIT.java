package io.vermilion.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.it.support.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Outside cluster mode Redis propagates PUBLISH to replicas (not to the AOF), so a subscriber of
 * a replica hears what is published on the master (docs/pubsub.md). A Vermilion master with a
 * real redis-server 7.0 replica and a Vermilion replica.
 */
class PubSubReplicationIT {
    @Test
    void publishOnTheMasterReachesSubscribersOfItsReplicas() throws Exception {
        List<ServerProcess> procs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<JedisPubSub> subs = new ArrayList<>();
        try {
            ServerProcess master = ServerProcess.vermilion("--appendonly", "yes");
            procs.add(master);
            procs.add(ServerProcess.redis("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            procs.add(ServerProcess.vermilion("--replicaof", "127.0.0.1", Integer.toString(master.port())));
            for (ServerProcess replica : procs.subList(1, 3)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", replica.port(), 5000)) {
                        return j.info("replication").contains("master_link_status:up");
                    }
                });
            }
            BlockingQueue<String> got = new LinkedBlockingQueue<>();
            CountDownLatch subscribed = new CountDownLatch(3);
            for (ServerProcess p : procs) {
                String who = p.kind() + "@" + p.port();
                JedisPubSub s = new JedisPubSub() {
                    @Override public void onMessage(String channel, String message) { got.add(who + " " + channel + " " + message); }
                    @Override public void onSubscribe(String channel, int count) { subscribed.countDown(); }
                };
                subs.add(s);
                Connection conn = new Connection("127.0.0.1", p.port());
                Thread t = new Thread(() -> {
                    try (conn) {
                        s.proceed(conn, "events");
                    }
                });
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            try (Jedis j = new Jedis("127.0.0.1", master.port(), 5000)) {
                assertThat(j.publish("events", "hello")).isEqualTo(1);
                j.set("k", "v");
            }
            List<String> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String m = got.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("message %d of 3", i).isNotNull();
                three.add(m);
            }
            List<String> want = new ArrayList<>();
            for (ServerProcess p : procs) want.add(p.kind() + "@" + p.port() + " events hello");
            assertThat(three).containsExactlyInAnyOrderElementsOf(want);
            // The replicas got the SET after the PUBLISH; the AOF has the SET and no PUBLISH.
            for (ServerProcess replica : procs.subList(1, 3)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", replica.port(), 5000)) {
                        return "v".equals(j.get("k"));
                    }
                });
            }
            StringBuilder aof = new StringBuilder();
            try (Stream<Path> files = Files.list(master.dir().resolve("appendonlydir"))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (f.getFileName().toString().endsWith(".aof")) aof.append(Files.readString(f, StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(aof.toString()).contains("SET").doesNotContain("PUBLISH").doesNotContain("publish");
            assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
        } finally {
            for (JedisPubSub s : subs) if (s.isSubscribed()) s.unsubscribe();
            for (Thread t : threads) t.join(2000);
            for (ServerProcess p : procs) p.close();
        }
    }
}
