package com.qualisys.controlplane.layers.vpc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteOrigin;

/**
 * Routes as canonical strings {@code <destination> -> <target>}: {@code 0.0.0.0/0 -> ref:vpc/nat-gateway/a},
 * {@code 10.0.0.0/16 -> local}. Targets that are managed resources are refs; others keep their id
 * (a route to a deleted NAT gateway shows that gateway's id). Propagated routes belong to a
 * virtual private gateway, not to the spec, and are left out.
 */
final class Routes {
    static final String LOCAL = "local";
    private static final String ARROW = " -> ";

    private Routes() {}

    record Entry(String destination, String target) {
        static Entry parse(String text) {
            int arrow = text.indexOf(ARROW);
            if (arrow < 0) throw new IllegalArgumentException("not a route: " + text);
            return new Entry(text.substring(0, arrow), text.substring(arrow + ARROW.length()));
        }

        String encode() {
            return destination + ARROW + target;
        }

        boolean local() {
            return target.equals(LOCAL);
        }
    }

    static String encode(String destination, String target) {
        return new Entry(destination, target).encode();
    }

    /** The live routes of a table; refOf turns managed physical ids into refs. */
    static List<String> observe(List<Route> routes, UnaryOperator<String> refOf) {
        List<String> out = new ArrayList<>();
        for (Route r : routes) {
            if (r.origin() == RouteOrigin.ENABLE_VGW_ROUTE_PROPAGATION) continue;
            String destination = firstNonNull(r.destinationCidrBlock(), r.destinationIpv6CidrBlock(), r.destinationPrefixListId());
            String target = firstNonNull(r.natGatewayId(), r.gatewayId(), r.transitGatewayId(), r.vpcPeeringConnectionId(),
                    r.networkInterfaceId(), r.instanceId(), r.egressOnlyInternetGatewayId(), r.carrierGatewayId(),
                    r.localGatewayId(), r.coreNetworkArn());
            if (destination == null || target == null) continue;
            out.add(encode(destination, target.equals(LOCAL) ? LOCAL : refOf.apply(target)));
        }
        return sorted(out);
    }

    static List<String> sorted(Collection<String> routes) {
        return routes.stream().distinct().sorted().toList();
    }

    private static String firstNonNull(String... values) {
        for (String v : values) if (v != null) return v;
        return null;
    }
}
