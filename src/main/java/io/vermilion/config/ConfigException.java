package io.vermilion.config;

/**
 * A configuration error, with Redis's text for it in {@link #getMessage()}. What the server does
 * with it depends on {@link #kind()}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /**
         * A bad directive or value while loading. The message is the complete multi-line text
         * redis-server writes to stderr (starting with a newline, without the final one); print
         * it followed by a newline, then exit with status 1.
         */
        FATAL,
        /**
         * A config file (the main one or an include) cannot be opened, or module configs were
         * given without modules. Redis writes the message as a warning log line (to stdout when
         * no logfile is set), e.g. {@code 123:C 24 Nov 2026 22:10:06.798 # Fatal error, can't open
         * config file '/x.conf': No such file or directory}, then exits with status 1.
         */
        LOG,
        /** CONFIG SET refused; reply with an error whose text is the message (add the '-'). */
        REPLY
    }

    private final Kind kind;

    public ConfigException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
