package com.qualisys.controlplane.layers.kubernetes.helm;

/**
 * The live facts the components' values need and the spec cannot know: the account (from STS)
 * and the cluster's VPC (from EKS DescribeCluster). vpcId may be null when no value uses it.
 */
public record ClusterFacts(String accountId, String region, String clusterName, String vpcId) {}
