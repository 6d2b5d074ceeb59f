package io.vermilion.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server started as a separate OS process for a test: either the real redis-server 7.0 (the
 * oracle) or a Vermilion node from the shaded jar. Each gets its own directory; its output goes to
 * a log file there. {@link #close()} kills it (SIGKILL) and waits.
 */
public final class ServerProcess implements AutoCloseable {
    public enum Kind { REDIS, VERMILION }

    private final Kind kind;
    private final int port;
    private final Path dir;
    private final Process process;

    private ServerProcess(Kind kind, int port, Path dir, Process process) {
        this.kind = kind;
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** Path of the real redis-server binary (Debian package redis-server). */
    public static String redisServerBinary() {
        return System.getProperty("redis.server", "/usr/bin/redis-server");
    }

    /** Path of the shaded Vermilion jar built by {@code mvn package}. */
    public static Path vermilionJar() {
        String p = System.getProperty("vermilion.jar");
        if (p != null) return Path.of(p);
        return Path.of("target", "vermilion.jar").toAbsolutePath();
    }

    public static ServerProcess redis(String... extraArgs) throws IOException {
        return start(Kind.REDIS, Ports.free(), List.of(extraArgs));
    }

    public static ServerProcess vermilion(String... extraArgs) throws IOException {
        return start(Kind.VERMILION, Ports.free(), List.of(extraArgs));
    }

    /**
     * Starts a server of the given kind on {@code port} with directives given as
     * {@code --name value} pairs (as redis-server accepts them), in a fresh temp directory.
     */
    public static ServerProcess start(Kind kind, int port, List<String> extraArgs) throws IOException {
        Path dir = Files.createTempDirectory("vermilion-it-" + kind.name().toLowerCase() + "-" + port + "-");
        return start(kind, port, dir, null, extraArgs);
    }

    /** As {@link #start(Kind, int, List)} with an explicit directory and optional config file. */
    public static ServerProcess start(Kind kind, int port, Path dir, Path configFile, List<String> extraArgs)
            throws IOException {
        return start(kind, port, dir, configFile, extraArgs, List.of());
    }

    /**
     * As {@link #start(Kind, int, Path, Path, List, List)} on a port from {@link Ports}; if the
     * server could not bind it (another process took it between the check and the bind: "Failed
     * listening on port"), again on another port, up to 3 times.
     */
    public static ServerProcess startOnFreePort(Kind kind, Path dir, Path configFile, List<String> extraArgs,
            List<String> jvmArgs) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(kind, Ports.free(), dir, configFile, extraArgs, jvmArgs);
            } catch (IOException e) {
                last = e;
                String m = String.valueOf(e.getMessage());
                if (!m.contains("Failed listening on port") && !m.contains("Address already in use")) throw e;
            }
        }
        throw last;
    }

    /**
     * As above, with extra JVM options for a Vermilion node (e.g. {@code -Dvermilion.crashpoint=...});
     * a node also gets {@link FastStart#options()}.
     */
    public static ServerProcess start(Kind kind, int port, Path dir, Path configFile, List<String> extraArgs,
            List<String> jvmArgs) throws IOException {
        List<String> jvm = new ArrayList<>();
        if (kind == Kind.VERMILION) jvm.addAll(FastStart.options());
        jvm.addAll(jvmArgs);
        return startWith(kind, port, dir, configFile, extraArgs, jvm);
    }

    /** As {@link #start(Kind, int, Path, Path, List, List)} with exactly {@code jvmArgs} (no {@link FastStart}). */
    static ServerProcess startWith(Kind kind, int port, Path dir, Path configFile, List<String> extraArgs,
            List<String> jvmArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (kind == Kind.REDIS) {
            cmd.add(redisServerBinary());
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xss8m");
            cmd.add("-XX:+UseSerialGC");
            cmd.addAll(jvmArgs);
            cmd.add("-jar");
            cmd.add(vermilionJar().toString());
        }
        if (configFile != null) cmd.add(configFile.toString());
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--save", "", "--appendonly", "no"));
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        Process p = pb.start();
        ServerProcess sp = new ServerProcess(kind, port, dir, p);
        // Generous: at load average 17 on 2 cores a JVM node has taken over 20 s to listen; a node
        // that exits fails at once (checked in the loop).
        sp.awaitPing(90_000);
        return sp;
    }

    /**
     * Polls PING until the server answers with anything but -LOADING (a server listens while it
     * loads its dataset, as Redis does), or fails after {@code millis}.
     */
    public void awaitPing(long millis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind + " on port " + port + " exited with " + process.exitValue()
                        + "; log:\n" + log());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[64];
                int n = in.read(buf);
                if (n > 0 && !new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("-LOADING") && isOurs(s)) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            // Polled, not slept on: a node answers within a few hundred ms of its start.
            try { Thread.sleep(10); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return; }
        }
        throw new IOException(kind + " on port " + port + " did not answer PING in " + millis + " ms; log:\n" + log(), last);
    }

    /**
     * PING alone does not prove that the server answering is the one we started: another test run
     * on the same machine may own the port. INFO server's process_id must be our process's pid;
     * a different pid fails the start at once (IllegalStateException: retrying cannot help). When
     * the server refuses INFO (it requires AUTH) or does not say its pid, our process must be
     * alive and have logged that it is ready to accept connections (both redis-server and
     * Vermilion log it), or the answer is not taken as ours yet.
     */
    private boolean isOurs(Socket s) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write("INFO server\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            int n = in.read(buf);
            if (n <= 0) break;
            sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            if (sb.charAt(0) == '-' && sb.indexOf("\r\n") > 0) break;
            int nl = sb.indexOf("\r\n");
            if (sb.charAt(0) == '$' && nl > 0 && sb.length() >= nl + 2 + Integer.parseInt(sb.substring(1, nl))) break;
        }
        String pidLine = "process_id:";
        int at = sb.indexOf(pidLine);
        if (at < 0 || sb.charAt(0) == '-') return process.isAlive() && log().contains("Ready to accept connections");
        int end = sb.indexOf("\r\n", at);
        long pid = Long.parseLong(sb.substring(at + pidLine.length(), end < 0 ? sb.length() : end).trim());
        if (pid != process.pid()) {
            throw new IllegalStateException(kind + " on port " + port + ": the port is answered by process " + pid
                    + ", not by ours (" + process.pid() + "); log:\n" + log());
        }
        return true;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public Kind kind() { return kind; }
    public int port() { return port; }
    public Path dir() { return dir; }
    public Process process() { return process; }
    public boolean isAlive() { return process.isAlive(); }

    /** Kills the process with SIGKILL and waits for it to exit. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
