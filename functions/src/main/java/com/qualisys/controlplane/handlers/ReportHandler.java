package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.attribution.ChangeAttribution;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.LayerFailure;
import com.qualisys.controlplane.engine.AggregateReport;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.json.Json;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ReportStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's result document to the report bucket.
 * <ul>
 *   <li>{@code {"kind":"drift","environment","executionId","layers":[<PlanLayer outputs or {layer,error}>]}}:
 *       one drift report over all layers (JSON + Markdown, and latest.*), each drifted resource
 *       with who last changed it (CloudTrail, since the last clean check); output says whether
 *       drift was found and which layers could not be checked.</li>
 *   <li>{@code {"kind":"provision",...,"layers":[{layer,changes,applied}],"dbInit":{...}}}: the
 *       provision result document, stored under executions/&lt;env&gt;/.</li>
 * </ul>
 */
public final class ReportHandler extends ControlPlaneHandler {
    private static final ObjectMapper JSON = Json.mapper();

    public ReportHandler() {}

    public ReportHandler(ControlPlane controlPlane) {
        super(controlPlane);
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        String kind = input.oneOf("kind", List.of("drift", "provision", "drift-all"));
        if (kind.equals("drift-all")) return driftAll(input, controlPlane);
        EnvironmentSpec spec = environment(input, controlPlane);
        ReportStore store = new ReportStore(controlPlane.hub().s3(), controlPlane.settings().reportBucket(spec));
        // CloudTrail is read in the environment's own account, where the changes happen.
        return kind.equals("drift") ? drift(input, spec, store, controlPlane.aws(spec)) : provision(input, spec, store);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> drift(Input input, EnvironmentSpec spec, ReportStore store, AwsClients aws) {
        List<com.qualisys.controlplane.engine.Plan> plans = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<LayerFailure> notChecked = new ArrayList<>();
        for (Object entry : input.list("layers")) {
            if (!(entry instanceof Map<?, ?> layerResult)) throw new BadInputException("input field 'layers' must hold objects, got " + entry);
            Map<String, Object> result = (Map<String, Object>) layerResult;
            if (result.get("error") != null) {
                failed.add(String.valueOf(result.get("layer")));
                Map<String, Object> error = (Map<String, Object>) result.get("error");
                notChecked.add(new LayerFailure(String.valueOf(result.get("layer")), errorReason(error)));
                continue;
            }
            plans.add(com.qualisys.controlplane.engine.PlanJson.fromLayerJson(spec.environment(), (Map<String, Object>) result.get("plan")));
        }
        Instant checkedAt = Instant.now();
        Report report = new Report(spec.environment(), "drift", checkedAt, plans, Map.of(), notChecked);
        // Who changed what: CloudTrail's write events since the last check that found everything in place.
        report = ChangeAttribution.attribute(report, aws,
                store.lastCleanCheck(spec.environment()).orElse(checkedAt.minus(ChangeAttribution.RETENTION)));
        List<Map<String, Object>> byLayer = new ArrayList<>();
        for (Object entry : input.list("layers")) {
            Map<String, Object> result = (Map<String, Object>) entry;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layer", String.valueOf(result.get("layer")));
            com.qualisys.controlplane.engine.Plan plan = plans.stream().filter(p -> p.layer().equals(row.get("layer"))).findFirst().orElse(null);
            row.put("drift", plan == null ? 0 : plan.changes().size());
            row.put("overrides", plan == null ? 0 : plan.overridden().size());
            row.put("error", result.get("error") instanceof Map<?, ?> e ? e.get("Error") + ": " + e.get("Cause") : null);
            byLayer.add(row);
        }
        ReportStore.StoredReport stored = store.put(report);
        if (!report.hasChanges() && failed.isEmpty()) store.putLastCleanCheck(spec.environment(), checkedAt);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("drift", report.hasChanges());
        out.put("changes", report.changeCount());
        out.put("overrides", report.layers().stream().mapToInt(p -> p.overridden().size()).sum());
        out.put("failedLayers", failed.size());
        out.put("failed", failed);
        out.put("reportKey", stored.latestMarkdownKey());
        out.put("reportJsonKey", stored.jsonKey());
        out.put("summary", ReportRenderer.text(report));
        out.put("byLayer", byLayer);
        return out;
    }

    /**
     * {@code {"kind":"drift-all","executionId","environments":[{environment, report:{byLayer}} | {environment, error}]}}:
     * the aggregate report of drift-check-all (environment × layer), stored under reports/_all/.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> driftAll(Input input, ControlPlane controlPlane) {
        List<AggregateReport.Row> rows = new ArrayList<>();
        List<AggregateReport.FailedEnvironment> failed = new ArrayList<>();
        String bucketOf = null;
        for (Object entry : input.list("environments")) {
            if (!(entry instanceof Map<?, ?> e)) throw new BadInputException("input field 'environments' must hold objects, got " + entry);
            String env = String.valueOf(e.get("environment"));
            if (bucketOf == null) bucketOf = env;
            if (e.get("error") instanceof Map<?, ?> error) {
                // The Cause is the message people need; the Error is the function's exception type, kept out of the report.
                Object cause = error.get("Cause");
                failed.add(new AggregateReport.FailedEnvironment(env, String.valueOf(cause == null ? error.get("Error") : cause)));
                continue;
            }
            Map<String, Object> report = (Map<String, Object>) e.get("report");
            for (Object r : report == null ? List.of() : (List<Object>) report.getOrDefault("byLayer", List.of())) {
                Map<String, Object> row = (Map<String, Object>) r;
                rows.add(new AggregateReport.Row(env, String.valueOf(row.get("layer")), ((Number) row.get("drift")).intValue(),
                        ((Number) row.get("overrides")).intValue(), row.get("error") == null ? null : row.get("error").toString()));
            }
        }
        AggregateReport aggregate = new AggregateReport(Instant.now(), rows, failed);
        String bucket = controlPlane.settings().reportBucket() != null ? controlPlane.settings().reportBucket()
                : controlPlane.spec(bucketOf == null ? controlPlane.environmentNames().get(0) : bucketOf).state().reportBucket();
        ReportStore store = new ReportStore(controlPlane.hub().s3(), bucket);
        ReportStore.StoredReport stored;
        try {
            stored = store.putAggregate(aggregate.generatedAt(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(aggregate.toJson()),
                    aggregate.markdown());
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environments", aggregate.environments());
        out.put("drift", aggregate.totalDrift());
        out.put("errors", aggregate.errors());
        out.put("reportKey", stored.latestMarkdownKey());
        out.put("reportJsonKey", stored.jsonKey());
        out.put("summary", aggregate.summary());
        return out;
    }

    /** A caught task error ({Error, Cause}) as one line: the cause's message, else the error name. */
    private static String errorReason(Map<String, Object> error) {
        Object cause = error == null ? null : error.get("Cause");
        String text = cause == null ? "" : String.valueOf(cause);
        try {
            // A Lambda-style cause is a JSON document {"errorMessage": ..., "errorType": ...}.
            var node = JSON.readTree(text);
            if (node != null && node.hasNonNull("errorMessage")) text = node.get("errorMessage").asText();
        } catch (java.io.IOException notJson) {
            // a plain-text cause is the message itself
        }
        String reason = LayerFailure.oneLine(text);
        return reason.isEmpty() ? LayerFailure.oneLine(error == null ? null : String.valueOf(error.get("Error"))) : reason;
    }

    private Map<String, Object> provision(Input input, EnvironmentSpec spec, ReportStore store) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("kind", "provision");
        document.put("environment", spec.environment());
        document.put("executionId", input.string("executionId", "(local)"));
        document.put("finishedAt", Instant.now().toString());
        document.put("layers", input.list("layers"));
        document.put("dbInit", input.map("dbInit"));
        int changes = 0;
        for (Object l : input.list("layers")) {
            if (l instanceof Map<?, ?> m && m.get("changes") instanceof Number n) changes += n.intValue();
        }
        String key;
        try {
            key = store.putExecutionResult(spec.environment(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("changes", changes);
        out.put("reportKey", key);
        out.put("summary", "provisioned " + spec.environment() + ": " + changes + " change(s) over " + input.list("layers").size() + " layer(s)");
        return out;
    }
}
