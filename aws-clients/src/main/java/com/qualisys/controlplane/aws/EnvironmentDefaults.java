package com.qualisys.controlplane.aws;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * What a client would otherwise find out through the SDK's provider chains, taken from what the environment already
 * says: a cold Lambda function should not walk the credential chain (system properties, environment, web identity,
 * profile files, container, instance metadata) nor parse ~/.aws files that Lambda never has.
 *
 * <ul>
 *   <li>Credentials: the access key variables when set (the chain's own first hit, so nothing changes for a person);
 *       in Lambda with SnapStart, where the runtime gives the container credentials endpoint instead, that provider;
 *       otherwise (a person's profile, SSO, instance roles) the SDK's default chain.</li>
 *   <li>Profiles: in Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} set) clients are configured with an empty profile file,
 *       so the SDK reads no config or credentials file for its settings (retry mode, defaults mode, endpoints).</li>
 * </ul>
 */
final class EnvironmentDefaults {
    private static final ProfileFile NO_PROFILES = ProfileFile.builder().content("").type(ProfileFile.Type.CONFIGURATION).build();

    private EnvironmentDefaults() {}

    static boolean inLambda(Map<String, String> env) {
        return present(env.get("AWS_LAMBDA_FUNCTION_NAME"));
    }

    /** The empty profile file clients use in Lambda; null elsewhere (the SDK reads the person's files). */
    static ProfileFile profileFile(Map<String, String> env) {
        return inLambda(env) ? NO_PROFILES : null;
    }

    static AwsCredentialsProvider credentials(Map<String, String> env) {
        // System properties come before the environment in the SDK's chain: leave that case to the chain.
        if (System.getProperty("aws.accessKeyId") == null && present(env.get("AWS_ACCESS_KEY_ID"))
                && present(env.get("AWS_SECRET_ACCESS_KEY"))) {
            return EnvironmentVariableCredentialsProvider.create();
        }
        if (inLambda(env) && (present(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"))
                || present(env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")))) {
            return ContainerCredentialsProvider.builder().build();
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
