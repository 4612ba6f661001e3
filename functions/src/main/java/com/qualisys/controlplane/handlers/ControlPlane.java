package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.events.budget.OverrideStore;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every handler needs: the specs, AWS clients per environment (kept across warm
 * invocations), the layers and the deployment settings. In Lambda it comes from the
 * environment variables the CDK app sets; the local runner builds one bound to its own clients.
 */
public final class ControlPlane {
    private static volatile ControlPlane fromEnvironment;

    private final SpecLoader specs;
    private final Function<EnvironmentSpec, AwsClients> clientFactory;
    private final Supplier<List<Layer>> layerFactory;
    private final List<String> layerNames;
    private volatile List<Layer> layers;
    private final Settings settings;
    private final Map<String, AwsClients> clients = new ConcurrentHashMap<>();

    public ControlPlane(SpecLoader specs, Function<EnvironmentSpec, AwsClients> clientFactory, List<Layer> layers, Settings settings) {
        this(specs, clientFactory, made(List.copyOf(layers)), layers.stream().map(Layer::name).toList(), settings);
    }

    /**
     * Layers made on first use: a function that only needs their names (Lock) never loads the layers'
     * classes, nor the SDK modules and Kubernetes client behind them, which its package does not ship.
     */
    private ControlPlane(SpecLoader specs, Function<EnvironmentSpec, AwsClients> clientFactory,
                         Supplier<List<Layer>> layerFactory, List<String> layerNames, Settings settings) {
        this.specs = specs;
        this.clientFactory = clientFactory;
        this.layerFactory = layerFactory;
        this.layerNames = List.copyOf(layerNames);
        this.settings = settings;
    }

    /** The Lambda configuration: specs packaged in the jar, region from the spec, endpoint from AWS_ENDPOINT_URL. */
    public static ControlPlane fromEnvironment() {
        if (fromEnvironment == null) {
            synchronized (ControlPlane.class) {
                if (fromEnvironment == null) {
                    fromEnvironment = new ControlPlane(SpecLoader.standard(),
                            spec -> AwsClients.builder().region(spec.aws().region()).endpoint(spec.aws().endpointUrl()).build(),
                            Layers::all, Layers.ORDER, Settings.fromEnvironmentVariables(System.getenv()));
                }
            }
        }
        return fromEnvironment;
    }

    public EnvironmentSpec spec(String environment) {
        return specs.load(environment);
    }

    public AwsClients aws(EnvironmentSpec spec) {
        return clients.computeIfAbsent(spec.environment(), e -> clientFactory.apply(spec));
    }

    /** A reconciler for one run, respecting the budget overrides recorded in the report bucket. */
    public Reconciler reconciler(EnvironmentSpec spec) {
        AwsClients aws = aws(spec);
        return new Reconciler(spec, aws, layers()).withOverrides(OverrideStore.source(aws.s3(), settings.reportBucket(spec)));
    }

    public List<String> layerNames() {
        return layerNames;
    }

    private static Supplier<List<Layer>> made(List<Layer> layers) {
        return () -> layers;
    }

    private List<Layer> layers() {
        List<Layer> made = layers;
        if (made == null) {
            synchronized (this) {
                if (layers == null) layers = layerFactory.get();
                made = layers;
            }
        }
        return made;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Where the control plane's own resources are. Null topic ARNs mean "not configured":
     * notifications are then only logged (local runs without topics).
     */
    public record Settings(String alertTopicArn, String driftTopicArn, String reportBucket, String lockTable, String eventBusName) {
        public static Settings fromEnvironmentVariables(Map<String, String> env) {
            return new Settings(env.get("QUALISYS_ALERT_TOPIC_ARN"), env.get("QUALISYS_DRIFT_TOPIC_ARN"),
                    env.get("QUALISYS_REPORT_BUCKET"), env.get("QUALISYS_LOCK_TABLE"),
                    Optional.ofNullable(env.get("QUALISYS_EVENT_BUS")).orElse("default"));
        }

        public String reportBucket(EnvironmentSpec spec) {
            return reportBucket != null ? reportBucket : spec.state().reportBucket();
        }

        public String lockTable(EnvironmentSpec spec) {
            return lockTable != null ? lockTable : spec.state().lockTable();
        }
    }
}
