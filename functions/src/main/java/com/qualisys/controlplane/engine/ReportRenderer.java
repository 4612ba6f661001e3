package com.qualisys.controlplane.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.json.Json;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Renders a {@link Report} as stable JSON, Markdown (for the report bucket and SNS) or terminal text. */
public final class ReportRenderer {
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = Json.mapper();

    private ReportRenderer() {}

    public static ObjectNode toJson(Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        root.put("kind", report.kind());
        root.put("environment", report.environment());
        root.put("generatedAt", report.generatedAt().toString());
        root.put("changes", report.changeCount());
        root.put("destructive", report.layers().stream().anyMatch(Plan::hasDestructiveChanges));
        root.put("widensAccess", widening(report));
        root.put("overrides", overrideCount(report));
        root.put("expiredOverrides", report.layers().stream().mapToInt(p -> p.expired().size()).sum());
        ArrayNode layers = root.putArray("layers");
        for (Plan plan : report.layers()) {
            ObjectNode layer = layers.addObject();
            layer.put("layer", plan.layer());
            ObjectNode summary = layer.putObject("summary");
            summary(plan).forEach((a, n) -> summary.put(a.name(), n));
            ArrayNode changes = layer.putArray("changes");
            for (Change c : plan.changes()) {
                ObjectNode change = changes.addObject();
                change.put("logicalId", c.logicalId());
                change.put("kind", c.kind());
                change.put("action", c.action().name());
                change.put("destructive", c.destructive());
                change.put("widensAccess", DiffView.widensAccess(c, report.kind().equals("drift")));
                if (c.physicalId() != null) change.put("physicalId", c.physicalId());
                if (!c.forcesReplacement().isEmpty()) c.forcesReplacement().forEach(change.putArray("forcesReplacement")::add);
                if (!c.forcedBy().isEmpty()) c.forcedBy().forEach(change.putArray("forcedBy")::add);
                ChangeAuthor author = report.authors().get(c.logicalId());
                if (author != null) {
                    ObjectNode by = change.putObject("changedBy");
                    by.put("who", author.who());
                    by.put("eventName", author.eventName());
                    by.put("eventTime", author.eventTime().toString());
                    by.put("sourceIp", author.sourceIp());
                    by.put("byControlPlane", author.byControlPlane());
                }
                ArrayNode diffs = change.putArray("differences");
                for (Difference d : c.differences()) {
                    ObjectNode diff = diffs.addObject();
                    diff.put("path", d.path());
                    diff.set("expected", JSON.valueToTree(d.expected()));
                    diff.set("actual", JSON.valueToTree(d.actual()));
                }
            }
            overriddenJson(layer.putArray("overridden"), plan.overridden());
            overriddenJson(layer.putArray("expiredOverrides"), plan.expired());
            ObjectNode references = layer.putObject("references");
            new TreeMap<>(plan.references()).forEach(references::put);
        }
        root.put("complete", report.isComplete());
        ArrayNode notChecked = root.putArray("notChecked");
        for (LayerFailure f : report.notChecked()) notChecked.addObject().put("layer", f.layer()).put("reason", f.reason());
        ObjectNode calls = root.putObject("apiCalls");
        new TreeMap<>(report.apiCalls()).forEach(calls::put);
        return root;
    }

    private static void overriddenJson(ArrayNode array, java.util.List<Overridden> entries) {
        for (Overridden o : entries) {
            ObjectNode entry = array.addObject();
            entry.put("logicalId", o.logicalId());
            entry.put("path", o.difference().path());
            entry.set("expected", JSON.valueToTree(o.difference().expected()));
            entry.set("actual", JSON.valueToTree(o.difference().actual()));
            entry.put("overrideId", o.overrideId());
            entry.put("cause", o.cause());
        }
    }

