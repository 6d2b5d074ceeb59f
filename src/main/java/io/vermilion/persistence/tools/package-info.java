/**
 * Offline file checkers, the counterparts of redis-check-rdb and redis-check-aof:
 * {@link io.vermilion.persistence.tools.CheckRdb} walks an RDB file (every Redis 7.0 value type,
 * with the integrity checks Redis applies to listpacks, ziplists, intsets, zipmaps and streams)
 * and {@link io.vermilion.persistence.tools.CheckAof} an AOF (old style, RDB preamble, or a
 * multi-part manifest), optionally truncating a damaged tail. Their reports have the same lines as
 * the real tools', so that scripts and operators reading one can read the other. Launched by
 * {@code bin/vermilion-check-rdb} and {@code bin/vermilion-check-aof}.
 */
package io.vermilion.persistence.tools;
