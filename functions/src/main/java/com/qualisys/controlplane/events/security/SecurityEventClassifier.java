package com.qualisys.controlplane.events.security;

import static com.qualisys.controlplane.events.Fields.optionalArray;
import static com.qualisys.controlplane.events.Fields.optionalBoolean;
import static com.qualisys.controlplane.events.Fields.optionalInt;
import static com.qualisys.controlplane.events.Fields.optionalObject;
import static com.qualisys.controlplane.events.Fields.optionalText;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.engine.ResourceIndex;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.VpcSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure classification of a CloudTrail event against one environment's spec: the touched resource,
 * the {@link Severity} by its documented rule, who/what/when. No I/O; physical ids are mapped by the
 * {@link ResourceResolver}. Request content of the wrong shape is an {@link EventParseException}.
 */
public final class SecurityEventClassifier {
    private static final String RP = "detail.requestParameters";
    private static final Pattern FLOW_LOG_ID = Pattern.compile("fl-[0-9a-f]{8,40}");

    private final EnvironmentSpec spec;
    private final ManagedResources managed;
    private final ResourceResolver resolver;
    private final ControlPlaneRoles controlPlane;

    public SecurityEventClassifier(EnvironmentSpec spec, ResourceResolver resolver) {
        this.spec = spec;
        this.managed = new ManagedResources(spec);
        this.resolver = resolver;
        this.controlPlane = new ControlPlaneRoles(spec.responses().controlPlaneRolePath());
    }

    /** The resource a classifier found, its severity and the one-line description. */
    private record Target(String layer, String logicalId, String physicalId, Severity severity, String reason, String what,
                          List<IpRule> offending) {
        Target(String layer, String logicalId, String physicalId, Severity severity, String reason, String what) {
            this(layer, logicalId, physicalId, severity, reason, what, List.of());
        }
    }

    /**
     * Why the event needs no look-up at all (an unwatched or failed call, or the control plane's own), or
     * empty when it must be classified; lets a caller skip observing the account for such events.
     */
    public Optional<SecurityFinding> ignoredWithoutLookup(CloudTrailEvent e) {
        Optional<WatchedCalls.Call> call = WatchedCalls.find(e.eventSource(), e.eventName());
        if (call.isEmpty()) return Optional.of(ignored(e, null, e.eventSource() + " " + e.eventName() + " is not a watched call"));
        SecurityClass cls = call.get().securityClass();
        if (e.failed()) return Optional.of(ignored(e, cls, "the call failed (" + e.errorCode() + "): nothing changed"));
        if (controlPlane.madeThe(e)) {
            return Optional.of(ignored(e, cls, "made by the control plane itself (" + e.actor().sessionIssuerArn() + ")"));
        }
        return Optional.empty();
    }

    public SecurityFinding classify(CloudTrailEvent e) throws EventParseException {
        Optional<SecurityFinding> ignored = ignoredWithoutLookup(e);
        if (ignored.isPresent()) return ignored.get();
        SecurityClass cls = WatchedCalls.find(e.eventSource(), e.eventName()).orElseThrow().securityClass();
        JsonNode rp = e.requestParameters();
        Target t = switch (cls) {
            case SECURITY_GROUPS -> securityGroup(e, rp);
            case NETWORK_ACLS -> networkAcl(e, rp);
            case ROUTES -> route(e, rp);
            case AUDIT_LOGGING -> e.eventSource().equals(WatchedCalls.EC2.eventSource()) ? flowLogs(rp) : trail(e, rp);
            case IAM -> iam(e, rp);
            case ACCESS_KEYS -> accessKey(e, rp);
            case ENCRYPTION_KEYS -> kmsKey(e, rp);
            case EKS_CLUSTER -> cluster(rp);
            case RDS_INSTANCE -> database(rp);
            case TRAIL_BUCKET -> trailBucket(e, rp);
            case SECRETS -> secret(e, rp);
        };
        if (t.severity() == null) return ignored(e, cls, t.reason());
        return new SecurityFinding(e.eventId(), e.eventName(), cls, t.layer(), t.logicalId(), t.physicalId(), t.severity(),
                t.reason(), e.actor(), e.sourceIpAddress(), e.eventTime(), e.eventName() + " " + t.what(),
                Redaction.summarize(rp), t.offending(), null);
    }

