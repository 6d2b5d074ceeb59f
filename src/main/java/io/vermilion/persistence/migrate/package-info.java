/**
 * MIGRATE's client side: blocking connections, with deadlines, from a node to the instances it
 * moves keys to, cached per {@code host:port} as Redis's migrate cached sockets are (closed after
 * 10 s unused). MIGRATE is synchronous in Redis (the node waits for the target's replies, bounded
 * by the command's timeout), and so it is here: the command thread does the I/O itself, on its own
 * selector, so every wait is bounded and the node never hangs beyond the timeout.
 */
package io.vermilion.persistence.migrate;
