package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.attribution.ChangeAttribution;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    public ReportHandler() {}

    public ReportHandler(ControlPlane controlPlane) {
        super(controlPlane);
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        String kind = input.oneOf("kind", List.of("drift", "provision"));
        EnvironmentSpec spec = environment(input, controlPlane);
        AwsClients aws = controlPlane.aws(spec);
        ReportStore store = new ReportStore(aws.s3(), controlPlane.settings().reportBucket(spec));
        return kind.equals("drift") ? drift(input, spec, store, aws) : provision(input, spec, store);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> drift(Input input, EnvironmentSpec spec, ReportStore store, AwsClients aws) {
        List<com.qualisys.controlplane.engine.Plan> plans = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        StringBuilder failures = new StringBuilder();
        for (Object entry : input.list("layers")) {
            if (!(entry instanceof Map<?, ?> layerResult)) throw new BadInputException("input field 'layers' must hold objects, got " + entry);
            Map<String, Object> result = (Map<String, Object>) layerResult;
            if (result.get("error") != null) {
                failed.add(String.valueOf(result.get("layer")));
                Map<String, Object> error = (Map<String, Object>) result.get("error");
                failures.append("\n  ").append(result.get("layer")).append(": could not be checked: ")
                        .append(error.get("Error")).append(" ").append(error.get("Cause"));
                continue;
            }
            plans.add(com.qualisys.controlplane.engine.PlanJson.fromLayerJson(spec.environment(), (Map<String, Object>) result.get("plan")));
        }
        Instant checkedAt = Instant.now();
        Report report = new Report(spec.environment(), "drift", checkedAt, plans, Map.of());
        // Who changed what: CloudTrail's write events since the last check that found everything in place.
        report = ChangeAttribution.attribute(report, aws,
                store.lastCleanCheck(spec.environment()).orElse(checkedAt.minus(ChangeAttribution.RETENTION)));
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
        out.put("summary", ReportRenderer.text(report) + failures);
        return out;
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
