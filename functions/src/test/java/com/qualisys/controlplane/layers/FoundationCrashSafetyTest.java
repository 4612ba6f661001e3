package com.qualisys.controlplane.layers;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.testing.CrashAfter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A run killed after any of its mutating calls, run again, converges with no duplicates.
 *
 * <p>How duplicates are impossible: IAM roles and policies, the account alias, budgets, the
 * CloudTrail trail, the SNS topic and the S3 bucket are identified by names AWS keeps unique
 * (a second create with the name fails or returns the first), and observe finds them by those
 * names. Anomaly monitors and subscriptions have no unique name and no client token: observe
 * finds them by name and the engine deletes any extra, which this test also checks by counting.
 */
class FoundationCrashSafetyTest {

    @Test
    void aRunKilledAfterItsKthMutatingCallConvergesWithoutDuplicatesForEveryK() {
        FoundationFixture world = FoundationFixture.fresh();
        int total;
        try (AwsClients aws = world.clients()) {
            world.applyAll(aws);
            total = aws.calls().mutating();
            world.releaseTrailBucket(aws);
        }
        System.out.println("a full apply of account, iam and monitoring makes " + total + " mutating calls");
        assertThat(total).isGreaterThan(40);

        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (int k = 0; k < total; k++) {
            FoundationFixture run = FoundationFixture.freshAccount(k);
            try (AwsClients crashing = run.clients(new CrashAfter(k))) {
                Throwable crash = catchThrowable(() -> run.applyAll(crashing));
                assertThat(rootCause(crash)).as("run %d was killed", k).isInstanceOf(CrashAfter.SimulatedCrash.class);
            }
            try (AwsClients rerun = run.clients()) {
                run.applyAll(rerun);
            }
            try (AwsClients check = run.clients()) {
                Report drift = run.drift(check);
                if (drift.hasChanges()) failures.add("k=" + k + ": " + ReportRenderer.text(drift));
                Map<String, Integer> counts = counts(run, check);
                if (!counts.equals(EXPECTED)) failures.add("k=" + k + ": " + counts);
                run.releaseTrailBucket(check);
            }
        }
        System.out.printf("%d crash points checked in %.1f s%n", total, (System.nanoTime() - started) / 1e9);
        assertThat(failures).isEmpty();
    }

    private static final Map<String, Integer> EXPECTED = Map.ofEntries(
            entry("roles", 7), entry("customer-managed policies", 6), entry("account aliases", 1), entry("budgets", 3),
            entry("anomaly monitors", 1), entry("anomaly subscriptions", 2), entry("topics", 1),
            entry("topic e-mail subscriptions", 1), entry("topic Lambda subscriptions", 1), entry("trails", 1),
            entry("trail buckets", 1));

    private static Map<String, Integer> counts(FoundationFixture world, AwsClients aws) {
        String topic = "arn:aws:sns:us-east-1:" + world.account + ":qualisys-budget-alerts";
        return Map.ofEntries(
                entry("roles", (int) aws.iam().listRoles().roles().stream().filter(r -> r.roleName().startsWith("Qualisys")).count()),
                entry("customer-managed policies", aws.iam().listPolicies(r -> r.scope("Local")).policies().size()),
                entry("account aliases", aws.iam().listAccountAliases().accountAliases().size()),
                entry("budgets", aws.budgets().describeBudgets(r -> r.accountId(world.account)).budgets().size()),
                entry("anomaly monitors", world.anomalies().monitors().size()),
                entry("anomaly subscriptions", world.anomalies().subscriptions().size()),
                entry("topics", aws.sns().listTopics().topics().size()),
                // the e-mail address of the spec, and the hub's budget function (issue 12)
                entry("topic e-mail subscriptions", subscriptions(aws, topic, "email")),
                entry("topic Lambda subscriptions", subscriptions(aws, topic, "lambda")),
                entry("trails", aws.cloudTrail().describeTrails().trailList().size()),
                entry("trail buckets", (int) aws.s3().listBuckets().buckets().stream()
                        .filter(b -> b.name().equals(world.spec.monitoring().cloudTrail().bucket())).count()));
    }

    private static int subscriptions(AwsClients aws, String topic, String protocol) {
        return (int) aws.sns().listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions().stream()
                .filter(s -> s.protocol().equals(protocol)).count();
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c != null && !(c instanceof CrashAfter.SimulatedCrash) && c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c;
    }
}
