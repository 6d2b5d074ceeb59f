package io.vermilion.cluster.runtime;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.vermilion.cluster.bus.BusProtocolException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster bus transport: the listening socket on the bus port and the outgoing connections,
 * all on the node's one event loop, so that every bus event runs on the same thread as commands
 * and the cluster state needs no locks. Bytes are cut into frames here; everything the frames
 * mean is {@link ClusterState}'s business.
 */
final class ClusterBus {
    private final ClusterState state;
    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverClass;
    private final Class<? extends Channel> clientClass;
    private final List<Channel> listeners = new ArrayList<>();
    private final BusTls tls;

    ClusterBus(ClusterState state, EventLoop loop, BusTls tls) {
        this.state = state;
        this.tls = tls;
        // Registering on the loop itself (not its group) keeps every bus channel on this one thread.
        this.group = loop;
        if (loop.parent() instanceof EpollEventLoopGroup) {
            serverClass = EpollServerSocketChannel.class;
            clientClass = EpollSocketChannel.class;
        } else {
            serverClass = NioServerSocketChannel.class;
            clientClass = NioSocketChannel.class;
        }
    }

    /** Binds the bus port on every client bind address, as Redis does. */
    void listen(List<String> addresses, int port) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group, group)
                .channel(serverClass)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ClusterLink link = state.accepted(ch);
                        io.netty.channel.ChannelHandler t = tls == null ? null : tls.accepted(ch);
                        if (t != null) ch.pipeline().addLast(t);
                        ch.pipeline().addLast(new Handler(link));
                    }
                });
        for (String addr : addresses) {
            boolean optional = addr.startsWith("-");
            String host = optional ? addr.substring(1) : addr;
            if (host.equals("*")) host = "0.0.0.0";
            else if (host.equals("::*")) host = "::";
            try {
                listeners.add(b.bind(new InetSocketAddress(host, port)).sync().channel());
            } catch (Exception e) {
                if (!optional) throw e;
            }
        }
    }

    /** Starts connecting an outbound link; the state hears about success or failure. */
    void connect(ClusterLink link, String ip, int port, int timeoutMs, String sourceAddr) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(clientClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1000, timeoutMs))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        io.netty.channel.ChannelHandler t = tls == null ? null : tls.connecting(ch, ip, port);
                        if (t != null) ch.pipeline().addLast(t);
                        ch.pipeline().addLast(new Handler(link));
                    }
                });
        ChannelFuture f;
        if (sourceAddr != null && !sourceAddr.isEmpty()) {
            f = b.connect(new InetSocketAddress(ip, port), new InetSocketAddress(sourceAddr, 0));
        } else {
            f = b.connect(new InetSocketAddress(ip, port));
        }
        link.channel = f.channel();
        f.addListener(fut -> {
            if (fut.isSuccess()) state.connected(link);
            else state.connectFailed(link, fut.cause());
        });
    }

    void close() {
        for (Channel c : listeners) c.close().syncUninterruptibly();
        listeners.clear();
    }

    /** Reads one link: frames out of the byte stream, each handed to the state in order. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final ClusterLink link;

        Handler(ClusterLink link) {
            this.link = link;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (link.freed) return;
                link.reader.feed(in);
            } finally {
                in.release();
            }
            while (!link.freed) {
                byte[] frame;
                try {
                    frame = link.reader.nextFrame();
                } catch (BusProtocolException e) {
                    state.badFrame(link, e);
                    return;
                }
                if (frame == null) break;
                state.process(link, frame);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            state.ioError(link);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
