/**
 * The redis.conf-style configuration of a Vermilion node.
 *
 * <p>{@link io.vermilion.config.Config} holds every directive Redis 7.0 knows (the tls-* family included) with its
 * Redis 7.0 default, parses configuration files and {@code --name value} command-line arguments
 * exactly as redis-server does (same quoting rules, same error texts and line numbers), and
 * implements the semantics behind CONFIG GET, CONFIG SET and CONFIG REWRITE. Real Redis 7.0.15 is
 * the specification: values print the way CONFIG GET prints them there, errors read the same.
 *
 * <p>Strings in this package are "byte strings": every char is one byte (ISO-8859-1), because
 * configuration values such as passwords are arbitrary bytes in Redis. Convert with
 * {@link io.vermilion.config.Config#fromBytes(byte[])} and {@link io.vermilion.config.Config#toBytes(String)}.
 */
package io.vermilion.config;
