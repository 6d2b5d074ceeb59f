package io.vermilion.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The documentation COMMAND DOCS returns (summary, since, group, complexity, doc_flags, history,
 * arguments...), for every Redis 7.0 command and subcommand, keyed by full name ("get",
 * "client|list"). The data is the real redis-server 7.0's own COMMAND DOCS reply, kept as RESP3 in
 * {@code command-docs.resp} next to this class (regenerate it with CommandDocsGenerator in the
 * tests); a container's entry has no "subcommands" field: COMMAND DOCS adds the subcommands
 * this node really registers.
 *
 * <p>The data is immutable and shared by all nodes of a JVM.
 */
public final class CommandDocs {
    static final String RESOURCE = "command-docs.resp";

    private static volatile Map<String, RespTree.Agg> docs;

    private CommandDocs() {}

    /** The docs map of a command by full name, or null when Redis 7.0 has no such command. */
    public static RespTree.Agg get(String fullName) {
        return all().get(fullName);
    }

    /** Every documented full name. */
    public static Map<String, RespTree.Agg> all() {
        Map<String, RespTree.Agg> d = docs;
        if (d == null) {
            synchronized (CommandDocs.class) {
                d = docs;
                if (d == null) docs = d = load();
            }
        }
        return d;
    }

    private static Map<String, RespTree.Agg> load() {
        try (InputStream in = CommandDocs.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("missing resource " + RESOURCE);
            RespTree.Agg root = (RespTree.Agg) RespTree.parse(in.readAllBytes());
            Map<String, RespTree.Agg> m = new HashMap<>();
            for (int i = 0; i < root.items().size(); i += 2) {
                m.put(RespTree.text(root.items().get(i)), (RespTree.Agg) root.items().get(i + 1));
            }
            return Collections.unmodifiableMap(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
