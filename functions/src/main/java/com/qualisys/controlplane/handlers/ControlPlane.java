package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.accounts.AccountGuard;
import com.qualisys.controlplane.accounts.EnvironmentAccess;
import com.qualisys.controlplane.accounts.HubGuard;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.WriteFence;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.events.budget.OverrideStore;
import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * What every handler needs: the specs, AWS clients per environment (kept across warm
 * invocations), the hub's own clients, the layers and the deployment settings. In Lambda it comes
 * from the environment variables the CDK app sets; the local runner builds one bound to its own clients.
 *
 * <p>Two kinds of clients: {@link #aws(EnvironmentSpec)} acts in the environment's own account (in
 * Lambda: the environment's execution role, assumed from the hub) and is handed out only after
 * {@link AccountGuard} has checked its account against {@code aws.accountId};
 * {@link #hub()} acts in the hub account, for the control plane's own state (lock table, report
 * bucket, override records, topics, event bus).
 */
public final class ControlPlane {
    private static volatile ControlPlane fromEnvironment;
    private static volatile ControlPlane inEnvironmentAccount;

    /** Environment clients kept per (environment, session) in a warm function; the oldest go first. */
    private static final int CACHED_SESSIONS = 16;
    private static final ThreadLocal<String> SESSION = new ThreadLocal<>();

    private final SpecLoader specs;
    private final Supplier<AwsClients> hubFactory;
    /** Checks the hub's clients before they are first handed out (the Lambda configuration: {@link HubGuard}). */
    private final UnaryOperator<AwsClients> hubGuard;
    private final BiFunction<EnvironmentSpec, String, AwsClients> environmentFactory;
    private final Supplier<List<Layer>> layerFactory;
    private final List<String> layerNames;
    private volatile List<Layer> layers;
    private final Settings settings;
    private final Map<String, AwsClients> clients = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, AwsClients> eldest) {
            return size() > CACHED_SESSIONS;
        }
    });
    /** The hub's clients as made, before the guard: what SnapStart priming warms. */
    private AwsClients hubClients;
    private volatile AwsClients hub;
    /** The function's own clients when it runs in an environment's account (no hub); null in the hub. */
    private volatile AwsClients own;

    /**
     * One set of clients for the hub and the environments (a single-account setup, tests): the
     * factory is asked once with a null spec for the hub. The account guard still applies.
     */
    public ControlPlane(SpecLoader specs, Function<EnvironmentSpec, AwsClients> clientFactory, List<Layer> layers, Settings settings) {
        this(specs, () -> clientFactory.apply(null), (spec, session) -> clientFactory.apply(spec), layers, settings);
    }

    /**
     * Hub clients, and environment clients per (spec, session name) — typically
     * {@link EnvironmentAccess#assumeRole} from the hub. Whatever the factory returns is checked by
     * {@link AccountGuard} before use.
     */
    public ControlPlane(SpecLoader specs, Supplier<AwsClients> hub, BiFunction<EnvironmentSpec, String, AwsClients> environments,
                        List<Layer> layers, Settings settings) {
        this(specs, hub, UnaryOperator.identity(), environments, made(List.copyOf(layers)), layers.stream().map(Layer::name).toList(),
                settings);
    }

    /**
     * Layers made on first use: a function that only needs their names (Lock) never loads the layers'
     * classes, nor the SDK modules and Kubernetes client behind them, which its package does not ship.
     */
    private ControlPlane(SpecLoader specs, Supplier<AwsClients> hub, UnaryOperator<AwsClients> hubGuard,
                         BiFunction<EnvironmentSpec, String, AwsClients> environments, Supplier<List<Layer>> layerFactory,
                         List<String> layerNames, Settings settings) {
        this.specs = specs;
        this.hubFactory = hub;
        this.hubGuard = hubGuard;
        this.environmentFactory = environments;
        this.layerFactory = layerFactory;
        this.layerNames = List.copyOf(layerNames);
        this.settings = settings;
    }

    /**
     * The Lambda configuration: specs packaged in the jar, the function's own credentials for the hub (checked, on
     * first use, to act in the specs' hub account: {@link HubGuard}), and each environment reached by assuming its
     * execution role; endpoint from AWS_ENDPOINT_URL. {@code layers}: those the function's handler runs, made on first
     * use (a Lambda JVM runs one handler, so the first call's are the ones kept).
     */
    public static ControlPlane fromEnvironment(Supplier<List<Layer>> layers) {
        if (fromEnvironment == null) {
            synchronized (ControlPlane.class) {
                if (fromEnvironment == null) {
                    Map<String, String> env = System.getenv();
                    String region = Optional.ofNullable(env.get("AWS_REGION")).orElse("us-east-1");
                    SpecLoader specs = SpecLoader.standard();
                    Supplier<AwsClients> hub = () -> AwsClients.builder().region(region).knownAccount(InvokedFunction::account).build();
                    fromEnvironment = new ControlPlane(specs, hub, clients -> HubGuard.verify(specs, clients), null, layers,
                            LayerNames.ORDER, Settings.fromEnvironmentVariables(env));
                }
            }
        }
        return fromEnvironment;
    }

    /**
     * The Lambda configuration of the functions deployed in an environment's own account (the database
     * functions, {@link FunctionCatalog#inEnvironmentAccount()}): specs packaged in the jar, and the
     * function's own credentials for the environment, checked by {@link AccountGuard} against its
     * aws.accountId as every environment client is. They hold no hub state: {@link #hub()} refuses. {@code layers}: as
     * for {@link #fromEnvironment}.
     */
    public static ControlPlane inEnvironmentAccount(Supplier<List<Layer>> layers) {
        if (inEnvironmentAccount == null) {
            synchronized (ControlPlane.class) {
                if (inEnvironmentAccount == null) {
                    Map<String, String> env = System.getenv();
                    String region = Optional.ofNullable(env.get("AWS_REGION")).orElse("us-east-1");
                    AwsClients own = AwsClients.builder().region(region).knownAccount(InvokedFunction::account).build();
                    ControlPlane made = new ControlPlane(SpecLoader.standard(), () -> {
                        throw new IllegalStateException("this function runs in an environment's account and holds no"
                                + " control plane state: it has no hub clients");
                    }, UnaryOperator.identity(), (spec, session) -> own, layers, LayerNames.ORDER,
                            Settings.fromEnvironmentVariables(env));
                    made.own = own;
                    inEnvironmentAccount = made;
                }
            }
        }
        return inEnvironmentAccount;
    }

    /** The clients the function itself holds (what SnapStart priming warms): its own in an environment's account, else the hub's. */
    AwsClients ownClients() {
        AwsClients o = own;
        return o != null ? o : hubClients();
    }

    public EnvironmentSpec spec(String environment) {
        return specs.load(environment);
    }

    /**
     * Names the STS sessions this thread's calls open (an execution's name; in the local runner and
     * Lambda, set by {@link ControlPlaneHandler} from the input's executionId), or clears it with null.
     */
    public static void session(String name) {
        if (name == null) SESSION.remove();
        else SESSION.set(name);
    }

    /** Clients acting in the environment's own account, verified against its aws.accountId. */
    public AwsClients aws(EnvironmentSpec spec) {
        String session = Optional.ofNullable(SESSION.get()).orElse(Optional.ofNullable(System.getenv("AWS_LAMBDA_FUNCTION_NAME")).orElse("local"));
        String key = spec.environment() + "/" + session;
        AwsClients cached = clients.get(key);
        if (cached != null) return cached;
        AwsClients made = environmentFactory == null ? EnvironmentAccess.assumeRole(hub(), spec, session)
                : AccountGuard.verify(spec, environmentFactory.apply(spec, session));
        AwsClients raced = clients.putIfAbsent(key, made);
        return raced != null ? raced : made;
    }

    /** Clients acting in the hub account: the control plane's own state, topics and event bus. */
    public AwsClients hub() {
        AwsClients h = hub;
        if (h == null) {
            synchronized (this) {
                if (hub == null) hub = hubGuard.apply(hubClients());
                h = hub;
            }
        }
        return h;
    }

    /** The hub's clients before its guard: priming warms them without asking AWS which account they act in. */
    private synchronized AwsClients hubClients() {
        if (hubClients == null) hubClients = hubFactory.get();
        return hubClients;
    }

    /**
     * A reconciler for one run, respecting the budget overrides recorded in the hub's report bucket. It is
     * read-only: a writer gives it the fence of the environment's lease ({@link Reconciler#fencedBy}).
     */
    public Reconciler reconciler(EnvironmentSpec spec) {
        return new Reconciler(spec, aws(spec), layers()).withOverrides(OverrideStore.source(hub().s3(), settings.reportBucket(spec)))
                .fencedBy(WriteFence.READ_ONLY);
    }

    /** The environment's apply lock, in the hub's lock table (the control plane's own state). */
    public ApplyLock lock(EnvironmentSpec spec) {
        return new ApplyLock(hub().dynamoDb(), settings.lockTable(spec), java.time.Clock.systemUTC());
    }

    /** How long a lease lasts before it must be renewed ({@code state.leaseSeconds} of the spec). */
    public static java.time.Duration leaseDuration(EnvironmentSpec spec) {
        return java.time.Duration.ofSeconds(spec.state().leaseSeconds());
    }

    /** Every environment the specs define (drift-check-all maps over them). */
    public List<String> environmentNames() {
        return specs.environmentNames();
    }

    public List<String> layerNames() {
        return layerNames;
    }

    /**
     * Priming: makes the layers and computes, for each spec, each layer's desired state and its diff
     * against an empty account (pure, no AWS call). Returns the layers' names.
     */
    List<String> primeLayers(List<EnvironmentSpec> specs) {
        for (EnvironmentSpec spec : specs) {
            for (Layer layer : layers()) {
                com.qualisys.controlplane.engine.Differ.diff(spec.environment(), layer.name(), layer.desired(spec), List.of());
            }
        }
        return layers().stream().map(Layer::name).toList();
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
            return reportBucket != null ? reportBucket : spec.reportBucket();
        }

        public String lockTable(EnvironmentSpec spec) {
            return lockTable != null ? lockTable : spec.state().lockTable();
        }
    }
}
