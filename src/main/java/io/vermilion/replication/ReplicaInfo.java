package io.vermilion.replication;

/**
 * One replica as its master sees it (INFO replication's slaveN line, ROLE's entries).
 *
 * @param ip     the address the replica announced (REPLCONF ip-address) or its peer address
 * @param port   its listening port (REPLCONF listening-port), 0 if it did not say
 * @param state  Redis's replica state name: wait_bgsave, send_bulk or online
 * @param offset the last replication offset it acknowledged (REPLCONF ACK)
 * @param lag    seconds since its last ACK (0 unless online, as Redis reports)
 */
public record ReplicaInfo(String ip, int port, String state, long offset, long lag) {}
