package com.qualisys.controlplane.cdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.cdk.statemachines.AslDefinition;
import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cloud_assembly_schema.MissingContext;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The stacks the tests look at, each synthesized once per test JVM (a synth takes seconds):
 * phase 1 (no provisioned environment) and phase 2 (the dev environment provisioned: its spoke
 * stack's lookups answered the way the CDK CLI would answer them from dev's account).
 */
final class TestStacks {
    static final String ACCOUNT = "111111111111";
    static final String PROVISIONED = "dev";
    static final Path REPO = RepoPaths.root();
    static final Path FIXTURE = REPO.resolve("infra-cdk/src/test/resources/statemachines/fixture.asl.json");
    static final Path CODE_STUB = REPO.resolve("infra-cdk/src/test/resources/lambda-code-stub");
    static final Path HELM_LAYER_STUB = REPO.resolve("infra-cdk/src/test/resources/helm-layer-stub");
    /** The definitions the lead writes; until one exists the fixture stands in under its name. */
    static final List<String> EXPECTED_DEFINITIONS = List.of("provision", "drift-check", "security-response", "budget-response");

    record Synth(App app, ControlPlaneStack stack, Template template, CloudAssembly assembly,
                 List<List<MissingContext>> lookupRounds, long millis) {
        Map<String, Map<String, Object>> resources(String type) {
            return template.findResources(type);
        }

        /** The spoke stack of an environment (QualisysEnvironmentAccess-<env>), synthesized in the same app. */
        EnvironmentAccessStack spoke(String environment) {
            return (EnvironmentAccessStack) app.getNode().findChild(EnvironmentAccessStack.STACK_NAME_PREFIX + environment);
        }

        Template spokeTemplate(String environment) {
            return SPOKE_TEMPLATES.computeIfAbsent(spoke(environment), Template::fromStack);
        }

        /** The spoke's template file in the cloud assembly (what the cdk CLI deploys). */
        Path spokeTemplateFile(String environment) {
            return Path.of(assembly.getStackByName(spoke(environment).getStackName()).getTemplateFullPath());
        }
    }

