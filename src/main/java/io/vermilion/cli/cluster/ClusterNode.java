package io.vermilion.cli.cluster;

import io.vermilion.cli.Session;
import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster manager's picture of one node, as loaded from {@code CLUSTER NODES}: its id, address,
 * flags, the master it replicates, the slots it claims and its open (migrating / importing) slots,
 * plus the working state of the command at hand (rebalance weight and balance, and whether a
 * configuration planned by {@code create} is still to be written).
 *
 * <p>A node's own slots and open slots are what the node says about itself (its {@code myself}
 * line), as in redis-cli, which is what lets {@code check} notice nodes that disagree. The
 * connection is the main thread's; slot-moving workers open their own.
 */
public final class ClusterNode {
    private final String host;
    private final int port;
    private int busPort;
    private String name;
    private final List<String> flags = new ArrayList<>();
    private boolean myself, slave, fail, disconnected, noaddr, friend;
    private String replicate;
    private long configEpoch;
    final BitSet slots = new BitSet(ClusterCreate.SLOTS);
    /** Open slots as the node reports them: slot -> node id on the other side. */
    final Map<Integer, String> migrating = new LinkedHashMap<>();
    final Map<Integer, String> importing = new LinkedHashMap<>();
    int replicasCount;
    float weight = 1.0f;
    int balance;
    /** {@code create}: slots or a master to replicate are planned but not yet sent. */
    boolean dirty;

    private RespConnection conn;
    private final ManagerOptions.Credentials credentials;

    ClusterNode(String host, int port, int busPort, ManagerOptions.Credentials credentials) {
        this.host = host;
        this.port = port;
        this.busPort = busPort != 0 ? busPort : port + 10000;
        this.credentials = credentials;
    }

    public String host() { return host; }
    public int port() { return port; }
    public int busPort() { return busPort; }
    public String name() { return name; }
    public String replicate() { return replicate; }
    public boolean isSlave() { return slave; }
    public boolean isFriend() { return friend; }
    public long configEpoch() { return configEpoch; }
    public int slotsCount() { return slots.cardinality(); }
    public boolean hasSlot(int slot) { return slots.get(slot); }
    public BitSet slots() { return (BitSet) slots.clone(); }
    public Map<Integer, String> migrating() { return migrating; }
    public Map<Integer, String> importing() { return importing; }
    public HostPort address() { return new HostPort(host, port); }
    public ManagerOptions.Credentials credentials() { return credentials; }

    void replicate(String masterId) { this.replicate = masterId; }

    /** {@code host:port}, the way redis-cli names nodes in messages. */
    @Override
    public String toString() {
        return host + ":" + port;
    }

    // ---------------------------------------------------------------- connection

    /** True if connected (or now connected); prints redis-cli's error on stderr otherwise. */
    boolean connect(ManagerLog log) {
        if (conn != null && !conn.isBroken()) return true;
        close();
        try {
            conn = open(0);
            return true;
        } catch (AuthFailed e) {
            log.replyError(this, e.getMessage());
            return false;
        } catch (IOException e) {
            log.stderr("Could not connect to Redis at " + host + ":" + port + ": " + Session.describe(e));
            return false;
        }
    }

    /** A new authenticated connection to this node, for a worker thread or a long MIGRATE. */
    RespConnection open(int readTimeoutMillis) throws IOException {
        RespConnection c = RespConnection.connect(host, port, 10_000, readTimeoutMillis);
        if (credentials.password() != null) {
            Reply r = credentials.user() == null
                    ? c.call("AUTH".getBytes(), credentials.password())
                    : c.call("AUTH".getBytes(), credentials.user(), credentials.password());
            if (r.isError()) {
                c.close();
                throw new AuthFailed(r.asString());
            }
        }
        return c;
    }

    /** An AUTH refusal, reported like a reply error rather than a connection failure. */
    static final class AuthFailed extends IOException {
        AuthFailed(String message) {
            super(message);
        }
    }

    RespConnection connection() throws IOException {
        if (conn == null || conn.isBroken()) {
            close();
            conn = open(0);
        }
        return conn;
    }

    /** One command on the main connection; I/O errors propagate, error replies are returned. */
    Reply call(String... args) throws IOException {
        return connection().call(args);
    }

    Reply call(byte[]... args) throws IOException {
        return connection().call(args);
    }

    void close() {
        if (conn != null) conn.close();
        conn = null;
    }

    // ---------------------------------------------------------------- CLUSTER NODES

    /**
     * Reads the node's {@code CLUSTER NODES}: its own line sets id, flags, slots and open slots;
     * with {@code friends} the other lines become new nodes (returned), flagged as friends with the
     * flags this node sees for them.
     */
    List<ClusterNode> loadInfo(boolean withFriends) throws IOException, ReplyError {
        Reply r = call("CLUSTER", "NODES");
        if (r.isError()) throw new ReplyError(r.asString());
        List<ClusterNode> found = new ArrayList<>();
        for (String line : r.asString().split("\n")) {
            if (line.isEmpty()) continue;
            NodesLine l = NodesLine.parse(line);
            if (l == null) throw new ReplyError("Error: invalid CLUSTER NODES reply");
            ClusterNode target;
            if (l.flags.contains("myself")) {
                busPort = l.busPort;
                myself = true;
                target = this;
                slots.clear();
                migrating.clear();
                importing.clear();
                slots.or(l.slots);
                migrating.putAll(l.migrating);
                importing.putAll(l.importing);
                dirty = false;
            } else if (!withFriends) {
                continue;
            } else {
                target = new ClusterNode(l.host, l.port, l.busPort, credentials);
                target.friend = true;
                found.add(target);
            }
            target.applyFlags(l);
        }
        return found;
    }

