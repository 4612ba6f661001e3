package com.qualisys.controlplane.cdk.permissions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The policies a synthesized template gives each named role, as evaluable statements: the role's
 * inline Policies, every AWS::IAM::Policy that lists it, the AWS::IAM::ManagedPolicy resources in
 * its ManagedPolicyArns. CloudFormation intrinsics are resolved for one account and region (the
 * emulator's, where the calls were recorded). AWS managed policies and permissions boundaries
 * that are not in the template cannot be read offline and are listed in {@link #notEvaluable()}.
 */
public final class RolePolicies {
    private final Map<String, Object> resources;
    private final String account;
    private final String region;
    private final Map<String, List<PolicyEvaluator.Statement>> byRole = new TreeMap<>();
    private final Map<String, List<PolicyEvaluator.Statement>> boundaryByRole = new TreeMap<>();
    private final Map<String, String> arnByRole = new TreeMap<>();
    private final List<String> notEvaluable = new ArrayList<>();

    @SuppressWarnings("unchecked")
    public RolePolicies(Map<String, Object> template, String account, String region) {
        this.resources = (Map<String, Object>) template.get("Resources");
        this.account = account;
        this.region = region;
        resources.forEach((id, r) -> {
            Map<String, Object> resource = (Map<String, Object>) r;
            if (!"AWS::IAM::Role".equals(resource.get("Type"))) return;
            Map<String, Object> props = props(resource);
            String name = props.get("RoleName") == null ? id : String.valueOf(resolve(props.get("RoleName")));
            List<PolicyEvaluator.Statement> statements = new ArrayList<>();
            for (Object p : list(props.get("Policies"))) {
                Map<String, Object> inline = (Map<String, Object>) p;
                statements.addAll(statements(name + " inline " + inline.get("PolicyName"), inline.get("PolicyDocument")));
            }
            for (Object arn : list(props.get("ManagedPolicyArns"))) {
                String target = target(arn);
                if (target != null && resources.containsKey(target)) {
                    statements.addAll(statements(target, props((Map<String, Object>) resources.get(target)).get("PolicyDocument")));
                } else {
                    notEvaluable.add(name + ": managed policy " + resolve(arn) + " is not in the template (assumed to grant nothing)");
                }
            }
            resources.forEach((pid, pr) -> {
                Map<String, Object> policy = (Map<String, Object>) pr;
                if (!"AWS::IAM::Policy".equals(policy.get("Type"))) return;
                boolean attached = list(props(policy).get("Roles")).stream().anyMatch(ref -> id.equals(target(ref)));
                if (attached) statements.addAll(statements(pid, props(policy).get("PolicyDocument")));
            });
            byRole.put(name, statements);
            String path = props.get("Path") == null ? "/" : String.valueOf(resolve(props.get("Path")));
            arnByRole.put(name, "arn:aws:iam::" + account + ":role" + path + name);
            Object boundary = props.get("PermissionsBoundary");
            if (boundary != null) {
                String target = target(boundary);
                if (target != null && resources.containsKey(target)) {
                    boundaryByRole.put(name, statements(target, props((Map<String, Object>) resources.get(target)).get("PolicyDocument")));
                } else {
                    notEvaluable.add(name + ": permissions boundary " + resolve(boundary) + " is not in the template");
                }
            }
        });
    }

    /** The account the template's pseudo parameters were resolved for. */
    public String account() {
        return account;
    }

    public boolean hasRole(String name) {
        return byRole.containsKey(name);
    }

    /** The role's ARN in the account the template was resolved for. */
    public String roleArn(String role) {
        return arnByRole.get(role);
    }

    public List<String> roles() {
        return List.copyOf(byRole.keySet());
    }

    public List<PolicyEvaluator.Statement> statements(String role) {
        return byRole.getOrDefault(role, List.of());
    }

    /** The role's permissions boundary statements, or null when it has none. */
    public List<PolicyEvaluator.Statement> boundary(String role) {
        return boundaryByRole.get(role);
    }

    public List<String> notEvaluable() {
        return notEvaluable;
    }

    // ----- documents -----

    @SuppressWarnings("unchecked")
    private List<PolicyEvaluator.Statement> statements(String source, Object document) {
        List<PolicyEvaluator.Statement> out = new ArrayList<>();
        for (Object o : list(((Map<String, Object>) document).get("Statement"))) {
            Map<String, Object> s = (Map<String, Object>) o;
            Map<String, Map<String, List<String>>> conditions = new LinkedHashMap<>();
            ((Map<String, Object>) s.getOrDefault("Condition", Map.of())).forEach((op, byKey) -> {
                Map<String, List<String>> keys = new LinkedHashMap<>();
                ((Map<String, Object>) byKey).forEach((k, v) -> keys.put(k, strings(v)));
                conditions.put(op, keys);
            });
            out.add(new PolicyEvaluator.Statement(source, (String) s.get("Sid"), "Allow".equals(s.get("Effect")),
                    strings(s.get("Action")), strings(s.get("NotAction")), strings(s.get("Resource")),
                    strings(s.get("NotResource")), conditions));
        }
        return out;
    }

    private List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        for (Object v : list(value)) out.add(String.valueOf(resolve(v)));
        return out;
    }

    // ----- intrinsics -----

    @SuppressWarnings("unchecked")
    Object resolve(Object value) {
        if (!(value instanceof Map<?, ?> m)) return value;
        if (m.containsKey("Ref")) return ref((String) m.get("Ref"));
        if (m.containsKey("Fn::GetAtt")) {
            List<Object> att = (List<Object>) m.get("Fn::GetAtt");
            return getAtt((String) att.get(0), (String) att.get(1));
        }
        if (m.containsKey("Fn::Join")) {
            List<Object> join = (List<Object>) m.get("Fn::Join");
            StringBuilder b = new StringBuilder();
            List<Object> parts = list(join.get(1));
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) b.append(join.get(0));
                b.append(resolve(parts.get(i)));
            }
            return b.toString();
        }
        if (m.containsKey("Fn::Select")) {
            List<Object> sel = (List<Object>) m.get("Fn::Select");
            List<Object> from = list(resolve(sel.get(1)));
            return resolve(from.get(Integer.parseInt(String.valueOf(sel.get(0)))));
        }
        if (m.containsKey("Fn::Split")) {
            List<Object> split = (List<Object>) m.get("Fn::Split");
            return List.of(String.valueOf(resolve(split.get(1))).split(java.util.regex.Pattern.quote((String) split.get(0)), -1));
        }
        throw new IllegalArgumentException("intrinsic not resolved offline: " + m.keySet());
    }

    @SuppressWarnings("unchecked")
    private String ref(String id) {
        switch (id) {
            case "AWS::Partition": return "aws";
            case "AWS::Region": return region;
            case "AWS::AccountId": return account;
            case "AWS::URLSuffix": return "amazonaws.com";
            case "AWS::StackName": return "QualisysControlPlane";
            default: break;
        }
        Map<String, Object> r = (Map<String, Object>) resources.get(id);
        if (r == null) return "<" + id + ">";
        Map<String, Object> p = props(r);
        return switch ((String) r.get("Type")) {
            case "AWS::SNS::Topic" -> "arn:aws:sns:" + region + ":" + account + ":" + name(p, "TopicName", id);
            case "AWS::S3::Bucket" -> name(p, "BucketName", id);
            case "AWS::DynamoDB::Table" -> name(p, "TableName", id);
            case "AWS::Logs::LogGroup" -> name(p, "LogGroupName", id);
            case "AWS::IAM::Role" -> name(p, "RoleName", id);
            case "AWS::IAM::ManagedPolicy" -> "arn:aws:iam::" + account + ":policy" + name(p, "Path", "/") + name(p, "ManagedPolicyName", id);
            case "AWS::StepFunctions::StateMachine" -> "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name(p, "StateMachineName", id);
            case "AWS::Lambda::Function" -> name(p, "FunctionName", id);
            default -> "<" + id + ">";
        };
    }

    @SuppressWarnings("unchecked")
    private String getAtt(String id, String attribute) {
        Map<String, Object> r = (Map<String, Object>) resources.get(id);
        if (r == null) return "<" + id + "." + attribute + ">";
        Map<String, Object> p = props(r);
        String type = (String) r.get("Type");
        if (!attribute.equals("Arn") && !attribute.equals("TopicArn")) return "<" + id + "." + attribute + ">";
        return switch (type) {
            case "AWS::S3::Bucket" -> "arn:aws:s3:::" + name(p, "BucketName", id);
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:" + region + ":" + account + ":table/" + name(p, "TableName", id);
            case "AWS::Logs::LogGroup" -> "arn:aws:logs:" + region + ":" + account + ":log-group:" + name(p, "LogGroupName", id) + ":*";
            case "AWS::IAM::Role" -> "arn:aws:iam::" + account + ":role" + name(p, "Path", "/") + name(p, "RoleName", id);
            case "AWS::SNS::Topic" -> ref(id);
            case "AWS::KMS::Key" -> "arn:aws:kms:" + region + ":" + account + ":key/" + id;
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + region + ":" + account + ":" + name(p, "QueueName", id);
            case "AWS::Lambda::Function" -> "arn:aws:lambda:" + region + ":" + account + ":function:" + name(p, "FunctionName", id);
            default -> "<" + id + ".Arn>";
        };
    }

    private String name(Map<String, Object> props, String key, String otherwise) {
        Object v = props.get(key);
        return v == null ? otherwise : String.valueOf(resolve(v));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> props(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
    }

    private static String target(Object value) {
        if (value instanceof Map<?, ?> m) {
            if (m.get("Ref") instanceof String id) return id;
            if (m.get("Fn::GetAtt") instanceof List<?> l && !l.isEmpty()) return (String) l.get(0);
        }
        return null;
    }

    static List<Object> list(Object value) {
        if (value == null) return List.of();
        return value instanceof List<?> l ? new ArrayList<>(l) : List.of(value);
    }
}