    private SecurityFinding ignored(CloudTrailEvent e, SecurityClass cls, String because) {
        return new SecurityFinding(e.eventId(), e.eventName(), cls, cls == null ? null : cls.defaultLayer(), null, null, null, null,
                e.actor(), e.sourceIpAddress(), e.eventTime(), e.eventName(), Redaction.summarize(e.requestParameters()), List.of(), because);
    }

    private static Target unmanaged(String what, String id) {
        return new Target(null, null, id, null, what + " " + id + " is not a resource this environment manages", what);
    }

    // --- VPC -------------------------------------------------------------------------------------------

    private Target securityGroup(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        boolean modify = e.eventName().equals("ModifySecurityGroupRules");
        String groupId;
        List<IpRule> rules;
        if (modify) {
            JsonNode request = optionalObject(rp, RP, "ModifySecurityGroupRulesRequest");
            if (request == null) throw new EventParseException(RP + ".ModifySecurityGroupRulesRequest", null, "is missing");
            groupId = optionalText(request, RP + ".ModifySecurityGroupRulesRequest", "GroupId");
            rules = NetworkRules.fromModifyRequest(request, RP + ".ModifySecurityGroupRulesRequest");
        } else {
            groupId = optionalText(rp, RP, "groupId");
            rules = NetworkRules.fromIpPermissions(rp, e.eventName().endsWith("Egress"));
        }
        if (groupId == null) throw new EventParseException(RP + ".groupId", null, "is missing");
        Optional<String> logical = resolver.logicalId(groupId);
        if (logical.isEmpty()) return unmanaged("security group", groupId);
        String rulesText = rules.isEmpty() ? "" : ": " + String.join(", ", rules.stream().map(IpRule::display).toList());
        String what = "on " + groupId + " (" + logical.get() + ")" + rulesText;
        VpcSpec.SecurityGroup group = ManagedResources.securityGroupKey(logical.get())
                .map(k -> spec.vpc().securityGroups().get(k)).orElse(null);
        List<IpRule> undeclared = rules.stream().filter(r -> !declared(group, r, specPeer(r, groupId))).toList();
        List<IpRule> world = undeclared.stream().filter(IpRule::openToInternet).toList();

        if (e.eventName().startsWith("Revoke")) {
            return undeclared.size() == rules.size() && !rules.isEmpty()
                    ? new Target("vpc", logical.get(), groupId, Severity.LOW, "the revoked rules are not in the spec", what)
                    : new Target("vpc", logical.get(), groupId, Severity.MEDIUM, "a rule the spec declares was revoked: traffic it allows now fails", what);
        }
        if (!rules.isEmpty() && undeclared.isEmpty()) {
            return new Target("vpc", logical.get(), groupId, Severity.LOW, "every rule added is declared in the spec", what);
        }
        if (!world.isEmpty()) {
            boolean ingress = world.stream().anyMatch(r -> !r.egress());
            boolean internetFacingByDesign = group != null && group.ingress().stream().anyMatch(r -> isWorld(r.peer()));
            boolean adminOrAll = world.stream().anyMatch(r -> r.covers(22) || r.covers(3389) || r.allTraffic());
            Severity s = ingress && (!internetFacingByDesign || adminOrAll) ? Severity.CRITICAL : Severity.HIGH;
            String reason = ingress
                    ? (internetFacingByDesign ? "opens a port the spec does not declare to the internet"
                            : "opens a group that the spec keeps off the internet to 0.0.0.0/0 or ::/0")
                    : "lets the group send to the internet where the spec does not";
            return new Target("vpc", logical.get(), groupId, s, reason, what, modify ? List.of() : world);
        }
        return new Target("vpc", logical.get(), groupId, Severity.MEDIUM, "adds rules between internal peers that the spec does not declare", what);
    }

    private static boolean declared(VpcSpec.SecurityGroup group, IpRule rule, String specPeer) {
        if (group == null) return false;
        List<VpcSpec.SecurityGroupRule> rules = rule.egress() ? group.egress() : group.ingress();
        return rules != null && rules.stream().anyMatch(r -> rule.declaredBy(r, specPeer));
    }

