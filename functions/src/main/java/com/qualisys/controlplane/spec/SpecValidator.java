package com.qualisys.controlplane.spec;

import com.qualisys.controlplane.spec.VpcSpec.Tier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a bound spec for values AWS or Kubernetes would reject, or that contradict each other,
 * so that a bad spec fails before any call is made. Every error names file, path and value.
 */
final class SpecValidator {
    private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws(?:-cn|-us-gov)?:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    private static final Pattern IAM_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
    private static final Pattern POLICY_NAME = Pattern.compile("[\\w+=,.@-]{1,128}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern TABLE = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");
    private static final Pattern ACCOUNT_ALIAS = Pattern.compile("[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}");
    private static final Pattern DB_IDENTIFIER = Pattern.compile("[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]");
    private static final Pattern SG_NAME = Pattern.compile("[a-zA-Z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]{1,255}");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LOG_GROUP = Pattern.compile("[\\w./#-]{1,512}");
    private static final Pattern DB_SUBNET_GROUP = Pattern.compile("(?!default$)[a-z0-9._ -]{1,255}");
    private static final Pattern CACHE_SUBNET_GROUP = Pattern.compile("[a-z0-9-]{1,255}");
    private static final Pattern K8S_VERSION = Pattern.compile("\\d+\\.\\d+");
    private static final Pattern PG_VERSION = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern PORTS = Pattern.compile("(\\d{1,5})(-(\\d{1,5}))?");
    private static final Pattern CPU = Pattern.compile("\\d+(\\.\\d+)?m?");
    private static final Pattern MEMORY = Pattern.compile("\\d+(\\.\\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");
    private static final Pattern WINDOW = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-3]):[0-5]\\d");
    private static final Pattern MAINTENANCE = Pattern.compile(
            "(mon|tue|wed|thu|fri|sat|sun):([01]\\d|2[0-3]):[0-5]\\d-(mon|tue|wed|thu|fri|sat|sun):([01]\\d|2[0-3]):[0-5]\\d");
    private static final Pattern SCHEDULE = Pattern.compile("rate\\(\\d+ (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\)");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "icmp", "all");
    private static final Set<String> LOG_TYPES = Set.of("api", "audit", "authenticator", "controllerManager", "scheduler");
    private static final Set<String> TAINT_EFFECTS = Set.of("NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE");
    /** The roles layers.kubernetes.ClusterRoles defines rules for. */
    private static final Set<String> K8S_ROLES = new java.util.TreeSet<>(Set.of("developer", "devops", "ci-cd"));
    private static final Pattern HELM_PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Set<String> HELM_PLACEHOLDERS = new java.util.TreeSet<>(
            Set.of("clusterName", "region", "accountId", "vpcId", "irsaRoleArn", "serviceAccount"));
    private static final Set<String> PSS_LEVELS = Set.of("privileged", "baseline", "restricted");
    private static final Set<Integer> MONITORING_INTERVALS = Set.of(0, 1, 5, 10, 15, 30, 60);
    private static final Set<Integer> LOG_RETENTION_DAYS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400,
            545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);
    private static final Set<String> DIGEST_FREQUENCIES = Set.of("DAILY", "WEEKLY");
    static final Set<String> LADDER_ACTIONS = Set.of("notify", "notify-top-services", "cap-playwright-pool", "start-drift-check");
    /** The security classes of events.security.SecurityClass (a test keeps the two in step). */
    public static final Set<String> SECURITY_CLASSES = Set.of("audit-logging", "security-groups", "network-acls", "routes",
            "iam", "access-keys", "encryption-keys", "eks-cluster", "rds-instance", "trail-bucket", "secrets");
    static final Set<String> SECURITY_POLICIES = Set.of("remediate", "check", "notify");

    private final SpecLoader.Origins origins;
    private final List<SpecError> errors = new ArrayList<>();

    SpecValidator(SpecLoader.Origins origins) {
        this.origins = origins;
    }

    List<SpecError> validate(EnvironmentSpec spec) {
        if (require("aws", spec.aws()) && require("aws.region", spec.aws().region())) {
            match("aws.region", spec.aws().region(), REGION, "is not an AWS region name");
        }
        if (spec.aws() != null) account(spec.aws());
        if (require("state", spec.state())) {
            match("state.lockTable", spec.state().lockTable(), TABLE, "is not a valid DynamoDB table name");
            match("state.reportBucket", spec.state().reportBucket(), BUCKET, "is not a valid S3 bucket name");
            if (spec.state().leaseSeconds() < 60) error("state.leaseSeconds", spec.state().leaseSeconds(), "must be at least 60");
        }
        if (require("account", spec.account())) {
            match("account.alias", spec.account().alias(), ACCOUNT_ALIAS, "is not a valid IAM account alias");
        }
        if (require("iam", spec.iam())) iam(spec.iam());
        if (require("monitoring", spec.monitoring())) monitoring(spec.monitoring());
        if (require("vpc", spec.vpc())) vpc(spec.vpc(), spec.aws() == null ? null : spec.aws().region());
        if (require("eks", spec.eks())) eks(spec.eks());
        if (require("rds", spec.rds())) rds(spec.rds());
        if (require("kubernetes", spec.kubernetes())) kubernetes(spec.kubernetes(), spec);
        if (require("responses", spec.responses())) responses(spec.responses());
        if (require("drift", spec.drift())) match("drift.schedule", spec.drift().schedule(), SCHEDULE,
                "is not an EventBridge schedule expression (rate(...) or cron(...))");
        return errors;
    }

    /** The environment's account, the role the hub assumes there, and its relation to the hub account. */
    private void account(EnvironmentSpec.AwsSpec aws) {
        // Per environment by nature: when missing, the environment's own file is where it belongs.
        if (aws.accountId() == null) errors.add(new SpecError(origins.envFile, "aws.accountId", null,
                "is required: every environment names the 12-digit AWS account it lives in"));
        if (aws.externalId() == null) errors.add(new SpecError(origins.envFile, "aws.externalId", null,
                "is required: the external id the hub presents when it assumes the environment's execution role"));
        boolean accountOk = aws.accountId() != null && match("aws.accountId", aws.accountId(), ACCOUNT_ID,
                "is not a 12-digit AWS account id");
        if (aws.executionRole() != null) {
            Matcher role = ROLE_ARN.matcher(aws.executionRole());
            if (!role.matches()) {
                error("aws.executionRole", aws.executionRole(), "is not an IAM role ARN (arn:aws:iam::<account>:role/<path>/<name>)");
            } else if (accountOk && !role.group(1).equals(aws.accountId())) {
                error("aws.executionRole", aws.executionRole(), "is in account " + role.group(1)
                        + ", not in the environment's account " + aws.accountId() + " (aws.accountId)");
            }
        }
        if (aws.externalId() != null) match("aws.externalId", aws.externalId(), EXTERNAL_ID,
                "is not a valid STS external id (2-1224 characters of letters, digits and +=,.@:/-)");
        if (aws.approverRole() != null && !APPROVER_ROLE_NAME.matcher(aws.approverRole()).matches()) {
            Matcher role = ROLE_ARN.matcher(aws.approverRole());
            if (!role.matches()) {
                error("aws.approverRole", aws.approverRole(), "is neither an IAM role name (1-64 characters of letters, digits and"
                        + " +=,.@_-) nor a role ARN (arn:aws:iam::<hub account>:role/<path>/<name>)");
            } else if (aws.hubAccountId() != null && !role.group(1).equals(aws.hubAccountId())) {
                error("aws.approverRole", aws.approverRole(), "is in account " + role.group(1) + ", not in the hub account "
                        + aws.hubAccountId() + " (aws.hubAccountId), where provision is started");
            }
        }
        if (aws.hubAccountId() != null && match("aws.hubAccountId", aws.hubAccountId(), ACCOUNT_ID, "is not a 12-digit AWS account id")
                && accountOk && aws.hubAccountId().equals(aws.accountId()) && !aws.sharesHubAccount()) {
            error("aws.accountId", aws.accountId(), "is the hub account (aws.hubAccountId): an environment lives in its own account;"
                    + " set aws.sharesHubAccount: true to allow it explicitly");
        }
    }

    private static final Pattern APPROVER_ROLE_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

    private void iam(IamSpec iam) {
        Set<String> policyNames = new HashSet<>();
        List<IamSpec.Policy> policies = iam.policies() == null ? List.of() : iam.policies();
        for (int i = 0; i < policies.size(); i++) {
            IamSpec.Policy p = policies.get(i);
            String path = "iam.policies[" + i + "]";
            if (match(path + ".name", p.name(), POLICY_NAME, "is not a valid IAM policy name") && !policyNames.add(p.name())) {
                error(path + ".name", p.name(), "is defined twice");
            }
            require(path + ".document", p.document());
        }
        Set<String> roleNames = new HashSet<>();
        List<IamSpec.Role> roles = iam.roles() == null ? List.of() : iam.roles();
        for (int i = 0; i < roles.size(); i++) {
            IamSpec.Role r = roles.get(i);
            String path = "iam.roles[" + i + "]";
            if (match(path + ".name", r.name(), IAM_NAME, "is not a valid IAM role name") && !roleNames.add(r.name())) {
                error(path + ".name", r.name(), "is defined twice");
            }
            require(path + ".type", r.type());
            if (r.maxSessionSeconds() != null && (r.maxSessionSeconds() < 3600 || r.maxSessionSeconds() > 43200)) {
                error(path + ".maxSessionSeconds", r.maxSessionSeconds(), "must be between 3600 and 43200");
            }
            if (r.type() == IamSpec.RoleType.human && !r.mfaRequired()) {
                error(path + ".mfaRequired", false, "must be true: human roles are assumed only with MFA");
            }
            if (r.type() == IamSpec.RoleType.service && r.trustedServices().isEmpty()) {
                error(path + ".trustedServices", "[]", "must name the AWS service that assumes a service role");
            }
            for (int j = 0; j < r.customerManagedPolicies().size(); j++) {
                String name = r.customerManagedPolicies().get(j);
                if (!policyNames.contains(name)) {
                    error(path + ".customerManagedPolicies[" + j + "]", name, "is not a policy defined in iam.policies");
                }
            }
        }
    }

    private void monitoring(MonitoringSpec m) {
        match("monitoring.alertEmail", m.alertEmail(), EMAIL, "is not an e-mail address");
        require("monitoring.alertTopic", m.alertTopic());
        List<MonitoringSpec.Budget> budgets = m.budgets() == null ? List.of() : m.budgets();
        for (int i = 0; i < budgets.size(); i++) {
            MonitoringSpec.Budget b = budgets.get(i);
            String path = "monitoring.budgets[" + i + "]";
            require(path + ".name", b.name());
            if (require(path + ".limitUsd", b.limitUsd()) && b.limitUsd().signum() <= 0) {
                error(path + ".limitUsd", b.limitUsd(), "must be greater than 0");
            }
            percents(path + ".actualAlertPercents", b.actualAlertPercents());
            percents(path + ".forecastedAlertPercents", b.forecastedAlertPercents());
        }
        if (require("monitoring.anomalyDetection", m.anomalyDetection())) {
            BigDecimal t = m.anomalyDetection().impactThresholdUsd();
            if (require("monitoring.anomalyDetection.impactThresholdUsd", t) && t.signum() <= 0) {
                error("monitoring.anomalyDetection.impactThresholdUsd", t, "must be greater than 0");
            }
            match("monitoring.anomalyDetection.digestEmail", m.anomalyDetection().digestEmail(), EMAIL, "is not an e-mail address");
            require("monitoring.anomalyDetection.monitorName", m.anomalyDetection().monitorName());
            require("monitoring.anomalyDetection.subscriptionName", m.anomalyDetection().subscriptionName());
            require("monitoring.anomalyDetection.digestSubscriptionName", m.anomalyDetection().digestSubscriptionName());
            String frequency = m.anomalyDetection().digestFrequency();
            if (require("monitoring.anomalyDetection.digestFrequency", frequency) && !DIGEST_FREQUENCIES.contains(frequency)) {
                error("monitoring.anomalyDetection.digestFrequency", frequency,
                        "must be one of " + DIGEST_FREQUENCIES + " (AWS sends digests only by e-mail; IMMEDIATE alerts go to the alert topic)");
            }
            if (Objects.equals(m.anomalyDetection().subscriptionName(), m.anomalyDetection().digestSubscriptionName())) {
                error("monitoring.anomalyDetection.digestSubscriptionName", m.anomalyDetection().digestSubscriptionName(),
                        "must differ from subscriptionName");
            }
        }
        if (require("monitoring.cloudTrail", m.cloudTrail())) {
            match("monitoring.cloudTrail.bucket", m.cloudTrail().bucket(), BUCKET, "is not a valid S3 bucket name");
            require("monitoring.cloudTrail.trailName", m.cloudTrail().trailName());
            if (m.cloudTrail().logRetentionDays() < 1) {
                error("monitoring.cloudTrail.logRetentionDays", m.cloudTrail().logRetentionDays(), "must be at least 1");
            }
        }
    }

    private void percents(String path, List<Integer> values) {
        if (values == null) return;
        for (int i = 0; i < values.size(); i++) {
            Integer v = values.get(i);
            if (v == null || v <= 0 || v > 1000) error(path + "[" + i + "]", v, "must be a percentage between 1 and 1000");
        }
    }

    private void vpc(VpcSpec vpc, String region) {
        require("vpc.name", vpc.name());
        Optional<Cidr> vpcCidr = cidr("vpc.cidr", vpc.cidr());
        vpcCidr.filter(c -> c.prefix() < 16 || c.prefix() > 28)
                .ifPresent(c -> error("vpc.cidr", vpc.cidr(), "must have a prefix between /16 and /28"));
        List<String> azs = vpc.availabilityZones() == null ? List.of() : vpc.availabilityZones();
        if (azs.isEmpty()) error("vpc.availabilityZones", "[]", "must list at least one availability zone");
        for (int i = 0; i < azs.size(); i++) {
            String az = azs.get(i);
            if (region != null && (az == null || !az.matches(Pattern.quote(region) + "[a-z]"))) {
                error("vpc.availabilityZones[" + i + "]", az, "is not an availability zone of region " + region);
            }
        }
        Map<String, VpcSpec.Subnet> subnets = vpc.subnets() == null ? Map.of() : vpc.subnets();
        Map<String, Cidr> parsed = new HashMap<>();
        Map<String, String> tierAz = new HashMap<>();
        for (var e : subnets.entrySet()) {
            String path = "vpc.subnets." + e.getKey();
            VpcSpec.Subnet s = e.getValue();
            if (!DNS_LABEL.matcher(e.getKey()).matches()) error(path, e.getKey(), "is not a valid subnet key (lower-case, digits, '-')");
            if (!require(path + ".tier", s.tier()) | !require(path + ".az", s.az())) continue;
            if (!azs.contains(s.az())) error(path + ".az", s.az(), "is not one of vpc.availabilityZones " + azs);
            String previous = tierAz.put(s.tier().key() + "@" + s.az(), e.getKey());
            if (previous != null) {
                error(path + ".az", s.az(), "already has a " + s.tier().key() + " subnet (" + previous + "); one subnet per tier per AZ");
            }
            Optional<Cidr> c = cidr(path + ".cidr", s.cidr());
            if (c.isEmpty()) continue;
            if (vpcCidr.isPresent() && !vpcCidr.get().contains(c.get())) {
                error(path + ".cidr", s.cidr(), "is outside the VPC CIDR " + vpc.cidr());
            }
            for (var other : parsed.entrySet()) {
                if (other.getValue().overlaps(c.get())) {
                    error(path + ".cidr", s.cidr(), "overlaps vpc.subnets." + other.getKey() + ".cidr " + subnets.get(other.getKey()).cidr());
                }
            }
            parsed.put(e.getKey(), c.get());
        }
        for (Tier tier : Tier.values()) {
            for (String az : azs) {
                if (!tierAz.containsKey(tier.key() + "@" + az)) {
                    error("vpc.subnets", null, "has no " + tier.key() + " subnet in " + az + "; every tier needs one subnet per AZ");
                }
            }
        }
        if (vpc.subnetTags() != null) {
            for (String tier : vpc.subnetTags().keySet()) {
                if (!Set.of("public", "private", "database").contains(tier)) {
                    error("vpc.subnetTags." + tier, tier, "is not a tier (public, private, database)");
                }
            }
        }
        Map<String, VpcSpec.SecurityGroup> groups = vpc.securityGroups() == null ? Map.of() : vpc.securityGroups();
        for (var e : groups.entrySet()) {
            String path = "vpc.securityGroups." + e.getKey();
            match(path + ".name", e.getValue().name(), SG_NAME, "is not a valid security group name");
            rules(path + ".ingress", e.getValue().ingress(), groups.keySet());
            rules(path + ".egress", e.getValue().egress(), groups.keySet());
        }
        Map<String, VpcSpec.NetworkAcl> nacls = vpc.networkAcls() == null ? Map.of() : vpc.networkAcls();
        for (var e : nacls.entrySet()) {
            String path = "vpc.networkAcls." + e.getKey();
            require(path + ".tier", e.getValue().tier());
            naclEntries(path + ".inbound", e.getValue().inbound());
            naclEntries(path + ".outbound", e.getValue().outbound());
        }
        if (require("vpc.flowLogs", vpc.flowLogs())) {
            VpcSpec.FlowLogs f = vpc.flowLogs();
            if (!Set.of("ALL", "ACCEPT", "REJECT").contains(f.trafficType())) {
                error("vpc.flowLogs.trafficType", f.trafficType(), "must be ALL, ACCEPT or REJECT");
            }
            if (f.aggregationSeconds() != 60 && f.aggregationSeconds() != 600) {
                error("vpc.flowLogs.aggregationSeconds", f.aggregationSeconds(), "must be 60 or 600");
            }
            if (!LOG_RETENTION_DAYS.contains(f.retentionDays())) {
                error("vpc.flowLogs.retentionDays", f.retentionDays(), "is not a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, ...)");
            }
            match("vpc.flowLogs.logGroup", f.logGroup(), LOG_GROUP, "is not a valid CloudWatch Logs group name");
            match("vpc.flowLogs.deliveryRole", f.deliveryRole(), IAM_NAME, "is not a valid IAM role name");
        }
        // The subnet groups are found by these names: a missing name would match every group of the account.
        match("vpc.dbSubnetGroup", vpc.dbSubnetGroup(), DB_SUBNET_GROUP,
                "is not a valid DB subnet group name (lower-case letters, digits, '.', '_', '-', spaces; not 'default')");
        match("vpc.cacheSubnetGroup", vpc.cacheSubnetGroup(), CACHE_SUBNET_GROUP,
                "is not a valid cache subnet group name (lower-case letters, digits, '-')");
    }

    private void rules(String path, List<VpcSpec.SecurityGroupRule> rules, Set<String> groupKeys) {
        if (rules == null) return;
        for (int i = 0; i < rules.size(); i++) {
            VpcSpec.SecurityGroupRule r = rules.get(i);
            String p = path + "[" + i + "]";
            if (!PROTOCOLS.contains(r.protocol())) {
                error(p + ".protocol", r.protocol(), "must be one of tcp, udp, icmp, all");
            } else if (!r.protocol().equals("all")) {
                ports(p + ".ports", r.ports(), true);
            }
            String peer = r.peer();
            if (peer == null) {
                error(p + ".peer", null, "is required: a CIDR, sg:<group key> or self");
            } else if (peer.startsWith("sg:")) {
                if (!groupKeys.contains(peer.substring(3))) error(p + ".peer", peer, "names no group of vpc.securityGroups");
            } else if (!peer.equals("self")) {
                cidr(p + ".peer", peer);
            }
        }
    }

    private void naclEntries(String path, List<VpcSpec.NaclEntry> entries) {
        if (entries == null) return;
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            VpcSpec.NaclEntry n = entries.get(i);
            String p = path + "[" + i + "]";
            if (n.rule() < 1 || n.rule() > 32766) error(p + ".rule", n.rule(), "must be between 1 and 32766");
            else if (!numbers.add(n.rule())) error(p + ".rule", n.rule(), "is used twice in " + path);
            if (!PROTOCOLS.contains(n.protocol())) error(p + ".protocol", n.protocol(), "must be one of tcp, udp, icmp, all");
            else if (!n.protocol().equals("all") && !n.protocol().equals("icmp")) ports(p + ".ports", n.ports(), true);
            cidr(p + ".cidr", n.cidr());
            if (n.action() != null && !Set.of("allow", "deny").contains(n.action())) {
                error(p + ".action", n.action(), "must be allow or deny");
            }
        }
    }

    private void ports(String path, String ports, boolean required) {
        if (ports == null) {
            if (required) error(path, null, "is required for tcp and udp (a port or a range like 1024-65535)");
            return;
        }
        var m = PORTS.matcher(ports);
        if (!m.matches()) {
            error(path, ports, "is not a port or a port range like 1024-65535");
            return;
        }
        int from = Integer.parseInt(m.group(1));
        int to = m.group(3) == null ? from : Integer.parseInt(m.group(3));
        if (from < 0 || to > 65535 || from > to) error(path, ports, "is not a valid port range (0-65535, from <= to)");
    }

    private void eks(EksSpec eks) {
        match("eks.clusterName", eks.clusterName(), CLUSTER_NAME, "is not a valid EKS cluster name");
        match("eks.version", eks.version(), K8S_VERSION, "is not a Kubernetes minor version like 1.29");
        List<String> logTypes = eks.logTypes() == null ? List.of() : eks.logTypes();
        for (int i = 0; i < logTypes.size(); i++) {
            if (!LOG_TYPES.contains(logTypes.get(i))) error("eks.logTypes[" + i + "]", logTypes.get(i), "is not an EKS log type " + LOG_TYPES);
        }
        match("eks.nodeRole", eks.nodeRole(), IAM_NAME, "is not a valid IAM role name");
        require("eks.nodeSubnetTier", eks.nodeSubnetTier());
        Map<String, EksSpec.NodeGroup> groups = eks.nodeGroups() == null ? Map.of() : eks.nodeGroups();
        for (var e : groups.entrySet()) {
            String path = "eks.nodeGroups." + e.getKey();
            EksSpec.NodeGroup g = e.getValue();
            match(path + ".name", g.name(), CLUSTER_NAME, "is not a valid node group name");
            if (g.instanceTypes() == null || g.instanceTypes().isEmpty()) error(path + ".instanceTypes", "[]", "must name an instance type");
            if (g.minSize() < 0) error(path + ".minSize", g.minSize(), "must not be negative");
            if (g.maxSize() < 1) error(path + ".maxSize", g.maxSize(), "must be at least 1");
            if (g.minSize() > g.desiredSize()) error(path + ".minSize", g.minSize(), "is above desiredSize " + g.desiredSize());
            if (g.desiredSize() > g.maxSize()) error(path + ".desiredSize", g.desiredSize(), "is above maxSize " + g.maxSize());
            require(path + ".capacityType", g.capacityType());
            List<EksSpec.Taint> taints = g.taints() == null ? List.of() : g.taints();
            for (int i = 0; i < taints.size(); i++) {
                if (!TAINT_EFFECTS.contains(taints.get(i).effect())) {
                    error(path + ".taints[" + i + "].effect", taints.get(i).effect(), "must be one of " + TAINT_EFFECTS);
                }
            }
        }
        if (eks.irsaRoles() != null) {
            for (var e : eks.irsaRoles().entrySet()) {
                match("eks.irsaRoles." + e.getKey() + ".roleName", e.getValue().roleName(), IAM_NAME, "is not a valid IAM role name");
            }
        }
    }

    private void rds(RdsSpec rds) {
        match("rds.identifier", rds.identifier(), DB_IDENTIFIER, "is not a valid RDS instance identifier");
        match("rds.engineVersion", rds.engineVersion(), PG_VERSION, "is not a PostgreSQL version like 15.4");
        require("rds.instanceClass", rds.instanceClass());
        if (rds.instanceClass() != null && !rds.instanceClass().startsWith("db.")) {
            error("rds.instanceClass", rds.instanceClass(), "is not an RDS instance class (db.*)");
        }
        if (rds.allocatedStorageGb() < 20) error("rds.allocatedStorageGb", rds.allocatedStorageGb(), "must be at least 20 for gp3");
        if (rds.maxAllocatedStorageGb() != 0 && rds.maxAllocatedStorageGb() < rds.allocatedStorageGb()) {
            error("rds.maxAllocatedStorageGb", rds.maxAllocatedStorageGb(), "is below allocatedStorageGb " + rds.allocatedStorageGb());
        }
        if (rds.backupRetentionDays() < 0 || rds.backupRetentionDays() > 35) {
            error("rds.backupRetentionDays", rds.backupRetentionDays(), "must be between 0 and 35");
        }
        match("rds.backupWindow", rds.backupWindow(), WINDOW, "is not a window like 03:00-04:00");
        match("rds.maintenanceWindow", rds.maintenanceWindow(), MAINTENANCE, "is not a window like sun:04:00-sun:05:00");
        if (!MONITORING_INTERVALS.contains(rds.monitoringIntervalSeconds())) {
            error("rds.monitoringIntervalSeconds", rds.monitoringIntervalSeconds(), "must be one of " + MONITORING_INTERVALS);
        }
        int pi = rds.performanceInsightsRetentionDays();
        if (pi != 7 && (pi % 31 != 0 || pi > 731)) {
            error("rds.performanceInsightsRetentionDays", pi, "must be 7 or a multiple of 31 up to 731");
        }
        if (rds.parameterGroup() != null && rds.parameterGroup().family() != null && rds.engine() != null
                && rds.engineVersion() != null && PG_VERSION.matcher(rds.engineVersion()).matches()) {
            String family = rds.engine() + rds.engineVersion().split("\\.")[0];
            if (!rds.parameterGroup().family().equals(family)) {
                error("rds.parameterGroup.family", rds.parameterGroup().family(),
                        "does not match rds.engineVersion " + rds.engineVersion() + " (expected " + family + ")");
            }
        }
        if (require("rds.parameterGroup", rds.parameterGroup()) && rds.parameterGroup().parameters() != null) {
            for (var e : rds.parameterGroup().parameters().entrySet()) {
                if (e.getValue() == null || e.getValue().isBlank()) {
                    error("rds.parameterGroup.parameters." + e.getKey(), e.getValue(), "must have a value");
                }
            }
        }
        if (require("rds.secrets", rds.secrets()) && rds.secrets().rotationDays() < 1) {
            error("rds.secrets.rotationDays", rds.secrets().rotationDays(), "must be at least 1");
        }
    }

    private void kubernetes(KubernetesSpec k, EnvironmentSpec spec) {
        Map<String, KubernetesSpec.Namespace> namespaces = k.namespaces() == null ? Map.of() : k.namespaces();
        for (var e : namespaces.entrySet()) {
            String path = "kubernetes.namespaces." + e.getKey();
            KubernetesSpec.Namespace n = e.getValue();
            if (!DNS_LABEL.matcher(e.getKey()).matches()) error(path, e.getKey(), "is not a valid namespace name (DNS-1123 label)");
            if (!PSS_LEVELS.contains(n.enforce())) error(path + ".enforce", n.enforce(), "must be one of " + PSS_LEVELS);
            if (n.warn() != null && !PSS_LEVELS.contains(n.warn())) error(path + ".warn", n.warn(), "must be one of " + PSS_LEVELS);
            match(path + ".cpu", n.cpu(), CPU, "is not a Kubernetes CPU quantity like 4 or 500m");
            match(path + ".memory", n.memory(), MEMORY, "is not a Kubernetes memory quantity like 8Gi");
            if (n.pods() < 1) error(path + ".pods", n.pods(), "must be at least 1");
        }
        Map<String, String> groups = k.groups() == null ? Map.of() : k.groups();
        for (String role : groups.keySet()) {
            if (!K8S_ROLES.contains(role)) {
                error("kubernetes.groups." + role, role, "has no ClusterRole definition (known roles: " + K8S_ROLES + ")");
            }
        }
        if (k.access() != null) {
            for (var role : k.access().entrySet()) {
                if (!groups.containsKey(role.getKey())) {
                    error("kubernetes.access." + role.getKey(), role.getKey(), "is not a role of kubernetes.groups");
                }
                for (String ns : role.getValue().keySet()) {
                    if (!namespaces.containsKey(ns)) {
                        error("kubernetes.access." + role.getKey() + "." + ns, ns, "is not a namespace of kubernetes.namespaces");
                    }
                }
            }
        }
        if (k.clusterAccess() != null) {
            for (String role : k.clusterAccess().keySet()) {
                if (!groups.containsKey(role)) error("kubernetes.clusterAccess." + role, role, "is not a role of kubernetes.groups");
            }
        }
        Set<String> roleNames = new HashSet<>();
        if (spec.iam() != null && spec.iam().roles() != null) spec.iam().roles().forEach(r -> roleNames.add(r.name()));
        List<KubernetesSpec.AwsAuthMapping> awsAuth = k.awsAuth() == null ? List.of() : k.awsAuth();
        for (int i = 0; i < awsAuth.size(); i++) {
            if (!roleNames.contains(awsAuth.get(i).iamRole())) {
                error("kubernetes.awsAuth[" + i + "].iamRole", awsAuth.get(i).iamRole(), "is not a role of iam.roles");
            }
            if (!groups.containsValue(awsAuth.get(i).group())) {
                error("kubernetes.awsAuth[" + i + "].group", awsAuth.get(i).group(), "is not a group of kubernetes.groups");
            }
        }
        List<KubernetesSpec.Component> components = k.components() == null ? List.of() : k.components();
        for (int i = 0; i < components.size(); i++) {
            KubernetesSpec.Component c = components.get(i);
            String path = "kubernetes.components[" + i + "]";
            require(path + ".chart", c.chart());
            if (c.version() == null || !c.version().matches("(~>|>=|=)?\\s*\\d+(\\.\\d+){0,2}")) {
                error(path + ".version", c.version(), "is not a version constraint like ~>9.29");
            }
            if (c.irsaRole() != null && (spec.eks() == null || spec.eks().irsaRoles() == null
                    || !spec.eks().irsaRoles().containsKey(c.irsaRole()))) {
                error(path + ".irsaRole", c.irsaRole(), "is not a role of eks.irsaRoles");
            }
            if (c.set() != null) {
                for (var set : c.set().entrySet()) {
                    Matcher placeholder = HELM_PLACEHOLDER.matcher(set.getValue() == null ? "" : set.getValue());
                    while (placeholder.find()) {
                        String name = placeholder.group(1);
                        if (!HELM_PLACEHOLDERS.contains(name)) {
                            error(path + ".set." + set.getKey(), set.getValue(), "uses an unknown placeholder ${" + name
                                    + "}; known: " + HELM_PLACEHOLDERS);
                        } else if ((name.equals("irsaRoleArn") || name.equals("serviceAccount")) && c.irsaRole() == null) {
                            error(path + ".set." + set.getKey(), set.getValue(), "uses ${" + name + "} but the component has no irsaRole");
                        }
                    }
                }
            }
        }
    }

    private void responses(ResponsesSpec r) {
        match("responses.controlPlaneRolePath", r.controlPlaneRolePath(), Pattern.compile("/([A-Za-z0-9+=,.@_-]+/)+"),
                "is not an IAM role path like /control-plane/ (no wildcards: the loop guard matches exact role ARNs)");
        for (var e : r.security().entrySet()) {
            String path = "responses.security." + e.getKey();
            if (!SECURITY_CLASSES.contains(e.getKey())) error(path, e.getKey(), "is not a security class " + new java.util.TreeSet<>(SECURITY_CLASSES));
            if (!SECURITY_POLICIES.contains(e.getValue())) error(path, e.getValue(), "must be one of remediate, check, notify");
        }
        List<ResponsesSpec.LadderStep> ladder = r.budgetLadder() == null ? List.of() : r.budgetLadder();
        for (int i = 0; i < ladder.size(); i++) {
            ResponsesSpec.LadderStep step = ladder.get(i);
            String path = "responses.budgetLadder[" + i + "]";
            if (step.atPercent() < 1 || step.atPercent() > 1000) error(path + ".atPercent", step.atPercent(), "must be between 1 and 1000");
            if (step.alertType() != null && !Set.of("ACTUAL", "FORECASTED").contains(step.alertType())) {
                error(path + ".alertType", step.alertType(), "must be ACTUAL or FORECASTED");
            }
            List<String> actions = step.actions() == null ? List.of() : step.actions();
            for (int j = 0; j < actions.size(); j++) {
                if (!LADDER_ACTIONS.contains(actions.get(j))) {
                    error(path + ".actions[" + j + "]", actions.get(j), "is not a known action " + LADDER_ACTIONS);
                }
            }
        }
    }

    private Optional<Cidr> cidr(String path, String value) {
        Optional<Cidr> c = Cidr.parse(value);
        if (c.isEmpty()) error(path, value, "is not a valid IPv4 CIDR block (like 10.0.1.0/24, no host bits set)");
        return c;
    }

    private boolean match(String path, String value, Pattern pattern, String problem) {
        if (!require(path, value)) return false;
        if (!pattern.matcher(value).matches()) {
            error(path, value, problem);
            return false;
        }
        return true;
    }

    private boolean require(String path, Object value) {
        if (value == null) {
            errors.add(new SpecError(origins.fileOf(path), path, null, "is required"));
            return false;
        }
        return true;
    }

    private void error(String path, Object value, String problem) {
        errors.add(new SpecError(origins.fileOf(path), path, value == null ? null : String.valueOf(value), problem));
    }
}
