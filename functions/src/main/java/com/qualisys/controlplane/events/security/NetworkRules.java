package com.qualisys.controlplane.events.security;

import static com.qualisys.controlplane.events.Fields.optionalArray;
import static com.qualisys.controlplane.events.Fields.optionalInt;
import static com.qualisys.controlplane.events.Fields.optionalObject;
import static com.qualisys.controlplane.events.Fields.optionalText;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.events.EventParseException;
import java.util.ArrayList;
import java.util.List;

/** Reads security-group rules out of the CloudTrail request shapes of the EC2 calls. */
final class NetworkRules {
    private static final String RP = "detail.requestParameters";

    private NetworkRules() {}

    /**
     * Authorize/Revoke*: {@code ipPermissions.items[]} each with ipProtocol, fromPort, toPort and
     * {@code ipRanges|ipv6Ranges|groups|prefixListIds.items[]}; or the legacy flat form (ipProtocol, fromPort,
     * toPort, cidrIp at the top).
     */
    static List<IpRule> fromIpPermissions(JsonNode rp, boolean egress) throws EventParseException {
        List<IpRule> rules = new ArrayList<>();
        JsonNode permissions = optionalObject(rp, RP, "ipPermissions");
        if (permissions != null) {
            List<JsonNode> items = optionalArray(permissions, RP + ".ipPermissions", "items");
            for (int i = 0; i < items.size(); i++) {
                String path = RP + ".ipPermissions.items[" + i + "]";
                JsonNode p = object(items.get(i), path);
                String protocol = IpRule.normalizeProtocol(optionalText(p, path, "ipProtocol"));
                Integer from = optionalInt(p, path, "fromPort", -1, 65535);
                Integer to = optionalInt(p, path, "toPort", -1, 65535);
                for (String cidr : peers(p, path, "ipRanges", "cidrIp")) rules.add(new IpRule(egress, protocol, from, to, cidr, null, null));
                for (String cidr : peers(p, path, "ipv6Ranges", "cidrIpv6")) rules.add(new IpRule(egress, protocol, from, to, cidr, null, null));
                for (String g : peers(p, path, "groups", "groupId")) rules.add(new IpRule(egress, protocol, from, to, null, g, null));
                for (String pl : peers(p, path, "prefixListIds", "prefixListId")) rules.add(new IpRule(egress, protocol, from, to, null, null, pl));
            }
        }
        String flatCidr = optionalText(rp, RP, "cidrIp");
        if (flatCidr != null) {
            rules.add(new IpRule(egress, IpRule.normalizeProtocol(optionalText(rp, RP, "ipProtocol")),
                    optionalInt(rp, RP, "fromPort", -1, 65535), optionalInt(rp, RP, "toPort", -1, 65535), flatCidr, null, null));
        }
        return rules;
    }

    /**
     * ModifySecurityGroupRules: {@code ModifySecurityGroupRulesRequest.SecurityGroupRule} (one object or a
     * list) each with {@code SecurityGroupRule: {IpProtocol, FromPort, ToPort, CidrIpv4|CidrIpv6|ReferencedGroupId|PrefixListId}}.
     * Direction is not in the request: the rules are reported as ingress.
     */
    static List<IpRule> fromModifyRequest(JsonNode request, String path) throws EventParseException {
        List<IpRule> rules = new ArrayList<>();
        JsonNode entries = request.get("SecurityGroupRule");
        List<JsonNode> list = new ArrayList<>();
        if (entries != null && entries.isArray()) list.addAll(optionalArray(request, path, "SecurityGroupRule"));
        else if (entries != null && !entries.isNull()) list.add(optionalObject(request, path, "SecurityGroupRule"));
        for (int i = 0; i < list.size(); i++) {
            String p = path + ".SecurityGroupRule" + (entries.isArray() ? "[" + i + "]" : "");
            JsonNode inner = optionalObject(object(list.get(i), p), p, "SecurityGroupRule");
            if (inner == null) continue;
            String ip = p + ".SecurityGroupRule";
            String protocol = IpRule.normalizeProtocol(optionalText(inner, ip, "IpProtocol"));
            Integer from = optionalInt(inner, ip, "FromPort", -1, 65535);
            Integer to = optionalInt(inner, ip, "ToPort", -1, 65535);
            String v4 = optionalText(inner, ip, "CidrIpv4");
            String v6 = optionalText(inner, ip, "CidrIpv6");
            rules.add(new IpRule(false, protocol, from, to, v4 != null ? v4 : v6, optionalText(inner, ip, "ReferencedGroupId"),
                    optionalText(inner, ip, "PrefixListId")));
        }
        return rules;
    }

    private static List<String> peers(JsonNode permission, String path, String listKey, String valueKey) throws EventParseException {
        JsonNode holder = optionalObject(permission, path, listKey);
        if (holder == null) return List.of();
        List<String> values = new ArrayList<>();
        List<JsonNode> items = optionalArray(holder, path + "." + listKey, "items");
        for (int i = 0; i < items.size(); i++) {
            String p = path + "." + listKey + ".items[" + i + "]";
            String v = optionalText(object(items.get(i), p), p, valueKey);
            if (v != null) values.add(v);
        }
        return values;
    }

    static JsonNode object(JsonNode n, String path) throws EventParseException {
        if (n == null || !n.isObject()) {
            throw new EventParseException(path, n == null ? null : com.qualisys.controlplane.events.Values.printable(n.toString(), 60),
                    "is not an object");
        }
        return n;
    }
}
