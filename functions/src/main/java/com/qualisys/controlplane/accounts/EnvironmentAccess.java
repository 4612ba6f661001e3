package com.qualisys.controlplane.accounts;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Clients that act in an environment's own account: the hub's credentials assume the environment's
 * execution role ({@code aws.executionRole}, with {@code aws.externalId}) through the SDK's refreshing
 * assume-role provider, and the resulting identity is checked against {@code aws.accountId} before
 * the clients are handed out. Every failure names the environment and happens before any write.
 */
public final class EnvironmentAccess {
    /** STS limits: role session names are 2-64 characters of [\w+=,.@-]. */
    private static final int SESSION_NAME_MAX = 64;
    private static final int SESSION_SECONDS = 3600;

    private EnvironmentAccess() {}

    /** Assumes the environment's execution role from the hub's credentials; the session is named after {@code session}. */
    public static AwsClients assumeRole(AwsClients hub, EnvironmentSpec spec, String session) {
        String role = spec.aws().executionRoleArn();
        String sessionName = sessionName(session);
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(hub.sts())
                .refreshRequest(r -> r.roleArn(role).roleSessionName(sessionName).externalId(spec.aws().externalId())
                        .durationSeconds(SESSION_SECONDS))
                .build();
        try {
            provider.resolveCredentials();
        } catch (SdkException e) {
            provider.close();
            throw new EnvironmentAccessException(spec.environment(), "environment " + spec.environment() + ": cannot assume "
                    + role + " (aws.executionRole) with the environment's aws.externalId from account " + callerAccount(hub)
                    + ": " + firstLine(e.getMessage()) + "; nothing was changed", e);
        }
        AwsClients.Builder clients = AwsClients.builder().region(spec.aws().region()).credentials(provider);
        if (hub.endpoint() != null) clients.endpoint(hub.endpoint().toString());
        return AccountGuard.verify(spec, clients.build());
    }

    /**
     * How a person's command reaches an environment: with the caller's own credentials when they
     * already act in the environment's account, else by assuming its role (unless {@code assume} is
     * false, as with {@code --no-assume-role}, when the mismatch is refused).
     */
    public static AwsClients forCaller(AwsClients caller, EnvironmentSpec spec, String session, boolean assume) {
        String account = caller.accountId();
        if (account.equals(spec.aws().accountId()) || !assume) return AccountGuard.verify(spec, caller);
        return assumeRole(caller, spec, session);
    }

    /** "qualisys-" + what runs (an execution name, a command), cut to what STS accepts. */
    public static String sessionName(String what) {
        String name = "qualisys-" + (what == null || what.isBlank() ? "control-plane" : what.replaceAll("[^\\w+=,.@-]", "-"));
        return name.length() <= SESSION_NAME_MAX ? name : name.substring(0, SESSION_NAME_MAX);
    }

    private static String callerAccount(AwsClients hub) {
        try {
            return hub.accountId();
        } catch (SdkException e) {
            return "(unknown: " + firstLine(e.getMessage()) + ")";
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
