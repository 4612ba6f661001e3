package com.qualisys.controlplane.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.DescribeClusterResponse;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.GetAccountAuthorizationDetailsResponse;
import software.amazon.awssdk.services.ec2.model.CreateTagsRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketTaggingRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutBucketTaggingRequest;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * SnapStart's priming of the request path ({@link AwsClients#primeOperations}): every operation of the clients made so
 * far runs once through a copy of its client that {@link PrimingHttpClient} answers in the JVM. Real SDK clients; the
 * endpoint is a loopback socket that must see no connection.
 */
class PrimeOperationsTest {
    private static final StaticCredentialsProvider KEYS = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPRIMINGTEST", "not-a-secret"));

    @Test
    void everyOperationOfTheClientsMadeRunsAndNothingLeavesTheJvm() throws Exception {
        try (ServerSocket endpoint = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            endpoint.setSoTimeout(300);
            AwsClients aws = AwsClients.builder().region("us-east-1").endpoint("http://127.0.0.1:" + endpoint.getLocalPort())
                    .credentials(KEYS).build();
            aws.dynamoDb();
            aws.sns();
            aws.ec2();
            aws.s3();

            List<String> ran = aws.primeOperations();

            int declared = List.of(DynamoDbClient.class, SnsClient.class, Ec2Client.class, S3Client.class).stream()
                    .mapToInt(PrimeOperationsTest::operations).sum();
            assertThat(ran).as("operations run: each one the four clients declare, S3's object content in and out included")
                    .hasSize(declared).hasSizeGreaterThan(500).doesNotHaveDuplicates()
                    .contains("DynamoDbClient.getItem", "SnsClient.publish", "Ec2Client.describeVpcs", "S3Client.getObject", "S3Client.putObject");
            assertThat(aws.calls().total()).as("calls counted by the clients' own interceptor").isZero();
            assertThatThrownBy(endpoint::accept).as("a connection to the endpoint").isInstanceOf(SocketTimeoutException.class);
        }
    }

