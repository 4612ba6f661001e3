package com.qualisys.controlplane.layers.kubernetes.helm;

import com.qualisys.controlplane.spec.EksSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code helm upgrade --install} command line for one component. Pure: the spec, the live
 * cluster facts and the values file in; the argument list out. No secret is part of it: the
 * API server's token reaches helm through its environment ({@link HelmRunner}).
 *
 * <p>Not {@code --wait}: the layer's readiness check waits for the Deployment (a state machine
 * loop), so a Lambda never sleeps on it.
 */
public final class HelmCommand {
    public static final int HISTORY_MAX = 10;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private HelmCommand() {}

    public static List<String> upgradeInstall(String helm, KubernetesSpec.Component component, EksSpec eks,
                                              ClusterFacts facts, Path valuesFile) {
        VersionConstraint version = VersionConstraint.parse(component.version());
        List<String> args = new ArrayList<>(List.of(helm, "upgrade", "--install", component.name(), component.chart(),
                "--repo", component.repository(),
                "--version", version.helmArgument(),
                "--namespace", component.namespace(),
                "--values", valuesFile.toString()));
        Map<String, String> set = component.set() == null ? Map.of() : component.set();
        for (Map.Entry<String, String> e : set.entrySet()) {
            args.add("--set-string");
            args.add(e.getKey() + "=" + escapeValue(resolve(e.getValue(), component, eks, facts)));
        }
        args.add("--history-max");
        args.add(Integer.toString(HISTORY_MAX));
        return List.copyOf(args);
    }

    /** Fills the ${...} placeholders of a --set-string value. */
    static String resolve(String template, KubernetesSpec.Component component, EksSpec eks, ClusterFacts facts) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(value(m.group(1), component, eks, facts)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String value(String placeholder, KubernetesSpec.Component component, EksSpec eks, ClusterFacts facts) {
        return switch (placeholder) {
            case "clusterName" -> facts.clusterName();
            case "region" -> facts.region();
            case "accountId" -> facts.accountId();
            case "vpcId" -> {
                if (facts.vpcId() == null) throw new IllegalStateException("component " + component.name()
                        + " needs the cluster's VPC id, which EKS DescribeCluster did not give");
                yield facts.vpcId();
            }
            case "irsaRoleArn" -> "arn:aws:iam::" + facts.accountId() + ":role/" + irsa(component, eks).roleName();
            case "serviceAccount" -> irsa(component, eks).serviceAccount();
            default -> throw new IllegalArgumentException("component " + component.name() + ": unknown placeholder ${" + placeholder + "}");
        };
    }

    private static EksSpec.IrsaRole irsa(KubernetesSpec.Component component, EksSpec eks) {
        EksSpec.IrsaRole role = component.irsaRole() == null ? null : eks.irsaRoles().get(component.irsaRole());
        if (role == null) throw new IllegalArgumentException("component " + component.name() + " has no eks.irsaRoles entry");
        return role;
    }

    /** helm splits --set values on commas; a literal comma is written "\,". */
    private static String escapeValue(String value) {
        return value.replace("\\", "\\\\").replace(",", "\\,");
    }
}
