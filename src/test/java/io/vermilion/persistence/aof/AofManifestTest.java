package io.vermilion.persistence.aof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AofManifestTest {
    @Test
    void formatsLikeRedis() {
        AofManifest m = new AofManifest();
        assertThat(m.newBase("appendonly.aof", true)).isEqualTo("appendonly.aof.1.base.rdb");
        assertThat(m.lastIncr("appendonly.aof")).isEqualTo("appendonly.aof.1.incr.aof");
        assertThat(m.format()).isEqualTo("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
    }

    @Test
    void rewriteCycle() throws Exception {
        AofManifest m = AofManifest.parse("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        AofManifest t = m.copy();
        assertThat(t.newIncr("appendonly.aof")).isEqualTo("appendonly.aof.2.incr.aof");
        assertThat(m.incr()).hasSize(1); // the copy is independent
        assertThat(t.newBase("appendonly.aof", true)).isEqualTo("appendonly.aof.2.base.rdb");
        t.markRewrittenIncrAsHistory(true);
        assertThat(t.format()).isEqualTo("file appendonly.aof.2.base.rdb seq 2 type b\n"
                + "file appendonly.aof.1.incr.aof seq 1 type h\n"
                + "file appendonly.aof.1.base.rdb seq 1 type h\n"
                + "file appendonly.aof.2.incr.aof seq 2 type i\n");
        t.clearHistory();
        assertThat(t.format()).isEqualTo("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
        assertThat(AofManifest.parse(t.format()).format()).isEqualTo(t.format());
        assertThat(t.newBase("appendonly.aof", false)).isEqualTo("appendonly.aof.3.base.aof");
    }

    @Test
    void parsesCommentsAnyOrderAndQuotes() throws Exception {
        AofManifest m = AofManifest.parse("# comment\ntype b seq 7 file \"my file.rdb\"\nfile a.incr seq 3 type i extra x\n");
        assertThat(m.base().name()).isEqualTo("my file.rdb");
        assertThat(m.base().seq()).isEqualTo(7);
        assertThat(m.incr()).singleElement().extracting(AofManifest.Info::name).isEqualTo("a.incr");
        assertThat(m.format()).startsWith("file \"my file.rdb\" seq 7 type b\n");
    }

    @Test
    void rejectsWhatRedisRejects() {
        assertThatThrownBy(() -> AofManifest.parse("")).hasMessageContaining("Found an empty AOF manifest");
        assertThatThrownBy(() -> AofManifest.parse("file a seq 1\n")).hasMessageContaining("Invalid AOF manifest file format");
        assertThatThrownBy(() -> AofManifest.parse("\n")).hasMessageContaining("Invalid AOF manifest file format");
        assertThatThrownBy(() -> AofManifest.parse("file a seq 0 type b\n")).hasMessageContaining("Invalid AOF manifest file format");
        assertThatThrownBy(() -> AofManifest.parse("file a/b seq 1 type b\n")).hasMessageContaining("File can't be a path");
        assertThatThrownBy(() -> AofManifest.parse("file a seq 1 type b\nfile b seq 2 type b\n"))
                .hasMessageContaining("Found duplicate base file information");
        assertThatThrownBy(() -> AofManifest.parse("file a seq 2 type i\nfile b seq 2 type i\n"))
                .hasMessageContaining("Found a non-monotonic sequence number");
        assertThatThrownBy(() -> AofManifest.parse("file a seq 1 type x\n")).hasMessageContaining("Unknown AOF file type");
        assertThatThrownBy(() -> AofManifest.parse("file a seq 1 type b")).hasMessageContaining("too long line");
        assertThatThrownBy(() -> AofManifest.parse("file \"a seq 1 type b\n")).hasMessageContaining("Invalid AOF manifest file format");
    }
}
