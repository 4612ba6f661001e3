package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.qualisys.controlplane.emulator.KubeApiServer.KubeUser;
import com.qualisys.controlplane.emulator.KubeApiServer.TokenRefused;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * What an EKS cluster's authenticator (aws-iam-authenticator) does with a bearer token, for one emulated
 * cluster served by a local kube-apiserver's token webhook:
 * <ol>
 *   <li>The token is {@code k8s-aws-v1.} + base64url of a presigned STS GetCallerIdentity URL: https, an STS
 *       host, path {@code /}, only the documented query parameters, SigV4 in the query with the
 *       {@code x-k8s-aws-id} header signed in.</li>
 *   <li>It was signed less than {@value #LIFETIME_MINUTES} minutes ago (X-Amz-Date), and not in the future.</li>
 *   <li>Its signature is right for this cluster's name, with the secret of the access key it names: checked here
 *       as STS would, because moto checks no signature ({@link SigningKeys} knows the secrets the local AWS issued).
 *       So a token for another cluster, or with any parameter changed, is refused.</li>
 *   <li>Who signed it comes from STS GetCallerIdentity, asked of the local AWS with the token's credentials
 *       (moto reads the access key from an Authorization header only, so the query's credential is sent as one).</li>
 *   <li>The identity is mapped as EKS maps it: the cluster's creator gets cluster-admin (EKS's creator access entry;
 *       here group {@code system:masters}, which RBAC treats the same); otherwise the aws-auth ConfigMap's mapRoles
 *       (an assumed-role session by its role's ARN without path, with {@code {{AccountID}}}, {@code {{SessionName}}}
 *       in the username) and mapUsers. Anything else is refused: "ARN is not mapped".</li>
 * </ol>
 * Refusals say why, never echoing the token.
 */
public final class EksTokenAuthenticator implements KubeApiServer.TokenAuthenticator {
    public static final String PREFIX = "k8s-aws-v1.";
    public static final String CLUSTER_HEADER = "x-k8s-aws-id";
    static final long LIFETIME_MINUTES = 15;
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Pattern STS_HOST = Pattern.compile("sts(\\.[a-z0-9-]+)?\\.amazonaws\\.com(\\.cn)?");
    private static final Set<String> PARAMETERS = Set.of("Action", "Version", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
            "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token");
    private static final Pattern CREDENTIAL = Pattern.compile("([^/]+)/(\\d{8})/([a-z0-9-]+)/sts/aws4_request");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern SESSION = Pattern.compile("arn:aws[-a-z]*:sts::\\d{12}:assumed-role/[^/]+/(.+)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final String account;
    private final String cluster;
    private final LocalAws aws;
    private final KubernetesClient admin;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** For the cluster {@code cluster} in {@code account} of {@code aws}; aws-auth is read with {@code admin}. */
    public EksTokenAuthenticator(String account, String cluster, LocalAws aws, KubernetesClient admin, Clock clock) {
        this.account = account;
        this.cluster = cluster;
        this.aws = aws;
        this.admin = admin;
        this.clock = clock;
    }

    @Override
    public KubeUser authenticate(String token) {
        URI url = presignedUrl(token);
        Map<String, String> query = checkedQuery(url);
        Matcher credential = CREDENTIAL.matcher(query.getOrDefault("X-Amz-Credential", ""));
        if (!credential.matches()) throw new TokenRefused("X-Amz-Credential is not an STS signing scope");
        Instant signed = signingTime(query.get("X-Amz-Date"));
        Instant now = clock.instant();
        if (now.isAfter(signed.plus(Duration.ofMinutes(LIFETIME_MINUTES)))) {
            throw new TokenRefused("the token expired: signed at " + signed + ", EKS accepts a token for " + LIFETIME_MINUTES + " minutes");
        }
        if (signed.isAfter(now.plus(CLOCK_SKEW))) throw new TokenRefused("the token is signed in the future (" + signed + ")");
        String accessKey = credential.group(1);
        String secret = aws.signingKeys().secretOf(accessKey)
                .orElseThrow(() -> new TokenRefused("access key " + accessKey + " was not issued by this AWS"));
        if (!signatureMatches(url.getHost(), query, credential.group(3), accessKey, secret, signed)) {
            throw new TokenRefused("the signature does not match (a token for another cluster than " + cluster + ", or altered)");
        }
        Map<String, String> caller = callerIdentity(query);
        return map(caller.get("Arn"), caller.get("Account"), caller.get("UserId"), accessKey);
    }

    /** The token's URL, checked for shape. */
    private static URI presignedUrl(String token) {
        if (token == null || !token.startsWith(PREFIX)) throw new TokenRefused("not an EKS token (no " + PREFIX + " prefix)");
        URI url;
        try {
            url = URI.create(new String(java.util.Base64.getUrlDecoder().decode(token.substring(PREFIX.length())), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new TokenRefused("the token is not base64url of a URL");
        }
        if (!"https".equals(url.getScheme()) || url.getHost() == null || !STS_HOST.matcher(url.getHost()).matches()) {
            throw new TokenRefused("the token's URL is not an STS endpoint (host " + url.getHost() + ")");
        }
        if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")) {
            throw new TokenRefused("the token's URL path is not /");
        }
        return url;
    }

    /** The URL's query parameters, decoded: only those a presigned GetCallerIdentity has, each once. */
    private static Map<String, String> checkedQuery(URI url) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : Optional.ofNullable(url.getRawQuery()).orElse("").split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (!PARAMETERS.contains(key)) throw new TokenRefused("the token's URL has an unexpected parameter " + key);
            if (query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)) != null) {
                throw new TokenRefused("the token's URL repeats parameter " + key);
            }
        }
        if (!"GetCallerIdentity".equals(query.get("Action"))) throw new TokenRefused("the token's URL is not an sts:GetCallerIdentity call");
        if (!"AWS4-HMAC-SHA256".equals(query.get("X-Amz-Algorithm"))) throw new TokenRefused("the token is not signed with SigV4");
        List<String> signedHeaders = List.of(query.getOrDefault("X-Amz-SignedHeaders", "").split(";"));
        if (!signedHeaders.contains(CLUSTER_HEADER)) throw new TokenRefused("the token does not sign the " + CLUSTER_HEADER + " header");
        if (query.get("X-Amz-Signature") == null) throw new TokenRefused("the token has no signature");
        return query;
    }

    private static Instant signingTime(String amzDate) {
        try {
            return Instant.from(AMZ_DATE.parse(amzDate == null ? "" : amzDate));
        } catch (DateTimeParseException e) {
            throw new TokenRefused("X-Amz-Date is missing or malformed");
        }
    }

    /** The signature SigV4 gives this request for this cluster with that secret, compared in constant time. */
    private boolean signatureMatches(String host, Map<String, String> query, String region, String accessKey, String secret, Instant signed) {
        long expires;
        try {
            expires = Long.parseLong(query.getOrDefault("X-Amz-Expires", ""));
        } catch (NumberFormatException e) {
            throw new TokenRefused("X-Amz-Expires is missing or not a number");
        }
        if (expires < 1 || expires > Duration.ofDays(7).toSeconds()) throw new TokenRefused("X-Amz-Expires is out of range");
        String session = query.get("X-Amz-Security-Token");
        AwsCredentialsIdentity credentials = session == null ? AwsBasicCredentials.create(accessKey, secret)
                : AwsSessionCredentials.create(accessKey, secret, session);
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.GET).protocol("https").host(host)
                .encodedPath("/")
                .putRawQueryParameter("Action", query.get("Action"))
                .putRawQueryParameter("Version", query.getOrDefault("Version", ""))
                .putHeader(CLUSTER_HEADER, cluster)
                .build();
        SdkHttpRequest expected = SIGNER.sign(r -> r
                .identity(credentials)
                .request(request)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(expires))
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signed, ZoneOffset.UTC))).request();
        String want = expected.firstMatchingRawQueryParameter("X-Amz-Signature").orElse("");
        boolean sameHeaders = expected.firstMatchingRawQueryParameter("X-Amz-SignedHeaders").orElse("")
                .equals(query.get("X-Amz-SignedHeaders"));
        return sameHeaders && MessageDigest.isEqual(want.getBytes(StandardCharsets.US_ASCII),
                query.get("X-Amz-Signature").getBytes(StandardCharsets.US_ASCII));
    }

    /** STS GetCallerIdentity with the token's credentials, asked of the local AWS: Arn, Account, UserId. */
    private Map<String, String> callerIdentity(Map<String, String> query) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(aws.endpoint() + "/?Action=GetCallerIdentity&Version=2011-06-15"))
                .timeout(Duration.ofSeconds(10)).GET()
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + query.get("X-Amz-Credential") + ", SignedHeaders="
                        + query.get("X-Amz-SignedHeaders") + ", Signature=" + query.get("X-Amz-Signature"))
                .header("X-Amz-Date", query.get("X-Amz-Date"))
                .header(CLUSTER_HEADER, cluster);
        if (query.containsKey("X-Amz-Security-Token")) request.header("X-Amz-Security-Token", query.get("X-Amz-Security-Token"));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenRefused("STS GetCallerIdentity could not be asked: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenRefused("interrupted while asking STS GetCallerIdentity");
        }
        if (response.statusCode() != 200) {
            throw new TokenRefused("STS GetCallerIdentity refused the token's credentials (HTTP " + response.statusCode() + ")");
        }
        Map<String, String> identity = new LinkedHashMap<>();
        for (String field : List.of("Arn", "Account", "UserId")) {
            Matcher m = Pattern.compile("<" + field + ">([^<]*)</" + field + ">").matcher(response.body());
            identity.put(field, m.find() ? m.group(1) : "");
        }
        if (identity.get("Arn").isEmpty()) throw new TokenRefused("STS GetCallerIdentity named no ARN");
        return identity;
    }

    /** The Kubernetes user an IAM identity is, as EKS decides it. */
    KubeUser map(String arn, String callerAccount, String userId, String accessKey) {
        String principal = EksApiGaps.principalOf(arn);
        Matcher session = SESSION.matcher(arn);
        String sessionName = session.matches() ? session.group(1) : "";
        Map<String, List<String>> extra = new LinkedHashMap<>();
        extra.put("arn", List.of(arn));
        extra.put("canonicalArn", List.of(principal));
        extra.put("sessionName", List.of(sessionName));
        extra.put("accessKeyId", List.of(accessKey));
        String uid = "aws-iam-authenticator:" + callerAccount + ":" + userId;
        if (aws.eks().creatorOf(account, cluster).filter(principal::equals).isPresent()) {
            return new KubeUser(arn, uid, List.of("system:masters"), extra);
        }
        for (Map<String, Object> entry : awsAuth("mapRoles")) {
            if (principal.equals(entry.get("rolearn"))) return mapped(entry, callerAccount, sessionName, uid, extra);
        }
        for (Map<String, Object> entry : awsAuth("mapUsers")) {
            if (arn.equals(entry.get("userarn"))) return mapped(entry, callerAccount, sessionName, uid, extra);
        }
        throw new TokenRefused("ARN is not mapped: " + arn + " is neither cluster " + cluster + "'s creator nor in aws-auth");
    }

    private static KubeUser mapped(Map<String, Object> entry, String callerAccount, String sessionName, String uid,
                                   Map<String, List<String>> extra) {
        String template = String.valueOf(entry.getOrDefault("username", ""));
        if (template.contains("{{EC2PrivateDNSName}}")) throw new TokenRefused("a node mapping (" + template + ") needs an EC2 instance");
        String username = template.replace("{{AccountID}}", callerAccount).replace("{{SessionName}}", sessionName)
                .replace("{{SessionNameRaw}}", sessionName);
        List<String> groups = new ArrayList<>();
        if (entry.get("groups") instanceof List<?> list) list.forEach(g -> groups.add(String.valueOf(g)));
        return new KubeUser(username, uid, groups, extra);
    }

    private List<Map<String, Object>> awsAuth(String key) {
        ConfigMap map = admin.configMaps().inNamespace("kube-system").withName("aws-auth").get();
        String yaml = map == null || map.getData() == null ? null : map.getData().get(key);
        if (yaml == null || yaml.isBlank()) return List.of();
        try {
            List<Map<String, Object>> entries = YAML.readValue(yaml, new TypeReference<List<Map<String, Object>>>() {});
            return entries == null ? List.of() : entries;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TokenRefused("aws-auth " + key + " is not a YAML list: " + e.getOriginalMessage());
        }
    }
}
