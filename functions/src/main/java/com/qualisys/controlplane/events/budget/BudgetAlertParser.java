package com.qualisys.controlplane.events.budget;

import static com.qualisys.controlplane.events.Fields.optionalArray;
import static com.qualisys.controlplane.events.Fields.optionalText;
import static com.qualisys.controlplane.events.Fields.requireObject;
import static com.qualisys.controlplane.events.Fields.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.events.EventParseException;
import com.qualisys.controlplane.events.StrictJson;
import com.qualisys.controlplane.events.Values;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses AWS Budgets notifications. AWS Budgets publishes plain English text to SNS:
 * <pre>
 * AWS Budget Notification May 29, 2024
 * AWS Account 123456789012
 *
 * Dear AWS Customer,
 *
 * You requested that we alert you when the ACTUAL Cost associated with your qualisys-monthly-500 budget
 * is greater than $400.00 for the current month. The ACTUAL Cost associated with this budget is $412.37. ...
 *
 * Budget Name: qualisys-monthly-500
 * Budget Type: Cost
 * Budgeted Amount: $500.00
 * Alert Type: ACTUAL
 * Alert Threshold: &gt; $400.00
 * ACTUAL Amount: $412.37
 * </pre>
 * The payload may be that text, the Lambda SNS event carrying it ({@code {"Records":[{"EventSource":"aws:sns",
 * "Sns":{"Subject":…,"Message":…}}]}}) or the SNS notification JSON ({@code {"Type":"Notification","Message":…}}).
 * Only cost budgets in USD are accepted; the budget period is read from the first paragraph
 * ("for the current month", "per day", "for the current quarter|year") and is monthly when not stated.
 */
public final class BudgetAlertParser {
    private static final Pattern HEADER = Pattern.compile("AWS Budget Notification ([A-Z][a-z]+ \\d{1,2}, \\d{4})");
    private static final Pattern ACCOUNT = Pattern.compile("AWS Account (\\d{12})");
    private static final Pattern FIELD = Pattern.compile("([A-Z][A-Za-z ]{2,30}): (.*)");
    private static final Pattern MONEY = Pattern.compile("\\$ ?(\\d{1,3}(,\\d{3})*(\\.\\d{1,10})?|\\d{1,15}(\\.\\d{1,10})?)");
    private static final Pattern THRESHOLD = Pattern.compile(">=? ?(\\$ ?[\\d,.]+|\\d{1,9}(\\.\\d{1,4})?%)");
    private static final Pattern NAME = Pattern.compile("[^:\\\\]{1,100}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH);
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");

    private BudgetAlertParser() {}

    public static BudgetAlert parse(String payload) throws EventParseException {
        StrictJson.checkSize(payload, "message");
        String trimmed = payload.stripLeading();
        if (!trimmed.startsWith("{")) return parseMessage(payload);
        JsonNode root = StrictJson.readObject(payload, "message");
        if (root.has("Records")) {
            List<JsonNode> records = optionalArray(root, "", "Records");
            if (records.size() != 1) {
                throw new EventParseException("Records", "(" + records.size() + " records)", "must hold exactly one SNS record");
            }
            JsonNode record = records.getFirst();
            if (!record.isObject()) throw new EventParseException("Records[0]", null, "is not an object");
            String source = requireText(record, "Records[0]", "EventSource");
            if (!source.equals("aws:sns")) throw new EventParseException("Records[0].EventSource", Values.quote(source), "is not aws:sns");
            JsonNode sns = requireObject(record, "Records[0]", "Sns");
            return parseMessage(requireText(sns, "Records[0].Sns", "Message"));
        }
        if (root.has("Message")) {
            String type = optionalText(root, "", "Type");
            if (type != null && !type.equals("Notification")) throw new EventParseException("Type", Values.quote(type), "is not Notification");
            return parseMessage(requireText(root, "", "Message"));
        }
        throw new EventParseException("message", null, "is JSON but neither an SNS event (Records) nor an SNS notification (Message)");
    }

    /** Parses the notification text itself. */
    public static BudgetAlert parseMessage(String message) throws EventParseException {
        StrictJson.checkSize(message, "message");
        List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) throw new EventParseException("message", "\"\"", "is empty");
        Matcher header = HEADER.matcher(lines.getFirst());
        if (!header.matches()) {
            throw new EventParseException("message", Values.quote(lines.getFirst()),
                    "does not start with \"AWS Budget Notification <Month d, yyyy>\"");
        }
        LocalDate notifiedOn;
        try {
            notifiedOn = LocalDate.parse(header.group(1), DATE);
        } catch (DateTimeParseException e) {
            throw new EventParseException("notification date", Values.quote(header.group(1)), "is not a date like May 29, 2024");
        }
        String account = null;
        Map<String, String> fields = new LinkedHashMap<>();
        String sentence = "";
        for (String line : lines.subList(1, lines.size())) {
            Matcher a = ACCOUNT.matcher(line);
            if (account == null && a.matches()) {
                account = a.group(1);
                continue;
            }
            if (line.startsWith("You requested that we alert you")) sentence = line;
            Matcher f = FIELD.matcher(line);
            if (f.matches() && fields.putIfAbsent(f.group(1), f.group(2).strip()) != null) {
                throw new EventParseException(f.group(1), Values.quote(f.group(2)), "appears twice");
            }
        }
        if (account == null) throw new EventParseException("AWS Account", null, "is missing (a line \"AWS Account <12 digits>\")");

        String name = field(fields, "Budget Name");
        if (!NAME.matcher(name).matches()) {
            throw new EventParseException("Budget Name", Values.quote(name), "is not a budget name (1-100 characters, no ':' or '\\')");
        }
        String type = field(fields, "Budget Type");
        if (!type.equals("Cost")) throw new EventParseException("Budget Type", Values.quote(type), "is not Cost: only cost budgets drive responses");
        BigDecimal limit = money("Budgeted Amount", field(fields, "Budgeted Amount"));
        if (limit.signum() <= 0) throw new EventParseException("Budgeted Amount", Values.quote(fields.get("Budgeted Amount")), "must be greater than 0");
        String alertTypeText = field(fields, "Alert Type");
        BudgetAlert.AlertType alertType;
        try {
            alertType = BudgetAlert.AlertType.valueOf(alertTypeText);
        } catch (IllegalArgumentException e) {
            throw new EventParseException("Alert Type", Values.quote(alertTypeText), "is not ACTUAL or FORECASTED");
        }
        BudgetAlert.Threshold threshold = threshold(field(fields, "Alert Threshold"));
        BigDecimal amount = money(alertType + " Amount", field(fields, alertType + " Amount"));
        return new BudgetAlert(name, account, notifiedOn, alertType, limit, threshold, amount, period(sentence));
    }

