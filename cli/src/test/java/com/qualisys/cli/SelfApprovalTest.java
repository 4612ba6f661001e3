package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.testing.TestSpecs;
import org.junit.jupiter.api.Test;

/**
 * {@code qualisys apply --approve-destructive} run from a terminal makes its caller both the starter and the
 * approver of the destructive changes: where the environment needs an approver other than the starter
 * (production: {@code responses.distinctApprover}) it is refused, naming the caller as STS names it and the
 * rule, before anything is locked or written, and it prints what to do instead.
 */
class SelfApprovalTest {
    private final MotoServer moto = MotoServer.shared();

    @Test
    void applyWithApproveDestructiveIsRefusedInProductionNamingTheCallerAndTheWayToAskAnotherPrincipal() {
        moto.reset();
        String caller;
        try (AwsClients aws = moto.clients()) {
            caller = aws.sts().getCallerIdentity().arn();
            aws.calls().reset();
        }

        Cli.Result result = Cli.run("apply", "--env", "production", "--layer", "vpc,rds", "--approve-destructive",
                "--emulator", "--endpoint-url", moto.endpoint());

        assertThat(result.exitCode()).as("%s", result).isEqualTo(QualisysCli.ERROR);
        assertThat(result.err()).contains("error: environment production requires destructive changes to be approved by someone"
                        + " other than the one who starts the run (responses.distinctApprover): --approve-destructive would be "
                        + caller + " approving its own apply. Nothing was applied or locked.")
                .contains("./qualisys start provision --env production --input '{\"layers\":[\"vpc\",\"rds\"]}'")
                .contains(", then, as another principal: ./qualisys approve <execution name that start prints>");
        assertThat(result.out()).isEmpty();
        try (AwsClients aws = moto.clients()) {
            assertThat(aws.ec2().describeVpcs().vpcs()).as("VPCs (moto's default one aside)").allMatch(v -> v.isDefault());
            String lockTable = TestSpecs.load("production").state().lockTable();
            assertThat(aws.dynamoDb().listTables().tableNames()).as("nothing bootstrapped or locked").doesNotContain(lockTable);
        }
    }
}
