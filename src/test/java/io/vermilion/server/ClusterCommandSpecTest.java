package io.vermilion.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.cluster.runtime.ClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CLUSTER family's metadata (what COMMAND INFO prints) equals real Redis 7.0's, field by
 * field, against a capture of COMMAND INFO taken from redis-server 7.0.15.
 */
class ClusterCommandSpecTest {
    /** Subcommands not offered yet (none: REPLICATE and FAILOVER came with the failover work). */
    private static final Set<String> NOT_YET = Set.of();

    private static List<String[]> expected() throws IOException {
        try (InputStream in = ClusterCommandSpecTest.class.getResourceAsStream("/io/vermilion/cluster/cluster-command-info.tsv")) {
            List<String[]> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank()) out.add(line.split("\t", -1));
            }
            return out;
        }
    }

    private static String flags(CommandSpec s) {
        List<String> f = new ArrayList<>();
        for (CommandSpec.Flag fl : CommandSpec.Flag.values()) if (s.has(fl)) f.add(fl.wireName());
        return String.join(",", f);
    }

    private static String acl(CommandSpec s) {
        List<String> a = new ArrayList<>();
        for (CommandSpec.Acl c : CommandSpec.Acl.values()) if (s.acl.contains(c)) a.add("@" + c.name().toLowerCase());
        return String.join(",", a);
    }

    @Test
    void metadataMatchesRedis() throws IOException {
        CommandTable t = new CommandTable();
        ClusterCommands.register(t);
        int checked = 0;
        for (String[] e : expected()) {
            String name = e[0];
            CommandSpec s;
            if (name.contains("|")) {
                String[] p = name.split("\\|");
                s = t.get(p[0]).subcommands.get(p[1]);
                if (NOT_YET.contains(name)) {
                    assertThat(s).as(name).isNull();
                    continue;
                }
            } else {
                s = t.get(name);
            }
            assertThat(s).as(name).isNotNull();
            assertThat(s.fullName).isEqualTo(name);
            assertThat(Integer.toString(s.arity)).as(name + " arity").isEqualTo(e[1]);
            assertThat(flags(s)).as(name + " flags").isEqualTo(e[2]);
            assertThat(s.legacyFirst + "," + s.legacyLast + "," + s.legacyStep).as(name + " keys").isEqualTo(e[3]);
            assertThat(acl(s)).as(name + " acl").isEqualTo(e[4]);
            assertThat(String.join(",", s.tips)).as(name + " tips").isEqualTo(e[5]);
            assertThat(Integer.toString(s.keySpecs.size())).as(name + " key specs").isEqualTo(e[6]);
            checked++;
        }
        assertThat(checked).isEqualTo(31);
        // and nothing beyond what Redis has
        assertThat(t.get("cluster").subcommands).hasSize(27);
    }
}
