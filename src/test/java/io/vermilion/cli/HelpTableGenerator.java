package io.vermilion.cli;

import io.vermilion.client.RespConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Regenerates the built-in help table ({@code src/main/resources/io/vermilion/cli/commands.tsv})
 * from a running server's {@code COMMAND DOCS}. Not a test; run by hand against real Redis 7.0:
 *
 * <pre>
 * redis-server --port 7777 --save "" &amp;
 * mvn -q -o test-compile
 * java -cp target/classes:target/test-classes io.vermilion.cli.HelpTableGenerator 127.0.0.1 7777 \
 *     src/main/resources/io/vermilion/cli/commands.tsv
 * </pre>
 */
public final class HelpTableGenerator {
    private HelpTableGenerator() {}

    public static void main(String[] args) throws Exception {
        try (RespConnection c = RespConnection.connect(args[0], Integer.parseInt(args[1]), 5000)) {
            HelpTable t = HelpTable.fromCommandDocs(c.callChecked("COMMAND", "DOCS"));
            Files.writeString(Path.of(args[2]), t.toTsv(), StandardCharsets.UTF_8);
            System.out.println("wrote " + t.entries().size() + " entries to " + args[2]);
        }
    }
}
