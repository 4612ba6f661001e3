package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;

/**
 * moto_launcher.py computes once what moto recomputed per request and per account; what moto answers must not
 * change. A plain moto_server (the venv's entry point, started by MotoServer.start with the same settings) and the launched moto are asked the same
 * questions in an account neither has seen, over every protocol the control plane uses, and must answer alike.
 */
class MotoLauncherTest {
    private static final String FRESH_ACCOUNT = "240000000017";
    private static Process plainMoto;
    private static String plainEndpoint;

    @BeforeAll
    static void startPlainMoto() {
        int port = MotoServer.freePort();
        plainMoto = MotoServer.start(List.of(MotoServer.ensureInstalled().toString()), port);
        plainEndpoint = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stopPlainMoto() {
        plainMoto.destroy();
    }

    @Test
    void theAwsManagedPoliciesOfAFreshAccountAreMotosOwn() {
        try (AwsClients launched = MotoServer.shared().clients(MotoServer.inAccount(FRESH_ACCOUNT)); AwsClients plain = plain()) {
            Map<String, String> launchedPolicies = managedPolicies(launched);
            Map<String, String> plainPolicies = managedPolicies(plain);
            assertThat(launchedPolicies).hasSizeGreaterThan(1000).hasSameSizeAs(plainPolicies);
            assertThat(plainPolicies.keySet().stream().filter(arn -> !plainPolicies.get(arn).equals(launchedPolicies.get(arn)))
                    .limit(5).map(arn -> arn + ": plain moto " + plainPolicies.get(arn) + ", launched " + launchedPolicies.get(arn)))
                    .as("AWS managed policies that differ (the first five)").isEmpty();
            for (String name : List.of("AmazonEKSClusterPolicy", "AmazonEKSWorkerNodePolicy", "ReadOnlyAccess")) {
                String arn = "arn:aws:iam::aws:policy/" + name;
                assertThat(document(launched, arn)).as(name).contains("Statement").isEqualTo(document(plain, arn));
            }
        }
    }

    @Test
    void everyProtocolFindsItsServiceAndAction() {
        try (AwsClients launched = MotoServer.shared().clients(MotoServer.inAccount(FRESH_ACCOUNT)); AwsClients plain = plain()) {
            for (AwsClients aws : List.of(launched, plain)) {
                aws.dynamoDb().createTable(r -> r.tableName("launcher-check").billingMode("PAY_PER_REQUEST")
                        .attributeDefinitions(a -> a.attributeName("id").attributeType("S")).keySchema(k -> k.attributeName("id").keyType("HASH")));
                aws.s3().createBucket(r -> r.bucket("launcher-check-" + (aws == launched ? "a" : "b")));
            }
            assertThat(launched.sts().getCallerIdentity().account()).isEqualTo(plain.sts().getCallerIdentity().account()).isEqualTo(FRESH_ACCOUNT);
            assertThat(launched.dynamoDb().listTables().tableNames()).isEqualTo(plain.dynamoDb().listTables().tableNames()).contains("launcher-check");
            assertThat(launched.s3().listBuckets().buckets()).hasSize(plain.s3().listBuckets().buckets().size());
            assertThat(launched.ec2().describeVpcs().vpcs()).extracting(v -> v.cidrBlock())
                    .isEqualTo(plain.ec2().describeVpcs().vpcs().stream().map(v -> v.cidrBlock()).toList());
            launched.dynamoDb().deleteTable(r -> r.tableName("launcher-check"));
            launched.s3().deleteBucket(r -> r.bucket("launcher-check-a"));
        }
    }

    /** Name → default version, path and dates of every AWS managed policy. */
    private static Map<String, String> managedPolicies(AwsClients aws) {
        Map<String, String> policies = new TreeMap<>();
        aws.iam().listPoliciesPaginator(r -> r.scope(PolicyScopeType.AWS)).policies().forEach(p ->
                policies.put(p.arn(), p.defaultVersionId() + " " + p.path() + " " + p.createDate() + " " + p.updateDate()));
        return policies;
    }

    private static String document(AwsClients aws, String arn) {
        String version = aws.iam().getPolicy(r -> r.policyArn(arn)).policy().defaultVersionId();
        return aws.iam().getPolicyVersion(r -> r.policyArn(arn).versionId(version)).policyVersion().document();
    }

    private static AwsClients plain() {
        return AwsClients.builder().region("us-east-1").endpoint(plainEndpoint)
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .interceptor(MotoServer.inAccount(FRESH_ACCOUNT)).build();
    }
}
