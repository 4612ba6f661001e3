package com.qualisys.controlplane.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/** Reading a synthesized template as plain maps, for assertions the Match API makes clumsy. */
final class Cfn {
    private Cfn() {}

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> resources(Template template, String type) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        Map<String, Object> all = (Map<String, Object>) template.toJSON().get("Resources");
        all.forEach((id, r) -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            if (type.equals(resource.get("Type"))) out.put(id, resource);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> props(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> resource(Template template, String logicalId) {
        Map<String, Object> all = (Map<String, Object>) template.toJSON().get("Resources");
        Object r = all.get(logicalId);
        if (r == null) throw new AssertionError("no resource " + logicalId + " in the template");
        return (Map<String, Object>) r;
    }

    static String logicalId(IConstruct construct) {
        IConstruct c = construct;
        if (!(c instanceof CfnElement)) c = construct.getNode().getDefaultChild();
        return Stack.of(construct).getLogicalId((CfnElement) c);
    }

    static Map<String, Object> ref(IConstruct construct) {
        return Map.of("Ref", logicalId(construct));
    }

    static Map<String, Object> getAtt(IConstruct construct, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId(construct), attribute));
    }

    /** The logical id a {"Ref": id} or {"Fn::GetAtt": [id, ...]} points at, or null. */
    @SuppressWarnings("unchecked")
    static String target(Object value) {
        if (value instanceof Map<?, ?> m) {
            if (m.get("Ref") instanceof String id) return id;
            if (m.get("Fn::GetAtt") instanceof List<?> l && !l.isEmpty()) return (String) l.get(0);
        }
        return null;
    }

    /** Every statement of every AWS::IAM::Policy and AWS::IAM::ManagedPolicy attached to the role. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statementsOf(Template template, String roleLogicalId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> policy : resources(template, "AWS::IAM::Policy").values()) {
            List<Object> roles = (List<Object>) props(policy).getOrDefault("Roles", List.of());
            if (roles.contains(Map.of("Ref", roleLogicalId))) {
                out.addAll((List<Map<String, Object>>) ((Map<String, Object>) props(policy).get("PolicyDocument")).get("Statement"));
            }
        }
        Map<String, Object> role = resource(template, roleLogicalId);
        for (Object arn : (List<Object>) props(role).getOrDefault("ManagedPolicyArns", List.of())) {
            String managed = target(arn);
            if (managed == null) continue;
            Map<String, Object> policy = resource(template, managed);
            out.addAll((List<Map<String, Object>>) ((Map<String, Object>) props(policy).get("PolicyDocument")).get("Statement"));
        }
        return out;
    }

    static List<Object> list(Object value) {
        if (value == null) return List.of();
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of(value);
    }

    @SuppressWarnings("unchecked")
    static List<String> actions(Map<String, Object> statement) {
        return (List<String>) (List<?>) list(statement.get("Action"));
    }
}
