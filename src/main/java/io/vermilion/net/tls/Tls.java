package io.vermilion.net.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.vermilion.config.Config;
import io.vermilion.server.NetServer;
import io.vermilion.util.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A node's TLS: the contexts built from the tls-* directives, the client listener on tls-port
 * (beside the plain port, through {@link NetServer#bindExtra}), the handlers the cluster bus and
 * replication put in front of their connections, and the CONFIG SET hooks that rebuild the
 * contexts or move the listener. Redis's rules (src/tls.c, config.c):
 * <ul>
 * <li>TLS is configured at startup when tls-port, tls-cluster or tls-replication is set; a
 *     configuration that cannot be built stops the node ("Failed to configure TLS. Check logs
 *     for more info.").</li>
 * <li>CONFIG SET of any tls-* value rebuilds the contexts when TLS is in use (certificate files
 *     are re-read even when the path is the same); if the new set cannot be built the old one
 *     stays and CONFIG SET fails with "Unable to update TLS configuration. Check server logs.".</li>
 * <li>tls-auth-clients is looked at for each accepted connection; existing connections keep
 *     the contexts they were accepted with.</li>
 * </ul>
 *
 * <p>Accepted TLS connections reach the client handler (and count as clients) only once the
 * handshake succeeded, as in Redis, whose accept handler runs after the handshake.
 */
public final class Tls {
    /** The CONFIG SET error of a TLS configuration that cannot be built (Redis's text). */
    public static final String UPDATE_FAILED = "Unable to update TLS configuration. Check server logs.";

    private static final String[] CONTEXT_DIRECTIVES = {
        "tls-session-cache-size", "tls-session-cache-timeout", "tls-cluster", "tls-replication",
        "tls-prefer-server-ciphers", "tls-session-caching", "tls-cert-file", "tls-key-file", "tls-key-file-pass",
        "tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file",
        "tls-ca-cert-file", "tls-ca-cert-dir", "tls-protocols", "tls-ciphers", "tls-ciphersuites",
    };

    private final Config config;
    private final Log log;
    private volatile TlsContexts contexts;
    private NetServer net;
    private List<Channel> listeners = List.of();
    private List<String> boundAddresses = List.of();
    private int boundPort;

    public Tls(Config config, Log log) {
        this.config = config;
        this.log = log;
    }

    /** Whether a connection runs over TLS (its pipeline has an SslHandler). */
    public static boolean isTls(Channel ch) {
        return ch != null && ch.pipeline().get(SslHandler.class) != null;
    }

    /** Whether TLS is in use at all (Redis: tls-port, tls-cluster or tls-replication set). */
    public boolean wanted() {
        return config.getInt("tls-port") != 0 || config.getBool("tls-cluster") || config.getBool("tls-replication");
    }

    /** The current contexts, or null while TLS was never configured. */
    public TlsContexts contexts() {
        return contexts;
    }

    /**
     * Startup: builds the contexts when TLS is wanted. On failure the reason and Redis's
     * "Failed to configure TLS. Check logs for more info." are logged and the exception's
     * message is the latter.
     */
    public void configureAtStartup() throws TlsException {
        if (!wanted()) return;
        try {
            contexts = TlsContexts.build(config);
        } catch (TlsException e) {
            log.warning(e.getMessage());
            log.warning("Failed to configure TLS. Check logs for more info.");
            throw new TlsException("Failed to configure TLS. Check logs for more info.");
        }
        log.notice("TLS provider: " + TlsContexts.providerName());
    }

    /**
     * Binds tls-port (when not 0) on the bind addresses and installs the CONFIG SET hooks. A
     * failure to bind is Redis's "Failed listening on port N (TLS), aborting.".
     */
    public void start(NetServer net, List<String> binds) throws TlsException {
        this.net = net;
        int port = config.getInt("tls-port");
        if (port != 0) {
            try {
                listeners = net.bindExtra(binds, port, this::initAccepted);
            } catch (IOException e) {
                throw new TlsException("Failed listening on port " + port + " (TLS), aborting.");
            }
            log.notice("TLS listening on port " + port);
        }
        boundAddresses = List.copyOf(binds);
        boundPort = port;
        hooks();
    }

    /** The port the TLS listener is bound to (0 when none). */
    public int boundPort() {
        if (listeners.isEmpty()) return 0;
        return ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
    }

    private void hooks() {
        for (String name : CONTEXT_DIRECTIVES) {
            config.addListener(name, v -> {
                if (wanted()) rebuild();
            });
        }
        config.addListener("tls-port", v -> {
            int port = Integer.parseInt(v);
            if (contexts == null && port != 0) rebuild();
            if (port == boundPort) return;
            if (!rebind(boundAddresses, port)) throw new IllegalStateException("Unable to listen on this port. Check server logs.");
        });
        config.addListener("bind", v -> {
            String b = v.trim();
            List<String> addrs = b.isEmpty() ? List.of("*", "-::*") : List.of(b.split("\\s+"));
            if (addrs.equals(boundAddresses)) return;
            if (!rebind(addrs, boundPort)) throw new IllegalStateException("Failed to bind to specified addresses.");
        });
    }

    private void rebuild() {
        try {
            contexts = TlsContexts.build(config);
        } catch (TlsException e) {
            log.warning(e.getMessage());
            throw new IllegalStateException(UPDATE_FAILED);
        }
    }

    private boolean rebind(List<String> addresses, int port) {
        List<Channel> old = listeners;
        for (Channel c : old) c.close();
        listeners = List.of();
        try {
            if (port != 0) listeners = net.bindExtra(addresses, port, this::initAccepted);
            boundAddresses = List.copyOf(addresses);
            boundPort = port;
            return true;
        } catch (IOException e) {
            log.warning("Failed listening on port " + port + " (TLS): " + e.getMessage());
            try {
                if (boundPort != 0) listeners = net.bindExtra(boundAddresses, boundPort, this::initAccepted);
            } catch (IOException again) {
                log.warning("Failed to restore the previous TLS listeners: " + again.getMessage());
            }
            return false;
        }
    }

    /** An accepted client connection on tls-port: TLS first, the client only after the handshake. */
    private void initAccepted(io.netty.channel.socket.SocketChannel ch) {
        TlsContexts ctx = contexts;
        if (ctx == null) {
            ch.close();
            return;
        }
        ch.pipeline().addLast(ctx.acceptHandler(ch.alloc(), config.get("tls-auth-clients")));
        ch.pipeline().addLast(new HandshakeGate(log));
    }

    /**
     * The handler an accepted cluster bus connection needs in front (null while tls-cluster is
     * off): Redis always requires a client certificate on the bus.
     */
    public ChannelHandler busAccepted(Channel ch) {
        TlsContexts ctx = contexts;
        if (!config.getBool("tls-cluster") || ctx == null) return null;
        return ctx.acceptHandler(ch.alloc(), "yes");
    }

    /** The handler for an outgoing cluster bus link to host:port (null while tls-cluster is off). */
    public ChannelHandler busConnector(Channel ch, String host, int port) {
        TlsContexts ctx = contexts;
        if (!config.getBool("tls-cluster") || ctx == null) return null;
        return ctx.connectHandler(ch.alloc(), host, port);
    }

    /**
     * For replication (tls-replication): the client-side handler of a link to a master, or null
     * when tls-replication is off. The replica puts it first in its pipeline; writes made before
     * the handshake completes are queued by it.
     */
    public ChannelHandler replicationConnector(Channel ch, String host, int port) {
        TlsContexts ctx = contexts;
        if (!config.getBool("tls-replication") || ctx == null) return null;
        return ctx.connectHandler(ch.alloc(), host, port);
    }

    /** Closes the TLS listener (the node is stopping). */
    public void close() {
        for (Channel c : listeners) c.close().syncUninterruptibly();
        listeners = List.of();
    }

    /** Holds channelActive back until the handshake is done; closes the connection if it fails. */
    static final class HandshakeGate extends ChannelInboundHandlerAdapter {
        private final Log log;

        HandshakeGate(Log log) {
            this.log = log;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            // not yet: the client exists once the handshake succeeded
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                if (e.isSuccess()) {
                    ctx.pipeline().remove(this);
                    ctx.fireChannelActive();
                } else {
                    log.verbose("Error accepting a client connection: " + e.cause().getMessage());
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // the client handler never saw this connection become active: nothing to tell it
        }
    }
}
