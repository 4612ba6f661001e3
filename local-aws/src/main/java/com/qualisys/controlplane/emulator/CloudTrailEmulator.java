package com.qualisys.controlplane.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.Upstream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudTrail management events for the local AWS, which moto does not record: every mutating call
 * that passes the front door becomes an event (who, from the caller's access key; what, the
 * operation and its request parameters; which resources; when; from where), and LookupEvents
 * answers from that record in the shape the CloudTrail API reference documents (newest first,
 * at most 50 per page, one lookup attribute, 2 requests per second per account and region).
 *
 * <p>The caller's identity is what the emulator's STS says for the request's access key
 * (GetCallerIdentity with that key): an IAM user created in the emulator with its own access key is
 * that user. S3 object calls are data events, not management events, and are not recorded (as in a
 * trail without data events).
 */
public final class CloudTrailEmulator implements AwsApiFrontDoor.Responder, AwsApiFrontDoor.Observer {
    static final String TARGET = "CloudTrail_20131101.LookupEvents";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/aws4_request");
    private static final Pattern READ_ONLY = Pattern.compile(
            "^(Describe|List|Get|Lookup|Head|Search|Check|Validate|Estimate|Preview|Simulate|Test|Filter|Query|Scan|BatchGet).*");
    private static final Pattern AWS_ID = Pattern.compile("^(vpc|subnet|sg|rtb|acl|igw|nat|eipalloc|fl|i|vol|eni|dopt|pl)-[0-9a-f]{8,17}$");
    private static final Map<String, String> TYPE_BY_PREFIX = Map.of("vpc", "AWS::EC2::VPC", "subnet", "AWS::EC2::Subnet",
            "sg", "AWS::EC2::SecurityGroup", "rtb", "AWS::EC2::RouteTable", "acl", "AWS::EC2::NetworkAcl",
            "igw", "AWS::EC2::InternetGateway", "nat", "AWS::EC2::NatGateway", "eipalloc", "AWS::EC2::EIP", "fl", "AWS::EC2::FlowLog");
    private static final Set<String> LOOKUP_KEYS = Set.of("EventId", "EventName", "ReadOnly", "Username", "ResourceType",
            "ResourceName", "EventSource", "AccessKeyId");
    private static final int MAX_RESULTS = 50;
    private static final int REQUESTS_PER_SECOND = 2;

    /** One recorded call. */
    public record Event(String eventId, String eventName, String eventSource, Instant eventTime, String region, String accessKeyId,
                        String userArn, String sourceIp, Map<String, Object> requestParameters, List<Map<String, String>> resources,
                        String errorCode) {
        public String userName() {
            int slash = userArn.lastIndexOf('/');
            return slash < 0 ? userArn : userArn.substring(slash + 1);
        }

        public String userType() {
            if (userArn.contains(":assumed-role/")) return "AssumedRole";
            if (userArn.contains(":user/")) return "IAMUser";
            return "Root";
        }
    }

