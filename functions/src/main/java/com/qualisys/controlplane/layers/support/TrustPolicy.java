package com.qualisys.controlplane.layers.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * IAM trust policies in a canonical, comparable form: a list of statements, each a sorted map
 * of Effect, Action (sorted list), Principal (type to sorted list) and Condition (operator to
 * key to value). Managed principals appear as {@code ref:<logical-id>}, and condition keys that
 * start with the OIDC issuer of the statement's Federated principal start with {@value #ISSUER}
 * instead, so a desired policy written before the cluster exists compares with the live one.
 * Pure: no I/O.
 */
public final class TrustPolicy {
    public static final String ISSUER = "{issuer}";
    private static final String OIDC_PROVIDER = ":oidc-provider/";
    private static final ObjectMapper JSON = Json.mapper();

    private TrustPolicy() {}

    /** Trust for an AWS service principal such as ec2.amazonaws.com. */
    public static List<Map<String, Object>> service(String servicePrincipal) {
        Map<String, Object> s = new TreeMap<>();
        s.put("Effect", "Allow");
        s.put("Action", List.of("sts:AssumeRole"));
        s.put("Principal", new TreeMap<>(Map.of("Service", List.of(servicePrincipal))));
        return List.of(s);
    }

    /**
     * IRSA trust: only the given Kubernetes service account, through the cluster's OIDC provider,
     * with the STS audience.
     */
    public static List<Map<String, Object>> serviceAccount(String providerRef, String namespace, String serviceAccount) {
        Map<String, Object> s = new TreeMap<>();
        s.put("Effect", "Allow");
        s.put("Action", List.of("sts:AssumeRoleWithWebIdentity"));
        s.put("Principal", new TreeMap<>(Map.of("Federated", List.of(providerRef))));
        Map<String, Object> equals = new TreeMap<>();
        equals.put(ISSUER + ":aud", "sts.amazonaws.com");
        equals.put(ISSUER + ":sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
        s.put("Condition", new TreeMap<>(Map.of("StringEquals", equals)));
        return List.of(s);
    }

    /** The policy document to send to IAM: refs resolved to ARNs, {issuer} to the provider's issuer. */
    public static String render(List<Map<String, Object>> statements, Function<Object, String> resolve) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("Version", "2012-10-17");
        ArrayNode out = doc.putArray("Statement");
        for (Map<String, Object> s : statements) {
            ObjectNode st = out.addObject();
            st.put("Effect", (String) s.get("Effect"));
            ArrayNode actions = st.putArray("Action");
            strings(s.get("Action")).forEach(actions::add);
            String issuer = null;
            ObjectNode principal = st.putObject("Principal");
            for (Map.Entry<String, Object> p : map(s.get("Principal")).entrySet()) {
                ArrayNode values = principal.putArray(p.getKey());
                for (String v : strings(p.getValue())) {
                    String resolved = resolve.apply(v);
                    if (p.getKey().equals("Federated") && resolved.contains(OIDC_PROVIDER)) issuer = issuerOf(resolved);
                    values.add(resolved);
                }
            }
            if (s.get("Condition") != null) {
                ObjectNode condition = st.putObject("Condition");
                for (Map.Entry<String, Object> op : map(s.get("Condition")).entrySet()) {
                    ObjectNode keys = condition.putObject(op.getKey());
                    for (Map.Entry<String, Object> k : map(op.getValue()).entrySet()) {
                        String key = k.getKey();
                        if (key.startsWith(ISSUER)) {
                            if (issuer == null) throw new IllegalArgumentException("condition key " + key + " needs a Federated OIDC principal");
                            key = issuer + key.substring(ISSUER.length());
                        }
                        if (k.getValue() instanceof List<?> l) {
                            ArrayNode a = keys.putArray(key);
                            l.forEach(v -> a.add(String.valueOf(v)));
                        } else {
                            keys.put(key, String.valueOf(k.getValue()));
                        }
                    }
                }
            }
        }
        return doc.toString();
    }

    /** A live document (as IAM returns it, possibly URL-encoded) in canonical form. */
    public static List<Map<String, Object>> canonical(String document, Function<String, String> refOrRaw) {
        JsonNode doc = parse(document);
        JsonNode statements = doc.path("Statement");
        List<Map<String, Object>> out = new ArrayList<>();
        if (statements.isObject()) {
            out.add(statement(statements, refOrRaw));
        } else {
            for (JsonNode s : statements) out.add(statement(s, refOrRaw));
        }
        return out;
    }

    /** The issuer path of an OIDC provider ARN ("oidc.eks.us-east-1.amazonaws.com/id/ABC"). */
    public static String issuerOf(String providerArn) {
        int at = providerArn.indexOf(OIDC_PROVIDER);
        return at < 0 ? providerArn : providerArn.substring(at + OIDC_PROVIDER.length());
    }

    private static Map<String, Object> statement(JsonNode s, Function<String, String> refOrRaw) {
        Map<String, Object> out = new TreeMap<>();
        out.put("Effect", s.path("Effect").asText());
        out.put("Action", sortedStrings(s.get("Action")));
        if (s.has("Sid")) out.put("Sid", s.get("Sid").asText());
        String issuer = null;
        Map<String, Object> principal = new TreeMap<>();
        JsonNode p = s.get("Principal");
        if (p != null && p.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                List<String> values = new ArrayList<>();
                for (String v : sortedStrings(e.getValue())) {
                    if (e.getKey().equals("Federated") && v.contains(OIDC_PROVIDER)) issuer = issuerOf(v);
                    values.add(refOrRaw.apply(v));
                }
                values.sort(null);
                principal.put(e.getKey(), values);
            }
        } else if (p != null) {
            principal.put("*", List.of(p.asText()));
        }
        out.put("Principal", principal);
        JsonNode c = s.get("Condition");
        if (c != null && c.isObject()) {
            Map<String, Object> condition = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> ops = c.fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                Map<String, Object> keys = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> ks = op.getValue().fields(); ks.hasNext(); ) {
                    Map.Entry<String, JsonNode> k = ks.next();
                    String key = issuer != null && k.getKey().startsWith(issuer + ":") ? ISSUER + k.getKey().substring(issuer.length()) : k.getKey();
                    List<String> values = sortedStrings(k.getValue());
                    keys.put(key, values.size() == 1 ? values.get(0) : values);
                }
                condition.put(op.getKey(), keys);
            }
            out.put("Condition", condition);
        }
        return out;
    }

    private static JsonNode parse(String document) {
        String text = document.trim().startsWith("%") ? URLDecoder.decode(document, StandardCharsets.UTF_8) : document;
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("trust policy is not JSON: " + e.getMessage(), e);
        }
    }

    private static List<String> sortedStrings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) return out;
        if (node.isArray()) node.forEach(n -> out.add(n.asText()));
        else out.add(node.asText());
        out.sort(null);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object o) {
        return o instanceof List<?> l ? (List<String>) l : List.of(String.valueOf(o));
    }
}
