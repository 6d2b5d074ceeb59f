package io.vermilion.cli;

/**
 * Which node serves which hash slot, as far as the smart client ({@code -c}) has learned it from
 * MOVED replies. Unknown slots have no entry; a later MOVED overwrites an entry.
 */
public final class SlotMap {
    /** A node address. */
    public record Owner(String host, int port) {}

    private final Owner[] owners = new Owner[io.vermilion.util.HashSlot.SLOTS];
    private int known;

    public synchronized void put(int slot, String host, int port) {
        if (slot < 0 || slot >= owners.length) return;
        if (owners[slot] == null) known++;
        owners[slot] = new Owner(host, port);
    }

    /** The owner learned for {@code slot}, or null. */
    public synchronized Owner get(int slot) {
        return slot < 0 || slot >= owners.length ? null : owners[slot];
    }

    public synchronized boolean isEmpty() {
        return known == 0;
    }

    /** Number of slots with a known owner. */
    public synchronized int size() {
        return known;
    }
}