    private final List<Event> events = new ArrayList<>();
    private final Map<String, String> arnByAccountAndKey = new ConcurrentHashMap<>();
    private final Map<String, long[]> lookupsInSecond = new ConcurrentHashMap<>();

    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        if (!request.target().endsWith(TARGET)) return Optional.empty();
        return Optional.of(lookup(request));
    }

    @Override
    public void answered(StubRequest request, int status, String sourceIp, Upstream emulator) {
        String service = request.service();
        if (service.isEmpty() || service.equals("s3") || service.equals("sts")) return;
        Call call = Call.of(request);
        if (call == null || READ_ONLY.matcher(call.operation()).matches()) return;
        Matcher credential = CREDENTIAL.matcher(authorization(request));
        if (!credential.find()) return;
        String accessKey = credential.group(1);
        String arn = arnByAccountAndKey.computeIfAbsent(request.callerAccount() + "/" + accessKey, k -> callerArn(request, emulator));
        Event event = new Event(UUID.randomUUID().toString(), call.operation(), service + ".amazonaws.com", Instant.now(),
                credential.group(2), accessKey, arn, sourceIp, call.parameters(), resources(call.parameters()),
                status >= 400 ? "HTTP" + status : null);
        synchronized (events) {
            events.add(event);
        }
    }

    /** Every recorded event, oldest first. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public void reset() {
        synchronized (events) {
            events.clear();
        }
        arnByAccountAndKey.clear();
        lookupsInSecond.clear();
    }

    private StubResponse lookup(StubRequest request) {
        Matcher credential = CREDENTIAL.matcher(authorization(request));
        String scope = credential.find() ? credential.group(1) + "/" + credential.group(2) : "";
        long second = Instant.now().getEpochSecond();
        long[] window = lookupsInSecond.compute(scope, (k, w) -> w == null || w[0] != second ? new long[] {second, 1} : new long[] {second, w[1] + 1});
        if (window[1] > REQUESTS_PER_SECOND) return StubResponse.jsonError("ThrottlingException", "Rate exceeded");
        JsonNode in = request.json();
        int max = in.path("MaxResults").asInt(MAX_RESULTS);
        if (max < 1 || max > MAX_RESULTS) {
            return StubResponse.jsonError("InvalidMaxResultsException", "MaxResults must be between 1 and 50, got " + max);
        }
        Instant start = in.has("StartTime") ? epoch(in.get("StartTime")) : Instant.EPOCH;
        Instant end = in.has("EndTime") ? epoch(in.get("EndTime")) : Instant.now().plusSeconds(1);
        if (start.isAfter(end)) return StubResponse.jsonError("InvalidTimeRangeException", "StartTime is after EndTime");
        String key = null;
        String value = null;
        JsonNode attributes = in.path("LookupAttributes");
        if (attributes.size() > 1) {
            return StubResponse.jsonError("InvalidLookupAttributesException", "only one lookup attribute is allowed");
        }
        if (attributes.size() == 1) {
            key = attributes.get(0).path("AttributeKey").asText();
            value = attributes.get(0).path("AttributeValue").asText();
            if (!LOOKUP_KEYS.contains(key)) {
                return StubResponse.jsonError("InvalidLookupAttributesException", "AttributeKey " + key + " is not one of " + LOOKUP_KEYS);
            }
        }
        List<Event> matching = new ArrayList<>();
        for (Event e : events()) {
            if (e.eventTime().isBefore(start) || e.eventTime().isAfter(end)) continue;
            if (key == null || matches(e, key, value)) matching.add(e);
        }
        matching.sort((a, b) -> b.eventTime().compareTo(a.eventTime()));
        int from = 0;
        if (in.hasNonNull("NextToken")) {
            try {
                from = Integer.parseInt(in.get("NextToken").asText());
            } catch (NumberFormatException bad) {
                return StubResponse.jsonError("InvalidNextTokenException", "NextToken " + in.get("NextToken").asText() + " is not valid");
            }
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode page = out.putArray("Events");
        int to = Math.min(matching.size(), from + max);
        for (Event e : matching.subList(Math.min(from, to), to)) page.add(lookupEvent(e));
        if (to < matching.size()) out.put("NextToken", Integer.toString(to));
        return StubResponse.json(200, out);
    }

    private static boolean matches(Event e, String key, String value) {
        return switch (key) {
            case "EventId" -> e.eventId().equals(value);
            case "EventName" -> e.eventName().equals(value);
            case "ReadOnly" -> value.equalsIgnoreCase("false"); // only mutating calls are recorded
            case "Username" -> e.userName().equals(value);
            case "EventSource" -> e.eventSource().equals(value);
            case "AccessKeyId" -> e.accessKeyId().equals(value);
            case "ResourceName" -> e.resources().stream().anyMatch(r -> value.equals(r.get("ResourceName")));
            case "ResourceType" -> e.resources().stream().anyMatch(r -> value.equals(r.get("ResourceType")));
            default -> false;
        };
    }

    private ObjectNode lookupEvent(Event e) {
        ObjectNode out = JSON.createObjectNode();
        out.put("EventId", e.eventId());
        out.put("EventName", e.eventName());
        out.put("ReadOnly", "false");
        out.put("AccessKeyId", e.accessKeyId());
        out.put("EventTime", e.eventTime().toEpochMilli() / 1000.0);
        out.put("EventSource", e.eventSource());
        out.put("Username", e.userName());
        ArrayNode resources = out.putArray("Resources");
        for (Map<String, String> r : e.resources()) {
            ObjectNode node = resources.addObject();
            if (r.get("ResourceType") != null) node.put("ResourceType", r.get("ResourceType"));
            node.put("ResourceName", r.get("ResourceName"));
        }
        out.put("CloudTrailEvent", cloudTrailEvent(e));
        return out;
    }

    /** The event record as CloudTrail writes it (the fields this record has). */
    private static String cloudTrailEvent(Event e) {
        ObjectNode record = JSON.createObjectNode();
        record.put("eventVersion", "1.08");
        ObjectNode identity = record.putObject("userIdentity");
        identity.put("type", e.userType());
        identity.put("arn", e.userArn());
        identity.put("accountId", accountOf(e.userArn()));
        identity.put("accessKeyId", e.accessKeyId());
        if (e.userType().equals("IAMUser")) identity.put("userName", e.userName());
        record.put("eventTime", e.eventTime().toString());
        record.put("eventSource", e.eventSource());
        record.put("eventName", e.eventName());
        record.put("awsRegion", e.region());
        record.put("sourceIPAddress", e.sourceIp());
        record.set("requestParameters", JSON.valueToTree(e.requestParameters()));
        if (e.errorCode() != null) record.put("errorCode", e.errorCode());
        record.put("eventID", e.eventId());
        record.put("readOnly", false);
        record.put("eventType", "AwsApiCall");
        record.put("managementEvent", true);
        record.put("recipientAccountId", accountOf(e.userArn()));
        return record.toString();
    }

    private static String accountOf(String arn) {
        String[] parts = arn.split(":");
        return parts.length > 4 ? parts[4] : "";
    }

    /** The resources a call names: AWS ids (typed when the prefix tells) and the values of *Name/*Arn/*Identifier parameters. */
    private static List<Map<String, String>> resources(Map<String, Object> parameters) {
        Set<String> seen = new LinkedHashSet<>();
        List<Map<String, String>> out = new ArrayList<>();
        collect("", parameters, seen, out);
        return out;
    }

    private static void collect(String key, Object value, Set<String> seen, List<Map<String, String>> out) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> collect(String.valueOf(k), v, seen, out));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collect(key, v, seen, out));
        } else if (value instanceof String s && !s.isEmpty()) {
            String bareKey = key.replaceAll("\\.\\d+$", "").replaceAll("\\.member$", "");
            boolean id = AWS_ID.matcher(s).matches();
            boolean named = bareKey.matches("(?i).*(Name|Arn|Identifier)") && !bareKey.matches("(?i)(PolicyName|Key|Value|Action)");
            if ((id || named) && seen.add(s)) {
                Map<String, String> r = new LinkedHashMap<>();
                r.put("ResourceType", id ? TYPE_BY_PREFIX.get(s.substring(0, s.indexOf('-'))) : null);
                r.put("ResourceName", s);
                out.add(r);
            }
        }
    }

    /**
     * The ARN of the principal whose access key signed the request, as the emulator's STS knows it in the
     * account the request acted in (asked with that account named: without it, moto searches every
     * account it has seen for the key, building each one's IAM in every partition).
     */
    private static String callerArn(StubRequest request, Upstream emulator) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.put("x-moto-account-id", List.of(request.callerAccount()));
        headers.put("Authorization", List.of(authorization(request).replaceFirst("/[^/]+/aws4_request", "/sts/aws4_request")));
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
        StubRequest sts = new StubRequest("POST", request.uri().resolve("/"), headers,
                "Action=GetCallerIdentity&Version=2011-06-15".getBytes(StandardCharsets.UTF_8));
        Matcher arn = Pattern.compile("<Arn>([^<]+)</Arn>").matcher(emulator.forward(sts).bodyText());
        return arn.find() ? arn.group(1) : "unknown";
    }

    private static String authorization(StubRequest request) {
        for (var e : request.headers().entrySet()) {
            if (e.getKey().equalsIgnoreCase("Authorization") && !e.getValue().isEmpty()) return e.getValue().get(0);
        }
        return "";
    }

    private static Instant epoch(JsonNode value) {
        if (value.isNumber()) return Instant.ofEpochMilli(Math.round(value.asDouble() * 1000));
        return Instant.parse(value.asText());
    }

    /** The operation of a request and its parameters, by protocol. */
    private record Call(String operation, Map<String, Object> parameters) {
        @SuppressWarnings("unchecked")
        static Call of(StubRequest request) {
            String target = request.target();
            if (!target.isEmpty()) {
                Map<String, Object> params = JSON.convertValue(request.json(), Map.class);
                return new Call(target.substring(target.lastIndexOf('.') + 1), params == null ? Map.of() : params);
            }
            String body = request.bodyText();
            if (body.startsWith("Action=") || body.contains("&Action=")) {
                Map<String, Object> params = new LinkedHashMap<>();
                String action = null;
                for (String pair : body.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq < 0) continue;
                    String k = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    if (k.equals("Action")) action = v;
                    // CloudTrail writes request parameters in lower camel case: SubnetId → subnetId.
                    else if (!k.equals("Version")) params.put(Character.toLowerCase(k.charAt(0)) + k.substring(1), v);
                }
                return action == null ? null : new Call(action, params);
            }
            // REST protocols (EKS, ...): the method and path name the call; reads are GET and HEAD.
            String method = request.method().toUpperCase(java.util.Locale.ROOT);
            if (method.equals("GET") || method.equals("HEAD")) return null;
            Map<String, Object> params = new LinkedHashMap<>();
            Iterator<String> segments = List.of(request.uri().getPath().split("/")).iterator();
            List<String> path = new ArrayList<>();
            segments.forEachRemaining(s -> {
                if (!s.isEmpty()) path.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            });
            params.put("path", "/" + String.join("/", path));
            if (request.body().length > 0 && request.bodyText().trim().startsWith("{")) {
                params.put("body", JSON.convertValue(request.json(), Map.class));
            }
            for (int i = 1; i < path.size(); i += 2) params.put(path.get(i - 1) + "Name", path.get(i));
            return new Call(method + " " + params.get("path"), params);
        }
    }
}
