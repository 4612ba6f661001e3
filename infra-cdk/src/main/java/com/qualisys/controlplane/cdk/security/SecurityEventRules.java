package com.qualisys.controlplane.cdk.security;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.events.security.SecurityEventPatterns;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SfnStateMachine;
import software.amazon.awscdk.services.events.targets.SfnStateMachineProps;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The EventBridge rules (the hub's bus, where the spokes forward) of {@link SecurityEventPatterns}, for
 * every managed environment, each matching the environment's own {@code account} and starting the
 * security-response state machine with {@code {"environment": "<env>", "event": <the CloudTrail event>}}:
 * one event, one execution, for the environment whose account it happened in. Deliveries that fail after EventBridge's retries land in the
 * shared dead-letter queue.
 */
public final class SecurityEventRules extends Construct {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LIST_FIELDS = Set.of("source", "detail-type", "account", "region", "resources");
    private final Map<String, Rule> rules = new LinkedHashMap<>();

    public SecurityEventRules(Construct scope, String id, List<EnvironmentSpec> environments, IEventBus bus, IStateMachine target,
                              IQueue deadLetters) {
        super(scope, id);
        for (EnvironmentSpec env : environments) {
            for (SecurityEventPatterns.EventRule r : SecurityEventPatterns.rules(env)) {
                if (rules.containsKey(r.name())) throw new IllegalArgumentException("two security rules are named " + r.name());
                Rule rule = Rule.Builder.create(this, r.name())
                        .ruleName(r.name())
                        .description(r.description())
                        .eventBus(bus)
                        .eventPattern(toEventPattern(r.name(), SecurityEventPatterns.inAccount(r, env)))
                        .build();
                rule.addTarget(new SfnStateMachine(target, SfnStateMachineProps.builder()
                        .input(RuleTargetInput.fromObject(Map.of(
                                "environment", env.environment(), "event", EventField.fromPath("$"))))
                        .deadLetterQueue(deadLetters)
                        .retryAttempts(8)
                        .maxEventAge(Duration.hours(2))
                        .build()));
                rules.put(r.name(), rule);
            }
        }
    }

    /** Parses one pattern (EventBridge JSON) into the CDK's EventPattern; anything unmapped is an error. */
    @SuppressWarnings("unchecked")
    public static EventPattern toEventPattern(String name, String json) {
        Map<String, Object> fields;
        try {
            fields = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("security event pattern " + name + " is not a JSON object: "
                    + e.getMessage(), e);
        }
        Set<String> unknown = new TreeSet<>(fields.keySet());
        unknown.removeAll(LIST_FIELDS);
        unknown.remove("detail");
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("security event pattern " + name + " has fields " + unknown
                    + " the CDK app does not map; it maps " + new TreeSet<>(LIST_FIELDS) + " and detail");
        }
        EventPattern.Builder b = EventPattern.builder();
        if (fields.containsKey("source")) b.source(strings(name, "source", fields.get("source")));
        if (fields.containsKey("detail-type")) b.detailType(strings(name, "detail-type", fields.get("detail-type")));
        if (fields.containsKey("account")) b.account(strings(name, "account", fields.get("account")));
        if (fields.containsKey("region")) b.region(strings(name, "region", fields.get("region")));
        if (fields.containsKey("resources")) b.resources(strings(name, "resources", fields.get("resources")));
        if (fields.get("detail") instanceof Map<?, ?> detail) b.detail((Map<String, Object>) detail);
        return b.build();
    }

    private static List<String> strings(String name, String field, Object value) {
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException("security event pattern " + name + ": " + field + " " + value
                + " must be a list of strings");
    }

    public Map<String, Rule> rules() {
        return rules;
    }
}
