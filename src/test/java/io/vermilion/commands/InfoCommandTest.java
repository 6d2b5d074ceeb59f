package io.vermilion.commands;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InfoCommandTest {
    @Test
    void humanSizesAsRedisPrintsThem() {
        assertThat(InfoCommand.human(0)).isEqualTo("0B");
        assertThat(InfoCommand.human(1023)).isEqualTo("1023B");
        assertThat(InfoCommand.human(1024)).isEqualTo("1.00K");
        assertThat(InfoCommand.human(1039656)).isEqualTo("1015.29K");
        assertThat(InfoCommand.human(12697600)).isEqualTo("12.11M");
        assertThat(InfoCommand.human(25276502016L)).isEqualTo("23.54G");
    }

    @Test
    void sectionsInRedisOrderWithDefaults() {
        assertThat(InfoCommand.SECTIONS).containsExactly("server", "clients", "memory", "persistence", "stats",
                "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace");
        assertThat(InfoCommand.DEFAULT).doesNotContain("commandstats", "latencystats").hasSize(11);
    }
}
