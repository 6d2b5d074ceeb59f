package io.vermilion.cli;

/** Settings from the command line that are not about where to connect (see {@link ConnInfo}). */
public final class CliConfig {
    public OutputMode output = OutputMode.STANDARD;
    /** {@code -r}: how many times to run the command; negative means forever. */
    public long repeat = 1;
    /** {@code -i}: pause after each repetition, in microseconds. */
    public long intervalMicros;
    /** {@code -x}: read the last argument from stdin. */
    public boolean stdinLastArg;
    /** {@code -e}: exit with 1 (message on stderr) when the server answers an error. */
    public boolean exitOnError;
    /** {@code -3}. */
    public boolean resp3;
    /** {@code -2}. */
    public boolean resp2;
    /** {@code --quoted-input}: command-line arguments are quoted strings to unquote. */
    public boolean quotedInput;
    /** Print RESP3 pushes that arrive between replies (default: only on a terminal). */
    public boolean pushOutput;
    /** {@code -c}: follow MOVED/ASK redirections. */
    public boolean clusterMode;
    public boolean noAuthWarning;
    public boolean askpass;
    public boolean verbose;
    /** {@code -d}: raw-mode delimiter between elements of an aggregate. */
    public byte[] bulkDelimiter = {'\n'};
    /** {@code -D}: raw-mode delimiter after each reply. */
    public byte[] replyDelimiter = {'\n'};
    /** Whether the REPL shows argument hints ({@code :set hints} / {@code :set nohints}). */
    public boolean hints = true;
}
