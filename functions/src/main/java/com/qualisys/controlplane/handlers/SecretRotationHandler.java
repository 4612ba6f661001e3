package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.database.TlsPolicy;
import com.qualisys.controlplane.database.rotation.RotationHealth;
import com.qualisys.controlplane.database.rotation.RotationHealthReport;
import com.qualisys.controlplane.database.rotation.RotationOutcome;
import com.qualisys.controlplane.database.rotation.RotationStep;
import com.qualisys.controlplane.database.rotation.SecretRotation;
import com.qualisys.controlplane.json.Json;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecException;
import java.time.Clock;
import java.util.Map;

/**
 * Secrets Manager rotation of the database secrets (VPC-attached; docs/database.md).
 *
 * <p>Rotation events, as Secrets Manager sends them:
 * {@code {"SecretId": "<arn>", "ClientRequestToken": "<uuid>", "Step": "createSecret|setSecret|testSecret|finishSecret"}};
 * the output is the step's {@link RotationOutcome}. A failing step throws, and Secrets Manager retries.
 *
 * <p>Health, from a schedule: {@code {"Step": "health"}} (add {@code "Repair": false} to only
 * report). Returns the {@link RotationHealthReport} when healthy; when not, logs it at ERROR and
 * throws {@link RotationUnhealthyException}, so the invocation fails and the function's Errors
 * alarm fires: a failing rotation is never silent.
 *
 * <p>The environment is the {@value #ENVIRONMENT_VARIABLE} variable (the rotation event has no
 * room for it); an {@code "environment"} field in the input wins (the local runner, tests).
 */
public final class SecretRotationHandler extends ControlPlaneHandler {
    public static final String ENVIRONMENT_VARIABLE = "QUALISYS_ENVIRONMENT";
    public static final String HEALTH_STEP = "health";

    private final String environment;
    private final TlsPolicy tls;
    private final Clock clock;

    public SecretRotationHandler() {
        this.environment = System.getenv(ENVIRONMENT_VARIABLE);
        this.tls = TlsPolicy.fromEnvironment(System.getenv());
        this.clock = Clock.systemUTC();
    }

    public SecretRotationHandler(ControlPlane controlPlane) {
        this(controlPlane, System.getenv(ENVIRONMENT_VARIABLE), TlsPolicy.fromEnvironment(System.getenv()), Clock.systemUTC());
    }

    public SecretRotationHandler(ControlPlane controlPlane, String environment, TlsPolicy tls, Clock clock) {
        super(controlPlane);
        this.environment = environment;
        this.tls = tls;
        this.clock = clock;
    }

    /** Deployed in the environment's account, beside its database (the spoke stack's phase 2). */
    @Override
    protected boolean runsInEnvironmentAccount() {
        return FunctionCatalog.SECRET_ROTATION.inEnvironmentAccount();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        String step = input.string("Step");
        EnvironmentSpec spec = spec(input, controlPlane);
        if (HEALTH_STEP.equals(step)) {
            boolean repair = input.bool("Repair", true);
            DatabaseAccess db = DatabaseAccess.of(spec, controlPlane.aws(spec), tls, "qualisys-secret-rotation");
            RotationHealthReport report = new RotationHealth(db.secrets(), db.connector(), db.settings(), clock).check(repair);
            if (!report.healthy()) throw new RotationUnhealthyException(report);
            return Json.javaTime().convertValue(report, Map.class);
        }
        RotationStep rotationStep;
        try {
            rotationStep = RotationStep.fromEvent(step);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("input field 'Step' " + e.getMessage().substring("Step ".length()) + ", or health");
        }
        String secretId = input.string("SecretId");
        String token = input.string("ClientRequestToken");
        DatabaseAccess db = DatabaseAccess.of(spec, controlPlane.aws(spec), tls, "qualisys-secret-rotation");
        RotationOutcome outcome = new SecretRotation(db.secrets(), db.connector(), db.settings()).run(secretId, token, rotationStep);
        return Json.javaTime().convertValue(outcome, Map.class);
    }

    private EnvironmentSpec spec(Input input, ControlPlane controlPlane) {
        String name = input.string("environment", environment);
        if (name == null) {
            throw new BadInputException(ENVIRONMENT_VARIABLE + " is not set and the input has no 'environment': "
                    + "the rotation function needs its environment");
        }
        try {
            return controlPlane.spec(name);
        } catch (SpecException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /** The health check found problems it could not repair; the report is in {@link #report()}. */
    public static final class RotationUnhealthyException extends RuntimeException {
        private final transient RotationHealthReport report;

        public RotationUnhealthyException(RotationHealthReport report) {
            super("database secret rotation is unhealthy: " + String.join(", ", report.openProblems()));
            this.report = report;
        }

        public RotationHealthReport report() {
            return report;
        }
    }
}