    /** Id, flags, master and epoch from a CLUSTER NODES line (flags accumulate, as in redis-cli). */
    void applyFlags(NodesLine l) {
        name = l.id;
        flags.clear();
        for (String f : l.flags) {
            switch (f) {
                case "noaddr" -> noaddr = true;
                case "disconnected" -> disconnected = true;
                case "fail" -> fail = true;
                case "slave" -> {
                    slave = true;
                    if (!l.master.equals("-")) replicate = l.master;
                }
                default -> { }
            }
            flags.add(f);
        }
        configEpoch = l.configEpoch;
    }

    /** True if this node is flagged unusable (no address, disconnected or failed). */
    boolean unusable() {
        return noaddr || disconnected || fail;
    }

    /** An error reply while loading a node, printed by the caller as redis-cli does. */
    static final class ReplyError extends Exception {
        ReplyError(String message) {
            super(message);
        }
    }

    /** One parsed line of {@code CLUSTER NODES}. */
    record NodesLine(String id, String host, int port, int busPort, List<String> flags, String master,
                     long configEpoch, String link, BitSet slots, Map<Integer, String> migrating,
                     Map<Integer, String> importing) {
        static NodesLine parse(String line) {
            String[] f = line.split(" ");
            if (f.length < 8) return null;
            String addr = f[1];
            int at = addr.indexOf('@');
            int comma = addr.indexOf(',');
            String hp = at >= 0 ? addr.substring(0, at) : (comma >= 0 ? addr.substring(0, comma) : addr);
            int bus = 0;
            if (at >= 0) {
                String b = addr.substring(at + 1);
                int c2 = b.indexOf(',');
                if (c2 >= 0) b = b.substring(0, c2);
                bus = atoi(b);
            }
            int colon = hp.lastIndexOf(':');
            if (colon < 0) return null;
            String host = hp.substring(0, colon);
            int port = atoi(hp.substring(colon + 1));
            BitSet slots = new BitSet(ClusterCreate.SLOTS);
            Map<Integer, String> mig = new LinkedHashMap<>();
            Map<Integer, String> imp = new LinkedHashMap<>();
            for (int i = 8; i < f.length; i++) {
                String s = f[i];
                if (s.isEmpty()) continue;
                if (s.startsWith("[")) {
                    String body = s.substring(1, s.endsWith("]") ? s.length() - 1 : s.length());
                    int m = body.indexOf("->-");
                    int im = body.indexOf("-<-");
                    if (m >= 0) mig.put(atoi(body.substring(0, m)), body.substring(m + 3));
                    else if (im >= 0) imp.put(atoi(body.substring(0, im)), body.substring(im + 3));
                } else {
                    int dash = s.indexOf('-');
                    if (dash >= 0) slots.set(atoi(s.substring(0, dash)), atoi(s.substring(dash + 1)) + 1);
                    else slots.set(atoi(s));
                }
            }
            return new NodesLine(f[0], host, port, bus, List.of(f[2].split(",")), f[3], atol(f[6]), f[7], slots, mig, imp);
        }
    }

    static int atoi(String s) {
        return (int) atol(s);
    }

    /** C's atoll: leading digits with an optional sign, 0 if none. */
    static long atol(String s) {
        int i = 0;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) neg = s.charAt(i++) == '-';
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) v = v * 10 + (s.charAt(i++) - '0');
        return neg ? -v : v;
    }

    // ---------------------------------------------------------------- rendering

    /** redis-cli's slot list: {@code [0-5460],[5462]}. */
    static String slotsString(BitSet slots) {
        StringBuilder sb = new StringBuilder();
        int i = slots.nextSetBit(0);
        while (i >= 0) {
            int end = slots.nextClearBit(i) - 1;
            if (sb.length() > 0) sb.append(',');
            sb.append('[').append(i);
            if (end > i) sb.append('-').append(end);
            sb.append(']');
            i = slots.nextSetBit(end + 1);
        }
        return sb.toString();
    }

    /** The flags without "myself", comma-separated. */
    String flagString() {
        StringBuilder sb = new StringBuilder();
        for (String f : flags) {
            if (f.equals("myself")) continue;
            if (sb.length() > 0) sb.append(',');
            sb.append(f);
        }
        return sb.toString();
    }

    /** The node block redis-cli prints in check/create/reshard ({@code M: id host:port ...}). */
    String info(int indent) {
        String spaces = " ".repeat(indent);
        StringBuilder sb = new StringBuilder(spaces);
        if (dirty && replicate != null) {
            sb.append("S: ").append(name).append(' ').append(host).append(':').append(port);
        } else {
            sb.append(slave ? "S" : "M").append(": ").append(name).append(' ').append(host).append(':').append(port)
                    .append('\n').append(spaces).append("   slots:").append(slotsString(slots))
                    .append(" (").append(slotsCount()).append(" slots) ").append(flagString());
        }
        if (replicate != null) {
            sb.append('\n').append(spaces).append("   replicates ").append(replicate);
        } else if (replicasCount > 0) {
            sb.append('\n').append(spaces).append("   ").append(replicasCount).append(" additional replica(s)");
        }
        return sb.toString();
    }

    /** Marks a node planned as a master by {@code create} (shown as a master before it exists as one). */
    void planMaster(int first, int last) {
        slots.clear();
        slots.set(first, last + 1);
        dirty = true;
    }

    void planReplicaOf(String masterId) {
        replicate = masterId;
        dirty = true;
    }

    void setName(String name) {
        this.name = name;
    }
}
