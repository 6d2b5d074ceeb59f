/**
 * The cluster manager: forming a cluster from empty nodes (and, later, check / fix / reshard /
 * rebalance), and the local-cluster launcher. Uses only {@code util}, {@code protocol} and
 * {@code client}: it drives any Redis Cluster node, ours or real Redis, over the wire.
 */
package io.vermilion.cli.cluster;