    /** Each protocol's answer is an empty success, so priming runs the response's unmarshalling too, not an error path. */
    @Test
    void theAnswerIsAnEmptySuccessInEachProtocol() {
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(new PrimingHttpClient()).build();
             SnsClient sns = SnsClient.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(new PrimingHttpClient()).build();
             Ec2Client ec2 = Ec2Client.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(new PrimingHttpClient()).build();
             EksClient eks = EksClient.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(new PrimingHttpClient()).build();
             S3Client s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(new PrimingHttpClient()).build()) {
            assertThat(dynamoDb.listTables().tableNames()).as("JSON 1.0").isEmpty();
            assertThat(sns.listTopics().topics()).as("query").isEmpty();
            assertThat(ec2.describeVpcs().vpcs()).as("EC2 query").isEmpty();
            assertThat(eks.listClusters().clusters()).as("REST-JSON").isEmpty();
            assertThat(s3.getBucketTagging(r -> r.bucket("priming")).tagSet()).as("REST-XML").isEmpty();
        }
    }

    /**
     * Priming's requests have every member, nested shapes included: an S3 operation that refuses an empty request (no
     * bucket for its endpoint rules) runs through its whole request path with one, and a nested tag set is filled.
     */
    @Test
    void theSampleRequestHasEveryMemberSoOperationsThatNeedOneRunThrough() throws java.io.IOException {
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(new PrimingHttpClient()).build()) {
            assertThatThrownBy(() -> s3.getBucketTagging(GetBucketTaggingRequest.builder().build())).as("the empty request")
                    .hasMessageContaining("Bucket");
            assertThat(s3.getBucketTagging((GetBucketTaggingRequest) SampleRequests.of(GetBucketTaggingRequest.class)).tagSet())
                    .as("the sample request's answer").isEmpty();
            assertThat(s3.putObject((PutObjectRequest) SampleRequests.of(PutObjectRequest.class), RequestBody.empty()))
                    .as("an object written").isNotNull();
            try (ResponseInputStream<GetObjectResponse> content = s3.getObject((GetObjectRequest) SampleRequests.of(GetObjectRequest.class))) {
                assertThat(content.response()).as("an object read").isNotNull();
            }
        }
        PutBucketTaggingRequest tagging = (PutBucketTaggingRequest) SampleRequests.of(PutBucketTaggingRequest.class);
        assertThat(tagging.bucket()).isEqualTo("sample");
        assertThat(tagging.tagging().tagSet()).extracting(Tag::key, Tag::value).containsExactly(org.assertj.core.groups.Tuple.tuple("sample", "sample"));
        CreateTagsRequest ec2Tags = (CreateTagsRequest) SampleRequests.of(CreateTagsRequest.class);
        assertThat(ec2Tags.resources()).containsExactly("sample");
        assertThat(ec2Tags.tags()).hasSize(1);
    }

    /**
     * Told the operation's response type, each protocol's answer has every member, nested shapes included, so priming
     * unmarshals what a real answer holds (a VPC's tags, a role's policies), not only the response's own class.
     */
    @Test
    void toldTheResponseTypeTheAnswerHasEveryMemberDownToNestedShapes() {
        PrimingHttpClient answers = new PrimingHttpClient();
        try (DynamoDbClient dynamoDb = DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(answers).build();
             Ec2Client ec2 = Ec2Client.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(answers).build();
             IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).credentialsProvider(KEYS).httpClient(answers).build();
             EksClient eks = EksClient.builder().region(Region.US_EAST_1).credentialsProvider(KEYS).httpClient(answers).build()) {
            answers.answering(DescribeRouteTablesResponse.class);
            var table = ec2.describeRouteTables().routeTables().get(0);
            assertThat(table.routeTableId()).as("EC2 query: members in the response element, lists of <item>").isEqualTo("x");
            assertThat(table.routes().get(0).destinationCidrBlock()).isEqualTo("x");
            assertThat(table.tags().get(0).key()).isEqualTo("x");
            assertThat(table.associations().get(0).main()).isTrue();

            answers.answering(GetAccountAuthorizationDetailsResponse.class);
            var role = iam.getAccountAuthorizationDetails().roleDetailList().get(0);
            assertThat(role.roleName()).as("query: members in <ActionResult>, lists of <member>").isEqualTo("x");
            assertThat(role.rolePolicyList().get(0).policyDocument()).isEqualTo("x");
            assertThat(role.createDate()).isNotNull();

            answers.answering(GetItemResponse.class);
            assertThat(dynamoDb.getItem(r -> r.tableName("t").key(java.util.Map.of())).item().get("k").s()).as("JSON 1.0, a map").isEqualTo("x");

            answers.answering(DescribeClusterResponse.class);
            var cluster = eks.describeCluster(r -> r.name("c")).cluster();
            assertThat(cluster.resourcesVpcConfig().subnetIds()).as("REST-JSON").containsExactly("x");
            assertThat(cluster.identity().oidc().issuer()).isEqualTo("x");
            assertThat(cluster.tags()).containsEntry("k", "x");
        }
    }

    /**
     * What primeOperations counts as an operation: one request in, one response out (no paginators); S3's object content
     * in through a body and out through a transformer, the form its stream, bytes and file forms call.
     */
    private static int operations(Class<?> client) {
        return (int) Arrays.stream(client.getMethods()).filter(m -> isOperation(m)).count();
    }

    private static boolean isOperation(Method m) {
        Class<?>[] p = m.getParameterTypes();
        if (p.length == 0 || !SdkRequest.class.isAssignableFrom(p[0])) return false;
        if (p.length == 1) return SdkResponse.class.isAssignableFrom(m.getReturnType());
        return p.length == 2 && (p[1] == RequestBody.class && SdkResponse.class.isAssignableFrom(m.getReturnType()) || p[1] == ResponseTransformer.class);
    }
}
