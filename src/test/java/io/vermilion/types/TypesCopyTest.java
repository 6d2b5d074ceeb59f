package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** COPY duplicates a string with its encoding, as Redis's dupStringObject does. */
class TypesCopyTest {
    @Test
    void copyOfAnSdsKeepsItsEncoding() {
        Sds fresh = Sds.ofString("2.1".getBytes(StandardCharsets.US_ASCII));
        assertThat(Types.encoding(fresh)).isEqualTo("embstr");
        assertThat(Types.encoding(Types.copy(fresh))).isEqualTo("embstr");
        Sds appended = Sds.ofString("ab".getBytes(StandardCharsets.US_ASCII));
        appended.append("c".getBytes(StandardCharsets.US_ASCII));
        assertThat(Types.encoding(Types.copy(appended))).isEqualTo("raw");
    }
}
