package com.qualisys.cli;

import com.qualisys.controlplane.attribution.ChangeAttribution;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ReportStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

@Command(name = "drift", mixinStandardHelpOptions = true, description = {
        "Compares live resources with the spec and reports drift (read-only, except that the report is stored).",
        "Every layer is checked on its own: one that cannot be checked is reported as \"not checked: <reason>\" beside"
                + " the others. The report is stored in the report bucket (reports/<env>/latest.json and .md) when the"
                + " bucket exists; progress goes to stderr, the report to stdout.",
        "Exit code: 0 no drift, 2 drift, 1 a layer could not be checked or an error."})
final class DriftCommand extends PlanCommand {
    @Override
    String kind() {
        return "drift";
    }

    /**
     * Who changed each drifted resource: one CloudTrail scan in the environment's account since the last check that
     * found no drift (read from the report bucket; 90 days back when there is none), as the drift-check function does.
     */
    @Override
    Report completed(Report report, EnvironmentSpec spec, AwsClients aws, AwsClients caller) {
        if (!report.hasChanges()) return report;
        Optional<Instant> lastClean;
        try {
            lastClean = new ReportStore(caller.s3(), spec.reportBucket()).lastCleanCheck(spec.environment());
        } catch (RuntimeException noBucketYet) {
            lastClean = Optional.empty();
        }
        return ChangeAttribution.attribute(report, aws, lastClean.orElse(report.generatedAt().minus(ChangeAttribution.RETENTION)));
    }

    @Override
    void afterReport(Report report, EnvironmentSpec spec, AwsClients aws, PrintWriter err) {
        ReportStore store = new ReportStore(aws.s3(), spec.reportBucket());
        try {
            ReportStore.StoredReport stored = store.put(report);
            err.println("report stored: s3://" + store.bucket() + "/" + stored.latestJsonKey() + " (and .md)");
            // The next drift's attribution scans CloudTrail from here.
            if (!report.hasChanges() && report.isComplete()) store.putLastCleanCheck(spec.environment(), report.generatedAt());
        } catch (NoSuchBucketException noBucket) {
            err.println("report not stored: the report bucket " + store.bucket() + " does not exist yet (deploy the control plane first)");
        } catch (RuntimeException e) {
            err.println("report not stored: " + Errors.describe(e));
        }
        err.flush();
    }
}
