package com.qualisys.controlplane.aws;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.budgets.BudgetsClient;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.costexplorer.CostExplorerClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The real AWS SDK v2 clients the control plane uses, created lazily with one region, an
 * optional endpoint override (the emulator, or AWS_ENDPOINT_URL) and shared interceptors
 * (API call counting). Closing it closes every client it made.
 */
public final class AwsClients implements AutoCloseable {
    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final List<ExecutionInterceptor> interceptors;
    private final HttpClientChoice http;
    private final ProfileFile profileFile;
    private final Map<Class<?>, SdkClient> clients = new ConcurrentHashMap<>();
    private final ApiCallCounter counter = new ApiCallCounter();
    private final Supplier<String> knownAccount;
    private volatile String accountId;

    private AwsClients(Region region, URI endpoint, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors,
                       HttpClientChoice http, ProfileFile profileFile, Supplier<String> knownAccount) {
        this.region = region;
        this.knownAccount = knownAccount;
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.http = http;
        this.profileFile = profileFile;
        List<ExecutionInterceptor> all = new ArrayList<>();
        all.add(counter);
        all.addAll(interceptors);
        this.interceptors = List.copyOf(all);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Region region() {
        return region;
    }

    /** The endpoint override, or null for real AWS. */
    public URI endpoint() {
        return endpoint;
    }

    /** The credentials every client signs with (also what presigned tokens are signed with). */
    public AwsCredentialsProvider credentialsProvider() {
        return credentials;
    }

    /** The SDK HTTP client the clients use: the one the package ships ({@link HttpClientChoice}). */
    public HttpClientChoice httpClient() {
        return http;
    }

    /** Counts every call made through these clients, by operation; mutating calls apart. */
    public ApiCallCounter calls() {
        return counter;
    }

    /**
     * The account these credentials act in: the one the builder was told of ({@link Builder#knownAccount}) when it
     * names one, else sts:GetCallerIdentity, asked once per clients.
     */
    public String accountId() {
        String id = accountId;
        if (id == null) {
            id = knownAccount.get();
            if (id == null) id = sts().getCallerIdentity().account();
            accountId = id;
        }
        return id;
    }

    public Ec2Client ec2() { return client(Ec2Client.class, Ec2Client::builder); }
    public IamClient iam() { return client(IamClient.class, IamClient::builder); }
    public StsClient sts() { return client(StsClient.class, StsClient::builder); }
    public CloudWatchLogsClient logs() { return client(CloudWatchLogsClient.class, CloudWatchLogsClient::builder); }
    public CloudTrailClient cloudTrail() { return client(CloudTrailClient.class, CloudTrailClient::builder); }
    public DynamoDbClient dynamoDb() { return client(DynamoDbClient.class, DynamoDbClient::builder); }
    public SnsClient sns() { return client(SnsClient.class, SnsClient::builder); }
    public BudgetsClient budgets() { return client(BudgetsClient.class, BudgetsClient::builder); }
    public CostExplorerClient costExplorer() { return client(CostExplorerClient.class, CostExplorerClient::builder); }
    public KmsClient kms() { return client(KmsClient.class, KmsClient::builder); }
    public EksClient eks() { return client(EksClient.class, EksClient::builder); }
    public RdsClient rds() { return client(RdsClient.class, RdsClient::builder); }
    public ElastiCacheClient elastiCache() { return client(ElastiCacheClient.class, ElastiCacheClient::builder); }
    public SecretsManagerClient secretsManager() { return client(SecretsManagerClient.class, SecretsManagerClient::builder); }
    public SfnClient stepFunctions() { return client(SfnClient.class, SfnClient::builder); }
    public EventBridgeClient eventBridge() { return client(EventBridgeClient.class, EventBridgeClient::builder); }
    /** Finds resources of types without a tag filter of their own (KMS keys) by their qualisys:* tags. */
    public ResourceGroupsTaggingApiClient tagging() {
        return client(ResourceGroupsTaggingApiClient.class, ResourceGroupsTaggingApiClient::builder);
    }

    public S3Client s3() {
        return client(S3Client.class, () -> S3Client.builder().forcePathStyle(endpoint != null));
    }

    @SuppressWarnings("unchecked")
    private <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C client(
            Class<C> type, Supplier<B> builder) {
        return (C) clients.computeIfAbsent(type, t -> configured(builder.get()));
    }

    /**
     * A builder set up as every client is: region, credentials, HTTP client, interceptors, endpoint, and in Lambda
     * an empty profile file ({@link EnvironmentDefaults}): nothing left for the SDK's chains to look up.
     */
    private SdkClient configured(AwsClientBuilder<?, ?> builder) {
        return configured(builder, credentials, interceptors, null);
    }

    /** As {@link #configured(AwsClientBuilder)}, with other credentials, interceptors and, unless null, HTTP client. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private SdkClient configured(AwsClientBuilder builder, AwsCredentialsProvider signer, List<ExecutionInterceptor> chain,
                                 SdkHttpClient answering) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder().executionInterceptors(chain);
        if (profileFile != null) override.defaultProfileFile(profileFile).defaultProfileName("default");
        builder.region(region).credentialsProvider(signer).overrideConfiguration(override.build());
        if (answering == null) ((AwsSyncClientBuilder) builder).httpClientBuilder(http.builder());
        else ((AwsSyncClientBuilder) builder).httpClient(answering);
        if (endpoint != null) builder.endpointOverride(endpoint);
        return (SdkClient) builder.build();
    }

    /**
     * Every client the accessors above make, by class name: names, not class literals, so that a package
     * without a service's module can still load this class.
     */
    private static final List<String> CLIENT_CLASSES = List.of(
            "software.amazon.awssdk.services.ec2.Ec2Client",
            "software.amazon.awssdk.services.iam.IamClient",
            "software.amazon.awssdk.services.sts.StsClient",
            "software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient",
            "software.amazon.awssdk.services.cloudtrail.CloudTrailClient",
            "software.amazon.awssdk.services.dynamodb.DynamoDbClient",
            "software.amazon.awssdk.services.sns.SnsClient",
            "software.amazon.awssdk.services.budgets.BudgetsClient",
            "software.amazon.awssdk.services.costexplorer.CostExplorerClient",
            "software.amazon.awssdk.services.kms.KmsClient",
            "software.amazon.awssdk.services.eks.EksClient",
            "software.amazon.awssdk.services.rds.RdsClient",
            "software.amazon.awssdk.services.elasticache.ElastiCacheClient",
            "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient",
            "software.amazon.awssdk.services.sfn.SfnClient",
            "software.amazon.awssdk.services.eventbridge.EventBridgeClient",
            "software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient",
            "software.amazon.awssdk.services.s3.S3Client");

    /**
     * Creates every client whose service module is on the classpath (a function's package ships only the
     * modules it uses), without calling AWS: the SnapStart priming, so the SDK's classes, endpoint rules and
     * HTTP client are loaded and initialised before the snapshot. Returns the clients' simple names.
     */
    public List<String> prime() {
        List<String> made = new ArrayList<>();
        for (String name : CLIENT_CLASSES) {
            Class<?> type;
            try {
                type = Class.forName(name, false, AwsClients.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError absent) {
                continue;
            }
            try {
                primeClient(type);
                made.add(type.getSimpleName());
            } catch (LinkageError incomplete) {
                // A client class without its protocol module: the function never makes this client either.
            }
        }
        return made;
    }

    /**
     * The SnapStart priming of the request path: each operation of every client made so far runs once, with a request
     * whose every member has a value ({@link SampleRequests}; refused, with the empty request as well), through a copy of
     * the client that answers in the JVM ({@link PrimingHttpClient}: the operation's response
     * with every member given a value, no connection), signs with throwaway credentials and has none of this object's
     * interceptors (nothing is counted). Marshalling, endpoint rules, signing and unmarshalling down to the nested shapes of
     * a real answer (a VPC's tags, a role's policies) are then loaded and initialised in the snapshot, which a
     * restored function's first calls would otherwise pay for. The operations are those the client's interface
     * declares ({@link #primedResponse}, S3's object content in and out included): in a function's package, whose service
     * modules are shrunk to what our code calls, exactly those. An operation that refuses a request or its answer fails
     * after some of its path ran, which is all priming can have; a linkage error (a package lacking a class) is not
     * swallowed. Returns the operations run, as {@code S3Client.getObject}.
     */
    public List<String> primeOperations() {
        AwsCredentialsProvider throwaway = StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "PRIMING"));
        List<String> ran = new ArrayList<>();
        for (Class<?> type : List.copyOf(clients.keySet())) {
            PrimingHttpClient answers = new PrimingHttpClient();
            try (SdkClient offline = configured(builderOf(type), throwaway, List.of(), answers)) {
                for (Method operation : type.getMethods()) {
                    Class<?> response = primedResponse(operation);
                    if (response == null) continue;
                    Class<?> request = operation.getParameterTypes()[0];
                    answers.answering(response);
                    // Every member given a value, so that the whole path runs; refused, the empty request as well.
                    if (!primed(offline, operation, SampleRequests.of(request))) {
                        primed(offline, operation, SampleRequests.empty(request));
                    }
                    ran.add(type.getSimpleName() + "." + operation.getName());
                }
            }
        }
        return ran;
    }

