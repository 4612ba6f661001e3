package com.qualisys.controlplane.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.MotoServer;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Drift reports and last-applied snapshots in the report bucket. */
class ReportStoreTest {
    private static final String BUCKET = TestSpecs.load("dev").reportBucket();
    private static AwsClients aws;
    private static ReportStore store;

    @BeforeAll
    static void reportBucketAsTheCdkAppCreatesIt() {
        MotoServer.shared().reset();
        aws = MotoServer.shared().clients();
        aws.s3().createBucket(r -> r.bucket(BUCKET));
        store = new ReportStore(aws.s3(), BUCKET);
    }

    @AfterAll
    static void close() {
        aws.close();
    }

    private static Report drift(String env, Instant at, int changes) {
        List<Change> list = changes == 0 ? List.of() : List.of(new Change("monitoring/trail/qualisys-management-trail", "cloudtrail-trail",
                Action.UPDATE, false, "arn:aws:cloudtrail:us-east-1:123456789012:trail/qualisys-management-trail",
                List.of(new Difference("logging", true, false))));
        return new Report(env, "drift", at, List.of(new Plan(env, "monitoring", list)), Map.of("CloudTrail.DescribeTrails", 1));
    }

    @Test
    void aReportIsStoredAsJsonAndMarkdownUnderItsTimeAndAsLatest() {
        ReportStore.StoredReport keys = store.put(drift("dev", Instant.parse("2025-06-01T12:00:00.123Z"), 1));
        assertThat(keys.jsonKey()).isEqualTo("reports/dev/2025-06-01T12-00-00.123Z.json");
        assertThat(keys.markdownKey()).isEqualTo("reports/dev/2025-06-01T12-00-00.123Z.md");
        List<String> stored = aws.s3().listObjectsV2(r -> r.bucket(BUCKET).prefix("reports/dev/")).contents().stream().map(o -> o.key()).toList();
        assertThat(stored).contains(keys.jsonKey(), keys.markdownKey(), "reports/dev/latest.json", "reports/dev/latest.md");
        assertThat(store.latestJson("dev")).hasValueSatisfying(json -> assertThat(json)
                .contains("\"kind\" : \"drift\"").contains("monitoring/trail/qualisys-management-trail"));
        assertThat(store.latestMarkdown("dev")).hasValueSatisfying(md -> assertThat(md).startsWith("# Drift report for dev"));
        assertThat(aws.s3().headObject(r -> r.bucket(BUCKET).key(keys.jsonKey())).contentType()).isEqualTo("application/json");
    }

    @Test
    void latestIsTheNewestReportOfThatEnvironmentOnly() {
        store.put(drift("staging", Instant.parse("2025-06-01T10:00:00Z"), 1));
        store.put(drift("staging", Instant.parse("2025-06-01T16:00:00Z"), 0));
        assertThat(store.latestJson("staging")).hasValueSatisfying(json -> assertThat(json).contains("\"changes\" : 0"));
        assertThat(store.latestJson("production")).isEmpty();
        assertThat(aws.s3().listObjectsV2(r -> r.bucket(BUCKET).prefix("reports/staging/")).contents()).hasSize(6);
    }

    @Test
    void lastAppliedSnapshotsAreKeptPerEnvironmentAndLayer() {
        store.putLastApplied("dev", "iam", "{\"applied\": 20}");
        assertThat(store.lastApplied("dev", "iam")).contains("{\"applied\": 20}");
        assertThat(store.lastApplied("dev", "monitoring")).isEmpty();
    }

    @Test
    void namesThatWouldEscapeTheirPrefixAreRejected() {
        assertThatThrownBy(() -> store.latestJson("../production")).hasMessageContaining("environment '../production' is not a valid name");
        assertThatThrownBy(() -> store.putLastApplied("dev", "iam/x", "{}")).hasMessageContaining("layer 'iam/x'");
    }
}
