package io.vermilion.cli.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --cluster-*} options of redis-cli 7.0 (same names, same defaults), plus ours:
 * {@code --cluster-dry-run} (alias {@code --dry-run}) and {@code --cluster-parallel}.
 */
public final class ManagerOptions {
    /** redis-cli's defaults. */
    public static final int DEFAULT_TIMEOUT = 60_000;
    public static final int REDIS_CLI_PIPELINE = 10;
    public static final float DEFAULT_THRESHOLD = 2;
    /**
     * Our default keys per MIGRATE: redis-cli moves 10 keys per round trip, which makes resharding
     * millions of keys take minutes; 1000 keys per command is still small enough for the timeout.
     */
    public static final int DEFAULT_PIPELINE = 1000;

    /** AUTH for every node ({@code -a}, {@code --user}), bytes as given. */
    public record Credentials(byte[] user, byte[] password) {
        public static final Credentials NONE = new Credentials(null, null);
    }

    public Credentials credentials = Credentials.NONE;
    public int replicas;
    public String from;
    public String to;
    public String masterId;
    public List<String> weights = new ArrayList<>();
    public int slots;
    public int timeout = DEFAULT_TIMEOUT;
    /** Keys per MIGRATE ({@code --cluster-pipeline}). */
    public int pipeline = DEFAULT_PIPELINE;
    public float threshold = DEFAULT_THRESHOLD;
    public boolean yes;
    public boolean simulate;
    public boolean replace;
    public boolean copy;
    public boolean slave;
    public boolean useEmptyMasters;
    public boolean searchMultipleOwners;
    public boolean fixWithUnreachableMasters;
    public boolean onlyMasters;
    public boolean onlyReplicas;
    public String fromUser;
    public String fromPass;
    public boolean fromAskpass;
    public boolean verbose;
    /** {@code fix}: print what would be done and change nothing. */
    public boolean dryRun;
    /** How many slots may move at the same time (one per source node at most). */
    public int parallel = 4;
    /** Set by {@code fix}: moves may assign unserved slots, as redis-cli's fix does. */
    boolean fix;
}
