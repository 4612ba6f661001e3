package com.qualisys.cli.local;

import com.qualisys.controlplane.accounts.EnvironmentAccess;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.handlers.ControlPlane;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import com.qualisys.controlplane.state.ApplyLock;
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
 * whatever endpoint the environment points to. Only when the caller says the endpoint is a local
 * emulator (`--emulator`, the demo) does it first create what the CDK app would have deployed
 * (topics, report bucket, lock table), idempotently; nothing is inferred from the endpoint's address.
 */
public final class LocalControlPlane {
    public static final String ALERT_TOPIC = "qualisys-control-plane-alerts";
    public static final String DRIFT_TOPIC = "qualisys-control-plane-drift";

    private LocalControlPlane() {}

    /**
     * Clients for an environment's endpoint. The emulator's static test credentials only when the
     * caller says the endpoint is an emulator and no AWS credentials are set.
     */
    public static AwsClients clients(EnvironmentSpec spec, String endpointOverride, boolean emulator) {
        String endpoint = endpointOverride != null ? endpointOverride
                : System.getenv("AWS_ENDPOINT_URL") != null ? System.getenv("AWS_ENDPOINT_URL") : spec.aws().endpointUrl();
        return clients(spec.aws().region(), endpoint, emulator);
    }

    /** Clients for a region and an endpoint (null: AWS_ENDPOINT_URL, else AWS itself). */
    public static AwsClients clients(String region, String endpoint, boolean emulator) {
        if (endpoint == null) endpoint = System.getenv("AWS_ENDPOINT_URL");
        AwsClients.Builder b = AwsClients.builder().region(region).endpoint(endpoint);
        boolean emulatorCredentials = emulator && System.getenv("AWS_ACCESS_KEY_ID") == null && System.getProperty("aws.accessKeyId") == null;
        if (emulatorCredentials) b.credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        AwsTarget.remember(region, endpoint, emulatorCredentials);
        return b.build();
    }

    /**
     * A control plane for one environment's run; with {@code bootstrapEmulator} (the caller's explicit
     * choice) it first creates what the CDK app would have deployed. {@code aws} are the caller's
     * clients: they hold the control plane's own state (the hub), and reach each environment directly
     * when they act in its account, else by assuming its role.
     */
    public static ControlPlane create(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, boolean bootstrapEmulator) {
        return create(specs, spec, aws, bootstrapEmulator, true);
    }

    /** As {@link #create(SpecLoader, EnvironmentSpec, AwsClients, boolean)}; without {@code assumeRole}, another account is refused. */
    public static ControlPlane create(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, boolean bootstrapEmulator, boolean assumeRole) {
        return create(specs, spec, aws, bootstrapEmulator, assumeRole, Layers.all());
    }

    /** With these layers instead of {@code Layers.all()} (the demo's kubernetes layer runs the helm the scripts built). */
    public static ControlPlane create(SpecLoader specs, EnvironmentSpec spec, AwsClients aws, boolean bootstrapEmulator, boolean assumeRole,
                                      List<Layer> layers) {
        String account = aws.sts().getCallerIdentity().account();
        String region = spec.aws().region();
        boolean emulator = bootstrapEmulator;
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
     * On an emulator (the caller says so), the lock table and report bucket as the CDK app defines
     * them (key lockId, TTL expiresAt), so a command that writes (apply, unlock) can take the lock on
     * a fresh emulator.
     */
    public static void bootstrapState(EnvironmentSpec spec, AwsClients aws) {
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
