package com.qualisys.controlplane.layers.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.json.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * IAM-style policy documents (identity, trust, bucket and topic policies) in a canonical form, so
 * that two documents that mean the same compare equal: statement order, list order, duplicate
 * entries, a single value versus a one-element list, {@code "*"} versus {@code {"AWS":"*"}}, the
 * case of action names and condition keys, a bare account id versus its root ARN, and Sids do not
 * matter. Documents as IAM returns them (URL-encoded) are decoded first. Pure: no I/O.
 *
 * <p>The canonical form is plain data ({@code Map}/{@code List}/{@code String}) so it can be a
 * resource attribute: {@code {"Version": ..., "Statement": [sorted canonical statements]}}.
 * Statements are a list, which the engine compares exactly, so an added statement is drift.
 *
 * <p>Documents the control plane builds may contain {@link #ACCOUNT_ID}; it stands for the account
 * the credentials belong to. {@link #render} fills it in before a document is sent;
 * {@link #observed} puts it back into a live document, so desired and live compare without the
 * spec having to know the account id. Another account's id stays visible as drift, and an
 * account id that is merely part of a name (a bucket called logs-123456789012) is left alone.
 */
public final class PolicyDocument {
    /** Placeholder for the caller's account id in documents the control plane builds. */
    public static final String ACCOUNT_ID = "{{AccountId}}";
    /**
     * Placeholder for the issuer of the statement's Federated OIDC provider at the start of a
     * condition key ("{issuer}:sub"), so a trust policy can be written before the cluster exists.
     */
    public static final String OIDC_ISSUER = "{issuer}";
    private static final String OIDC_PROVIDER = ":oidc-provider/";
    /** IAM's default when a document has no Version element. */
    static final String LEGACY_VERSION = "2008-10-17";

    private static final ObjectMapper JSON = Json.mapper();
    private static final Pattern BARE_ACCOUNT = Pattern.compile("\\d{12}");
    private static final List<String> LIST_ELEMENTS = List.of("Action", "NotAction", "Resource", "NotResource");
    private static final List<String> PRINCIPAL_ELEMENTS = List.of("Principal", "NotPrincipal");

    private PolicyDocument() {}

    /**
     * Parses a document as written or as IAM returns it (RFC 3986 URL-encoded JSON). Errors say what
     * is wrong without echoing the document.
     */
    public static Map<String, Object> parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("policy document is empty");
        String json = text.strip();
        if (!json.startsWith("{")) json = URLDecoder.decode(json, StandardCharsets.UTF_8);
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) throw new IllegalArgumentException("policy document is not a JSON object");
            return asMap(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("policy document is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The canonical form of a parsed document (see the class comment). */
    public static Map<String, Object> canonical(Map<String, Object> document) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object version = document.get("Version");
        out.put("Version", version == null ? LEGACY_VERSION : version.toString());
        Object statements = document.get("Statement");
        List<Object> list = statements instanceof List<?> l ? new ArrayList<>(l) : statements == null ? List.of() : List.of(statements);
        TreeMap<String, Map<String, Object>> sorted = new TreeMap<>();
        for (Object s : list) {
            if (!(s instanceof Map<?, ?> m)) throw new IllegalArgumentException("policy statement is not a JSON object");
            Map<String, Object> c = canonicalStatement(cast(m));
            sorted.put(toJson(c), c);
        }
        out.put("Statement", new ArrayList<>(sorted.values()));
        return out;
    }

    /** Parse and canonicalise a document as the spec or IAM holds it. */
    public static Map<String, Object> canonical(String text) {
        return canonical(parse(text));
    }

    /**
     * A live document in the vocabulary of the desired side. When it means the same as
     * {@code desired} once {@link #ACCOUNT_ID} is filled in with the caller's account, it is
     * reported as {@code desired} itself (as refs are for physical ids). Otherwise it is reported
     * canonical, with the caller's account id shown as {@link #ACCOUNT_ID} only where it stands
     * for the account (the account field of an ARN, or a whole value such as aws:SourceAccount),
     * so the difference is readable and another account's id stays visible.
     *
     * @param desired the desired canonical document, or null when there is none
     */
    public static Map<String, Object> observed(String liveText, String accountId, Map<String, Object> desired) {
        Map<String, Object> live = canonical(parse(liveText));
        if (desired != null && accountId != null && live.equals(canonical(cast((Map<?, ?>) withAccount(desired, ACCOUNT_ID, accountId))))) {
            return desired;
        }
        return canonical(cast((Map<?, ?>) accountAbstracted(live, accountId)));
    }

    /**
     * A live document in the vocabulary of the desired side, for a desired document that may hold
     * refs and {@link #OIDC_ISSUER} as well: {@code concrete} is the desired document as it would be
     * sent ({@link #concrete}), or null when it cannot be made yet (a ref not created).
     */
    public static Map<String, Object> observed(String liveText, String accountId, Map<String, Object> desired,
                                               Map<String, Object> concrete) {
        Map<String, Object> live = canonical(parse(liveText));
        if (desired != null && concrete != null && live.equals(canonical(concrete))) return desired;
        return canonical(cast((Map<?, ?>) accountAbstracted(live, accountId)));
    }

    /**
     * The document as AWS takes it: {@link #ACCOUNT_ID} replaced by the account id, every
     * {@code ref:<logical-id>} value resolved to its physical id, and a condition key that starts
     * with {@link #OIDC_ISSUER} given the issuer of the statement's Federated OIDC provider.
     */
    public static Map<String, Object> concrete(Map<String, Object> document, String accountId, Function<String, String> resolve) {
        Map<String, Object> out = cast((Map<?, ?>) resolved(withAccount(document, ACCOUNT_ID, accountId), resolve));
        Object statements = out.get("Statement");
        List<Object> list = statements instanceof List<?> l ? new ArrayList<>(l) : statements == null ? List.of() : List.of(statements);
        List<Object> withIssuer = new ArrayList<>();
        for (Object s : list) withIssuer.add(s instanceof Map<?, ?> m ? withTrustActionsSpelled(withIssuer(cast(m))) : s);
        out.put("Statement", withIssuer);
        return out;
    }

    /**
     * IAM validates a trust policy's actions against their documented spelling (MalformedPolicyDocument
     * for "sts:assumerole"), though actions are case-insensitive everywhere else; the canonical form
     * lowercases them, so a canonical trust document gets the documented spelling back before it is sent.
     */
    private static Map<String, Object> withTrustActionsSpelled(Map<String, Object> statement) {
        Object actions = statement.get("Action");
        if (actions == null) return statement;
        Map<String, Object> out = new LinkedHashMap<>(statement);
        out.put("Action", actions instanceof List<?> l ? l.stream().map(PolicyDocument::spelled).toList() : spelled(actions));
        return out;
    }

    private static Object spelled(Object action) {
        return action instanceof String a ? STS_TRUST_ACTIONS.getOrDefault(a.toLowerCase(Locale.ROOT), a) : action;
    }

    private static final Map<String, String> STS_TRUST_ACTIONS = Map.of(
            "sts:assumerole", "sts:AssumeRole",
            "sts:assumerolewithsaml", "sts:AssumeRoleWithSAML",
            "sts:assumerolewithwebidentity", "sts:AssumeRoleWithWebIdentity",
            "sts:tagsession", "sts:TagSession",
            "sts:setsourceidentity", "sts:SetSourceIdentity");

    private static Object resolved(Object value, Function<String, String> resolve) {
        if (value instanceof String s) return s.startsWith(DesiredResource.REF) ? resolve.apply(s) : s;
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), resolved(v, resolve)));
            return out;
        }
        if (value instanceof List<?> l) return l.stream().map(v -> resolved(v, resolve)).toList();
        return value;
    }

    private static Map<String, Object> withIssuer(Map<String, Object> statement) {
        if (!(statement.get("Condition") instanceof Map<?, ?> condition)) return statement;
        String issuer = null;
        if (statement.get("Principal") instanceof Map<?, ?> p) {
            for (String federated : strings(p.get("Federated"))) {
                int at = federated.indexOf(OIDC_PROVIDER);
                if (at >= 0) issuer = federated.substring(at + OIDC_PROVIDER.length());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>(statement);
        Map<String, Object> ops = new LinkedHashMap<>();
        for (Map.Entry<?, ?> op : condition.entrySet()) {
            if (!(op.getValue() instanceof Map<?, ?> keys)) {
                ops.put(String.valueOf(op.getKey()), op.getValue());
                continue;
            }
            Map<String, Object> renamed = new LinkedHashMap<>();
            for (Map.Entry<?, ?> k : keys.entrySet()) {
                String key = String.valueOf(k.getKey());
                if (key.startsWith(OIDC_ISSUER)) {
                    if (issuer == null) throw new IllegalArgumentException("condition key " + key + " needs a Federated OIDC provider principal");
                    key = issuer + key.substring(OIDC_ISSUER.length());
                }
                renamed.put(key, k.getValue());
            }
            ops.put(String.valueOf(op.getKey()), renamed);
        }
        out.put("Condition", ops);
        return out;
    }

    /** The JSON to send to AWS: {@link #ACCOUNT_ID} replaced by the real account id. */
    public static String render(Map<String, Object> document, String accountId) {
        return toJson(withAccount(document, ACCOUNT_ID, accountId));
    }

    /** Whether two documents (text as written or as IAM returns it) mean the same. */
    public static boolean equivalent(String a, String b) {
        return canonical(a).equals(canonical(b));
    }

    public static String toJson(Object value) {
        try {
            return Json.sortedKeys().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> canonicalStatement(Map<String, Object> statement) {
        Map<String, Object> out = new LinkedHashMap<>();
        // Sid only names a statement; it never changes what the statement allows or denies.
        out.put("Effect", String.valueOf(statement.get("Effect")));
        for (String key : PRINCIPAL_ELEMENTS) {
            if (statement.containsKey(key)) out.put(key, principal(statement.get(key)));
        }
        for (String key : LIST_ELEMENTS) {
            if (!statement.containsKey(key)) continue;
            boolean action = key.endsWith("Action");
            TreeSet<String> values = new TreeSet<>();
            for (String v : strings(statement.get(key))) values.add(action ? v.toLowerCase(Locale.ROOT) : v);
            out.put(key, new ArrayList<>(values));
        }
        Object condition = statement.get("Condition");
        if (condition instanceof Map<?, ?> c && !c.isEmpty()) out.put("Condition", condition(cast(c)));
        for (Map.Entry<String, Object> e : statement.entrySet()) {
            // Elements IAM does not know are kept verbatim so a change to them is still visible.
            if (!out.containsKey(e.getKey()) && !e.getKey().equals("Sid") && !e.getKey().equals("Condition")) {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static Map<String, Object> principal(Object value) {
        Map<String, Object> out = new TreeMap<>();
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                TreeSet<String> ids = new TreeSet<>();
                for (String id : strings(e.getValue())) ids.add(principalId(String.valueOf(e.getKey()), id));
                out.put(String.valueOf(e.getKey()), new ArrayList<>(ids));
            }
        } else {
            // "Principal": "*" is the same as {"AWS": "*"}.
            out.put("AWS", List.of(String.valueOf(value)));
        }
        return out;
    }

    /** IAM stores a bare account id principal as that account's root ARN. */
    private static String principalId(String type, String id) {
        if (type.equals("AWS") && BARE_ACCOUNT.matcher(id).matches()) return "arn:aws:iam::" + id + ":root";
        return id;
    }

    private static Map<String, Object> condition(Map<String, Object> condition) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, Object> op : condition.entrySet()) {
            Map<String, Object> keys = new TreeMap<>();
            if (op.getValue() instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> k : m.entrySet()) {
                    // Condition keys are case-insensitive; values are not (StringEquals is exact).
                    keys.put(String.valueOf(k.getKey()).toLowerCase(Locale.ROOT), new ArrayList<>(new TreeSet<>(strings(k.getValue()))));
                }
            }
            out.put(op.getKey(), keys);
        }
        return out;
    }

    /** A single value or a list of values, as strings (true and "true" are the same to IAM). */
    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            for (Object v : l) out.add(String.valueOf(v));
        } else if (value != null) {
            out.add(String.valueOf(value));
        }
        return out;
    }

    private static final Pattern ARN_ACCOUNT = Pattern.compile("(arn:[^:]*:[^:]*:[^:]*:)(\\d{12})(:.*)?");

    private static Object accountAbstracted(Object value, String accountId) {
        if (accountId == null) return value;
        if (value instanceof String s) {
            if (s.equals(accountId)) return ACCOUNT_ID;
            var m = ARN_ACCOUNT.matcher(s);
            if (m.matches() && m.group(2).equals(accountId)) return m.group(1) + ACCOUNT_ID + (m.group(3) == null ? "" : m.group(3));
            return s;
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), accountAbstracted(v, accountId)));
            return out;
        }
        if (value instanceof List<?> l) return l.stream().map(v -> accountAbstracted(v, accountId)).toList();
        return value;
    }

    private static Object withAccount(Object value, String from, String to) {
        if (from == null || to == null) return value;
        if (value instanceof String s) return s.replace(from, to);
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), withAccount(v, from, to)));
            return out;
        }
        if (value instanceof List<?> l) return l.stream().map(v -> withAccount(v, from, to)).toList();
        return value;
    }

    private static Map<String, Object> asMap(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            out.put(f.getKey(), plain(f.getValue()));
        }
        return out;
    }

    private static Object plain(JsonNode node) {
        if (node.isObject()) return asMap(node);
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(n -> out.add(plain(n)));
            return out;
        }
        if (node.isNull()) return null;
        return node.asText();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