    /** The rule's peer as the spec writes peers: a CIDR, self, or sg:<key> of a managed group. */
    private String specPeer(IpRule rule, String groupId) {
        if (rule.cidr() != null) return rule.cidr();
        if (rule.peerGroupId() == null) return null;
        if (rule.peerGroupId().equals(groupId)) return "self";
        return resolver.logicalId(rule.peerGroupId()).flatMap(ManagedResources::securityGroupKey).map(k -> "sg:" + k).orElse(null);
    }

    private static boolean isWorld(String cidr) {
        return "0.0.0.0/0".equals(cidr) || "::/0".equals(cidr);
    }

    private Target networkAcl(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        String aclId = optionalText(rp, RP, "networkAclId");
        if (aclId == null) throw new EventParseException(RP + ".networkAclId", null, "is missing");
        Optional<String> logical = resolver.logicalId(aclId);
        if (logical.isEmpty()) return unmanaged("network ACL", aclId);
        Integer rule = optionalInt(rp, RP, "ruleNumber", 1, 32767);
        Boolean egress = optionalBoolean(rp, RP, "egress");
        String action = optionalText(rp, RP, "ruleAction");
        String cidr = Optional.ofNullable(optionalText(rp, RP, "cidrBlock")).orElse(optionalText(rp, RP, "ipv6CidrBlock"));
        String what = "on " + aclId + " (" + logical.get() + ")" + (rule == null ? "" : ": rule " + rule
                + (Boolean.TRUE.equals(egress) ? " outbound" : " inbound") + (action == null ? "" : " " + action)
                + (cidr == null ? "" : " " + cidr));
        if (!e.eventName().startsWith("Delete") && "allow".equalsIgnoreCase(action) && isWorld(cidr) && !Boolean.TRUE.equals(egress)) {
            boolean isolated = logical.get().contains("database");
            return new Target("vpc", logical.get(), aclId, isolated ? Severity.CRITICAL : Severity.HIGH,
                    isolated ? "allows traffic from the internet into the isolated database tier" : "allows traffic from the internet", what);
        }
        return new Target("vpc", logical.get(), aclId, Severity.MEDIUM, "changes a network ACL of the VPC", what);
    }

    private Target route(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        String tableId = optionalText(rp, RP, "routeTableId");
        String associationId = optionalText(rp, RP, "associationId");
        String id = tableId != null ? tableId : associationId;
        if (id == null) throw new EventParseException(RP + ".routeTableId", null, "is missing");
        Optional<String> logical = resolver.logicalId(id);
        if (logical.isEmpty()) return unmanaged("route table", id);
        String destination = Optional.ofNullable(optionalText(rp, RP, "destinationCidrBlock"))
                .orElse(optionalText(rp, RP, "destinationIpv6CidrBlock"));
        String gateway = optionalText(rp, RP, "gatewayId");
        String what = "on " + id + " (" + logical.get() + ")" + (destination == null ? "" : ": " + destination)
                + (gateway == null ? "" : " via " + gateway);
        boolean createsInternetRoute = !e.eventName().equals("DeleteRoute") && isWorld(destination)
                && gateway != null && gateway.startsWith("igw-");
        if (createsInternetRoute && !logical.get().contains("public")) {
            return new Target("vpc", logical.get(), id, Severity.CRITICAL,
                    "gives a private or isolated subnet tier a direct route to the internet", what);
        }
        if (isWorld(destination)) {
            return new Target("vpc", logical.get(), id, Severity.HIGH, "changes the default route of a managed route table", what);
        }
        return new Target("vpc", logical.get(), id, Severity.MEDIUM, "changes routing inside the VPC", what);
    }

    private Target flowLogs(JsonNode rp) {
        List<String> ids = new ArrayList<>();
        collectFlowLogIds(rp, ids, 0);
        for (String id : ids) {
            Optional<String> logical = resolver.logicalId(id);
            if (logical.isPresent()) {
                return new Target(ResourceIndex.layerOf(logical.get()), logical.get(), id, Severity.CRITICAL,
                        "deletes the VPC flow logs: network traffic is no longer recorded", "of " + id + " (" + logical.get() + ")");
            }
        }
        return unmanaged("flow log", ids.isEmpty() ? "(none named)" : String.join(", ", ids));
    }

