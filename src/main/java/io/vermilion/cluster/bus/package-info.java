/**
 * The Redis Cluster 7.0 bus wire format (the binary protocol nodes speak on port + 10000): message
 * model ({@link io.vermilion.cluster.bus.ClusterMsg}), byte layout
 * ({@link io.vermilion.cluster.bus.ClusterMsgLayout}), encoder/decoder with Redis's validation
 * ({@link io.vermilion.cluster.bus.ClusterMsgCodec}) and a per-link frame reader
 * ({@link io.vermilion.cluster.bus.BusFrameReader}).
 *
 * <p>Pure code: no sockets, no server state. A Netty handler feeds bytes in and gets messages out;
 * bad bytes only ever surface as the checked {@link io.vermilion.cluster.bus.BusProtocolException},
 * which says whether Redis would close the link or just drop the packet. docs/cluster-bus.md
 * describes the format.
 */
package io.vermilion.cluster.bus;
