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
 * EKS operations moto 5.2.5 lacks, answered as the EKS API reference documents them
 * (https://docs.aws.amazon.com/eks/latest/APIReference/): DescribeClusterVersions, DescribeAddonVersions,
 * Create/List/Describe/DeleteAddon, UpdateClusterVersion and UpdateNodegroupVersion (their effect is
 * laid over moto's DescribeCluster/DescribeNodegroup answers), and UpdateClusterConfig completed
 * from the live configuration. Also holds a cluster or node group in a transitional status, as AWS
 * does while it works.
 *
 * <p>What it enforces, as the reference does:
 * <ul>
 *   <li>The version catalogue is what EKS offers today ({@link #DEFAULT_CLUSTER_VERSIONS}): 1.29 to 1.31
 *       in extended support, 1.32 to 1.34 in standard support (DescribeClusterVersions, versionStatus).</li>
 *   <li>UpdateClusterVersion: one minor version up, to an offered version, else InvalidParameterException
 *       ("Updating Kubernetes version": "you can update only one minor version at a time").</li>
 *   <li>UpdateClusterConfig: one kind of update per request (logging, or endpoint access), log types
 *       from api|audit|authenticator|controllerManager|scheduler, and a request that changes nothing
 *       is InvalidParameterException ("No changes needed"); the answer is the documented Update
 *       (LoggingUpdate with a ClusterLogging param, EndpointAccessUpdate with EndpointPublicAccess /
 *       EndpointPrivateAccess / PublicAccessCidrs params).</li>
 *   <li>After an update the cluster is UPDATING for the next {@link #updatingDescribes} DescribeCluster
 *       answers; while it is not ACTIVE, another update is ResourceInUseException (HTTP 409).</li>
 *   <li>Add-ons: only names EKS publishes, at a version published for the cluster's Kubernetes
 *       version (InvalidParameterException otherwise); they are deleted with their cluster.</li>
 *   <li>Every account has its own add-ons and version state (the caller's account, as moto decides it).</li>
 * </ul>
 *
 * <p>A cluster can be given a real Kubernetes API ({@link #serveKubernetes}): DescribeCluster then reports that
 * server's endpoint and CA instead of moto's placeholders. CreateCluster remembers who created each cluster
 * ({@link #creatorOf}): EKS gives its creator cluster-admin access (bootstrapClusterCreatorAdminPermissions).
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
    private static final Pattern NODEGROUPS = Pattern.compile("/clusters/([^/]+)/node-groups");
    private static final Pattern NODEGROUP_CONFIG = Pattern.compile("/clusters/([^/]+)/node-groups/([^/]+)/update-config");
    /**
     * What EKS offers today: 1.29 to 1.31 have left standard support (extended support, still offered
     * for new clusters at extra cost), 1.32 to 1.34 are in standard support.
     */
    public static final Map<String, String> DEFAULT_CLUSTER_VERSIONS = orderedMap(
            "1.29", "EXTENDED_SUPPORT", "1.30", "EXTENDED_SUPPORT", "1.31", "EXTENDED_SUPPORT",
            "1.32", "STANDARD_SUPPORT", "1.33", "STANDARD_SUPPORT", "1.34", "STANDARD_SUPPORT");
    /** Add-ons EKS publishes (DescribeAddonVersions without a name lists them); others are refused. */
    public static final java.util.Set<String> PUBLISHED_ADDONS = java.util.Set.of("vpc-cni", "kube-proxy", "coredns",
            "aws-ebs-csi-driver", "aws-efs-csi-driver", "eks-pod-identity-agent", "snapshot-controller", "amazon-cloudwatch-observability");
    private static final java.util.Set<String> LOG_TYPES = java.util.Set.of("api", "audit", "authenticator", "controllerManager", "scheduler");
    private static final Pattern CLUSTER_DELETE = Pattern.compile("/clusters/([^/]+)");
    private static final Pattern TAGS = Pattern.compile("/tags/(.+)");
    /** A node group's or add-on's ARN: account, type, cluster, name (then EKS's unique suffix). */
    private static final Pattern SUB_RESOURCE_ARN = Pattern.compile("arn:[^:]+:eks:[^:]*:(\\d{12}):(nodegroup|addon)/([^/]+)/([^/]+)/.+");

    private final Map<String, String> clusterVersions = new LinkedHashMap<>();
    private boolean clusterVersionsApi;
    private final Map<String, Map<String, ObjectNode>> addons = new HashMap<>();
    private final Map<String, String> heldStatus = new HashMap<>();
    private final Map<String, String> clusterVersionOverride = new HashMap<>();
    private final Map<String, String> templateVersionOverride = new HashMap<>();
    /** Node group ARN → its tags once TagResource or UntagResource changed them (moto tags clusters only), laid over DescribeNodegroup. */
    private final Map<String, ObjectNode> nodegroupTags = new HashMap<>();
    /** Clusters (account/cluster) that answer UPDATING for this many more DescribeCluster calls. */
    private final Map<String, Integer> updating = new HashMap<>();
    private int updatingDescribes = 1;
    /** Node groups (account/cluster/nodegroup) that answer UPDATING for this many more DescribeNodegroup calls. */
    private final Map<String, Integer> nodegroupsUpdating = new HashMap<>();
    private int nodegroupUpdatingDescribes;
    private final List<String> served = new ArrayList<>();
    /** account/cluster → {endpoint, base64 PEM CA} of the Kubernetes API that answers for it. */
    private final Map<String, String[]> kubernetesApis = new HashMap<>();
    /** account/cluster → the IAM principal ARN that created it (an assumed role's role ARN). */
    private final Map<String, String> creators = new HashMap<>();
    private static final Pattern ASSUMED_ROLE = Pattern.compile("arn:(aws[-a-z]*):sts::(\\d{12}):assumed-role/([^/]+)/.+");

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    public EksApiGaps() {
        reset();
    }

    public synchronized void reset() {
        clusterVersions.clear();
        clusterVersions.putAll(DEFAULT_CLUSTER_VERSIONS);
        clusterVersionsApi = true;
        addons.clear();
        updating.clear();
        updatingDescribes = 1;
        nodegroupsUpdating.clear();
        nodegroupUpdatingDescribes = 0;
        heldStatus.clear();
        clusterVersionOverride.clear();
        templateVersionOverride.clear();
        nodegroupTags.clear();
        served.clear();
        kubernetesApis.clear();
        creators.clear();
    }

    /** DescribeCluster of {@code cluster} in {@code account} reports this API server (https URL) and CA (PEM). */
    public synchronized void serveKubernetes(String account, String cluster, String endpoint, String caPem) {
        kubernetesApis.put(account + "/" + cluster, new String[] {endpoint,
                java.util.Base64.getEncoder().encodeToString(caPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))});
    }

    /** The IAM principal that created the cluster (a role's ARN for an assumed-role session), if it was created here. */
    public synchronized Optional<String> creatorOf(String account, String cluster) {
        return Optional.ofNullable(creators.get(account + "/" + cluster));
    }

    /** An assumed-role session's ARN as IAM names the role (no path, as EKS matches it), other ARNs unchanged. */
    public static String principalOf(String callerArn) {
        Matcher m = ASSUMED_ROLE.matcher(callerArn);
        return m.matches() ? "arn:" + m.group(1) + ":iam::" + m.group(2) + ":role/" + m.group(3) : callerArn;
    }

    /** The Kubernetes versions EKS offers (DescribeClusterVersions and the add-on compatibilities). */
    public synchronized void offerClusterVersions(String... versions) {
        clusterVersions.clear();
        for (String v : versions) clusterVersions.put(v, "STANDARD_SUPPORT");
    }

    /** After an update, how many DescribeCluster answers say UPDATING before ACTIVE again (0: at once). */
    public synchronized void updatingFor(int describes) {
        this.updatingDescribes = describes;
    }

    /**
     * After UpdateNodegroupConfig or UpdateNodegroupVersion, how many DescribeNodegroup answers say UPDATING
     * before ACTIVE again (0, the default: at once).
     */
    public synchronized void nodegroupsUpdatingFor(int describes) {
        this.nodegroupUpdatingDescribes = describes;
    }

    /** AWS has finished every node group update: node groups report their own status again. */
    public synchronized void finishNodegroupUpdates() {
        nodegroupsUpdating.clear();
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
        String account = req.callerAccount();
        Matcher m;
        if ((m = TAGS.matcher(path)).matches()) {
            return tags(req, account, java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8), upstream);
        }
        if (method.equals("GET") && path.equals("/cluster-versions")) return clusterVersions(req);
        if (method.equals("GET") && path.equals("/addons/supported-versions")) return addonVersions(req);
        if ((m = ADDON.matcher(path)).matches()) return addon(method, account, m.group(1), m.group(2));
        if ((m = ADDONS.matcher(path)).matches()) return addons(req, account, m.group(1), upstream);
        if (method.equals("POST") && (m = CLUSTER_UPDATES.matcher(path)).matches()) return updateClusterVersion(req, account, m.group(1), upstream);
        if (method.equals("POST") && (m = NODEGROUP_VERSION.matcher(path)).matches()) {
            return updateNodegroupVersion(req, account, m.group(1), m.group(2), upstream);
        }
        if (method.equals("POST") && (m = NODEGROUPS.matcher(path)).matches()) {
            StubResponse clusterExists = upstream.forward(req.get("/clusters/" + m.group(1)));
            if (clusterExists.status() != 200) return clusterExists;
            return clusterNotReady(m.group(1), clusterExists, "a node group");
        }
        if (method.equals("POST") && (m = NODEGROUP_CONFIG.matcher(path)).matches()) {
            return updateNodegroupConfig(req, account, m.group(1), m.group(2), upstream);
        }
        if (method.equals("POST") && (m = CLUSTER_CONFIG.matcher(path)).matches()) return updateClusterConfig(req, account, m.group(1), upstream);
        if (method.equals("DELETE") && (m = CLUSTER_DELETE.matcher(path)).matches()) return deleteCluster(req, account, m.group(1), upstream);
        if (method.equals("POST") && path.equals("/clusters")) return createCluster(req, account, upstream);
        if (method.equals("GET") && (m = CLUSTER.matcher(path)).matches()) return describeCluster(req, account, m.group(1), upstream);
        if (method.equals("GET") && (m = NODEGROUP.matcher(path)).matches()) return describeNodegroup(req, account, m.group(1), m.group(2), upstream);
        return null;
    }

    /** UpdateClusterVersion: one minor version up, to an offered version, while the cluster is ACTIVE. */
    private StubResponse updateClusterVersion(StubRequest req, String account, String cluster, Upstream upstream) {
        StubResponse current = upstream.forward(req.get("/clusters/" + cluster));
        if (current.status() != 200) return current;
        String key = account + "/" + cluster;
        StubResponse busy = busy(key, cluster, current);
        if (busy != null) return busy;
        String version = body(req).path("version").asText("");
        String live = clusterVersionOverride.getOrDefault(key, parse(current.bodyText()).path("cluster").path("version").asText());
        String status = clusterVersions.get(version);
        if (version.isEmpty() || status == null || status.equals("UNSUPPORTED")) {
            return error(400, "InvalidParameterException", "Kubernetes version '" + version + "' is not offered; offered: "
                    + String.join(", ", clusterVersions.keySet()));
        }
        if (!version.equals(oneMinorUp(live))) {
            return error(400, "InvalidParameterException", "Unsupported Kubernetes minor version update from " + live + " to " + version
                    + ": a cluster is updated one minor version at a time (to " + oneMinorUp(live) + ")");
        }
        clusterVersionOverride.put(key, version);
        startUpdating(key);
        served.add("UpdateClusterVersion " + cluster + " " + version);
        return update("VersionUpdate", param("Version", version), param("PlatformVersion", "eks.1"));
    }

    private static String oneMinorUp(String version) {
        String[] parts = version.split("\\.");
        if (parts.length < 2) return version;
        return parts[0] + "." + (Integer.parseInt(parts[1]) + 1);
    }

    /** ResourceInUseException while the cluster is not ACTIVE (updating, or held in another status). */
    private StubResponse busy(String key, String cluster, StubResponse current) {
        String status = updating.getOrDefault(key, 0) > 0 ? "UPDATING"
                : heldStatus.getOrDefault("cluster/" + cluster, parse(current.bodyText()).path("cluster").path("status").asText("ACTIVE"));
        if (status.equals("ACTIVE")) return null;
        return error(409, "ResourceInUseException", "Cluster " + cluster + " is in " + status + " state; an update can start once it is ACTIVE");
    }

    private void startUpdating(String key) {
        if (updatingDescribes > 0) updating.put(key, updatingDescribes);
    }

    /** DeleteCluster: moto deletes the cluster; its add-ons and version state go with it, as in AWS. */
    /** resourcesVpcConfig.vpcId, which EKS documents and moto leaves out: the VPC of the cluster's subnets (EC2 DescribeSubnets). */
    private static Optional<String> vpcOfSubnets(StubRequest req, JsonNode subnetIds, Upstream upstream) {
        if (!subnetIds.isArray() || subnetIds.isEmpty()) return Optional.empty();
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.putAll(req.headers());
        String auth = req.header("Authorization");
        if (auth != null) headers.put("Authorization", List.of(auth.replaceFirst("/eks/aws4_request", "/ec2/aws4_request")));
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
        String form = "Action=DescribeSubnets&Version=2016-11-15&SubnetId.1="
                + java.net.URLEncoder.encode(subnetIds.get(0).asText(), java.nio.charset.StandardCharsets.UTF_8);
        StubResponse r = upstream.forward(new StubRequest("POST", req.uri().resolve("/"), headers,
                form.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Matcher vpc = Pattern.compile("<vpcId>([^<]+)</vpcId>").matcher(r.bodyText());
        return r.status() == 200 && vpc.find() ? Optional.of(vpc.group(1)) : Optional.empty();
    }

    private static String accountOf(JsonNode cluster, String fallback) {
        String[] arn = cluster.path("arn").asText("").split(":");
        return arn.length > 4 && arn[4].matches("\\d{12}") ? arn[4] : fallback;
    }

    /** moto creates it; the creator is remembered as EKS does for its access entry. */
    private StubResponse createCluster(StubRequest req, String account, Upstream upstream) {
        StubResponse r = upstream.forward(req);
        if (r.status() == 200) {
            JsonNode cluster = parse(r.bodyText()).path("cluster");
            creators.put(accountOf(cluster, account) + "/" + cluster.path("name").asText(), principalOf(AssumeRoleTrust.callerOf(req, upstream)[0]));
        }
        return r;
    }

    private StubResponse deleteCluster(StubRequest req, String account, String cluster, Upstream upstream) {
        StubResponse r = upstream.forward(req);
        if (r.status() == 200) {
            String key = account + "/" + cluster;
            addons.remove(key);
            clusterVersionOverride.remove(key);
            updating.remove(key);
            templateVersionOverride.keySet().removeIf(k -> k.startsWith(key + "/"));
            nodegroupsUpdating.keySet().removeIf(k -> k.startsWith(key + "/"));
            creators.remove(key);
            served.add("DeleteCluster " + cluster + " (add-ons deleted with it)");
        }
        return r;
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
        if (!PUBLISHED_ADDONS.contains(name)) {
            out.putNull("nextToken");
            return json(200, out.toString());
        }
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

    private StubResponse addons(StubRequest req, String account, String cluster, Upstream upstream) {
        String key = account + "/" + cluster;
        if (req.method().equals("GET")) {
            served.add("ListAddons " + cluster);
            ObjectNode out = JSON.createObjectNode();
            ArrayNode names = out.putArray("addons");
            addons.getOrDefault(key, Map.of()).keySet().stream().sorted().forEach(names::add);
            out.putNull("nextToken");
            return json(200, out.toString());
        }
        JsonNode body = body(req);
        String name = body.path("addonName").asText();
        StubResponse clusterExists = upstream.forward(req.get("/clusters/" + cluster));
        if (clusterExists.status() != 200) return clusterExists;
        StubResponse notReady = clusterNotReady(cluster, clusterExists, "an add-on");
        if (notReady != null) return notReady;
        if (!PUBLISHED_ADDONS.contains(name)) {
            return error(400, "InvalidParameterException", "Addon " + name + " specified is not supported");
        }
        String k8s = clusterVersionOverride.getOrDefault(key, parse(clusterExists.bodyText()).path("cluster").path("version").asText());
        if (body.hasNonNull("addonVersion") && !offeredAddonVersions(k8s).contains(body.get("addonVersion").asText())) {
            return error(400, "InvalidParameterException", "Addon version " + body.get("addonVersion").asText() + " specified is not supported"
                    + " for " + name + " on Kubernetes " + k8s + "; offered: " + offeredAddonVersions(k8s));
        }
        Map<String, ObjectNode> installed = addons.computeIfAbsent(key, k -> new LinkedHashMap<>());
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
        addon.put("addonArn", "arn:aws:eks:us-east-1:" + account + ":addon/" + cluster + "/" + name + "/" + UUID.randomUUID());
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

    /** The add-on versions published for a Kubernetes version (the same list DescribeAddonVersions answers). */
    private List<String> offeredAddonVersions(String k8s) {
        return clusterVersions.containsKey(k8s) ? List.of("v1.2.0-eksbuild.1", "v1.1.0-eksbuild.1") : List.of();
    }

    private StubResponse addon(String method, String account, String cluster, String name) {
        String key = account + "/" + cluster;
        ObjectNode addon = addons.getOrDefault(key, Map.of()).get(name);
        if (addon == null) return error(404, "ResourceNotFoundException", "No addon: " + name + " found in cluster: " + cluster);
        ObjectNode out = JSON.createObjectNode();
        if (method.equals("DELETE")) {
            served.add("DeleteAddon " + name);
            addons.get(key).remove(name);
            ObjectNode deleting = addon.deepCopy();
            deleting.put("status", "DELETING");
            out.set("addon", deleting);
        } else {
            served.add("DescribeAddon " + name);
            out.set("addon", addon);
        }
        return json(200, out.toString());
    }

    private StubResponse describeCluster(StubRequest req, String account, String cluster, Upstream upstream) {
        StubResponse r = upstream.forward(req);
        if (r.status() != 200) return r;
        String key = account + "/" + cluster;
        ObjectNode body = (ObjectNode) parse(r.bodyText());
        ObjectNode c = (ObjectNode) body.path("cluster");
        if (clusterVersionOverride.containsKey(key)) c.put("version", clusterVersionOverride.get(key));
        if (c.path("resourcesVpcConfig").isObject() && !c.path("resourcesVpcConfig").hasNonNull("vpcId")) {
            vpcOfSubnets(req, c.path("resourcesVpcConfig").path("subnetIds"), upstream)
                    .ifPresent(vpc -> ((ObjectNode) c.get("resourcesVpcConfig")).put("vpcId", vpc));
        }
        // The cluster's own account (its ARN's), also for callers with session credentials and no account header.
        String[] api = kubernetesApis.get(accountOf(c, account) + "/" + cluster);
        if (api != null) {
            c.put("endpoint", api[0]);
            c.putObject("certificateAuthority").put("data", api[1]);
        }
        Integer left = updating.get(key);
        if (left != null) {
            c.put("status", "UPDATING");
            if (left <= 1) updating.remove(key); else updating.put(key, left - 1);
        }
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
    private StubResponse updateClusterConfig(StubRequest req, String account, String cluster, Upstream upstream) {
        StubResponse current = upstream.forward(req.get("/clusters/" + cluster));
        if (current.status() != 200) return current;
        String key = account + "/" + cluster;
        JsonNode live = parse(current.bodyText()).path("cluster");
        ObjectNode body = (ObjectNode) body(req);
        List<String> kinds = new ArrayList<>();
        for (String kind : List.of("resourcesVpcConfig", "logging", "accessConfig", "upgradePolicy", "zonalShiftConfig", "computeConfig",
                "kubernetesNetworkConfig", "storageConfig", "remoteNetworkConfig")) {
            if (body.path(kind).isObject()) kinds.add(kind);
        }
        if (kinds.size() != 1) {
            return error(400, "InvalidParameterException", kinds.isEmpty() ? "No changes needed: the request updates no configuration"
                    : "Only one type of update can be allowed per request, got " + String.join(", ", kinds));
        }
        StubResponse busy = busy(key, cluster, current);
        if (busy != null) return busy;
        for (JsonNode setup : body.path("logging").path("clusterLogging")) {
            for (JsonNode t : setup.path("types")) {
                if (!LOG_TYPES.contains(t.asText())) {
                    return error(400, "InvalidParameterException", "logging type '" + t.asText() + "' is not one of " + new java.util.TreeSet<>(LOG_TYPES));
                }
            }
        }
        List<ObjectNode> params = new ArrayList<>();
        String updateType;
        if (body.has("logging")) {
            updateType = "LoggingUpdate";
            params.add(param("ClusterLogging", body.get("logging").path("clusterLogging").toString()));
        } else if (body.has("resourcesVpcConfig")) {
            updateType = "EndpointAccessUpdate";
            JsonNode vpc = body.get("resourcesVpcConfig");
            if (vpc.has("endpointPublicAccess")) params.add(param("EndpointPublicAccess", vpc.get("endpointPublicAccess").asText()));
            if (vpc.has("endpointPrivateAccess")) params.add(param("EndpointPrivateAccess", vpc.get("endpointPrivateAccess").asText()));
            if (vpc.has("publicAccessCidrs")) params.add(param("PublicAccessCidrs", vpc.get("publicAccessCidrs").toString()));
            if (vpc.has("securityGroupIds") || vpc.has("subnetIds")) updateType = "VpcConfigUpdate";
        } else {
            updateType = "ConfigUpdate";
        }
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
        if (body.get(kinds.get(0)).equals(live.path(kinds.get(0)))
                || (kinds.get(0).equals("resourcesVpcConfig") && sameEndpointAccess(body.get("resourcesVpcConfig"), live.path("resourcesVpcConfig")))
                || (kinds.get(0).equals("logging") && sameLogging(body.get("logging"), live.path("logging")))) {
            return error(400, "InvalidParameterException", "No changes needed for the " + kinds.get(0) + " provided");
        }
        served.add("UpdateClusterConfig " + cluster + " (completed from the live configuration)");
        StubResponse r = upstream.forward(req.withBody(body.toString()));
        if (r.status() != 200) return r;
        startUpdating(key);
        // AWS answers with the update it started, not the cluster.
        return update(updateType, params.toArray(ObjectNode[]::new));
    }

    private static boolean sameEndpointAccess(JsonNode wanted, JsonNode live) {
        for (String f : List.of("endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs", "subnetIds", "securityGroupIds")) {
            if (wanted.has(f) && !wanted.get(f).equals(live.get(f))) return false;
        }
        return true;
    }

    private static boolean sameLogging(JsonNode wanted, JsonNode live) {
        Map<String, Boolean> before = enabledLogTypes(live);
        Map<String, Boolean> after = new java.util.TreeMap<>(before);
        after.putAll(enabledLogTypes(wanted));
        Map<String, Boolean> onBefore = new java.util.TreeMap<>(before);
        onBefore.values().removeIf(v -> !v);
        Map<String, Boolean> onAfter = new java.util.TreeMap<>(after);
        onAfter.values().removeIf(v -> !v);
        return onBefore.equals(onAfter);
    }

    private static Map<String, Boolean> enabledLogTypes(JsonNode logging) {
        Map<String, Boolean> enabled = new java.util.TreeMap<>();
        for (JsonNode setup : logging.path("clusterLogging")) {
            for (JsonNode t : setup.path("types")) enabled.put(t.asText(), setup.path("enabled").asBoolean());
        }
        return enabled;
    }

    private StubResponse describeNodegroup(StubRequest req, String account, String cluster, String nodegroup, Upstream upstream) {
        StubResponse r = upstream.forward(req);
        if (r.status() != 200) return r;
        ObjectNode body = (ObjectNode) parse(r.bodyText());
        ObjectNode ng = (ObjectNode) body.path("nodegroup");
        ObjectNode tags = nodegroupTags.get(ng.path("nodegroupArn").asText());
        if (tags != null) ng.set("tags", tags.deepCopy());
        String version = templateVersionOverride.get(account + "/" + cluster + "/" + nodegroup);
        if (version != null && ng.path("launchTemplate").isObject()) ((ObjectNode) ng.get("launchTemplate")).put("version", version);
        String key = account + "/" + cluster + "/" + nodegroup;
        Integer left = nodegroupsUpdating.get(key);
        if (left != null) {
            ng.put("status", "UPDATING");
            if (left <= 1) nodegroupsUpdating.remove(key); else nodegroupsUpdating.put(key, left - 1);
        }
        String held = next("nodegroup/" + cluster + "/" + nodegroup);
        if (held != null) ng.put("status", held);
        return r.withBody(body.toString());
    }

    /**
     * TagResource, UntagResource and ListTagsForResource of a node group or an add-on (moto's work on clusters
     * only; a cluster's ARN is left to moto): a node group's tags are laid over moto's DescribeNodegroup, an
     * add-on's are the stub's own. An ARN of no such resource in the caller's account is NotFoundException
     * (HTTP 404), as the reference documents for these operations.
     */
    private StubResponse tags(StubRequest req, String account, String arn, Upstream upstream) {
        Matcher m = SUB_RESOURCE_ARN.matcher(arn);
        if (!m.matches()) return null;
        String cluster = m.group(3);
        String name = m.group(4);
        ObjectNode tags = null;
        if (m.group(1).equals(account) && m.group(2).equals("addon")) {
            ObjectNode addon = addons.getOrDefault(account + "/" + cluster, Map.of()).get(name);
            if (addon != null && addon.path("addonArn").asText().equals(arn)) {
                if (!addon.path("tags").isObject()) addon.putObject("tags");
                tags = (ObjectNode) addon.get("tags");
            }
        } else if (m.group(1).equals(account)) {
            StubResponse current = upstream.forward(req.get("/clusters/" + cluster + "/node-groups/" + name));
            JsonNode ng = current.status() == 200 ? parse(current.bodyText()).path("nodegroup") : JSON.createObjectNode();
            if (ng.path("nodegroupArn").asText().equals(arn)) {
                tags = nodegroupTags.computeIfAbsent(arn, k -> ng.path("tags").isObject() ? ((ObjectNode) ng.get("tags")).deepCopy() : JSON.createObjectNode());
            }
        }
        if (tags == null) return error(404, "NotFoundException", "Resource was not found: " + arn);
        return tagging(req, m.group(2) + " " + name, tags);
    }

    /** TagResource (POST), UntagResource (DELETE) or ListTagsForResource (GET) on the tags of one resource. */
    private StubResponse tagging(StubRequest req, String what, ObjectNode tags) {
        ObjectNode out = JSON.createObjectNode();
        switch (req.method()) {
            case "GET" -> out.set("tags", tags.deepCopy());
            case "POST" -> {
                served.add("TagResource " + what);
                body(req).path("tags").fields().forEachRemaining(e -> tags.set(e.getKey(), e.getValue()));
            }
            case "DELETE" -> {
                served.add("UntagResource " + what);
                req.queryParams("tagKeys").forEach(tags::remove);
            }
            default -> {
                return error(405, "InvalidRequestException", "Unsupported method " + req.method() + " on /tags");
            }
        }
        return json(200, out.toString());
    }

    /**
     * UpdateNodegroupVersion (moto lacks it): the launch template version is laid over DescribeNodegroup.
     * Refused with ResourceInUseException while the node group is not ACTIVE (UpdateNodegroupVersion, Errors).
     */
    private StubResponse updateNodegroupVersion(StubRequest req, String account, String cluster, String nodegroup, Upstream upstream) {
        StubResponse current = upstream.forward(req.get("/clusters/" + cluster + "/node-groups/" + nodegroup));
        if (current.status() != 200) return current;
        String key = account + "/" + cluster + "/" + nodegroup;
        StubResponse busy = nodegroupBusy(key, cluster, nodegroup, current);
        if (busy != null) return busy;
        String version = body(req).path("launchTemplate").path("version").asText();
        templateVersionOverride.put(key, version);
        startNodegroupUpdating(key);
        served.add("UpdateNodegroupVersion " + nodegroup + " " + version);
        return update("VersionUpdate", param("LaunchTemplateVersion", version));
    }

    /**
     * UpdateNodegroupConfig: moto applies it and answers a Successful update; EKS answers the update it
     * started (InProgress, ConfigUpdate, the UpdateParam types of what was asked: MinSize, MaxSize,
     * DesiredSize, LabelsToAdd, LabelsToRemove, TaintsToAdd, TaintsToRemove) and refuses it with
     * ResourceInUseException (409) while the node group is not ACTIVE (UpdateNodegroupConfig, Errors).
     */
    private StubResponse updateNodegroupConfig(StubRequest req, String account, String cluster, String nodegroup, Upstream upstream) {
        StubResponse current = upstream.forward(req.get("/clusters/" + cluster + "/node-groups/" + nodegroup));
        if (current.status() != 200) return current;
        String key = account + "/" + cluster + "/" + nodegroup;
        StubResponse busy = nodegroupBusy(key, cluster, nodegroup, current);
        if (busy != null) return busy;
        StubResponse r = upstream.forward(req);
        if (r.status() != 200) return r;
        startNodegroupUpdating(key);
        served.add("UpdateNodegroupConfig " + nodegroup);
        JsonNode body = body(req);
        List<ObjectNode> params = new ArrayList<>();
        JsonNode scaling = body.path("scalingConfig");
        for (String[] f : new String[][] {{"minSize", "MinSize"}, {"maxSize", "MaxSize"}, {"desiredSize", "DesiredSize"}}) {
            if (scaling.hasNonNull(f[0])) params.add(param(f[1], scaling.get(f[0]).asText()));
        }
        if (body.path("labels").path("addOrUpdateLabels").size() > 0) params.add(param("LabelsToAdd", body.path("labels").path("addOrUpdateLabels").toString()));
        if (body.path("labels").path("removeLabels").size() > 0) params.add(param("LabelsToRemove", body.path("labels").path("removeLabels").toString()));
        if (body.path("taints").path("addOrUpdateTaints").size() > 0) params.add(param("TaintsToAdd", body.path("taints").path("addOrUpdateTaints").toString()));
        if (body.path("taints").path("removeTaints").size() > 0) params.add(param("TaintsToRemove", body.path("taints").path("removeTaints").toString()));
        return update("ConfigUpdate", params.toArray(ObjectNode[]::new));
    }

    /**
     * CreateNodegroup and CreateAddon need a cluster that has been created: while it is CREATING (or DELETING,
     * FAILED) EKS answers InvalidRequestException, "The request is invalid given the state of the cluster"
     * (CreateNodegroup, CreateAddon: Errors). Null when the cluster can take it (ACTIVE or UPDATING).
     */
    private StubResponse clusterNotReady(String cluster, StubResponse current, String what) {
        String status = heldStatus.getOrDefault("cluster/" + cluster, parse(current.bodyText()).path("cluster").path("status").asText("ACTIVE"));
        if (status.equals("ACTIVE") || status.equals("UPDATING")) return null;
        return error(400, "InvalidRequestException", "Cluster " + cluster + " is in " + status + " state; " + what
                + " can be created once it is ACTIVE");
    }

    /** ResourceInUseException while the node group is not ACTIVE (updating, held, or so in moto). */
    private StubResponse nodegroupBusy(String key, String cluster, String nodegroup, StubResponse current) {
        String status = nodegroupsUpdating.getOrDefault(key, 0) > 0 ? "UPDATING"
                : heldStatus.getOrDefault("nodegroup/" + cluster + "/" + nodegroup,
                        parse(current.bodyText()).path("nodegroup").path("status").asText("ACTIVE"));
        if (status.equals("ACTIVE")) return null;
        return error(409, "ResourceInUseException", "Nodegroup " + nodegroup + " is in " + status
                + " state; an update can start once it is ACTIVE");
    }

    private void startNodegroupUpdating(String key) {
        if (nodegroupUpdatingDescribes > 0) nodegroupsUpdating.put(key, nodegroupUpdatingDescribes);
    }

    private String next(String key) {
        return heldStatus.get(key);
    }

    /** An Update as the reference documents it: id, status InProgress, type, params (UpdateParam type/value). */
    private static StubResponse update(String type, ObjectNode... params) {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode u = out.putObject("update");
        u.put("id", UUID.randomUUID().toString());
        u.put("status", "InProgress");
        u.put("type", type);
        ArrayNode ps = u.putArray("params");
        for (ObjectNode p : params) ps.add(p);
        u.put("createdAt", 1_700_000_000);
        u.putArray("errors");
        return json(200, out.toString());
    }

    private static ObjectNode param(String type, String value) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", type);
        p.put("value", value);
        return p;
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
