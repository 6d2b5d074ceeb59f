package io.vermilion.acl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One ACL selector (Redis 7.0's aclSelector): the commands it allows (a bitmap indexed by
 * {@code CommandSpec.aclId()}, plus allowed first arguments), its key patterns with read/write
 * permissions and its channel patterns. A user has a root selector and any number of
 * additional ones ({@code (...)} rules); a command is allowed if one selector allows it.
 */
final class Selector {
    static final int READ = 1, WRITE = 2, ALL = 3;

    /** A key pattern with the permissions it grants (READ, WRITE or both). */
    static final class KeyPattern {
        final String text;       // the pattern, one char per byte
        final byte[] bytes;
        int flags;

        KeyPattern(String text, int flags) {
            this.text = text;
            this.bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            this.flags = flags;
        }

        String describe() {
            return (flags == ALL ? "~" : flags == READ ? "%R~" : "%W~") + text;
        }
    }

    final boolean root;
    boolean allKeys, allChannels, allCommands;
    /** Redis's reserved bit: set by +@all, cleared by -@all; rules are then described from +@all. */
    boolean future;
    BitSet allowed = new BitSet();
    /** Allowed first arguments of otherwise denied commands (+select|0), lower-cased, by command id. */
    Map<Integer, List<String>> firstArgs;
    final List<KeyPattern> patterns = new ArrayList<>();
    final List<String> channels = new ArrayList<>();

    Selector(boolean root, boolean allChannelsByDefault) {
        this.root = root;
        this.allChannels = allChannelsByDefault;
    }

    Selector copy() {
        Selector s = new Selector(root, allChannels);
        s.allKeys = allKeys;
        s.allCommands = allCommands;
        s.future = future;
        s.allowed = (BitSet) allowed.clone();
        if (firstArgs != null) {
            s.firstArgs = new HashMap<>();
            for (Map.Entry<Integer, List<String>> e : firstArgs.entrySet()) s.firstArgs.put(e.getKey(), new ArrayList<>(e.getValue()));
        }
        for (KeyPattern p : patterns) s.patterns.add(new KeyPattern(p.text, p.flags));
        s.channels.addAll(channels);
        return s;
    }

    boolean bit(int id) {
        return id >= 0 && allowed.get(id);
    }

    /** ACLSetSelectorCommandBit: clearing any bit clears allcommands. */
    void setBit(int id, boolean value) {
        if (id < 0) return;
        if (value) {
            allowed.set(id);
        } else {
            allowed.clear(id);
            allCommands = false;
        }
    }

    void allCommands(boolean on, int commandCount) {
        if (on) allowed.set(0, commandCount);
        else allowed.clear();
        allCommands = on;
        future = on;
        firstArgs = null;
    }

    void addFirstArg(int id, String arg) {
        if (firstArgs == null) firstArgs = new HashMap<>();
        List<String> l = firstArgs.computeIfAbsent(id, k -> new ArrayList<>());
        for (String a : l) if (a.equalsIgnoreCase(arg)) return;
        l.add(arg);
    }

    void resetFirstArgs(int id) {
        if (firstArgs != null) firstArgs.remove(id);
    }

    boolean sameCommands(Selector o) {
        return allowed.equals(o.allowed);
    }

    static boolean hasSpaces(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == 0 || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == 0x0b || ch == '\f') return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return "Selector" + Arrays.asList(allKeys, allChannels, allCommands, patterns.size(), channels);
    }
}
