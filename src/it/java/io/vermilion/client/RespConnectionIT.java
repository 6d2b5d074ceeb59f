package io.vermilion.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vermilion.it.support.ServerProcess;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client library against the real redis-server 7.0. */
class RespConnectionIT {
    private static ServerProcess redis;
    private static Path unixSocket;

    @BeforeAll
    static void start() throws IOException {
        unixSocket = Path.of(System.getProperty("java.io.tmpdir"), "vermilion-it-" + ProcessHandle.current().pid() + ".sock");
        redis = ServerProcess.redis("--unixsocket", unixSocket.toString(), "--unixsocketperm", "700");
        try (RespConnection c = connect()) {
            c.callChecked("ACL", "SETUSER", "bob", "on", ">pw", "~*", "+@all");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (redis != null) redis.close();
        java.nio.file.Files.deleteIfExists(unixSocket); // a killed server leaves its socket file behind
    }

    private static RespConnection connect() throws IOException {
        return RespConnection.connect("127.0.0.1", redis.port(), 5000, 10_000);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void callWithBinaryArguments() throws IOException {
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) value[i] = (byte) i;
        try (RespConnection c = connect()) {
            assertThat(c.call(b("SET"), b("bin\r\n"), value)).isEqualTo(Reply.OK);
            assertThat(c.call(b("GET"), b("bin\r\n")).asBytes()).isEqualTo(value);
            assertThat(c.call("GET", "nope").isNull()).isTrue();
            Reply err = c.call("NOSUCHCOMMAND");
            assertThat(err.isError()).isTrue();
            assertThat(((Reply.Error) err).code()).isEqualTo("ERR");
        }
    }

    @Test
    void pipelining() throws IOException {
        try (RespConnection c = connect()) {
            c.call("DEL", "counter");
            int n = 10_000;
            for (int i = 0; i < n; i++) c.send("INCR", "counter");
            List<Long> got = new ArrayList<>();
            for (int i = 0; i < n; i++) got.add(c.read().asLong());
            assertThat(got.get(0)).isEqualTo(1);
            assertThat(got.get(n - 1)).isEqualTo(n);
            assertThat(c.reader().hasBuffered()).isFalse();
        }
    }

    @Test
    void largeValuesBothWays() throws IOException {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 13);
        try (RespConnection c = connect()) {
            c.callChecked(b("SET"), b("big"), big);
            assertThat(c.call("GET", "big").asBytes()).isEqualTo(big);
        }
    }

    @Test
    void helloAuthSelect() throws IOException {
        try (RespConnection c = connect()) {
            Reply hello = c.hello(3);
            assertThat(hello).isInstanceOf(Reply.Map.class);
            assertThat(((Reply.Map) hello).get("proto")).isEqualTo(new Reply.Integer(3));
            assertThat(c.protocol()).isEqualTo(3);
            c.call("HSET", "h", "f", "v");
            assertThat(c.call("HGETALL", "h")).isInstanceOf(Reply.Map.class);
            assertThat(c.call("INCRBYFLOAT", "fl", "1.5").asString()).isEqualTo("1.5");
            assertThat(c.call("ZADD", "z", "1.5", "m")).isEqualTo(new Reply.Integer(1));
            assertThat(c.call("ZSCORE", "z", "m")).isEqualTo(new Reply.Double("1.5"));

            c.auth("bob", "pw");
            assertThat(c.call("ACL", "WHOAMI").asString()).isEqualTo("bob");
            assertThatThrownBy(() -> c.auth("bob", "wrong")).isInstanceOf(RespErrorException.class)
                    .hasMessageStartingWith("WRONGPASS");

            c.select(5);
            c.call("SET", "in5", "x");
            assertThat(c.call("EXISTS", "in5").asLong()).isEqualTo(1);
            assertThatThrownBy(() -> c.select(999)).isInstanceOf(RespErrorException.class).hasMessageContaining("out of range");
            c.select(0);
            assertThat(c.call("EXISTS", "in5").asLong()).isEqualTo(0);
        }
        try (RespConnection c = connect()) {
            Reply r = c.hello(2, b("bob"), b("pw"));
            assertThat(r).isInstanceOf(Reply.Array.class); // RESP2 sends the map as a flat array
            assertThat(c.call("ACL", "WHOAMI").asString()).isEqualTo("bob");
        }
    }

    @Test
    void pushesGoToTheHandlerBetweenReplies() throws IOException {
        try (RespConnection c = connect(); RespConnection other = connect()) {
            c.hello(3);
            List<Reply.Push> pushes = new ArrayList<>();
            c.setPushHandler(pushes::add);
            c.callChecked("CLIENT", "TRACKING", "on");
            c.call("SET", "tracked", "1");
            c.call("GET", "tracked");
            other.call("SET", "tracked", "2"); // invalidates c's cached key
            // The invalidation arrives before the next reply; read() hands it over and returns the PONG.
            assertThat(c.call("PING")).isEqualTo(new Reply.SimpleString(b("PONG")));
            assertThat(pushes).hasSize(1);
            assertThat(pushes.get(0).kind()).isEqualTo("invalidate");
            assertThat(pushes.get(0).elements().get(1).asList().get(0).asString()).isEqualTo("tracked");

            // Without a handler a subscriber reads the pushes as replies.
            c.setPushHandler(null);
            Reply sub = c.call("SUBSCRIBE", "chan");
            assertThat(sub).isInstanceOf(Reply.Push.class);
            other.call("PUBLISH", "chan", "hi");
            Reply msg = c.read();
            assertThat(((Reply.Push) msg).kind()).isEqualTo("message");
            assertThat(msg.asList().get(2).asString()).isEqualTo("hi");
        }
    }

    @Test
    void unixSocket() throws IOException {
        try (RespConnection c = RespConnection.connectUnix(unixSocket)) {
            assertThat(c.call("PING").asString()).isEqualTo("PONG");
            assertThat(c.socket()).isNull();
        }
    }

    @Test
    void failures() throws IOException {
        assertThatThrownBy(() -> RespConnection.connect("127.0.0.1", 1, 2000)).isInstanceOf(ConnectException.class);
        RespConnection c = connect();
        c.call("CLIENT", "SETNAME", "victim");
        try (RespConnection killer = connect()) {
            killer.call("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
        }
        assertThatThrownBy(() -> c.call("PING")).isInstanceOf(IOException.class);
        assertThat(c.isBroken()).isTrue();
        c.close();
        assertThatThrownBy(() -> c.call("PING")).isInstanceOf(IOException.class);
        // A read timeout surfaces as an IOException too.
        try (RespConnection slow = RespConnection.connect("127.0.0.1", redis.port(), 2000, 200)) {
            assertThatThrownBy(() -> slow.call("BLPOP", "nothing", "5")).isInstanceOf(IOException.class).isNotInstanceOf(EOFException.class);
        }
    }
}
