package io.vermilion.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.config.Config;
import io.vermilion.node.VermilionNode;
import io.vermilion.persistence.aof.AofCommandReader;
import io.vermilion.persistence.rdb.DumpPayload;
import io.vermilion.persistence.rdb.ValueCodec;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an in-process node appends to its AOF: commands in their propagated form (absolute
 * expiry, SET for INCRBYFLOAT/GETSET, DEL for GETDEL and expired keys), SELECT on database
 * changes, and — appendfsync always — every acknowledged write already in the file when the
 * reply arrives.
 */
class AofPropagationTest {
    private VermilionNode node;
    private RespConnection conn;
    private Path dir;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("vermilion-aofprop-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Config cfg = Config.load(null, List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always"));
        node = new VermilionNode(cfg).start();
        conn = RespConnection.connect("127.0.0.1", node.port(), 2000, 5000);
    }

    @AfterEach
    void stop() throws Exception {
        if (conn != null) conn.close();
        if (node != null) node.close();
    }

    private Path incr() {
        return dir.resolve("appendonlydir").resolve("appendonly.aof.1.incr.aof");
    }

    private List<String> logged() throws Exception {
        byte[] f = Files.readAllBytes(incr());
        AofCommandReader r = new AofCommandReader(new ByteArrayInputStream(f), 0, f.length);
        List<String> out = new ArrayList<>();
        byte[][] a;
        while ((a = r.next()) != null) {
            List<String> parts = new ArrayList<>();
            for (byte[] x : a) parts.add(new String(x, StandardCharsets.ISO_8859_1));
            out.add(String.join(" ", parts));
        }
        return out;
    }

    private String last() throws Exception {
        List<String> l = logged();
        return l.isEmpty() ? "" : l.get(l.size() - 1);
    }

    private static long pxat(String cmd) {
        String[] p = cmd.split(" ");
        return Long.parseLong(p[p.length - 1]);
    }

    @Test
    void filesAreLaidOutAsRedis() throws Exception {
        Path d = dir.resolve("appendonlydir");
        assertThat(Files.readString(d.resolve("appendonly.aof.manifest")))
                .isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        assertThat(new String(Files.readAllBytes(d.resolve("appendonly.aof.1.base.rdb")), 0, 9, StandardCharsets.US_ASCII))
                .isEqualTo("REDIS0010");
        assertThat(Files.size(incr())).isZero();
    }

    @Test
    void eachAcknowledgedWriteIsAlreadyInTheFile() throws Exception {
        for (int i = 0; i < 50; i++) {
            conn.callChecked("SET", "k" + i, "v" + i);
            // appendfsync always: the reply was held until the write was in the file (and synced)
            assertThat(last()).isEqualTo("SET k" + i + " v" + i);
        }
        // a pipeline: all replies of the batch arrive after one write+fsync
        for (int i = 0; i < 100; i++) conn.send("APPEND", "p", "x");
        conn.flush();
        for (int i = 0; i < 100; i++) conn.read();
        assertThat(logged().stream().filter(s -> s.startsWith("APPEND")).count()).isEqualTo(100);
        assertThat(logged().get(0)).isEqualTo("SELECT 0");
    }

    @Test
    void relativeTimesBecomeAbsoluteAndEffectsBecomeState() throws Exception {
        long t0 = System.currentTimeMillis();
        conn.callChecked("SET", "a", "1", "EX", "100");
        long t1 = System.currentTimeMillis();
        assertThat(last()).startsWith("SET a 1 PXAT ");
        assertThat(pxat(last())).isBetween(t0 + 100_000, t1 + 100_000);
        conn.callChecked("SET", "a", "2", "PXAT", "4102444800000", "GET");
        assertThat(last()).isEqualTo("SET a 2 PXAT 4102444800000");
        conn.callChecked("SET", "b", "1", "EXAT", "4102444800", "NX");
        assertThat(last()).isEqualTo("SET b 1 PXAT 4102444800000");
        conn.callChecked("SET", "c", "1", "KEEPTTL");
        assertThat(last()).isEqualTo("SET c 1 KEEPTTL");
        conn.callChecked("SETEX", "d", "50", "v");
        assertThat(last()).startsWith("SET d v PXAT ");
        conn.callChecked("PSETEX", "e", "5000", "v");
        assertThat(last()).startsWith("SET e v PXAT ");
        conn.callChecked("GETEX", "c", "EXAT", "4102444800");
        assertThat(last()).isEqualTo("PEXPIREAT c 4102444800000");
        conn.callChecked("GETEX", "c", "PERSIST");
        assertThat(last()).isEqualTo("PERSIST c");
        conn.callChecked("GETSET", "c", "new");
        assertThat(last()).isEqualTo("SET c new");
        conn.callChecked("INCRBYFLOAT", "f", "1.5");
        conn.callChecked("INCRBYFLOAT", "f", "1e2");
        assertThat(last()).isEqualTo("SET f 101.5 KEEPTTL");
        conn.callChecked("GETDEL", "f");
        assertThat(last()).isEqualTo("DEL f");
        int before = logged().size();
        conn.call("GETDEL", "f");                 // nothing changed: nothing logged
        conn.call("SET", "a", "x", "NX");
        conn.call("GET", "a");
        assertThat(logged()).hasSize(before);
        byte[] payload = DumpPayload.create("v".getBytes(), ValueCodec.STRINGS, true);
        t0 = System.currentTimeMillis();
        conn.callChecked("RESTORE".getBytes(), "r".getBytes(), "60000".getBytes(), payload);
        t1 = System.currentTimeMillis();
        String restore = last();
        assertThat(restore).startsWith("RESTORE r ").endsWith(" ABSTTL");
        long at = Long.parseLong(restore.split(" ")[2]);
        assertThat(at).isBetween(t0 + 60_000, t1 + 60_000);
        conn.callChecked("RESTORE".getBytes(), "r".getBytes(), "1".getBytes(), payload, "ABSTTL".getBytes(), "REPLACE".getBytes());
        assertThat(last()).isEqualTo("DEL r");
        conn.callChecked("SELECT", "5");
        conn.callChecked("MSET", "x", "1", "y", "2");
        assertThat(logged().subList(logged().size() - 2, logged().size())).containsExactly("SELECT 5", "MSET x 1 y 2");
    }

    @Test
    void expiredKeysAreLoggedAsDel() throws Exception {
        conn.callChecked("SET", "lazy", "v", "PX", "1");
        await().atMost(Duration.ofSeconds(5)).until(() -> conn.call("GET", "lazy").isNull());
        assertThat(logged()).contains("DEL lazy");
        conn.callChecked("SET", "active", "v", "PX", "1");
        // nobody reads it: the active expiry cycle deletes it and logs the DEL
        await().atMost(Duration.ofSeconds(10)).until(() -> logged().contains("DEL active"));
        assertThat(conn.call("GET", "active").isNull()).isTrue();
        assertThat(conn.call("SET", "x", "1")).isEqualTo(Reply.OK);
    }
}
