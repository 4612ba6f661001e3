package com.qualisys.controlplane.layers.kubernetes.connection;

import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Gives the fabric8 client a valid EKS token on every request: a token is reused until one
 * minute before EKS stops accepting it (14 of its 15 minutes), then a new one is signed with
 * credentials resolved afresh (Lambda's role credentials rotate too). The token never appears
 * in toString or in an exception.
 */
public final class EksTokenProvider implements OAuthTokenProvider {
    public static final Duration REFRESH_AFTER = EksToken.LIFETIME.minusMinutes(1);

    private final String clusterName;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private String token;
    private Instant signedAt;

    public EksTokenProvider(String clusterName, String region, AwsCredentialsProvider credentials, Clock clock) {
        this.clusterName = clusterName;
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
    }

    @Override
    public synchronized String getToken() {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(signedAt.plus(REFRESH_AFTER))) {
            token = EksToken.generate(clusterName, region, credentials.resolveCredentials(), clock);
            signedAt = now;
        }
        return token;
    }

    /** When the current token was signed (null before the first request). */
    public synchronized Instant signedAt() {
        return signedAt;
    }

    @Override
    public String toString() {
        return "EksTokenProvider[cluster=" + clusterName + ", region=" + region + "]";
    }
}
