package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.KubeApiServer.KubeUser;
import com.qualisys.controlplane.emulator.KubeApiServer.TokenRefused;
import com.qualisys.controlplane.layers.EmulatedAccount;
import com.qualisys.controlplane.layers.kubernetes.connection.EksConnector;
import com.qualisys.controlplane.layers.kubernetes.connection.EksToken;
import com.qualisys.controlplane.layers.kubernetes.connection.EksTokenProvider;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.eks.model.Cluster;

/**
 * The local kube-apiserver accepts the control plane's EKS token as EKS does: the token made by
 * {@link EksToken} (a presigned STS GetCallerIdentity URL) authenticates the cluster's creator as
 * cluster-admin and an aws-auth role as its mapped user and groups, through the apiserver's token
 * webhook; an unmapped, altered, foreign-cluster or expired token is refused, and the apiserver answers 401.
 */
class EksTokenAuthenticatorTest {
    private static final String CLUSTER = "qualisys-eks";
    private static final String REGION = "us-east-1";

    private final KubeApiServer kube = KubeApiServer.shared();
    private final LocalAws local = LocalAws.shared();
    private EmulatedAccount account;
    private AwsClients admin;
    private AwsSessionCredentials creator;
    private EksTokenAuthenticator authenticator;
    private ConfigMap awsAuthBefore;

    @BeforeEach
    void clusterCreatedByTheControlPlane() {
        account = EmulatedAccount.fresh();
        admin = account.clients();
        String vpc = admin.ec2().createVpc(r -> r.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        String subnet = admin.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.9.1.0/24").availabilityZone("us-east-1a")).subnet().subnetId();
        for (String role : new String[] {"qualisys-control-plane-execution", "QualisysDeveloper", "Stranger"}) {
            admin.iam().createRole(r -> r.roleName(role).assumeRolePolicyDocument("{}"));
        }
        creator = session("qualisys-control-plane-execution", "control-plane");
        try (AwsClients asCreator = clientsAs(creator)) {
            asCreator.eks().createCluster(r -> r.name(CLUSTER).roleArn(roleArn("qualisys-control-plane-execution")).version("1.31")
                    .resourcesVpcConfig(v -> v.subnetIds(subnet)));
        }
        authenticator = new EksTokenAuthenticator(account.id(), CLUSTER, local, kube.adminClient(), Clock.systemUTC());
        kube.authenticateTokensWith(authenticator);
        awsAuthBefore = kube.adminClient().configMaps().inNamespace("kube-system").withName("aws-auth").get();
    }

    @AfterEach
    void restore() {
        kube.authenticateTokensWith(null);
        var awsAuth = kube.adminClient().configMaps().inNamespace("kube-system").withName("aws-auth");
        if (awsAuthBefore == null) {
            awsAuth.delete();
        } else {
            awsAuthBefore.getMetadata().setResourceVersion(null);
            awsAuthBefore.getMetadata().setManagedFields(null);
            awsAuth.delete();
            kube.adminClient().configMaps().inNamespace("kube-system").resource(awsAuthBefore).create();
        }
        admin.close();
    }

    @Test
    void theCreatorsTokenIsClusterAdminAndTheEmulatedClusterPointsAtTheApiServer() {
        KubeUser user = authenticator.authenticate(token(creator, CLUSTER, Clock.systemUTC()));
        assertThat(user.username()).isEqualTo("arn:aws:sts::" + account.id() + ":assumed-role/qualisys-control-plane-execution/control-plane");
        assertThat(user.groups()).containsExactly("system:masters");
        assertThat(user.extra()).containsEntry("canonicalArn", java.util.List.of(roleArn("qualisys-control-plane-execution")));

        // The way the kubernetes layer connects: endpoint and CA from DescribeCluster, a fresh EKS token per client.
        local.eks().serveKubernetes(account.id(), CLUSTER, kube.url(), kube.caCertificatePem());
        try (AwsClients asCreator = clientsAs(creator)) {
            Cluster described = asCreator.eks().describeCluster(r -> r.name(CLUSTER)).cluster();
            assertThat(described.endpoint()).isEqualTo(kube.url());
            assertThat(new String(Base64.getDecoder().decode(described.certificateAuthority().data()), StandardCharsets.US_ASCII))
                    .isEqualTo(kube.caCertificatePem());
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(EksConnector.config(described,
                    new EksTokenProvider(CLUSTER, REGION, StaticCredentialsProvider.create(creator), Clock.systemUTC()))).build()) {
                assertThat(client.namespaces().withName("kube-system").get()).isNotNull();
            }
        }
    }

    @Test
    void anAwsAuthRoleIsItsMappedUserAndGroupsAndRbacDecidesForThem() {
        // Forced: an earlier test in this JVM (the kubernetes layer's) may own aws-auth's mapRoles.
        kube.adminClient().configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("aws-auth").withNamespace("kube-system").endMetadata()
                .withData(Map.of("mapRoles", "- rolearn: " + roleArn("QualisysDeveloper") + "\n"
                        + "  username: QualisysDeveloper:{{SessionName}}\n  groups:\n    - qualisys-developers\n"))
                .build()).forceConflicts().serverSideApply();
        String token = token(session("QualisysDeveloper", "alice"), CLUSTER, Clock.systemUTC());

