package io.vermilion.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.ClientOptions;
import io.vermilion.it.support.Ports;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.it.support.TlsCerts;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * TLS on the client port (docs/tls.md): the real redis-cli --tls, Jedis and Lettuce against a
 * Vermilion tls-port; client certificates per tls-auth-clients; every key form Redis accepts
 * loaded through CONFIG SET (which reloads the files); and CONFIG GET/SET of the tls-*
 * directives compared with a real redis-server 7.0 given the same TLS arguments.
 */
class TlsIT {
    private static ServerProcess node;
    private static ServerProcess redis;
    private static int tlsPort;
    private static int redisTlsPort;

    @BeforeAll
    static void start() throws Exception {
        tlsPort = Ports.free();
        node = ServerProcess.start(Kind.VERMILION, Ports.free(), TlsCerts.serverArgs(tlsPort));
        redisTlsPort = Ports.free();
        redis = ServerProcess.start(Kind.REDIS, Ports.free(), TlsCerts.serverArgs(redisTlsPort));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
        if (redis != null) redis.close();
    }

    static String run(String stdin, List<String> cmd) throws Exception {
        Path out = Files.createTempFile("tls-it-", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
            return Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** redis-cli over TLS with the client certificate (withCert) or only the CA. */
    static String tlsCli(int port, boolean withCert, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        if (withCert) cmd.addAll(TlsCerts.cliArgs());
        else cmd.addAll(List.of("--tls", "--cacert", TlsCerts.file("ca.crt")));
        cmd.addAll(List.of(args));
        return run(null, cmd);
    }

    static String plainCli(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return run(null, cmd);
    }

    @Test
    void redisCliOverTls() throws Exception {
        assertThat(tlsCli(tlsPort, true, "ping")).isEqualTo("PONG\n");
        assertThat(tlsCli(tlsPort, true, "set", "tls:k", "hello over tls")).isEqualTo("OK\n");
        assertThat(tlsCli(tlsPort, true, "get", "tls:k")).isEqualTo("hello over tls\n");
        // The plain port serves the same keyspace.
        assertThat(plainCli(node.port(), "get", "tls:k")).isEqualTo("hello over tls\n");
        // A pipeline: redis-cli --pipe sends everything at once and counts the replies.
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) sb.append("SET tls:p:").append(i).append(' ').append(i).append("\r\n");
        List<String> pipe = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(tlsPort)));
        pipe.addAll(TlsCerts.cliArgs());
        pipe.add("--pipe");
        String out = run(sb.toString(), pipe);
        assertThat(out).contains("errors: 0, replies: 2000");
        assertThat(plainCli(node.port(), "get", "tls:p:1999")).isEqualTo("1999\n");
        assertThat(tlsCli(tlsPort, true, "--no-raw", "incr", "tls:n")).isEqualTo("(integer) 1\n");
    }

    /** redis-cli --tls with the given certificate ("client", "rogue": not from the CA) or none (null). */
    static String tlsCliCert(int port, String cert, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port), "--tls",
                "--cacert", TlsCerts.file("ca.crt")));
        if (cert != null) cmd.addAll(List.of("--cert", TlsCerts.file(cert + ".crt"), "--key", TlsCerts.file(cert + ".key")));
        cmd.addAll(List.of(args));
        return run(null, cmd);
    }

    @Test
    void clientCertificatesPerTlsAuthClients() throws Exception {
        // Whether redis-cli --tls [--cert --key] gets PONG, per tls-auth-clients and certificate,
        // on both servers; the expected matrix is Redis's (yes: a CA-signed certificate required;
        // optional: none, or a CA-signed one; no: not checked at all).
        Map<String, List<Boolean>> expected = Map.of(
                "yes", List.of(false, true, false),
                "optional", List.of(true, true, false),
                "no", List.of(true, true, true));
        List<String> certs = java.util.Arrays.asList(null, "client", "rogue");
        try {
            for (String mode : List.of("yes", "optional", "no")) {
                for (int[] ports : new int[][] {{node.port(), tlsPort}, {redis.port(), redisTlsPort}}) {
                    assertThat(plainCli(ports[0], "config", "set", "tls-auth-clients", mode)).isEqualTo("OK\n");
                    List<Boolean> got = new ArrayList<>();
                    for (String cert : certs) got.add(tlsCliCert(ports[1], cert, "ping").equals("PONG\n"));
                    assertThat(got).as("tls-auth-clients %s, port %d (no cert, client.crt, rogue.crt)", mode, ports[1])
                            .isEqualTo(expected.get(mode));
                }
            }
        } finally {
            plainCli(node.port(), "config", "set", "tls-auth-clients", "yes");
            plainCli(redis.port(), "config", "set", "tls-auth-clients", "yes");
        }
        assertThat(tlsCli(tlsPort, false, "ping")).doesNotContain("PONG");
    }

    /** Polls until the condition holds (a replica catching up), failing after 30 s. */
    static void await(String what, java.util.concurrent.Callable<Boolean> cond) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.call()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(100);
        }
    }

    static String info(int port, String field) throws Exception {
        for (String l : plainCli(port, "info", "replication").split("\r?\n")) {
            if (l.startsWith(field + ":")) return l.substring(field.length() + 1).trim();
        }
        return null;
    }

    /**
     * tls-replication yes: a Vermilion replica of the Vermilion TLS master, a real redis-server
     * replica of it, and the Vermilion replica moved to the real redis-server TLS master. Disk
     * (repl-diskless-sync no: the RDB file sent in chunks through TLS) and diskless syncs, then
     * the command stream; each replica announces its TLS port (REPLCONF listening-port), as Redis.
     */
    @Test
    void replicationOverTls() throws Exception {
        String big = "v".repeat(3 << 20); // more than one 1 MB batch of the chunked RDB transfer
        try (Jedis m = new Jedis("127.0.0.1", node.port(), 10_000); Jedis rm = new Jedis("127.0.0.1", redis.port(), 10_000)) {
            m.configSet("repl-diskless-sync", "no");
            rm.configSet("repl-diskless-sync-delay", "0");
            for (int i = 0; i < 500; i++) m.set("repl:k" + i, "v" + i);
            m.set("repl:big", big);
            int rTls = Ports.free();
            int vTls = Ports.free();
            List<String> replicaArgs = TlsCerts.serverArgs(0, "--tls-replication", "yes", "--replicaof", "127.0.0.1",
                    Integer.toString(tlsPort));
            try (ServerProcess rr = ServerProcess.start(Kind.REDIS, Ports.free(), withTlsPort(replicaArgs, rTls));
                 ServerProcess vr = ServerProcess.start(Kind.VERMILION, Ports.free(), withTlsPort(replicaArgs, vTls));
                 Jedis rj = new Jedis("127.0.0.1", rr.port(), 10_000); Jedis vj = new Jedis("127.0.0.1", vr.port(), 10_000)) {
                for (ServerProcess r : List.of(rr, vr)) {
                    await(r.kind() + " replica link up", () -> "up".equals(info(r.port(), "master_link_status")));
                }
                for (Jedis j : List.of(rj, vj)) {
                    await("the snapshot loaded", () -> j.dbSize() == m.dbSize());
                    assertThat(j.get("repl:big")).isEqualTo(big);
                    assertThat(j.get("repl:k499")).isEqualTo("v499");
                }
                // The stream follows over TLS.
                m.set("repl:after", "streamed");
                m.incr("repl:n");
                for (Jedis j : List.of(rj, vj)) {
                    await("the stream applied", () -> "1".equals(j.get("repl:n")));
                    assertThat(j.get("repl:after")).isEqualTo("streamed");
                }
                // The master lists each replica at its TLS port (Redis: tls-replication and tls-port set).
                String slaves = plainCli(node.port(), "info", "replication");
                assertThat(slaves).contains("port=" + rTls + ",state=online").contains("port=" + vTls + ",state=online");
                // The Vermilion replica follows the real redis-server TLS master now (diskless).
                rm.set("repl:from-redis", "yes");
                assertThat(vj.replicaof("127.0.0.1", redisTlsPort)).isEqualTo("OK");
                await("Vermilion replica of redis-server up", () -> "up".equals(info(vr.port(), "master_link_status"))
                        && "yes".equals(vj.get("repl:from-redis")));
                assertThat(vj.exists("repl:big")).isEqualTo(rm.exists("repl:big"));
                rm.set("repl:from-redis-2", "streamed");
                await("stream from redis-server", () -> "streamed".equals(vj.get("repl:from-redis-2")));
                assertThat(plainCli(redis.port(), "info", "replication")).contains("port=" + vTls + ",state=online");
                // Redis's log lines of a completed sync.
                assertThat(vr.log()).contains("MASTER <-> REPLICA sync: Finished with success");
            } finally {
                m.configSet("repl-diskless-sync", "yes");
                for (String k : m.keys("repl:*")) m.del(k);
                for (String k : rm.keys("repl:*")) rm.del(k);
            }
        }
    }

    private static List<String> withTlsPort(List<String> args, int tlsPort) {
        List<String> a = new ArrayList<>(args);
        a.set(a.indexOf("--tls-port") + 1, Integer.toString(tlsPort));
        return a;
    }

    @Test
    void jedisAndLettuceOverTls() throws Exception {
        DefaultJedisClientConfig cfg = DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(TlsCerts.sslContext(true).getSocketFactory()).timeoutMillis(10_000).build();
        try (Jedis j = new Jedis(new HostAndPort("127.0.0.1", tlsPort), cfg)) {
            assertThat(j.ping()).isEqualTo("PONG");
            j.set("tls:jedis".getBytes(), new byte[] {0, 1, 2, (byte) 0xff});
            assertThat(j.get("tls:jedis".getBytes())).containsExactly(0, 1, 2, 0xff);
            var p = j.pipelined();
            for (int i = 0; i < 500; i++) p.incr("tls:jedis:n");
            p.sync();
            assertThat(j.get("tls:jedis:n")).isEqualTo("500");
        }
        SslOptions ssl = SslOptions.builder().jdkSslProvider().trustManager(new File(TlsCerts.file("ca.crt")))
                .keyManager(new File(TlsCerts.file("client.crt")), new File(TlsCerts.file("client.key")), null).build();
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(tlsPort).withSsl(true)
                .withVerifyPeer(true).build());
        client.setOptions(ClientOptions.builder().sslOptions(ssl).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().ping()).isEqualTo("PONG");
            assertThat(c.sync().set("tls:lettuce", "v")).isEqualTo("OK");
            assertThat(c.sync().get("tls:lettuce")).isEqualTo("v");
            assertThat(c.sync().incr("tls:lettuce:n")).isEqualTo(1L);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void everyKeyFormLoadsThroughConfigSet() throws Exception {
        try {
            // PKCS#1 RSA, SEC1 EC, encrypted PKCS#8: each reloaded by CONFIG SET and served at once.
            assertThat(plainCli(node.port(), "config", "set", "tls-key-file", TlsCerts.file("redis-pkcs1.key")))
                    .isEqualTo("OK\n");
            assertThat(tlsCli(tlsPort, true, "ping")).isEqualTo("PONG\n");
            assertThat(plainCli(node.port(), "config", "set", "tls-cert-file", TlsCerts.file("redis-ec.crt"),
                    "tls-key-file", TlsCerts.file("redis-ec.key"))).isEqualTo("OK\n");
            assertThat(tlsCli(tlsPort, true, "ping")).isEqualTo("PONG\n");
            assertThat(plainCli(node.port(), "config", "set", "tls-cert-file", TlsCerts.file("redis.crt"),
                    "tls-key-file", TlsCerts.file("redis-enc.key"), "tls-key-file-pass", "secret")).isEqualTo("OK\n");
            assertThat(tlsCli(tlsPort, true, "ping")).isEqualTo("PONG\n");
            // A CA directory instead of a file.
            assertThat(plainCli(node.port(), "config", "set", "tls-ca-cert-file", "", "tls-ca-cert-dir",
                    TlsCerts.file("ca-dir"))).isEqualTo("OK\n");
            assertThat(tlsCli(tlsPort, true, "ping")).isEqualTo("PONG\n");
            // What cannot be loaded is refused as Redis refuses it, and the old contexts keep serving.
            for (List<String> bad : List.of(List.of("tls-key-file", TlsCerts.file("redis-enc.key"), "tls-key-file-pass", "wrong"),
                    List.of("tls-cert-file", "/nonexistent/x.crt"), List.of("tls-protocols", "TLSv9"),
                    List.of("tls-key-file", TlsCerts.file("ca.crt")))) {
                List<String> args = new ArrayList<>(List.of("config", "set"));
                args.addAll(bad);
                String real = plainCli(redis.port(), args.toArray(new String[0]));
                assertThat(real).as("redis: CONFIG SET %s", bad).startsWith("ERR CONFIG SET failed");
                assertThat(plainCli(node.port(), args.toArray(new String[0]))).as("CONFIG SET %s", bad).isEqualTo(real);
                assertThat(tlsCli(tlsPort, true, "ping")).isEqualTo("PONG\n");
            }
        } finally {
            plainCli(node.port(), "config", "set", "tls-cert-file", TlsCerts.file("redis.crt"), "tls-key-file",
                    TlsCerts.file("redis.key"), "tls-key-file-pass", "", "tls-ca-cert-file", TlsCerts.file("ca.crt"),
                    "tls-ca-cert-dir", "");
        }
    }

    @Test
    void tlsDirectivesMatchRealRedis() throws Exception {
        try (Jedis ours = new Jedis("127.0.0.1", node.port(), 30_000); Jedis real = new Jedis("127.0.0.1", redis.port(), 30_000)) {
            Map<String, String> mine = new TreeMap<>(ours.configGet("tls-*"));
            Map<String, String> theirs = new TreeMap<>(real.configGet("tls-*"));
            assertThat(mine.remove("tls-port")).isEqualTo(Integer.toString(tlsPort));
            assertThat(theirs.remove("tls-port")).isEqualTo(Integer.toString(redisTlsPort));
            assertThat(mine).isEqualTo(theirs);
            assertThat(ours.configGet("tls-*")).hasSize(20);
            // CONFIG SET of a TLS value rebuilds the contexts: the same path again re-reads the file.
            assertThat(ours.configSet("tls-cert-file", TlsCerts.file("redis.crt"))).isEqualTo("OK");
            for (List<String> set : List.of(List.of("tls-auth-clients", "maybe"), List.of("tls-session-cache-size", "-1"),
                    List.of("tls-cluster", "perhaps"), List.of("tls-port", "70000"))) {
                String r = error(() -> real.configSet(set.get(0), set.get(1)));
                assertThat(error(() -> ours.configSet(set.get(0), set.get(1)))).as("CONFIG SET %s", set).isEqualTo(r);
            }
            Map<String, String> before = ours.configGet("tls-session-cache-timeout");
            ours.configSet("tls-session-cache-timeout", "60");
            assertThat(ours.configGet("tls-session-cache-timeout")).containsEntry("tls-session-cache-timeout", "60");
            ours.configSet("tls-session-cache-timeout", before.get("tls-session-cache-timeout"));
        }
    }

    private static String error(Runnable r) {
        try {
            r.run();
            return "OK";
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    @Test
    void tlsPortMovesWithConfigSetAndSurvivesPlaintext() throws Exception {
        // Plaintext bytes on the TLS port: the connection is dropped, the node goes on.
        try (Socket s = new Socket("127.0.0.1", tlsPort)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n*3\r\n$3\r\nSET\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            int n;
            try {
                while ((n = in.read(buf)) > 0) assertThat(new String(buf, 0, n, StandardCharsets.ISO_8859_1)).doesNotContain("PONG");
            } catch (java.io.IOException closed) {
                // reset by the node: fine
            }
        }
        int newPort = Ports.free();
        try {
            assertThat(plainCli(node.port(), "config", "set", "tls-port", Integer.toString(newPort))).isEqualTo("OK\n");
            assertThat(tlsCli(newPort, true, "ping")).isEqualTo("PONG\n");
            try (SSLSocket s = (SSLSocket) TlsCerts.sslContext(true).getSocketFactory().createSocket("127.0.0.1", newPort)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] buf = new byte[7];
                assertThat(s.getInputStream().readNBytes(buf, 0, 7)).isEqualTo(7);
                assertThat(new String(buf, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
            }
        } finally {
            plainCli(node.port(), "config", "set", "tls-port", Integer.toString(tlsPort));
        }
        assertThat(tlsCli(tlsPort, true, "ping")).isEqualTo("PONG\n");
    }
}