    /**
     * The response type of an operation priming runs, or null for any other method: a request in, a response out; a
     * request and a body in (S3's putObject), sent an empty body; a request in and the response's content out through a
     * transformer (S3's getObject), read as bytes. The transformer's form is the one the other forms (a stream, bytes, a
     * file) call, so a package shrunk to what our code calls keeps it whichever of them the code uses; it is the only form
     * of those that priming runs, and never one that reads or writes a file.
     */
    private static Class<?> primedResponse(Method operation) {
        Class<?>[] parameters = operation.getParameterTypes();
        if (parameters.length == 0 || parameters.length > 2 || !SdkRequest.class.isAssignableFrom(parameters[0])) return null;
        if (parameters.length == 1 || parameters[1] == RequestBody.class) {
            return SdkResponse.class.isAssignableFrom(operation.getReturnType()) ? operation.getReturnType() : null;
        }
        if (parameters[1] == ResponseTransformer.class && operation.getGenericParameterTypes()[1] instanceof ParameterizedType content) {
            return (Class<?>) content.getActualTypeArguments()[0];
        }
        return null;
    }

    /** Runs one operation of the priming copy; false when it refused the request or its answer (an exception). */
    private static boolean primed(SdkClient offline, Method operation, Object request) {
        try {
            if (operation.getParameterCount() == 1) {
                operation.invoke(offline, request);
            } else {
                Object content = operation.getParameterTypes()[1] == RequestBody.class ? RequestBody.empty() : ResponseTransformer.toBytes();
                operation.invoke(offline, request, content);
            }
            return true;
        } catch (InvocationTargetException refused) {
            if (refused.getCause() instanceof Error e) throw e;
            return false;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot prime " + operation.getDeclaringClass().getSimpleName() + "." + operation.getName(), e);
        }
    }

