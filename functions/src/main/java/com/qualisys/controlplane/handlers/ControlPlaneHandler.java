package com.qualisys.controlplane.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.observability.ControlPlaneMetric;
import com.qualisys.controlplane.observability.EmbeddedMetrics;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The shape of every state-machine handler: parse the input strictly, call domain code, return
 * a plain JSON document. Throttling by AWS becomes {@link ThrottledException}, which the state
 * machines retry; bad input becomes {@link BadInputException}, which they do not.
 */
public abstract class ControlPlaneHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    /** The log field (Powertools' correlation id) and EMF property that carry the execution's name. */
    static final String CORRELATION_ID = "correlation_id";
    private volatile ControlPlane controlPlane;
    /** The SnapStart priming hook of a Lambda-constructed handler (org.crac holds it weakly; we hold it). */
    private final Priming priming;

    /** For Lambda: the control plane is configured from the environment on first use. */
    protected ControlPlaneHandler() {
        this.priming = Priming.register(this);
    }

    /** For the local runner and tests. */
    protected ControlPlaneHandler(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
        this.priming = null;
    }

    /**
     * What the SnapStart hook ({@link Priming}) warms before the snapshot, without calling AWS: JSON, the
     * specs (where the package ships the YAML parser), the layers' desired state and diff (handlers that run
     * layers), the hub's clients of every service in the package and each of their operations' request path
     * (answered in the JVM: {@code AwsClients.primeOperations}). Returns what it did.
     */
    final Map<String, Object> prime() {
        ControlPlane cp = controlPlane();
        Map<String, Object> done = new java.util.LinkedHashMap<>();
        done.put("json", Priming.warmJson());
        if (Priming.available("com.fasterxml.jackson.datatype.jsr310.JavaTimeModule")) done.put("javaTime", Priming.warmJavaTime());
        done.put("tls", TlsPriming.exchange());
        if (Priming.available("org.yaml.snakeyaml.Yaml")) {
            java.util.List<EnvironmentSpec> specs = cp.environmentNames().stream().map(cp::spec).toList();
            done.put("specs", specs.stream().map(EnvironmentSpec::environment).toList());
            if (runsLayers()) done.put("layers", cp.primeLayers(specs));
        }
        done.put("clients", cp.ownClients().prime());
        done.put("operations", cp.ownClients().primeOperations());
        return done;
    }

    /** This handler's SnapStart hook: the registered one in Lambda, otherwise an unregistered one. */
    final Priming primingHook() {
        return priming != null ? priming : Priming.of(this);
    }

    /** What a handler that runs no layer has: a call for them is a mistake of the handler, refused loudly. */
    private static final Supplier<List<Layer>> NO_LAYERS = () -> {
        throw new IllegalStateException("this function runs no layer (its handler names none: ControlPlaneHandler.layers)");
    };

    /**
     * The layers this handler plans, applies or checks ({@code Layers::all}), made on first use; none by default. Only
     * the handlers that run layers name them, so the other functions' packages ship no layer class (and priming
     * computes the layers' desired state only for these).
     */
    protected Supplier<List<Layer>> layers() {
        return NO_LAYERS;
    }

    private boolean runsLayers() {
        return layers() != NO_LAYERS;
    }

    /**
     * In Lambda (a context): JSON logs whose correlation_id is the execution's name, the invocation's
     * embedded metrics written to stdout after it, and the function's account taken from its ARN (what the
     * account guards check, without an STS call). Without a context (the local runner, tests) none of these.
     */
    @Override
    public final Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        if (context == null) return invoke(input);
        InvokedFunction.observe(context);
        String execution = executionName(input);
        Map<String, String> properties = execution == null ? Map.of() : Map.of(CORRELATION_ID, execution);
        // The correlation id goes into the logging context directly: Powertools' correlation-id path would evaluate a
        // JMESPath expression, whose engine and JSON set-up (with Joda) cost a cold start some 430 classes.
        return PowertoolsLogging.withLogging(context, () -> {
            if (execution != null) MDC.put(CORRELATION_ID, execution);
            try {
                return EmbeddedMetrics.during(System.out, properties, () -> invoke(input));
            } finally {
                MDC.remove(CORRELATION_ID);
            }
        });
    }

    /** The execution's name, the last part of the executionId the state machines pass ($$.Execution.Id). */
    static String executionName(Map<String, Object> input) {
        Object execution = input == null ? null : input.get("executionId");
        return execution == null ? null : execution.toString().replaceAll(".*:", "");
    }

    private Map<String, Object> invoke(Map<String, Object> input) {
        // The execution's name names the STS session in the environment's account (CloudTrail shows it).
        ControlPlane.session(executionName(input));
        try {
            return handle(Input.of(input), controlPlane());
        } catch (SdkServiceException e) {
            if (e.isThrottlingException()) throw new ThrottledException("AWS throttled the call: " + e.getMessage(), e);
            throw e;
        } finally {
            ControlPlane.session(null);
        }
    }

    protected abstract Map<String, Object> handle(Input input, ControlPlane controlPlane);

    protected final ControlPlane controlPlane() {
        if (controlPlane == null) {
            controlPlane = runsInEnvironmentAccount() ? ControlPlane.inEnvironmentAccount(layers()) : ControlPlane.fromEnvironment(layers());
        }
        return controlPlane;
    }

    /**
     * Whether this handler is deployed in an environment's own account (the database functions): its own
     * credentials then act there, and it has no hub. Matches {@link FunctionCatalog#inEnvironmentAccount()}.
     */
    protected boolean runsInEnvironmentAccount() {
        return false;
    }

    /** The environment named by the input; an unknown or invalid one is bad input. */
    protected static EnvironmentSpec environment(Input input, ControlPlane controlPlane) {
        String name = input.string("environment");
        try {
            return controlPlane.spec(name);
        } catch (com.qualisys.controlplane.spec.SpecException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** Runs a targeted plan or apply: a logical id the layer does not know is bad input. */
    protected static <T> T targeted(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (com.qualisys.controlplane.engine.UnknownResourceException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * The environment named by the input, else {@code fallback} (a handler's QUALISYS_ENVIRONMENT, for
     * events whose source cannot name it); neither is bad input.
     */
    protected static EnvironmentSpec environment(Input input, ControlPlane controlPlane, String fallback) {
        if (input.fields().get("environment") == null && fallback == null) {
            throw new BadInputException("input field 'environment' is missing and QUALISYS_ENVIRONMENT is not set: "
                    + "cannot tell which environment the event is for");
        }
        String name = input.string("environment", fallback);
        try {
            return controlPlane.spec(name);
        } catch (com.qualisys.controlplane.spec.SpecException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** Runs work on a layer and records the AWS API calls it made in the environment's account. */
    protected static <T> T countingCalls(ControlPlane controlPlane, EnvironmentSpec spec, String layer, java.util.function.Supplier<T> work) {
        com.qualisys.controlplane.aws.ApiCallCounter calls = controlPlane.aws(spec).calls();
        int total = calls.total();
        int mutating = calls.mutating();
        try {
            return work.get();
        } finally {
            EmbeddedMetrics.current()
                    .add(ControlPlaneMetric.API_CALLS, spec.environment(), layer, calls.total() - total)
                    .add(ControlPlaneMetric.MUTATING_API_CALLS, spec.environment(), layer, calls.mutating() - mutating);
        }
    }

    protected static String layer(Input input, ControlPlane controlPlane) {
        return input.oneOf("layer", controlPlane.layerNames());
    }
}
