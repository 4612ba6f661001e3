package com.qualisys.controlplane.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.qualisys.controlplane.database.DbInit;
import com.qualisys.controlplane.database.DbInitReport;
import com.qualisys.controlplane.database.DbInitScript;
import java.util.Map;
import org.slf4j.MDC;

/**
 * Runs sql/db-init.sql against the environment's database (VPC-attached).
 * Input {@code {"environment": "dev"}}; output the {@link DbInitReport} as JSON.
 */
public final class DbInitHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final DatabaseFunctionContext context;

    public DbInitHandler() {
        this(DatabaseFunctionContext.standard());
    }

    public DbInitHandler(DatabaseFunctionContext context) {
        this.context = context;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context lambda) {
        String environment = DatabaseFunctionContext.requiredString(input, "environment");
        MDC.put("environment", environment);
        if (lambda != null) MDC.put("awsRequestId", lambda.getAwsRequestId());
        try (DatabaseFunctionContext.Session s = context.open(environment, "qualisys-db-init")) {
            DbInitReport report = new DbInit(s.secrets(), s.connector(), s.settings(), DbInitScript.text()).run();
            return DatabaseFunctionContext.toMap(report);
        } finally {
            MDC.clear();
        }
    }
}
