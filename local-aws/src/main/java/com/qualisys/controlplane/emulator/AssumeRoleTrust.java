package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.Upstream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What moto does not check when a role is assumed: that the role exists and that its trust policy
 * admits the caller with the external id given. moto lets any role ARN be assumed (and switches
 * accounts by it, which the hub-and-spoke tests rely on); for the accounts registered with
 * {@link #enforceIn(String)} (the emulated spoke accounts), this responder evaluates sts:AssumeRole
 * as AWS does before moto answers: a missing role, or a trust policy that does not name the caller
 * (account root, account id or role) or whose {@code sts:ExternalId} condition does not match, gets
 * the documented {@code AccessDenied} error (HTTP 403, query-protocol error shape). Other accounts
 * behave as plain moto. Only what the spoke role uses is evaluated: Allow/Deny statements, Principal
 * AWS, Action sts:AssumeRole, Condition StringEquals on sts:ExternalId; any other condition fails closed.
 */
public final class AssumeRoleTrust implements AwsApiFrontDoor.Responder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[-a-z]*:iam::(\\d{12}):role/(?:.*/)?([^/]+)");
    private static final Pattern ASSUMED = Pattern.compile("arn:aws[-a-z]*:sts::(\\d{12}):assumed-role/([^/]+)/.*");
    private final Set<String> enforced = ConcurrentHashMap.newKeySet();

    /** Roles in this account are assumed only as their trust policy allows. */
    public void enforceIn(String account) {
        enforced.add(account);
    }

    public void reset() {
        enforced.clear();
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        return Optional.empty();
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request, Upstream emulator) {
        if (!request.service().equals("sts") || !"POST".equals(request.method())) return Optional.empty();
        Map<String, String> form = form(request.bodyText());
        if (!"AssumeRole".equals(form.get("Action"))) return Optional.empty();
        String roleArn = form.getOrDefault("RoleArn", "");
        Matcher role = ROLE_ARN.matcher(roleArn);
        if (!role.matches() || !enforced.contains(role.group(1))) return Optional.empty();

        String[] caller = callerOf(request, emulator);
        String denied = "User: " + caller[0] + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn;
        Optional<JsonNode> trust = trustPolicy(request, emulator, role.group(1), role.group(2));
        if (trust.isEmpty() || !allows(trust.get(), caller[0], caller[1], form.get("ExternalId"))) {
            return Optional.of(accessDenied(denied));
        }
        return Optional.empty(); // allowed: moto issues the credentials
    }

    /** {arn, account} of whoever signed the request, asked of moto with the same credentials. */
    static String[] callerOf(StubRequest request, Upstream emulator) {
        // Whatever service the request was for, the question goes to STS with the same access key.
        Map<String, List<String>> sts = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String auth = request.header("Authorization");
        if (auth != null) sts.put("Authorization", List.of(auth.replaceFirst("/[a-z0-9-]+/aws4_request", "/sts/aws4_request")));
        sts.put("Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
        StubRequest asked = withForm(request, "Action=GetCallerIdentity&Version=2011-06-15", sts);
        asked = new StubRequest("POST", request.uri().resolve("/"), asked.headers(), asked.body());
        asked.headers().remove("X-Amz-Target");
        StubResponse who = emulator.forward(asked);
        return new String[] {element(who.bodyText(), "Arn"), element(who.bodyText(), "Account")};
    }

    private static Optional<JsonNode> trustPolicy(StubRequest request, Upstream emulator, String account, String roleName) {
        StubRequest getRole = withForm(request, "Action=GetRole&Version=2010-05-08&RoleName=" + roleName,
                Map.of("x-moto-account-id", List.of(account)));
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(getRole.headers());
        headers.put("Authorization", List.of("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, "
                + "SignedHeaders=host, Signature=0"));
        StubResponse r = emulator.forward(new StubRequest("POST", getRole.uri(), headers, getRole.body()));
        if (r.status() != 200) return Optional.empty();
        String doc = xmlUnescape(element(r.bodyText(), "AssumeRolePolicyDocument"));
        if (doc.startsWith("%")) doc = URLDecoder.decode(doc, StandardCharsets.UTF_8);
        try {
            return Optional.of(JSON.readTree(doc));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Deny wins; otherwise some Allow statement must name the caller and have its conditions met. */
    static boolean allows(JsonNode policy, String callerArn, String callerAccount, String externalId) {
        boolean allowed = false;
        for (JsonNode st : list(policy.get("Statement"))) {
            if (!actionMatches(st.get("Action")) || !principalMatches(st.path("Principal").get("AWS"), callerArn, callerAccount)) continue;
            if (!conditionsMet(st.get("Condition"), externalId)) continue;
            if ("Deny".equals(st.path("Effect").asText())) return false;
            if ("Allow".equals(st.path("Effect").asText())) allowed = true;
        }
        return allowed;
    }

    private static boolean actionMatches(JsonNode action) {
        for (JsonNode a : list(action)) {
            String s = a.asText();
            if (s.equals("*") || s.equalsIgnoreCase("sts:*") || s.equalsIgnoreCase("sts:AssumeRole")) return true;
        }
        return false;
    }

    private static boolean principalMatches(JsonNode principals, String callerArn, String callerAccount) {
        Matcher assumed = ASSUMED.matcher(callerArn == null ? "" : callerArn);
        for (JsonNode p : list(principals)) {
            String s = p.asText();
            if (s.equals("*") || s.equals(callerAccount) || s.equals("arn:aws:iam::" + callerAccount + ":root") || s.equals(callerArn)) return true;
            Matcher role = ROLE_ARN.matcher(s);
            if (assumed.matches() && role.matches() && role.group(1).equals(assumed.group(1)) && role.group(2).equals(assumed.group(2))) {
                return true;
            }
        }
        return false;
    }

    private static boolean conditionsMet(JsonNode condition, String externalId) {
        if (condition == null || condition.isEmpty()) return true;
        for (var op : (Iterable<Map.Entry<String, JsonNode>>) condition::fields) {
            for (var key : (Iterable<Map.Entry<String, JsonNode>>) op.getValue()::fields) {
                if (!op.getKey().equals("StringEquals") || !key.getKey().equalsIgnoreCase("sts:ExternalId")) return false;
                boolean any = false;
                for (JsonNode v : list(key.getValue())) any |= v.asText().equals(externalId);
                if (!any) return false;
            }
        }
        return true;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null) return out;
        if (node.isArray()) node.forEach(out::add);
        else out.add(node);
        return out;
    }

    private static StubRequest withForm(StubRequest request, String form, Map<String, List<String>> extra) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(request.headers());
        headers.putAll(extra);
        return new StubRequest("POST", request.uri(), headers, form.getBytes(StandardCharsets.UTF_8));
    }

    private static StubResponse accessDenied(String message) {
        String xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                + "<Code>AccessDenied</Code><Message>" + xmlEscape(message) + "</Message></Error>"
                + "<RequestId>" + java.util.UUID.randomUUID() + "</RequestId></ErrorResponse>";
        return new StubResponse(403, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">", Pattern.DOTALL).matcher(xml);
        return m.find() ? m.group(1).trim() : "";
    }

    private static String xmlUnescape(String s) {
        return s.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
