package io.vermilion.cluster;

import io.vermilion.util.HashSlot;
import io.vermilion.util.Latin1Builder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one-line-per-node text shared by {@code CLUSTER NODES} and {@code nodes.conf}:
 *
 * <pre>
 * &lt;id&gt; &lt;ip&gt;:&lt;port&gt;@&lt;cport&gt;[,&lt;hostname&gt;] &lt;flags&gt; &lt;master-id|-&gt; &lt;ping-sent&gt; &lt;pong-recv&gt; &lt;config-epoch&gt; &lt;link-state&gt; [&lt;slot&gt;|&lt;a&gt;-&lt;b&gt;]... [[&lt;slot&gt;-&gt;-&lt;id&gt;]|[&lt;slot&gt;-&lt;-&lt;id&gt;]]...
 * </pre>
 *
 * The renderer is byte-for-byte what Redis 7.0 prints for the same values. The parser accepts what
 * Redis's config loader accepts, except that it is strict about numbers (Redis uses atoi) and
 * rejects what Redis would crash on.
 */
public final class ClusterNodesFormat {
    private ClusterNodesFormat() {}

    /** One line, without the trailing newline. */
    public static String render(ClusterNodeInfo n) {
        Latin1Builder out = new Latin1Builder(128 + n.slots().size() * 12);
        appendTo(out, n);
        return out.toString();
    }

    /** One line, without the trailing newline, appended to out. */
    public static void appendTo(Latin1Builder out, ClusterNodeInfo n) {
        out.text(n.id()).ch(' ').text(n.ip()).ch(':').dec(n.port()).ch('@').dec(n.cport());
        if (!n.hostname().isEmpty()) out.ch(',').text(n.hostname());
        out.ch(' ');
        NodeFlags.appendTo(out, n.flags());
        out.ch(' ').text(n.masterId() == null ? "-" : n.masterId())
                .ch(' ').dec(n.pingSent())
                .ch(' ').dec(n.pongRecv())
                .ch(' ').udec(n.configEpoch())
                .ch(' ').text(n.linkState().text());
        List<SlotRange> slots = n.slots();
        for (int i = 0; i < slots.size(); i++) {
            SlotRange r = slots.get(i);
            out.ch(' ').dec(r.start());
            if (r.end() != r.start()) out.ch('-').dec(r.end());
        }
        if (!n.migrating().isEmpty() || !n.importing().isEmpty()) appendOpenSlots(out, n);
    }

    /**
     * Redis walks slots in order and prints "migrating" in preference to "importing" when a slot
     * has both. Apart from the line, so that the common case (no open slot) compiles small.
     */
    private static void appendOpenSlots(Latin1Builder out, ClusterNodeInfo n) {
        Iterator<Map.Entry<Integer, String>> mi = n.migrating().entrySet().iterator();
        Iterator<Map.Entry<Integer, String>> ii = n.importing().entrySet().iterator();
        Map.Entry<Integer, String> m = mi.hasNext() ? mi.next() : null;
        Map.Entry<Integer, String> im = ii.hasNext() ? ii.next() : null;
        while (m != null || im != null) {
            if (im == null || (m != null && m.getKey() <= im.getKey())) {
                out.text(" [").dec(m.getKey()).text("->-").text(m.getValue()).ch(']');
                if (im != null && im.getKey().equals(m.getKey())) im = ii.hasNext() ? ii.next() : null;
                m = mi.hasNext() ? mi.next() : null;
            } else {
                out.text(" [").dec(im.getKey()).text("-<-").text(im.getValue()).ch(']');
                im = ii.hasNext() ? ii.next() : null;
            }
        }
    }

    /** All lines, each followed by "\n": the body of a CLUSTER NODES reply. */
    public static String renderAll(Collection<ClusterNodeInfo> nodes) {
        Latin1Builder out = new Latin1Builder(256 * Math.max(1, nodes.size()));
        for (ClusterNodeInfo n : nodes) {
            appendTo(out, n);
            out.ch('\n');
        }
        return out.toString();
    }

    /**
     * Parses one node line (CLUSTER NODES or nodes.conf).
     *
     * @throws NodesConfException with line number 1 and the reason
     */
    public static ClusterNodeInfo parseLine(String line) throws NodesConfException {
        List<String> argv = ConfigArgs.split(line);
        if (argv == null) throw new NodesConfException(1, "unbalanced quotes");
        try {
            return parseArgs(argv);
        } catch (IllegalArgumentException e) {
            throw new NodesConfException(1, e.getMessage());
        }
    }

