package io.vermilion.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vermilion.cli.OutputMode;
import io.vermilion.cli.ReplyFormatter;
import io.vermilion.client.Reply;
import io.vermilion.client.ReplyReader;
import io.vermilion.cluster.NodesConfException;
import io.vermilion.cluster.NodesConfFile;
import io.vermilion.cluster.bus.BusFrameReader;
import io.vermilion.cluster.bus.BusProtocolException;
import io.vermilion.cluster.bus.ClusterMsg;
import io.vermilion.cluster.bus.ClusterMsgCodec;
import io.vermilion.config.Config;
import io.vermilion.config.ConfigException;
import io.vermilion.persistence.aof.AofCommandReader;
import io.vermilion.persistence.aof.AofException;
import io.vermilion.persistence.aof.AofManifest;
import io.vermilion.persistence.rdb.Codecs;
import io.vermilion.persistence.rdb.Crc64;
import io.vermilion.persistence.rdb.DumpPayload;
import io.vermilion.persistence.rdb.Rdb;
import io.vermilion.persistence.rdb.RdbException;
import io.vermilion.persistence.rdb.RdbHandler;
import io.vermilion.persistence.rdb.RdbReader;
import io.vermilion.persistence.rdb.RdbSource;
import io.vermilion.protocol.ProtocolException;
import io.vermilion.protocol.RequestParser;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 point 2: every parser of bytes from outside runs under {@link Fuzzer} with a time
 * budget ({@code -Dfuzz.seconds=N} per target, default {@value Fuzzer#DEFAULT_SECONDS}). Each
 * target says which exceptions are its component's own errors; anything else fails the test with
 * the input. The inputs tried per target are printed ("fuzz NAME: N inputs ...") and recorded in
 * docs/reliability.md. Crashes found become cases of {@link FuzzRegressionTest}.
 *
 * <p>Long run of one target: {@code mvn -B -ntp test -Dtest='FuzzTest#rdbReader' -Dfuzz.seconds=600
 * -Dfuzz.seed=$RANDOM}.
 */
class FuzzTest {
    private static Path tmp;

    @BeforeAll
    static void dir() throws Exception {
        tmp = Files.createTempDirectory("vermilion-fuzz-");
    }

    @AfterAll
    static void clean() throws Exception {
        try (var s = Files.list(tmp)) {
            for (Path p : s.toList()) Files.deleteIfExists(p);
        }
        Files.deleteIfExists(tmp);
    }

    private static void check(Fuzzer.Result r) {
        System.out.println(r);
        assertThat(r.inputs()).isPositive();
    }

    // ---------------------------------------------------------------- RESP request parser

    /** Feeds the input as a client connection does: in chunks, parsing after each, as ClientHandler. */
    static void parseRequests(byte[] in) throws ProtocolException {
        RequestParser p = new RequestParser(512L * 1024 * 1024);
        if (in.length > 0 && (in[0] & 1) == 1) p.setUnauthenticated(true);
        ByteBuf buf = Unpooled.buffer();
        int chunk = 1 + (in.length == 0 ? 0 : (in[in.length - 1] & 0xff) % 97);
        try {
            for (int off = 0; off < in.length; off += chunk) {
                buf.writeBytes(in, off, Math.min(chunk, in.length - off));
                byte[][] argv;
                while ((argv = p.parse(buf)) != null) {
                    for (byte[] a : argv) if (a == null) throw new AssertionError("null argument");
                }
                buf.discardReadBytes();
            }
        } finally {
            buf.release();
        }
    }

    @Test
    void respRequestParser() throws Exception {
        check(new Fuzzer("resp-request", Fuzzer.seeds("resp"), Fuzzer.ascii("*", "$", "\r\n", "*1048577\r\n",
                "$536870913\r\n", "*-1\r\n", "$-1\r\n", "*3\r\n$3\r\nSET\r\n", "\"", "'", "\\x00", "\n"),
                FuzzTest::parseRequests, ProtocolException.class).run());
    }

    // ---------------------------------------------------------------- cluster bus

    /** A stream of frames through the link's reader, then the input as one frame (totlen fixed up). */
    static void busFrames(byte[] in) throws BusProtocolException {
        BusFrameReader r = new BusFrameReader();
        int chunk = 1 + (in.length == 0 ? 0 : (in[in.length - 1] & 0xff) * 13);
        try {
            for (int off = 0; off < in.length; off += chunk) {
                r.feed(in, off, Math.min(chunk, in.length - off));
                while (true) {
                    ClusterMsg m;
                    try {
                        m = r.next();
                    } catch (BusProtocolException e) {
                        if (e.closesLink()) throw e;
                        continue;
                    }
                    if (m == null) break;
                    roundTrip(m);
                }
            }
        } catch (BusProtocolException e) {
            // the link would be closed; now the body as one frame
        }
        if (in.length >= 8) {
            byte[] f = in.clone();
            f[0] = 'R'; f[1] = 'C'; f[2] = 'm'; f[3] = 'b';
            f[4] = (byte) (f.length >>> 24); f[5] = (byte) (f.length >>> 16); f[6] = (byte) (f.length >>> 8); f[7] = (byte) f.length;
            roundTrip(ClusterMsgCodec.decode(f));
        }
    }

    /** What the codec decoded it can encode, and that decodes again. */
    private static void roundTrip(ClusterMsg m) throws BusProtocolException {
        byte[] again = ClusterMsgCodec.encode(m);
        ClusterMsgCodec.decode(again);
    }

    @Test
    void clusterBusFrames() throws Exception {
        check(new Fuzzer("cluster-bus", Fuzzer.seeds("bus"), Fuzzer.ascii("RCmb", "\u0000\u0001"),
                FuzzTest::busFrames, BusProtocolException.class).run());
    }

    // ---------------------------------------------------------------- RDB

    static void readRdb(byte[] in) throws Exception {
        boolean verify = in.length > 0 && (in[in.length / 2] & 1) == 1;
        RdbReader r = new RdbReader(new RdbSource.Bytes(in), Codecs.ALL, verify);
        long[] n = new long[1];
        r.read(new RdbHandler() {
            @Override public void entry(int db, byte[] key, Object value, long expireAtMs, long idleSec, int freq) {
                if (key == null || value == null) throw new AssertionError("null key or value");
                n[0]++;
            }
        });
    }

    @Test
    void rdbReader() throws Exception {
        List<byte[]> seeds = Fuzzer.seeds("rdb");
        seeds.add(Files.readAllBytes(Path.of("src/test/resources/fuzz/aof/base-preamble-yes.rdb")));
        check(new Fuzzer("rdb", seeds, null, FuzzTest::readRdb, RdbException.class).run());
    }

    // ---------------------------------------------------------------- AOF and manifest

    static void readAof(byte[] in) throws Exception {
        AofCommandReader r = new AofCommandReader(new ByteArrayInputStream(in), 0, in.length);
        while (r.next() != null) {
            // each command parsed
        }
    }

    @Test
    void aofReader() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String f : List.of("incr-preamble-no.aof", "incr-preamble-yes.aof", "base-preamble-no.aof")) {
            seeds.add(Files.readAllBytes(Path.of("src/test/resources/fuzz/aof", f)));
        }
        check(new Fuzzer("aof", seeds, Fuzzer.ascii("*", "$", "\r\n", "#TS:", "MULTI", "EXEC"),
                FuzzTest::readAof, AofCommandReader.Truncated.class, AofCommandReader.BadFormat.class).run());
    }

    static void parseManifest(byte[] in) throws Exception {
        AofManifest m = AofManifest.parse(new String(in, StandardCharsets.ISO_8859_1));
        // What was accepted renders and parses back to the same text.
        String text = m.format();
        assertThat(AofManifest.parse(text).format()).isEqualTo(text);
    }

    @Test
    void aofManifest() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (String f : List.of("manifest-preamble-no.aof", "manifest-preamble-yes.aof")) {
            seeds.add(Files.readAllBytes(Path.of("src/test/resources/fuzz/aof", f)));
        }
        check(new Fuzzer("aof-manifest", seeds, Fuzzer.ascii("file ", " seq ", " type ", "b", "h", "i", "\n", "\"", "\\"),
                FuzzTest::parseManifest, AofException.class).run());
    }

    // ---------------------------------------------------------------- nodes.conf, redis.conf

    static void parseNodesConf(byte[] in) throws Exception {
        NodesConfFile f = NodesConfFile.parse(new String(in, StandardCharsets.ISO_8859_1));
        // What was accepted renders, and the rendering is accepted again.
        NodesConfFile.parse(f.render());
    }

    @Test
    void nodesConf() throws Exception {
        check(new Fuzzer("nodes.conf", Fuzzer.seeds("nodesconf"), Fuzzer.ascii(" ", "\n", "myself,", "master", "slave",
                "fail?", "-", "@", ",", ":", "vars currentEpoch ", " lastVoteEpoch ", "[", "->-", "-<-", "]", "noaddr"),
                FuzzTest::parseNodesConf, NodesConfException.class).run());
    }

    private static int confFiles;

    static void parseRedisConf(byte[] in) throws Exception {
        Path f = tmp.resolve("fuzz.conf");
        Files.write(f, in);
        Config.load(f, List.of());
        confFiles++;
    }

    @Test
    void redisConf() throws Exception {
        check(new Fuzzer("redis.conf", Fuzzer.seeds("redisconf"), Fuzzer.ascii("\n", "\"", "'", "\\x", " ", "save ",
                "include ", "rename-command ", "user ", "client-output-buffer-limit ", "maxmemory ", "1gb", "-1", "yes"),
                FuzzTest::parseRedisConf, ConfigException.class).run());
    }

    // ---------------------------------------------------------------- DUMP payload of RESTORE

    /**
     * The input is a payload body; the footer (our RDB version and a correct CRC-64) is appended so
     * that the body reaches the decoder, as a crafted RESTORE argument would. Then as RESTORE does:
     * verify, decode.
     */
    static void restorePayload(byte[] body) throws Exception {
        byte[] p = Arrays.copyOf(body, body.length + 10);
        p[body.length] = (byte) Rdb.VERSION;
        p[body.length + 1] = (byte) (Rdb.VERSION >>> 8);
        long crc = Crc64.update(0, p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        assertThat(DumpPayload.verify(p)).isTrue();
        DumpPayload.decode(p, Codecs.ALL);
        // And the unfixed input as it came, which RESTORE checks first.
        if (DumpPayload.verify(body)) DumpPayload.decode(body, Codecs.ALL);
    }

    @Test
    void restoreDumpPayload() throws Exception {
        List<byte[]> seeds = new ArrayList<>();
        for (byte[] d : Fuzzer.seeds("dump")) seeds.add(Arrays.copyOf(d, d.length - 10));
        check(new Fuzzer("restore", seeds, null, FuzzTest::restorePayload, RdbException.class).run());
    }

    // ---------------------------------------------------------------- CLI reply reader

    static void readReplies(byte[] in) throws Exception {
        ReplyReader r = new ReplyReader(new ByteArrayInputStream(in), 64, ReplyReader.DEFAULT_MAX_BULK);
        ReplyFormatter fmt = new ReplyFormatter();
        OutputMode[] modes = OutputMode.values();
        for (int i = 0; ; i++) {
            Reply reply;
            try {
                reply = r.read();
            } catch (EOFException end) {
                return;
            }
            // What the CLI prints of it.
            fmt.format(reply, modes[i % modes.length], false);
        }
    }

    @Test
    void cliReplyReader() throws Exception {
        check(new Fuzzer("cli-reply", Fuzzer.seeds("reply"), Fuzzer.ascii("*", "$", "\r\n", "%", "~", "|", ">", "=",
                "!", "(", ",", "_", "#t", "$?", "*?", ";", ".", "$-1", "*-1", "txt:"),
                FuzzTest::readReplies, io.vermilion.client.ProtocolException.class, EOFException.class).run());
    }
}
