package dev.hyrouter.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order plugins run in: by stage (deny → route → mutate), then within a stage by a
 * topological sort of {@code before}/{@code after} constraints among plugins of that stage; ties
 * keep config order. Constraints naming unknown plugins or other stages are ignored.
 */
public final class PluginOrder {
    private PluginOrder() {
    }

    /**
     * @throws IllegalArgumentException naming the plugins of a cycle
     */
    public static List<PluginConfig> order(List<PluginConfig> plugins) {
        List<PluginConfig> out = new ArrayList<>(plugins.size());
        for (PluginStage stage : PluginStage.values()) {
            List<PluginConfig> inStage = new ArrayList<>();
            for (PluginConfig p : plugins) {
                if (p.stage() == stage) {
                    inStage.add(p);
                }
            }
            out.addAll(sortStage(stage, inStage));
        }
        return List.copyOf(out);
    }

    private static List<PluginConfig> sortStage(PluginStage stage, List<PluginConfig> ps) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ps.size(); i++) {
            index.put(ps.get(i).name(), i);
        }
        int n = ps.size();
        List<List<Integer>> edges = new ArrayList<>();
        int[] indegree = new int[n];
        for (int i = 0; i < n; i++) {
            edges.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (String dep : ps.get(i).after()) {
                Integer j = index.get(dep);
                if (j != null) {
                    edges.get(j).add(i);
                    indegree[i]++;
                }
            }
            for (String dep : ps.get(i).before()) {
                Integer j = index.get(dep);
                if (j != null) {
                    edges.get(i).add(j);
                    indegree[j]++;
                }
            }
        }
        boolean[] done = new boolean[n];
        List<PluginConfig> out = new ArrayList<>(n);
        while (out.size() < n) {
            int found = -1;
            for (int i = 0; i < n; i++) {
                if (!done[i] && indegree[i] == 0) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                List<String> cycle = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (!done[i]) {
                        cycle.add(ps.get(i).name());
                    }
                }
                throw new IllegalArgumentException("cycle in before/after constraints of stage "
                        + stage.name().toLowerCase(java.util.Locale.ROOT) + " among plugins " + cycle);
            }
            done[found] = true;
            out.add(ps.get(found));
            for (int to : edges.get(found)) {
                indegree[to]--;
            }
        }
        return out;
    }
}
