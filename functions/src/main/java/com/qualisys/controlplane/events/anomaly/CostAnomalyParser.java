package com.qualisys.controlplane.events.anomaly;

import static com.qualisys.controlplane.events.Fields.optionalArray;
import static com.qualisys.controlplane.events.Fields.optionalDate;
import static com.qualisys.controlplane.events.Fields.optionalNumber;
import static com.qualisys.controlplane.events.Fields.optionalObject;
import static com.qualisys.controlplane.events.Fields.optionalText;
import static com.qualisys.controlplane.events.Fields.requireNumber;
import static com.qualisys.controlplane.events.Fields.requireObject;
import static com.qualisys.controlplane.events.Fields.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.StrictJson;
import com.qualisys.controlplane.events.Values;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses Cost Anomaly Detection alerts, which arrive two ways in two shapes:
 * <ul>
 * <li>SNS (immediate alert subscriptions): the message is JSON with accountId, anomalyId, anomalyStartDate,
 *     anomalyEndDate, {@code dimensionalValue}, impact{maxImpact, totalImpact, totalActualSpend,
 *     totalExpectedSpend, totalImpactPercentage}, monitorArn, rootCauses[{service, region, linkedAccount,
 *     linkedAccountName, usageType, impact{contribution}}], anomalyDetailsLink, subscriptionId/Name. Accepted
 *     bare, inside the Lambda SNS event (Records[0].Sns.Message) or inside an SNS notification (Message).</li>
 * <li>EventBridge: source {@code aws.ce}, detail-type {@code Anomaly Detected}; the detail has the same
 *     fields but {@code dimensionValue} (not dimensionalValue), plus monitorName and accountName.</li>
 * </ul>
 * anomalyId, monitorArn and impact.totalImpact/maxImpact are required; money must be JSON numbers.
 */
public final class CostAnomalyParser {
    public static final String SOURCE = "aws.ce";
    public static final String DETAIL_TYPE = "Anomaly Detected";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,1024}");
    private static final Pattern MONITOR_ARN = Pattern.compile("arn:aws[-a-z0-9]*:ce::\\d{12}:anomalymonitor/[A-Za-z0-9-]{1,200}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private CostAnomalyParser() {}

    public static CostAnomaly parse(String payload) throws EventParseException {
        JsonNode root = StrictJson.readObject(payload, "alert");
        if (root.has("detail-type") || root.has("detail")) return eventBridge(root);
        if (root.has("Records")) {
            List<JsonNode> records = optionalArray(root, "", "Records");
            if (records.size() != 1) throw new EventParseException("Records", "(" + records.size() + " records)", "must hold exactly one SNS record");
            JsonNode record = records.getFirst();
            if (!record.isObject()) throw new EventParseException("Records[0]", null, "is not an object");
            String source = requireText(record, "Records[0]", "EventSource");
            if (!source.equals("aws:sns")) throw new EventParseException("Records[0].EventSource", Values.quote(source), "is not aws:sns");
            return snsMessage(requireText(requireObject(record, "Records[0]", "Sns"), "Records[0].Sns", "Message"), "Records[0].Sns.Message");
        }
        if (root.has("Message") && root.has("Type")) return snsMessage(requireText(root, "", "Message"), "Message");
        return anomaly(root, "", CostAnomaly.Route.SNS, null);
    }

    private static CostAnomaly snsMessage(String message, String path) throws EventParseException {
        JsonNode inner = StrictJson.readObject(message, path);
        return anomaly(inner, path, CostAnomaly.Route.SNS, null);
    }

    private static CostAnomaly eventBridge(JsonNode root) throws EventParseException {
        String source = requireText(root, "", "source");
        if (!source.equals(SOURCE)) throw new EventParseException("source", Values.quote(source), "is not " + SOURCE);
        String detailType = requireText(root, "", "detail-type");
        if (!detailType.equals(DETAIL_TYPE)) throw new EventParseException("detail-type", Values.quote(detailType), "is not \"" + DETAIL_TYPE + "\"");
        String account = optionalText(root, "", "account");
        return anomaly(requireObject(root, "", "detail"), "detail", CostAnomaly.Route.EVENTBRIDGE, account);
    }

    private static CostAnomaly anomaly(JsonNode a, String path, CostAnomaly.Route route, String envelopeAccount) throws EventParseException {
        String id = requireText(a, path, "anomalyId", ID, "is not an anomaly id");
        String monitorArn = requireText(a, path, "monitorArn", MONITOR_ARN, "is not a Cost Anomaly Detection monitor ARN");
        String account = optionalText(a, path, "accountId");
        if (account == null) account = envelopeAccount;
        if (account != null && !ACCOUNT.matcher(account).matches()) {
            throw new EventParseException(path(path, "accountId"), Values.quote(account), "is not a 12-digit AWS account id");
        }
        String dimensionKey = route == CostAnomaly.Route.SNS ? "dimensionalValue" : "dimensionValue";
        String service = optionalText(a, path, dimensionKey);
        LocalDate start = optionalDate(a, path, "anomalyStartDate");
        LocalDate end = optionalDate(a, path, "anomalyEndDate");
        if (start != null && end != null && end.isBefore(start)) {
            throw new EventParseException(path(path, "anomalyEndDate"), end.toString(), "is before anomalyStartDate " + start);
        }
        String impactPath = path(path, "impact");
        JsonNode impact = requireObject(a, path, "impact");
        BigDecimal total = nonNegative(requireNumber(impact, impactPath, "totalImpact"), path(impactPath, "totalImpact"));
        BigDecimal max = nonNegative(requireNumber(impact, impactPath, "maxImpact"), path(impactPath, "maxImpact"));
        List<CostAnomaly.RootCause> causes = new ArrayList<>();
        List<JsonNode> items = optionalArray(a, path, "rootCauses");
        for (int i = 0; i < items.size(); i++) {
            String p = path(path, "rootCauses") + "[" + i + "]";
            JsonNode c = items.get(i);
            if (!c.isObject()) throw new EventParseException(p, null, "is not an object");
            JsonNode ci = optionalObject(c, p, "impact");
            causes.add(new CostAnomaly.RootCause(optionalText(c, p, "service"), optionalText(c, p, "region"),
                    optionalText(c, p, "linkedAccount"), optionalText(c, p, "linkedAccountName"), optionalText(c, p, "usageType"),
                    ci == null ? null : optionalNumber(ci, p + ".impact", "contribution")));
        }
        return new CostAnomaly(route, id, account, monitorArn, optionalText(a, path, "monitorName"), service, start, end, total, max,
                optionalNumber(impact, impactPath, "totalActualSpend"), optionalNumber(impact, impactPath, "totalExpectedSpend"),
                optionalNumber(impact, impactPath, "totalImpactPercentage"), causes, optionalText(a, path, "anomalyDetailsLink"));
    }

    private static BigDecimal nonNegative(BigDecimal v, String path) throws EventParseException {
        if (v.signum() < 0) throw new EventParseException(path, v.toPlainString(), "is negative");
        return v;
    }

    private static String path(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }
}
