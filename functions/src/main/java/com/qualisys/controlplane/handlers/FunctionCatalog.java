package com.qualisys.controlplane.handlers;

/**
 * Every Lambda function of the control plane: one place that the state machines' ARN
 * placeholders ({@code ${PlanLayerFunctionArn}}), the CDK app and the local runner agree on.
 *
 * @param handler    the handler class (implements RequestHandler), in this module
 * @param vpcAttached runs in the VPC's private subnets (it talks to the database)
 */
public enum FunctionCatalog {
    LOCK("Lock", "com.qualisys.controlplane.handlers.LockHandler", false,
            "Takes, renews and releases the per-environment apply lease; resolves which layers a run covers"),
    PLAN_LAYER("PlanLayer", "com.qualisys.controlplane.handlers.PlanLayerHandler", false,
            "Plans one layer (read-only); the drift check of a layer is the same call"),
    APPLY_LAYER("ApplyLayer", "com.qualisys.controlplane.handlers.ApplyLayerHandler", false,
            "Applies one layer's plan; destructive changes only when approved"),
    LAYER_READINESS("LayerReadiness", "com.qualisys.controlplane.handlers.LayerReadinessHandler", false,
            "Says whether a layer's long-running resources are ready (the Wait loop's check)"),
    REPORT("Report", "com.qualisys.controlplane.handlers.ReportHandler", false,
            "Aggregates layer results into one report, stores it (S3 JSON + Markdown), publishes drift"),
    NOTIFY("Notify", "com.qualisys.controlplane.handlers.NotifyHandler", false,
            "Publishes failures and approval requests to the alert topic"),
    DB_INIT("DbInit", "com.qualisys.controlplane.handlers.DbInitHandler", true,
            "Runs sql/db-init.sql against the RDS instance"),
    SECRET_ROTATION("SecretRotation", "com.qualisys.controlplane.handlers.SecretRotationHandler", true,
            "Secrets Manager rotation of the database secrets"),
    SECURITY_EVENT("SecurityEvent", "com.qualisys.controlplane.handlers.SecurityEventHandler", false,
            "Classifies a CloudTrail event, checks and remediates the touched resource"),
    BUDGET_ALERT("BudgetAlert", "com.qualisys.controlplane.handlers.BudgetAlertHandler", false,
            "Parses budget and anomaly alerts and runs the configured action ladder");

    /** The alias every caller invokes (the published version SnapStart restores). */
    public static final String LIVE_ALIAS = "live";

    private final String functionName;
    private final String handler;
    private final boolean vpcAttached;
    private final String description;

    FunctionCatalog(String functionName, String handler, boolean vpcAttached, String description) {
        this.functionName = functionName;
        this.handler = handler;
        this.vpcAttached = vpcAttached;
        this.description = description;
    }

    /** Short name; the deployed function is "qualisys-" + this, kebab-cased. */
    public String functionName() { return functionName; }

    public String handler() { return handler; }

    public boolean vpcAttached() { return vpcAttached; }

    public String description() { return description; }

    /** The ASL placeholder that stands for this function's ARN, without ${}. */
    public String arnPlaceholder() { return functionName + "FunctionArn"; }

    /**
     * The function's execution role: qualisys-control-plane-plan-layer, ... (under the
     * /control-plane/ path; the security response's loop guard recognises these exact roles).
     */
    public String roleName() {
        return "qualisys-control-plane-" + deployedName().substring("qualisys-".length());
    }

    /**
     * The ARN of the function's {@value #LIVE_ALIAS} alias in the account that deploys it: the hub (e.g. what a
     * spoke's topic subscribes), or an environment's account for the {@link #inEnvironmentAccount()} ones.
     */
    public String liveAliasArn(String region, String account) {
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + deployedName() + ":" + LIVE_ALIAS;
    }

    /**
     * Deployed in each environment's own account (the spoke stack's phase 2), beside the database it
     * serves, and running with its own credentials there; every other function runs in the hub.
     */
    public boolean inEnvironmentAccount() { return vpcAttached; }

    public String deployedName() {
        return "qualisys-" + functionName.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
