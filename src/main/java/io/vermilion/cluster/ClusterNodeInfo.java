package io.vermilion.cluster;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One node as described by one line of {@code CLUSTER NODES} / {@code nodes.conf}.
 *
 * <p>It is a snapshot of what the line says, not live state: {@link #configEpoch} is the epoch as
 * printed (Redis prints a replica's master's epoch there), {@link #pingSent} / {@link #pongRecv}
 * are the millisecond times as printed, and {@link #migrating} / {@link #importing} are only ever
 * filled for the {@code myself} line (Redis prints them only there).
 *
 * @param id         40-char node id
 * @param ip         last known address; empty for a node without address (noaddr)
 * @param port       client port
 * @param cport      cluster bus port
 * @param hostname   announced hostname, empty when none
 * @param flags      {@link NodeFlags} bits
 * @param masterId   id of the master for a replica, {@code null} for "-"
 * @param configEpoch unsigned 64-bit, as printed
 * @param slots      slot ranges in the order printed
 * @param migrating  slot -> id of the node the slot is migrating to ({@code [slot->-id]})
 * @param importing  slot -> id of the node the slot is imported from ({@code [slot-<-id]})
 */
public record ClusterNodeInfo(
        String id,
        String ip,
        int port,
        int cport,
        String hostname,
        int flags,
        String masterId,
        long pingSent,
        long pongRecv,
        long configEpoch,
        LinkState linkState,
        List<SlotRange> slots,
        SortedMap<Integer, String> migrating,
        SortedMap<Integer, String> importing) {

    public ClusterNodeInfo {
        NodeId.require(id);
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(linkState, "linkState");
        if (masterId != null) NodeId.require(masterId);
        checkPort(port, "port");
        checkPort(cport, "cport");
        slots = List.copyOf(slots);
        migrating = frozen(migrating);
        importing = frozen(importing);
    }

    private static void checkPort(int p, String what) {
        if (p < 0 || p > 65535) throw new IllegalArgumentException(what + " out of range: " + p);
    }

    private static SortedMap<Integer, String> frozen(Map<Integer, String> m) {
        TreeMap<Integer, String> t = new TreeMap<>();
        if (m != null) {
            for (Map.Entry<Integer, String> e : m.entrySet()) {
                if (e.getKey() < 0 || e.getKey() >= io.vermilion.util.HashSlot.SLOTS) {
                    throw new IllegalArgumentException("slot out of range: " + e.getKey());
                }
                t.put(e.getKey(), NodeId.require(e.getValue()));
            }
        }
        return Collections.unmodifiableSortedMap(t);
    }

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    public boolean isMyself() {
        return hasFlag(NodeFlags.MYSELF);
    }

    public SlotBitmap slotBitmap() {
        return SlotBitmap.fromRanges(slots);
    }

    public static Builder builder(String id) {
        return new Builder(id);
    }

    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.ip = ip; b.port = port; b.cport = cport; b.hostname = hostname; b.flags = flags;
        b.masterId = masterId; b.pingSent = pingSent; b.pongRecv = pongRecv; b.configEpoch = configEpoch;
        b.linkState = linkState; b.slots = slots; b.migrating = new TreeMap<>(migrating);
        b.importing = new TreeMap<>(importing);
        return b;
    }

    /** Mutable builder; defaults are an address-less master-less node with no flags. */
    public static final class Builder {
        private final String id;
        private String ip = "";
        private int port;
        private int cport;
        private String hostname = "";
        private int flags;
        private String masterId;
        private long pingSent;
        private long pongRecv;
        private long configEpoch;
        private LinkState linkState = LinkState.DISCONNECTED;
        private List<SlotRange> slots = List.of();
        private SortedMap<Integer, String> migrating = new TreeMap<>();
        private SortedMap<Integer, String> importing = new TreeMap<>();

        private Builder(String id) { this.id = id; }

        public Builder ip(String v) { ip = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder cport(int v) { cport = v; return this; }
        /** ip, port and cport together. */
        public Builder address(String ip, int port, int cport) { this.ip = ip; this.port = port; this.cport = cport; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        public Builder flags(int v) { flags = v; return this; }
        public Builder masterId(String v) { masterId = v; return this; }
        public Builder pingSent(long v) { pingSent = v; return this; }
        public Builder pongRecv(long v) { pongRecv = v; return this; }
        public Builder configEpoch(long v) { configEpoch = v; return this; }
        public Builder linkState(LinkState v) { linkState = v; return this; }
        public Builder slots(List<SlotRange> v) { slots = v; return this; }
        public Builder migrating(int slot, String toId) { migrating.put(slot, toId); return this; }
        public Builder importing(int slot, String fromId) { importing.put(slot, fromId); return this; }

        public ClusterNodeInfo build() {
            return new ClusterNodeInfo(id, ip, port, cport, hostname, flags, masterId, pingSent, pongRecv,
                    configEpoch, linkState, slots, migrating, importing);
        }
    }
}
