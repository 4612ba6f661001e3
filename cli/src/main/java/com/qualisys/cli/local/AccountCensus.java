package com.qualisys.cli.local;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Tags;

/**
 * How many of an environment's central resources (found by their {@code qualisys:environment} tag)
 * an account holds: VPCs, EKS clusters, DB instances. The demo prints it for every account it used, to
 * show each environment landed in its own account and none in the hub or the other spoke.
 */
public record AccountCensus(int vpcs, int clusters, int databases) {

    /** Counts with clients acting in the account (e.g. its administrator on the emulator). */
    public static AccountCensus of(AwsClients account, String environment) {
        int vpcs = account.ec2().describeVpcs(r -> r.filters(f -> f.name("tag:" + Tags.ENVIRONMENT).values(environment))).vpcs().size();
        int clusters = (int) account.eks().listClusters(r -> { }).clusters().stream()
                .filter(name -> environment.equals(account.eks().describeCluster(r -> r.name(name)).cluster().tags().get(Tags.ENVIRONMENT)))
                .count();
        int databases = (int) account.rds().describeDBInstances(r -> { }).dbInstances().stream()
                .filter(db -> db.tagList().stream().anyMatch(t -> t.key().equals(Tags.ENVIRONMENT) && t.value().equals(environment)))
                .count();
        return new AccountCensus(vpcs, clusters, databases);
    }

    public boolean empty() {
        return vpcs == 0 && clusters == 0 && databases == 0;
    }

    @Override
    public String toString() {
        return vpcs + " VPC(s), " + clusters + " EKS cluster(s), " + databases + " DB instance(s)";
    }
}
