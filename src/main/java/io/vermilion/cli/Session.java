package io.vermilion.cli;

import io.vermilion.client.Reply;
import io.vermilion.client.RespConnection;
import io.vermilion.client.RespErrorException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The CLI's connection state: the current node (which {@code connect} and cluster redirections
 * change), the open connection if any, the selected database and whether a MULTI is open. The
 * prompt is derived from it.
 *
 * <p>{@link #connect} mirrors redis-cli's connect sequence: TCP (or Unix socket), then AUTH, then
 * SELECT of the wanted database, then HELLO 3 if {@code -3}; a failure of one of the last three is
 * reported but leaves the connection open, as redis-cli does.
 */
public final class Session implements AutoCloseable {
    private final ConnInfo info;
    private final CliConfig cfg;
    private final CliOutput out;
    private final ReplyFormatter formatter;

    private RespConnection conn;
    private int dbnum;
    private boolean inMulti;
    private int preMultiDb;
    private boolean interactive;
    /** Set once a cluster redirection moved us off the Unix socket onto TCP. */
    private boolean redirected;

    public Session(ConnInfo info, CliConfig cfg, CliOutput out, ReplyFormatter formatter) {
        this.info = info;
        this.cfg = cfg;
        this.out = out;
        this.formatter = formatter;
    }

    public ConnInfo info() {
        return info;
    }

    public CliConfig config() {
        return cfg;
    }

    public CliOutput output() {
        return out;
    }

    /** The open connection, or null when not connected. */
    public RespConnection connection() {
        return conn;
    }

    public boolean isConnected() {
        return conn != null && !conn.isBroken();
    }

    public boolean interactive() {
        return interactive;
    }

    public void interactive(boolean on) {
        interactive = on;
    }

    public int db() {
        return dbnum;
    }

    public boolean inMulti() {
        return inMulti;
    }

    /**
     * Opens the connection if there is none, or always with {@code force} (after dropping the old
     * one, which resets the database and MULTI state). Returns false if any step failed; errors are
     * printed unless {@code quiet} (AUTH/SELECT/HELLO failures are always printed).
     */
    public boolean connect(boolean force, boolean quiet) {
        if (conn != null && !force) {
            installPushHandler();
            return true;
        }
        if (conn != null) {
            conn.close();
            conn = null;
            dbnum = 0;
            inMulti = false;
        }
        try {
            if (info.socket != null && !redirected) {
                conn = RespConnection.connectUnix(Path.of(info.socket));
            } else {
                conn = RespConnection.connect(info.host, info.port, 0);
            }
        } catch (IOException | RuntimeException e) {
            if (!quiet) {
                String where = info.socket != null && !redirected ? info.socket : info.host + ":" + info.port;
                out.error("Could not connect to Redis at " + where + ": " + describe(e));
            }
            conn = null;
            return false;
        }
        if (!auth() || !selectInputDb() || !switchProtocol()) return false;
        installPushHandler();
        return true;
    }

    private boolean auth() {
        if (info.auth == null) return true;
        try {
            conn.auth(info.user, info.auth);
            return true;
        } catch (RespErrorException e) {
            out.error("AUTH failed: " + e.getMessage());
        } catch (IOException e) {
            out.error("\nI/O error");
        }
        return false;
    }

    /** SELECTs the wanted database if it is not the current one (after connect, and after AUTH). */
    public boolean selectInputDb() {
        if (info.inputDb == dbnum || conn == null) return true;
        try {
            conn.select(info.inputDb);
            dbnum = info.inputDb;
            return true;
        } catch (RespErrorException e) {
            out.error("SELECT " + info.inputDb + " failed: " + e.getMessage());
        } catch (IOException e) {
            out.error("\nI/O error");
        }
        return false;
    }

    private boolean switchProtocol() {
        if (!cfg.resp3 || cfg.resp2) return true;
        try {
            conn.hello(3);
            return true;
        } catch (RespErrorException e) {
            out.error("HELLO 3 failed: " + e.getMessage());
        } catch (IOException e) {
            out.error("\nI/O error");
        }
        return false;
    }

    /** Pushes between replies are printed (on a terminal by default) or dropped, never taken for a reply. */
    private void installPushHandler() {
        if (conn != null) conn.setPushHandler(cfg.pushOutput ? this::printPush : push -> { });
    }

    private void printPush(Reply.Push push) {
        out.write(formatter.formatPush(push, cfg.output));
        out.flush();
    }

    /** Drops the connection (after an I/O error); the next command reconnects. */
    public void disconnect() {
        if (conn != null) conn.close();
        conn = null;
    }

    /** Points the session at another node (cluster redirection, or the REPL's {@code connect}). */
    public void redirect(String host, int port) {
        info.host = host;
        info.port = port;
        redirected = true;
    }

    /** As the REPL's {@code connect host port}: a new target, not a redirection. */
    public void retarget(String host, int port) {
        info.host = host;
        info.port = port;
        info.socket = null;
    }

    // ---------------------------------------------------------------- state kept in step with commands

    /** After a successful {@code SELECT n}. */
    public void selected(int db) {
        info.inputDb = db;
        dbnum = db;
    }

    /** After a successful {@code MULTI}. */
    public void multiStarted() {
        inMulti = true;
        preMultiDb = dbnum;
    }

    /** After {@code EXEC}; a failed or aborted transaction did not switch the database. */
    public void execDone(boolean failed) {
        inMulti = false;
        if (failed) selected(preMultiDb);
    }

    /** After a successful {@code DISCARD}: a SELECT queued in the transaction never happened. */
    public void discarded() {
        inMulti = false;
        selected(preMultiDb);
    }

    /** After a successful {@code RESET}: database 0, RESP2, no transaction. */
    public void resetDone() {
        inMulti = false;
        selected(0);
        cfg.resp3 = false;
        if (conn != null) conn.protocol(2);
    }

    /** The REPL prompt: {@code 127.0.0.1:6379[2](TX)> }, or {@code not connected> }. */
    public String prompt() {
        if (conn == null) return "not connected> ";
        StringBuilder sb = new StringBuilder();
        if (info.socket != null && !redirected) {
            sb.append("redis ").append(info.socket);
        } else {
            sb.append(formatAddress(info.host, info.port));
        }
        if (dbnum != 0) sb.append('[').append(dbnum).append(']');
        if (inMulti) sb.append("(TX)");
        return sb.append("> ").toString();
    }

    /** {@code host:port}, with IPv6 literals in brackets. */
    static String formatAddress(String host, int port) {
        if (host.indexOf(':') >= 0) {
            try {
                if (InetAddress.getByName(host) instanceof Inet6Address) return "[" + host + "]:" + port;
            } catch (UnknownHostException e) {
                // not a literal address: print it as given
            }
        }
        return host + ":" + port;
    }

    /** The hiredis-style text for a connection failure, as redis-cli prints it. */
    public static String describe(Throwable e) {
        if (e instanceof UnknownHostException) return "Name or service not known";
        if (e instanceof ConnectException) {
            String m = e.getMessage();
            return m != null && m.startsWith("Connection refused") ? "Connection refused" : String.valueOf(m);
        }
        if (e instanceof NoRouteToHostException) return "No route to host";
        if (e instanceof SocketTimeoutException) return "Connection timed out";
        if (e instanceof EOFException) return "Server closed the connection";
        if (e instanceof NoSuchFileException) return "No such file or directory";
        String m = e.getMessage();
        if (m == null) return e.getClass().getSimpleName();
        if (m.equals("Connection reset")) return "Connection reset by peer";
        if (m.equals("Broken pipe")) return "Broken pipe";
        return m;
    }

    @Override
    public void close() {
        disconnect();
    }
}