    public static String json(Report report) {
        try {
            return Json.indented().writeValueAsString(toJson(report));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String markdown(Report report) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title(report)).append("\n\n");
        md.append("Generated ").append(report.generatedAt()).append(". ").append(verdict(report)).append("\n");
        for (Plan plan : report.layers()) {
            md.append("\n## Layer `").append(plan.layer()).append("`\n\n");
            if (plan.isEmpty()) {
                md.append(report.kind().equals("drift") ? "No drift.\n" : "No changes.\n");
                overridesMarkdown(plan, md);
                continue;
            }
            md.append("| Resource | Kind | Action | Attribute | Expected | Actual |\n|---|---|---|---|---|---|\n");
            for (Change c : plan.changes()) {
                String action = c.action() + (c.destructive() ? " ⚠ destructive" : "")
                        + (DiffView.widensAccess(c, report.kind().equals("drift")) ? " ⚠ widens access" : "")
                        + (c.forcedBy().isEmpty() ? "" : " (forced by the replacement of " + String.join(", ", c.forcedBy()) + ")");
                boolean first = true;
                for (Difference d : c.differences()) {
                    md.append("| ").append(first ? "`" + c.logicalId() + "`" : "").append(" | ")
                            .append(first ? c.kind() : "").append(" | ").append(first ? action : "").append(" | `")
                            .append(d.path()).append('`').append(c.forcesReplacement().contains(d.path()) ? " (forces replacement)" : "")
                            .append(" | ").append(cell(DiffView.resolved(d.expected(), plan.references()))).append(" | ")
                            .append(cell(DiffView.resolved(d.actual(), plan.references()))).append(" |\n");
                    first = false;
                }
            }
            List<Change> attributed = plan.changes().stream().filter(c -> report.authors().containsKey(c.logicalId())).toList();
            if (!attributed.isEmpty()) {
                md.append("\nWho changed them (CloudTrail):\n\n| Resource | Changed by | Call | When | From |\n|---|---|---|---|---|\n");
                for (Change c : attributed) {
                    ChangeAuthor a = report.authors().get(c.logicalId());
                    md.append("| `").append(c.logicalId()).append("` | ")
                            .append(a.byControlPlane() ? "the control plane (`" + a.who() + "`)" : "`" + a.who() + "`").append(" | `")
                            .append(a.eventName()).append("` | ").append(a.eventTime()).append(" | ").append(a.sourceIp()).append(" |\n");
                }
            }
            overridesMarkdown(plan, md);
        }
        for (LayerFailure f : report.notChecked()) {
            md.append("\n## Layer `").append(f.layer()).append("`\n\n**Not checked:** ").append(f.reason()).append('\n');
        }
        return md.toString();
    }

    private static void overridesMarkdown(Plan plan, StringBuilder md) {
        if (!plan.expired().isEmpty()) {
            md.append("\nExpired overrides (drift again; `qualisys restore --env ").append(plan.environment())
                    .append(" --all-expired` puts the spec's values back):\n\n");
            md.append("| Resource | Attribute | Spec | Live | Override | Why |\n|---|---|---|---|---|---|\n");
            for (Overridden o : plan.expired()) {
                md.append("| `").append(o.logicalId()).append("` | `").append(o.difference().path()).append("` | ")
                        .append(cell(o.difference().expected())).append(" | ").append(cell(o.difference().actual())).append(" | `")
                        .append(o.overrideId()).append("` | ").append(cell(o.cause())).append(" |\n");
            }
        }
        if (plan.overridden().isEmpty()) return;
        md.append("\nIntentional overrides (not drift; apply leaves them until they are restored):\n\n");
        md.append("| Resource | Attribute | Spec | Live | Override | Why |\n|---|---|---|---|---|---|\n");
        for (Overridden o : plan.overridden()) {
            md.append("| `").append(o.logicalId()).append("` | `").append(o.difference().path()).append("` | ")
                    .append(cell(o.difference().expected())).append(" | ").append(cell(o.difference().actual())).append(" | `")
                    .append(o.overrideId()).append("` | ").append(cell(o.cause())).append(" |\n");
        }
    }

    public static String text(Report report) {
        return text(report, TextStyle.PLAIN);
    }

