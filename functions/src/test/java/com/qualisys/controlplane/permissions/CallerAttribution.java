package com.qualisys.controlplane.permissions;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which deployed function an SDK call made in a test ran as, read from the call stack: the
 * outermost frame of the control plane's main code that is a Lambda entry point (a handler of
 * {@link FunctionCatalog}) or a domain entry point that exactly one function runs in production
 * (the table below). Calls with no main-code frame on the stack are a test's own set-up and
 * are not attributed; calls from main code that no entry matches are reported as unattributed.
 */
final class CallerAttribution {
    /** Domain entry points, by class-name prefix and method (null: any method). */
    private record Entry(String classPrefix, String method, FunctionCatalog function) {}

    private static final List<Entry> DOMAIN_ENTRIES = List.of(
            new Entry("com.qualisys.controlplane.engine.Reconciler", "apply", FunctionCatalog.APPLY_LAYER),
            new Entry("com.qualisys.controlplane.engine.Reconciler", "readiness", FunctionCatalog.LAYER_READINESS),
            new Entry("com.qualisys.controlplane.engine.Reconciler", null, FunctionCatalog.PLAN_LAYER),
            new Entry("com.qualisys.controlplane.events.security.", null, FunctionCatalog.SECURITY_EVENT),
            new Entry("com.qualisys.controlplane.events.budget.", null, FunctionCatalog.BUDGET_ALERT),
            new Entry("com.qualisys.controlplane.events.anomaly.", null, FunctionCatalog.BUDGET_ALERT),
            new Entry("com.qualisys.controlplane.events.NotificationPublisher", null, FunctionCatalog.NOTIFY),
            new Entry("com.qualisys.controlplane.state.ApplyLock", null, FunctionCatalog.LOCK),
            new Entry("com.qualisys.controlplane.state.ReportStore", null, FunctionCatalog.REPORT),
            new Entry("com.qualisys.controlplane.database.rotation.", null, FunctionCatalog.SECRET_ROTATION),
            new Entry("com.qualisys.controlplane.database.", null, FunctionCatalog.DB_INIT),
            // A layer driven directly by a test: its apply runs in ApplyLayer, everything else in PlanLayer.
            new Entry("com.qualisys.controlplane.layers.", "apply", FunctionCatalog.APPLY_LAYER),
            new Entry("com.qualisys.controlplane.layers.", null, FunctionCatalog.PLAN_LAYER));

    /**
     * The code that acts in the hub account with the function's own role (ControlPlane.hub()): the
     * control plane's state, its claims and overrides, its notifications. Everything else a function
     * does works in an environment's account through the clients ControlPlane.aws(spec) hands out,
     * i.e. as the spoke's execution role.
     */
    private static final List<String> HUB_CODE = List.of(
            "com.qualisys.controlplane.state.",
            "com.qualisys.controlplane.events.EventLedger",
            "com.qualisys.controlplane.events.NotificationPublisher",
            "com.qualisys.controlplane.events.budget.OverrideStore",
            "com.qualisys.controlplane.accounts.EnvironmentAccess",
            // Who approved a run: the hub's CloudTrail, where the state machine and its SendTaskSuccess calls are.
            "com.qualisys.controlplane.approval.");
    /** Actions only the hub's resources answer (its lock table, state machines, event bus, topics). */
    private static final List<String> HUB_ACTIONS = List.of("dynamodb:", "states:", "events:PutEvents", "sns:Publish", "sts:AssumeRole");

    /** Where a call acts: "hub" (the function's own role) or "environment" (the spoke's execution role). */
    static String plane(Caller caller, String action) {
        String frame = caller.firstMainFrame();
        // The CLI's own calls are the hub's (state machines, lock, reports); it reaches environments through the
        // control plane's code (Reconciler, observers), whose frames come first.
        if (caller.operator() && frame.startsWith(CLI)) return "hub";
        if (HUB_CODE.stream().anyMatch(frame::startsWith) || HUB_ACTIONS.stream().anyMatch(action::startsWith)) return "hub";
        return "environment";
    }

    private static final Map<Class<?>, Boolean> MAIN_CODE = new ConcurrentHashMap<>();

    /**
     * What the stack says, or empty for a test's own set-up calls.
     *
     * @param operator a call the qualisys CLI makes itself with its user's credentials (its commands, not the
     *                 functions' handlers it runs in-process for a local run): evaluated as the operator role
     */
    record Caller(Optional<FunctionCatalog> function, String testClass, String firstMainFrame, boolean operator) {}