    /** DeleteFlowLogs records its ids in an EC2-query shape ({"DeleteFlowLogsRequest": {"FlowLogId": {"content": ...}}}). */
    private static void collectFlowLogIds(JsonNode n, List<String> into, int depth) {
        if (n == null || depth > 6 || into.size() > 50) return;
        if (n.isTextual() && FLOW_LOG_ID.matcher(n.textValue()).matches()) into.add(n.textValue());
        if (n.isContainerNode()) n.forEach(child -> collectFlowLogIds(child, into, depth + 1));
    }

    // --- Monitoring ------------------------------------------------------------------------------------

    private Target trail(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        String name = optionalText(rp, RP, e.eventName().equals("PutEventSelectors") ? "trailName" : "name");
        if (name == null) throw new EventParseException(RP + (e.eventName().equals("PutEventSelectors") ? ".trailName" : ".name"), null, "is missing");
        Optional<String> logical = managed.trail(name);
        if (logical.isEmpty()) return unmanaged("trail", name);
        String what = "of trail " + name;
        return switch (e.eventName()) {
            case "StopLogging" -> new Target("monitoring", logical.get(), name, Severity.CRITICAL,
                    "stops the audit trail: API activity is no longer recorded", what);
            case "DeleteTrail" -> new Target("monitoring", logical.get(), name, Severity.CRITICAL,
                    "deletes the audit trail", what);
            default -> new Target("monitoring", logical.get(), name, Severity.HIGH,
                    "changes what the audit trail records or where it delivers", what);
        };
    }

    private Target trailBucket(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        String bucket = optionalText(rp, RP, "bucketName");
        if (bucket == null) throw new EventParseException(RP + ".bucketName", null, "is missing");
        Optional<String> logical = managed.trailBucketLogicalId(bucket);
        if (logical.isEmpty()) return unmanaged("bucket", bucket);
        String what = "on the CloudTrail bucket " + bucket;
        return switch (e.eventName()) {
            case "DeleteBucketPolicy" -> new Target("monitoring", logical.get(), bucket, Severity.CRITICAL,
                    "removes the bucket policy: CloudTrail can no longer deliver logs", what);
            case "DeleteBucketPublicAccessBlock" -> new Target("monitoring", logical.get(), bucket, Severity.CRITICAL,
                    "removes the public-access block of the audit log bucket", what);
            case "PutBucketPublicAccessBlock" -> publicAccessBlock(rp, logical.get(), bucket, what);
            default -> new Target("monitoring", logical.get(), bucket, Severity.HIGH,
                    "replaces the policy of the audit log bucket", what);
        };
    }

    private Target publicAccessBlock(JsonNode rp, String logicalId, String bucket, String what) throws EventParseException {
        JsonNode config = optionalObject(rp, RP, "PublicAccessBlockConfiguration");
        List<String> off = new ArrayList<>();
        for (String flag : List.of("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")) {
            JsonNode v = config == null ? null : config.get(flag);
            boolean on = v != null && (v.isBoolean() ? v.booleanValue() : "true".equalsIgnoreCase(v.asText()));
            if (!on) off.add(flag);
        }
        return off.isEmpty()
                ? new Target("monitoring", logicalId, bucket, Severity.LOW, "every public-access flag stays on", what)
                : new Target("monitoring", logicalId, bucket, Severity.HIGH, "turns off " + String.join(", ", off), what);
    }

    // --- IAM -------------------------------------------------------------------------------------------

