package com.qualisys.cli.local;

import com.qualisys.controlplane.accounts.EnvironmentAccess;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import com.qualisys.controlplane.state.ApplyLock;
import java.net.URI;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The control plane as the CLI runs it in-process: the same handlers as in Lambda, talking to
 * whatever endpoint the environment points to. On a local emulator it first creates what the
 * CDK app would have deployed (topics, report bucket, lock table), idempotently.
 */
public final class LocalControlPlane {
    public static final String ALERT_TOPIC = "qualisys-control-plane-alerts";
    public static final String DRIFT_TOPIC = "qualisys-control-plane-drift";

    private LocalControlPlane() {}

    /** Static test credentials are used only for a loopback endpoint (an emulator). */
    public static AwsClients clients(EnvironmentSpec spec, String endpointOverride) {
        String endpoint = endpointOverride != null ? endpointOverride
                : System.getenv("AWS_ENDPOINT_URL") != null ? System.getenv("AWS_ENDPOINT_URL") : spec.aws().endpointUrl();
        return clients(spec.aws().region(), endpoint);
    }

    /** Clients for a region and an endpoint (null: AWS_ENDPOINT_URL, else AWS itself). */
    public static AwsClients clients(String region, String endpoint) {
        if (endpoint == null) endpoint = System.getenv("AWS_ENDPOINT_URL");
        AwsClients.Builder b = AwsClients.builder().region(region).endpoint(endpoint);
        boolean emulatorCredentials = isEmulator(endpoint) && System.getenv("AWS_ACCESS_KEY_ID") == null;
        if (emulatorCredentials) b.credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        AwsTarget.remember(region, endpoint, emulatorCredentials);
        return b.build();
    }

    public static boolean isEmulator(String endpoint) {
        if (endpoint == null) return false;
        String host = URI.create(endpoint).getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    /**
     * A control plane for one environment's run; bootstraps the emulator when that is the target.
     * {@code aws} are the caller's clients: they hold the control plane's own state (the hub), and
     * reach each environment directly when they act in its account, else by assuming its role.
     */
    public static ControlPlane create(SpecLoader specs, EnvironmentSpec spec, AwsClients aws) {
        return create(specs, spec, aws, true);
    }

    /** As {@link #create(SpecLoader, EnvironmentSpec, AwsClients)}; without {@code assumeRole}, another account is refused. */
    public static ControlPlane create(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, boolean assumeRole) {
        return create(specs, spec, aws, assumeRole, Layers.all());
    }

    /** As {@link #create(SpecLoader, EnvironmentSpec, AwsClients, boolean)} with these layers (e.g. a kubernetes layer with a local helm). */
    public static ControlPlane create(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, boolean assumeRole, List<Layer> layers) {
        String account = aws.sts().getCallerIdentity().account();
        String region = spec.aws().region();
        boolean emulator = aws.endpoint() != null && isEmulator(aws.endpoint().toString());
        String alertTopic;
        String driftTopic;
        if (emulator) {
            alertTopic = aws.sns().createTopic(r -> r.name(ALERT_TOPIC)).topicArn();
            driftTopic = aws.sns().createTopic(r -> r.name(DRIFT_TOPIC)).topicArn();
            bootstrapState(spec, aws);
        } else {
            alertTopic = "arn:aws:sns:" + region + ":" + account + ":" + ALERT_TOPIC;
            driftTopic = "arn:aws:sns:" + region + ":" + account + ":" + DRIFT_TOPIC;
        }
        ControlPlane.Settings settings = new ControlPlane.Settings(alertTopic, driftTopic, spec.state().reportBucket(),
                spec.state().lockTable(), "default");
        return new ControlPlane(specs, () -> aws,
                (s, session) -> EnvironmentAccess.forCaller(aws, s, session, assumeRole), layers, settings);
    }

    /**
     * On an emulator, what the CDK app would have deployed for the environment's state (lock table,
     * report bucket), so a command that writes (apply, unlock) can take the lock on a fresh emulator.
     */
    public static void bootstrapStateOnEmulator(EnvironmentSpec spec, AwsClients aws) {
        if (aws.endpoint() != null && isEmulator(aws.endpoint().toString())) bootstrapState(spec, aws);
    }

    /** The lock table and report bucket, as the CDK app defines them (key lockId, TTL expiresAt). */
    private static void bootstrapState(EnvironmentSpec spec, AwsClients aws) {
        String bucket = spec.state().reportBucket();
        if (aws.s3().listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
            aws.s3().createBucket(r -> r.bucket(bucket));
            aws.s3().putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
        }
        try {
            aws.dynamoDb().createTable(r -> r.tableName(spec.state().lockTable())
                    .keySchema(KeySchemaElement.builder().attributeName("lockId").keyType(KeyType.HASH).build())
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("lockId").attributeType(ScalarAttributeType.S).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST));
            aws.dynamoDb().updateTimeToLive(r -> r.tableName(spec.state().lockTable())
                    .timeToLiveSpecification(t -> t.attributeName(ApplyLock.TTL_ATTRIBUTE).enabled(true)));
        } catch (ResourceInUseException alreadyThere) {
            // created by an earlier run
        }
    }

    public static Map<String, String> substitutions(ControlPlane controlPlane, String region, String account) {
        return LocalFunctions.substitutions(controlPlane, region, account);
    }
}
