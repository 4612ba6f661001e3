package com.qualisys.controlplane.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.argument.StructuredArguments;

/**
 * One structured log line per change an apply made: environment, layer, logical id, resource kind,
 * action, and the AWS API calls the change took (all, and the mutating ones). In Lambda the
 * Powertools JSON layout writes them as top-level fields beside the invocation's correlation id (the
 * execution name). Only names and counts: never an attribute value, which may be a secret.
 */
public final class ChangeLog {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeLog.class);

    private ChangeLog() {}

    public static void applied(String environment, String layer, String logicalId, String kind, String action, int calls,
                               int mutatingCalls) {
        if (!LOG.isInfoEnabled()) return;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("environment", environment);
        fields.put("layer", layer);
        fields.put("logicalId", logicalId);
        fields.put("kind", kind);
        fields.put("action", action);
        fields.put("apiCalls", calls);
        fields.put("mutatingApiCalls", mutatingCalls);
        // The message is built here: the only argument is the fields, which the JSON layout writes as members.
        LOG.info("applied " + action + " " + logicalId + " in " + environment, StructuredArguments.entries(fields));
    }
}
