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

    /**
     * Where the environment lives and how the control plane reaches it. Every environment is its own
     * AWS account (a spoke); the control plane runs in the hub account ({@code hubAccountId}) and
     * assumes {@code executionRole} there with {@code externalId}. An environment may share the hub's
     * account only when {@code sharesHubAccount} says so. endpointUrl is set only for an emulator.
     * {@code approverRole} (a role name in the hub account, or its ARN) alone may start provision with
     * {@code approveDestructive: true}, through the approved provision machine.
     */
    public record AwsSpec(String region, String accountId, String endpointUrl, String executionRole, String externalId,
                          String hubAccountId, boolean sharesHubAccount, String approverRole) {
        /** The role's path and name in every spoke account, as the spoke stack creates it. */
        public static final String DEFAULT_ROLE = "role/control-plane/qualisys-control-plane-execution";

        public AwsSpec(String region, String accountId, String endpointUrl) {
            this(region, accountId, endpointUrl, null, null, null, false, null);
        }

        /** The approver's role ARN (a bare name is a role in the hub account), or null when none is named. */
        public String approverRoleArn() {
            if (approverRole == null || approverRole.startsWith("arn:")) return approverRole;
            return "arn:aws:iam::" + (hubAccountId != null ? hubAccountId : accountId) + ":role/" + approverRole;
        }

        /** The execution role to assume: the spec's, else the spoke stack's role in the environment's account. */
        public String executionRoleArn() {
            return executionRole != null ? executionRole : "arn:aws:iam::" + accountId + ":" + DEFAULT_ROLE;
        }
    }

    /** The control plane's own state: the apply lock and the report bucket. */
    public record StateSpec(String lockTable, String reportBucket, int leaseSeconds) {}

    public record AccountSpec(String alias, boolean costExplorerRequired) {}

    public record DriftSpec(String schedule) {}
}
