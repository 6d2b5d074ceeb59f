package io.vermilion.config;

import java.util.List;

/**
 * One configuration directive: its names, flags, current value and how it parses, prints and
 * rewrites itself. Instances belong to one {@link Config}. Values are volatile so that readers on
 * any thread see a CONFIG SET without locking; writers hold the Config's lock.
 */
abstract class Directive {
    /** CONFIG SET refuses it: only a config file or the command line may set it. */
    static final int IMMUTABLE = 1;
    /** Its value is a secret (hidden from slowlog/monitor by the server). */
    static final int SENSITIVE = 1 << 1;
    /** Listed by DEBUG CONFIG-style dumps in Redis; kept for completeness. */
    static final int DEBUG = 1 << 2;
    /** Takes several arguments (save, bind, ...). */
    static final int MULTI_ARG = 1 << 3;
    /** Not matched by CONFIG GET patterns, only by its exact name. */
    static final int HIDDEN = 1 << 4;
    /** CONFIG SET allowed only if enable-protected-configs permits it. */
    static final int PROTECTED = 1 << 5;
    /** CONFIG SET refused while the dataset is loading. */
    static final int DENY_LOADING = 1 << 6;
    /** CONFIG SET applies it even when the value is unchanged (Redis's VOLATILE_CONFIG: certificate files are reloaded). */
    static final int VOLATILE = 1 << 7;

