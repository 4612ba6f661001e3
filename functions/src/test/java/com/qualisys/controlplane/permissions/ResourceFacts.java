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
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * What a resource looked like just before a recorded call touched it (its tags, an IAM role's
 * path and permissions boundary), asked of the same emulator the call goes to. The lookups are
 * not recorded themselves ({@link #lookingUp()}).
 */
final class ResourceFacts {
    record Role(String path, String permissionsBoundary, Map<String, String> tags) {}

    private static final ThreadLocal<Boolean> LOOKING_UP = ThreadLocal.withInitial(() -> false);
    private static final Map<String, ResourceFacts> BY_ENDPOINT = new ConcurrentHashMap<>();

    private static final Map<String, String> ACCOUNT_BY_ACCESS_KEY = new ConcurrentHashMap<>();

    private final URI endpoint;
    private final Region region;
    private final String account;
    /** The recorded call's own credentials when they select the account (an assumed-role session), else null. */
    private final AwsCredentialsIdentity credentials;
    private Ec2Client ec2;
    private KmsClient kms;
    private IamClient iam;

    private ResourceFacts(URI endpoint, Region region, String account, AwsCredentialsIdentity credentials) {
        this.endpoint = endpoint;
        this.region = region;
        this.account = account;
        this.credentials = credentials;
    }

    /**
     * Looks things up in the same emulated account the recorded call goes to: by moto's account header,
     * or (credentials not null) with the call's own credentials.
     */
    static ResourceFacts at(URI endpoint, Region region, String account, AwsCredentialsIdentity credentials) {
        AwsCredentialsIdentity own = credentials == null || isTestDefault(credentials) ? null : credentials;
        String key = endpoint + "|" + region + "|" + account + "|" + (own == null ? "" : own.accessKeyId());
        return BY_ENDPOINT.computeIfAbsent(key, k -> new ResourceFacts(endpoint, region, account, own));
    }

    /** The account the credentials act in: the tests' default account, or the one STS names for a session's keys. */
    static String accountOf(URI endpoint, AwsCredentialsIdentity credentials) {
        if (credentials == null || isTestDefault(credentials)) return PermissionRecorder.ACCOUNT;
        return ACCOUNT_BY_ACCESS_KEY.computeIfAbsent(credentials.accessKeyId(), k -> lookup(() -> {
            try (StsClient sts = StsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                    .credentialsProvider(provider(credentials))
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
                return sts.getCallerIdentity().account();
            }
        }, PermissionRecorder.ACCOUNT));
    }

    private static boolean isTestDefault(AwsCredentialsIdentity credentials) {
        return CREDENTIALS.resolveCredentials().accessKeyId().equals(credentials.accessKeyId());
    }

    private software.amazon.awssdk.core.client.config.ClientOverrideConfiguration inAccount() {
        var config = software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.builder();
        if (credentials == null) config.putHeader(PermissionRecorder.ACCOUNT_HEADER, account);
        return config.build();
    }

    private StaticCredentialsProvider credentialsProvider() {
        return credentials == null ? CREDENTIALS : provider(credentials);
    }

    private static StaticCredentialsProvider provider(AwsCredentialsIdentity c) {
        return StaticCredentialsProvider.create(c instanceof software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity s
                ? software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken())
                : AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey()));
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

    /**
     * What an association id stands for in IAM: AWS authorises DisassociateRouteTable on the route table and
     * DisassociateAddress on the Elastic IP, not on the association. The id itself when it cannot be found.
     */
    String associated(String associationId) {
        if (associationId.startsWith("rtbassoc-")) {
            // Every route table, searched here: the emulator does not filter on the association id.
            return lookup(() -> ec2().describeRouteTables().routeTables().stream()
                    .filter(t -> t.associations().stream().anyMatch(a -> associationId.equals(a.routeTableAssociationId())))
                    .findFirst().map(t -> t.routeTableId()).orElse(associationId), associationId);
        }
        if (associationId.startsWith("eipassoc-")) {
            return lookup(() -> ec2().describeAddresses(r -> r.filters(Filter.builder().name("association-id").values(associationId).build()))
                    .addresses().stream().findFirst().map(a -> a.allocationId()).orElse(associationId), associationId);
        }
        return associationId;
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

    private static <T> T lookup(java.util.function.Supplier<T> call, T otherwise) {
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
        if (ec2 == null) ec2 = Ec2Client.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(inAccount()).build();
        return ec2;
    }

    private synchronized KmsClient kms() {
        if (kms == null) kms = KmsClient.builder().endpointOverride(endpoint).region(region).credentialsProvider(credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(inAccount()).build();
        return kms;
    }

    private synchronized IamClient iam() {
        if (iam == null) iam = IamClient.builder().endpointOverride(endpoint).region(Region.AWS_GLOBAL).credentialsProvider(credentialsProvider())
                .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(inAccount()).build();
        return iam;
    }

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
}
