package com.qualisys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.cli.testing.Cli;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.state.ReportStore;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code report} reads what the drift check stored (ReportStore) in the report bucket (moto's S3). */
class ReportCommandTest {
    private static final String BUCKET = TestSpecs.load("dev").state().reportBucket();
    private static final Report DRIFT = new Report("staging", "drift", Instant.parse("2026-03-01T06:00:00.250Z"), List.of(
            new Plan("staging", "vpc", List.of(new Change("vpc/security-group/rds", "security-group", Action.UPDATE, false, "sg-0a1",
                    List.of(new Difference("ingress", List.of("tcp:5432:ref:vpc/security-group/k8s-nodes"),
                            List.of("tcp:5432:0.0.0.0/0", "tcp:5432:ref:vpc/security-group/k8s-nodes")))))),
            new Plan("staging", "eks", List.of())), Map.of("Ec2.DescribeSecurityGroups", 1));
    private static final Report NO_DRIFT = new Report("dev", "drift", Instant.parse("2026-03-01T06:00:00Z"),
            List.of(new Plan("dev", "vpc", List.of())), Map.of());
    private static MotoServer moto;
    private static AwsClients aws;

    @BeforeAll
    static void storedReports() {
        moto = MotoServer.shared();
        moto.reset();
        aws = moto.clients();
        aws.s3().createBucket(r -> r.bucket(BUCKET));
        store(DRIFT);
        store(NO_DRIFT);
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    @Test
    void theLatestDriftReportPrintsAsTextJsonOrMarkdownAndTheExitCodeSaysWhetherThereIsDrift() {
        Cli.Result text = report("staging");
        assertThat(text.exitCode()).isEqualTo(2);
        assertThat(text.out()).isEqualTo(ReportRenderer.text(DRIFT));
        assertThat(text.err()).isEqualTo("drift report of staging, generated 2026-03-01T06:00:00.250Z (s3://" + BUCKET
                + "/reports/staging/latest.json)\n");

        assertThat(report("staging", "--format", "json").out()).isEqualTo(ReportRenderer.json(DRIFT) + "\n");
        assertThat(report("staging", "--format", "markdown").out()).isEqualTo(ReportRenderer.markdown(DRIFT));

        Cli.Result clean = report("dev");
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.out()).isEqualTo("Drift report for dev: No drift.\n  vpc: no drift\n");
    }

    @Test
    void anEnvironmentWithoutAReportYetSaysHowToGetOne() {
        Cli.Result r = report("production");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("error: no drift report for production yet (no s3://" + BUCKET + "/reports/production/latest.json):"
                + " run `qualisys start drift-check --env production` or wait for its schedule\n");
    }

    @Test
    void anUnknownFormatIsRejectedNamingTheChoices() {
        Cli.Result r = report("staging", "--format", "html");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--format", "html", "text, json, markdown");
    }

    private static Cli.Result report(String environment, String... more) {
        String[] args = new String[6 + more.length];
        System.arraycopy(new String[] {"report", "--env", environment, "--emulator", "--endpoint-url", moto.endpoint()}, 0, args, 0, 6);
        System.arraycopy(more, 0, args, 6, more.length);
        return Cli.run(args);
    }

    private static void store(Report report) {
        new ReportStore(aws.s3(), BUCKET).put(report);
    }
}
