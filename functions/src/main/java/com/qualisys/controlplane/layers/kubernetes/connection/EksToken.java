package com.qualisys.controlplane.layers.kubernetes.connection;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.PartitionMetadata;

/**
 * A bearer token for an EKS cluster, made the way aws-iam-authenticator (and
 * {@code aws eks get-token}) makes it: an STS GetCallerIdentity request to the regional
 * endpoint, presigned with SigV4 in the query string for {@value #URL_EXPIRES_SECONDS} seconds
 * with the header {@code x-k8s-aws-id: <cluster>} signed in, then base64url without padding
 * behind the prefix {@value #PREFIX}. The cluster's authenticator calls the URL and learns
 * who signed it; EKS accepts a token for 15 minutes after it was signed.
 */
public final class EksToken {
    public static final String PREFIX = "k8s-aws-v1.";
    public static final String CLUSTER_HEADER = "x-k8s-aws-id";
    public static final int URL_EXPIRES_SECONDS = 60;
    /** How long EKS accepts a token after its signing time. */
    public static final Duration LIFETIME = Duration.ofMinutes(15);

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private EksToken() {}

    public static String generate(String clusterName, String region, AwsCredentialsIdentity credentials, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(stsHost(region))
                .encodedPath("/")
                .putRawQueryParameter("Action", "GetCallerIdentity")
                .putRawQueryParameter("Version", "2011-06-15")
                .putHeader(CLUSTER_HEADER, clusterName)
                .build();
        SdkHttpRequest presigned = SIGNER.sign(r -> r
                .identity(credentials)
                .request(request)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(URL_EXPIRES_SECONDS))
                .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
        String url = presigned.getUri().toString();
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(url.getBytes(StandardCharsets.UTF_8));
    }

    /** sts.&lt;region&gt;.amazonaws.com (or the partition's suffix, e.g. amazonaws.com.cn). */
    static String stsHost(String region) {
        PartitionMetadata partition = PartitionMetadata.of(Region.of(region));
        return "sts." + region + "." + partition.dnsSuffix();
    }
}
