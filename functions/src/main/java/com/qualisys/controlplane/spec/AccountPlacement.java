package com.qualisys.controlplane.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks environments against each other: two environments may share an AWS account only if no
 * account-scoped name of one (IAM roles and policies, the account alias, cluster, database, log
 * groups, budgets, trail, KMS aliases, subnet groups, secrets) is also used by the other, since both
 * would then manage the same resource. Also: every environment names the same hub. Pure; no AWS call.
 */
public final class AccountPlacement {
    private AccountPlacement() {}

    /** One name an environment claims in its account; {@code kind} is the namespace it must be unique in. */
    record Claim(String kind, String name, String path) {}

    public static List<SpecError> check(List<EnvironmentSpec> specs) {
        List<SpecError> errors = new ArrayList<>();
        Map<String, EnvironmentSpec> hubs = new TreeMap<>();
        for (EnvironmentSpec s : specs) {
            if (s.aws().hubAccountId() != null) hubs.putIfAbsent(s.aws().hubAccountId(), s);
        }
        if (hubs.size() > 1) {
            List<String> named = hubs.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().environment() + ")").toList();
            errors.add(new SpecError(file(specs.get(0)), "aws.hubAccountId", String.join(", ", named),
                    "differ between environments: one control plane has one hub account"));
        }
        // One control plane, one provision-approved machine: one approver for every environment.
        List<String> approvers = specs.stream().map(s -> String.valueOf(s.aws().approverRoleArn())).distinct().sorted().toList();
        if (approvers.size() > 1) {
            errors.add(new SpecError(file(specs.get(0)), "aws.approverRole", String.join(", ", approvers),
                    "differ between environments: the control plane has one approver (name it in environments/defaults.yaml)"));
        }
        for (int i = 0; i < specs.size(); i++) {
            for (int j = 0; j < i; j++) {
                EnvironmentSpec a = specs.get(i);
                EnvironmentSpec b = specs.get(j);
                if (!Objects.equals(a.aws().accountId(), b.aws().accountId())) continue;
                List<String> shared = collisions(a, b);
                if (shared.isEmpty()) continue;
                String shown = String.join(", ", shared.subList(0, Math.min(5, shared.size())))
                        + (shared.size() > 5 ? " and " + (shared.size() - 5) + " more" : "");
                for (EnvironmentSpec[] pair : new EnvironmentSpec[][] {{a, b}, {b, a}}) {
                    errors.add(new SpecError(file(pair[0]), "aws.accountId", pair[0].aws().accountId(),
                            "is also environment " + pair[1].environment() + "'s account, and both would manage the same "
                                    + shown + ": give each environment its own account (or distinct names)"));
                }
            }
        }
        return errors;
    }

    private static String file(EnvironmentSpec s) {
        return "environments/" + s.environment() + ".yaml";
    }

    private static List<String> collisions(EnvironmentSpec a, EnvironmentSpec b) {
        Map<String, Claim> theirs = new LinkedHashMap<>();
        for (Claim c : claims(b)) theirs.put(c.kind() + "\u0000" + c.name(), c);
        List<String> shared = new ArrayList<>();
        for (Claim c : claims(a)) {
            if (theirs.containsKey(c.kind() + "\u0000" + c.name())) shared.add(c.kind() + " " + c.name() + " (" + c.path() + ")");
        }
        return shared;
    }

    /** The account-scoped names a spec's layers create (null values are left to the spec's own validation). */
    static List<Claim> claims(EnvironmentSpec s) {
        List<Claim> out = new ArrayList<>();
        // The alias is an account singleton: two environments in one account would fight over it whatever its value.
        if (s.account() != null) out.add(new Claim("account alias", "(the account's one alias)", "account.alias"));
        if (s.iam() != null) {
            list(s.iam().roles()).forEach(r -> add(out, "IAM role", r.name(), "iam.roles"));
            list(s.iam().policies()).forEach(p -> add(out, "IAM policy", p.name(), "iam.policies"));
        }
        if (s.monitoring() != null) {
            var m = s.monitoring();
            add(out, "SNS topic", m.alertTopic(), "monitoring.alertTopic");
            list(m.budgets()).forEach(b -> add(out, "budget", b.name(), "monitoring.budgets"));
            if (m.anomalyDetection() != null) add(out, "anomaly monitor", m.anomalyDetection().monitorName(), "monitoring.anomalyDetection.monitorName");
            if (m.cloudTrail() != null) add(out, "trail", m.cloudTrail().trailName(), "monitoring.cloudTrail.trailName");
        }
        if (s.vpc() != null) {
            add(out, "DB subnet group", s.vpc().dbSubnetGroup(), "vpc.dbSubnetGroup");
            add(out, "cache subnet group", s.vpc().cacheSubnetGroup(), "vpc.cacheSubnetGroup");
            if (s.vpc().flowLogs() != null) {
                add(out, "log group", s.vpc().flowLogs().logGroup(), "vpc.flowLogs.logGroup");
                add(out, "IAM role", s.vpc().flowLogs().deliveryRole(), "vpc.flowLogs.deliveryRole");
            }
        }
        if (s.eks() != null) {
            var e = s.eks();
            add(out, "EKS cluster", e.clusterName(), "eks.clusterName");
            add(out, "IAM role", e.clusterRole(), "eks.clusterRole");
            add(out, "IAM role", e.nodeRole(), "eks.nodeRole");
            add(out, "KMS alias", e.secretsKmsAlias(), "eks.secretsKmsAlias");
            add(out, "log group", e.logGroup(), "eks.logGroup");
            if (e.irsaRoles() != null) e.irsaRoles().forEach((k, r) -> add(out, "IAM role", r.roleName(), "eks.irsaRoles." + k + ".roleName"));
        }
        if (s.rds() != null) {
            var r = s.rds();
            add(out, "DB instance", r.identifier(), "rds.identifier");
            add(out, "KMS alias", r.kmsAlias(), "rds.kmsAlias");
            add(out, "IAM role", r.monitoringRole(), "rds.monitoringRole");
            if (r.parameterGroup() != null) add(out, "DB parameter group", r.parameterGroup().name(), "rds.parameterGroup.name");
            if (r.secrets() != null) {
                add(out, "secret", r.secrets().master(), "rds.secrets.master");
                add(out, "secret", r.secrets().connection(), "rds.secrets.connection");
                add(out, "secret", r.secrets().appUser(), "rds.secrets.appUser");
            }
        }
        return out;
    }

    private static void add(List<Claim> out, String kind, String name, String path) {
        if (name != null) out.add(new Claim(kind, name, path));
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
