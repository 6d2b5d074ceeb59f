package io.vermilion.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vermilion.client.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rendering rules checked on hand-built replies; the integration test compares the same against
 * the real redis-cli on real server replies.
 */
class ReplyFormatterTest {
    private final ReplyFormatter f = new ReplyFormatter();

    private static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Reply.Array arr(Reply... r) {
        return new Reply.Array(List.of(r));
    }

    private static Reply i(long v) {
        return new Reply.Integer(v);
    }

    private String tty(Reply r) {
        return new String(f.format(r, OutputMode.STANDARD, false), StandardCharsets.ISO_8859_1);
    }

    private String raw(Reply r) {
        return new String(f.format(r, OutputMode.RAW, false), StandardCharsets.ISO_8859_1);
    }

    private String csv(Reply r) {
        return new String(f.format(r, OutputMode.CSV, false), StandardCharsets.ISO_8859_1);
    }

    @Test
    void scalarsOnATerminal() {
        assertThat(tty(Reply.OK)).isEqualTo("OK\n");
        assertThat(tty(i(-3))).isEqualTo("(integer) -3\n");
        assertThat(tty(new Reply.Bulk(null))).isEqualTo("(nil)\n");
        assertThat(tty(new Reply.Array(null))).isEqualTo("(nil)\n");
        assertThat(tty(Reply.Null.INSTANCE)).isEqualTo("(nil)\n");
        assertThat(tty(Reply.error("ERR no such key"))).isEqualTo("(error) ERR no such key\n");
        assertThat(tty(new Reply.Double("1.5"))).isEqualTo("(double) 1.5\n");
        assertThat(tty(Reply.Boolean.TRUE)).isEqualTo("(true)\n");
        assertThat(tty(Reply.Boolean.FALSE)).isEqualTo("(false)\n");
        assertThat(tty(new Reply.BigNumber("123456789012345678901234567890"))).isEqualTo("(big number) 123456789012345678901234567890\n");
        assertThat(tty(new Reply.Verbatim("txt", "line1\nline2".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("line1\nline2\n");
        assertThat(tty(arr())).isEqualTo("(empty array)\n");
        assertThat(tty(new Reply.Map(List.of()))).isEqualTo("(empty hash)\n");
        assertThat(tty(new Reply.Set(List.of()))).isEqualTo("(empty set)\n");
        assertThat(tty(new Reply.Push(List.of()))).isEqualTo("(empty push)\n");
    }

    @Test
    void stringsAreQuotedWithCEscapes() {
        assertThat(tty(bulk("hello"))).isEqualTo("\"hello\"\n");
        assertThat(tty(bulk("a\"b\\c"))).isEqualTo("\"a\\\"b\\\\c\"\n");
        assertThat(tty(bulk("\n\r\t\u0007\b"))).isEqualTo("\"\\n\\r\\t\\a\\b\"\n");
        assertThat(tty(bulk("\u00ff\u0000\u007f \u0080"))).isEqualTo("\"\\xff\\x00\\x7f \\x80\"\n");
        assertThat(tty(bulk(""))).isEqualTo("\"\"\n");
    }

    @Test
    void statusAndErrorStopAtNulAsInC() {
        assertThat(tty(new Reply.SimpleString("ab\u0000cd".getBytes(StandardCharsets.ISO_8859_1)))).isEqualTo("ab\n");
        assertThat(raw(new Reply.SimpleString("ab\u0000cd".getBytes(StandardCharsets.ISO_8859_1)))).isEqualTo("ab\u0000cd\n");
    }

    @Test
    void nestedArraysIndentByIndexWidthPlusTwo() {
        Reply r = arr(bulk("a"), arr(i(1), arr(bulk("x"), bulk("y"))), arr());
        assertThat(tty(r)).isEqualTo(
                "1) \"a\"\n"
                + "2) 1) (integer) 1\n"
                + "   2) 1) \"x\"\n"
                + "      2) \"y\"\n"
                + "3) (empty array)\n");
    }

    @Test
    void indexesAreRightAlignedToTheWidestIndex() {
        List<Reply> items = new ArrayList<>();
        for (int k = 1; k <= 10; k++) items.add(k == 10 ? arr(i(1), i(2)) : i(k));
        String out = tty(new Reply.Array(items));
        assertThat(out).startsWith(" 1) (integer) 1\n 2) (integer) 2\n");
        assertThat(out).endsWith(" 9) (integer) 9\n10) 1) (integer) 1\n    2) (integer) 2\n");
    }

    @Test
    void mapsUseHashAndArrowAndBreakBeforeMultilineValues() {
        Reply m = new Reply.Map(List.of(
                new Reply.Entry(bulk("server"), bulk("redis")),
                new Reply.Entry(bulk("modules"), arr()),
                new Reply.Entry(bulk("one"), arr(i(7))),
                new Reply.Entry(bulk("list"), arr(i(1), i(2)))));
        assertThat(tty(m)).isEqualTo(
                "1# \"server\" => \"redis\"\n"
                + "2# \"modules\" => (empty array)\n"
                + "3# \"one\" => 1) (integer) 7\n"
                + "4# \"list\" => \n"
                + "   1) (integer) 1\n"
                + "   2) (integer) 2\n");
        Reply set = new Reply.Set(List.of(bulk("a"), bulk("b")));
        assertThat(tty(set)).isEqualTo("1~ \"a\"\n2~ \"b\"\n");
    }

    @Test
    void rawMode() {
        assertThat(raw(bulk("v\u00ff"))).isEqualTo("v\u00ff\n");
        assertThat(raw(new Reply.Bulk(null))).isEqualTo("\n");
        assertThat(raw(i(5))).isEqualTo("5\n");
        assertThat(raw(Reply.error("ERR x"))).isEqualTo("ERR x\n\n"); // error line, then the reply delimiter
        assertThat(raw(arr(bulk("a"), new Reply.Bulk(null), arr(bulk("b"), bulk("c"))))).isEqualTo("a\n\nb\nc\n");
        assertThat(raw(new Reply.Map(List.of(new Reply.Entry(bulk("k"), i(1)), new Reply.Entry(bulk("j"), i(2)))))).isEqualTo("k 1\nj 2\n");
        assertThat(raw(Reply.Boolean.TRUE)).isEqualTo("(true)\n");
        assertThat(raw(arr())).isEqualTo("\n");
        ReplyFormatter custom = new ReplyFormatter(new byte[] {','}, new byte[0]);
        assertThat(new String(custom.format(arr(bulk("a"), bulk("b")), OutputMode.RAW, false), StandardCharsets.US_ASCII)).isEqualTo("a,b");
    }

    @Test
    void rawStringsCommandsPrintVerbatimEvenOnATerminal() {
        byte[] out = f.format(bulk("# Server\r\nredis_version:7.0.15\r\n"), OutputMode.STANDARD, true);
        assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo("# Server\r\nredis_version:7.0.15\r\n");
        assertThat(CommandExecutor.printsRaw(List.of("INFO".getBytes()))).isTrue();
        assertThat(CommandExecutor.printsRaw(List.of("client".getBytes(), "list".getBytes()))).isTrue();
        assertThat(CommandExecutor.printsRaw(List.of("cluster".getBytes(), "nodes".getBytes()))).isTrue();
        assertThat(CommandExecutor.printsRaw(List.of("cluster".getBytes(), "slots".getBytes()))).isFalse();
        assertThat(CommandExecutor.printsRaw(List.of("get".getBytes(), "info".getBytes()))).isFalse();
    }

    @Test
    void csvMode() {
        assertThat(csv(arr(bulk("a\"b"), i(1), new Reply.Bulk(null), Reply.error("ERR e"), Reply.Boolean.FALSE)))
                .isEqualTo("\"a\\\"b\",1,NULL,ERROR,\"ERR e\",false\n");
        assertThat(csv(new Reply.Map(List.of(new Reply.Entry(bulk("k"), i(1)))))).isEqualTo("\"k\",1\n");
    }

    @Test
    void invalidationPushesAreCompactOnATerminal() {
        Reply.Push p = new Reply.Push(List.of(bulk("invalidate"), arr(bulk("k1"), bulk("k2"))));
        assertThat(new String(f.formatPush(p, OutputMode.STANDARD), StandardCharsets.US_ASCII)).isEqualTo("-> invalidate: 'k1', 'k2'\n");
        Reply.Push msg = new Reply.Push(List.of(bulk("message"), bulk("ch"), bulk("hi")));
        assertThat(new String(f.formatPush(msg, OutputMode.STANDARD), StandardCharsets.US_ASCII))
                .isEqualTo("1) \"message\"\n2) \"ch\"\n3) \"hi\"\n");
    }

    @Test
    void attributesAreSkipped() {
        Reply r = new Reply.Attribute(List.of(new Reply.Entry(bulk("ttl"), i(3))), bulk("v"));
        assertThat(tty(r)).isEqualTo("\"v\"\n");
        assertThat(raw(arr(r, i(1)))).isEqualTo("v\n1\n");
    }
}
