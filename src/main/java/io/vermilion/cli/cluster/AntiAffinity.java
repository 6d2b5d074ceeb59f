package io.vermilion.cli.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How badly replicas share hosts with their master or with each other, and a search that swaps
 * replicas between masters to lower it, with redis-cli's scoring and messages: 10000 per replica
 * on its master's host, 1 per replica sharing a host with a sibling. redis-cli swaps at random
 * and keeps swaps that do not make things worse (so on one host the placement comes out random);
 * we only keep swaps that make things better, so the same input gives the same cluster.
 */
final class AntiAffinity {
    private AntiAffinity() {}

    static int score(List<ClusterNode> nodes) {
        Map<String, Map<String, StringBuilder>> byIp = new LinkedHashMap<>();
        for (ClusterNode n : nodes) {
            String key = n.replicate() != null ? n.replicate() : n.name();
            StringBuilder types = byIp.computeIfAbsent(n.host(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(key, k -> new StringBuilder());
            if (n.replicate() != null) types.append('s');
            else types.insert(0, 'm');
        }
        int score = 0;
        for (Map<String, StringBuilder> related : byIp.values()) {
            for (StringBuilder types : related.values()) {
                if (types.length() < 2) continue;
                score += types.charAt(0) == 'm' ? 10000 * (types.length() - 1) : types.length();
            }
        }
        return score;
    }

    static void optimize(ManagerLog log, List<ClusterNode> nodes) {
        int score = score(nodes);
        if (score == 0) return;
        log.info(">>> Trying to optimize slaves allocation for anti-affinity");
        List<ClusterNode> replicas = new ArrayList<>();
        for (ClusterNode n : nodes) if (n.replicate() != null) replicas.add(n);
        int budget = 500 * nodes.size();
        boolean improved = true;
        while (improved && budget > 0) {
            improved = false;
            outer:
            for (int i = 0; i < replicas.size(); i++) {
                for (int j = i + 1; j < replicas.size(); j++) {
                    if (--budget <= 0) break outer;
                    ClusterNode a = replicas.get(i), b = replicas.get(j);
                    String ma = a.replicate(), mb = b.replicate();
                    if (ma.equals(mb)) continue;
                    a.replicate(mb);
                    b.replicate(ma);
                    int s = score(nodes);
                    if (s < score) {
                        score = s;
                        improved = true;
                        break outer;
                    }
                    a.replicate(ma);
                    b.replicate(mb);
                }
            }
        }
        if (score == 0) log.ok("[OK] Perfect anti-affinity obtained!");
        else if (score >= 10000) log.warn("[WARNING] Some slaves are in the same host as their master");
        else log.warn("[WARNING] Some slaves of the same master are in the same host");
    }
}
