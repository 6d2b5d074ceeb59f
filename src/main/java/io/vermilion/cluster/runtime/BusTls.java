package io.vermilion.cluster.runtime;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * TLS for the cluster bus (tls-cluster), supplied by the node (io.vermilion.net.tls.Tls): the
 * handler to put first in a bus connection's pipeline, or null for plaintext. Asked for every
 * connection, so CONFIG SET tls-cluster and certificate reloads apply to new links.
 */
public interface BusTls {
    /** An accepted bus connection (Redis requires the peer's certificate there). */
    ChannelHandler accepted(Channel ch);

    /** An outgoing bus link to host:port. */
    ChannelHandler connecting(Channel ch, String host, int port);
}