    private static String field(Map<String, String> fields, String key) throws EventParseException {
        String v = fields.get(key);
        if (v == null) throw new EventParseException(key, null, "is missing (a line \"" + key + ": ...\")");
        if (v.isEmpty()) throw new EventParseException(key, "\"\"", "is empty");
        return v;
    }

    private static BigDecimal money(String field, String text) throws EventParseException {
        Matcher m = MONEY.matcher(text);
        if (!m.matches()) throw new EventParseException(field, Values.quote(text), "is not a USD amount like $1,234.56");
        BigDecimal v = new BigDecimal(m.group(1).replace(",", ""));
        if (v.compareTo(MAX_AMOUNT) > 0) throw new EventParseException(field, Values.quote(text), "is out of range");
        return v;
    }

    private static BudgetAlert.Threshold threshold(String text) throws EventParseException {
        Matcher m = THRESHOLD.matcher(text);
        if (!m.matches()) throw new EventParseException("Alert Threshold", Values.quote(text), "is not a threshold like > $400.00 or > 80%");
        String v = m.group(1);
        if (v.endsWith("%")) {
            BigDecimal pct = new BigDecimal(v.substring(0, v.length() - 1));
            if (pct.signum() <= 0) throw new EventParseException("Alert Threshold", Values.quote(text), "must be above 0%");
            return new BudgetAlert.Threshold(pct, true);
        }
        return new BudgetAlert.Threshold(money("Alert Threshold", v), false);
    }

    private static BudgetPeriod period(String sentence) {
        if (sentence.contains("per day")) return BudgetPeriod.DAILY;
        if (sentence.contains("current quarter")) return BudgetPeriod.QUARTERLY;
        if (sentence.contains("current year")) return BudgetPeriod.ANNUALLY;
        return BudgetPeriod.MONTHLY;
    }
}
