package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.spec.VpcSpec;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.ec2.model.IcmpTypeCode;
import software.amazon.awssdk.services.ec2.model.NetworkAclEntry;
import software.amazon.awssdk.services.ec2.model.PortRange;
import software.amazon.awssdk.services.ec2.model.RuleAction;

/**
 * Network-ACL entries as canonical strings {@code <rule>:<action>:<protocol>[:<ports>]:<cidr>},
 * e.g. {@code 100:allow:tcp:80:0.0.0.0/0} or {@code 130:allow:all:10.0.0.0/16}, ordered by rule
 * number. The catch-all deny (rule 32767) that AWS puts in every NACL cannot be changed and is
 * left out on both sides.
 */
final class NaclEntries {
    static final int DEFAULT_DENY_RULE = 32767;

    private NaclEntries() {}

    /** One entry; ports only for tcp and udp. */
    record Entry(int rule, String action, String protocol, Integer fromPort, Integer toPort, String cidr) {

        static Entry parse(String text) {
            String[] parts = text.split(":", 4);
            int rule = Integer.parseInt(parts[0]);
            String protocol = parts[2];
            if (!hasPorts(protocol)) return new Entry(rule, parts[1], protocol, null, null, parts[3]);
            String[] portsAndCidr = parts[3].split(":", 2);
            String[] range = portsAndCidr[0].split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            return new Entry(rule, parts[1], protocol, from, to, portsAndCidr[1]);
        }

        String encode() {
            String head = rule + ":" + action + ":" + protocol;
            if (fromPort == null) return head + ":" + cidr;
            String ports = fromPort.equals(toPort) ? fromPort.toString() : fromPort + "-" + toPort;
            return head + ":" + ports + ":" + cidr;
        }

        /** The protocol as the EC2 API writes it: -1, 6, 17, 1 or the number given. */
        String protocolNumber() {
            return switch (protocol) {
                case "all" -> "-1";
                case "tcp" -> "6";
                case "udp" -> "17";
                case "icmp" -> "1";
                default -> protocol;
            };
        }

        PortRange portRange() {
            return fromPort == null ? null : PortRange.builder().from(fromPort).to(toPort).build();
        }

        /** ICMP entries need a type and code; the spec allows all ICMP. */
        IcmpTypeCode icmpTypeCode() {
            return protocol.equals("icmp") ? IcmpTypeCode.builder().type(-1).code(-1).build() : null;
        }

        RuleAction ruleAction() {
            return RuleAction.fromValue(action);
        }

        boolean ipv6() {
            return cidr.contains(":");
        }
    }

    static String encode(VpcSpec.NaclEntry entry) {
        String protocol = entry.protocol().toLowerCase(Locale.ROOT);
        String action = entry.action() == null ? "allow" : entry.action().toLowerCase(Locale.ROOT);
        if (!hasPorts(protocol)) return new Entry(entry.rule(), action, protocol, null, null, entry.cidr()).encode();
        String[] range = entry.ports().split("-");
        int from = Integer.parseInt(range[0].trim());
        int to = range.length > 1 ? Integer.parseInt(range[1].trim()) : from;
        return new Entry(entry.rule(), action, protocol, from, to, entry.cidr()).encode();
    }

    /** The live entries of one direction in canonical form, without the default deny. */
    static List<String> observe(List<NetworkAclEntry> entries, boolean egress) {
        return sorted(entries.stream()
                .filter(e -> e.egress() == egress && e.ruleNumber() != DEFAULT_DENY_RULE)
                .map(NaclEntries::fromLive)
                .toList());
    }

    static List<String> sorted(Collection<String> entries) {
        return entries.stream().distinct()
                .sorted(Comparator.comparingInt((String e) -> Entry.parse(e).rule()).thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    private static String fromLive(NetworkAclEntry e) {
        String protocol = switch (e.protocol()) {
            case "-1" -> "all";
            case "6" -> "tcp";
            case "17" -> "udp";
            case "1" -> "icmp";
            default -> e.protocol();
        };
        Integer from = hasPorts(protocol) && e.portRange() != null ? e.portRange().from() : null;
        Integer to = hasPorts(protocol) && e.portRange() != null ? e.portRange().to() : null;
        String cidr = e.cidrBlock() != null ? e.cidrBlock() : e.ipv6CidrBlock();
        return new Entry(e.ruleNumber(), e.ruleActionAsString(), protocol, from, to, cidr).encode();
    }

    private static boolean hasPorts(String protocol) {
        return protocol.equals("tcp") || protocol.equals("udp");
    }
}
