package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --cluster} subcommands. Each follows redis-cli 7.0's steps and prints its lines;
 * where we go further it is said at the method: waiting until the cluster agrees before returning
 * (create, add-node, fix), explaining problems found by the check with the command that repairs
 * them, moving keys in large batches and several slots at once, finishing or rolling back the
 * slot in progress on Ctrl-C, and progress bars on a terminal.
 */
final class ClusterCommands {
    private ClusterCommands() {}

    static boolean dispatch(ClusterManager mgr, String name, List<String> args) throws IOException {
        return switch (name) {
            case "create" -> ClusterCreate.create(mgr, args);
            case "check" -> check(mgr, args);
            case "info" -> info(mgr, args);
            case "fix" -> fix(mgr, args);
            case "reshard" -> reshard(mgr, args);
            case "rebalance" -> rebalance(mgr, args);
            case "add-node" -> addNode(mgr, args);
            case "del-node" -> delNode(mgr, args);
            case "call" -> call(mgr, args);
            case "set-timeout" -> setTimeout(mgr, args);
            case "import" -> ClusterImport.importData(mgr, args);
            case "backup" -> ClusterImport.backup(mgr, args);
            case "help" -> help(mgr);
            default -> false;
        };
    }

    private static boolean invalidHost(ClusterManager mgr) {
        mgr.log.stderr(ClusterCli.INVALID_HOST_ARG);
        return false;
    }

    static String fixCommand(ClusterManager mgr) {
        return "vermilion-cli --cluster fix " + mgr.entryAddress();
    }

    // ---------------------------------------------------------------- info / check / fix

    static boolean info(ClusterManager mgr, List<String> args) throws IOException {
        HostPort hp = ClusterCli.hostFromArgs(args);
        if (hp == null) return invalidHost(mgr);
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        mgr.showClusterInfo();
        return true;
    }

    static boolean check(ClusterManager mgr, List<String> args) throws IOException {
        HostPort hp = ClusterCli.hostFromArgs(args);
        if (hp == null) return invalidHost(mgr);
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        mgr.showClusterInfo();
        return mgr.checkCluster(false);
    }

    /**
     * redis-cli's fix (check with repairs), with a plan line before each open slot is touched,
     * {@code --dry-run}, and a wait at the end until all nodes agree on the result.
     */
    static boolean fix(ClusterManager mgr, List<String> args) throws IOException {
        mgr.opts.fix = true;
        HostPort hp = ClusterCli.hostFromArgs(args);
        if (hp == null) return invalidHost(mgr);
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        if (!mgr.opts.dryRun) MoveGuard.get().install(mgr.log, fixCommand(mgr));
        mgr.showClusterInfo();
        boolean ok = mgr.checkCluster(false);
        // A dry run changed nothing: the status says whether the cluster was fine as it is.
        if (mgr.opts.dryRun) return ok && mgr.errors.isEmpty();
        if (!mgr.errors.isEmpty()) {
            // Something was repaired (or tried): return once the nodes agree on the outcome.
            String why = awaitSettled(mgr, "Waiting for the cluster to agree", null, 60_000);
            if (why != null) ok = false;
        }
        return ok;
    }

    /**
     * Waits until every loaded node (and {@code extra}) knows every other and they agree (see
     * {@link ClusterWait}); prints {@code title} and a dot per second. Null when settled.
     */
    static String awaitSettled(ClusterManager mgr, String title, ClusterNode extra, long timeoutMs) {
        List<HostPort> addrs = new ArrayList<>();
        Map<HostPort, ClusterNode> byAddr = new HashMap<>();
        for (ClusterNode n : mgr.nodes) {
            addrs.add(n.address());
            byAddr.put(n.address(), n);
        }
        if (extra != null && !byAddr.containsKey(extra.address())) {
            addrs.add(extra.address());
            byAddr.put(extra.address(), extra);
        }
        ClusterWait.Connector conn = hp -> byAddr.get(hp).open(10_000);
        return ClusterCreate.waitWithDots(mgr.log, title, addrs, conn, timeoutMs);
    }