    private Target iam(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        if (e.eventName().contains("PolicyVersion")) {
            String arn = optionalText(rp, RP, "policyArn");
            if (arn == null) throw new EventParseException(RP + ".policyArn", null, "is missing");
            Optional<String> logical = managed.policyByArn(arn);
            if (logical.isEmpty()) return unmanaged("policy", arn);
            Boolean setAsDefault = optionalBoolean(rp, RP, "setAsDefault");
            boolean effective = e.eventName().equals("SetDefaultPolicyVersion") || Boolean.TRUE.equals(setAsDefault);
            return new Target("iam", logical.get(), arn, effective ? Severity.HIGH : Severity.MEDIUM,
                    effective ? "changes the permissions a Qualisys policy grants" : "adds or removes a non-default policy version",
                    "of " + arn);
        }
        String role = optionalText(rp, RP, "roleName");
        if (role == null) throw new EventParseException(RP + ".roleName", null, "is missing");
        Optional<String> logical = managed.role(role);
        if (logical.isEmpty()) return unmanaged("role", role);
        String layer = ResourceIndex.layerOf(logical.get());
        String policyArn = optionalText(rp, RP, "policyArn");
        String what = "on role " + role + (policyArn == null ? "" : ": " + policyArn)
                + (optionalText(rp, RP, "policyName") == null ? "" : ": inline policy " + optionalText(rp, RP, "policyName"));
        return switch (e.eventName()) {
            case "AttachRolePolicy" -> policyArn != null && policyArn.endsWith("/AdministratorAccess")
                    ? new Target(layer, logical.get(), role, Severity.CRITICAL, "grants AdministratorAccess to a Qualisys role", what)
                    : new Target(layer, logical.get(), role, Severity.HIGH, "grants a Qualisys role permissions the spec does not list", what);
            case "UpdateAssumeRolePolicy" -> new Target(layer, logical.get(), role, Severity.HIGH,
                    "changes who may assume a Qualisys role", what);
            case "PutRolePolicy" -> new Target(layer, logical.get(), role, Severity.HIGH,
                    "adds inline permissions to a Qualisys role", what);
            case "DeleteRolePermissionsBoundary" -> new Target(layer, logical.get(), role, Severity.HIGH,
                    "removes the permissions boundary of a Qualisys role", what);
            case "UpdateRole" -> new Target(layer, logical.get(), role, Severity.MEDIUM,
                    "changes session duration or description of a Qualisys role", what);
            default -> new Target(layer, logical.get(), role, Severity.MEDIUM,
                    "removes permissions from a Qualisys role: what depends on them may fail", what);
        };
    }

    private Target accessKey(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        String user = optionalText(rp, RP, "userName");
        boolean root = "Root".equals(e.actor().type()) && user == null;
        String who = user != null ? user : root ? "the root user" : "the calling user";
        return root
                ? new Target("iam", null, who, Severity.CRITICAL, "creates a long-lived access key for the root user", "for " + who)
                : new Target("iam", null, who, Severity.MEDIUM, "creates a long-lived access key (the seed rotates them every 90 days)", "for " + who);
    }

    // --- KMS, EKS, RDS, Secrets --------------------------------------------------------------------------

    private Target kmsKey(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        String keyId = optionalText(rp, RP, "keyId");
        if (keyId == null) throw new EventParseException(RP + ".keyId", null, "is missing");
        Optional<String> logical = resolver.logicalId(keyId);
        if (logical.isEmpty() && keyId.contains(":key/")) logical = resolver.logicalId(keyId.substring(keyId.lastIndexOf('/') + 1));
        if (logical.isEmpty()) return unmanaged("KMS key", keyId);
        String layer = ResourceIndex.layerOf(logical.get());
        String what = "of key " + keyId + " (" + logical.get() + ")";
        return switch (e.eventName()) {
            case "ScheduleKeyDeletion" -> new Target(layer, logical.get(), keyId, Severity.CRITICAL,
                    "schedules deletion of a key that encrypts managed data: the data becomes unreadable", what);
            case "DisableKey" -> new Target(layer, logical.get(), keyId, Severity.CRITICAL,
                    "disables a key that encrypts managed data", what);
            default -> new Target(layer, logical.get(), keyId, Severity.HIGH, "weakens the protection of a managed key", what);
        };
    }

