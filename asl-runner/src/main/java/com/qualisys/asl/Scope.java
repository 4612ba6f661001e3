package com.qualisys.asl;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a state's expressions read. In JSONPath, {@code $} is {@code input} (the effective input,
 * or the result for ResultSelector), {@code $$} the context object and {@code $name} a workflow
 * variable. In JSONata, {@code $states.input}, {@code $states.result},
 * {@code $states.errorOutput} and {@code $states.context}, and the variables.
 */
record Scope(JsonNode input, JsonNode context, Variables variables, JsonNode result, JsonNode errorOutput) {

    static Scope of(JsonNode input, JsonNode context, Variables variables) {
        return new Scope(input, context, variables, null, null);
    }

    /** The variable's value, or null when it has not been assigned. */
    JsonNode variable(String name) {
        return variables == null ? null : variables.lookup(name);
    }

    /** The same context and variables with other data for {@code $}. */
    Scope withInput(JsonNode data) {
        return new Scope(data, context, variables, result, errorOutput);
    }

    Scope withResult(JsonNode value) {
        return new Scope(input, context, variables, value, errorOutput);
    }

    Scope withErrorOutput(JsonNode value) {
        return new Scope(input, context, variables, result, value);
    }
}
