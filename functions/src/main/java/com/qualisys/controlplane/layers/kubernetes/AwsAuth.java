package com.qualisys.controlplane.layers.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aws-auth ConfigMap (kube-system) that maps IAM roles to Kubernetes users and groups:
 * the seed's three human/automation roles and the node role nodes join with. The account is
 * written {@value #ACCOUNT} on the desired side (desired is pure; the account is live data) and
 * filled in at apply; observe writes our own account back as the placeholder, so a mapping that
 * points at another account shows as drift.
 *
 * <p>The control plane owns both keys it writes: mapRoles (whole, as one YAML string) and
 * mapUsers, which it keeps empty: the seed maps roles only, so any user mapping is drift.
 */
public final class AwsAuth {
    public static final String ACCOUNT = "${accountId}";
    public static final String NODE_USERNAME = "system:node:{{EC2PrivateDNSName}}";
    public static final List<String> NODE_GROUPS = List.of("system:bootstrappers", "system:nodes");
    /** Per-person user names in the audit log: the role's name and the assumed-role session. */
    public static final String SESSION_USERNAME = "{{SessionName}}";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR));

    private AwsAuth() {}

    /** mapRoles entries (rolearn, username, groups), sorted by role ARN. */
    public static List<Map<String, Object>> desiredRoles(EnvironmentSpec spec) {
        List<Map<String, Object>> roles = new ArrayList<>();
        roles.add(entry(roleArn(ACCOUNT, spec.eks().nodeRole()), NODE_USERNAME, NODE_GROUPS));
        for (KubernetesSpec.AwsAuthMapping m : spec.kubernetes().awsAuth()) {
            roles.add(entry(roleArn(ACCOUNT, m.iamRole()), m.iamRole() + ":" + SESSION_USERNAME, List.of(m.group())));
        }
        return sorted(roles);
    }

    public static String roleArn(String account, String roleName) {
        return "arn:aws:iam::" + account + ":role/" + roleName;
    }

    /** The mapRoles value to write, with the real account. */
    public static String render(List<Map<String, Object>> roles, String account) {
        List<Map<String, Object>> concrete = new ArrayList<>();
        for (Map<String, Object> r : roles) {
            Map<String, Object> copy = new LinkedHashMap<>(r);
            copy.put("rolearn", String.valueOf(r.get("rolearn")).replace(ACCOUNT, account));
            concrete.add(copy);
        }
        try {
            return YAML.writeValueAsString(concrete);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Parses a live mapRoles (or mapUsers) value into sorted entries, our account replaced by the
     * placeholder. Text that is not a YAML list is reported as one entry holding it, so it shows
     * in the drift report rather than failing the check.
     */
    public static List<Map<String, Object>> parse(String yaml, String account) {
        if (yaml == null || yaml.isBlank()) return List.of();
        List<Map<String, Object>> entries;
        try {
            entries = YAML.readValue(yaml, new TypeReference<List<Map<String, Object>>>() {});
        } catch (JsonProcessingException e) {
            return List.of(Map.of("unparseable", yaml));
        }
        if (entries == null) return List.of();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> e : entries) {
            Map<String, Object> copy = new LinkedHashMap<>(e);
            Object arn = copy.get("rolearn");
            if (arn instanceof String s && account != null) copy.put("rolearn", s.replace(":" + account + ":", ":" + ACCOUNT + ":"));
            out.add(copy);
        }
        return sorted(out);
    }

    private static Map<String, Object> entry(String roleArn, String username, List<String> groups) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rolearn", roleArn);
        m.put("username", username);
        m.put("groups", List.copyOf(groups));
        return m;
    }

    private static List<Map<String, Object>> sorted(List<Map<String, Object>> entries) {
        List<Map<String, Object>> copy = new ArrayList<>(entries);
        copy.sort(Comparator.comparing((Map<String, Object> m) -> String.valueOf(m.get("rolearn")))
                .thenComparing(m -> String.valueOf(m.get("userarn")))
                .thenComparing(m -> String.valueOf(m)));
        return copy;
    }
}