        KubeUser user = authenticator.authenticate(token);
        assertThat(user.username()).isEqualTo("QualisysDeveloper:alice");
        assertThat(user.groups()).containsExactly("qualisys-developers");
        // Through the apiserver: authenticated as that user (RBAC grants the group nothing cluster-wide here).
        assertThatThrownBy(() -> {
            try (KubernetesClient client = clientWithToken(token)) {
                client.namespaces().list();
            }
        }).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(403);
            assertThat(e.getMessage()).contains("\"QualisysDeveloper:alice\"");
        });
    }

    @Test
    void anIdentityNeitherCreatorNorInAwsAuthIsRefusedAndTheApiServerAnswers401() {
        String token = token(session("Stranger", "mallory"), CLUSTER, Clock.systemUTC());
        assertThatThrownBy(() -> authenticator.authenticate(token)).isInstanceOf(TokenRefused.class)
                .hasMessageContaining("ARN is not mapped").hasMessageContaining("assumed-role/Stranger/mallory");
        assertUnauthorized(token);
    }

    @Test
    void aTamperedTokenIsRefusedWhateverWasChanged() {
        String good = token(creator, CLUSTER, Clock.systemUTC());
        String url = new String(Base64.getUrlDecoder().decode(good.substring(EksToken.PREFIX.length())), StandardCharsets.UTF_8);
        char last = url.charAt(url.length() - 1);

        assertRefused(token(creator, "another-cluster", Clock.systemUTC()), "signature does not match");
        assertRefused(encode(url.substring(0, url.length() - 1) + (last == '0' ? '1' : '0')), "signature does not match");
        assertRefused(encode(oneSecondDigitChanged(url)), "signature does not match");
        assertRefused(encode(url.replace("X-Amz-Expires=60", "X-Amz-Expires=900")), "signature does not match");
        assertRefused(encode(url + "&Action2=AssumeRole"), "unexpected parameter Action2");
        assertRefused(encode(url.replace("https://sts.", "https://evil.example.com/sts.")), "not an STS endpoint");
        assertRefused(good.substring(EksToken.PREFIX.length()), "no k8s-aws-v1. prefix");
        assertRefused(token(AwsBasicCredentials.create("AKIAEXAMPLENOTISSUED", "guessed"), CLUSTER, Clock.systemUTC()),
                "was not issued by this AWS");
        assertUnauthorized(token(creator, "another-cluster", Clock.systemUTC()));
    }

    @Test
    void aTokenIsAcceptedForFifteenMinutesAfterItWasSigned() {
        Clock fourteenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-14));
        Clock sixteenMinutesAgo = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-16));
        assertThat(authenticator.authenticate(token(creator, CLUSTER, fourteenMinutesAgo)).groups()).containsExactly("system:masters");
        assertRefused(token(creator, CLUSTER, sixteenMinutesAgo), "expired");
        assertUnauthorized(token(creator, CLUSTER, sixteenMinutesAgo));
    }

    // ------------------------------------------------------------------ helpers

    private String roleArn(String name) {
        return "arn:aws:iam::" + account.id() + ":role/" + name;
    }

    /** A session of the role, with credentials the local AWS issued (as the hub's AssumeRole would). */
    private AwsSessionCredentials session(String role, String sessionName) {
        try (AwsClients boot = local.clients()) {
            var c = boot.sts().assumeRole(r -> r.roleArn(roleArn(role)).roleSessionName(sessionName)).credentials();
            return AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
        }
    }

    private AwsClients clientsAs(AwsSessionCredentials credentials) {
        return AwsClients.builder().region(MotoServer.REGION).endpoint(local.endpoint())
                .credentials(StaticCredentialsProvider.create(credentials)).build();
    }

    private static String token(software.amazon.awssdk.identity.spi.AwsCredentialsIdentity credentials, String cluster, Clock clock) {
        return EksToken.generate(cluster, REGION, credentials, clock);
    }

    /** The URL with the last digit of X-Amz-Date's seconds changed (still a valid, unexpired time). */
    private static String oneSecondDigitChanged(String url) {
        int digit = url.indexOf("X-Amz-Date=") + "X-Amz-Date=".length() + "yyyyMMddTHHmms".length();
        char changed = (char) ('0' + (url.charAt(digit) - '0' + 1) % 10);
        return url.substring(0, digit) + changed + url.substring(digit + 1);
    }

    private static String encode(String url) {
        return EksToken.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(url.getBytes(StandardCharsets.UTF_8));
    }

    private void assertRefused(String token, String why) {
        assertThatThrownBy(() -> authenticator.authenticate(token)).isInstanceOf(TokenRefused.class).hasMessageContaining(why);
    }

    private void assertUnauthorized(String token) {
        assertThatThrownBy(() -> {
            try (KubernetesClient client = clientWithToken(token)) {
                client.namespaces().withName("kube-system").get();
            }
        }).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }

    private KubernetesClient clientWithToken(String token) {
        return new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
                .withMasterUrl(kube.url())
                .withCaCertData(Base64.getEncoder().encodeToString(kube.caCertificatePem().getBytes(StandardCharsets.US_ASCII)))
                .withOauthToken(token).build()).build();
    }
}
