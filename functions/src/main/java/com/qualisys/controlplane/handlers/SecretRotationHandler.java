package com.qualisys.controlplane.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.qualisys.controlplane.database.rotation.RotationHealth;
import com.qualisys.controlplane.database.rotation.RotationHealthReport;
import com.qualisys.controlplane.database.rotation.RotationOutcome;
import com.qualisys.controlplane.database.rotation.RotationStep;
import com.qualisys.controlplane.database.rotation.SecretRotation;
import java.time.Clock;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Secrets Manager rotation of the database secrets (VPC-attached).
 *
 * <p>Rotation events, as Secrets Manager sends them:
 * {@code {"SecretId": "<arn>", "ClientRequestToken": "<uuid>", "Step": "createSecret|setSecret|testSecret|finishSecret"}};
 * the output is the step's outcome. A failing step throws, and Secrets Manager retries.
 *
 * <p>Health, from a schedule: {@code {"Step": "health"}} (add {@code "Repair": false} to only
 * report). Returns the {@link RotationHealthReport} when healthy; when not, logs it at ERROR and
 * throws {@link RotationUnhealthyException}, so the invocation fails and the function's Errors
 * alarm fires: a failing rotation is never silent.
 *
 * <p>The environment comes from the {@value #ENVIRONMENT_VARIABLE} variable (the rotation event
 * has no room for it).
 */
public final class SecretRotationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    public static final String ENVIRONMENT_VARIABLE = "QUALISYS_ENVIRONMENT";
    public static final String HEALTH_STEP = "health";

    private final String environment;
    private final DatabaseFunctionContext context;
    private final Clock clock;

    public SecretRotationHandler() {
        this(System.getenv(ENVIRONMENT_VARIABLE), DatabaseFunctionContext.standard(), Clock.systemUTC());
    }

    public SecretRotationHandler(String environment, DatabaseFunctionContext context, Clock clock) {
        if (environment == null || environment.isBlank()) {
            throw new IllegalStateException(ENVIRONMENT_VARIABLE + " is not set: the rotation function needs its environment");
        }
        this.environment = environment;
        this.context = context;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context lambda) {
        String step = DatabaseFunctionContext.requiredString(input, "Step");
        MDC.put("environment", environment);
        MDC.put("step", step);
        if (lambda != null) MDC.put("awsRequestId", lambda.getAwsRequestId());
        try (DatabaseFunctionContext.Session s = context.open(environment, "qualisys-secret-rotation")) {
            if (HEALTH_STEP.equals(step)) {
                boolean repair = !Boolean.FALSE.equals(input.get("Repair"));
                RotationHealthReport report = new RotationHealth(s.secrets(), s.connector(), s.settings(), clock).check(repair);
                if (!report.healthy()) throw new RotationUnhealthyException(report);
                return DatabaseFunctionContext.toMap(report);
            }
            RotationStep rotationStep = RotationStep.fromEvent(step);
            String secretId = DatabaseFunctionContext.requiredString(input, "SecretId");
            String token = DatabaseFunctionContext.requiredString(input, "ClientRequestToken");
            RotationOutcome outcome = new SecretRotation(s.secrets(), s.connector(), s.settings()).run(secretId, token, rotationStep);
            return DatabaseFunctionContext.toMap(outcome);
        } finally {
            MDC.clear();
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