    /** Parses every non-blank line of a CLUSTER NODES reply. */
    public static List<ClusterNodeInfo> parseAll(String text) throws NodesConfException {
        List<ClusterNodeInfo> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            try {
                out.add(parseLine(lines[i]));
            } catch (NodesConfException e) {
                throw new NodesConfException(i + 1, e.reason());
            }
        }
        return out;
    }

    /**
     * Parses the already split arguments of a node line.
     *
     * @throws IllegalArgumentException with a human-readable reason
     */
    static ClusterNodeInfo parseArgs(List<String> argv) {
        if (argv.size() < 8) {
            throw new IllegalArgumentException("expected at least 8 fields, got " + argv.size());
        }
        String id = argv.get(0);
        if (!NodeId.isValid(id)) throw new IllegalArgumentException("invalid node id '" + id + "'");
        ClusterNodeInfo.Builder b = ClusterNodeInfo.builder(id);

        // ip:port[@cport][,hostname]; the hostname is everything after the first comma, the ip is
        // everything before the last colon (so IPv6 addresses work unbracketed).
        String addr = argv.get(1);
        int comma = addr.indexOf(',');
        if (comma >= 0) {
            b.hostname(addr.substring(comma + 1));
            addr = addr.substring(0, comma);
        }
        int colon = addr.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("address '" + argv.get(1) + "' has no ':port'");
        String ports = addr.substring(colon + 1);
        int at = ports.indexOf('@');
        int port = parsePort(at >= 0 ? ports.substring(0, at) : ports, "port");
        // Files written before Redis 4.0 have no "@cport": the bus port is then port + 10000.
        int cport = at >= 0 ? parsePort(ports.substring(at + 1), "cluster bus port") : port + 10000;
        b.address(addr.substring(0, colon), port, cport);

        b.flags(NodeFlags.parse(argv.get(2)));

        String master = argv.get(3);
        if (!master.startsWith("-")) {
            if (!NodeId.isValid(master)) throw new IllegalArgumentException("invalid master id '" + master + "'");
            b.masterId(master);
        }
        b.pingSent(parseLong(argv.get(4), "ping-sent"));
        b.pongRecv(parseLong(argv.get(5), "pong-recv"));
        try {
            b.configEpoch(Long.parseUnsignedLong(argv.get(6)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad config epoch '" + argv.get(6) + "'");
        }
        b.linkState(LinkState.parse(argv.get(7)));

        List<SlotRange> slots = new ArrayList<>();
        TreeMap<Integer, String> migrating = new TreeMap<>();
        TreeMap<Integer, String> importing = new TreeMap<>();
        for (int j = 8; j < argv.size(); j++) {
            String a = argv.get(j);
            if (a.startsWith("[")) {
                parseMigration(a, migrating, importing);
                continue;
            }
            int dash = a.indexOf('-');
            int start = parseSlot(dash >= 0 ? a.substring(0, dash) : a, a);
            int stop = dash >= 0 ? parseSlot(a.substring(dash + 1), a) : start;
            // Redis silently adds nothing for an inverted range; so do we.
            if (start <= stop) slots.add(new SlotRange(start, stop));
        }
        b.slots(slots);
        migrating.forEach(b::migrating);
        importing.forEach(b::importing);
        return b.build();
    }

    /** {@code [slot->-id]} (migrating to id) or {@code [slot-<-id]} (importing from id). */
    private static void parseMigration(String a, Map<Integer, String> migrating, Map<Integer, String> importing) {
        int dash = a.indexOf('-');
        if (dash < 0 || !a.endsWith("]") || dash + 3 > a.length() - 1 || a.charAt(dash + 2) != '-') {
            throw new IllegalArgumentException("bad migrating/importing entry '" + a + "'");
        }
        int slot = parseSlot(a.substring(1, dash), a);
        char dir = a.charAt(dash + 1);
        String node = a.substring(dash + 3, a.length() - 1);
        if (!NodeId.isValid(node)) throw new IllegalArgumentException("invalid node id in '" + a + "'");
        if (dir == '>') migrating.put(slot, node);
        else if (dir == '<') importing.put(slot, node);
        else throw new IllegalArgumentException("bad migrating/importing entry '" + a + "'");
    }

    private static int parseSlot(String s, String whole) {
        if (!isDigits(s)) throw new IllegalArgumentException("bad slot '" + whole + "'");
        long v = s.length() > 6 ? Long.MAX_VALUE : Long.parseLong(s);
        if (v >= HashSlot.SLOTS) throw new IllegalArgumentException("slot out of range in '" + whole + "'");
        return (int) v;
    }

    private static int parsePort(String s, String what) {
        if (!isDigits(s) || s.length() > 5 || Integer.parseInt(s) > 65535) {
            throw new IllegalArgumentException("bad " + what + " '" + s + "'");
        }
        return Integer.parseInt(s);
    }

    private static long parseLong(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + " '" + s + "'");
        }
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}
