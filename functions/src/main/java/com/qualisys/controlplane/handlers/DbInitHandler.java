package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.database.DbInit;
import com.qualisys.controlplane.database.DbInitReport;
import com.qualisys.controlplane.database.DbInitScript;
import com.qualisys.controlplane.database.TlsPolicy;
import com.qualisys.controlplane.json.Json;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.Map;

/**
 * Runs sql/db-init.sql against the environment's database (VPC-attached; docs/database.md).
 * Input {@code {"environment": "dev"}}; output the {@link DbInitReport}: what changed, what was
 * already right, the checks that passed.
 */
public final class DbInitHandler extends ControlPlaneHandler {
    private static final ObjectMapper JSON = Json.mapper();
    private final TlsPolicy tls;

    public DbInitHandler() {
        this.tls = TlsPolicy.fromEnvironment(System.getenv());
    }

    public DbInitHandler(ControlPlane controlPlane) {
        this(controlPlane, TlsPolicy.fromEnvironment(System.getenv()));
    }

    public DbInitHandler(ControlPlane controlPlane, TlsPolicy tls) {
        super(controlPlane);
        this.tls = tls;
    }

    /** Deployed in the environment's account, beside its database (the spoke stack's phase 2). */
    @Override
    protected boolean runsInEnvironmentAccount() {
        return FunctionCatalog.DB_INIT.inEnvironmentAccount();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        EnvironmentSpec spec = environment(input, controlPlane);
        DatabaseAccess db = DatabaseAccess.of(spec, controlPlane.aws(spec), tls, "qualisys-db-init");
        DbInitReport report = new DbInit(db.secrets(), db.connector(), db.settings(), DbInitScript.text()).run();
        return JSON.convertValue(report, Map.class);
    }
}
