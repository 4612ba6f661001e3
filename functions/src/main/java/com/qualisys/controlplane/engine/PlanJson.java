package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads back one layer object of the report format (docs/report-format.md) as a {@link Plan}. */
public final class PlanJson {
    private PlanJson() {}

    @SuppressWarnings("unchecked")
    public static Plan fromLayerJson(String environment, Map<String, Object> layer) {
        if (layer == null || !(layer.get("layer") instanceof String name)) {
            throw new IllegalArgumentException("a layer report needs a 'layer' name, got " + layer);
        }
        List<Change> changes = new ArrayList<>();
        for (Object o : (List<Object>) layer.getOrDefault("changes", List.of())) {
            Map<String, Object> c = (Map<String, Object>) o;
            List<Difference> differences = new ArrayList<>();
            for (Object d : (List<Object>) c.getOrDefault("differences", List.of())) {
                Map<String, Object> diff = (Map<String, Object>) d;
                differences.add(new Difference((String) diff.get("path"), diff.get("expected"), diff.get("actual")));
            }
            changes.add(new Change((String) c.get("logicalId"), (String) c.get("kind"), Action.valueOf((String) c.get("action")),
                    Boolean.TRUE.equals(c.get("destructive")), (String) c.get("physicalId"), differences,
                    (List<String>) c.getOrDefault("forcesReplacement", List.of()), (List<String>) c.getOrDefault("forcedBy", List.of())));
        }
        List<Overridden> overridden = new ArrayList<>();
        for (Object o : (List<Object>) layer.getOrDefault("overridden", List.of())) {
            Map<String, Object> v = (Map<String, Object>) o;
            overridden.add(new Overridden((String) v.get("logicalId"), new Difference((String) v.get("path"), v.get("expected"), v.get("actual")),
                    (String) v.get("overrideId"), (String) v.get("cause")));
        }
        return new Plan(environment, name, changes, overridden, overridden(layer.getOrDefault("expiredOverrides", List.of())),
                (Map<String, String>) layer.getOrDefault("references", Map.of()));
    }

    @SuppressWarnings("unchecked")
    private static List<Overridden> overridden(Object entries) {
        List<Overridden> out = new ArrayList<>();
        for (Object o : (List<Object>) entries) {
            Map<String, Object> v = (Map<String, Object>) o;
            out.add(new Overridden((String) v.get("logicalId"), new Difference((String) v.get("path"), v.get("expected"), v.get("actual")),
                    (String) v.get("overrideId"), (String) v.get("cause")));
        }
        return out;
    }
}
