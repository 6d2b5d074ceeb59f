package io.vermilion.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Directives whose value is not a single scalar, or whose semantics are their own. */
final class Specials {
    private Specials() {}

    /**
     * {@code dir}: the working directory. Redis chdir()s, which also makes later relative
     * includes and file names relative to it; a Java process cannot, so Config keeps a virtual
     * working directory that every relative path resolves against.
     */
    static final class Dir extends Directive {
        Dir() {
            super("dir", null, PROTECTED | DENY_LOADING);
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            if (args.size() != 1) throw new InvalidValue("wrong number of arguments");
            String a = args.get(0);
            if (a.isEmpty()) throw new InvalidValue("No such file or directory");
            Path real;
            try {
                real = cfg.cwd.resolve(a).toRealPath();
            } catch (InvalidPathException e) {
                throw new InvalidValue("No such file or directory");
            } catch (IOException e) {
                throw new InvalidValue(Config.strerror(e));
            }
            if (!Files.isDirectory(real)) throw new InvalidValue("Not a directory");
            if (!Files.isExecutable(real)) throw new InvalidValue("Permission denied");
            cfg.cwd = real;
            return true;
        }

        @Override String get(Config cfg) { return cfg.cwd.toString(); }

        @Override void rewrite(Config cfg, Rewriter rw) { rw.string(name, cfg.cwd.toString(), null); }

        @Override Object snapshot(Config cfg) { return cfg.cwd; }

        @Override void restore(Config cfg, Object s) { cfg.cwd = (Path) s; }
    }

    /**
     * {@code save}: RDB snapshot points as (seconds, changes) pairs. While a config file is
     * read, the first save line replaces the defaults and later ones add points, as in 7.0.
     */
    static final class Save extends Directive {
        static final long[] DEFAULT = {3600, 1, 300, 100, 60, 10000};
        volatile long[] points = DEFAULT.clone();

        Save() {
            super("save", null, MULTI_ARG);
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            boolean reset = args.size() == 1 && args.get(0).isEmpty();
            List<String> a = reset ? List.of() : args;
            if (a.size() % 2 != 0) throw new InvalidValue("Invalid save parameters");
            long[] parsed = new long[a.size()];
            for (int j = 0; j < a.size(); j++) {
                Long v = Numbers.lenientLong(a.get(j));
                if (v == null || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
                    throw new InvalidValue("Invalid save parameters");
                }
                // Changes are kept in a C int.
                parsed[j] = j % 2 == 0 ? v : (int) (long) v;
            }
            long[] base;
            if (reset || !cfg.readingFile) {
                base = new long[0];
            } else if (!cfg.saveLoaded) {
                // The first save line of a config replaces the built-in defaults.
                cfg.saveLoaded = true;
                base = new long[0];
            } else {
                base = points;
            }
            long[] next = new long[base.length + parsed.length];
            System.arraycopy(base, 0, next, 0, base.length);
            System.arraycopy(parsed, 0, next, base.length, parsed.length);
            points = next;
            return true;
        }

        @Override String get(Config cfg) {
            long[] p = points;
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < p.length; j++) {
                if (j > 0) sb.append(' ');
                sb.append(p[j]);
            }
            return sb.toString();
        }

        @Override void rewrite(Config cfg, Rewriter rw) {
            long[] p = points;
            if (p.length == 0) {
                rw.line(name, "save \"\"", true);
            } else {
                for (int j = 0; j < p.length; j += 2) rw.line(name, "save " + p[j] + " " + p[j + 1], true);
            }
            rw.mark(name);
        }

        @Override Object snapshot(Config cfg) { return points; }

