package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.cdk.statemachines.AslDefinition;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the stack is built from; the app fills it from the repository and the CDK context,
 * tests fill it directly.
 *
 * @param environments         the environments the control plane manages: a drift schedule and the
 *                             security event rules of each
 * @param functionsCode        the Lambda packages, one per function: functions/target/packages/<Function>.zip (tests: <Function>/ folders)
 * @param helmLayer            the Lambda layer with /opt/helm/helm for the functions that run the Kubernetes
 *                             layer: the CDK kubectl layer's zip, or (tests) any folder
 * @param definitions          the state machine definitions, deployed unchanged
 * @param provisioned          phase 2: the environment whose VPC, RDS-SG and database secrets already exist
 *                             in its account; its spoke stack gets the database functions (see docs/deploy.md)
 * @param account              the hub's account (CDK_DEFAULT_ACCOUNT), where the specs name no aws.hubAccountId
 * @param alertEmail           the default of the AlertEmail parameter
 */
public record ControlPlaneSettings(
        List<EnvironmentSpec> environments,
        Path functionsCode,
        Path helmLayer,
        List<AslDefinition> definitions,
        Optional<EnvironmentSpec> provisioned,
        Optional<String> account,
        String alertEmail) {

    public static final String DRIFT_CHECK = "drift-check";
    public static final String SECURITY_RESPONSE = "security-response";
    public static final String BUDGET_RESPONSE = "budget-response";

    public ControlPlaneSettings {
        Objects.requireNonNull(functionsCode, "functionsCode");
        Objects.requireNonNull(helmLayer, "helmLayer");
        environments = List.copyOf(environments);
        definitions = List.copyOf(definitions);
        if (environments.isEmpty()) throw new IllegalArgumentException("the control plane manages no environment");
        for (String required : List.of(DRIFT_CHECK, SECURITY_RESPONSE)) {
            if (definitions.stream().noneMatch(d -> d.name().equals(required))) {
                throw new IllegalArgumentException("statemachines/" + required + AslDefinition.SUFFIX
                        + " is missing: " + (required.equals(DRIFT_CHECK) ? "the drift schedules start it"
                        : "the security event rules start it"));
            }
        }
        // The control plane's own state is one per account: every managed environment must agree on it.
        EnvironmentSpec first = environments.get(0);
        for (EnvironmentSpec e : environments) {
            if (!e.state().equals(first.state())) {
                throw new IllegalArgumentException("environments/" + e.environment() + ".yaml: state " + e.state()
                        + " differs from environments/" + first.environment() + ".yaml: state " + first.state()
                        + "; one control plane has one lock table and one report bucket");
            }
        }
    }

    /** The spec that names the control plane's own resources (lock table, report bucket, region). */
    public EnvironmentSpec controlPlaneSpec() {
        return provisioned.orElse(environments.get(0));
    }

    public String region() {
        return controlPlaneSpec().aws().region();
    }

    public Optional<AslDefinition> definition(String name) {
        return definitions.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
