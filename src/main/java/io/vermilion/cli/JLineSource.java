package io.vermilion.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.Highlighter;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.InfoCmp;

/**
 * Terminal line editing with JLine: history (saved after every line, like redis-cli), tab
 * completion of command and subcommand names, and redis-cli's grey hints showing the arguments
 * still to type.
 *
 * <p>The hint is drawn by a highlighter that appends it after the buffer: JLine positions the
 * cursor from the raw buffer, so the hint sits after the cursor like linenoise's. It is left out of
 * the final redraw when the line is accepted, so it never stays in the scrollback.
 */
public final class JLineSource implements Repl.LineSource {
    private final Terminal terminal;
    private final LineReader reader;
    private final CliHistory history;
    private HintHighlighter highlighter;

    /**
     * @param historyFile where to keep history, or null for memory only
     * @param help the command table (loaded lazily by the caller; used for hints and completion)
     * @param cfg for the {@code :set hints} preference
     */
    public JLineSource(Terminal terminal, Path historyFile, Supplier<HelpTable> help, CliConfig cfg) {
        this.terminal = terminal;
        this.history = new CliHistory();
        DefaultParser parser = new DefaultParser();
        parser.setEofOnUnclosedQuote(false);
        parser.setEofOnEscapedNewLine(false);
        LineReaderBuilder b = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("vermilion-cli")
                .parser(parser)
                .history(history)
                .completer(new CommandCompleter(help))
                .highlighter(highlighter = new HintHighlighter(help, cfg, terminal))
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // '!' is data, not history expansion
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .option(LineReader.Option.AUTO_FRESH_LINE, false)
                .option(LineReader.Option.INSERT_TAB, false)
                .option(LineReader.Option.HISTORY_TIMESTAMPED, false) // plain lines, like redis-cli's file
                .variable(LineReader.HISTORY_FILE_SIZE, 10_000)
                .variable(LineReader.HISTORY_SIZE, 10_000);
        if (historyFile != null) b.variable(LineReader.HISTORY_FILE, historyFile);
        this.reader = b.build();
    }

    /** The system terminal (stdin and stdout must be a terminal). */
    public static Terminal systemTerminal() throws IOException {
        return TerminalBuilder.builder().system(true).nativeSignals(true).build();
    }

    @Override
    public byte[] readLine(String prompt) {
        try {
            highlighter.prompt = prompt;
            String line = reader.readLine(prompt);
            return line.getBytes(StandardCharsets.UTF_8);
        } catch (UserInterruptException | EndOfFileException e) {
            return null; // Ctrl-C or Ctrl-D at the prompt quits, as in redis-cli
        }
    }

    @Override
    public void addHistory(byte[] line) {
        history.record(new String(line, StandardCharsets.UTF_8));
    }

    @Override
    public void clearScreen() {
        terminal.puts(InfoCmp.Capability.clear_screen);
        terminal.flush();
    }

    @Override
    public void close() {
        try {
            history.save();
        } catch (IOException e) {
            // losing the last history lines is not worth an error message on exit
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // exiting anyway
        }
    }

    /**
     * History that only takes lines we hand it: JLine would add every accepted line itself, but
     * lines with passwords (AUTH ...) must stay out of the history file.
     */
    static final class CliHistory extends DefaultHistory {
        private boolean recording;

        @Override
        public void add(Instant time, String line) {
            if (recording) super.add(time, line);
        }

        void record(String line) {
            recording = true;
            try {
                super.add(Instant.now(), line);
            } finally {
                recording = false;
            }
        }
    }

    /**
     * Completes the first word with command names, the second with subcommands or help topics. Like
     * redis-cli, completion inserts the upper-case name and no trailing space.
     */
    static final class CommandCompleter implements Completer {
        private final Supplier<HelpTable> help;

        CommandCompleter(Supplier<HelpTable> help) {
            this.help = help;
        }

        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            HelpTable t = help.get();
            if (line.wordIndex() == 0) {
                for (String n : t.commandNames()) candidates.add(new Candidate(n, n, null, null, null, null, false));
            } else if (line.wordIndex() == 1) {
                String first = line.words().get(0);
                if (first.equalsIgnoreCase("help")) {
                    for (String n : t.commandNames()) candidates.add(new Candidate(n, n, null, null, null, null, false));
                    for (String g : t.groupNames()) candidates.add(new Candidate(g, g, null, null, null, null, false));
                } else {
                    for (String n : t.subcommandNames(first)) candidates.add(new Candidate(n, n, null, null, null, null, false));
                }
            }
        }
    }

    /** Draws the buffer as typed plus the grey argument hint. */
    static final class HintHighlighter implements Highlighter {
        private static final AttributedStyle GREY = AttributedStyle.DEFAULT.foreground(AttributedStyle.BRIGHT | AttributedStyle.BLACK);
        private final Supplier<HelpTable> help;
        private final CliConfig cfg;
        private final Terminal terminal;
        volatile String prompt = "";

        HintHighlighter(Supplier<HelpTable> help, CliConfig cfg, Terminal terminal) {
            this.help = help;
            this.cfg = cfg;
            this.terminal = terminal;
        }

        @Override
        public AttributedString highlight(LineReader reader, String buffer) {
            if (!cfg.hints || !reader.isReading()) return new AttributedString(buffer);
            String hint = help.get().hint(buffer);
            if (hint == null || hint.isEmpty()) return new AttributedString(buffer);
            // As linenoise: the hint only uses what is left of the line, it never wraps.
            int room = terminal.getWidth() - prompt.length() - buffer.length() - 1;
            if (terminal.getWidth() > 0) {
                if (room <= 0) return new AttributedString(buffer);
                if (hint.length() > room) hint = hint.substring(0, room);
            }
            AttributedStringBuilder sb = new AttributedStringBuilder();
            sb.append(buffer);
            sb.styled(GREY, hint);
            return sb.toAttributedString();
        }

        @Override
        public void setErrorPattern(java.util.regex.Pattern errorPattern) {}

        @Override
        public void setErrorIndex(int errorIndex) {}
    }
}
