/**
 * The cluster manager: {@code vermilion-cli --cluster <subcommand>} (redis-cli 7.0's create,
 * check, info, fix, reshard, rebalance, add-node, del-node, call, set-timeout, import, backup and
 * help, with the same arguments and output) and the local-cluster launcher
 * ({@code bin/vermilion-cluster}), which share {@link io.vermilion.cli.cluster.ClusterCreate}.
 *
 * <p>Slot moves are small state machines ({@link io.vermilion.cli.cluster.SlotMove}) run by
 * {@link io.vermilion.cli.cluster.SlotMover} and {@link io.vermilion.cli.cluster.MoveRunner}:
 * large pipelined MIGRATE batches, groups of slots per SETSLOT round, sources in parallel, and
 * {@link io.vermilion.cli.cluster.MoveGuard} so that Ctrl-C finishes (or rolls back) the slots in
 * flight instead of leaving them open. Commands that change the cluster return only once every
 * node agrees ({@link io.vermilion.cli.cluster.ClusterWait}).
 *
 * <p>Uses only {@code util} and {@code client}: it drives any Redis Cluster node, ours or real
 * Redis, over the wire.
 */
package io.vermilion.cli.cluster;
