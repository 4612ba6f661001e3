package com.qualisys.controlplane.emulator;

import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.Upstream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RDS gaps of moto 5.2.5, filled in the shapes the RDS API reference documents
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/):
 * <ul>
 * <li>DescribeDBEngineVersions is not implemented: answered from a catalog (what RDS offers for new
 * instances today, {@link #DEFAULT_POSTGRES_VERSIONS}; 15.4 is no longer among them), with its
 * Engine, EngineVersion (a version, or a major version), DBParameterGroupFamily, DefaultOnly and
 * IncludeAll (adds the deprecated versions) filters and MaxRecords 20–100.</li>
 * <li>CreateDBInstance with a version not offered for new instances is InvalidParameterCombination
 * ("Cannot find version ... for postgres"), as is ModifyDBInstance to one.</li>
 * <li>PreferredMaintenanceWindow (ddd:hh24:mi-ddd:hh24:mi, at least 30 minutes, UTC),
 * PreferredBackupWindow (hh24:mi-hh24:mi, at least 30 minutes) and their overlap, and
 * PerformanceInsightsRetentionPeriod (7, month * 31 for 1 to 23 months, or 731) are validated as
 * the reference describes them (InvalidParameterValue / InvalidParameterCombination).</li>
 * <li>ModifyDBInstance without ApplyImmediately leaves DBInstanceClass, AllocatedStorage,
 * EngineVersion, MultiAZ, StorageType and Iops pending (PendingModifiedValues) until the maintenance
 * window, which never comes here; moto would apply them at once.</li>
 * <li>DeleteDBInstance removes what the stub kept for the instance.</li>
 * <li>Performance Insights settings are accepted but not returned (PerformanceInsightsEnabled
 * never appears), and a maintenance window that merely touches the backup window (03:00-04:00
 * and sun:04:00-sun:05:00, as the seed has them) is rejected as overlapping, which AWS accepts.
 * These fields are taken off CreateDBInstance/ModifyDBInstance before moto sees them and laid
 * over every DBInstance moto returns.</li>
 * <li>Instances are "available" at once: a test can hold one in "creating" (no Endpoint yet), and have
 * every ModifyDBInstance that changes something now leave the instance "modifying" for the next
 * {@link #modifyingFor} DescribeDBInstances answers (DBInstance.DBInstanceStatus, "Viewing Amazon RDS DB
 * instance status" in the user guide: modifying while a modification requested by the customer is
 * applied).</li>
 * <li>ModifyDBInstance of an instance that is not "available" (held in "creating", or still "modifying")
 * is InvalidDBInstanceState, HTTP 400 (ModifyDBInstance, Errors: "The DB instance isn't in a valid
 * state"); nothing is changed.</li>
 * </ul>
 */
public final class RdsApiGaps implements AwsApiFrontDoor.Responder {
    private static final Map<String, String> CARRIED = Map.of(
            "PreferredMaintenanceWindow", "PreferredMaintenanceWindow",
            "EnablePerformanceInsights", "PerformanceInsightsEnabled",
            "PerformanceInsightsRetentionPeriod", "PerformanceInsightsRetentionPeriod");
    private static final Pattern INSTANCE = Pattern.compile("<DBInstance>(.*?)</DBInstance>", Pattern.DOTALL);
    private static final Pattern IDENTIFIER = Pattern.compile("<DBInstanceIdentifier>(.*?)</DBInstanceIdentifier>");
    /** PostgreSQL versions RDS offers for new instances today (15.4 and the other early 15.x are deprecated). */
    public static final List<String> DEFAULT_POSTGRES_VERSIONS = List.of("13.20", "14.15", "14.17", "15.10", "15.12", "15.13",
            "16.6", "16.8", "16.9", "17.4", "17.5");
    /** Versions RDS lists only with IncludeAll (Status deprecated): existing instances keep them, new ones cannot have them. */
    public static final List<String> DEPRECATED_POSTGRES_VERSIONS = List.of("14.12", "15.4", "15.5", "15.6", "15.8", "16.4", "17.2");
    private static final Pattern MAINTENANCE_WINDOW = Pattern.compile("(mon|tue|wed|thu|fri|sat|sun):([01]\\d|2[0-3]):([0-5]\\d)-"
            + "(mon|tue|wed|thu|fri|sat|sun):([01]\\d|2[0-3]):([0-5]\\d)");
    private static final Pattern BACKUP_WINDOW = Pattern.compile("([01]\\d|2[0-3]):([0-5]\\d)-([01]\\d|2[0-3]):([0-5]\\d)");
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    /** What ModifyDBInstance defers to the maintenance window unless ApplyImmediately (ModifyDBInstance, ApplyImmediately). */
    private static final List<String> DEFERRED = List.of("DBInstanceClass", "AllocatedStorage", "EngineVersion", "MultiAZ", "StorageType", "Iops");
    /** ModifyDBInstance parameters that change nothing by themselves. */
    private static final java.util.Set<String> NOT_A_CHANGE = java.util.Set.of("Action", "Version", "DBInstanceIdentifier", "ApplyImmediately");

    private final List<String> engineVersions = new ArrayList<>();
    private final Map<String, Map<String, String>> carried = new HashMap<>();
    private final Map<String, String> heldStatus = new HashMap<>();
    /** Instances (account/identifier) that answer "modifying" for this many more DescribeDBInstances. */
    private final Map<String, Integer> modifying = new HashMap<>();
    private int modifyingDescribes;
    private final Map<String, String> masterPasswords = new HashMap<>();
    private final Map<String, Map<String, String>> pending = new HashMap<>();
    private final List<String> served = new ArrayList<>();

    public RdsApiGaps() {
        reset();
    }

    public synchronized void reset() {
        engineVersions.clear();
        engineVersions.addAll(DEFAULT_POSTGRES_VERSIONS);
        carried.clear();
        pending.clear();
        heldStatus.clear();
        modifying.clear();
        modifyingDescribes = 0;
        masterPasswords.clear();
        served.clear();
    }

    /** The PostgreSQL versions RDS offers (DescribeDBEngineVersions). */
    public synchronized void offerPostgresVersions(String... versions) {
        engineVersions.clear();
        engineVersions.addAll(List.of(versions));
    }

    /** DescribeDBInstances reports this status (and no Endpoint while "creating") until released. */
    public synchronized void holdInstance(String identifier, String status) {
        heldStatus.put(identifier, status);
    }

    public synchronized void releaseInstance(String identifier) {
        heldStatus.remove(identifier);
    }

    /**
     * After a ModifyDBInstance that changes something now, how many DescribeDBInstances answers say
     * "modifying" before "available" again (0, the default: available at once, as moto is).
     */
    public synchronized void modifyingFor(int describes) {
        this.modifyingDescribes = describes;
    }

    /** AWS has finished every modification: the instances report their own status again. */
    public synchronized void finishModifying() {
        modifying.clear();
    }

    /**
     * The master password the last CreateDBInstance carried: what the instance got, to compare
     * with the master secret. Kept in memory for the assertion only.
     */
    public synchronized String masterPasswordSent(String identifier) {
        return masterPasswords.get(identifier);
    }

    public synchronized List<String> served() {
        return List.copyOf(served);
    }

    /** Needs the emulator's answers too: see {@link #answer(StubRequest, Upstream)}. */
    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        return Optional.empty();
    }

    @Override
    public synchronized Optional<StubResponse> answer(StubRequest req, Upstream upstream) {
        if (!req.service().equals("rds")) return Optional.empty();
        return Optional.ofNullable(handle(req, upstream));
    }

    /** The answer, or null to let the emulator answer unchanged. */
    private StubResponse handle(StubRequest req, Upstream upstream) {
        Map<String, String> form = form(req.bodyText());
        String action = form.getOrDefault("Action", "");
        String account = req.callerAccount();
        switch (action) {
            case "DescribeDBEngineVersions" -> {
                return engineVersions(form);
            }
            case "CreateDBInstance", "ModifyDBInstance" -> {
                String id = form.getOrDefault("DBInstanceIdentifier", "").toLowerCase();
                StubResponse invalid = validate(action, form, upstream, req);
                if (invalid != null) return invalid;
                String key = account + "/" + id;
                if (action.equals("ModifyDBInstance")) {
                    String status = modifying.containsKey(key) ? "modifying" : heldStatus.get(id);
                    if (status != null && !status.equals("available")) {
                        return error("InvalidDBInstanceState", "Database instance " + id + " is in " + status
                                + " state; it can be modified once available");
                    }
                }
                if (form.containsKey("MasterUserPassword")) masterPasswords.put(id, form.get("MasterUserPassword"));
                Map<String, String> deferred = new LinkedHashMap<>();
                if (action.equals("ModifyDBInstance") && !Boolean.parseBoolean(form.getOrDefault("ApplyImmediately", "false"))) {
                    for (String param : DEFERRED) {
                        String v = form.remove(param);
                        if (v != null) deferred.put(param, v);
                    }
                }
                Map<String, String> keep = new LinkedHashMap<>(carried.getOrDefault(key, Map.of()));
                CARRIED.forEach((param, field) -> {
                    String v = form.remove(param);
                    if (v != null) keep.put(field, param.equals("PreferredMaintenanceWindow") ? v.toLowerCase() : v);
                });
                boolean changesNow = action.equals("ModifyDBInstance") && (!keep.equals(carried.getOrDefault(key, Map.of()))
                        || form.keySet().stream().anyMatch(p -> !NOT_A_CHANGE.contains(p)));
                StubResponse r = upstream.forward(req.withBody(encode(form)));
                if (r.status() == 200) {
                    if (changesNow && modifyingDescribes > 0) modifying.put(key, modifyingDescribes);
                    carried.put(key, keep);
                    if (!deferred.isEmpty()) pending.computeIfAbsent(key, k -> new LinkedHashMap<>()).putAll(deferred);
                    if (!keep.isEmpty()) served.add(action + " (carried " + String.join(", ", keep.keySet()) + ")");
                    if (!deferred.isEmpty()) served.add(action + " (pending until the maintenance window: " + String.join(", ", deferred.keySet()) + ")");
                }
                return overlay(r, account, false);
            }
            case "DeleteDBInstance" -> {
                StubResponse r = upstream.forward(req);
                if (r.status() == 200) {
                    String id = form.getOrDefault("DBInstanceIdentifier", "").toLowerCase();
                    carried.remove(account + "/" + id);
                    pending.remove(account + "/" + id);
                    modifying.remove(account + "/" + id);
                    heldStatus.remove(id);
                    masterPasswords.remove(id);
                }
                return r;
            }
            case "DescribeDBInstances" -> {
                return overlay(upstream.forward(req), account, true);
            }
            default -> {
                return null;
            }
        }
    }

    /** The reference's checks of CreateDBInstance / ModifyDBInstance that moto does not make; null when valid. */
    private StubResponse validate(String action, Map<String, String> form, Upstream upstream, StubRequest req) {
        String version = form.get("EngineVersion");
        String engine = form.getOrDefault("Engine", "postgres");
        if (version != null && engine.equals("postgres") && !engineVersions.contains(version)) {
            return error("InvalidParameterCombination", "Cannot find version " + version + " for postgres");
        }
        String maintenance = form.get("PreferredMaintenanceWindow");
        if (maintenance != null) {
            Matcher m = MAINTENANCE_WINDOW.matcher(maintenance.toLowerCase());
            if (!m.matches()) {
                return error("InvalidParameterValue", "PreferredMaintenanceWindow " + maintenance + " must be ddd:hh24:mi-ddd:hh24:mi (UTC), e.g. sun:04:00-sun:05:00");
            }
            int start = DAYS.indexOf(m.group(1)) * 1440 + Integer.parseInt(m.group(2)) * 60 + Integer.parseInt(m.group(3));
            int end = DAYS.indexOf(m.group(4)) * 1440 + Integer.parseInt(m.group(5)) * 60 + Integer.parseInt(m.group(6));
            if (Math.floorMod(end - start, 7 * 1440) < 30) {
                return error("InvalidParameterValue", "PreferredMaintenanceWindow " + maintenance + " must be at least 30 minutes");
            }
            String backup = form.get("PreferredBackupWindow");
            if (backup != null && BACKUP_WINDOW.matcher(backup).matches() && overlapsDaily(backup, start, end)) {
                return error("InvalidParameterCombination", "The backup window " + backup + " and the maintenance window " + maintenance
                        + " must not overlap");
            }
        }
        String backup = form.get("PreferredBackupWindow");
        if (backup != null) {
            Matcher b = BACKUP_WINDOW.matcher(backup);
            if (!b.matches()) return error("InvalidParameterValue", "PreferredBackupWindow " + backup + " must be hh24:mi-hh24:mi (UTC)");
            int start = Integer.parseInt(b.group(1)) * 60 + Integer.parseInt(b.group(2));
            int end = Integer.parseInt(b.group(3)) * 60 + Integer.parseInt(b.group(4));
            if (Math.floorMod(end - start, 1440) < 30) {
                return error("InvalidParameterValue", "PreferredBackupWindow " + backup + " must be at least 30 minutes");
            }
        }
        String retention = form.get("PerformanceInsightsRetentionPeriod");
        if (retention != null) {
            int days;
            try {
                days = Integer.parseInt(retention);
            } catch (NumberFormatException e) {
                days = -1;
            }
            boolean valid = days == 7 || days == 731 || (days > 0 && days % 31 == 0 && days / 31 <= 23);
            if (!valid) {
                return error("InvalidParameterValue", "PerformanceInsightsRetentionPeriod " + retention
                        + " must be 7, 731, or a number of months times 31 (31 to 713)");
            }
            if ("false".equalsIgnoreCase(form.get("EnablePerformanceInsights"))) {
                return error("InvalidParameterCombination", "PerformanceInsightsRetentionPeriod needs EnablePerformanceInsights");
            }
        }
        return null;
    }

    /** Does a daily backup window (hh:mm-hh:mm) fall inside a weekly maintenance window (minutes of the week)? Touching is not overlapping. */
    private static boolean overlapsDaily(String backup, int weekStart, int weekEnd) {
        Matcher b = BACKUP_WINDOW.matcher(backup);
        if (!b.matches()) return false;
        int start = Integer.parseInt(b.group(1)) * 60 + Integer.parseInt(b.group(2));
        int end = Integer.parseInt(b.group(3)) * 60 + Integer.parseInt(b.group(4));
        int length = Math.floorMod(end - start, 1440);
        int maintenanceLength = Math.floorMod(weekEnd - weekStart, 7 * 1440);
        for (int day = 0; day < 7; day++) {
            int bs = day * 1440 + start;
            int offset = Math.floorMod(bs - weekStart, 7 * 1440);
            // overlap of [offset, offset+length) with [0, maintenanceLength), on the weekly circle
            if (offset < maintenanceLength || offset + length > 7 * 1440) return true;
        }
        return false;
    }

    private static StubResponse error(String code, String message) {
        String xml = "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>" + code
                + "</Code><Message>" + message.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error><RequestId>"
                + UUID.randomUUID() + "</RequestId></ErrorResponse>";
        return new StubResponse(400, "text/xml", xml.getBytes(StandardCharsets.UTF_8));
    }

    private StubResponse engineVersions(Map<String, String> form) {
        String engine = form.getOrDefault("Engine", "postgres");
        String wanted = form.get("EngineVersion");
        String family = form.get("DBParameterGroupFamily");
        boolean defaultOnly = Boolean.parseBoolean(form.getOrDefault("DefaultOnly", "false"));
        boolean includeAll = Boolean.parseBoolean(form.getOrDefault("IncludeAll", "false"));
        if (form.containsKey("MaxRecords")) {
            int max = Integer.parseInt(form.get("MaxRecords"));
            if (max < 20 || max > 100) return error("InvalidParameterValue", "MaxRecords " + max + " must be from 20 to 100");
        }
        served.add("DescribeDBEngineVersions " + engine + (wanted == null ? "" : " " + wanted));
        List<String> listed = new ArrayList<>(engineVersions);
        if (includeAll) DEPRECATED_POSTGRES_VERSIONS.stream().filter(v -> !listed.contains(v)).forEach(listed::add);
        listed.sort(RdsApiGaps::compareVersions);
        // EngineVersion names a version, or a major version ("15"): DefaultOnly then keeps that major's default.
        listed.removeIf(v -> wanted != null && !wanted.equals(v) && !(wanted.indexOf('.') < 0 && v.startsWith(wanted + ".")));
        listed.removeIf(v -> family != null && !family.equals("postgres" + v.split("\\.")[0]));
        if (defaultOnly && !listed.isEmpty()) {
            List<String> available = listed.stream().filter(engineVersions::contains).toList();
            String newestMajor = available.isEmpty() ? null : available.get(available.size() - 1).split("\\.")[0];
            // The default of a major is its newest offered minor here; without a major, the newest major's.
            listed.removeIf(v -> !available.contains(v) || !v.equals(available.stream()
                    .filter(a -> a.split("\\.")[0].equals(newestMajor)).reduce((x, y) -> y).orElse(null)));
        }
        StringBuilder xml = new StringBuilder("<DescribeDBEngineVersionsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                + "<DescribeDBEngineVersionsResult><DBEngineVersions>");
        if (engine.equals("postgres")) {
            for (String v : listed) {
                String major = v.split("\\.")[0];
                xml.append("<DBEngineVersion><Engine>postgres</Engine><EngineVersion>").append(v)
                        .append("</EngineVersion><DBParameterGroupFamily>postgres").append(major)
                        .append("</DBParameterGroupFamily><DBEngineDescription>PostgreSQL</DBEngineDescription>")
                        .append("<DBEngineVersionDescription>PostgreSQL ").append(v).append("-R1</DBEngineVersionDescription>")
                        .append("<MajorEngineVersion>").append(major).append("</MajorEngineVersion>")
                        .append("<Status>").append(engineVersions.contains(v) ? "available" : "deprecated")
                        .append("</Status><SupportsParallelQuery>false</SupportsParallelQuery></DBEngineVersion>");
            }
        }
        xml.append("</DBEngineVersions></DescribeDBEngineVersionsResult><ResponseMetadata><RequestId>")
                .append(UUID.randomUUID()).append("</RequestId></ResponseMetadata></DescribeDBEngineVersionsResponse>");
        return new StubResponse(200, "text/xml", xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? Integer.parseInt(x[i]) : 0, i < y.length ? Integer.parseInt(y[i]) : 0);
            if (c != 0) return c;
        }
        return 0;
    }

    private StubResponse overlay(StubResponse r, String account, boolean describe) {
        if (r.status() != 200) return r;
        Matcher m = INSTANCE.matcher(r.bodyText());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String inner = m.group(1);
            Matcher idm = IDENTIFIER.matcher(inner);
            String id = idm.find() ? idm.group(1) : "";
            for (Map.Entry<String, String> f : carried.getOrDefault(account + "/" + id, Map.of()).entrySet()) {
                inner = inner.replaceAll("<" + f.getKey() + ">.*?</" + f.getKey() + ">", "")
                        + "<" + f.getKey() + ">" + f.getValue() + "</" + f.getKey() + ">";
            }
            Map<String, String> waiting = pending.getOrDefault(account + "/" + id, Map.of());
            if (!waiting.isEmpty()) {
                StringBuilder p = new StringBuilder("<PendingModifiedValues>");
                waiting.forEach((k, v) -> p.append('<').append(k).append('>').append(v).append("</").append(k).append('>'));
                inner = inner.replaceAll("(?s)<PendingModifiedValues>.*?</PendingModifiedValues>|<PendingModifiedValues/>", "")
                        + p.append("</PendingModifiedValues>");
            }
            String status = describe ? heldStatus.get(id) : null;
            Integer left = describe ? modifying.get(account + "/" + id) : null;
            if (left != null) {
                if (status == null) status = "modifying";
                if (left <= 1) modifying.remove(account + "/" + id); else modifying.put(account + "/" + id, left - 1);
            }
            if (status != null) {
                inner = inner.replaceAll("<DBInstanceStatus>.*?</DBInstanceStatus>", "<DBInstanceStatus>" + status + "</DBInstanceStatus>");
                // Documented: Endpoint is absent until the instance has been created.
                if (status.equals("creating")) inner = inner.replaceAll("(?s)<Endpoint>.*?</Endpoint>", "");
            }
            m.appendReplacement(out, Matcher.quoteReplacement("<DBInstance>" + inner + "</DBInstance>"));
        }
        m.appendTail(out);
        return r.withBody(out.toString());
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) return out;
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static String encode(Map<String, String> form) {
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> {
            if (!sb.isEmpty()) sb.append('&');
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }
}
