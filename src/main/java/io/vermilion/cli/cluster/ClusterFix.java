package io.vermilion.cli.cluster;

import io.vermilion.client.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code --cluster fix}: closes open slots, covers unassigned slots and resolves slots with several
 * owners, with redis-cli's case analysis and messages. What we add: before acting on an open slot
 * a {@code *** Plan:} line says what is wrong and what will be done (finish the interrupted move,
 * or give the keys back to the owner and close the slot); with {@code --dry-run} only the plans
 * are printed and nothing changes.
 */
final class ClusterFix {
    private final ClusterManager mgr;
    private final ManagerLog log;
    private final ManagerOptions opts;

    ClusterFix(ClusterManager mgr) {
        this.mgr = mgr;
        this.log = mgr.log;
        this.opts = mgr.opts;
    }

    /** Thrown where redis-cli calls exit(): the command ends with this status. */
    static final class Exit extends RuntimeException {
        final int status;

        Exit(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    private void refuseWithUnreachableMasters(String what) {
        if (mgr.unreachableMasters > 0 && !opts.fixWithUnreachableMasters) {
            log.warn("*** Fixing " + what + " with " + mgr.unreachableMasters + " unreachable masters is dangerous: "
                    + "redis-cli will assume that slots about masters that are not reachable are not covered, and will "
                    + "try to reassign them to the reachable nodes. This can cause data loss and is rarely what you want "
                    + "to do. If you really want to proceed use the --cluster-fix-with-unreachable-masters option.");
            throw new Exit(1);
        }
    }

    // ---------------------------------------------------------------- open slots

    boolean fixOpenSlot(int slot) throws IOException {
        refuseWithUnreachableMasters("open slots");
        log.info(">>> Fixing open slot " + slot);
        if (interruptedMove(slot)) return finishInterruptedMove(slot);
        ClusterNode[] leftover = importLeftover(slot);
        if (leftover != null) return rollBackImport(slot, leftover[0], leftover[1]);
        List<ClusterNode> owners = new ArrayList<>();
        for (ClusterNode n : mgr.nodes) {
            if (n.isSlave()) continue;
            if (n.hasSlot(slot)) {
                owners.add(n);
            } else {
                long c = mgr.countKeysInSlot(n, slot);
                if (c < 0) return false;
                if (c > 0) {
                    log.warn("*** Found keys about slot " + slot + " in non-owner node " + n + "!");
                    owners.add(n);
                }
            }
        }
        ClusterNode owner = owners.size() == 1 ? owners.get(0) : null;

        List<ClusterNode> migrating = new ArrayList<>();
        List<ClusterNode> importing = new ArrayList<>();
        List<String> migStr = new ArrayList<>();
        List<String> impStr = new ArrayList<>();
        for (ClusterNode n : mgr.nodes) {
            if (n.isSlave()) continue;
            boolean isMig = false, isImp = false;
            if (n.migrating.containsKey(slot)) {
                migStr.add(n.toString());
                migrating.add(n);
                isMig = true;
            }
            if (!isMig && n.importing.containsKey(slot)) {
                impStr.add(n.toString());
                importing.add(n);
                isImp = true;
            }
            if (!isMig && !isImp && n != owner) {
                long c = mgr.countKeysInSlot(n, slot);
                if (c < 0) return false;
                if (c > 0) {
                    log.warn("*** Found keys about slot " + slot + " in node " + n + "!");
                    impStr.add(n.toString());
                    importing.add(n);
                }
            }
        }
        if (!migStr.isEmpty()) log.println("Set as migrating in: " + String.join(",", migStr));
        if (!impStr.isEmpty()) log.println("Set as importing in: " + String.join(",", impStr));

        Map<ClusterNode, Long> keysOn = new LinkedHashMap<>();
        for (ClusterNode n : mgr.masters()) {
            if (n.hasSlot(slot) || migrating.contains(n) || importing.contains(n)) {
                long c = mgr.countKeysInSlot(n, slot);
                if (c < 0) return false;
                keysOn.put(n, c);
            }
        }

        if (owner == null) {
            log.info(">>> No single clear owner for the slot, selecting an owner by # of keys...");
            owner = nodeWithMostKeys(mgr.nodes, slot);
            if (owner == null) {
                log.error("[ERR] Can't select a slot owner. Impossible to fix.");
                return false;
            }
            log.warn("*** Configuring " + owner + " as the slot owner");
            if (opts.dryRun) {
                log.warn("*** Dry run: would assign slot " + slot + " to " + owner + " (ADDSLOTS, BUMPEPOCH).");
            } else {
                if (!mgr.clearSlotStatus(owner, slot)) return false;
                if (!mgr.setSlotOwner(owner, slot, false)) return false;
            }
            owner.slots.set(slot);
            migrating.remove(owner);
            importing.remove(owner);
        }

        if (owners.size() > 1) {
            for (ClusterNode n : owners) {
                if (n == owner) continue;
                if (opts.dryRun) {
                    log.warn("*** Dry run: would make " + n + " give up slot " + slot + " to " + owner
                            + " and set it importing (so its keys can be moved).");
                } else {
                    if (!mgr.delSlot(n, slot, true)) return false;
                    if (!mgr.setSlot(n, owner, slot, "node", null)) return false;
                    if (!mgr.setSlot(n, owner, slot, "importing", null)) return false;
                }
                n.slots.clear(slot);
                importing.remove(n);
                importing.add(n);
                migrating.remove(n);
            }
        }

        // Case analysis (redis-cli's), then our plan line, then the action.
        if (migrating.size() == 1 && importing.size() == 1) {
            ClusterNode src = migrating.get(0), dst = importing.get(0);
            plan(slot, "the move of slot " + slot + " from " + src + " to " + dst + " was interrupted ("
                    + keys(keysOn, src) + " keys still on " + src + ", " + keys(keysOn, dst) + " already on " + dst
                    + "). Finish it: move the remaining keys to " + dst + " and make it the owner everywhere.");
            if (opts.dryRun) return dryRunDone();
            log.info(">>> Case 1: Moving slot " + slot + " from " + src + " to " + dst);
            return moveSlot(src, dst, slot, false, true);
        } else if (migrating.isEmpty() && !importing.isEmpty()) {
            ClusterNode o = owner;
            List<String> parts = new ArrayList<>();
            long stray = 0;
            for (ClusterNode n : importing) {
                if (n == o) continue;
                parts.add(n + " (" + keys(keysOn, n) + " keys)");
                Long k = keysOn.get(n);
                if (k == null || k > 0) stray++;
            }
            plan(slot, o + " owns slot " + slot + " but " + String.join(", ", parts)
                    + (parts.size() == 1 ? " has" : " have") + " it open for import with nobody migrating it"
                    + " (a leftover of an interrupted move). Roll back: "
                    + (stray > 0 ? "move the keys found there back to " + o + ", then close" : "nothing to move; close")
                    + " the slot there (SETSLOT STABLE) and confirm " + o + " as its owner on every master.");
            if (opts.dryRun) return dryRunDone();
            log.info(">>> Case 2: Moving all the " + slot + " slot keys to its owner " + o);
            for (ClusterNode n : importing) {
                if (n == o) continue;
                if (!moveSlot(n, o, slot, true, false)) return false;
                log.info(">>> Setting " + slot + " as STABLE in " + n);
                if (!mgr.clearSlotStatus(n, slot)) return false;
            }
            for (ClusterNode n : mgr.nodes) {
                if (n == o || n.isSlave()) continue;
                if (!mgr.setSlot(n, o, slot, "NODE", null)) return false;
            }
            return true;
        } else if (migrating.size() == 1 && importing.size() > 1) {
            ClusterNode src = migrating.get(0);
            String targetId = src.migrating.get(slot);
            ClusterNode dst = null;
            for (ClusterNode n : importing) {
                long c = mgr.countKeysInSlot(n, slot);
                if (c > 0) return unhandled(slot, migStr, impStr, owner);
                if (n.name().equals(targetId)) dst = n;
            }
            if (dst != null) {
                plan(slot, src + " was moving slot " + slot + " to " + dst + "; other nodes also have it open for import,"
                        + " without keys. Finish the move to " + dst + " and close the slot on the others.");
                if (opts.dryRun) return dryRunDone();
                log.info(">>> Case 3: Moving slot " + slot + " from " + src + " to " + dst
                        + " and closing it on all the other importing nodes.");
                if (!moveSlot(src, dst, slot, false, false)) return false;
                for (ClusterNode n : importing) {
                    if (n == dst) continue;
                    if (!mgr.clearSlotStatus(n, slot)) return false;
                }
            } else {
                plan(slot, src + " is migrating slot " + slot + " to a node that is not importing it, and the nodes"
                        + " importing it have no keys. Close the slot everywhere; the keys stay on " + src + ".");
                if (opts.dryRun) return dryRunDone();
                log.info(">>> Case 3: Closing slot " + slot + " on both migrating and importing nodes.");
                if (!mgr.clearSlotStatus(src, slot)) return false;
                for (ClusterNode n : importing) if (!mgr.clearSlotStatus(n, slot)) return false;
            }
            return true;
        } else {
            boolean tryClose = importing.isEmpty() && migrating.size() == 1;
            if (tryClose) {
                ClusterNode n = migrating.get(0);
                if (owner == null || owner != n) {
                    Reply r = n.call("CLUSTER", "GETKEYSINSLOT", Integer.toString(slot), "10");
                    if (r.isError()) {
                        log.replyError(n, r.asString());
                        return false;
                    }
                    tryClose = r.asList().isEmpty();
                }
            }
            if (tryClose) {
                ClusterNode n = migrating.get(0);
                plan(slot, n + " has slot " + slot + " open for migration but no node is importing it, so no key"
                        + " has moved. Roll back: close the slot on " + n + " (SETSLOT STABLE).");
                if (opts.dryRun) return dryRunDone();
                log.info(">>> Case 4: Closing slot " + slot + " on " + n);
                Reply r = n.call("CLUSTER", "SETSLOT", Integer.toString(slot), "STABLE");
                if (r.isError()) {
                    log.replyError(n, r.asString());
                    return false;
                }
                return true;
            }
            return unhandled(slot, migStr, impStr, owner);
        }
    }

    /**
     * The usual leftover of an interrupted move: one master S owns the slot and is migrating it to
     * T, T is importing it from S, and no third master holds keys of it. redis-cli counts T's keys
     * as a second owner and then gives the slot to whichever side has more keys, moving the other
     * side's keys "cold" while clients are no longer redirected. The move can simply be finished
     * instead, the way it was going, with clients redirected as during any migration.
     */
    private boolean interruptedMove(int slot) throws IOException {
        ClusterNode src = null, dst = null;
        for (ClusterNode n : mgr.masters()) {
            if (n.migrating.containsKey(slot)) {
                if (src != null) return false;
                src = n;
            }
            if (n.importing.containsKey(slot)) {
                if (dst != null) return false;
                dst = n;
            }
        }
        if (src == null || dst == null || src == dst || !src.hasSlot(slot)) return false;
        if (!dst.name().equals(src.migrating.get(slot)) || !src.name().equals(dst.importing.get(slot))) return false;
        for (ClusterNode n : mgr.masters()) {
            if (n == src || n == dst) continue;
            if (n.hasSlot(slot)) return false;
            long c = mgr.countKeysInSlot(n, slot);
            if (c != 0) return false;
        }
        return true;
    }

    private boolean finishInterruptedMove(int slot) throws IOException {
        ClusterNode src = null, dst = null;
        for (ClusterNode n : mgr.masters()) {
            if (n.migrating.containsKey(slot)) src = n;
            if (n.importing.containsKey(slot)) dst = n;
        }
        log.println("Set as migrating in: " + src);
        log.println("Set as importing in: " + dst);
        long onSrc = mgr.countKeysInSlot(src, slot), onDst = mgr.countKeysInSlot(dst, slot);
        plan(slot, "the move of slot " + slot + " from " + src + " to " + dst + " was interrupted (" + onSrc
                + " keys still on " + src + ", " + onDst + " already on " + dst + "). Finish it: move the remaining keys to "
                + dst + " and make it the owner everywhere.");
        if (opts.dryRun) return dryRunDone();
        log.info(">>> Case 1: Moving slot " + slot + " from " + src + " to " + dst);
        return moveSlot(src, dst, slot, false, true);
    }

    /**
     * An import nobody is migrating (the seed's {@code [12539-<-...]}): one node A imports the
     * slot from its owner B, which claims it and is not migrating it, and no third master has keys
     * of it. Typically a move interrupted between its first two steps, or one whose source was
     * closed by hand. redis-cli makes whichever of A and B has more keys the owner; we roll the
     * move back, keeping the configured owner: A's keys (clients may have been sent there while B
     * was migrating) go back to B. Returns {A, B} or null.
     */
    private ClusterNode[] importLeftover(int slot) throws IOException {
        ClusterNode a = null;
        for (ClusterNode n : mgr.masters()) {
            if (n.migrating.containsKey(slot)) return null;
            if (n.importing.containsKey(slot)) {
                if (a != null) return null;
                a = n;
            }
        }
        if (a == null || a.hasSlot(slot)) return null;
        ClusterNode b = mgr.byName(a.importing.get(slot));
        if (b == null || b.isSlave() || !b.hasSlot(slot)) return null;
        for (ClusterNode n : mgr.masters()) {
            if (n == a || n == b) continue;
            if (n.hasSlot(slot) || mgr.countKeysInSlot(n, slot) != 0) return null;
        }
        return new ClusterNode[] {a, b};
    }

    private boolean rollBackImport(int slot, ClusterNode a, ClusterNode b) throws IOException {
        log.println("Set as importing in: " + a);
        long stray = mgr.countKeysInSlot(a, slot);
        if (stray < 0) return false;
        plan(slot, b + " owns slot " + slot + " but " + a + " (" + stray + " keys) has it open for import with nobody"
                + " migrating it (a leftover of an interrupted move). Roll back: "
                + (stray > 0 ? "move the keys found there back to " + b + ", then close" : "nothing to move; close")
                + " the slot there (SETSLOT STABLE) and confirm " + b + " as its owner on every master.");
        if (opts.dryRun) return dryRunDone();
        log.info(">>> Case 2: Moving all the " + slot + " slot keys to its owner " + b);
        if (!moveSlot(a, b, slot, true, false)) return false;
        log.info(">>> Setting " + slot + " as STABLE in " + a);
        if (!mgr.clearSlotStatus(a, slot)) return false;
        for (ClusterNode n : mgr.nodes) {
            if (n == b || n.isSlave()) continue;
            if (!mgr.setSlot(n, b, slot, "NODE", null)) return false;
        }
        return true;
    }

    private static String keys(Map<ClusterNode, Long> keysOn, ClusterNode n) {
        Long k = keysOn.get(n);
        return k == null ? "?" : Long.toString(k);
    }

    private void plan(int slot, String text) {
        log.warn("*** Plan for slot " + slot + ": " + text);
    }

    private boolean dryRunDone() {
        log.warn("*** Dry run: nothing changed.");
        return true;
    }

    private boolean unhandled(int slot, List<String> mig, List<String> imp, ClusterNode owner) {
        log.error("[ERR] Sorry, vermilion-cli can't fix this slot yet (work in progress). Slot is set as migrating in "
                + String.join(",", mig) + ", as importing in " + String.join(",", imp) + ", owner is "
                + (owner == null ? "unknown" : owner.toString()));
        return false;
    }

    /** The master with the most keys in the slot (the first one on ties); null on error. */
    ClusterNode nodeWithMostKeys(List<ClusterNode> candidates, int slot) throws IOException {
        ClusterNode best = null;
        long most = 0;
        for (ClusterNode n : candidates) {
            if (n.isSlave() || n.replicate() != null) continue;
            long c = mgr.countKeysInSlot(n, slot);
            if (c < 0) return null;
            if (c > most || best == null) {
                most = c;
                best = n;
            }
        }
        return best;
    }

    /**
     * redis-cli's clusterManagerMoveSlot with the verbose option: prints "Moving slot N from A to
     * B: " and a dot per key (a progress bar instead on a terminal). {@code cold}: only the keys
     * move, the slot's state is left to the caller.
     */
    boolean moveSlot(ClusterNode src, ClusterNode dst, int slot, boolean cold, boolean update) throws IOException {
        log.print("Moving slot " + slot + " from " + src + " to " + dst + ": ");
        SlotMove m = new SlotMove(slot, src, dst, 0);
        m.allowRollback = false;
        // A cold move's source is not the owner: MIGRATE is served there only while importing + ASKING.
        m.cold = cold && !src.hasSlot(slot);
        SlotMover mover = new SlotMover(mgr);
        boolean tty = log.stdoutTty();
        Progress progress = null;
        if (tty) {
            log.print("\n");
            long total = Math.max(0, mgr.countKeysInSlot(src, slot));
            progress = new Progress(log, "keys", total, total).start();
        }
        Progress p = progress;
        SlotMover.Listener dots = (mv, n) -> {
            if (p != null) {
                p.keys(n);
                for (int i = 0; i < n; i++) p.unitDone();
            } else {
                log.print(".".repeat(n));
            }
        };
        int readTimeout = (int) Math.min(Integer.MAX_VALUE, (long) opts.timeout * 5 + 30_000L);
        MoveGuard guard = MoveGuard.get();
        guard.begin();
        if (cold) guard.register(m); // a cold move is in flight too: Ctrl-C lets it finish
        try (SlotMover.Conns conns = new SlotMover.Conns(readTimeout)) {
            if (cold) {
                List<SlotMove> failed = new ArrayList<>();
                mover.migrateKeys(List.of(m), conns, dots, failed);
                if (!failed.isEmpty()) throw new SlotMover.MoveFailed(m.failure());
            } else {
                mover.move(m, conns, dots);
            }
        } catch (SlotMover.MoveFailed e) {
            if (p != null) p.close();
            log.println("");
            log.error("*** " + e.getMessage());
            return false;
        } finally {
            guard.unregister(m);
            guard.end();
        }
        if (p != null) p.finish("Moved slot " + slot + ":");
        else log.println("");
        if (update) {
            src.slots.clear(slot);
            dst.slots.set(slot);
        }
        return true;
    }

    // ---------------------------------------------------------------- coverage

    int fixSlotsCoverage(BitSet covered) throws IOException {
        refuseWithUnreachableMasters("slots coverage");
        int fixed = 0;
        log.info(">>> Fixing slots coverage...");
        // slot -> masters holding keys for it; iterated in redis-cli's dict order.
        Map<String, List<ClusterNode>> uncovered = new LinkedHashMap<>();
        for (int i = 0; i < ClusterCreate.SLOTS; i++) {
            if (covered.get(i)) continue;
            List<ClusterNode> holders = new ArrayList<>();
            for (ClusterNode n : mgr.nodes) {
                if (n.isSlave() || n.replicate() != null) continue;
                Reply r = n.call("CLUSTER", "GETKEYSINSLOT", Integer.toString(i), "1");
                if (r.isError()) {
                    log.replyError(n, r.asString());
                    return -1;
                }
                if (!r.asList().isEmpty()) holders.add(n);
            }
            uncovered.put(Integer.toString(i), holders);
        }
        List<Integer> none = new ArrayList<>(), single = new ArrayList<>(), multi = new ArrayList<>();
        for (String s : RedisDictOrder.keys(uncovered.keySet())) {
            int n = uncovered.get(s).size();
            (n == 0 ? none : n == 1 ? single : multi).add(Integer.parseInt(s));
        }
        if (!none.isEmpty()) {
            log.println("The following uncovered slots have no keys across the cluster:");
            log.println(ClusterNode.slotsString(bits(none)));
            if (opts.dryRun) {
                log.warn("*** Dry run: would assign each of these slots to a random master.");
            } else if (Prompt.confirm(log, opts, "Fix these slots by covering with a random node?", true)) {
                List<ClusterNode> masters = mgr.masters();
                Random rnd = new Random();
                for (int s : none) {
                    ClusterNode n = masters.get(rnd.nextInt(masters.size()));
                    log.info(">>> Covering slot " + s + " with " + n);
                    if (!mgr.setSlotOwner(n, s, false)) return -1;
                    n.slots.set(s);
                    fixed++;
                }
            }
        }
        if (!single.isEmpty()) {
            log.println("The following uncovered slots have keys in just one node:");
            log.println(ClusterNode.slotsString(bits(single)));
            if (opts.dryRun) {
                log.warn("*** Dry run: would assign each of these slots to the node holding its keys.");
            } else if (Prompt.confirm(log, opts, "Fix these slots by covering with those nodes?", true)) {
                for (int s : single) {
                    ClusterNode n = uncovered.get(Integer.toString(s)).get(0);
                    log.info(">>> Covering slot " + s + " with " + n);
                    if (!mgr.setSlotOwner(n, s, false)) return -1;
                    n.slots.set(s);
                    fixed++;
                }
            }
        }
        if (!multi.isEmpty()) {
            log.println("The following uncovered slots have keys in multiple nodes:");
            log.println(ClusterNode.slotsString(bits(multi)));
            if (opts.dryRun) {
                log.warn("*** Dry run: would give each of these slots to the node with most of its keys and move the other keys there.");
            } else if (Prompt.confirm(log, opts, "Fix these slots by moving keys into a single node?", true)) {
                for (int s : multi) {
                    List<ClusterNode> holders = uncovered.get(Integer.toString(s));
                    ClusterNode target = nodeWithMostKeys(holders, s);
                    if (target == null) return -1;
                    log.info(">>> Covering slot " + s + " moving keys to " + target);
                    if (!mgr.setSlotOwner(target, s, true)) return -1;
                    target.slots.set(s);
                    for (ClusterNode src : holders) {
                        if (src == target) continue;
                        if (!mgr.setSlot(src, target, s, "NODE", null)) return -1;
                        // Importing on the source too, so that MIGRATE is not redirected.
                        if (!mgr.setSlot(src, target, s, "IMPORTING", null)) return -1;
                        if (!moveSlot(src, target, s, true, false)) return -1;
                        if (!mgr.clearSlotStatus(src, s)) return -1;
                    }
                    fixed++;
                }
            }
        }
        return fixed;
    }

    private static BitSet bits(List<Integer> slots) {
        BitSet b = new BitSet(ClusterCreate.SLOTS);
        for (int s : slots) b.set(s);
        return b;
    }

    // ---------------------------------------------------------------- multiple owners

    boolean fixMultipleSlotOwners(int slot, List<ClusterNode> owners) throws IOException {
        log.info(">>> Fixing multiple owners for slot " + slot + "...");
        ClusterNode owner = nodeWithMostKeys(owners, slot);
        if (owner == null) owner = owners.get(0);
        log.info(">>> Setting slot " + slot + " owner: " + owner);
        if (opts.dryRun) {
            log.warn("*** Dry run: would make " + owner + " the only owner and move the other owners' keys to it.");
            return true;
        }
        if (!mgr.setSlotOwner(owner, slot, false)) return false;
        boolean success = false;
        for (ClusterNode n : mgr.nodes) {
            if (n == owner || n.isSlave()) continue;
            long count = mgr.countKeysInSlot(n, slot);
            success = count >= 0;
            if (!success) break;
            mgr.delSlot(n, slot, true);
            if (!mgr.setSlot(n, owner, slot, "node", null)) return false;
            n.slots.clear(slot);
            if (count > 0) {
                // Importing, so that the node still serves its MIGRATEs (redis-cli fails here with MOVED).
                if (!mgr.setSlot(n, owner, slot, "importing", null)) return false;
                success = moveSlot(n, owner, slot, true, false);
                if (!success) break;
                if (!mgr.clearSlotStatus(n, slot)) return false;
            }
        }
        return success;
    }
}
