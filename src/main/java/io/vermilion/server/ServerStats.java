package io.vermilion.server;

/** Counters of INFO stats. */
public final class ServerStats {
    public long totalConnections;
    public long rejectedConnections;
    public long commandsProcessed;
    public long errorReplies;
    public long unknownCommands;
    public long netInputBytes;
    public long netOutputBytes;
    public long readsProcessed;     // read events that carried bytes
    public long writesProcessed;    // reply batches written
    public long evictedKeys;
    public long evictedClients;

    public void reset() {
        totalConnections = rejectedConnections = commandsProcessed = errorReplies = unknownCommands = 0;
        netInputBytes = netOutputBytes = 0;
        readsProcessed = writesProcessed = evictedKeys = evictedClients = 0;
    }
}
