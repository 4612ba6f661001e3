package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.spec.VpcSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.PrefixListId;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;

/**
 * Security-group rules as canonical strings, one per protocol, ports and peer, so that a rule
 * list compares exactly and a difference reads plainly:
 * {@code tcp:5432:sg:k8s-nodes}, {@code all:self}, {@code tcp:80:0.0.0.0/0},
 * {@code tcp:22:sg-0abc} (a group the control plane does not manage).
 *
 * <p>Groups of this spec are written {@code sg:<key>}, as the spec writes them, rather than
 * {@code ref:vpc/security-group/<key>}: refs order apply, and the ALB and node groups refer to each
 * other (ALB egress to the nodes, node ingress from the ALB), which would be a cycle. Apply creates a
 * referenced group first when it does not exist yet.
 */
final class SecurityGroupRules {
    static final String SELF = "self";
    static final String GROUP_PREFIX = "sg:";
    private static final Pattern PORTS = Pattern.compile("(-?\\d+)(?:-(-?\\d+))?");

    private SecurityGroupRules() {}

    /** One rule: protocol (all, tcp, udp, icmp or a number), port range (null for all) and peer. */
    record Rule(String protocol, Integer fromPort, Integer toPort, String peer) {

        static Rule parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("not a security-group rule: " + text);
            String protocol = text.substring(0, colon);
            String rest = text.substring(colon + 1);
            if (protocol.equals("all")) return new Rule(protocol, null, null, rest);
            int next = rest.indexOf(':', rest.startsWith("-") ? 1 : 0);
            if (next < 0) throw new IllegalArgumentException("not a security-group rule: " + text);
            int[] ports = ports(rest.substring(0, next));
            return new Rule(protocol, ports[0], ports[1], rest.substring(next + 1));
        }

        String encode() {
            if (fromPort == null) return protocol + ":" + peer;
            String ports = fromPort.equals(toPort) ? fromPort.toString() : fromPort + "-" + toPort;
            return protocol + ":" + ports + ":" + peer;
        }

        /** The spec key of the peer group when the peer is another group of this spec. */
        String peerGroupKey() {
            return peer.startsWith(GROUP_PREFIX) ? peer.substring(GROUP_PREFIX.length()) : null;
        }

        boolean peerIsSelf() {
            return peer.equals(SELF);
        }

        /** The rule as the EC2 API takes it; groupId is the resolved peer group (self, spec or foreign). */
        IpPermission toPermission(String groupId) {
            IpPermission.Builder p = IpPermission.builder().ipProtocol(protocol.equals("all") ? "-1" : protocol);
            if (fromPort != null) p.fromPort(fromPort).toPort(toPort);
            if (groupId != null) {
                p.userIdGroupPairs(UserIdGroupPair.builder().groupId(groupId).build());
            } else if (peer.startsWith("pl-")) {
                p.prefixListIds(PrefixListId.builder().prefixListId(peer).build());
            } else if (peer.contains(":")) {
                p.ipv6Ranges(Ipv6Range.builder().cidrIpv6(peer).build());
            } else {
                p.ipRanges(IpRange.builder().cidrIp(peer).build());
            }
            return p.build();
        }

        /** Whether the peer is a security group (and so needs a group id in {@link #toPermission}). */
        boolean peerIsGroup() {
            return peerIsSelf() || peerGroupKey() != null || peer.startsWith("sg-");
        }
    }

    /** A rule of the spec in canonical form. */
    static String encode(VpcSpec.SecurityGroupRule rule) {
        String protocol = rule.protocol().toLowerCase(Locale.ROOT);
        if (protocol.equals("all")) return new Rule(protocol, null, null, rule.peer()).encode();
        int[] ports = ports(rule.ports());
        return new Rule(protocol, ports[0], ports[1], rule.peer()).encode();
    }

    /**
     * The live rules of a group in canonical form. peerOf turns the id of another group into its
     * spec form ({@code sg:<key>}) or leaves it as the raw id when the group is not managed.
     */
    static List<String> observe(List<IpPermission> permissions, String ownGroupId, UnaryOperator<String> peerOf) {
        List<String> rules = new ArrayList<>();
        for (IpPermission p : permissions) {
            String protocol = protocolName(p.ipProtocol());
            Integer from = protocol.equals("all") ? null : p.fromPort();
            Integer to = protocol.equals("all") ? null : p.toPort();
            for (UserIdGroupPair pair : p.userIdGroupPairs()) {
                String peer = pair.groupId().equals(ownGroupId) ? SELF : peerOf.apply(pair.groupId());
                rules.add(new Rule(protocol, from, to, peer).encode());
            }
            p.ipRanges().forEach(r -> rules.add(new Rule(protocol, from, to, r.cidrIp()).encode()));
            p.ipv6Ranges().forEach(r -> rules.add(new Rule(protocol, from, to, r.cidrIpv6()).encode()));
            p.prefixListIds().forEach(r -> rules.add(new Rule(protocol, from, to, r.prefixListId()).encode()));
        }
        return sorted(rules);
    }

    static List<String> sorted(Collection<String> rules) {
        return rules.stream().distinct().sorted().toList();
    }

    private static String protocolName(String ipProtocol) {
        return switch (ipProtocol) {
            case "-1" -> "all";
            case "6" -> "tcp";
            case "17" -> "udp";
            case "1" -> "icmp";
            default -> ipProtocol.toLowerCase(Locale.ROOT);
        };
    }

    private static int[] ports(String text) {
        Matcher m = PORTS.matcher(text == null ? "" : text.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a port or port range: " + text);
        int from = Integer.parseInt(m.group(1));
        int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
        return new int[] {from, to};
    }
}
