package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workflow variables ({@code Assign}) of one scope: the top-level states share one; each
 * Parallel branch and Map iteration has its own, which reads the enclosing scopes' variables
 * but whose own variables are invisible outside it. A state's assignments are applied together
 * when it finishes, so every expression of the state sees the values from the state's entry.
 */
final class Variables {
    private final Variables parent;
    private final Map<String, JsonNode> values = new ConcurrentHashMap<>();

    private Variables(Variables parent) {
        this.parent = parent;
    }

    static Variables root() {
        return new Variables(null);
    }

    /** A scope for a Parallel branch or a Map iteration. */
    Variables child() {
        return new Variables(this);
    }

    JsonNode lookup(String name) {
        JsonNode v = values.get(name);
        if (v != null) {
            return v;
        }
        return parent == null ? null : parent.lookup(name);
    }

    /** Applies a state's assignments, all at once. */
    void assign(Map<String, JsonNode> assignments) {
        values.putAll(assignments);
    }

    /** Every visible variable, inner scopes' values winning (for binding into JSONata). */
    ObjectNode visible() {
        ObjectNode out = parent == null ? JsonNodeFactory.instance.objectNode() : parent.visible();
        values.forEach(out::set);
        return out;
    }
}
