package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.aws.AwsClients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;

/**
 * Hub and spoke accounts on the local AWS, as the demo and the tests set them up: a hub identity
 * (a hub function role's session, as a deployed function would have) and, in each spoke account,
 * the execution role the spoke stack creates (same path, name and trust: only the hub's roles, with
 * the external id). Spoke accounts are registered with {@link AssumeRoleTrust}, so assuming their
 * role is checked as AWS checks it.
 */
public final class EmulatedAccounts {
    /** The hub function role the emulated control plane acts as (one of the CDK app's function roles). */
    public static final String HUB_ROLE_NAME = "qualisys-control-plane-layers";
    public static final String EXECUTION_ROLE_PATH = "/control-plane/";
    public static final String EXECUTION_ROLE_NAME = "qualisys-control-plane-execution";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalAws local;

    public EmulatedAccounts(LocalAws local) {
        this.local = local;
    }

    public static String hubRoleArn(String hubAccount) {
        return "arn:aws:iam::" + hubAccount + ":role/" + HUB_ROLE_NAME;
    }

    /** Clients acting in the hub as its function role (a session of {@link #HUB_ROLE_NAME}). */
    public AwsClients hub(String hubAccount, ExecutionInterceptor... interceptors) {
        AwsClients.Builder b = AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(StaticCredentialsProvider.create(hubCredentials(hubAccount)));
        for (ExecutionInterceptor i : interceptors) b.interceptor(i);
        return b.build();
    }

    /** A session of the hub function role, as a deployed hub function's environment carries it (AWS_SESSION_TOKEN...). */
    public AwsSessionCredentials hubCredentials(String hubAccount) {
        try (AwsClients bootstrap = local.clients()) {
            var c = bootstrap.sts().assumeRole(r -> r.roleArn(hubRoleArn(hubAccount)).roleSessionName("qualisys-hub")).credentials();
            return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        }
    }

    /**
     * A session of a function role in an account, as Lambda hands it to a function deployed there: the spoke's
     * database functions run as theirs, in the environment's own account. The role ({@value #EXECUTION_ROLE_PATH}
     * path) is made when missing, trusting that account (the emulator has no Lambda service to stand for).
     */
    public AwsSessionCredentials functionCredentials(String account, String roleName) {
        String trust;
        try {
            trust = JSON.writeValueAsString(Map.of("Version", "2012-10-17", "Statement", List.of(Map.of(
                    "Effect", "Allow", "Principal", Map.of("AWS", account), "Action", "sts:AssumeRole"))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try (AwsClients admin = administrator(account)) {
            try {
                admin.iam().createRole(r -> r.path(EXECUTION_ROLE_PATH).roleName(roleName).assumeRolePolicyDocument(trust)
                        .description("QUALISYS function role in this account"));
            } catch (EntityAlreadyExistsException exists) {
                // made by an earlier call: its trust is the same
            }
        }
        try (AwsClients admin = administrator(account)) {
            var c = admin.sts().assumeRole(r -> r.roleArn("arn:aws:iam::" + account + ":role" + EXECUTION_ROLE_PATH + roleName)
                    .roleSessionName(roleName)).credentials();
            return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        }
    }

    /** An administrator of the account (moto's x-moto-account-id), e.g. to deploy a spoke or to look at what is there. */
    public AwsClients administrator(String account, ExecutionInterceptor... interceptors) {
        ExecutionInterceptor inAccount = MotoServer.inAccount(account);
        ExecutionInterceptor[] all = new ExecutionInterceptor[interceptors.length + 1];
        all[0] = inAccount;
        System.arraycopy(interceptors, 0, all, 1, interceptors.length);
        return local.clients(all);
    }

    /**
     * What {@code cdk deploy QualisysEnvironmentAccess-<env>} leaves in a spoke for the emulator: the
     * execution role trusting only {@code hubRoleArns} with {@code externalId}. Idempotent; returns its ARN.
     */
    public String deploySpoke(String spokeAccount, List<String> hubRoleArns, String externalId) {
        local.trust().enforceIn(spokeAccount);
        String trust = trustPolicy(hubRoleArns, externalId);
        try (AwsClients admin = administrator(spokeAccount)) {
            try {
                admin.iam().createRole(r -> r.path(EXECUTION_ROLE_PATH).roleName(EXECUTION_ROLE_NAME).assumeRolePolicyDocument(trust)
                        .description("QUALISYS control plane: the hub's access to this environment account"));
            } catch (EntityAlreadyExistsException exists) {
                admin.iam().updateAssumeRolePolicy(r -> r.roleName(EXECUTION_ROLE_NAME).policyDocument(trust));
            }
            return admin.iam().getRole(r -> r.roleName(EXECUTION_ROLE_NAME)).role().arn();
        }
    }

    /** The spoke role's trust policy: the hub's roles, sts:AssumeRole, only with the external id. */
    public static String trustPolicy(List<String> hubRoleArns, String externalId) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("AWS", hubRoleArns));
        statement.put("Action", "sts:AssumeRole");
        statement.put("Condition", Map.of("StringEquals", Map.of("sts:ExternalId", externalId)));
        try {
            return JSON.writeValueAsString(Map.of("Version", "2012-10-17", "Statement", List.of(statement)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