    /** The terminal rendering; {@link TextStyle#ANSI} colours additions, removals, changes and access widening. */
    public static String text(Report report, TextStyle style) {
        StringBuilder out = new StringBuilder();
        boolean drift = report.kind().equals("drift");
        String verdict = verdict(report);
        out.append(title(report)).append(": ").append(widening(report) > 0 ? style.warning(verdict) : verdict).append('\n');
        for (Plan plan : report.layers()) {
            out.append("  ").append(plan.layer()).append(": ");
            if (plan.isEmpty()) {
                out.append(report.kind().equals("drift") ? "no drift" : "no changes").append(overridesNote(plan)).append('\n');
                overridesText(plan, out);
                continue;
            }
            StringBuilder counts = new StringBuilder();
            summary(plan).forEach((a, n) -> {
                if (n > 0) counts.append(counts.isEmpty() ? "" : ", ").append(n).append(' ').append(a.name().toLowerCase());
            });
            out.append(counts).append(overridesNote(plan)).append('\n');
            for (Change c : plan.changes()) {
                String header = symbol(c.action()) + " " + c.logicalId() + " (" + c.kind() + ")";
                out.append("    ").append(switch (c.action()) {
                    case CREATE -> style.added(header);
                    case DELETE -> style.removed(header);
                    default -> style.changed(header);
                });
                if (drift && c.action() == Action.CREATE) out.append(": missing (deleted outside the control plane, or never created)");
                if (c.destructive()) out.append("  [destructive: needs approval]");
                if (!c.forcedBy().isEmpty()) out.append("  (forced by the replacement of ").append(String.join(", ", c.forcedBy())).append(')');
                if (DiffView.widensAccess(c, drift)) out.append("  ").append(style.warning(drift ? "[access widened]" : "[widens access]"));
                out.append('\n');
                ChangeAuthor author = report.authors().get(c.logicalId());
                if (author != null) out.append("        changed by ").append(author.describe()).append('\n');
                for (DiffView.Line line : DiffView.lines(c, ReportRenderer::show, plan.references())) out.append("        ").append(style.line(line)).append('\n');
            }
            overridesText(plan, out);
        }
        for (LayerFailure f : report.notChecked()) out.append("  ").append(f.layer()).append(": not checked: ").append(f.reason()).append('\n');
        return out.toString();
    }

    private static String overridesNote(Plan plan) {
        int n = plan.overridden().size();
        return n == 0 ? "" : " (" + n + " intentional override" + (n == 1 ? "" : "s") + ")";
    }

    private static void overridesText(Plan plan, StringBuilder out) {
        for (Overridden o : plan.expired()) {
            out.append("    ! ").append(o.logicalId()).append(' ').append(o.difference().path()).append(": override ")
                    .append(o.overrideId()).append(" has expired (").append(o.cause()).append("): drift again; `qualisys restore --env ")
                    .append(plan.environment()).append(" --all-expired` puts ").append(show(o.difference().expected())).append(" back\n");
        }
        for (Overridden o : plan.overridden()) {
            out.append("    = ").append(o.logicalId()).append(' ').append(o.difference().path()).append(": ")
                    .append(show(o.difference().actual())).append(" (spec ").append(show(o.difference().expected()))
                    .append("), override ").append(o.overrideId()).append(": ").append(o.cause()).append('\n');
        }
    }

    /** Changes that widen access (plan) or drifts that widened it (drift). */
    public static int widening(Report report) {
        boolean drift = report.kind().equals("drift");
        return (int) report.layers().stream().flatMap(p -> p.changes().stream()).filter(c -> DiffView.widensAccess(c, drift)).count();
    }

    private static int overrideCount(Report report) {
        return report.layers().stream().mapToInt(p -> p.overridden().size()).sum();
    }

    private static Map<Action, Integer> summary(Plan plan) {
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        for (Action a : Action.values()) counts.put(a, 0);
        plan.changes().forEach(c -> counts.merge(c.action(), 1, Integer::sum));
        return counts;
    }

    private static String title(Report report) {
        return (report.kind().equals("drift") ? "Drift report" : "Plan") + " for " + report.environment();
    }

    private static String verdict(Report report) {
        int overrides = overrideCount(report);
        String note = overrides == 0 ? "" : " " + overrides + " intentional override(s) in place (not drift).";
        int expired = report.layers().stream().mapToInt(p -> p.expired().size()).sum();
        int widening = widening(report);
        if (widening > 0) {
            note += " " + widening + (report.kind().equals("drift") ? " drift(s) widened access (security-relevant)." : " change(s) widen access.");
        }
        if (expired > 0) note += " " + expired + " expired override(s) (drift again).";
        if (!report.isComplete()) {
            List<String> names = report.notChecked().stream().map(LayerFailure::layer).toList();
            note += " " + names.size() + " layer(s) not checked (" + String.join(", ", names) + "): this report is incomplete.";
        }
        String found = report.isComplete() ? "" : " in the layers checked";
        if (!report.hasChanges()) return (report.kind().equals("drift") ? "No drift" : "No changes") + found + "." + note;
        return report.changeCount() + (report.kind().equals("drift") ? " drifted resource(s)" : " change(s)") + found + "." + note;
    }

    private static String symbol(Action a) {
        return switch (a) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case REPLACE -> "-/+";
            case DELETE -> "-";
        };
    }

    private static String show(Object v) {
        if (v == null) return "(absent)";
        try {
            return v instanceof String s ? s : JSON.writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return String.valueOf(v);
        }
    }

    private static String cell(Object v) {
        return show(v).replace("|", "\\|");
    }
}
