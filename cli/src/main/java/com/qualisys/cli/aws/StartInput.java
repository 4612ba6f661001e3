package com.qualisys.cli.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.handlers.StateMachines;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The input document of an execution started from the CLI: {@code {"environment": "<env>", ...}}
 * with the options each state machine reads. Checked here, before StartExecution, so that a typo
 * is an error naming the field instead of an execution that fails minutes later. Pure.
 */
public final class StartInput {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the Lock function reads from the input (it fills in the defaults): provision's AcquireLock ... */
    static final Set<String> PROVISION_FIELDS = Set.of("environment", "layers", "approveDestructive", "runDbInit");
    /** ... and drift-check's ResolveLayers. */
    static final Set<String> DRIFT_CHECK_FIELDS = Set.of("environment", "layers");

    private StartInput() {}

    /** The machines {@code start} runs; the response machines are started by their EventBridge rules. */
    public static StateMachines machine(String name) {
        StateMachines m = StateMachines.byName(name).orElseThrow(() -> new IllegalArgumentException(
                "no state machine \"" + name + "\"; start runs provision, drift-check or drift-check-all"));
        if (m != StateMachines.PROVISION && m != StateMachines.DRIFT_CHECK && m != StateMachines.DRIFT_CHECK_ALL) {
            throw new IllegalArgumentException(m.definitionName() + " is started by its EventBridge rule with the event it"
                    + " responds to; start runs provision, drift-check or drift-check-all");
        }
        return m;
    }

    /**
     * @param inputJson  the --input text, or null
     * @param layerNames the layers a {@code layers} list may name (those this build registers, as the Lock function does)
     */
    public static ObjectNode build(StateMachines machine, String environment, String inputJson, List<String> layerNames) {
        ObjectNode in;
        if (inputJson == null) {
            in = JSON.createObjectNode();
        } else {
            JsonNode parsed;
            try {
                parsed = JSON.readTree(inputJson);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("--input is not JSON: " + e.getOriginalMessage());
            }
            if (parsed == null || !parsed.isObject()) throw new IllegalArgumentException("--input must be a JSON object, got: " + inputJson);
            in = (ObjectNode) parsed;
        }
        if (machine == StateMachines.DRIFT_CHECK_ALL) return allEnvironments(in, layerNames);
        JsonNode given = in.get("environment");
        if (given != null && !(given.isTextual() && given.asText().equals(environment))) {
            throw new IllegalArgumentException("--input environment " + given + " differs from --env " + environment);
        }
        in.put("environment", environment);
        Set<String> allowed = machine == StateMachines.PROVISION ? PROVISION_FIELDS : DRIFT_CHECK_FIELDS;
        Iterator<Map.Entry<String, JsonNode>> fields = in.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!allowed.contains(f.getKey())) {
                throw new IllegalArgumentException("--input " + f.getKey() + " is not an input of " + machine.definitionName()
                        + "; its input fields: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        for (String flag : List.of("approveDestructive", "runDbInit")) {
            if (in.has(flag) && !in.get(flag).isBoolean()) {
                throw new IllegalArgumentException("--input " + flag + " must be true or false, got " + in.get(flag));
            }
        }
        if (in.has("layers")) checkLayers(in.get("layers"), layerNames);
        return in;
    }

    /** drift-check-all reads only "environments" (default: every environment) and "layers" (default: all); --env does not apply. */
    private static ObjectNode allEnvironments(ObjectNode in, List<String> layerNames) {
        Iterator<Map.Entry<String, JsonNode>> fields = in.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (!f.getKey().equals("environments") && !f.getKey().equals("layers")) {
                throw new IllegalArgumentException("--input " + f.getKey() + " is not an input of drift-check-all; its input fields: environments, layers");
            }
        }
        if (in.has("layers")) checkLayers(in.get("layers"), layerNames);
        JsonNode envs = in.get("environments");
        if (envs != null && (!envs.isArray() || envs.isEmpty() || !java.util.stream.StreamSupport.stream(envs.spliterator(), false).allMatch(JsonNode::isTextual))) {
            throw new IllegalArgumentException("--input environments must be a non-empty list of environment names, got " + envs);
        }
        return in;
    }

    private static void checkLayers(JsonNode layers, List<String> layerNames) {
        if (!layers.isArray() || layers.isEmpty()) {
            throw new IllegalArgumentException("--input layers must be a non-empty list of layer names, got " + layers);
        }
        for (int i = 0; i < layers.size(); i++) {
            JsonNode l = layers.get(i);
            if (!l.isTextual() || !layerNames.contains(l.asText())) {
                throw new IllegalArgumentException("--input layers[" + i + "] " + l + " is not a layer; layers: "
                        + String.join(", ", layerNames));
            }
        }
    }
}
