package io.vermilion.types;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RedisSetTest {
    private static byte[] b(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    private static List<String> members(RedisSet s) {
        List<String> out = new ArrayList<>();
        s.forEach(m -> out.add(new String(m, StandardCharsets.ISO_8859_1)));
        return out;
    }

    @Test
    void startsAsIntsetOnlyForCanonicalIntegers() {
        assertThat(RedisSet.forMember(b("12")).encoding()).isEqualTo("intset");
        assertThat(RedisSet.forMember(b("-9223372036854775808")).encoding()).isEqualTo("intset");
        for (String s : new String[] {"012", "+1", " 1", "1.0", "-0", "9223372036854775808", "", "a"}) {
            assertThat(RedisSet.forMember(b(s)).encoding()).as(s).isEqualTo("hashtable");
        }
    }

    @Test
    void convertsOnANonIntegerOrAboveTheThreshold() {
        RedisSet s = RedisSet.forMember(b("1"));
        for (int i = 1; i <= 4; i++) assertThat(s.add(b(Integer.toString(i)), 4)).isTrue();
        assertThat(s.add(b("3"), 4)).isFalse();
        assertThat(s.encoding()).isEqualTo("intset");
        assertThat(members(s)).containsExactly("1", "2", "3", "4");
        assertThat(s.add(b("5"), 4)).isTrue();
        assertThat(s.encoding()).isEqualTo("hashtable");
        assertThat(new HashSet<>(members(s))).containsExactlyInAnyOrder("1", "2", "3", "4", "5");
        assertThat(s.contains(b("5"))).isTrue();
        assertThat(s.containsLong(5)).isTrue();

        RedisSet t = RedisSet.forMember(b("1"));
        t.add(b("1"), 512);
        assertThat(t.add(b("x"), 512)).isTrue();
        assertThat(t.encoding()).isEqualTo("hashtable");
        assertThat(t.size()).isEqualTo(2);
        // never back to an intset
        t.remove(b("x"));
        assertThat(t.encoding()).isEqualTo("hashtable");
    }

    @Test
    void intsetMembershipIgnoresNonCanonicalForms() {
        RedisSet s = RedisSet.forMember(b("1"));
        s.add(b("1"), 512);
        assertThat(s.contains(b("01"))).isFalse();
        assertThat(s.remove(b("01"))).isFalse();
        assertThat(s.remove(b("x"))).isFalse();
        assertThat(s.remove(b("1"))).isTrue();
        assertThat(s.size()).isZero();
    }

    @Test
    void copyIsDeepAndKeepsTheEncoding() {
        RedisSet s = RedisSet.forMember(b("1"));
        s.add(b("1"), 512);
        RedisSet c = s.copy();
        c.add(b("2"), 512);
        assertThat(s.size()).isEqualTo(1);
        assertThat(c.encoding()).isEqualTo("intset");
        s.add(b("x"), 512);
        RedisSet d = s.copy();
        assertThat(d.encoding()).isEqualTo("hashtable");
        d.remove(b("x"));
        assertThat(s.contains(b("x"))).isTrue();
    }

    @Test
    void rewriteEmitsSaddBatchesOf64() {
        RedisSet s = RedisSet.emptyIntset();
        for (int i = 0; i < 130; i++) s.addLong(i, 512);
        List<byte[][]> cmds = new ArrayList<>();
        s.rewrite(b("k"), cmds::add);
        assertThat(cmds).hasSize(3);
        assertThat(cmds.get(0).length).isEqualTo(66);
        assertThat(cmds.get(2).length).isEqualTo(4);
        Set<String> all = new HashSet<>();
        for (byte[][] c : cmds) {
            assertThat(new String(c[0], StandardCharsets.US_ASCII)).isEqualTo("SADD");
            assertThat(new String(c[1], StandardCharsets.US_ASCII)).isEqualTo("k");
            for (int i = 2; i < c.length; i++) all.add(new String(c[i], StandardCharsets.US_ASCII));
        }
        assertThat(all).hasSize(130).contains("0", "129");
    }
}
