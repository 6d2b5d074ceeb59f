package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.KeySpec;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The string family's declared metadata against real Redis: string-command-info.txt is
 * {@code redis-cli COMMAND INFO get set ... lcs} from redis-server 7.0.15 (redis-cli prints the
 * nested reply flattened, one element a line, an empty array as an empty line). This renders our
 * specs the same way. The spec internals are read reflectively because COMMAND INFO itself
 * belongs to the server family; once it exists the diff scripts compare the real bytes too.
 */
class StringCommandsMetadataTest {
    static final String[] COMMANDS = {"get", "set", "getex", "getdel", "getset", "setnx", "setex", "psetex", "mget",
        "mset", "msetnx", "append", "strlen", "incr", "decr", "incrby", "decrby", "incrbyfloat", "setrange",
        "getrange", "substr", "lcs"};

    @Test
    void commandInfoMatchesRedis() throws Exception {
        CommandTable t = new CommandTable();
        StringCommands.register(t);
        assertThat(t.all()).hasSize(COMMANDS.length);
        List<String> ours = new ArrayList<>();
        for (String name : COMMANDS) render(t.get(name), ours);
        String expected;
        try (InputStream in = getClass().getResourceAsStream("string-command-info.txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(String.join("\n", ours) + "\n").isEqualTo(expected);
    }

    @Test
    void keyPositions() {
        CommandTable t = new CommandTable();
        StringCommands.register(t);
        assertThat(t.get("mset").keyPositions(argv("MSET", "a", "1", "b", "2"))).containsExactly(1, 3);
        assertThat(t.get("mget").keyPositions(argv("MGET", "a", "b", "c"))).containsExactly(1, 2, 3);
        assertThat(t.get("lcs").keyPositions(argv("LCS", "a", "b", "IDX"))).containsExactly(1, 2);
        assertThat(t.get("set").keyPositions(argv("SET", "k", "v", "EX", "10"))).containsExactly(1);
    }

    private static byte[][] argv(String... a) {
        byte[][] out = new byte[a.length][];
        for (int i = 0; i < a.length; i++) out[i] = a[i].getBytes(StandardCharsets.US_ASCII);
        return out;
    }

    private static void render(CommandSpec s, List<String> out) throws Exception {
        out.add(s.name());
        out.add(Integer.toString(s.arity()));
        Collection<CommandSpec.Flag> flags = field(s, "flags");
        for (CommandSpec.Flag f : flags) out.add(f.wireName());
        out.add(Integer.toString((int) field(s, "legacyFirst")));
        out.add(Integer.toString((int) field(s, "legacyLast")));
        out.add(Integer.toString((int) field(s, "legacyStep")));
        Collection<CommandSpec.Acl> acl = field(s, "acl");
        for (CommandSpec.Acl a : acl) out.add("@" + a.name().toLowerCase());
        List<String> tips = field(s, "tips");
        if (tips.isEmpty()) out.add("");
        out.addAll(tips);
        for (KeySpec k : s.keySpecs()) renderKeySpec(k, out);
        out.add("");   // no subcommands
    }

    private static void renderKeySpec(KeySpec k, List<String> out) throws Exception {
        String notes = field(k, "notes");
        if (notes != null) {
            out.add("notes");
            out.add(notes);
        }
        out.add("flags");
        List<String> flags = field(k, "flags");
        for (String f : flags) out.add(f.length() == 2 ? f : f.toLowerCase());
        out.add("begin_search");
        out.add("type");
        out.add("index");
        out.add("spec");
        out.add("index");
        out.add(Integer.toString((int) field(k, "bsIndex")));
        out.add("find_keys");
        out.add("type");
        assertThat((boolean) field(k, "fkRange")).isTrue();
        out.add("range");
        out.add("spec");
        out.add("lastkey");
        out.add(Integer.toString((int) field(k, "lastKey")));
        out.add("keystep");
        out.add(Integer.toString((int) field(k, "keyStep")));
        out.add("limit");
        out.add(Integer.toString((int) field(k, "limit")));
    }

    @SuppressWarnings("unchecked")
    private static <T> T field(Object o, String name) throws Exception {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return (T) f.get(o);
    }
}