    /** The role the CLI documents for its users (the CDK app's qualisys-operator). */
    static final String OPERATOR_ROLE = "qualisys-operator";
    private static final String CLI = "com.qualisys.cli.";
    /** A local run hands each Task to the function's handler in-process: those calls are the function's. */
    private static final String LOCAL_DISPATCH = "com.qualisys.cli.local.LocalDispatcher";
    /**
     * Calls never made against AWS, so they need no grant: the CLI's set-up of the emulator (the CDK app's topics, bucket
     * and table), and SnapStart priming's, which its own HTTP client answers in the JVM.
     */
    private static final List<String> NEVER_SENT_TO_AWS = List.of("com.qualisys.cli.local.LocalControlPlane.bootstrap",
            "com.qualisys.controlplane.aws.AwsClients.primeOperations");
    /**
     * The CLI's own calls that only ever go to the local emulator: the demo (its accounts, spoke roles and census)
     * and LocalControlPlane, which creates the CDK app's topics there when asked to bootstrap.
     */
    private static final List<String> EMULATOR_ONLY = List.of("com.qualisys.cli.DemoCommand", "com.qualisys.cli.KubernetesDemo",
            "com.qualisys.cli.local.DemoSummary", "com.qualisys.cli.local.AccountCensus", "com.qualisys.cli.local.LocalControlPlane");

    static Optional<Caller> ofCurrentStack() {
        List<StackWalker.StackFrame> frames = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(s -> s.filter(f -> f.getClassName().startsWith("com.qualisys.")).toList());
        FunctionCatalog function = null;
        String firstMain = null;
        String testClass = "";
        boolean anyMain = false;
        boolean cli = false;
        boolean dispatched = false;
        boolean emulatorOnly = false;
        for (StackWalker.StackFrame f : frames) { // innermost first: the last match is the outermost
            Class<?> type = f.getDeclaringClass();
            if (!isMainCode(type)) {
                if (type.getName().endsWith("Test") || type.getName().contains("Test$")) testClass = type.getName().replaceAll("\\$.*", "");
                continue;
            }
            if (NEVER_SENT_TO_AWS.stream().anyMatch((f.getClassName() + "." + f.getMethodName())::startsWith)) return Optional.empty();
            if (type.getName().startsWith("com.qualisys.controlplane.emulator.")
                    || type.getName().startsWith("com.qualisys.controlplane.aws.")) continue;
            anyMain = true;
            if (firstMain == null) firstMain = f.getClassName() + "." + f.getMethodName();
            cli |= f.getClassName().startsWith(CLI);
            dispatched |= f.getClassName().equals(LOCAL_DISPATCH);
            if (!dispatched) emulatorOnly |= EMULATOR_ONLY.stream().anyMatch(f.getClassName()::startsWith);
            FunctionCatalog matched = match(f);
            if (matched != null) function = matched;
        }
        if (!anyMain) return Optional.empty();
        // The local runner's own service integrations (sns:publish, events:putEvents Tasks) are the state
        // machine role's in AWS, which the inventory does not evaluate.
        if (firstMain.startsWith(LOCAL_DISPATCH + ".")) return Optional.empty();
        boolean operator = cli && !dispatched;
        if (operator && emulatorOnly) return Optional.empty();
        return Optional.of(new Caller(operator ? Optional.empty() : Optional.ofNullable(function), testClass, firstMain, operator));
    }

    /**
     * Methods that run their caller's work (ApplyLock.withLease hands it the fence): the work belongs to
     * whoever called them, the lock calls they make themselves are matched by their own frames (acquire, release).
     */
    private static final List<String> RUN_CALLERS_WORK = List.of("com.qualisys.controlplane.state.ApplyLock.withLease",
            "com.qualisys.controlplane.state.ApplyLock.lambda$withLease");

    private static FunctionCatalog match(StackWalker.StackFrame f) {
        String method = f.getClassName() + "." + f.getMethodName();
        if (RUN_CALLERS_WORK.stream().anyMatch(method::startsWith)) return null;
        for (FunctionCatalog c : FunctionCatalog.values()) {
            if (c.handler().equals(f.getClassName())) return c;
        }
        if (f.getClassName().startsWith("com.qualisys.controlplane.handlers.")) return null;
        for (Entry e : DOMAIN_ENTRIES) {
            if (f.getClassName().startsWith(e.classPrefix()) && (e.method() == null || e.method().equals(f.getMethodName()))) {
                return e.function();
            }
        }
        return null;
    }

    /** Classes compiled from src/main (target/classes or a module jar), not from src/test. */
    private static boolean isMainCode(Class<?> type) {
        return MAIN_CODE.computeIfAbsent(type, t -> {
            var source = t.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            // Test code is a module's test-classes, or (in the cli's tests) the functions test-jar, which holds
            // this recorder: counting it as main code made its own frame the "first main frame" of every call.
            return location != null && !location.getPath().contains("test-classes") && !location.getPath().endsWith("-tests.jar");
        });
    }

    private CallerAttribution() {}
}