        @Override void restore(Config cfg, Object s) { points = (long[]) s; }
    }

    /** {@code client-output-buffer-limit}: hard/soft limits per client class. */
    static final class ClientOutputBufferLimit extends Directive {
        static final String[] CLASSES = {"normal", "slave", "pubsub"};
        static final long[][] DEFAULT = {{0, 0, 0}, {256L << 20, 64L << 20, 60}, {32L << 20, 8L << 20, 60}};
        volatile long[][] limits = copy(DEFAULT);

        ClientOutputBufferLimit() {
            super("client-output-buffer-limit", null, MULTI_ARG);
        }

        private static long[][] copy(long[][] a) {
            long[][] c = new long[a.length][];
            for (int i = 0; i < a.length; i++) c[i] = a[i].clone();
            return c;
        }

        private static int classOf(String s) {
            if (equalsAscii(s, "normal")) return 0;
            if (equalsAscii(s, "slave") || equalsAscii(s, "replica")) return 1;
            if (equalsAscii(s, "pubsub")) return 2;
            return -1; // "master" is a class too, but has no output buffer limit
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            if (args.size() % 4 != 0) {
                throw new InvalidValue("Wrong number of arguments in buffer limit configuration.");
            }
            long[][] next = copy(limits);
            for (int j = 0; j < args.size(); j += 4) {
                int cls = classOf(args.get(j));
                if (cls < 0) throw new InvalidValue("Invalid client class specified in buffer limit configuration.");
                Long hard = Numbers.memory(args.get(j + 1));
                Long soft = Numbers.memory(args.get(j + 2));
                Long secs = Numbers.lenientLong(args.get(j + 3));
                if (hard == null || soft == null || secs == null || (int) (long) secs < 0) {
                    throw new InvalidValue("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
                }
                next[cls] = new long[] {hard, soft, (int) (long) secs};
            }
            limits = next;
            return true;
        }

        @Override String get(Config cfg) {
            long[][] l = limits;
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < l.length; c++) {
                if (c > 0) sb.append(' ');
                sb.append(CLASSES[c]).append(' ').append(Long.toUnsignedString(l[c][0])).append(' ')
                        .append(Long.toUnsignedString(l[c][1])).append(' ').append(l[c][2]);
            }
            return sb.toString();
        }

        @Override void rewrite(Config cfg, Rewriter rw) {
            long[][] l = limits;
            for (int c = 0; c < l.length; c++) {
                boolean force = l[c][0] != DEFAULT[c][0] || l[c][1] != DEFAULT[c][1] || l[c][2] != DEFAULT[c][2];
                String cls = c == 1 ? "replica" : CLASSES[c];
                rw.line(name, name + " " + cls + " " + Rewriter.formatMemory(l[c][0]) + " "
                        + Rewriter.formatMemory(l[c][1]) + " " + l[c][2], force);
            }
        }

        @Override Object snapshot(Config cfg) { return limits; }

        @Override void restore(Config cfg, Object s) { limits = (long[][]) s; }
    }

    /** {@code oom-score-adj-values}: three OOM score adjustments (master, replica, bgchild). */
    static final class OomScoreAdjValues extends Directive {
        static final int[] DEFAULT = {0, 200, 800};
        volatile int[] values = DEFAULT.clone();

        OomScoreAdjValues() {
            super("oom-score-adj-values", null, MULTI_ARG);
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            if (args.size() != 3) throw new InvalidValue("wrong number of arguments");
            int[] next = new int[3];
            for (int i = 0; i < 3; i++) {
                Long v = Numbers.lenientLong(args.get(i));
                if (v == null || v < -2000 || v > 2000) {
                    throw new InvalidValue("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
                }
                next[i] = (int) (long) v;
            }
            boolean changed = !java.util.Arrays.equals(next, values);
            values = next;
            return changed;
        }

        @Override String get(Config cfg) {
            int[] v = values;
            return v[0] + " " + v[1] + " " + v[2];
        }

        @Override void rewrite(Config cfg, Rewriter rw) {
            rw.line(name, name + " " + get(cfg), !java.util.Arrays.equals(values, DEFAULT));
        }

        @Override Object snapshot(Config cfg) { return values; }

        @Override void restore(Config cfg, Object s) { values = (int[]) s; }
    }

    /** {@code notify-keyspace-events}: keyspace notification classes as flag letters. */
    static final class NotifyKeyspaceEvents extends Directive {
        static final int KEYSPACE = 1, KEYEVENT = 1 << 1, GENERIC = 1 << 2, STRING = 1 << 3, LIST = 1 << 4,
                SET = 1 << 5, HASH = 1 << 6, ZSET = 1 << 7, EXPIRED = 1 << 8, EVICTED = 1 << 9, STREAM = 1 << 10,
                KEY_MISS = 1 << 11, MODULE = 1 << 13, NEW = 1 << 14;
        /** 'A': every class except key-miss and new. */
        static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
        volatile int flags;

        NotifyKeyspaceEvents() {
            super("notify-keyspace-events", null, 0);
        }

        static int parse(String classes) {
            int f = 0;
            for (int i = 0; i < classes.length(); i++) {
                switch (classes.charAt(i)) {
                    case 'A' -> f |= ALL;
                    case 'g' -> f |= GENERIC;
                    case '$' -> f |= STRING;
                    case 'l' -> f |= LIST;
                    case 's' -> f |= SET;
                    case 'h' -> f |= HASH;
                    case 'z' -> f |= ZSET;
                    case 'x' -> f |= EXPIRED;
                    case 'e' -> f |= EVICTED;
                    case 'K' -> f |= KEYSPACE;
                    case 'E' -> f |= KEYEVENT;
                    case 't' -> f |= STREAM;
                    case 'm' -> f |= KEY_MISS;
                    case 'd' -> f |= MODULE;
                    case 'n' -> f |= NEW;
                    default -> { return -1; }
                }
            }
            return f;
        }

        static String format(int f) {
            StringBuilder sb = new StringBuilder();
            if ((f & ALL) == ALL) {
                sb.append('A');
            } else {
                if ((f & GENERIC) != 0) sb.append('g');
                if ((f & STRING) != 0) sb.append('$');
                if ((f & LIST) != 0) sb.append('l');
                if ((f & SET) != 0) sb.append('s');
                if ((f & HASH) != 0) sb.append('h');
                if ((f & ZSET) != 0) sb.append('z');
                if ((f & EXPIRED) != 0) sb.append('x');
                if ((f & EVICTED) != 0) sb.append('e');
                if ((f & STREAM) != 0) sb.append('t');
                if ((f & MODULE) != 0) sb.append('d');
                if ((f & NEW) != 0) sb.append('n');
            }
            if ((f & KEYSPACE) != 0) sb.append('K');
            if ((f & KEYEVENT) != 0) sb.append('E');
            if ((f & KEY_MISS) != 0) sb.append('m');
            return sb.toString();
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            if (args.size() != 1) throw new InvalidValue("wrong number of arguments");
            int f = parse(args.get(0));
            if (f == -1) throw new InvalidValue("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
            flags = f;
            return true;
        }

        @Override String get(Config cfg) { return format(flags); }

        @Override long asLong(Config cfg) { return flags; }

        @Override void rewrite(Config cfg, Rewriter rw) {
            rw.line(name, name + " " + ArgSplitter.repr(format(flags)), flags != 0);
        }

        @Override Object snapshot(Config cfg) { return flags; }

        @Override void restore(Config cfg, Object s) { flags = (Integer) s; }
    }

    /** {@code bind}: up to 16 listen addresses; "" means none. */
    static final class Bind extends Directive {
        static final List<String> DEFAULT = List.of("*", "-::*");
        volatile List<String> addresses = DEFAULT;

        Bind() {
            super("bind", null, MULTI_ARG);
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            if (args.size() > 16) throw new InvalidValue("Too many bind addresses specified.");
            addresses = args.size() == 1 && args.get(0).isEmpty() ? List.of() : List.copyOf(args);
            return true;
        }

        @Override String get(Config cfg) { return String.join(" ", addresses); }

        @Override void rewrite(Config cfg, Rewriter rw) {
            List<String> a = addresses;
            if (a.equals(DEFAULT)) {
                rw.mark(name);
                return;
            }
            rw.line(name, name + " " + (a.isEmpty() ? "\"\"" : String.join(" ", a)), true);
        }

        @Override Object snapshot(Config cfg) { return addresses; }

        @SuppressWarnings("unchecked")
        @Override void restore(Config cfg, Object s) { addresses = (List<String>) s; }
    }

    /** {@code replicaof} (alias {@code slaveof}): "host port", or "no one" for none. */
    static final class ReplicaOf extends Directive {
        volatile String host;
        volatile int port;

        ReplicaOf() {
            super("replicaof", "slaveof", IMMUTABLE | MULTI_ARG);
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            if (args.size() != 2) throw new InvalidValue("wrong number of arguments");
            host = null;
            if (equalsAscii(args.get(0), "no") && equalsAscii(args.get(1), "one")) return true;
            Long p = Numbers.lenientLong(args.get(1));
            // Redis parses a long and keeps it in an int before checking the range.
            int truncated = p == null ? -1 : (int) (long) p;
            if (truncated < 0 || truncated > 65535) throw new InvalidValue("Invalid master port");
            port = truncated;
            host = args.get(0);
            return true;
        }

        @Override String get(Config cfg) {
            String h = host;
            return h == null ? "" : h + " " + port;
        }

        @Override void rewrite(Config cfg, Rewriter rw) {
            String h = host;
            if (cfg.clusterEnabled() || h == null) {
                rw.mark(name);
                return;
            }
            rw.line(name, name + " " + h + " " + port, true);
        }

        @Override Object snapshot(Config cfg) { return new Object[] {host, port}; }

        @Override void restore(Config cfg, Object s) {
            Object[] a = (Object[]) s;
            host = (String) a[0];
            port = (Integer) a[1];
        }
    }

    /** {@code latency-tracking-info-percentiles}: percentiles reported by INFO latencystats. */
    static final class LatencyPercentiles extends Directive {
        volatile double[] values = {50.0, 99.0, 99.9};

        LatencyPercentiles() {
            super("latency-tracking-info-percentiles", null, MULTI_ARG);
        }

        @Override boolean set(Config cfg, List<String> args) throws InvalidValue {
            List<String> a = args.size() == 1 && args.get(0).isEmpty() ? List.of() : args;
            double[] next = new double[a.size()];
            for (int j = 0; j < a.size(); j++) {
                Double d = parseDouble(a.get(j));
                if (d == null) {
                    values = new double[0];
                    throw new InvalidValue("Invalid latency-tracking-info-percentiles parameters");
                }
                if (d > 100.0 || d < 0.0) {
                    values = new double[0];
                    throw new InvalidValue("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
                }
                next[j] = d;
            }
            values = next;
            return true;
        }

        /** strtod over the whole string: no leading blank, no NaN, no overflow to infinity. */
        private static Double parseDouble(String s) {
            if (s.isEmpty() || ArgSplitter.isSpace(s.charAt(0))) return null;
            String t = s.trim();
            if (!t.equals(s) || t.endsWith("d") || t.endsWith("D") || t.endsWith("f") || t.endsWith("F")) return null;
            double d;
            try {
                String lower = t.toLowerCase(java.util.Locale.ROOT);
                String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
                if (unsigned.equals("inf") || unsigned.equals("infinity")) {
                    d = lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                } else if (unsigned.startsWith("0x")) {
                    d = Double.parseDouble(lower.contains("p") ? t : t + "p0");
                } else {
                    d = Double.parseDouble(t);
                    if (Double.isInfinite(d)) return null; // ERANGE overflow
                }
            } catch (NumberFormatException e) {
                return null;
            }
            if (Double.isNaN(d)) return null;
            return d;
        }

        static String format(double d) {
            // printf("%f") then strip trailing zeros and a trailing dot.
            String s = String.format(java.util.Locale.ROOT, "%f", d);
            if (s.indexOf('.') >= 0) {
                int end = s.length();
                while (s.charAt(end - 1) == '0') end--;
                if (s.charAt(end - 1) == '.') end--;
                s = s.substring(0, end);
            }
            return s;
        }

        @Override String get(Config cfg) {
            double[] v = values;
            List<String> parts = new ArrayList<>();
            for (double d : v) parts.add(format(d));
            return String.join(" ", parts);
        }

        @Override void rewrite(Config cfg, Rewriter rw) {
            double[] v = values;
            rw.line(name, name + (v.length == 0 ? " \"\"" : " " + get(cfg)), true);
        }

        @Override Object snapshot(Config cfg) { return values; }

        @Override void restore(Config cfg, Object s) { values = (double[]) s; }
    }
}
