package com.qualisys.controlplane.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A plan or drift report over one or more layers: the document users and machines read.
 * Its JSON form is stable and described in docs/report-format.md.
 *
 * @param kind       "plan" or "drift"
 * @param apiCalls   API calls the report cost, by Service.Operation
 * @param notChecked layers that could not be planned or checked, and why: the report is incomplete
 * @param authors    who last changed each drifted resource, by logical id (drift reports; empty when unknown)
 */
public record Report(String environment, String kind, Instant generatedAt, List<Plan> layers, Map<String, Integer> apiCalls,
                     List<LayerFailure> notChecked, Map<String, ChangeAuthor> authors) {
    public Report {
        layers = List.copyOf(layers);
        apiCalls = Map.copyOf(apiCalls);
        notChecked = List.copyOf(notChecked);
        authors = Map.copyOf(authors);
    }

    public Report(String environment, String kind, Instant generatedAt, List<Plan> layers, Map<String, Integer> apiCalls,
                  List<LayerFailure> notChecked) {
        this(environment, kind, generatedAt, layers, apiCalls, notChecked, Map.of());
    }

    public Report(String environment, String kind, Instant generatedAt, List<Plan> layers, Map<String, Integer> apiCalls) {
        this(environment, kind, generatedAt, layers, apiCalls, List.of());
    }

    public Report withAuthors(Map<String, ChangeAuthor> byLogicalId) {
        return new Report(environment, kind, generatedAt, layers, apiCalls, notChecked, byLogicalId);
    }

    /** Whether every layer asked for was planned or checked. */
    public boolean isComplete() {
        return notChecked.isEmpty();
    }

    public int changeCount() {
        return layers.stream().mapToInt(p -> p.changes().size()).sum();
    }

    public boolean hasChanges() {
        return changeCount() > 0;
    }
}
