package com.qualisys.controlplane.events.security;

import com.qualisys.controlplane.spec.VpcSpec;
import java.util.Locale;

/**
 * One security-group rule as a CloudTrail event states it: protocol ("tcp", "udp", "icmp" or "-1" for all),
 * port range, and exactly one peer (an IPv4/IPv6 CIDR, a group id or a prefix list).
 */
public record IpRule(boolean egress, String protocol, Integer fromPort, Integer toPort, String cidr, String peerGroupId,
                     String prefixListId) {

    public boolean openToInternet() {
        return "0.0.0.0/0".equals(cidr) || "::/0".equals(cidr);
    }

    public boolean allTraffic() {
        return "-1".equals(protocol);
    }

    /** Whether the port range includes the given port (all traffic includes every port). */
    public boolean covers(int port) {
        if (allTraffic()) return true;
        if (fromPort == null || toPort == null) return false;
        if (fromPort == -1 && toPort == -1) return true;
        return fromPort <= port && port <= toPort;
    }

    public String peer() {
        return cidr != null ? cidr : peerGroupId != null ? peerGroupId : prefixListId;
    }

    /** "tcp 5432 from 0.0.0.0/0", "all traffic to sg-123". */
    public String display() {
        String what = allTraffic() ? "all traffic" : protocol + " " + ports();
        return what + (egress ? " to " : " from ") + peer();
    }

    private String ports() {
        if (fromPort == null) return "";
        return fromPort.equals(toPort) ? String.valueOf(fromPort) : fromPort + "-" + toPort;
    }

    /**
     * Whether the spec declares this rule (same direction is the caller's job): protocol, ports and peer.
     * specPeer is this rule's peer in the spec's terms: its CIDR, {@code self}, or {@code sg:<key>} for a
     * managed group (null when the peer is not managed).
     */
    public boolean declaredBy(VpcSpec.SecurityGroupRule rule, String specPeer) {
        String p = rule.protocol() == null ? "" : rule.protocol().toLowerCase(Locale.ROOT);
        if (p.equals("all") != allTraffic()) return false;
        if (!allTraffic()) {
            if (!p.equals(protocol)) return false;
            if (rule.ports() != null) {
                String[] range = rule.ports().split("-");
                int from = Integer.parseInt(range[0]);
                int to = Integer.parseInt(range[range.length - 1]);
                if (fromPort == null || toPort == null || fromPort != from || toPort != to) return false;
            }
        }
        return specPeer != null && specPeer.equals(rule.peer());
    }

    /** CloudTrail writes protocols as names or IANA numbers. */
    public static String normalizeProtocol(String raw) {
        if (raw == null) return null;
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "6" -> "tcp";
            case "17" -> "udp";
            case "1" -> "icmp";
            case "58" -> "icmpv6";
            case "all" -> "-1";
            default -> raw.toLowerCase(Locale.ROOT);
        };
    }
}