    /** A rejected value; the message is Redis's text for it. */
    static final class InvalidValue extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidValue(String message) {
            super(message, null, false, false);
        }
    }

    final String name;
    final String alias;
    final int flags;

    Directive(String name, String alias, int flags) {
        this.name = name;
        this.alias = alias;
        this.flags = flags;
    }

    final boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /**
     * Sets the value from its arguments (already split). Returns whether the value changed,
     * which decides whether runtime listeners run.
     */
    abstract boolean set(Config cfg, List<String> args) throws InvalidValue;

    /** The value as CONFIG GET prints it. */
    abstract String get(Config cfg);

    /** Contributes this directive's lines to a CONFIG REWRITE. */
    abstract void rewrite(Config cfg, Rewriter rw);

    /** An opaque copy of the current value, for undoing a failed multi-directive CONFIG SET. */
    abstract Object snapshot(Config cfg);

    abstract void restore(Config cfg, Object snapshot);

    /** Numeric view of the value for typed getters; directives that have none refuse. */
    long asLong(Config cfg) {
        String v = get(cfg);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("config '" + name + "' is not numeric: '" + v + "'");
        }
    }

    static boolean equalsAscii(String a, String b) {
        return a.equalsIgnoreCase(b) && a.length() == b.length();
    }

    // ---------------------------------------------------------------- yes/no

    static final class Bool extends Directive {
        final boolean def;
        volatile boolean value;

        Bool(String name, String alias, int flags, boolean def) {
            super(name, alias, flags);
            this.def = def;
            this.value = def;
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            String a = args.get(0);
            boolean v;
            if (equalsAscii(a, "yes")) v = true;
            else if (equalsAscii(a, "no")) v = false;
            else throw new InvalidValue("argument must be 'yes' or 'no'");
            boolean changed = v != value;
            value = v;
            return changed;
        }

        @Override String get(Config cfg) { return value ? "yes" : "no"; }

        @Override long asLong(Config cfg) { return value ? 1 : 0; }

        @Override void rewrite(Config cfg, Rewriter rw) {
            rw.line(name, name + " " + (value ? "yes" : "no"), value != def);
        }

        @Override Object snapshot(Config cfg) { return value; }

        @Override void restore(Config cfg, Object s) { value = (Boolean) s; }
    }

    // ---------------------------------------------------------------- strings

    /** Validates a candidate value; returns Redis's error text or null when acceptable. */
    interface Check {
        String check(Config cfg, String value);
    }

    static final class Str extends Directive {
        final String def;          // null: no default, absent from a rewritten file
        final boolean emptyIsNull; // "" means "unset" (Redis stores NULL)
        final Check check;
        volatile String value;

        Str(String name, String alias, int flags, boolean emptyIsNull, String def, Check check) {
            super(name, alias, flags);
            this.def = def;
            this.emptyIsNull = emptyIsNull;
            this.check = check;
            this.value = def;
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            String a = args.get(0);
            if (check != null) {
                String err = check.check(cfg, a);
                if (err != null) throw new InvalidValue(err);
            }
            String v = emptyIsNull && a.isEmpty() ? null : a;
            boolean changed = has(VOLATILE) || !java.util.Objects.equals(v, value);
            value = v;
            return changed;
        }

        @Override String get(Config cfg) { return value == null ? "" : value; }

        @Override void rewrite(Config cfg, Rewriter rw) { rw.string(name, value, def); }

        @Override Object snapshot(Config cfg) { return new Object[] {value}; }

        @Override void restore(Config cfg, Object s) { value = (String) ((Object[]) s)[0]; }
    }

    // ---------------------------------------------------------------- enums

    static final class Enum extends Directive {
        final String[] names;
        final int[] values;
        final int def;
        final Check check; // receives the combined value as a decimal string
        volatile int value;

        Enum(String name, String alias, int flags, String[] names, int[] values, int def, Check check) {
            super(name, alias, flags);
            this.names = names;
            this.values = values;
            this.def = def;
            this.check = check;
            this.value = def;
        }

        private boolean bitflags() { return has(MULTI_ARG); }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            Integer parsed = parse(args);
            if (parsed == null) {
                String msg = "argument(s) must be one of the following: " + String.join(", ", names);
                // Redis formats this into a 256-byte buffer.
                if (msg.length() > 255) msg = msg.substring(0, 255);
                throw new InvalidValue(msg);
            }
            if (check != null) {
                String err = check.check(cfg, Integer.toString(parsed));
                if (err != null) throw new InvalidValue(err);
            }
            boolean changed = parsed != value;
            value = parsed;
            return changed;
        }

        private Integer parse(List<String> args) {
            if (args.isEmpty() || (!bitflags() && args.size() != 1)) return null;
            int combined = 0;
            for (String a : args) {
                boolean found = false;
                for (int k = 0; k < names.length; k++) {
                    if (equalsAscii(a, names[k])) {
                        combined |= values[k];
                        found = true;
                    }
                }
                if (!found) return null;
            }
            return combined;
        }

        /** The name(s) for a value: the first exact match, else (bitflags) the set bits' names. */
        String nameOf(int v) {
            for (int k = 0; k < names.length; k++) {
                if (values[k] == v) return names[k];
            }
            if (bitflags()) {
                StringBuilder sb = new StringBuilder();
                int left = v;
                for (int k = 0; k < names.length; k++) {
                    if (values[k] != 0 && (left & values[k]) == values[k]) {
                        if (sb.length() > 0) sb.append(' ');
                        sb.append(names[k]);
                        left &= ~values[k];
                    }
                }
                if (sb.length() > 0 && left == 0) return sb.toString();
            }
            return "unknown";
        }

        @Override String get(Config cfg) { return nameOf(value); }

        @Override void rewrite(Config cfg, Rewriter rw) {
            rw.line(name, name + " " + nameOf(value), value != def);
        }

        @Override Object snapshot(Config cfg) { return value; }

        @Override void restore(Config cfg, Object s) { value = (Integer) s; }
    }

    // ---------------------------------------------------------------- numbers

    /** Accepts memory units (1k, 5mb, ...). */
    static final int MEMORY = 1;
    /** Accepts "N%" too, stored as -N. */
    static final int PERCENT = 2;
    /** Written and read in octal. */
    static final int OCTAL = 4;

    static final class Num extends Directive {
        final long lower;
        final long upper;
        final boolean unsigned; // bounds compare as unsigned 64-bit numbers
        final int numFlags;
        final long def;
        final long clampLow;    // values outside [clampLow, clampHigh] are accepted and clamped
        final long clampHigh;
        volatile long value;

        Num(String name, String alias, int flags, long lower, long upper, boolean unsigned, int numFlags, long def) {
            this(name, alias, flags, lower, upper, unsigned, numFlags, def, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        Num(String name, String alias, int flags, long lower, long upper, boolean unsigned, int numFlags, long def,
                long clampLow, long clampHigh) {
            super(name, alias, flags);
            this.lower = lower;
            this.upper = upper;
            this.unsigned = unsigned;
            this.numFlags = numFlags;
            this.def = def;
            this.clampLow = clampLow;
            this.clampHigh = clampHigh;
            this.value = def;
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            long v = parse(args.get(0));
            checkBounds(v);
            v = Math.max(clampLow, Math.min(clampHigh, v));
            boolean changed = v != value;
            value = v;
            return changed;
        }

        private long parse(String s) throws InvalidValue {
            if ((numFlags & MEMORY) != 0) {
                Long m = Numbers.memory(s);
                if (m != null) return m;
            }
            if ((numFlags & PERCENT) != 0 && s.length() > 1 && s.endsWith("%")) {
                Long p = Numbers.strictLong(s.substring(0, s.length() - 1));
                if (p != null && p >= 0) return -p;
            }
            if ((numFlags & OCTAL) != 0) {
                Long o = Numbers.octal(s);
                if (o != null) return o;
            }
            if (numFlags == 0) {
                Long n = Numbers.strictLong(s);
                if (n != null) return n;
            }
            if ((numFlags & MEMORY) != 0 && (numFlags & PERCENT) != 0) {
                throw new InvalidValue("argument must be a memory or percent value");
            } else if ((numFlags & MEMORY) != 0) {
                throw new InvalidValue("argument must be a memory value");
            } else if ((numFlags & OCTAL) != 0) {
                throw new InvalidValue("argument couldn't be parsed as an octal number");
            }
            throw new InvalidValue("argument couldn't be parsed into an integer");
        }

        private void checkBounds(long v) throws InvalidValue {
            if (unsigned) {
                if (Long.compareUnsigned(v, upper) > 0 || Long.compareUnsigned(v, lower) < 0) {
                    if ((numFlags & OCTAL) != 0) {
                        throw new InvalidValue("argument must be between " + Long.toOctalString(lower) + " and "
                                + Long.toOctalString(upper) + " inclusive");
                    }
                    throw new InvalidValue("argument must be between " + Long.toUnsignedString(lower) + " and "
                            + Long.toUnsignedString(upper) + " inclusive");
                }
            } else if ((numFlags & PERCENT) != 0 && v < 0) {
                if (v < lower) throw new InvalidValue("percentage argument must be less or equal to " + -lower);
            } else if (v > upper || v < lower) {
                throw new InvalidValue("argument must be between " + lower + " and " + upper + " inclusive");
            }
        }

        @Override String get(Config cfg) {
            long v = value;
            if ((numFlags & PERCENT) != 0 && v < 0) return -v + "%";
            if ((numFlags & MEMORY) != 0) return Long.toUnsignedString(v);
            if ((numFlags & OCTAL) != 0) return Long.toOctalString(v);
            return Long.toString(v);
        }

        @Override long asLong(Config cfg) { return value; }

        @Override void rewrite(Config cfg, Rewriter rw) {
            long v = value;
            boolean force = v != def;
            if ((numFlags & PERCENT) != 0 && v < 0) {
                rw.line(name, name + " " + -v + "%", force);
            } else if ((numFlags & MEMORY) != 0) {
                rw.line(name, name + " " + Rewriter.formatMemory(v), force);
            } else if ((numFlags & OCTAL) != 0) {
                rw.line(name, name + " " + Long.toOctalString(v), force);
            } else {
                rw.line(name, name + " " + v, force);
            }
        }

        @Override Object snapshot(Config cfg) { return value; }

        @Override void restore(Config cfg, Object s) { value = (Long) s; }
    }
}