    private Target cluster(JsonNode rp) throws EventParseException {
        String name = optionalText(rp, RP, "name");
        if (name == null) throw new EventParseException(RP + ".name", null, "is missing");
        Optional<String> logical = managed.cluster(name);
        if (logical.isEmpty()) return unmanaged("EKS cluster", name);
        List<String> weakened = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        JsonNode vpc = optionalObject(rp, RP, "resourcesVpcConfig");
        if (vpc != null) {
            String p = RP + ".resourcesVpcConfig";
            Boolean pub = optionalBoolean(vpc, p, "endpointPublicAccess");
            Boolean priv = optionalBoolean(vpc, p, "endpointPrivateAccess");
            if (pub != null && pub && !spec.eks().endpointPublicAccess()) weakened.add("enables the public endpoint");
            else if (pub != null) changed.add("endpointPublicAccess=" + pub);
            if (priv != null && !priv && spec.eks().endpointPrivateAccess()) weakened.add("disables the private endpoint");
            else if (priv != null) changed.add("endpointPrivateAccess=" + priv);
            if (vpc.has("publicAccessCidrs")) changed.add("publicAccessCidrs=" + optionalArray(vpc, p, "publicAccessCidrs").size() + " CIDRs");
        }
        JsonNode logging = optionalObject(rp, RP, "logging");
        if (logging != null) {
            List<JsonNode> entries = optionalArray(logging, RP + ".logging", "clusterLogging");
            for (int i = 0; i < entries.size(); i++) {
                String p = RP + ".logging.clusterLogging[" + i + "]";
                JsonNode entry = NetworkRules.object(entries.get(i), p);
                Boolean enabled = optionalBoolean(entry, p, "enabled");
                List<String> types = new ArrayList<>();
                for (JsonNode t : optionalArray(entry, p, "types")) if (t.isTextual()) types.add(t.textValue());
                List<String> lost = types.stream().filter(spec.eks().logTypes()::contains).toList();
                if (Boolean.FALSE.equals(enabled) && !lost.isEmpty()) weakened.add("disables control-plane logging of " + String.join(", ", lost));
                else changed.add("logging " + types + "=" + enabled);
            }
        }
        String what = "of cluster " + name + ": " + String.join("; ", weakened.isEmpty() ? changed : weakened);
        return weakened.isEmpty()
                ? new Target("eks", logical.get(), name, Severity.MEDIUM, "changes endpoint or logging settings of the cluster", what)
                : new Target("eks", logical.get(), name, Severity.HIGH, String.join("; ", weakened), what);
    }

    private Target database(JsonNode rp) throws EventParseException {
        String id = optionalText(rp, RP, "dBInstanceIdentifier");
        if (id == null) throw new EventParseException(RP + ".dBInstanceIdentifier", null, "is missing");
        Optional<String> logical = managed.dbInstance(id);
        if (logical.isEmpty()) return unmanaged("DB instance", id);
        Boolean pub = optionalBoolean(rp, RP, "publiclyAccessible");
        Boolean protection = optionalBoolean(rp, RP, "deletionProtection");
        Integer retention = optionalInt(rp, RP, "backupRetentionPeriod", 0, 35);
        String what = "of " + id + ":" + (pub == null ? "" : " publiclyAccessible=" + pub)
                + (protection == null ? "" : " deletionProtection=" + protection)
                + (retention == null ? "" : " backupRetentionPeriod=" + retention);
        if (Boolean.TRUE.equals(pub) && !spec.rds().publiclyAccessible()) {
            return new Target("rds", logical.get(), id, Severity.CRITICAL, "makes the database reachable from the internet", what);
        }
        if (Boolean.FALSE.equals(protection) && spec.rds().deletionProtection()) {
            return new Target("rds", logical.get(), id, Severity.HIGH, "turns off deletion protection", what);
        }
        if (retention != null && retention < spec.rds().backupRetentionDays()) {
            return new Target("rds", logical.get(), id, Severity.HIGH,
                    "cuts backup retention below the spec's " + spec.rds().backupRetentionDays() + " days", what);
        }
        return new Target("rds", logical.get(), id, Severity.MEDIUM, "modifies the database instance", what);
    }

    private Target secret(CloudTrailEvent e, JsonNode rp) throws EventParseException {
        String id = optionalText(rp, RP, "secretId");
        if (id == null) throw new EventParseException(RP + ".secretId", null, "is missing");
        Optional<String> logical = managed.secret(id);
        if (logical.isEmpty()) return unmanaged("secret", id);
        return e.eventName().equals("PutResourcePolicy")
                ? new Target("rds", logical.get(), id, Severity.HIGH, "lets a resource policy grant access to a database secret", "on secret " + id)
                : new Target("rds", logical.get(), id, Severity.MEDIUM, "removes the resource policy of a database secret", "on secret " + id);
    }
}
