package io.vermilion.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vermilion.client.RespConnection;
import io.vermilion.config.Config;
import io.vermilion.node.VermilionNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CONFIG SET appendonly yes/no on a running in-process node, then a restart from the files. */
class AofRuntimeSwitchTest {
    private static VermilionNode start(Path dir, String appendonly) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Config cfg = Config.load(null, List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--dir", dir.toString(), "--appendonly", appendonly, "--rdb-key-save-delay", "500"));
        return new VermilionNode(cfg).start();
    }

    private static void configSet(VermilionNode node, String name, String value) throws Exception {
        node.server().loop().submit(() -> {
            node.config().set(List.of(name, value));
            return null;
        }).get();
    }

    @Test
    void turnOnWhileWritingThenRestart() throws Exception {
        Path dir = Files.createTempDirectory("vermilion-aofswitch-");
        VermilionNode node = start(dir, "no");
        try (RespConnection c = RespConnection.connect("127.0.0.1", node.port(), 2000, 5000)) {
            for (int i = 0; i < 2000; i++) c.send("SET", "k" + i, "v" + i);
            c.flush();
            for (int i = 0; i < 2000; i++) c.read();
            configSet(node, "appendonly", "yes");
            // the rewrite is slowed down per key: these land in the temporary incr file meanwhile
            for (int i = 0; i < 100; i++) c.callChecked("SET", "during" + i, "d");
            assertThat(node.persistence().aofRewriteInProgress()).isTrue();
            // Asked on the node's loop: the rewrite's end (flag, renames, manifest) is one loop task,
            // which a read from this thread could see half done.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    !node.server().loop().submit(() -> node.persistence().aofRewriteInProgress()).get());
            Path aof = dir.resolve("appendonlydir");
            assertThat(Files.readString(aof.resolve("appendonly.aof.manifest")))
                    .isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
            assertThat(Files.exists(aof.resolve("temp-appendonly.aof.incr"))).isFalse();
            c.callChecked("SET", "after", "a");
        } finally {
            node.close();
            node.awaitStop();
        }
        VermilionNode again = start(dir, "yes");
        try (RespConnection c = RespConnection.connect("127.0.0.1", again.port(), 2000, 5000)) {
            assertThat(c.call("GET", "k1999").asString()).isEqualTo("v1999");
            assertThat(c.call("GET", "during99").asString()).isEqualTo("d");
            assertThat(c.call("GET", "after").asString()).isEqualTo("a");
            configSet(again, "appendonly", "no");
            assertThat(again.persistence().aofEnabled()).isFalse();
            c.callChecked("SET", "notlogged", "x");
        } finally {
            again.close();
            again.awaitStop();
        }
        VermilionNode third = start(dir, "yes");
        try (RespConnection c = RespConnection.connect("127.0.0.1", third.port(), 2000, 5000)) {
            assertThat(c.call("GET", "after").asString()).isEqualTo("a");
            assertThat(c.call("GET", "notlogged").isNull()).isTrue();
        } finally {
            third.close();
            third.awaitStop();
        }
    }
}
