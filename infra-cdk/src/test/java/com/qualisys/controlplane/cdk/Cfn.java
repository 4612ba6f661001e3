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

    /**
     * A resource value as the ARN text it stands for: Fn::Join joined, a Ref as ${Name} (the pseudo
     * parameters as CloudFormation writes them), a literal as itself. Lets a test compare a policy's
     * resources as whole values instead of looking for substrings in the template.
     */
    static String text(Object value) {
        if (value instanceof String s) return s;
        if (value instanceof Map<?, ?> m) {
            if (m.get("Ref") instanceof String ref) return "${" + ref + "}";
            if (m.get("Fn::Join") instanceof List<?> join && join.size() == 2) {
                StringBuilder out = new StringBuilder();
                List<Object> parts = list(join.get(1));
                for (int i = 0; i < parts.size(); i++) {
                    if (i > 0) out.append(join.get(0));
                    out.append(text(parts.get(i)));
                }
                return out.toString();
            }
        }
        throw new IllegalArgumentException("not an ARN expression this test reads: " + value);
    }

    /** The statement with this Sid among these, or a failure naming the Sids there are. */
    static Map<String, Object> statement(List<Map<String, Object>> statements, String sid) {
        return statements.stream().filter(s -> sid.equals(s.get("Sid"))).findFirst().orElseThrow(() -> new AssertionError(
                "no statement " + sid + "; there are " + statements.stream().map(s -> s.get("Sid")).toList()));
    }

    static List<String> resources(Map<String, Object> statement) {
        return list(statement.get("Resource")).stream().map(Cfn::text).toList();
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
