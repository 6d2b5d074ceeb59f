package io.vermilion.cli;

/** How replies are printed, as redis-cli's output modes. */
public enum OutputMode {
    /** Human-readable, the default when stdout is a terminal ({@code --no-raw} forces it). */
    STANDARD,
    /** Values as they are, the default when stdout is not a terminal ({@code --raw} forces it). */
    RAW,
    /** Comma separated values ({@code --csv}). */
    CSV
}
