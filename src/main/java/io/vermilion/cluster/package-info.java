/**
 * Pure model of a Redis Cluster 7.0 node table, shared by the cluster bus, the CLUSTER command
 * family and persistence: node ids, node flags, hash-slot bitmaps and ranges, the per-node line of
 * {@code CLUSTER NODES} / {@code nodes.conf} ({@link io.vermilion.cluster.ClusterNodesFormat}) and
 * the {@code nodes.conf} file itself ({@link io.vermilion.cluster.NodesConfFile}).
 *
 * <p>Nothing here does I/O on sockets or depends on the server: these are value types and
 * text/byte formats whose exact shape is fixed by what a real redis-server 7.0 writes.
 */
package io.vermilion.cluster;
