package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.cdk.security.SecurityEventRules;
import com.qualisys.controlplane.events.security.SecurityEventPatterns;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.EventBusProps;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.CfnRole;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The spoke: what one environment's own account holds for the control plane, and nothing else
 * ({@code cdk deploy QualisysEnvironmentAccess-<env>}, after the hub). The execution role
 * ({@code /control-plane/qualisys-control-plane-execution}) trusts only the hub functions' roles that
 * work in environments, and only with the environment's external id; its permissions are the layers'
 * policies and the functions' direct remediations and budget actions. EventBridge rules forward the
 * security-relevant CloudTrail events (the same patterns the hub's rules match) to the hub's bus.
 * Phase 2 ({@code -c provisionedEnvironment=<env>}, once the environment is provisioned) adds the
 * database functions beside its database ({@link ProvisionedEnvironment}).
 */
public final class EnvironmentAccessStack extends Stack {
    public static final String STACK_NAME_PREFIX = "QualisysEnvironmentAccess-";
    public static final String EXECUTION_ROLE_PATH = FunctionPolicies.ROLE_PATH;
    public static final String EXECUTION_ROLE_NAME = FunctionPolicies.ROLE_NAME_PREFIX + "execution";

    private final Role executionRole;
    private final Optional<ProvisionedEnvironment> provisioned;

    /**
     * Phase 2 of a spoke: the functions' packages, and per database function the hub state machines' role names
     * (under /control-plane/ in the hub account) that invoke it.
     */
    record DatabaseFunctions(Path code, Path helmLayer, Map<FunctionCatalog, List<String>> hubInvokerRoles) {}

    /** Phase 1: the execution role and the forwarding of security events. */
    public EnvironmentAccessStack(Construct scope, EnvironmentSpec spec, String hubAccount) {
        this(scope, spec, hubAccount, Optional.empty());
    }

    EnvironmentAccessStack(Construct scope, EnvironmentSpec spec, String hubAccount, Optional<DatabaseFunctions> phaseTwo) {
        super(scope, STACK_NAME_PREFIX + spec.environment(), StackProps.builder()
                .stackName(STACK_NAME_PREFIX + spec.environment())
                .description("QUALISYS control plane access to environment " + spec.environment() + ": the hub's execution role"
                        + " and the forwarding of security events to the hub" + (phaseTwo.isPresent()
                        ? "; the database functions (db-init, secret rotation) in the environment's VPC" : ""))
                .env(Environment.builder().account(spec.aws().accountId()).region(spec.aws().region()).build())
                .build());
        Tags.of(this).add("qualisys:component", "environment-access");
        Tags.of(this).add("qualisys:deployed-by", "cdk");

        List<String> hubRoles = hubRoleArns(hubAccount);
        executionRole = Role.Builder.create(this, "ExecutionRole")
                .roleName(EXECUTION_ROLE_NAME)
                .path(EXECUTION_ROLE_PATH)
                .description("The QUALISYS control plane (hub account " + hubAccount + ") in environment " + spec.environment())
                .assumedBy(new ArnPrincipal(hubRoles.get(0)))
                .maxSessionDuration(Duration.hours(1))
                .build();
        // One statement: every hub role that works in environments, only with the external id.
        ((CfnRole) executionRole.getNode().getDefaultChild()).addPropertyOverride("AssumeRolePolicyDocument", trustPolicy(hubRoles,
                spec.aws().externalId()));

        FunctionPolicies policies = new FunctionPolicies(this, spec);
        policies.layerPolicies().forEach(executionRole::addManagedPolicy);
        Policy own = Policy.Builder.create(this, "EnvironmentActions")
                .statements(policies.environmentStatements())
                .roles(List.of(executionRole))
                .build();
        Nag.suppress(own, "AwsSolutions-IAM5", "Cost Explorer's GetCostAndUsage has no resource-level permissions, and"
                + " security groups are matched by their " + com.qualisys.controlplane.engine.Tags.MANAGED_BY + " tag, not by id.");

        IEventBus hubBus = EventBus.fromEventBusArn(this, "HubBus", hubEventBusArn(hubAccount, spec.aws().region()));
        Role forwarder = Role.Builder.create(this, "ForwardToHubRole")
                .assumedBy(new ServicePrincipal("events.amazonaws.com"))
                .description("Lets EventBridge put this account's security events on the QUALISYS hub's bus")
                .build();
        for (SecurityEventPatterns.EventRule r : SecurityEventPatterns.rules(spec)) {
            Rule.Builder.create(this, "Forward-" + r.name())
                    .description("To the QUALISYS hub: " + r.description())
                    .eventPattern(SecurityEventRules.toEventPattern(r.name(), r.patternJson()))
                    .targets(List.of(new software.amazon.awscdk.services.events.targets.EventBus(hubBus,
                            EventBusProps.builder().role(forwarder).build())))
                    .build();
        }

        provisioned = phaseTwo.map(p -> {
            Map<FunctionCatalog, List<String>> invokers = new java.util.EnumMap<>(FunctionCatalog.class);
            p.hubInvokerRoles().forEach((f, names) -> invokers.put(f, names.stream()
                    .map(n -> "arn:" + Aws.PARTITION + ":iam::" + hubAccount + ":role" + FunctionPolicies.ROLE_PATH + n).toList()));
            return new ProvisionedEnvironment(this, "Provisioned", spec, p.code(), p.helmLayer(), invokers);
        });

        CfnOutput.Builder.create(this, "ExecutionRoleArn").value(executionRole.getRoleArn())
                .description("aws.executionRole of environments/" + spec.environment() + ".yaml (the default when unset)").build();
    }

    public Role executionRole() {
        return executionRole;
    }

    /** Phase 2's database functions, when this spoke's environment is the provisioned one. */
    Optional<ProvisionedEnvironment> provisioned() {
        return provisioned;
    }

    /**
     * The hub roles a spoke trusts: the roles of the functions that work in environments, and the operator role
     * the qualisys CLI's users act as (plan, drift and apply from a terminal).
     */
    static List<String> hubRoleArns(String hubAccount) {
        return java.util.stream.Stream.concat(ControlPlaneFunctions.REACH_ENVIRONMENTS.stream().sorted()
                .map(f -> "arn:" + Aws.PARTITION + ":iam::" + hubAccount + ":role" + FunctionPolicies.ROLE_PATH + ControlPlaneFunctions.roleName(f)),
                java.util.stream.Stream.of("arn:" + Aws.PARTITION + ":iam::" + hubAccount + ":role" + Operator.PATH + Operator.NAME))
                .toList();
    }

    static String hubEventBusArn(String hubAccount, String region) {
        return "arn:" + Aws.PARTITION + ":events:" + region + ":" + hubAccount + ":event-bus/" + ControlPlaneStack.EVENT_BUS;
    }

    static Map<String, Object> trustPolicy(List<String> hubRoles, String externalId) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Effect", "Allow");
        statement.put("Principal", Map.of("AWS", hubRoles));
        statement.put("Action", "sts:AssumeRole");
        statement.put("Condition", Map.of("StringEquals", Map.of("sts:ExternalId", externalId)));
        return Map.of("Version", "2012-10-17", "Statement", List.of(statement));
    }
}
