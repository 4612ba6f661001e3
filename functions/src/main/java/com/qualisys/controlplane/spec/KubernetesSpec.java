package com.qualisys.controlplane.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes section of the seed: namespaces with Pod Security levels and quotas, the
 * RBAC matrix (role → namespace → access), the aws-auth mapping and the Helm components.
 *
 * @param access        per role (a key of groups): full, read-only or none in each namespace
 * @param clusterAccess per role: access across the whole cluster (a ClusterRoleBinding), as the
 *                      seed's {@code kubectl auth can-i '*' '*'  # devops: yes}; absent means none
 */
public record KubernetesSpec(
        String fieldManager,
        Map<String, Namespace> namespaces,
        Map<String, String> groups,
        Map<String, Map<String, Access>> access,
        Map<String, Access> clusterAccess,
        List<AwsAuthMapping> awsAuth,
        List<Component> components) {

    /** Pod Security Standards levels and the namespace's ResourceQuota. */
    public record Namespace(String enforce, String warn, String cpu, String memory, int pods) {}

    public enum Access {
        @JsonProperty("full") FULL,
        @JsonProperty("read-only") READ_ONLY,
        @JsonProperty("none") NONE
    }

    public record AwsAuthMapping(String iamRole, String group) {}

    /**
     * A Helm release; version is the seed's constraint (Terraform style "~>9.29"). values is a
     * file of the repository; set holds the per-environment values given with --set-string,
     * whose placeholders (${clusterName}, ${region}, ${accountId}, ${vpcId}, ${irsaRoleArn},
     * ${serviceAccount}) the control plane fills from the spec and the live account.
     */
    public record Component(String name, String repository, String chart, String version, String namespace,
                            String values, String irsaRole, Map<String, String> set) {}
}
