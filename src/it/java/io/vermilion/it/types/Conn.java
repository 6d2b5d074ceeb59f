package io.vermilion.it.types;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * Where the generator writes and the reader reads: one server through Jedis, or a whole cluster
 * through JedisCluster (routed by the command's first key). Replies are Jedis's raw forms
 * ({@code byte[]} for bulk and status, {@code Long}, {@code List<Object>}, null); an error reply
 * throws {@link redis.clients.jedis.exceptions.JedisDataException}.
 */
public interface Conn extends AutoCloseable {
    /** Sends argv[0] with the rest as arguments; argv[1] is the key that routes it in a cluster. */
    Object call(byte[]... argv);

    /** CONFIG SET on every server behind this connection. */
    void configSet(String name, String value);

    /** Every key, on every server behind this connection. */
    List<byte[]> keys();

    @Override
    void close();

    default Object call(String... argv) {
        return call(bytes(argv));
    }

    /** A reply as text (bulk or status), or its toString. */
    default String str(String... argv) {
        Object r = call(argv);
        return r instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(r);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[][] bytes(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) out[i] = b(a[i]);
        return out;
    }

    static ProtocolCommand cmd(byte[] name) {
        return () -> name;
    }

    static Conn of(Jedis j) {
        return new Conn() {
            @Override public Object call(byte[]... argv) {
                return j.sendCommand(cmd(argv[0]), Arrays.copyOfRange(argv, 1, argv.length));
            }

            @Override public void configSet(String name, String value) {
                j.configSet(name, value);
            }

            @Override public List<byte[]> keys() {
                return new ArrayList<>(j.keys(b("*")));
            }

            @Override public void close() {
                j.close();
            }
        };
    }

    static Conn single(int port) {
        return of(new Jedis("127.0.0.1", port, 30_000));
    }

    /** The key a cluster routes a command by (for the commands the generator and the reader send). */
    static byte[] routingKey(byte[][] argv) {
        String name = s(argv[0]).toUpperCase(java.util.Locale.ROOT);
        switch (name) {
            case "XGROUP", "XINFO", "OBJECT", "BITOP":
                return argv[2];
            case "XREADGROUP", "XREAD":
                for (int i = 1; i < argv.length - 1; i++) {
                    if (s(argv[i]).equalsIgnoreCase("STREAMS")) return argv[i + 1];
                }
                return argv[1];
            default:
                return argv[1];
        }
    }

    static Conn of(JedisCluster jc) {
        return new Conn() {
            @Override public Object call(byte[]... argv) {
                return jc.sendCommand(routingKey(argv), cmd(argv[0]), Arrays.copyOfRange(argv, 1, argv.length));
            }

            @Override public void configSet(String name, String value) {
                for (Map.Entry<String, redis.clients.jedis.ConnectionPool> e : jc.getClusterNodes().entrySet()) {
                    try (Jedis j = new Jedis(e.getValue().getResource())) {
                        j.configSet(name, value);
                    }
                }
            }

            @Override public List<byte[]> keys() {
                List<byte[]> out = new ArrayList<>();
                for (Map.Entry<String, redis.clients.jedis.ConnectionPool> e : jc.getClusterNodes().entrySet()) {
                    try (Jedis j = new Jedis(e.getValue().getResource())) {
                        out.addAll(j.keys(b("*")));
                    }
                }
                return out;
            }

            @Override public void close() {
                jc.close();
            }
        };
    }
}
