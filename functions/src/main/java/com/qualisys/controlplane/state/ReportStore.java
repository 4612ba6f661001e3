package com.qualisys.controlplane.state;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.spec.EnvironmentSpec.StateSpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The control plane's report bucket (created by the CDK app, name {@code state.reportBucket};
 * versioned, encrypted, no public access). Layout:
 * <pre>
 * reports/&lt;env&gt;/&lt;timestamp&gt;.json   every plan or drift report, JSON (docs/report-format.md)
 * reports/&lt;env&gt;/&lt;timestamp&gt;.md     the same report in Markdown
 * reports/&lt;env&gt;/latest.json|.md         a copy of the newest one
 * executions/&lt;env&gt;/&lt;timestamp&gt;.json   the result document of each provision execution
 * last-applied/&lt;env&gt;/&lt;layer&gt;.json   what the last successful apply of a layer applied
 * checks/&lt;env&gt;/last-clean.txt         when the last drift check found no drift (ISO-8601): where attribution's CloudTrail scan starts
 * reports/_all/&lt;timestamp&gt;.json|.md, latest.*   the drift check of every environment at once
 * </pre>
 * Timestamps are UTC, sortable, without colons: {@code 2025-06-01T12-00-00.123Z}. The
 * timestamped objects are written before the latest copies, so latest always names a report
 * that exists in full.
 */
public final class ReportStore {
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** The aggregate's folder: environment names start with a letter, so none is "_all". */
    public static final String ALL = "_all";
    private final S3Client s3;
    private final String bucket;

    public ReportStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    public static ReportStore of(AwsClients aws, StateSpec state) {
        return new ReportStore(aws.s3(), state.reportBucket());
    }

    public String bucket() {
        return bucket;
    }

    /** Where one stored report went. */
    public record StoredReport(String jsonKey, String markdownKey, String latestJsonKey, String latestMarkdownKey) {}

    public StoredReport put(Report report) {
        String prefix = prefix(report.environment());
        String stamp = TIMESTAMP.format(report.generatedAt());
        String json = ReportRenderer.json(report);
        String markdown = ReportRenderer.markdown(report);
        StoredReport keys = new StoredReport(prefix + stamp + ".json", prefix + stamp + ".md", prefix + "latest.json", prefix + "latest.md");
        write(keys.jsonKey(), json, "application/json");
        write(keys.markdownKey(), markdown, "text/markdown; charset=utf-8");
        write(keys.latestJsonKey(), json, "application/json");
        write(keys.latestMarkdownKey(), markdown, "text/markdown; charset=utf-8");
        return keys;
    }

    /** The aggregate drift report of all environments (reports/_all/, a prefix no environment name can take). */
    public StoredReport putAggregate(Instant generatedAt, String json, String markdown) {
        String prefix = "reports/" + ALL + "/";
        String stamp = TIMESTAMP.format(generatedAt);
        StoredReport keys = new StoredReport(prefix + stamp + ".json", prefix + stamp + ".md", prefix + "latest.json", prefix + "latest.md");
        write(keys.jsonKey(), json, "application/json");
        write(keys.markdownKey(), markdown, "text/markdown; charset=utf-8");
        write(keys.latestJsonKey(), json, "application/json");
        write(keys.latestMarkdownKey(), markdown, "text/markdown; charset=utf-8");
        return keys;
    }

    public Optional<String> latestAggregateMarkdown() {
        return read("reports/" + ALL + "/latest.md");
    }

    public Optional<String> latestAggregateJson() {
        return read("reports/" + ALL + "/latest.json");
    }

    public Optional<String> latestJson(String environment) {
        return read(prefix(environment) + "latest.json");
    }

    public Optional<String> latestMarkdown(String environment) {
        return read(prefix(environment) + "latest.md");
    }

    /** A provision execution's result document: executions/&lt;env&gt;/&lt;timestamp&gt;.json. Returns its key. */
    public String putExecutionResult(String environment, String json) {
        String key = "executions/" + checked("environment", environment) + "/" + TIMESTAMP.format(Instant.now()) + ".json";
        write(key, json, "application/json");
        return key;
    }

    public void putLastApplied(String environment, String layer, String json) {
        write(lastAppliedKey(environment, layer), json, "application/json");
    }

    public Optional<String> lastApplied(String environment, String layer) {
        return read(lastAppliedKey(environment, layer));
    }

    /** Records a drift check over every layer that found no drift. */
    public void putLastCleanCheck(String environment, Instant checkedAt) {
        write(lastCleanKey(environment), checkedAt.toString(), "text/plain; charset=utf-8");
    }

    /** When the last drift check found no drift; empty before the first clean check. */
    public Optional<Instant> lastCleanCheck(String environment) {
        return read(lastCleanKey(environment)).map(text -> Instant.parse(text.trim()));
    }

    private static String lastCleanKey(String environment) {
        return "checks/" + checked("environment", environment) + "/last-clean.txt";
    }

    static String timestamp(Instant instant) {
        return TIMESTAMP.format(instant);
    }

    private static String prefix(String environment) {
        return "reports/" + checked("environment", environment) + "/";
    }

    private static String lastAppliedKey(String environment, String layer) {
        return "last-applied/" + checked("environment", environment) + "/" + checked("layer", layer) + ".json";
    }

    /** Names become key segments: no slashes, dots or upper case can sneak into another prefix. */
    private static String checked(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a valid name for a report key (lower-case letters, digits, '-')");
        }
        return name;
    }

    private void write(String key, String body, String contentType) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType), RequestBody.fromString(body, StandardCharsets.UTF_8));
    }

    private Optional<String> read(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asUtf8String());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }
}