    /**
     * After redis-cli's "fix your cluster problems" refusal: what the problems mean and the
     * command that repairs them (the seed's add-node only said the slot was open).
     */
    static void explainProblems(ClusterManager mgr, String action) {
        ManagerLog log = mgr.log;
        boolean disagree = false, uncovered = false;
        for (String e : mgr.errors) {
            if (e.startsWith("[ERR] Nodes don't agree")) disagree = true;
            if (e.startsWith("[ERR] Not all")) uncovered = true;
        }
        if (!mgr.openSlots.isEmpty()) {
            log.warn("*** The cluster has open slots, left behind by a slot migration that did not finish"
                    + " (an interrupted reshard, or a manual CLUSTER SETSLOT):");
            for (Map.Entry<Integer, String> e : mgr.openSlots.entrySet()) {
                log.warn("***   slot " + e.getKey() + ": " + e.getValue());
            }
            log.warn("*** " + action + " would build on that half-done state, so it is refused. Close the slots first:"
                    + " fix finishes each interrupted move or rolls it back, without losing keys.");
        }
        if (uncovered) log.warn("*** Some slots are served by no node; fix assigns them.");
        if (disagree) {
            log.warn("*** The nodes do not agree about which node serves which slots. Right after a change this"
                    + " settles within seconds (retry); if it does not, fix can repair it.");
        }
        log.warn("***   " + fixCommand(mgr) + " --dry-run    (prints the plan, changes nothing)");
        log.warn("***   " + fixCommand(mgr));
        log.warn("*** Then run this command again.");
    }

    // ---------------------------------------------------------------- reshard

    /** A master by full id (case-insensitive) for reshard's --cluster-to/--cluster-from. */
    private static ClusterNode nodeForResharding(ClusterManager mgr, String id, ClusterNode target, boolean[] raise) {
        ClusterNode n = mgr.byName(id);
        raise[0] = false;
        if (n == null || n.isSlave()) {
            mgr.log.error("*** The specified node (" + id + ") is not known or not a master, please retry.");
            raise[0] = true;
            return null;
        }
        if (target != null && n.name().equals(target.name())) {
            mgr.log.error("*** It is not possible to use the target node as source node.");
            return null;
        }
        return n;
    }

