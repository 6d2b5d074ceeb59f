package io.vermilion.cluster.bus;

/**
 * One gossip section entry (104 bytes) of PING/PONG/MEET: what the sender knows of a third node.
 *
 * @param nodeName     40-char name
 * @param pingSent     when the sender last pinged it, unix seconds (u32; 0 = no ping pending)
 * @param pongReceived when the sender last got its pong, unix seconds (u32)
 * @param ip           its address (up to the first NUL of the 46-byte field)
 * @param port         client port
 * @param cport        bus port
 * @param flags        its node flags as the sender sees them
 * @param pport        plaintext client port when the client port is TLS, else 0
 */
public record GossipEntry(String nodeName, long pingSent, long pongReceived, String ip,
                          int port, int cport, int flags, int pport) {
    public GossipEntry {
        ClusterMsgHeader.bytesText(nodeName, ClusterMsgLayout.NAMELEN, true, "nodeName");
        ClusterMsgHeader.bytesText(ip, ClusterMsgLayout.IP_LEN, false, "ip");
        if (pingSent < 0 || pingSent > 0xffffffffL) throw new IllegalArgumentException("pingSent is not a u32");
        if (pongReceived < 0 || pongReceived > 0xffffffffL) throw new IllegalArgumentException("pongReceived is not a u32");
        ClusterMsgHeader.u16(port, "port");
        ClusterMsgHeader.u16(cport, "cport");
        ClusterMsgHeader.u16(flags, "flags");
        ClusterMsgHeader.u16(pport, "pport");
    }
}