    /** A new builder of a client type, set up as its accessor above sets it up (S3's path-style addressing). */
    private AwsClientBuilder<?, ?> builderOf(Class<?> type) {
        try {
            Method builderMethod = type.getMethod("builder");
            AwsClientBuilder<?, ?> builder = (AwsClientBuilder<?, ?>) builderMethod.invoke(null);
            // By name, through the public builder interface: a package without the S3 module must still load this class.
            if (type.getSimpleName().equals("S3Client")) {
                builderMethod.getReturnType().getMethod("forcePathStyle", Boolean.class).invoke(builder, endpoint != null);
            }
            return builder;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getSimpleName(), e);
        }
    }

    private void primeClient(Class<?> type) {
        clients.computeIfAbsent(type, t -> configured(builderOf(t)));
    }

    @Override
    public void close() {
        clients.values().forEach(SdkClient::close);
        clients.clear();
    }

    public static final class Builder {
        private Region region = Region.US_EAST_1;
        private URI endpoint;
        private AwsCredentialsProvider credentials;
        private final List<ExecutionInterceptor> interceptors = new ArrayList<>();
        private boolean createRetryGuard = true;
        private Supplier<String> knownAccount = () -> null;

        public Builder region(String region) {
            this.region = Region.of(region);
            return this;
        }

        /** An explicit endpoint (the emulator); when null, AWS_ENDPOINT_URL is honoured, else real AWS. */
        public Builder endpoint(String endpointUrl) {
            this.endpoint = endpointUrl == null || endpointUrl.isBlank() ? null : URI.create(endpointUrl);
            return this;
        }

        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        /** Without {@link CreateRetryGuard}: only for the test that shows the duplicate it prevents. */
        public Builder withoutCreateRetryGuard() {
            this.createRetryGuard = false;
            return this;
        }

        /**
         * Where the account these credentials act in is already known without asking STS (a Lambda function's own
         * account, named by the ARN its invocations arrive with), asked when {@link #accountId()} is first needed;
         * a null answer means not known (yet): STS is asked then.
         */
        public Builder knownAccount(Supplier<String> account) {
            this.knownAccount = java.util.Objects.requireNonNull(account);
            return this;
        }

        public Builder interceptor(ExecutionInterceptor interceptor) {
            interceptors.add(interceptor);
            return this;
        }

        public AwsClients build() {
            Map<String, String> env = System.getenv();
            URI ep = endpoint;
            if (ep == null) {
                String url = env.get("AWS_ENDPOINT_URL");
                if (url != null && !url.isBlank()) ep = URI.create(url);
            }
            AwsCredentialsProvider creds = credentials != null ? credentials : EnvironmentDefaults.credentials(env);
            List<ExecutionInterceptor> all = new ArrayList<>(interceptors);
            if (createRetryGuard) all.add(new CreateRetryGuard());
            return new AwsClients(region, ep, creds, all, HttpClientChoice.shipped(), EnvironmentDefaults.profileFile(env),
                    knownAccount);
        }
    }
}
