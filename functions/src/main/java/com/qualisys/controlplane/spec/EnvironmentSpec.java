package com.qualisys.controlplane.spec;

/**
 * The desired state of one environment: every table of the seed README, merged from
 * {@code environments/defaults.yaml} and {@code environments/<name>.yaml}.
 */
public record EnvironmentSpec(
        String environment,
        AwsSpec aws,
        StateSpec state,
        AccountSpec account,
        IamSpec iam,
        MonitoringSpec monitoring,
        VpcSpec vpc,
        EksSpec eks,
        RdsSpec rds,
        KubernetesSpec kubernetes,
        ResponsesSpec responses,
        DriftSpec drift) {

    /** Where the control plane talks to AWS. endpointUrl is set only for an emulator. */
    public record AwsSpec(String region, String accountId, String endpointUrl) {}

    /** The control plane's own state: the apply lock and the report bucket. */
    public record StateSpec(String lockTable, String reportBucket, int leaseSeconds) {}

    public record AccountSpec(String alias, boolean costExplorerRequired) {}

    public record DriftSpec(String schedule) {}
}
