/**
 * A small, blocking RESP2/RESP3 client used by Vermilion's own tools: the command line interface,
 * MIGRATE, replication and the cluster manager.
 *
 * <p>It is deliberately minimal: one {@link io.vermilion.client.RespConnection} per socket, arguments
 * and bulk values as {@code byte[]} (keys and values are binary), replies decoded into the
 * {@link io.vermilion.client.Reply} sealed hierarchy by a streaming
 * {@link io.vermilion.client.ReplyReader}. Pipelining is explicit: {@code send} any number of
 * commands, then {@code read} the same number of replies. There is no connection pool, no
 * reconnection and no threading; callers that need those build them on top.
 */
package io.vermilion.client;
