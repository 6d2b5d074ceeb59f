package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The state shared by the {@code --cluster} subcommands: the nodes loaded from one entry node,
 * the errors found by the last check, and the operations every subcommand needs (show, check,
 * signature comparison, waiting for agreement, SETSLOT helpers). Output follows redis-cli 7.0
 * line for line; where we do more (waiting until the cluster agrees, explaining open slots) the
 * extra output is said in the method.
 */
public final class ClusterManager {
    final ManagerLog log;
    final ManagerOptions opts;
    List<ClusterNode> nodes = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    int unreachableMasters;

    public ClusterManager(ManagerLog log, ManagerOptions opts) {
        this.log = log;
        this.opts = opts;
    }

    public List<ClusterNode> nodes() {
        return nodes;
    }

    public List<String> errors() {
        return errors;
    }

    ClusterNode newNode(String host, int port) {
        return new ClusterNode(host, port, 0, opts.credentials);
    }

    void closeAll() {
        for (ClusterNode n : nodes) n.close();
    }

    // ---------------------------------------------------------------- loading

    /** True if the node's INFO says cluster_enabled:1 (an error reply is returned through {@code err}). */
    boolean isClusterNode(ClusterNode n, String[] err) throws IOException {
        Reply info = n.call("INFO");
        if (info.isError()) {
            err[0] = info.asString();
            return false;
        }
        return infoField(info.asString(), "cluster_enabled") == 1;
    }

    /** Node is empty: no key in db0 and it knows only itself. */
    boolean isEmpty(ClusterNode n, String[] err) throws IOException {
        Reply info = n.call("INFO");
        if (info.isError()) {
            err[0] = info.asString();
            return false;
        }
        if (info.asString().contains("db0:")) return false;
        Reply ci = n.call("CLUSTER", "INFO");
        if (ci.isError()) {
            err[0] = ci.asString();
            return false;
        }
        return infoField(ci.asString(), "cluster_known_nodes") == 1;
    }

