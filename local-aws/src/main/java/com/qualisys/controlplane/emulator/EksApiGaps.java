package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.Upstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EKS operations moto 5.2.5 lacks, answered as the EKS API reference documents them:
 * DescribeClusterVersions, DescribeAddonVersions, Create/List/Describe/DeleteAddon,
 * UpdateClusterVersion and UpdateNodegroupVersion (their effect is laid over moto's
 * DescribeCluster/DescribeNodegroup answers). Also holds a cluster or node group in a
 * transitional status for a number of Describe calls, as AWS does while it works.
 */
public final class EksApiGaps implements AwsApiFrontDoor.Responder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ADDONS = Pattern.compile("/clusters/([^/]+)/addons");
    private static final Pattern ADDON = Pattern.compile("/clusters/([^/]+)/addons/([^/]+)");
    private static final Pattern CLUSTER = Pattern.compile("/clusters/([^/]+)");
    private static final Pattern CLUSTER_UPDATES = Pattern.compile("/clusters/([^/]+)/updates");
    private static final Pattern CLUSTER_CONFIG = Pattern.compile("/clusters/([^/]+)/update-config");
    private static final Pattern NODEGROUP = Pattern.compile("/clusters/([^/]+)/node-groups/([^/]+)");
    private static final Pattern NODEGROUP_VERSION = Pattern.compile("/clusters/([^/]+)/node-groups/([^/]+)/update-version");
    public static final List<String> DEFAULT_CLUSTER_VERSIONS = List.of("1.29", "1.30", "1.31", "1.32", "1.33");

    private final Map<String, String> clusterVersions = new LinkedHashMap<>();
    private boolean clusterVersionsApi;
    private final Map<String, Map<String, ObjectNode>> addons = new HashMap<>();
    private final Map<String, String> heldStatus = new HashMap<>();
    private final Map<String, String> clusterVersionOverride = new HashMap<>();
    private final Map<String, String> templateVersionOverride = new HashMap<>();
    private final List<String> served = new ArrayList<>();

    public EksApiGaps() {
        reset();
    }

    public synchronized void reset() {
        clusterVersions.clear();
        DEFAULT_CLUSTER_VERSIONS.forEach(v -> clusterVersions.put(v, "STANDARD_SUPPORT"));
        clusterVersionsApi = true;
        addons.clear();
        heldStatus.clear();
        clusterVersionOverride.clear();
        templateVersionOverride.clear();
        served.clear();
    }

    /** The Kubernetes versions EKS offers (DescribeClusterVersions and the add-on compatibilities). */
    public synchronized void offerClusterVersions(String... versions) {
        clusterVersions.clear();
        for (String v : versions) clusterVersions.put(v, "STANDARD_SUPPORT");
    }

    /** Answer DescribeClusterVersions with 404, as an endpoint without the operation does. */
    public synchronized void withoutClusterVersionsApi() {
        clusterVersionsApi = false;
    }

    /** DescribeCluster reports this status (CREATING: no endpoint or issuer yet) until released, as while AWS works. */
    public synchronized void holdCluster(String cluster, String status) {
        heldStatus.put("cluster/" + cluster, status);
    }

    /** AWS has finished: DescribeCluster reports moto's own status again. */
    public synchronized void releaseCluster(String cluster) {
        heldStatus.remove("cluster/" + cluster);
    }

    public synchronized void holdNodegroup(String cluster, String nodegroup, String status) {
        heldStatus.put("nodegroup/" + cluster + "/" + nodegroup, status);
    }

    public synchronized void releaseNodegroup(String cluster, String nodegroup) {
        heldStatus.remove("nodegroup/" + cluster + "/" + nodegroup);
    }

    /** Gap operations served so far ("DescribeAddonVersions vpc-cni 1.29", ...). */
    public synchronized List<String> served() {
        return List.copyOf(served);
    }

    /** Needs the emulator's answers too: see {@link #answer(StubRequest, Upstream)}. */
    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        return Optional.empty();
    }

    @Override
    public synchronized Optional<StubResponse> answer(StubRequest req, Upstream upstream) {
        if (!req.service().equals("eks")) return Optional.empty();
        return Optional.ofNullable(handle(req, upstream));
    }

    /** The answer, or null to let the emulator answer unchanged. */
    private StubResponse handle(StubRequest req, Upstream upstream) {
        String path = req.uri().getRawPath();
        String method = req.method();
        Matcher m;
        if (method.equals("GET") && path.equals("/cluster-versions")) return clusterVersions(req);
        if (method.equals("GET") && path.equals("/addons/supported-versions")) return addonVersions(req);
        if ((m = ADDON.matcher(path)).matches()) return addon(method, m.group(1), m.group(2));
        if ((m = ADDONS.matcher(path)).matches()) return addons(req, m.group(1), upstream);
        if (method.equals("POST") && (m = CLUSTER_UPDATES.matcher(path)).matches()) {
            String version = body(req).path("version").asText();
            clusterVersionOverride.put(m.group(1), version);
            served.add("UpdateClusterVersion " + m.group(1) + " " + version);
            return update("VersionUpdate", "Version", version);
        }
        if (method.equals("POST") && (m = NODEGROUP_VERSION.matcher(path)).matches()) {
            String version = body(req).path("launchTemplate").path("version").asText();
            templateVersionOverride.put(m.group(1) + "/" + m.group(2), version);
            served.add("UpdateNodegroupVersion " + m.group(2) + " " + version);
            return update("VersionUpdate", "LaunchTemplateVersion", version);
        }
        if (method.equals("POST") && (m = CLUSTER_CONFIG.matcher(path)).matches()) return updateClusterConfig(req, m.group(1), upstream);
        if (method.equals("GET") && (m = CLUSTER.matcher(path)).matches()) return describeCluster(req, m.group(1), upstream);
        if (method.equals("GET") && (m = NODEGROUP.matcher(path)).matches()) return describeNodegroup(req, m.group(1), m.group(2), upstream);
        return null;
    }

    private StubResponse clusterVersions(StubRequest req) {
        if (!clusterVersionsApi) {
            return error(404, "UnknownOperationException", "Unknown operation");
        }
        served.add("DescribeClusterVersions");
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("clusterVersions");
        String newest = clusterVersions.keySet().stream().reduce((a, b) -> b).orElse(null);
        clusterVersions.forEach((version, status) -> {
            ObjectNode v = list.addObject();
            v.put("clusterVersion", version);
            v.put("clusterType", "eks");
            v.put("defaultPlatformVersion", "eks.1");
            v.put("defaultVersion", version.equals(newest));
            v.put("releaseDate", 1_700_000_000);
            v.put("endOfStandardSupportDate", 1_800_000_000);
            v.put("endOfExtendedSupportDate", 1_850_000_000);
            v.put("status", status.toLowerCase().replace('_', '-'));
            v.put("versionStatus", status);
            v.put("kubernetesPatchVersion", version + ".0");
        });
        return json(200, out.toString());
    }

    private StubResponse addonVersions(StubRequest req) {
        String name = req.queryParam("addonName").orElse("vpc-cni");
        String k8s = req.queryParam("kubernetesVersion").orElse(null);
        served.add("DescribeAddonVersions " + name + (k8s == null ? "" : " " + k8s));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("addons");
        ObjectNode info = list.addObject();
        info.put("addonName", name);
        info.put("type", "networking");
        info.put("publisher", "eks");
        info.put("owner", "aws");
        ArrayNode versions = info.putArray("addonVersions");
        for (int patch = 2; patch >= 1; patch--) {
            ObjectNode v = versions.addObject();
            v.put("addonVersion", "v1." + patch + ".0-eksbuild.1");
            v.putArray("architecture").add("amd64").add("arm64");
            v.put("requiresConfiguration", false);
            ArrayNode compat = v.putArray("compatibilities");
            for (String cv : clusterVersions.keySet()) {
                if (k8s != null && !k8s.equals(cv)) continue;
                ObjectNode c = compat.addObject();
                c.put("clusterVersion", cv);
                c.putArray("platformVersions").add("*");
                c.put("defaultVersion", patch == 1);
            }
        }
        if (k8s != null && !clusterVersions.containsKey(k8s)) list.removeAll();
        out.putNull("nextToken");
        return json(200, out.toString());
    }

    private StubResponse addons(StubRequest req, String cluster, Upstream upstream) {
        if (req.method().equals("GET")) {
            served.add("ListAddons " + cluster);
            ObjectNode out = JSON.createObjectNode();
            ArrayNode names = out.putArray("addons");
            addons.getOrDefault(cluster, Map.of()).keySet().stream().sorted().forEach(names::add);
            out.putNull("nextToken");
            return json(200, out.toString());
        }
        JsonNode body = body(req);
        String name = body.path("addonName").asText();
        StubResponse clusterExists = upstream.forward(req.get("/clusters/" + cluster));
        if (clusterExists.status() != 200) return clusterExists;
        Map<String, ObjectNode> installed = addons.computeIfAbsent(cluster, k -> new LinkedHashMap<>());
        if (installed.containsKey(name)) {
            return error(409, "ResourceInUseException", "Addon already exists.");
        }
        served.add("CreateAddon " + name);
        ObjectNode addon = JSON.createObjectNode();
        addon.put("addonName", name);
        addon.put("clusterName", cluster);
        addon.put("status", "ACTIVE");
        addon.put("addonVersion", body.path("addonVersion").asText("v1.1.0-eksbuild.1"));
        addon.putObject("health").putArray("issues");
        addon.put("addonArn", "arn:aws:eks:us-east-1:123456789012:addon/" + cluster + "/" + name + "/" + UUID.randomUUID());
        addon.put("createdAt", 1_700_000_000);
        addon.put("modifiedAt", 1_700_000_000);
        addon.set("tags", body.path("tags").isObject() ? body.get("tags") : JSON.createObjectNode());
        installed.put(name, addon);
        ObjectNode out = JSON.createObjectNode();
        ObjectNode created = addon.deepCopy();
        created.put("status", "CREATING");
        out.set("addon", created);
        return json(200, out.toString());
    }

    private StubResponse addon(String method, String cluster, String name) {
        ObjectNode addon = addons.getOrDefault(cluster, Map.of()).get(name);
        if (addon == null) return error(404, "ResourceNotFoundException", "No addon: " + name + " found in cluster: " + cluster);
        ObjectNode out = JSON.createObjectNode();
        if (method.equals("DELETE")) {
            served.add("DeleteAddon " + name);
            addons.get(cluster).remove(name);
            ObjectNode deleting = addon.deepCopy();
            deleting.put("status", "DELETING");
            out.set("addon", deleting);
        } else {
            served.add("DescribeAddon " + name);
            out.set("addon", addon);
        }
        return json(200, out.toString());
    }

    private StubResponse describeCluster(StubRequest req, String cluster, Upstream upstream) {
        StubResponse r = upstream.forward(req);
        if (r.status() != 200) return r;
        ObjectNode body = (ObjectNode) parse(r.bodyText());
        ObjectNode c = (ObjectNode) body.path("cluster");
        if (clusterVersionOverride.containsKey(cluster)) c.put("version", clusterVersionOverride.get(cluster));
        String held = next("cluster/" + cluster);
        if (held != null) {
            c.put("status", held);
            if (held.equals("CREATING")) {
                // Documented: the API server endpoint and the OIDC issuer appear once the cluster is ACTIVE.
                c.remove("endpoint");
                c.remove("identity");
            }
        }
        return r.withBody(body.toString());
    }

    /**
     * moto replaces the whole resourcesVpcConfig and logging with what UpdateClusterConfig sends;
     * AWS changes only what is sent (the endpoint flags; the log types listed). The request is
     * completed from the cluster's current configuration before moto sees it.
     */
    private StubResponse updateClusterConfig(StubRequest req, String cluster, Upstream upstream) {
        StubResponse current = upstream.forward(req.get("/clusters/" + cluster));
        if (current.status() != 200) return current;
        JsonNode live = parse(current.bodyText()).path("cluster");
        ObjectNode body = (ObjectNode) body(req);
        if (body.path("resourcesVpcConfig").isObject()) {
            ObjectNode vpc = live.path("resourcesVpcConfig").deepCopy();
            body.get("resourcesVpcConfig").fields().forEachRemaining(f -> vpc.set(f.getKey(), f.getValue()));
            vpc.remove("vpcId");
            vpc.remove("clusterSecurityGroupId");
            body.set("resourcesVpcConfig", vpc);
        }
        if (body.path("logging").isObject()) {
            Map<String, Boolean> enabled = new java.util.TreeMap<>();
            for (JsonNode setup : live.path("logging").path("clusterLogging")) {
                for (JsonNode t : setup.path("types")) enabled.put(t.asText(), setup.path("enabled").asBoolean());
            }
            for (JsonNode setup : body.path("logging").path("clusterLogging")) {
                for (JsonNode t : setup.path("types")) enabled.put(t.asText(), setup.path("enabled").asBoolean());
            }
            ObjectNode logging = JSON.createObjectNode();
            ArrayNode setups = logging.putArray("clusterLogging");
            for (boolean on : new boolean[] {true, false}) {
                ObjectNode setup = setups.addObject();
                ArrayNode types = setup.putArray("types");
                enabled.forEach((t, e) -> { if (e == on) types.add(t); });
                setup.put("enabled", on);
            }
            body.set("logging", logging);
        }
        served.add("UpdateClusterConfig " + cluster + " (completed from the live configuration)");
        StubResponse r = upstream.forward(req.withBody(body.toString()));
        if (r.status() != 200) return r;
        // AWS answers with the update it started, not the cluster.
        return update("LoggingUpdate", body.has("logging") ? "ClusterLogging" : "EndpointAccess", "requested");
    }

    private StubResponse describeNodegroup(StubRequest req, String cluster, String nodegroup, Upstream upstream) {
        StubResponse r = upstream.forward(req);
        if (r.status() != 200) return r;
        ObjectNode body = (ObjectNode) parse(r.bodyText());
        ObjectNode ng = (ObjectNode) body.path("nodegroup");
        String version = templateVersionOverride.get(cluster + "/" + nodegroup);
        if (version != null && ng.path("launchTemplate").isObject()) ((ObjectNode) ng.get("launchTemplate")).put("version", version);
        String held = next("nodegroup/" + cluster + "/" + nodegroup);
        if (held != null) ng.put("status", held);
        return r.withBody(body.toString());
    }

    private String next(String key) {
        return heldStatus.get(key);
    }

    private static StubResponse update(String type, String param, String value) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode u = out.putObject("update");
        u.put("id", UUID.randomUUID().toString());
        u.put("status", "InProgress");
        u.put("type", type);
        ObjectNode p = u.putArray("params").addObject();
        p.put("type", param);
        p.put("value", value);
        u.put("createdAt", 1_700_000_000);
        u.putArray("errors");
        return json(200, out.toString());
    }

    /** A REST-JSON error: the SDK reads the error code from "__type". */
    private static StubResponse error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        return json(status, body.toString());
    }

    private static StubResponse json(int status, String body) {
        return new StubResponse(status, "application/json", body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static JsonNode body(StubRequest req) {
        return parse(req.bodyText());
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text.isEmpty() ? "{}" : text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
