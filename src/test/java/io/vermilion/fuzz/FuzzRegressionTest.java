package io.vermilion.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.vermilion.client.ReplyReader;
import io.vermilion.persistence.aof.AofManifest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Every crash {@link FuzzTest} found, as the input that showed it, fixed in its component. */
class FuzzRegressionTest {
    private static long allocated(Runnable r) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        r.run();
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * cli-reply: an array whose 11th element declares a 512 MB bulk ({@code $536870912}) and then
     * the stream ends. The reader allocated the 512 MB before reading (seconds of zeroing, and an
     * OutOfMemoryError in a small CLI heap); now it allocates as bytes arrive and reports EOF.
     */
    @Test
    void cliReplyDeclaringHalfAGigabyteAllocatesOnlyWhatArrives() {
        byte[] in = HexFormat.of().parseHex("2a31300d0a24320d0a6d330d0a24320d0a6d360d0a24320d0a6d300d0a24320d0a6d340d0a2432"
                + "0d0a6d350d0a24320d0a6d380d0a24320d0a6d390d0a24320d0a6d320d0a243533363837303931320d0a6d310d0a25320d0a6d370d0a");
        long bytes = allocated(() -> assertThatThrownBy(() -> new ReplyReader(new ByteArrayInputStream(in)).read())
                .isInstanceOf(EOFException.class));
        assertThat(bytes).isLessThan(16L << 20);
    }

    @Test
    void cliReplyLargeBulkStillReadsWhole() throws Exception {
        int len = 3 * (1 << 20) + 17;
        byte[] in = new byte[len + 32];
        byte[] head = ("$" + len + "\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, in, 0, head.length);
        for (int i = 0; i < len; i++) in[head.length + i] = (byte) i;
        in[head.length + len] = '\r';
        in[head.length + len + 1] = '\n';
        byte[] got = new ReplyReader(new ByteArrayInputStream(in, 0, head.length + len + 2)).read().asBytes();
        assertThat(got).hasSize(len);
        assertThat(got[len - 1]).isEqualTo((byte) (len - 1));
    }

    /**
     * aof-manifest: a file name with a byte above 0x7f was written back as its UTF-8 encoding
     * ({@code \xc2\x80} for 0x80), so the manifest Redis or we rewrote named another file.
     */
    @Test
    void manifestNameWithHighByteRoundTrips() throws Exception {
        String text = "file appendonly.aof\u0080\u0000\u0000\u0000ase.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n";
        AofManifest m = AofManifest.parse(text);
        String formatted = m.format();
        assertThat(formatted).contains("\"appendonly.aof\\x80\\x00\\x00\\x00ase.aof\"");
        assertThat(AofManifest.parse(formatted).base().name()).isEqualTo(m.base().name());
    }
}
