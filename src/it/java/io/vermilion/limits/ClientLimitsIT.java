package io.vermilion.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vermilion.it.support.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Client limits on a real node, with raw sockets for the misbehaving clients and Jedis for the
 * well-behaved one: client-output-buffer-limit disconnects a reader that never reads and
 * nothing else, maxclients refuses with Redis's text, timeout closes idle clients but not
 * blocked ones, client-query-buffer-limit closes a client sending an endless argument.
 * See docs/limits.md.
 */
class ClientLimitsIT {
    static ServerProcess node;

    @BeforeAll
    static void start() throws Exception {
        node = ServerProcess.vermilion();
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    static Jedis jedis() {
        return new Jedis("127.0.0.1", node.port(), 10_000);
    }

    static Socket raw() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", node.port()), 2000);
        return s;
    }

    static byte[] cmd(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0) {
            if (ch == '\n') break;
            if (ch != '\r') sb.append((char) ch);
        }
        return ch < 0 && sb.length() == 0 ? null : sb.toString();
    }

    /** True once the peer closed the socket (EOF or reset) within the time given. */
    static boolean closedWithin(Socket s, long ms) throws IOException {
        s.setSoTimeout(200);
        long end = System.currentTimeMillis() + ms;
        byte[] buf = new byte[65536];
        while (System.currentTimeMillis() < end) {
            try {
                if (s.getInputStream().read(buf) < 0) return true;
            } catch (SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    static boolean listed(Jedis j, String name) {
        return j.clientList().contains(" name=" + name + " ");
    }

    static void awaitGone(Jedis j, String name, long ms) throws InterruptedException {
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(ms)).pollDelay(java.time.Duration.ZERO).pollInterval(java.time.Duration.ofMillis(50)).until(() -> !listed(j, name));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below with the client list
        }
        assertFalse(listed(j, name), name + " still connected: " + j.clientList());
    }

    @Test
    void outputBufferLimitDisconnectsTheSlowReaderOnly() throws Exception {
        try (Jedis j = jedis(); Jedis good = jedis(); Socket slow = raw()) {
            j.configSet("client-output-buffer-limit", "normal 1mb 256kb 1");
            try {
                j.set("big", "x".repeat(100_000));
                good.clientSetname("good");
                OutputStream out = slow.getOutputStream();
                out.write(cmd("CLIENT", "SETNAME", "slow"));
                out.flush();
                assertEquals("+OK", readLine(slow.getInputStream()));
                // GETs one by one, never reading: the socket buffers fill, then our buffer grows.
                try {
                    for (int i = 0; i < 300 && listed(j, "slow"); i++) {
                        out.write(cmd("GET", "big"));
                        out.flush();
                        // The well-behaved client reads every reply of the same size meanwhile.
                        assertEquals(100_000, good.get("big").length());
                    }
                } catch (IOException closed) {
                    // the node dropped us while we wrote: what this test expects
                }
                awaitGone(j, "slow", 5000);
                assertTrue(listed(j, "good"));
                assertEquals("PONG", good.ping());
                String log = node.log();
                assertTrue(log.contains("scheduled to be closed ASAP for overcoming of output buffer limits."), log);
                assertTrue(log.contains("name=slow"), log);
                assertFalse(log.contains("name=good"), log);
            } finally {
                j.configSet("client-output-buffer-limit", "normal 0 0 0");
            }
        }
    }

    @Test
    void pubsubLimitDisconnectsASlowSubscriberOnly() throws Exception {
        try (Jedis j = jedis(); Socket slow = raw(); Socket fast = raw()) {
            j.configSet("client-output-buffer-limit", "pubsub 1mb 256kb 60");
            try {
                for (Socket s : new Socket[] {slow, fast}) {
                    s.getOutputStream().write(cmd("CLIENT", "SETNAME", s == slow ? "slowsub" : "fastsub"));
                    s.getOutputStream().write(cmd("SUBSCRIBE", "news"));
                    s.getOutputStream().flush();
                    assertEquals("+OK", readLine(s.getInputStream()));
                }
                // The fast subscriber reads everything, on its own thread.
                LongAdderHolder read = new LongAdderHolder();
                Thread reader = new Thread(() -> {
                    byte[] buf = new byte[65536];
                    try {
                        InputStream in = fast.getInputStream();
                        int n;
                        while ((n = in.read(buf)) > 0) read.bytes.add(n);
                    } catch (IOException e) {
                        // closed at the end of the test
                    }
                });
                reader.start();
                String msg = "m".repeat(100_000);
                long receivers = 2;
                for (int i = 0; i < 300 && receivers == 2; i++) receivers = j.publish("news", msg);
                awaitGone(j, "slowsub", 5000);
                assertTrue(listed(j, "fastsub"));
                assertEquals(1, j.publish("news", "still there"));
                String log = node.log();
                assertTrue(log.contains("name=slowsub") && log.contains("overcoming of output buffer limits"), log);
                assertFalse(log.contains("name=fastsub"), log);
                assertTrue(read.bytes.sum() > 1_000_000, "fast subscriber read " + read.bytes.sum());
                fast.close();
                reader.join(5000);
            } finally {
                j.configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60");
            }
        }
    }

    static final class LongAdderHolder {
        final java.util.concurrent.atomic.LongAdder bytes = new java.util.concurrent.atomic.LongAdder();
    }

    @Test
    void aPipelineWhoseRepliesExceedTheHardLimitIsDropped() throws Exception {
        try (Jedis j = jedis(); Socket s = raw()) {
            j.configSet("client-output-buffer-limit", "normal 1mb 0 0");
            try {
                j.set("big2", "y".repeat(100_000));
                OutputStream out = s.getOutputStream();
                java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
                for (int i = 0; i < 50; i++) p.write(cmd("GET", "big2"));
                out.write(p.toByteArray());
                out.flush();
                assertTrue(closedWithin(s, 5000), "not closed");
                assertEquals("PONG", j.ping());
                // CLIENT LIST shows the output buffer fields of the connections left.
                String me = j.clientInfo();
                assertTrue(me.contains(" obl=") && me.contains(" oll=") && me.contains(" omem="), me);
            } finally {
                j.configSet("client-output-buffer-limit", "normal 0 0 0");
            }
        }
    }

    @Test
    void maxclientsRefusesWithRedisText() throws Exception {
        try (Jedis j = jedis()) {
            long before = rejected(j);
            j.configSet("maxclients", "4");
            Socket[] socks = new Socket[6];
            try {
                String refused = null;
                for (int i = 0; i < socks.length && refused == null; i++) {
                    socks[i] = raw();
                    socks[i].getOutputStream().write(cmd("PING"));
                    socks[i].setSoTimeout(5000);
                    String l = readLine(socks[i].getInputStream());
                    if (!"+PONG".equals(l)) refused = l;
                }
                assertEquals("-ERR max number of clients reached", refused);
            } finally {
                for (Socket s : socks) if (s != null) s.close();
                j.configSet("maxclients", "10000");
            }
            assertTrue(rejected(j) > before);
        }
    }

    static long rejected(Jedis j) {
        for (String l : j.info("stats").split("\r\n")) {
            if (l.startsWith("rejected_connections:")) return Long.parseLong(l.substring(21));
        }
        throw new AssertionError();
    }

    @Test
    void timeoutClosesIdleClientsButNotBlockedOnes() throws Exception {
        try (Socket idle = raw(); Socket blocked = raw()) {
            OutputStream bo = blocked.getOutputStream();
            bo.write(cmd("CLIENT", "SETNAME", "blocked"));
            bo.write(cmd("BLPOP", "nothing-here", "0"));
            bo.flush();
            assertEquals("+OK", readLine(blocked.getInputStream()));
            try (Jedis j = jedis()) {
                j.configSet("timeout", "1");
            }
            try {
                assertTrue(closedWithin(idle, 6000), "idle client not closed");
                try (Jedis j = jedis()) {
                    assertTrue(listed(j, "blocked"), "blocked client was timed out");
                    j.configSet("timeout", "0");
                }
            } finally {
                try (Jedis j = jedis()) { j.configSet("timeout", "0"); }
            }
        }
    }

    @Test
    void queryBufferLimitClosesAClientSendingAnEndlessArgument() throws Exception {
        try (Jedis j = jedis(); Socket s = raw()) {
            j.configSet("client-query-buffer-limit", "1mb");
            try {
                OutputStream out = s.getOutputStream();
                out.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$104857600\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                try {
                    for (int i = 0; i < 64; i++) out.write(chunk); // 4 MB of the declared 100 MB
                } catch (IOException closed) {
                    // dropped while writing
                }
                assertTrue(closedWithin(s, 5000), "not closed");
                assertEquals("PONG", j.ping());
                assertTrue(node.log().contains("Closing client that reached max query buffer length"), node.log());
            } finally {
                j.configSet("client-query-buffer-limit", "1gb");
            }
        }
    }

    @Test
    void tcpKeepaliveSetsTheSocketsKeepaliveTimer() throws Exception {
        try (Jedis j = jedis()) {
            assertEquals("300", j.configGet("tcp-keepalive").get("tcp-keepalive"));
            j.configSet("tcp-keepalive", "30");
            try (Socket k = raw()) {
                k.getOutputStream().write(cmd("PING"));
                assertEquals("+PONG", readLine(k.getInputStream()));
                // The server's end of this connection runs a keepalive timer of 30 s (ss -o shows it).
                Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established",
                        "( sport = :" + node.port() + " and dport = :" + k.getLocalPort() + " )")
                        .redirectErrorStream(true).start();
                String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                ss.waitFor();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("timer:\\(keepalive,(\\d+)(?:\\.\\d+)?sec").matcher(out);
                assertTrue(m.find(), out);
                int left = Integer.parseInt(m.group(1));
                assertTrue(left > 20 && left <= 30, out);
            } finally {
                j.configSet("tcp-keepalive", "300");
            }
        }
    }
}
