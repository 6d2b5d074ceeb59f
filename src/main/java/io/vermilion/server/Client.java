package io.vermilion.server;

import io.netty.channel.Channel;
import io.vermilion.keyspace.Db;
import io.vermilion.protocol.Reply;
import java.net.InetSocketAddress;

/**
 * One client connection's state, touched only on the node's command thread. Commands read their
 * context from here (selected database, protocol version) and write replies through
 * {@link #reply()}.
 */
public final class Client {
    /** CLIENT REPLY modes. */
    public enum ReplyMode { ON, OFF, SKIP }

    final long id;
    final Server server;
    final Channel channel;        // null for internal clients (AOF loading)
    final Reply reply;
    final long createdMs;
    long lastInteractionMs;
    private int dbIndex;
    private Db db;
    byte[] name;
    boolean authenticated;
    String user = "default";
    boolean monitor;
    boolean closeAfterReply;
    boolean noEvict;
    ReplyMode replyMode = ReplyMode.ON;
    boolean skipNext;           // CLIENT REPLY SKIP applies to the next command
    String lastCommand = "NULL";
    int queryBufferBytes;
    String libName = "", libVer = "";
    boolean readonly;          // cluster READONLY
    boolean asking;            // cluster ASKING for the next command
    io.netty.buffer.ByteBuf out; // this batch's real reply buffer
    byte[][] propagateAs;      // set by the running command to replace what AOF/replicas receive

    Client(long id, Server server, Channel channel, Reply reply) {
        this.id = id;
        this.server = server;
        this.channel = channel;
        this.reply = reply;
        this.createdMs = System.currentTimeMillis();
        this.lastInteractionMs = createdMs;
        select(0);
    }

    public long id() { return id; }
    public long lastInteractionMs() { return lastInteractionMs; }
    public long createdMs() { return createdMs; }
    public Server server() { return server; }
    public Reply reply() { return reply; }
    public Db db() { return db; }
    public int dbIndex() { return dbIndex; }
    public Channel channel() { return channel; }
    public boolean isInternal() { return channel == null; }
    public byte[] name() { return name; }
    public void name(byte[] n) { this.name = n; }
    public int proto() { return reply.proto(); }
    public boolean authenticated() { return authenticated; }
    public void authenticated(boolean a) { authenticated = a; }
    public ReplyMode replyMode() { return replyMode; }
    public boolean readonly() { return readonly; }
    public void readonly(boolean r) { readonly = r; }
    public void asking(boolean a) { asking = a; }
    public boolean asking() { return asking; }
    public void noEvict(boolean b) { noEvict = b; }
    public boolean noEvict() { return noEvict; }
    public String user() { return user; }

    public void select(int index) {
        dbIndex = index;
        db = server.keyspace().db(index);
    }

    /**
     * Makes AOF and replicas receive {@code argv} instead of the running request, as Redis's
     * rewriteClientCommandVector: EXPIRE is propagated as PEXPIREAT with an absolute time (so a
     * replay later does not extend the TTL), an EXPIRE in the past as DEL.
     */
    public void propagateAs(byte[]... argv) { propagateAs = argv; }

    /** Ends this connection once pending replies are written (QUIT, protocol errors). */
    public void closeAfterReply() { closeAfterReply = true; }

    /** CLIENT REPLY ON|OFF|SKIP. ON makes the current command's own reply visible again. */
    public void replyMode(ReplyMode m) {
        if (m == ReplyMode.SKIP) {
            skipNext = true;
            return;
        }
        replyMode = m;
        if (m == ReplyMode.ON && out != null) reply.buffer(out);
    }

    /** Turns this connection into a MONITOR feed. */
    public void startMonitor() {
        monitor = true;
        server.monitors().add(this);
    }

    public String addr() {
        if (channel == null) return "";
        InetSocketAddress a = (InetSocketAddress) channel.remoteAddress();
        return a == null ? "" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    public String laddr() {
        if (channel == null) return "";
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return a == null ? "" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** Closes the connection now (CLIENT KILL, timeouts). */
    public void kill() {
        if (channel != null) channel.close();
    }
}
