package io.vermilion.commands;

import static io.vermilion.server.CommandSpec.Flag.ADMIN;
import static io.vermilion.server.CommandSpec.Flag.LOADING;
import static io.vermilion.server.CommandSpec.Flag.NOSCRIPT;
import static io.vermilion.server.CommandSpec.Flag.STALE;
import static io.vermilion.server.CommandSpec.cmd;

import io.vermilion.protocol.Reply;
import io.vermilion.server.Client;
import io.vermilion.server.CommandSpec;
import io.vermilion.server.CommandTable;
import io.vermilion.server.LatencyMonitor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.HistogramIterationValue;

/**
 * LATENCY: the latency monitor's events (LATEST, HISTORY, RESET, DOCTOR) and the per-command
 * latency histograms (HISTOGRAM). LATENCY GRAPH (an ASCII chart) is not provided.
 */
public final class LatencyCommands {
    private LatencyCommands() {}

    public static void register(CommandTable t) {
        t.add(cmd("latency", -2)
                .doc("server", "2.8.13", "A container for latency diagnostics commands", "Depends on subcommand.")
                .sub(cmd("doctor", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                        .doc("server", "2.8.13", "Return a human readable latency analysis report.", "O(1)")
                        .handler(LatencyCommands::doctor))
                .sub(cmd("help", 2).flags(LOADING, STALE)
                        .doc("server", "2.8.13", "Show helpful text about the different subcommands.", "O(1)")
                        .handler(LatencyCommands::help))
                .sub(cmd("histogram", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                        .doc("server", "7.0.0", "Return the cumulative distribution of latencies of a subset of commands or all.", "O(N) where N is the number of commands with latency information being retrieved.")
                        .handler(LatencyCommands::histogram))
                .sub(cmd("history", 3).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                        .doc("server", "2.8.13", "Return timestamp-latency samples for the event.", "O(1)")
                        .handler(LatencyCommands::history))
                .sub(cmd("latest", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special")
                        .doc("server", "2.8.13", "Return the latest latency samples for all events.", "O(1)")
                        .handler(LatencyCommands::latest))
                .sub(cmd("reset", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                        .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                        .doc("server", "2.8.13", "Reset latency data for one or more events.", "O(1)")
                        .handler(LatencyCommands::reset)));
    }

    static void help(Client c, byte[][] argv) {
        Args.help(c, argv,
                "DOCTOR",
                "    Return a human readable latency analysis report.",
                "GRAPH <event>",
                "    Return an ASCII latency graph for the <event> class.",
                "HISTORY <event>",
                "    Return time-latency samples for the <event> class.",
                "LATEST",
                "    Return the latest latency samples for all events.",
                "RESET [<event> ...]",
                "    Reset latency data of one or more <event> classes.",
                "    (default: reset all data for all event classes)",
                "HISTOGRAM [COMMAND ...]",
                "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                "    If no commands are specified then all histograms are replied.");
    }

    static void latest(Client c, byte[][] argv) {
        Map<String, LatencyMonitor.Series> events = c.server().latency().events();
        Reply r = c.reply();
        r.array(events.size());
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            LatencyMonitor.Series s = e.getValue();
            long[] last = s.samples.peekLast();
            r.array(4);
            r.bulk(e.getKey());
            r.integer(last == null ? 0 : last[0]);
            r.integer(last == null ? 0 : last[1]);
            r.integer(s.maxMs);
        }
    }

    static void history(Client c, byte[][] argv) {
        LatencyMonitor.Series s = c.server().latency().events().get(Args.latin1(argv[2]));
        Reply r = c.reply();
        if (s == null) {
            r.array(0);
            return;
        }
        r.array(s.samples.size());
        for (long[] sample : s.samples) {
            r.array(2);
            r.integer(sample[0]);
            r.integer(sample[1]);
        }
    }

    static void reset(Client c, byte[][] argv) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < argv.length; i++) names.add(Args.latin1(argv[i]));
        c.reply().integer(c.server().latency().reset(names));
    }

    /** LATENCY HISTOGRAM [command ...]: per command, its calls and cumulative counts per power-of-two µs bucket. */
    static void histogram(Client c, byte[][] argv) {
        List<CommandSpec> specs = new ArrayList<>();
        if (argv.length == 2) {
            for (CommandSpec s : c.server().commands().allWithSubcommands()) {
                if (s.latencyHistogram() != null && s.latencyHistogram().getTotalCount() > 0) specs.add(s);
            }
        } else {
            for (int i = 2; i < argv.length; i++) {
                CommandSpec s = c.server().commands().lookupFullName(Args.latin1(argv[i]));
                if (s == null) continue;
                if (s.isContainer()) {
                    for (CommandSpec sub : s.subcommands().values()) {
                        if (sub.latencyHistogram() != null && sub.latencyHistogram().getTotalCount() > 0 && !specs.contains(sub)) specs.add(sub);
                    }
                } else if (s.latencyHistogram() != null && s.latencyHistogram().getTotalCount() > 0 && !specs.contains(s)) {
                    specs.add(s);
                }
            }
        }
        Reply r = c.reply();
        r.map(specs.size());
        for (CommandSpec s : specs) {
            org.HdrHistogram.Histogram h = s.latencyHistogram();
            r.bulk(s.fullName());
            r.map(2);
            r.bulk("calls");
            r.integer(h.getTotalCount());
            r.bulk("histogram_usec");
            List<long[]> buckets = new ArrayList<>();
            long previous = 0;
            for (HistogramIterationValue v : h.logarithmicBucketValues(1024, 2)) {
                long cumulative = v.getTotalCountToThisValue();
                if (cumulative > previous) buckets.add(new long[] {v.getValueIteratedTo() / 1000, cumulative});
                previous = cumulative;
            }
            r.map(buckets.size());
            for (long[] b : buckets) {
                r.integer(b[0]);
                r.integer(b[1]);
            }
        }
    }

    // ------------------------------------------------------------------ DOCTOR

    static void doctor(Client c, byte[][] argv) {
        c.reply().verbatim(report(c), "txt");
    }

    /** Statistics of one event over its kept samples, as the report prints them. */
    private record EventStats(int samples, long avg, long mad, double period, long worst) {}

    private static EventStats analyze(LatencyMonitor.Series s) {
        int n = s.samples.size();
        if (n == 0) return new EventStats(0, 0, 0, 0, s.maxMs);
        long sum = 0;
        long oldest = Long.MAX_VALUE;
        for (long[] x : s.samples) {
            sum += x[1];
            oldest = Math.min(oldest, x[0]);
        }
        long avg = sum / n;
        long dev = 0;
        for (long[] x : s.samples) dev += Math.abs(avg - x[1]);
        long period = Math.max(1, System.currentTimeMillis() / 1000 - oldest);
        return new EventStats(n, avg, dev / n, (double) period / n, s.maxMs);
    }

    static String report(Client c) {
        long threshold = c.server().config().getLong("latency-monitor-threshold");
        Map<String, LatencyMonitor.Series> events = c.server().latency().events();
        if (threshold == 0 && events.isEmpty()) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may "
                    + "use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't "
                    + "in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        if (events.isEmpty()) {
            return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest "
                    + "bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
        int num = 1;
        boolean commandEvents = false;
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            EventStats st = analyze(e.getValue());
            sb.append(num++).append(". ").append(e.getKey()).append(": ").append(st.samples())
              .append(" latency spikes (average ").append(st.avg()).append("ms, mean deviation ").append(st.mad())
              .append("ms, period ").append(String.format(java.util.Locale.ROOT, "%.2f", st.period()))
              .append(" sec). Worst all time event ").append(st.worst()).append("ms.\n");
            if (e.getKey().equals("command") || e.getKey().equals("fast-command")) commandEvents = true;
        }
        sb.append("\nI have a few advices for you:\n\n");
        long slowlogThreshold = c.server().config().getLong("slowlog-log-slower-than");
        if (commandEvents) {
            if (slowlogThreshold < 0) {
                sb.append("- The system slow log is disabled, and this is a pity since it could help you to understand "
                        + "which commands are slow. Please use 'CONFIG SET slowlog-log-slower-than 1000'.\n");
            } else if (slowlogThreshold / 1000 > threshold) {
                sb.append("- Your current Slow Log configuration only logs events that are slower than your configured "
                        + "latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ")
                  .append(threshold * 1000).append("'.\n");
            }
            sb.append("- Check your Slow Log to understand what are the commands you are running which are too slow to "
                    + "execute. Please check https://redis.io/commands/slowlog for more information.\n");
            sb.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking "
                    + "operation. If you have very large objects that are often deleted, expired, or evicted, try to "
                    + "fragment those objects into multiple smaller objects.\n");
        }
        return sb.toString();
    }
}