    private static final Map<EnvironmentAccessStack, Template> SPOKE_TEMPLATES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * dev.yaml of an environments/ copy in which the spec owns the database functions' group (the
     * set-up ProvisionedEnvironment prefers): the VPC layer creates it and RDS-SG admits it.
     */
    static final String DEV_WITH_FUNCTIONS_GROUP = """
            environment: dev
            aws:
              accountId: "123456789012"
              externalId: qualisys-control-plane-dev
            drift:
              schedule: rate(1 day)
            vpc:
              securityGroups:
                db-functions:
                  name: qualisys-db-functions-sg
                  description: Control plane database functions - to PostgreSQL and AWS APIs
                  ingress: []
                  egress:
                    - { protocol: tcp, ports: "5432", peer: "sg:rds" }
                    - { protocol: tcp, ports: "443", peer: 0.0.0.0/0 }
                rds:
                  ingress:
                    - { protocol: tcp, ports: "5432", peer: "sg:k8s-nodes" }
                    - { protocol: tcp, ports: "5432", peer: "sg:db-functions" }
            """;

    private static Synth phaseOne;
    private static Synth phaseTwo;
    private static Synth phaseTwoSpecOwned;

    private TestStacks() {}

    static synchronized Synth phaseOne() {
        if (phaseOne == null) phaseOne = synthesize(specs(), Optional.empty(), Map.of());
        return phaseOne;
    }

    static synchronized Synth phaseTwo() {
        if (phaseTwo == null) phaseTwo = synthesize(specsWithoutFunctionsGroup(), Optional.of(PROVISIONED), Map.of());
        return phaseTwo;
    }

    /** Phase 2 where the spec declares the functions' security group. */
    static synchronized Synth phaseTwoSpecOwned() {
        if (phaseTwoSpecOwned == null) {
            phaseTwoSpecOwned = synthesize(specsWithDev(DEV_WITH_FUNCTIONS_GROUP), Optional.of(PROVISIONED), Map.of());
        }
        return phaseTwoSpecOwned;
    }

    /**
     * The repository's specs without the db-functions security group (which environments/defaults.yaml
     * declares): the phase-2 path where the stack creates the group and RDS-SG's rule itself.
     */
    static SpecLoader specsWithoutFunctionsGroup() {
        SpecLoader copy = specsWithDev(readRepo("environments/dev.yaml"));
        Path defaults = copiedDir.resolve("defaults.yaml");
        try {
            String yaml = Files.readString(defaults)
                    .replaceAll("(?m)^ *- \\{ protocol: tcp, ports: \"5432\", peer: \"sg:db-functions\" }\n", "")
                    .replaceAll("(?m)^    # Not in the seed: the control plane's VPC-attached[^\\n]*\\n[^\\n]*\\n    db-functions:\\n(?:      [^\\n]*\\n)*", "");
            if (yaml.contains("db-functions")) throw new IllegalStateException("could not remove db-functions from " + defaults);
            Files.writeString(defaults, yaml);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path copiedDir;

    /** The folder the last {@link #specsWithDev} copied environments/ to (a test may edit it before loading). */
    static Path copiedDir() {
        return copiedDir;
    }

    private static String readRepo(String relative) {
        try {
            return Files.readString(REPO.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of environments/ with dev.yaml replaced. */
    static SpecLoader specsWithDev(String devYaml) {
        try {
            Path dir = Files.createTempDirectory("environments-");
            Path source = REPO.resolve("environments");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path target = dir.resolve(source.relativize(f).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(f, target);
                }
            }
            Files.writeString(dir.resolve("dev.yaml"), devYaml);
            copiedDir = dir;
            return SpecLoader.fromDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SpecLoader specs() {
        return SpecLoader.fromDirectory(REPO.resolve("environments"));
    }

    static List<EnvironmentSpec> environments() {
        return environments(specs());
    }

    static List<EnvironmentSpec> environments(SpecLoader loader) {
        return loader.environmentNames().stream().map(loader::load).toList();
    }

    /** The repository's statemachines/*.asl.json, with the fixture standing in for any expected one missing. */
    static List<AslDefinition> definitionsUnderTest() {
        List<AslDefinition> defs = new ArrayList<>(ControlPlaneApp.definitions(REPO.resolve("statemachines")));
        for (String name : EXPECTED_DEFINITIONS) {
            if (defs.stream().noneMatch(d -> d.name().equals(name))) {
                defs.add(AslDefinition.parse(name, "infra-cdk/src/test/resources/statemachines/fixture.asl.json (as "
                        + name + ")", read(FIXTURE)));
            }
        }
        return defs;
    }

    static ControlPlaneSettings settings(Optional<String> provisioned, Optional<String> account) {
        return settings(specs(), provisioned, account);
    }

    static ControlPlaneSettings settings(SpecLoader specs, Optional<String> provisioned, Optional<String> account) {
        return new ControlPlaneSettings(environments(specs), CODE_STUB, HELM_LAYER_STUB, definitionsUnderTest(),
                provisioned.map(specs::load), account, "alerts@qualisys.example");
    }

    /** The context of infra-cdk/cdk.json: the feature flags the real app runs with. */
    static Map<String, Object> cdkJsonContext() {
        try {
            Map<String, Object> cdkJson = new ObjectMapper().readValue(REPO.resolve("infra-cdk/cdk.json").toFile(),
                    new TypeReference<Map<String, Object>>() {});
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) cdkJson.get("context");
            return new LinkedHashMap<>(context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static App newApp(Map<String, Object> context) {
        try {
            return new App(AppProps.builder().context(context)
                    .outdir(Files.createTempDirectory("cdk-test-").toString()).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Synthesizes like the CDK CLI: while the assembly reports missing context (lookups), answer it
     * with what the account holds (FakeAccount) and synthesize again.
     */
    static Synth synthesize(SpecLoader specs, Optional<String> provisioned, Map<String, Object> extraContext) {
        long start = System.nanoTime();
        Map<String, Object> context = cdkJsonContext();
        context.putAll(extraContext);
        List<List<MissingContext>> rounds = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            App app = newApp(context);
            ControlPlaneStack stack = ControlPlaneApp.build(app,
                    settings(specs, provisioned, provisioned.map(p -> ACCOUNT)));
            CloudAssembly assembly = app.synth();
            List<MissingContext> missing = Optional.ofNullable(assembly.getManifest().getMissing()).orElse(List.of());
            if (missing.isEmpty()) {
                String name = provisioned.isEmpty() ? "phase-one"
                        : ProvisionedEnvironment.declaredInSpec(specs.load(provisioned.get())).isPresent()
                        ? "phase-two-spec-owned-group" : "phase-two";
                keepForInspection(assembly, stack, name);
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("TestStacks: %s synthesized in %d ms (%d lookup round(s) before it)%n", name, millis, rounds.size());
                return new Synth(app, stack, Template.fromStack(stack), assembly, rounds, millis);
            }
            rounds.add(missing);
            for (MissingContext m : missing) context.put(m.getKey(), FakeAccount.answer(m));
        }
        throw new IllegalStateException("lookups did not settle after 5 rounds: " + rounds);
    }

    /** target/synth/phase-*.template.json: what the tests looked at, for a reader to open. */
    private static void keepForInspection(CloudAssembly assembly, ControlPlaneStack stack, String name) {
        try {
            Path dir = REPO.resolve("infra-cdk/target/synth");
            Files.createDirectories(dir);
            Files.copy(Path.of(assembly.getStackByName(stack.getStackName()).getTemplateFullPath()),
                    dir.resolve(name + ".template.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            for (var artifact : assembly.getStacks()) {
                if (!artifact.getStackName().startsWith(EnvironmentAccessStack.STACK_NAME_PREFIX)) continue;
                Files.copy(Path.of(artifact.getTemplateFullPath()), dir.resolve(name + "." + artifact.getStackName() + ".template.json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