    static long infoField(String info, String field) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) return ClusterNode.atol(line.substring(field.length() + 1));
        }
        return 0;
    }

    void printNotClusterNode(ClusterNode n, String err) {
        log.error("[ERR] Node " + n + " " + (err != null ? err : "is not configured as a cluster node."));
    }

    void printNotEmpty(ClusterNode n, String err) {
        log.error("[ERR] Node " + n + " " + (err != null ? err
                : "is not empty. Either the node already knows other nodes (check with CLUSTER NODES) or contains some key in database 0."));
    }

    /**
     * redis-cli's load: connect to {@code entry}, check it is a cluster node, read its view of the
     * cluster, then connect to every node it knows and read each one's own view. Nodes the entry
     * sees as failed, disconnected or without address are left out (counted if masters).
     */
    boolean loadFromNode(ClusterNode entry) {
        try {
            if (!entry.connect(log)) return false;
            String[] err = new String[1];
            if (!isClusterNode(entry, err)) {
                printNotClusterNode(entry, err[0]);
                return false;
            }
            List<ClusterNode> friends;
            try {
                friends = entry.loadInfo(true);
            } catch (ClusterNode.ReplyError e) {
                log.replyError(entry, e.getMessage());
                return false;
            }
            closeAll();
            nodes = new ArrayList<>();
            unreachableMasters = 0;
            nodes.add(entry);
            for (ClusterNode f : friends) {
                boolean ok = f.port() != 0 && !f.host().isEmpty() && f.connect(log);
                if (ok) {
                    try {
                        f.loadInfo(false);
                        ok = !f.unusable();
                    } catch (ClusterNode.ReplyError | IOException e) {
                        log.error("[ERR] Unable to load info for node " + f);
                        ok = false;
                    }
                }
                if (ok) {
                    nodes.add(f);
                } else {
                    if (!f.isSlave()) unreachableMasters++;
                    f.close();
                }
            }
            for (ClusterNode n : nodes) {
                if (n.replicate() == null) continue;
                ClusterNode m = byName(n.replicate());
                if (m == null) {
                    log.warn("*** WARNING: " + n + " claims to be slave of unknown node ID " + n.replicate() + ".");
                } else {
                    m.replicasCount++;
                }
            }
            return true;
        } catch (IOException e) {
            log.stderr("Could not connect to Redis at " + entry + ": " + io.vermilion.cli.Session.describe(e));
            return false;
        }
    }

    ClusterNode byName(String name) {
        String lc = name.toLowerCase(Locale.ROOT);
        for (ClusterNode n : nodes) if (lc.equals(n.name())) return n;
        return null;
    }

    ClusterNode byAbbreviatedName(String prefix) {
        String lc = prefix.toLowerCase(Locale.ROOT);
        for (ClusterNode n : nodes) if (n.name() != null && n.name().startsWith(lc)) return n;
        return null;
    }

    ClusterNode byAddress(String host, int port) {
        for (ClusterNode n : nodes) if (n.host().equals(host) && n.port() == port) return n;
        return null;
    }

    List<ClusterNode> masters() {
        List<ClusterNode> m = new ArrayList<>();
        for (ClusterNode n : nodes) if (!n.isSlave()) m.add(n);
        return m;
    }

    // ---------------------------------------------------------------- show

    void showNodes() {
        for (ClusterNode n : nodes) log.println(n.info(0));
    }

    /** {@code --cluster info}: one line per master, then totals. False if a DBSIZE failed. */
    boolean showClusterInfo() throws IOException {
        int masters = 0;
        long keys = 0;
        for (ClusterNode n : nodes) {
            if (n.isSlave() || n.name() == null) continue;
            int replicas = 0;
            for (ClusterNode r : nodes) {
                if (r != n && r.isSlave() && n.name().equals(r.replicate())) replicas++;
            }
            Reply r = n.call("DBSIZE");
            if (!(r.unwrap() instanceof Reply.Integer)) {
                log.replyError(n, r.isError() ? r.asString() : "");
                return false;
            }
            long dbsize = r.asLong();
            log.println(n + " (" + n.name().substring(0, Math.min(8, n.name().length())) + "...) -> " + dbsize
                    + " keys | " + n.slotsCount() + " slots | " + replicas + " slaves.");
            masters++;
            keys += dbsize;
        }
        log.ok("[OK] " + keys + " keys in " + masters + " masters.");
        log.println(String.format(Locale.ROOT, "%.2f keys per slot on average.", (float) keys / ClusterCreate.SLOTS));
        return true;
    }

    // ---------------------------------------------------------------- agreement

    /**
     * redis-cli's configuration signature of one node: for every node that has slots, its id and
     * sorted slot ranges, all sorted; null if the node cannot be asked.
     */
    static String signature(ClusterNode n) {
        try {
            Reply r = n.call("CLUSTER", "NODES");
            if (r.isError()) return null;
            return signature(r.asString());
        } catch (IOException e) {
            return null;
        }
    }

    static String signature(String clusterNodes) {
        TreeSet<String> configs = new TreeSet<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 9) continue;
            List<String> ranges = new ArrayList<>();
            for (int i = 8; i < f.length; i++) if (!f[i].isEmpty() && !f[i].startsWith("[")) ranges.add(f[i]);
            if (ranges.isEmpty()) continue;
            ranges.sort(null);
            configs.add(f[0] + ":" + String.join(",", ranges));
        }
        return configs.isEmpty() ? null : String.join("|", configs);
    }

    boolean isConfigConsistent() {
        if (nodes.size() <= 1) return true;
        String first = null;
        for (ClusterNode n : nodes) {
            String s = signature(n);
            if (s == null) return false;
            if (first == null) first = s;
            else if (!first.equals(s)) return false;
        }
        return true;
    }

    /**
     * Waits, silently and up to {@code millis}, until all nodes agree about the slots. Commands that
     * change the cluster call it first: right after a reshard the nodes disagree for a moment, and
     * redis-cli then refuses to go on ("Nodes don't agree about configuration!").
     */
    boolean awaitConsistent(long millis) {
        long deadline = System.currentTimeMillis() + millis;
        while (!isConfigConsistent()) {
            if (System.currentTimeMillis() > deadline) return false;
            sleep(100);
        }
        return true;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- check

    /** Open slots found by the last check: slot -> description, in slot order. */
    final Map<Integer, String> openSlots = new LinkedHashMap<>();

    /**
     * redis-cli's cluster check (and, with {@code opts.fix}, its repair): agreement, open slots,
     * coverage, and optionally multiple owners. Returns false if something is wrong (or could not
     * be fixed).
     */
    boolean checkCluster(boolean quiet) throws IOException {
        if (nodes.isEmpty()) return false;
        ClusterNode entry = nodes.get(0);
        errors.clear();
        openSlots.clear();
        log.info(">>> Performing Cluster Check (using node " + entry + ")");
        boolean result = true;
        if (!quiet) showNodes();
        if (!isConfigConsistent()) {
            onError("[ERR] Nodes don't agree about configuration!");
            result = false;
        } else {
            log.ok("[OK] All nodes agree about slots configuration.");
        }
        log.info(">>> Check for open slots...");
        // Slot -> the other side, keyed by the slot as text as redis-cli's dict of sds.
        Map<String, String> open = new LinkedHashMap<>();
        for (ClusterNode n : nodes) {
            if (!n.migrating.isEmpty()) {
                StringBuilder sb = new StringBuilder("[WARNING] Node " + n + " has slots in migrating state ");
                boolean first = true;
                for (Map.Entry<Integer, String> e : n.migrating.entrySet()) {
                    open.put(Integer.toString(e.getKey()), e.getValue());
                    sb.append(first ? "" : ",").append(e.getKey());
                    first = false;
                }
                onError(sb.append('.').toString());
            }
            if (!n.importing.isEmpty()) {
                StringBuilder sb = new StringBuilder("[WARNING] Node " + n + " has slots in importing state ");
                boolean first = true;
                for (Map.Entry<Integer, String> e : n.importing.entrySet()) {
                    open.put(Integer.toString(e.getKey()), e.getValue());
                    sb.append(first ? "" : ",").append(e.getKey());
                    first = false;
                }
                onError(sb.append('.').toString());
            }
        }
        if (!open.isEmpty()) {
            result = false;
            List<String> order = RedisDictOrder.keys(open.keySet());
            log.error("[WARNING] The following slots are open: " + String.join(",", order) + ".");
            for (String s : order) openSlots.put(Integer.parseInt(s), describeOpenSlot(Integer.parseInt(s)));
            if (opts.fix) {
                ClusterFix fixer = new ClusterFix(this);
                for (String s : order) {
                    result = fixer.fixOpenSlot(Integer.parseInt(s));
                    if (!result) break;
                }
            }
        }
        log.info(">>> Check slots coverage...");
        BitSet covered = new BitSet(ClusterCreate.SLOTS);
        for (ClusterNode n : nodes) covered.or(n.slots);
        if (covered.cardinality() == ClusterCreate.SLOTS) {
            log.ok("[OK] All 16384 slots covered.");
        } else {
            onError("[ERR] Not all 16384 slots are covered by nodes.\n");
            result = false;
            if (opts.fix) {
                int fixed = new ClusterFix(this).fixSlotsCoverage(covered);
                if (fixed > 0) result = true;
            }
        }
        if (opts.searchMultipleOwners) {
            log.info(">>> Check for multiple slot owners...");
            int withMultiple = 0;
            ClusterFix fixer = new ClusterFix(this);
            for (int slot = 0; slot < ClusterCreate.SLOTS; slot++) {
                List<ClusterNode> owners = new ArrayList<>();
                for (ClusterNode n : nodes) {
                    if (n.isSlave()) continue;
                    if (n.hasSlot(slot)) owners.add(n);
                    else if (countKeysInSlot(n, slot) > 0) owners.add(n);
                }
                if (owners.size() > 1) {
                    result = false;
                    StringBuilder sb = new StringBuilder("[WARNING] Slot " + slot + " has " + owners.size() + " owners:\n");
                    for (ClusterNode o : owners) sb.append("    ").append(o).append('\n');
                    log.log(ManagerLog.Level.ERR, sb.toString());
                    withMultiple++;
                    if (opts.fix) {
                        result = fixer.fixMultipleSlotOwners(slot, owners);
                        if (!result) {
                            log.error("Failed to fix multiple owners for slot " + slot);
                            break;
                        }
                        if (opts.dryRun) result = false; // nothing was changed
                        else withMultiple--;
                    }
                }
            }
            if (withMultiple == 0) log.ok("[OK] No multiple owners found.");
        }
        return result;
    }

    void onError(String err) {
        errors.add(err);
        log.error(err);
    }

    /** "importing on 127.0.0.1:7001 (from 127.0.0.1:7003)", for our explanations. */
    String describeOpenSlot(int slot) {
        List<String> parts = new ArrayList<>();
        for (ClusterNode n : nodes) {
            String to = n.migrating.get(slot);
            if (to != null) parts.add("migrating on " + n + " (to " + nameOrId(to) + ")");
        }
        for (ClusterNode n : nodes) {
            String from = n.importing.get(slot);
            if (from != null) parts.add("importing on " + n + " (from " + nameOrId(from) + ")");
        }
        ClusterNode owner = null;
        for (ClusterNode n : nodes) if (!n.isSlave() && n.hasSlot(slot)) owner = n;
        if (owner != null) parts.add("owned by " + owner);
        return String.join(", ", parts);
    }

    String nameOrId(String id) {
        ClusterNode n = byName(id);
        return n != null ? n.toString() : id;
    }

    // ---------------------------------------------------------------- slot commands

    long countKeysInSlot(ClusterNode n, int slot) throws IOException {
        Reply r = n.call("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot));
        if (r.isError()) {
            log.replyError(n, r.asString());
            return -1;
        }
        return r.asLong();
    }

    /** {@code CLUSTER SETSLOT slot status id}; prints the error unless {@code err} is given. */
    boolean setSlot(ClusterNode on, ClusterNode other, int slot, String status, String[] err) throws IOException {
        Reply r = on.call("CLUSTER", "SETSLOT", Integer.toString(slot), status, other.name());
        if (r.isError()) {
            if (err != null) err[0] = r.asString();
            else log.replyError(on, r.asString());
            return false;
        }
        return true;
    }

    boolean clearSlotStatus(ClusterNode n, int slot) throws IOException {
        Reply r = n.call("CLUSTER", "SETSLOT", Integer.toString(slot), "STABLE");
        if (r.isError()) {
            log.replyError(n, r.asString());
            return false;
        }
        return true;
    }

    /** DELSLOTS; with {@code ignoreUnassigned} an error for a slot nobody serves counts as success. */
    boolean delSlot(ClusterNode n, int slot, boolean ignoreUnassigned) throws IOException {
        Reply r = n.call("CLUSTER", "DELSLOTS", Integer.toString(slot));
        if (!r.isError()) return true;
        if (ignoreUnassigned && slotOwnerName(n, slot) == null) return true;
        log.replyError(n, r.asString());
        return false;
    }

    /** The owner of {@code slot} according to {@code n}'s CLUSTER SLOTS (its id), or null. */
    String slotOwnerName(ClusterNode n, int slot) throws IOException {
        Reply r = n.call("CLUSTER", "SLOTS");
        if (r.isError()) return null;
        for (Reply range : r.asList()) {
            List<Reply> f = range.asList();
            if (f.size() < 3) continue;
            if (slot < f.get(0).asLong() || slot > f.get(1).asLong()) continue;
            List<Reply> nr = f.get(2).asList();
            if (nr.size() >= 3) return nr.get(2).asString();
            ClusterNode o = byAddress(nr.get(0).asString(), (int) nr.get(1).asLong());
            return o != null ? o.name() : null;
        }
        return null;
    }

    /**
     * Makes {@code owner} the owner of {@code slot} in one transaction: DELSLOTS (ignored if not
     * assigned), ADDSLOTS, optionally SETSLOT STABLE, BUMPEPOCH. Only an ADDSLOTS failure counts.
     */
    boolean setSlotOwner(ClusterNode owner, int slot, boolean clear) throws IOException {
        String s = Integer.toString(slot);
        Reply m = owner.call("MULTI");
        if (m.isError()) {
            log.replyError(owner, m.asString());
            return false;
        }
        owner.call("CLUSTER", "DELSLOTS", s);
        owner.call("CLUSTER", "ADDSLOTS", s);
        if (clear) owner.call("CLUSTER", "SETSLOT", s, "STABLE");
        owner.call("CLUSTER", "BUMPEPOCH");
        Reply exec = owner.call("EXEC");
        if (exec.isError()) {
            log.replyError(owner, exec.asString());
            return false;
        }
        List<Reply> results = exec.asList();
        if (results.size() > 1 && results.get(1).isError()) {
            log.replyError(owner, results.get(1).asString());
            return false;
        }
        return true;
    }

    /** Node with the fewest replicas among masters (the first one on ties). */
    ClusterNode masterWithLeastReplicas() {
        ClusterNode best = null;
        for (ClusterNode n : nodes) {
            if (n.isSlave()) continue;
            if (best == null || n.replicasCount < best.replicasCount) best = n;
        }
        return best;
    }

    /** The address the user should pass back to us, for printed fix commands. */
    String entryAddress() {
        return nodes.isEmpty() ? "" : nodes.get(0).toString();
    }
}
