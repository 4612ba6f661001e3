package com.qualisys.controlplane.layers.kubernetes.connection;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.testing.MovableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The EKS token against its documented format (aws-iam-authenticator, {@code aws eks get-token}):
 * "k8s-aws-v1." + base64url (no padding) of a presigned https://sts.&lt;region&gt;.amazonaws.com
 * GetCallerIdentity URL, valid 60 s, with host and x-k8s-aws-id signed. The signature is
 * recomputed here from the SigV4 specification, independently of the SDK that made it.
 */
class EksTokenTest {
    private static final Instant SIGNED_AT = Instant.parse("2025-01-15T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(SIGNED_AT, ZoneOffset.UTC);
    private static final AwsBasicCredentials CREDENTIALS =
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

    @Test
    void isThePrefixAndTheBase64UrlOfAPresignedGetCallerIdentityUrl() {
        String token = EksToken.generate("qualisys-eks", "us-east-1", CREDENTIALS, CLOCK);

        assertThat(token).startsWith("k8s-aws-v1.");
        String encoded = token.substring("k8s-aws-v1.".length());
        assertThat(encoded).doesNotContain("=", "+", "/");
        URI url = URI.create(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getHost()).isEqualTo("sts.us-east-1.amazonaws.com");
        assertThat(url.getPath()).isEqualTo("/");

        Map<String, String> query = query(url);
        assertThat(query).containsEntry("Action", "GetCallerIdentity")
                .containsEntry("Version", "2011-06-15")
                .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .containsEntry("X-Amz-Credential", "AKIDEXAMPLE%2F20250115%2Fus-east-1%2Fsts%2Faws4_request")
                .containsEntry("X-Amz-Date", "20250115T100000Z")
                .containsEntry("X-Amz-Expires", "60")
                .containsEntry("X-Amz-SignedHeaders", "host%3Bx-k8s-aws-id")
                .containsKey("X-Amz-Signature");
        assertThat(query.get("X-Amz-Signature")).matches("[0-9a-f]{64}");
    }

    @Test
    void theSignatureIsSigV4OverHostAndTheClusterHeader() throws Exception {
        String token = EksToken.generate("qualisys-eks", "us-east-1", CREDENTIALS, CLOCK);
        URI url = URI.create(new String(Base64.getUrlDecoder().decode(token.substring(11)), StandardCharsets.UTF_8));
        Map<String, String> query = query(url);

        assertThat(query.get("X-Amz-Signature")).isEqualTo(expectedSignature(url, "qualisys-eks", CREDENTIALS.secretAccessKey()));
        // A token for another cluster is another signature: the header is signed in.
        String other = EksToken.generate("another-cluster", "us-east-1", CREDENTIALS, CLOCK);
        assertThat(other).isNotEqualTo(token);
    }

    @Test
    void isDeterministicForAFixedClockAndFixedCredentials() {
        assertThat(EksToken.generate("qualisys-eks", "us-east-1", CREDENTIALS, CLOCK))
                .isEqualTo(EksToken.generate("qualisys-eks", "us-east-1", CREDENTIALS, CLOCK));
    }

    @Test
    void temporaryCredentialsCarryTheirSessionToken() {
        AwsSessionCredentials session = AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "FwoGZXIvYXdzEXAMPLE");
        URI url = URI.create(new String(Base64.getUrlDecoder().decode(
                EksToken.generate("qualisys-eks", "eu-west-1", session, CLOCK).substring(11)), StandardCharsets.UTF_8));
        assertThat(url.getHost()).isEqualTo("sts.eu-west-1.amazonaws.com");
        assertThat(query(url)).containsEntry("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE");
    }

    @Test
    void theProviderReusesATokenFor14MinutesThenSignsANewOne() {
        MovableClock clock = new MovableClock(SIGNED_AT);
        AtomicInteger resolutions = new AtomicInteger();
        AwsCredentialsProvider credentials = () -> {
            resolutions.incrementAndGet();
            return CREDENTIALS;
        };
        EksTokenProvider provider = new EksTokenProvider("qualisys-eks", "us-east-1", credentials, clock);

        String first = provider.getToken();
        clock.set(SIGNED_AT.plus(Duration.ofMinutes(14)).minusSeconds(1));
        assertThat(provider.getToken()).as("still fresh after 13:59").isEqualTo(first);
        clock.set(SIGNED_AT.plus(Duration.ofMinutes(14)));
        String second = provider.getToken();
        assertThat(second).as("refreshed at 14:00, a minute before EKS stops accepting it").isNotEqualTo(first);
        assertThat(provider.signedAt()).isEqualTo(clock.instant());
        assertThat(resolutions).as("credentials resolved again for the new token").hasValue(2);
        assertThat(provider.toString()).doesNotContain("k8s-aws-v1");
    }

    /** SigV4 query-string signing, from the AWS General Reference. */
    private static String expectedSignature(URI url, String cluster, String secret) throws Exception {
        Map<String, String> query = query(url);
        query.remove("X-Amz-Signature");
        StringBuilder canonicalQuery = new StringBuilder();
        new TreeMap<>(query).forEach((k, v) -> canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&").append(k).append('=').append(v));
        String emptyPayloadHash = hex(sha256(""));
        String canonicalRequest = String.join("\n", "GET", "/", canonicalQuery,
                "host:" + url.getHost(), "x-k8s-aws-id:" + cluster, "", "host;x-k8s-aws-id", emptyPayloadHash);
        String date = query.get("X-Amz-Date");
        String scope = date.substring(0, 8) + "/us-east-1/sts/aws4_request";
        String stringToSign = String.join("\n", "AWS4-HMAC-SHA256", date, scope, hex(sha256(canonicalRequest)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date.substring(0, 8));
        key = hmac(key, "us-east-1");
        key = hmac(key, "sts");
        key = hmac(key, "aws4_request");
        return hex(hmac(key, stringToSign));
    }

    /** Query parameters as they appear in the URL (still percent-encoded), in order. */
    private static Map<String, String> query(URI url) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    private static byte[] sha256(String s) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
