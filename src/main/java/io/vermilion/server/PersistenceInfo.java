package io.vermilion.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers of INFO's "persistence" section, published by the persistence module (RDB saves,
 * AOF) and read by INFO. Every getter has the value Redis reports when nothing has happened, so
 * {@link #NONE} serves a node without persistence.
 *
 * <p>{@link #fields()} gives the section's lines in Redis 7.0's order, ready to print.
 * Read on the command thread.
 */
public interface PersistenceInfo {
    PersistenceInfo NONE = new PersistenceInfo() {};

    default boolean loading() { return false; }
    /** While loading: unix seconds the load started, bytes total and done, keys so far. */
    default long loadingStartTime() { return 0; }
    default long loadingTotalBytes() { return 0; }
    default long loadingLoadedBytes() { return 0; }
    default long loadingLoadedKeys() { return 0; }
    /** The used-mem aux field of the RDB being loaded: Redis's estimate when the size is unknown. */
    default long loadingRdbUsedMem() { return 0; }

    default long currentSaveKeysProcessed() { return 0; }
    default long currentSaveKeysTotal() { return 0; }
    /** Memory kept aside by a running snapshot, the fork-less analogue of copy-on-write. */
    default long currentCowSize() { return 0; }

    default long rdbChangesSinceLastSave() { return 0; }
    default boolean rdbBgsaveInProgress() { return false; }
    default long rdbLastSaveTime() { return System.currentTimeMillis() / 1000; }
    default boolean rdbLastBgsaveOk() { return true; }
    default long rdbLastBgsaveTimeSec() { return -1; }
    default long rdbCurrentBgsaveTimeSec() { return -1; }
    default long rdbSaves() { return 0; }
    default long rdbLastLoadKeysExpired() { return 0; }
    default long rdbLastLoadKeysLoaded() { return 0; }

    default boolean aofEnabled() { return false; }
    default boolean aofRewriteInProgress() { return false; }
    default boolean aofRewriteScheduled() { return false; }
    default long aofLastRewriteTimeSec() { return -1; }
    default long aofCurrentRewriteTimeSec() { return -1; }
    default boolean aofLastBgrewriteOk() { return true; }
    default long aofRewrites() { return 0; }
    default long aofRewritesConsecutiveFailures() { return 0; }
    default boolean aofLastWriteOk() { return true; }
    // Only printed while AOF is on:
    default long aofCurrentSize() { return 0; }
    default long aofBaseSize() { return 0; }
    default boolean aofPendingRewrite() { return false; }
    default long aofBufferLength() { return 0; }
    default long aofPendingBioFsync() { return 0; }
    default long aofDelayedFsync() { return 0; }

    /** The "# Persistence" lines, name to value, in Redis 7.0's order. */
    default Map<String, String> fields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("loading", loading() ? "1" : "0");
        m.put("async_loading", "0");
        m.put("current_cow_peak", "0");
        m.put("current_cow_size", Long.toString(currentCowSize()));
        m.put("current_cow_size_age", "0");
        m.put("current_fork_perc", "0.00");
        m.put("current_save_keys_processed", Long.toString(currentSaveKeysProcessed()));
        m.put("current_save_keys_total", Long.toString(currentSaveKeysTotal()));
        m.put("rdb_changes_since_last_save", Long.toString(rdbChangesSinceLastSave()));
        m.put("rdb_bgsave_in_progress", rdbBgsaveInProgress() ? "1" : "0");
        m.put("rdb_last_save_time", Long.toString(rdbLastSaveTime()));
        m.put("rdb_last_bgsave_status", rdbLastBgsaveOk() ? "ok" : "err");
        m.put("rdb_last_bgsave_time_sec", Long.toString(rdbLastBgsaveTimeSec()));
        m.put("rdb_current_bgsave_time_sec", Long.toString(rdbCurrentBgsaveTimeSec()));
        m.put("rdb_saves", Long.toString(rdbSaves()));
        m.put("rdb_last_cow_size", "0");
        m.put("rdb_last_load_keys_expired", Long.toString(rdbLastLoadKeysExpired()));
        m.put("rdb_last_load_keys_loaded", Long.toString(rdbLastLoadKeysLoaded()));
        m.put("aof_enabled", aofEnabled() ? "1" : "0");
        m.put("aof_rewrite_in_progress", aofRewriteInProgress() ? "1" : "0");
        m.put("aof_rewrite_scheduled", aofRewriteScheduled() ? "1" : "0");
        m.put("aof_last_rewrite_time_sec", Long.toString(aofLastRewriteTimeSec()));
        m.put("aof_current_rewrite_time_sec", Long.toString(aofCurrentRewriteTimeSec()));
        m.put("aof_last_bgrewrite_status", aofLastBgrewriteOk() ? "ok" : "err");
        m.put("aof_rewrites", Long.toString(aofRewrites()));
        m.put("aof_rewrites_consecutive_failures", Long.toString(aofRewritesConsecutiveFailures()));
        m.put("aof_last_write_status", aofLastWriteOk() ? "ok" : "err");
        m.put("aof_last_cow_size", "0");
        m.put("module_fork_in_progress", "0");
        m.put("module_fork_last_cow_size", "0");
        if (aofEnabled()) {
            m.put("aof_current_size", Long.toString(aofCurrentSize()));
            m.put("aof_base_size", Long.toString(aofBaseSize()));
            m.put("aof_pending_rewrite", aofPendingRewrite() ? "1" : "0");
            m.put("aof_buffer_length", Long.toString(aofBufferLength()));
            m.put("aof_pending_bio_fsync", Long.toString(aofPendingBioFsync()));
            m.put("aof_delayed_fsync", Long.toString(aofDelayedFsync()));
        }
        if (loading()) {
            // After everything else, with Redis 7.0's percentage and ETA arithmetic.
            long total = loadingTotalBytes(), done = loadingLoadedBytes(), usedMem = loadingRdbUsedMem();
            double perc = 0;
            long remaining = 1;
            if (total != 0) {
                perc = done * 100.0 / total;
                remaining = total - done;
            } else if (usedMem != 0) {
                perc = Math.min(99.99, done * 100.0 / usedMem);
                remaining = Math.max(1, usedMem - done);
            }
            long elapsed = System.currentTimeMillis() / 1000 - loadingStartTime();
            long eta = elapsed == 0 ? 1 : elapsed * remaining / (done + 1);
            m.put("loading_start_time", Long.toString(loadingStartTime()));
            m.put("loading_total_bytes", Long.toString(total));
            m.put("loading_rdb_used_mem", Long.toString(usedMem));
            m.put("loading_loaded_bytes", Long.toString(done));
            m.put("loading_loaded_perc", String.format(java.util.Locale.ROOT, "%.2f", perc));
            m.put("loading_eta_seconds", Long.toString(eta));
        }
        return m;
    }
}
