package io.vermilion.it.types;

import static io.vermilion.it.types.Conn.b;

import io.vermilion.it.diff.Escape;
import io.vermilion.it.diff.Frame;
import io.vermilion.it.support.ServerProcess;
import io.vermilion.it.support.ServerProcess.Kind;
import io.vermilion.it.types.Grammars.Cmd;
import io.vermilion.it.types.Grammars.Gen;
import io.vermilion.it.types.Grammars.Grammar;
import io.vermilion.it.types.Grammars.Mode;
import io.vermilion.it.types.KeyContent.Enc;
import io.vermilion.it.types.KeyContent.Ttl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random command sequences per data type ({@link Grammars}) sent to real redis-server 7.0 and to
 * Vermilion, every reply compared byte for byte (replies random by definition by shape only), in
 * RESP2 or RESP3; after each sequence both keyspaces are compared key by key, and every key's DUMP
 * is RESTOREd on the other server under a scratch name and compared with that server's own copy.
 * Seeds are fixed and printed on failure with the commands that led there. The DUMP/RESTORE
 * check covers the types of {@link DataType#persisted()}.
 *
 * <p>{@code -Dproperty.seed=N}, {@code -Dproperty.sequences=N}, {@code -Dproperty.length=N}
 * change the run; {@code -Dinterop.types} / {@code -Dinterop.target} as for {@link DataType#covered()}.
 */
class PropertyIT {
    private static final long SEED = Long.getLong("property.seed", 1234L);
    private static final int SEQUENCES = Integer.getInteger("property.sequences", 10);
    private static final int LENGTH = Integer.getInteger("property.length", 300);

    private static ServerProcess oracle;
    private static ServerProcess target;

    @BeforeAll
    static void start() throws IOException {
        oracle = TypeServers.start(Kind.REDIS);
        target = TypeServers.start(TypeServers.target());
    }

    @AfterAll
    static void stop() {
        if (oracle != null) oracle.close();
        if (target != null) target.close();
    }

    static Stream<DataType> types() {
        return DataType.covered().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("types")
    void randomSequencesAgreeWithRedis(DataType type) throws Exception {
        Grammar grammar = Grammars.of(type);
        try (RawConn o = new RawConn(oracle.port()); RawConn v = new RawConn(target.port());
             Conn jo = Conn.single(oracle.port()); Conn jv = Conn.single(target.port())) {
            for (int s = 0; s < SEQUENCES; s++) {
                long seed = SEED * 1_000_003L + type.ordinal() * 1000L + s;
                String where = type + " sequence " + s + " (seed " + seed + ", -Dproperty.seed=" + SEED + ")";
                Random r = new Random(seed);
                Gen g = new Gen(r, DataType.persisted().contains(type));
                Deque<String> history = new ArrayDeque<>();
                both(o, v, Mode.EXACT, where, history, "FLUSHALL");
                int proto = r.nextInt(3) == 0 ? 3 : 2;
                o.call("HELLO", Integer.toString(proto));
                v.call("HELLO", Integer.toString(proto));
                history.add("HELLO " + proto);
                for (String[] setup : grammar.setup()) both(o, v, Mode.EXACT, where, history, setup);
                for (int i = 0; i < LENGTH; i++) {
                    Cmd c = Grammars.mutate(g, Grammars.draw(grammar, g));
                    both(o, v, c.mode(), where + " command " + i, history, c.argv());
                }
                crossCheck(jo, jv, where, history);
            }
        }
    }

    private static void both(RawConn o, RawConn v, Mode mode, String where, Deque<String> history, String... argv)
            throws IOException {
        String shown = new Cmd(mode, argv).toString();
        history.addLast(shown);
        if (history.size() > 40) history.removeFirst();
        o.send(argv);
        v.send(argv);
        Frame a = o.read(), b = v.read();
        String why = compare(mode, a, b);
        if (why != null) {
            throw new AssertionError(where + ": " + why + "\n  command: " + shown + "\n  redis:  "
                    + Escape.readable(a.raw()) + "\n  target: " + Escape.readable(b.raw()) + "\n  last commands:\n    "
                    + String.join("\n    ", history));
        }
    }

    /** Null when the replies agree under {@code mode}, else why not. */
    static String compare(Mode mode, Frame a, Frame b) {
        if (a.type() == '-' || b.type() == '-' || mode == Mode.EXACT) {
            return Arrays.equals(a.raw(), b.raw()) ? null : "replies differ";
        }
        if (a.type() != b.type()) return "reply types differ";
        switch (mode) {
            case TYPE -> {
                return (a.length() == -1) == (b.length() == -1) ? null : "one reply is null";
            }
            case COUNT -> {
                return a.length() == b.length() ? null : "element counts differ";
            }
            case SORTED -> {
                return sorted(a.children(), 1).equals(sorted(b.children(), 1)) && a.length() == b.length()
                        ? null : "elements differ (in any order)";
            }
            case PAIRS -> {
                // a RESP2 flat array and a RESP3 map both list key, value, key, value...
                return sorted(a.children(), 2).equals(sorted(b.children(), 2)) ? null
                        : "field/value pairs differ (in any order)";
            }
            case SCAN -> {
                if (a.children().size() != 2 || b.children().size() != 2) return "not SCAN replies";
                if (!Arrays.equals(a.children().get(0).raw(), b.children().get(0).raw())) return "cursors differ";
                return sorted(a.children().get(1).children(), 1).equals(sorted(b.children().get(1).children(), 1))
                        ? null : "scanned elements differ (in any order)";
            }
            case MASK_IDLE -> {
                return masked(a).equals(masked(b)) ? null : "replies differ (idle times not compared)";
            }
            default -> throw new IllegalStateException(mode.toString());
        }
    }

    /** The children's bytes grouped {@code per} at a time, sorted. */
    private static List<String> sorted(List<Frame> children, int per) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < children.size(); i += per) {
            StringBuilder sb = new StringBuilder();
            for (int j = i; j < Math.min(children.size(), i + per); j++) {
                sb.append(new String(children.get(j).raw(), StandardCharsets.ISO_8859_1));
            }
            out.add(sb.toString());
        }
        out.sort(null);
        return out;
    }

    /** A reply rendered with idle times blanked: the value after an "idle" field, XPENDING's third column. */
    private static String masked(Frame f) {
        if (!f.isAggregate()) return new String(f.raw(), StandardCharsets.ISO_8859_1);
        StringBuilder sb = new StringBuilder().append((char) f.type()).append(f.length()).append('[');
        List<Frame> ch = f.children();
        boolean pendingRow = ch.size() == 4 && ch.get(0).type() == '$' && ch.get(2).type() == ':';
        for (int i = 0; i < ch.size(); i++) {
            boolean afterIdle = i > 0 && Arrays.equals(ch.get(i - 1).raw(), b("$4\r\nidle\r\n"));
            if (afterIdle || (pendingRow && i == 2)) sb.append("<idle>");
            else sb.append(masked(ch.get(i)));
            sb.append(',');
        }
        return sb.append(']').toString();
    }

    /**
     * Both keyspaces key by key, then each key's DUMP restored on the other server as a scratch key
     * and compared with that server's own copy.
     */
    private static void crossCheck(Conn jo, Conn jv, String where, Deque<String> history) {
        String context = where + " after its last command; last commands:\n    " + String.join("\n    ", history);
        Map<String, KeyContent> ro = KeyContent.readAll(jo), rv = KeyContent.readAll(jv);
        KeyContent.assertSame("keyspaces (redis vs target), " + context, ro, rv, Enc.ALL, Ttl.EXACT);
        for (boolean fromTarget : new boolean[] {true, false}) {
            Conn src = fromTarget ? jv : jo, dst = fromTarget ? jo : jv;
            Map<String, KeyContent> expected = new java.util.TreeMap<>(), got = new java.util.TreeMap<>();
            for (byte[] k : src.keys()) {
                if (!DataType.persisted().contains(DataType.ofRedisType(Conn.s((byte[]) src.call(b("TYPE"), k))))) continue;
                // The other server's payload and this server's own, restored side by side: a restored
                // key's encoding follows the thresholds at load time, so both must be identical.
                byte[] theirs = concat(b("scratch:theirs:"), k), mine = concat(b("scratch:mine:"), k);
                dst.call(b("RESTORE"), theirs, b("0"), (byte[]) src.call(b("DUMP"), k), b("REPLACE"));
                dst.call(b("RESTORE"), mine, b("0"), (byte[]) dst.call(b("DUMP"), k), b("REPLACE"));
                String name = KeyContent.esc(k);
                expected.put(name, KeyContent.read(dst, mine).renamed(name));
                got.put(name, KeyContent.read(dst, theirs).renamed(name));
                dst.call(b("DEL"), theirs, mine);
            }
            KeyContent.assertSame((fromTarget ? "target's DUMPs restored by redis, " : "redis's DUMPs restored by target, ")
                    + context, expected, got, Enc.ALL, Ttl.IGNORE);
        }
    }

    private static byte[] concat(byte[] a, byte[] c) {
        byte[] o = Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, o, a.length, c.length);
        return o;
    }
}
