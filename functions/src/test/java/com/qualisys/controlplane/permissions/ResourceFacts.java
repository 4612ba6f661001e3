package com.qualisys.controlplane.permissions;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * What a resource looked like just before a recorded call touched it (its tags, an IAM role's
 * path and permissions boundary), asked of the same emulator the call goes to. The lookups are
 * not recorded themselves ({@link #lookingUp()}).
 */
final class ResourceFacts {
    record Role(String path, String permissionsBoundary, Map<String, String> tags) {}

    private static final ThreadLocal<Boolean> LOOKING_UP = ThreadLocal.withInitial(() -> false);
    private static final Map<String, ResourceFacts> BY_ENDPOINT = new ConcurrentHashMap<>();

    private final URI endpoint;
    private final Region region;
    private final String account;
    private Ec2Client ec2;
    private KmsClient kms;
    private IamClient iam;

    private ResourceFacts(URI endpoint, Region region, String account) {
        this.endpoint = endpoint;
        this.region = region;
        this.account = account;
    }

    /** Looks things up in the same emulated account the recorded call goes to. */
    static ResourceFacts at(URI endpoint, Region region, String account) {
        return BY_ENDPOINT.computeIfAbsent(endpoint + "|" + region + "|" + account, k -> new ResourceFacts(endpoint, region, account));
    }

    private software.amazon.awssdk.core.client.config.ClientOverrideConfiguration inAccount() {
        return software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.builder()
                .putHeader(PermissionRecorder.ACCOUNT_HEADER, account).build();
    }

    static boolean lookingUp() {
        return LOOKING_UP.get();
    }

    Map<String, String> ec2Tags(String resourceId) {
        return lookup(() -> {
            Map<String, String> tags = new LinkedHashMap<>();
            ec2().describeTags(r -> r.filters(Filter.builder().name("resource-id").values(resourceId).build()))
                    .tags().forEach(t -> tags.put(t.key(), t.value()));
            return tags;
        }, Map.of());
    }

    Map<String, String> kmsTags(String keyId) {
        return lookup(() -> {
            Map<String, String> tags = new LinkedHashMap<>();
            kms().listResourceTags(r -> r.keyId(keyId)).tags().forEach(t -> tags.put(t.tagKey(), t.tagValue()));
            return tags;
        }, Map.of());
    }

    /** Null when the role does not exist (yet). */
    Role iamRole(String name) {
        return lookup(() -> {
            var role = iam().getRole(r -> r.roleName(name)).role();
            Map<String, String> tags = new LinkedHashMap<>();
            role.tags().forEach(t -> tags.put(t.key(), t.value()));
            String boundary = role.permissionsBoundary() == null ? null : role.permissionsBoundary().permissionsBoundaryArn();
            return new Role(role.path(), boundary, tags);
        }, null);
    }

    private <T> T lookup(java.util.function.Supplier<T> call, T otherwise) {
        LOOKING_UP.set(true);
        try {
            return call.get();
        } catch (RuntimeException notThere) {
            return otherwise;
        } finally {
            LOOKING_UP.set(false);
        }
    }

    private synchronized Ec2Client ec2() {
        if (ec2 == null) ec2 = Ec2Client.builder().endpointOverride(endpoint).region(region).credentialsProvider(CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(inAccount()).build();
        return ec2;
    }

    private synchronized KmsClient kms() {
        if (kms == null) kms = KmsClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(inAccount()).build();
        return kms;
    }

    private synchronized IamClient iam() {
        if (iam == null) iam = IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL).credentialsProvider(CREDENTIALS)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(inAccount()).build();
        return iam;
    }

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
}
