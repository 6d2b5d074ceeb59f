package io.vermilion.it.support;

/** Comparing what redis-cli and vermilion-cli print. */
public final class CliOutput {
    private CliOutput() {}

    /**
     * Without the "(0.93s)" lines both CLIs print after a command that took half a second or more
     * in their read-eval loop: on a loaded machine either may print one, for any command.
     */
    public static String withoutTimings(String out) {
        return out.replaceAll("(?m)^\\(\\d+\\.\\d{2}s\\)(\\r?\\n|$)", "");
    }
}