    /** redis-cli's reshard table: sources by slot count (most first), proportional shares. */
    static List<SlotMove> reshardTable(List<ClusterNode> sources, int numslots, ClusterNode target, int firstIndex,
                                       Map<ClusterNode, BitSet> slotsOf) {
        List<ClusterNode> sorted = new ArrayList<>(sources);
        int tot = 0;
        for (ClusterNode n : sources) tot += slotsOf.get(n).cardinality();
        sorted.sort(Comparator.comparingInt((ClusterNode n) -> slotsOf.get(n).cardinality()).reversed());
        List<SlotMove> moved = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            ClusterNode n = sorted.get(i);
            BitSet s = slotsOf.get(n);
            float share = (float) numslots / tot * s.cardinality();
            int max = (int) (i == 0 ? Math.ceil(share) : Math.floor(share));
            int count = 0;
            for (int slot = s.nextSetBit(0); slot >= 0; slot = s.nextSetBit(slot + 1)) {
                if (count >= max || moved.size() >= numslots) break;
                moved.add(new SlotMove(slot, n, target, firstIndex + moved.size()));
                count++;
            }
        }
        return moved;
    }

    private static Map<ClusterNode, BitSet> currentSlots(ClusterManager mgr) {
        Map<ClusterNode, BitSet> m = new LinkedHashMap<>();
        for (ClusterNode n : mgr.nodes) m.put(n, n.slots());
        return m;
    }

    /** Reads an answer for reshard's questions; null at end of input (redis-cli would spin forever). */
    private static String ask(ManagerLog log, String question) {
        log.print(question);
        return Prompt.readLine();
    }

    /**
     * Loads the cluster and checks it before a change: waits a few seconds for transient
     * disagreement to settle (redis-cli fails right after a reshard), then redis-cli's check.
     */
    private static boolean loadAndCheck(ClusterManager mgr, HostPort hp, boolean quiet) throws IOException {
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        if (!mgr.isConfigConsistent() && mgr.awaitConsistent(10_000)) {
            // Reload: slot ownership changed while we waited.
            if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        }
        mgr.checkCluster(quiet);
        return true;
    }

    static boolean reshard(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        ManagerOptions opts = mgr.opts;
        HostPort hp = ClusterCli.hostFromArgs(args);
        if (hp == null) return invalidHost(mgr);
        if (!loadAndCheck(mgr, hp, false)) return false;
        if (!mgr.errors.isEmpty()) {
            log.stderr("*** Please fix your cluster problems before resharding");
            explainProblems(mgr, "Resharding");
            return false;
        }
        int slots = opts.slots;
        while (slots <= 0 || slots > ClusterCreate.SLOTS) {
            String a = ask(log, "How many slots do you want to move (from 1 to " + ClusterCreate.SLOTS + ")? ");
            if (a == null) return eof(log);
            slots = io.vermilion.cli.RedisUri.atoi(a);
        }
        String to = opts.to;
        while (to == null) {
            String a = ask(log, "What is the receiving node ID? ");
            if (a == null) return eof(log);
            if (!a.isEmpty()) to = a;
        }
        boolean[] raise = {false};
        ClusterNode target = nodeForResharding(mgr, to, null, raise);
        if (target == null) return false;
        List<ClusterNode> sources = new ArrayList<>();
        boolean all = false;
        if (opts.from == null) {
            log.println("Please enter all the source node IDs.");
            log.println("  Type 'all' to use all the nodes as source nodes for the hash slots.");
            log.println("  Type 'done' once you entered all the source nodes IDs.");
            while (true) {
                String a = ask(log, "Source node #" + (sources.size() + 1) + ": ");
                if (a == null) return eof(log);
                if (a.equals("done")) break;
                if (a.equals("all")) {
                    all = true;
                    break;
                }
                ClusterNode src = nodeForResharding(mgr, a, target, raise);
                if (src != null) sources.add(src);
                else if (raise[0]) return false;
            }
        } else {
            for (String id : opts.from.split(",", -1)) {
                if (id.equals("all")) {
                    all = true;
                    break;
                }
                if (id.isEmpty()) continue;
                ClusterNode src = nodeForResharding(mgr, id, target, raise);
                if (src != null) sources.add(src);
                else if (raise[0]) return false;
            }
        }
        if (all) {
            sources.clear();
            for (ClusterNode n : mgr.nodes) {
                if (n.isSlave() || n.replicate() != null) continue;
                if (n.name().equals(target.name())) continue;
                sources.add(n);
            }
        }
        if (sources.isEmpty()) {
            log.stderr("*** No source nodes given, operation aborted.");
            return false;
        }
        log.println("\nReady to move " + slots + " slots.");
        log.println("  Source nodes:");
        for (ClusterNode s : sources) log.println(s.info(4));
        log.println("  Destination node:");
        log.println(target.info(4));
        List<SlotMove> table = reshardTable(sources, slots, target, 0, currentSlots(mgr));
        log.println("  Resharding plan:");
        StringBuilder planText = new StringBuilder();
        for (SlotMove m : table) planText.append("    Moving slot ").append(m.slot()).append(" from ").append(m.source().name()).append('\n');
        log.print(planText.toString());
        if (!opts.yes) {
            log.print("Do you want to proceed with the proposed reshard plan (yes/no)? ");
            String a = Prompt.readLine();
            if (a == null || !a.startsWith("yes")) return false;
        }
        return runMoves(mgr, table, "Resharding", m -> "Moving slot " + m.slot() + " from " + m.source() + " to "
                + m.target() + ": " + ".".repeat((int) Math.min(Integer.MAX_VALUE, m.keysMoved())) + "\n");
    }

    private static boolean eof(ManagerLog log) {
        log.println("");
        log.stderr("*** End of input: operation aborted.");
        return false;
    }

    /** Keys in each planned slot, for the progress bar's ETA and for grouping (one pipelined round per source). */
    private static Map<Integer, Long> countKeys(ClusterManager mgr, List<SlotMove> table) {
        Map<ClusterNode, List<SlotMove>> bySource = new LinkedHashMap<>();
        for (SlotMove m : table) bySource.computeIfAbsent(m.source(), k -> new ArrayList<>()).add(m);
        Map<Integer, Long> counts = new HashMap<>();
        for (Map.Entry<ClusterNode, List<SlotMove>> e : bySource.entrySet()) {
            try {
                RespConnection c = e.getKey().connection();
                for (SlotMove m : e.getValue()) c.send("CLUSTER", "COUNTKEYSINSLOT", Integer.toString(m.slot()));
                for (SlotMove m : e.getValue()) {
                    Reply r = c.read();
                    if (r.unwrap() instanceof Reply.Integer n) counts.put(m.slot(), n.value());
                }
            } catch (IOException ex) {
                return counts;
            }
        }
        return counts;
    }

    /**
     * Runs a plan of moves with interruption safety and progress, then reports. After the moves,
     * waits (quietly, bounded) until all nodes agree on the new owners so the next command finds a
     * consistent cluster.
     */
    static boolean runMoves(ClusterManager mgr, List<SlotMove> table, String what,
                            java.util.function.Function<SlotMove, String> render) {
        if (table.isEmpty()) return true;
        MoveGuard.get().install(mgr.log, fixCommand(mgr));
        Map<Integer, Long> counts = countKeys(mgr, table);
        long total = 0;
        for (long c : counts.values()) total += c;
        Progress progress = new Progress(mgr.log, "slots", table.size(), total).start();
        MoveRunner runner = new MoveRunner(mgr);
        MoveRunner.Result r = runner.run(table, render, progress, counts);
        if (r.ok()) progress.finish("Moved");
        else progress.close();
        boolean clean = true;
        if (!r.ok()) clean = runner.report(r, what, fixCommand(mgr));
        if (r.moved() > 0 && !mgr.awaitConsistent(30_000)) {
            mgr.log.warn("*** The nodes do not agree about the new slot owners yet; check again in a moment with"
                    + " vermilion-cli --cluster check " + mgr.entryAddress());
        }
        return r.ok() && clean;
    }

    // ---------------------------------------------------------------- rebalance

    static boolean rebalance(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        ManagerOptions opts = mgr.opts;
        HostPort hp = ClusterCli.hostFromArgs(args);
        if (hp == null) return invalidHost(mgr);
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        if (!mgr.isConfigConsistent() && mgr.awaitConsistent(10_000)) {
            if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        }
        for (String w : opts.weights) {
            int eq = w.indexOf('=');
            if (eq < 0) {
                log.error("*** invalid input " + w);
                return false;
            }
            ClusterNode n = mgr.byAbbreviatedName(w.substring(0, eq));
            if (n == null) {
                log.error("*** No such master node " + w.substring(0, eq));
                return false;
            }
            n.weight = (float) ClusterCli.atof(w.substring(eq + 1));
        }
        float totalWeight = 0;
        List<ClusterNode> involved = new ArrayList<>();
        for (ClusterNode n : mgr.nodes) {
            if (n.isSlave() || n.replicate() != null) continue;
            if (!opts.useEmptyMasters && n.slotsCount() == 0) {
                n.weight = 0;
                continue;
            }
            totalWeight += n.weight;
            involved.add(n);
        }
        mgr.checkCluster(true);
        if (!mgr.errors.isEmpty()) {
            log.error("*** Please fix your cluster problems before rebalancing");
            explainProblems(mgr, "Rebalancing");
            return false;
        }
        boolean thresholdReached = false;
        int totalBalance = 0;
        for (ClusterNode n : involved) {
            int expected = (int) (((float) ClusterCreate.SLOTS / totalWeight) * n.weight);
            n.balance = n.slotsCount() - expected;
            totalBalance += n.balance;
            boolean over = false;
            if (opts.threshold > 0) {
                if (n.slotsCount() > 0) {
                    double errPerc = Math.abs(100 - (100.0 * expected / n.slotsCount()));
                    if (errPerc > opts.threshold) over = true;
                } else if (expected > 1) {
                    over = true;
                }
            }
            if (over) thresholdReached = true;
        }
        if (!thresholdReached) {
            log.warn(String.format(Locale.ROOT, "*** No rebalancing needed! All nodes are within the %.2f%% threshold.",
                    opts.threshold));
            return true;
        }
        while (totalBalance > 0) {
            for (ClusterNode n : involved) {
                if (n.balance <= 0 && totalBalance > 0) {
                    n.balance--;
                    totalBalance--;
                }
            }
        }
        List<ClusterNode> weighted = new ArrayList<>(involved);
        weighted.sort(Comparator.comparingInt(n -> n.balance));
        log.info(String.format(Locale.ROOT, ">>> Rebalancing across %d nodes. Total weight = %.2f", involved.size(), totalWeight));
        if (opts.verbose) {
            for (ClusterNode n : weighted) log.println(n + " balance is " + n.balance + " slots");
        }
        // Plan every move first (in redis-cli's order), then run them, several at once.
        Map<ClusterNode, BitSet> slotsOf = currentSlots(mgr);
        List<SlotMove> table = new ArrayList<>();
        Map<Integer, String> headers = new HashMap<>();
        Map<Integer, Boolean> groupEnds = new HashMap<>();
        int dstIdx = 0, srcIdx = weighted.size() - 1;
        while (dstIdx < srcIdx) {
            ClusterNode dst = weighted.get(dstIdx), src = weighted.get(srcIdx);
            int db = Math.abs(dst.balance), sb = Math.abs(src.balance);
            int numslots = Math.min(db, sb);
            if (numslots > 0) {
                String header = "Moving " + numslots + " slots from " + src + " to " + dst + "\n";
                List<SlotMove> part = reshardTable(List.of(src), numslots, dst, table.size(), slotsOf);
                if (part.size() != numslots) {
                    log.print(header);
                    log.error("*** Assertion failed: Reshard table != number of slots");
                    return false;
                }
                if (opts.simulate) {
                    log.print(header + "#".repeat(part.size()) + "\n");
                } else {
                    headers.put(part.get(0).index, header);
                    groupEnds.put(part.get(part.size() - 1).index, true);
                    if (log.stdoutTty()) log.print(header);
                }
                for (SlotMove m : part) {
                    slotsOf.get(src).clear(m.slot());
                    slotsOf.get(dst).set(m.slot());
                }
                table.addAll(part);
            }
            dst.balance += numslots;
            src.balance -= numslots;
            if (dst.balance == 0) dstIdx++;
            if (src.balance == 0) srcIdx--;
        }
        if (opts.simulate) return true;
        return runMoves(mgr, table, "Rebalancing", m -> headers.getOrDefault(m.index, "")
                + (m.state() == SlotMove.State.DONE ? "#" : "") + (groupEnds.containsKey(m.index) ? "\n" : ""));
    }

    // ---------------------------------------------------------------- add-node / del-node

    /**
     * redis-cli's add-node. On a cluster with problems it explains them and prints the fix
     * command (redis-cli stops after the check's warnings); after the MEET it waits until every
     * node knows the new one and they all agree.
     */
    static boolean addNode(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        ManagerOptions opts = mgr.opts;
        HostPort ref = ClusterCli.hostFromArgs(args.subList(1, 2));
        HostPort hp = ClusterCli.hostFromArgs(args.subList(0, 1));
        if (ref == null || hp == null) return invalidHost(mgr);
        log.info(">>> Adding node " + hp + " to cluster " + ref);
        if (!loadAndCheck(mgr, ref, false)) return false;
        if (!mgr.errors.isEmpty()) {
            explainProblems(mgr, "Adding a node");
            return false;
        }
        ClusterNode master = null;
        if (opts.slave) {
            if (opts.masterId != null) {
                master = mgr.byName(opts.masterId);
                if (master == null) {
                    log.error("[ERR] No such master ID " + opts.masterId);
                    return false;
                }
            } else {
                master = mgr.masterWithLeastReplicas();
                log.println("Automatically selected master " + master);
            }
        }
        ClusterNode fresh = mgr.newNode(hp.host(), hp.port());
        ClusterNode refnode = mgr.nodes.get(0);
        try {
            if (!fresh.connect(log)) {
                log.error("[ERR] Sorry, can't connect to node " + hp);
                return false;
            }
            String[] err = new String[1];
            if (!mgr.isClusterNode(fresh, err)) {
                mgr.printNotClusterNode(fresh, err[0]);
                return false;
            }
            try {
                fresh.loadInfo(false);
            } catch (ClusterNode.ReplyError e) {
                log.replyError(fresh, e.getMessage());
                return false;
            }
            err[0] = null;
            if (!mgr.isEmpty(fresh, err)) {
                mgr.printNotEmpty(fresh, err[0]);
                return false;
            }
            ClusterNode first = mgr.nodes.get(0);
            if (master == null) {
                log.info(">>> Getting functions from cluster");
                Reply dump = refnode.call("FUNCTION", "DUMP");
                if (dump.isError()) {
                    log.info(">>> Failed retrieving Functions from the cluster, skip this step as Redis version do not"
                            + " support function command (error = '" + dump.asString() + "')");
                } else {
                    log.info(">>> Send FUNCTION LIST to " + hp + " to verify there is no functions in it");
                    Reply list = fresh.call("FUNCTION", "LIST");
                    if (list.isError()) {
                        log.log(ManagerLog.Level.ERR, ">>> Failed on CLUSTER LIST (error = '" + list.asString() + "')\r\n");
                        return false;
                    }
                    if (!list.asList().isEmpty()) {
                        log.log(ManagerLog.Level.ERR, ">>> New node already contains functions and can not be added to"
                                + " the cluster. Use FUNCTION FLUSH and try again.\r\n");
                        return false;
                    }
                    log.info(">>> Send FUNCTION RESTORE to " + hp);
                    Reply restore = fresh.call("FUNCTION".getBytes(), "RESTORE".getBytes(), dump.asBytes());
                    if (restore.isError()) {
                        log.log(ManagerLog.Level.ERR, ">>> Failed loading functions to the new node (error = '"
                                + restore.asString() + "')\r\n");
                        return false;
                    }
                }
            }
            log.info(">>> Send CLUSTER MEET to node " + hp + " to make it join the cluster.");
            String firstIp;
            try {
                firstIp = java.net.InetAddress.getByName(first.host()).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                log.stderr("Invalid IP address or hostname specified: " + first.host());
                return false;
            }
            Reply meet = ClusterCreate.meet(fresh, first, firstIp);
            if (meet.isError()) {
                log.replyError(fresh, meet.asString());
                return false;
            }
            // Meet the others too, rather than waiting seconds for gossip to introduce them.
            List<ClusterNode> mesh = new ArrayList<>(List.of(fresh));
            mesh.addAll(mgr.nodes);
            for (int i = 1; i < mesh.size(); i++) {
                if (mesh.get(i) == first) continue;
                try {
                    ClusterCreate.meet(fresh, mesh.get(i), java.net.InetAddress.getByName(mesh.get(i).host()).getHostAddress());
                } catch (IOException e) {
                    // best effort: gossip introduces them anyway, and the wait below checks
                }
            }
            if (master != null) {
                if (awaitSettled(mgr, "Waiting for the cluster to join", fresh, 60_000) != null) return false;
                log.info(">>> Configure node as replica of " + master + ".");
                Reply r = fresh.call("CLUSTER", "REPLICATE", master.name());
                if (r.isError()) {
                    log.replyError(fresh, r.asString());
                    return false;
                }
                if (awaitSettled(mgr, null, fresh, 60_000) != null) return false;
            } else if (awaitSettled(mgr, "Waiting for the cluster to join", fresh, 60_000) != null) {
                return false;
            }
            log.ok("[OK] New node added correctly.");
            return true;
        } finally {
            fresh.close();
        }
    }

    static boolean delNode(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        HostPort hp = ClusterCli.hostFromArgs(args.subList(0, 1));
        if (hp == null) return invalidHost(mgr);
        String id = args.get(1);
        log.info(">>> Removing node " + id + " from cluster " + hp);
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        ClusterNode node = mgr.byName(id);
        if (node == null) {
            log.error("[ERR] No such node ID " + id);
            return false;
        }
        if (node.slotsCount() != 0) {
            log.error("[ERR] Node " + node + " is not empty! Reshard data away and try again.");
            return false;
        }
        log.info(">>> Sending CLUSTER FORGET messages to the cluster...");
        for (ClusterNode n : mgr.nodes) {
            if (n == node) continue;
            if (n.replicate() != null && n.replicate().equalsIgnoreCase(id)) {
                // Another master for the orphaned replica (never the node being removed).
                ClusterNode m = null;
                for (ClusterNode c : mgr.nodes) {
                    if (c.isSlave() || c == node) continue;
                    if (m == null || c.replicasCount < m.replicasCount) m = c;
                }
                if (m == null) {
                    log.error("[ERR] No master left for replica " + n);
                    return false;
                }
                log.info(">>> " + n + " as replica of " + m);
                Reply r = n.call("CLUSTER", "REPLICATE", m.name());
                if (r.isError()) {
                    log.replyError(n, r.asString());
                    return false;
                }
                m.replicasCount++;
            }
            Reply r = n.call("CLUSTER", "FORGET", id);
            if (r.isError()) {
                log.replyError(n, r.asString());
                return false;
            }
        }
        log.info(">>> Sending CLUSTER RESET SOFT to the deleted node.");
        Reply r = node.call("CLUSTER", "RESET", "SOFT");
        if (r.isError()) {
            log.replyError(node, r.asString());
            return false;
        }
        // Return once the remaining nodes agree (quietly: redis-cli prints nothing more here).
        mgr.nodes.remove(node);
        List<HostPort> addrs = new ArrayList<>();
        for (ClusterNode n : mgr.nodes) addrs.add(n.address());
        String why = ClusterWait.await(addrs, a -> mgr.byAddress(a.host(), a.port()).open(10_000), 30_000, null);
        if (why != null) log.warn("*** The remaining nodes do not agree yet: " + why);
        return true;
    }

    // ---------------------------------------------------------------- call / set-timeout / help

    static boolean call(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        HostPort hp = ClusterCli.hostFromArgs(args.subList(0, 1));
        if (hp == null) return invalidHost(mgr);
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        List<String> cmd = args.subList(1, args.size());
        log.log(ManagerLog.Level.INFO, ">>> Calling");
        log.println(" " + String.join(" ", cmd));
        byte[][] argv = new byte[cmd.size()][];
        for (int i = 0; i < cmd.size(); i++) argv[i] = cmd.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        io.vermilion.cli.ReplyFormatter fmt = new io.vermilion.cli.ReplyFormatter();
        for (ClusterNode n : mgr.nodes) {
            if (mgr.opts.onlyMasters && n.replicate() != null) continue;
            if (mgr.opts.onlyReplicas && n.replicate() == null) continue;
            if (!n.connect(log)) continue;
            try {
                Reply r = n.call(argv);
                byte[] text = fmt.format(r, io.vermilion.cli.OutputMode.RAW, true);
                log.println(n + ": " + new String(text, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                log.println(n + ": Failed!");
            }
        }
        return true;
    }

    static boolean setTimeout(ClusterManager mgr, List<String> args) throws IOException {
        ManagerLog log = mgr.log;
        HostPort hp = ClusterCli.hostFromArgs(args.subList(0, 1));
        if (hp == null) return invalidHost(mgr);
        int timeout = io.vermilion.cli.RedisUri.atoi(args.get(1));
        if (timeout < 100) {
            log.stderr("Setting a node timeout of less than 100 milliseconds is a bad idea.");
            return false;
        }
        if (!mgr.loadFromNode(mgr.newNode(hp.host(), hp.port()))) return false;
        int ok = 0, errs = 0;
        log.info(">>> Reconfiguring node timeout in every cluster node...");
        for (ClusterNode n : mgr.nodes) {
            String err = "";
            try {
                Reply r = n.call("CONFIG", "SET", "cluster-node-timeout", Integer.toString(timeout));
                if (r.isError()) {
                    err = r.asString();
                } else {
                    r = n.call("CONFIG", "REWRITE");
                    if (!r.isError()) {
                        log.warn("*** New timeout set for " + n);
                        ok++;
                        continue;
                    }
                    err = r.asString();
                }
            } catch (IOException e) {
                err = "";
            }
            log.error("ERR setting node-timeout for " + n + ": " + err);
            errs++;
        }
        log.info(">>> New node timeout set. " + ok + " OK, " + errs + " ERR.");
        return true;
    }

    static boolean help(ClusterManager mgr) {
        StringBuilder sb = new StringBuilder("Cluster Manager Commands:\n");
        int padding = 15;
        for (ClusterCli.Def d : ClusterCli.DEFS) {
            sb.append("  ").append(d.name()).append(" ".repeat(Math.max(0, padding - d.name().length())));
            sb.append(d.args() == null ? "" : d.args()).append('\n');
            if (d.options() != null) {
                for (String o : d.options().split(",")) sb.append(" ".repeat(padding)).append("  --cluster-").append(o).append('\n');
            }
        }
        sb.append("\nFor check, fix, reshard, del-node, set-timeout, info, rebalance, call, import, backup you can specify"
                + " the host and port of any working node in the cluster.\n");
        sb.append("\nCluster Manager Options:\n");
        sb.append("  --cluster-yes  Automatic yes to cluster commands prompts\n");
        sb.append("\n");
        sb.append("vermilion-cli also accepts:\n");
        sb.append("  --dry-run            fix: print the plan for each problem and change nothing\n");
        sb.append("  --cluster-parallel N reshard/rebalance: move up to N slots at once (default 4, one per source)\n");
        sb.append("  --cluster-pipeline N keys per MIGRATE (default 1000; redis-cli's default is 10)\n");
        sb.append("\n");
        mgr.log.out().print(sb);
        mgr.log.out().flush();
        return false;
    }
}
