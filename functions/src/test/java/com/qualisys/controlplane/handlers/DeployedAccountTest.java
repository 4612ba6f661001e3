package com.qualisys.controlplane.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where each handler expects to run agrees with where the CDK app deploys its function: the database
 * functions in each environment's own account (their own credentials, no hub clients), every other one in
 * the hub (hub credentials, environments through their execution roles).
 */
class DeployedAccountTest {
    @ParameterizedTest
    @EnumSource(FunctionCatalog.class)
    void aHandlerRunsInTheEnvironmentsAccountExactlyWhenItsFunctionIsDeployedThere(FunctionCatalog f) throws Exception {
        ControlPlaneHandler handler = (ControlPlaneHandler) Class.forName(f.handler())
                .getConstructor(ControlPlane.class).newInstance((ControlPlane) null);
        assertThat(handler.runsInEnvironmentAccount()).as(f.handler()).isEqualTo(f.inEnvironmentAccount());
    }

    @ParameterizedTest
    @EnumSource(FunctionCatalog.class)
    void onlyTheVpcAttachedDatabaseFunctionsAreDeployedInTheEnvironmentsAccount(FunctionCatalog f) {
        assertThat(f.inEnvironmentAccount()).as(f.functionName())
                .isEqualTo(f == FunctionCatalog.DB_INIT || f == FunctionCatalog.SECRET_ROTATION);
    }
}
