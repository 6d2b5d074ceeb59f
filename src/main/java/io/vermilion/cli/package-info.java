/**
 * {@code vermilion-cli}, a work-alike of redis-cli 7.0: same options (the basic ones), same output
 * formats byte for byte (terminal, raw, CSV), same interactive behaviour (prompt, history, hints,
 * completion), so that scripts and habits written for redis-cli work unchanged.
 *
 * <p>Structure: {@link io.vermilion.cli.CliMain} parses options and picks one-shot or interactive
 * mode; {@link io.vermilion.cli.Session} holds the connection and its state (node, database,
 * MULTI); {@link io.vermilion.cli.CommandExecutor} runs commands through a
 * {@link io.vermilion.cli.CommandRouter} ({@link io.vermilion.cli.DirectRouter}, or with {@code -c}
 * {@link io.vermilion.cli.ClusterRouter}, which follows MOVED/ASK and keeps a
 * {@link io.vermilion.cli.SlotMap}) and prints replies with {@link io.vermilion.cli.ReplyFormatter};
 * {@link io.vermilion.cli.Repl} is the interactive loop over a terminal
 * ({@link io.vermilion.cli.JLineSource}) or plain stdin. {@code --cluster} hands the whole command
 * line to the cluster manager, {@link io.vermilion.cli.cluster.ClusterCli}.
 */
package io.vermilion.cli;
