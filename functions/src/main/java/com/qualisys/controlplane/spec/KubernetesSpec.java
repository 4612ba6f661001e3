package com.qualisys.controlplane.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

public record KubernetesSpec(
        String fieldManager,
        Map<String, Namespace> namespaces,
        Map<String, String> groups,
        Map<String, Map<String, Access>> access,
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

    /** A Helm release; version is the seed's constraint (Terraform style "~>9.29"). */
    public record Component(String name, String repository, String chart, String version, String namespace,
                            String values, String irsaRole) {}
}
