package com.qualisys.controlplane.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A plan or drift report over one or more layers: the document users and machines read.
 * Its JSON form is stable and described in docs/report-format.md.
 *
 * @param kind     "plan" or "drift"
 * @param apiCalls API calls the report cost, by Service.Operation
 * @param authors  who last changed each drifted resource, by logical id (drift reports; empty when unknown)
 */
public record Report(String environment, String kind, Instant generatedAt, List<Plan> layers, Map<String, Integer> apiCalls,
                     Map<String, ChangeAuthor> authors) {
    public Report {
        layers = List.copyOf(layers);
        apiCalls = Map.copyOf(apiCalls);
        authors = Map.copyOf(authors);
    }

    public Report(String environment, String kind, Instant generatedAt, List<Plan> layers, Map<String, Integer> apiCalls) {
        this(environment, kind, generatedAt, layers, apiCalls, Map.of());
    }

    public Report withAuthors(Map<String, ChangeAuthor> byLogicalId) {
        return new Report(environment, kind, generatedAt, layers, apiCalls, byLogicalId);
    }

    public int changeCount() {
        return layers.stream().mapToInt(p -> p.changes().size()).sum();
    }

    public boolean hasChanges() {
        return changeCount() > 0;
    }
}
