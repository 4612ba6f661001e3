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
 * RDS gaps of moto 5.2.5, filled in the shapes the RDS API reference documents:
 * <ul>
 * <li>DescribeDBEngineVersions is not implemented: answered from a catalog the test sets.</li>
 * <li>Performance Insights settings are accepted but not returned (PerformanceInsightsEnabled
 * never appears), and a maintenance window that merely touches the backup window (03:00-04:00
 * and sun:04:00-sun:05:00, as the seed has them) is rejected as overlapping, which AWS accepts.
 * These fields are taken off CreateDBInstance/ModifyDBInstance before moto sees them and laid
 * over every DBInstance moto returns.</li>
 * <li>Instances are "available" at once: a test can hold one in "creating" (no Endpoint yet).</li>
 * </ul>
 */
public final class RdsApiGaps implements AwsApiFrontDoor.Responder {
    private static final Map<String, String> CARRIED = Map.of(
            "PreferredMaintenanceWindow", "PreferredMaintenanceWindow",
            "EnablePerformanceInsights", "PerformanceInsightsEnabled",
            "PerformanceInsightsRetentionPeriod", "PerformanceInsightsRetentionPeriod");
    private static final Pattern INSTANCE = Pattern.compile("<DBInstance>(.*?)</DBInstance>", Pattern.DOTALL);
    private static final Pattern IDENTIFIER = Pattern.compile("<DBInstanceIdentifier>(.*?)</DBInstanceIdentifier>");
    public static final List<String> DEFAULT_POSTGRES_VERSIONS = List.of("14.12", "15.4", "15.8", "15.10", "16.4", "17.2");

    private final List<String> engineVersions = new ArrayList<>();
    private final Map<String, Map<String, String>> carried = new HashMap<>();
    private final Map<String, String> heldStatus = new HashMap<>();
    private final Map<String, String> masterPasswords = new HashMap<>();
    private final List<String> served = new ArrayList<>();

    public RdsApiGaps() {
        reset();
    }

    public synchronized void reset() {
        engineVersions.clear();
        engineVersions.addAll(DEFAULT_POSTGRES_VERSIONS);
        carried.clear();
        heldStatus.clear();
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
        switch (action) {
            case "DescribeDBEngineVersions" -> {
                return engineVersions(form);
            }
            case "CreateDBInstance", "ModifyDBInstance" -> {
                String id = form.get("DBInstanceIdentifier").toLowerCase();
                if (form.containsKey("MasterUserPassword")) masterPasswords.put(id, form.get("MasterUserPassword"));
                Map<String, String> keep = carried.computeIfAbsent(id, k -> new LinkedHashMap<>());
                CARRIED.forEach((param, field) -> {
                    String v = form.remove(param);
                    if (v != null) keep.put(field, param.equals("PreferredMaintenanceWindow") ? v.toLowerCase() : v);
                });
                if (!keep.isEmpty()) served.add(action + " (carried " + String.join(", ", keep.keySet()) + ")");
                return overlay(upstream.forward(req.withBody(encode(form))), false);
            }
            case "DescribeDBInstances" -> {
                return overlay(upstream.forward(req), true);
            }
            default -> {
                return null;
            }
        }
    }

    private StubResponse engineVersions(Map<String, String> form) {
        String engine = form.getOrDefault("Engine", "postgres");
        String wanted = form.get("EngineVersion");
        served.add("DescribeDBEngineVersions " + engine + (wanted == null ? "" : " " + wanted));
        StringBuilder xml = new StringBuilder("<DescribeDBEngineVersionsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                + "<DescribeDBEngineVersionsResult><DBEngineVersions>");
        if (engine.equals("postgres")) {
            for (String v : engineVersions) {
                if (wanted != null && !wanted.equals(v)) continue;
                String major = v.split("\\.")[0];
                xml.append("<DBEngineVersion><Engine>postgres</Engine><EngineVersion>").append(v)
                        .append("</EngineVersion><DBParameterGroupFamily>postgres").append(major)
                        .append("</DBParameterGroupFamily><DBEngineDescription>PostgreSQL</DBEngineDescription>")
                        .append("<DBEngineVersionDescription>PostgreSQL ").append(v).append("-R1</DBEngineVersionDescription>")
                        .append("<MajorEngineVersion>").append(major).append("</MajorEngineVersion>")
                        .append("<Status>available</Status><SupportsParallelQuery>false</SupportsParallelQuery></DBEngineVersion>");
            }
        }
        xml.append("</DBEngineVersions></DescribeDBEngineVersionsResult><ResponseMetadata><RequestId>")
                .append(UUID.randomUUID()).append("</RequestId></ResponseMetadata></DescribeDBEngineVersionsResponse>");
        return new StubResponse(200, "text/xml", xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private StubResponse overlay(StubResponse r, boolean describe) {
        if (r.status() != 200) return r;
        Matcher m = INSTANCE.matcher(r.bodyText());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String inner = m.group(1);
            Matcher idm = IDENTIFIER.matcher(inner);
            String id = idm.find() ? idm.group(1) : "";
            for (Map.Entry<String, String> f : carried.getOrDefault(id, Map.of()).entrySet()) {
                inner = inner.replaceAll("<" + f.getKey() + ">.*?</" + f.getKey() + ">", "")
                        + "<" + f.getKey() + ">" + f.getValue() + "</" + f.getKey() + ">";
            }
            String status = describe ? heldStatus.get(id) : null;
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
