/**
 * The RDB file format of Redis 7.0 (version 10) as pure codecs, independent of the server:
 * CRC-64, LZF, an {@link io.vermilion.persistence.rdb.RdbWriter} and
 * {@link io.vermilion.persistence.rdb.RdbReader} over sink/source interfaces (files, memory,
 * sockets), and the DUMP/RESTORE payload format. Files written here load in redis-server 7.0
 * and files it writes load here.
 */
package io.vermilion.persistence.rdb;
