/**
 * Cluster mode at run time ({@code cluster-enabled yes}): the cluster state machine
 * ({@link io.vermilion.cluster.runtime.ClusterState}: node table, slots, epochs, gossip, failure
 * detection, nodes.conf), the bus transport on the node's event loop
 * ({@link io.vermilion.cluster.runtime.ClusterBus}), request routing with MOVED/ASK/CROSSSLOT/
 * CLUSTERDOWN ({@link io.vermilion.cluster.runtime.ClusterRouter}) and the CLUSTER command family
 * ({@link io.vermilion.cluster.runtime.ClusterCommands}).
 *
 * <p>It speaks the Redis 7.0 cluster bus through {@link io.vermilion.cluster.bus} and keeps the
 * node model of {@link io.vermilion.cluster}, so Vermilion and real Redis nodes form one cluster.
 * Everything runs on the node's single event loop thread; docs/cluster.md describes the design.
 */
package io.vermilion.cluster.runtime;
