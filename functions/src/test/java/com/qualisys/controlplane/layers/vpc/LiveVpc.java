package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Tags;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * What the account holds, read with its own SDK clients (not the ones the layer used), by the
 * qualisys:logical-id tag: the tests' independent view of the live state.
 */
final class LiveVpc implements AutoCloseable {
    final AwsClients aws;
    final Ec2Client ec2;
    private final String environment;

    LiveVpc(AwsClients aws, String environment) {
        this.aws = aws;
        this.ec2 = aws.ec2();
        this.environment = environment;
    }

    private Filter env() {
        return Filter.builder().name("tag:" + Tags.ENVIRONMENT).values(environment).build();
    }

    static String logicalId(List<Tag> tags) {
        return tags.stream().filter(t -> t.key().equals(Tags.LOGICAL_ID)).map(Tag::value).findFirst().orElse(null);
    }

    static Map<String, String> tags(List<Tag> tags) {
        return tags.stream().collect(Collectors.toMap(Tag::key, Tag::value));
    }

    List<Vpc> vpcs() {
        return ec2.describeVpcs(r -> r.filters(env())).vpcs();
    }

    Vpc vpc() {
        List<Vpc> all = vpcs();
        if (all.size() != 1) throw new AssertionError("expected one VPC, found " + all.size());
        return all.getFirst();
    }

    List<Subnet> subnets() {
        return ec2.describeSubnets(r -> r.filters(env())).subnets();
    }

    Subnet subnet(String key) {
        return byLogicalId(subnets(), Subnet::tags, VpcIds.subnet(key));
    }

    List<Address> addresses() {
        return ec2.describeAddresses(r -> r.filters(env())).addresses();
    }

    /** Pending or available NAT gateways of the environment (checked client-side too: see emulator gaps). */
    List<NatGateway> liveNatGateways() {
        return ec2.describeNatGateways(r -> r.filter(env())).natGateways().stream()
                .filter(n -> n.state() == NatGatewayState.AVAILABLE || n.state() == NatGatewayState.PENDING)
                .filter(n -> environment.equals(tags(n.tags()).get(Tags.ENVIRONMENT)))
                .toList();
    }

    NatGateway natGateway(String letter) {
        return byLogicalId(liveNatGateways(), NatGateway::tags, "vpc/nat-gateway/" + letter);
    }

    List<RouteTable> routeTables() {
        return ec2.describeRouteTables(r -> r.filters(env())).routeTables();
    }

    RouteTable routeTable(String name) {
        return byLogicalId(routeTables(), RouteTable::tags, "vpc/route-table/" + name);
    }

    List<SecurityGroup> securityGroups() {
        return ec2.describeSecurityGroups(r -> r.filters(env())).securityGroups();
    }

    SecurityGroup securityGroup(String key) {
        return byLogicalId(securityGroups(), SecurityGroup::tags, VpcIds.securityGroup(key));
    }

    List<NetworkAcl> networkAcls() {
        return ec2.describeNetworkAcls(r -> r.filters(env())).networkAcls();
    }

    NetworkAcl networkAcl(String key) {
        return byLogicalId(networkAcls(), NetworkAcl::tags, VpcIds.networkAcl(key));
    }

    String internetGatewayId() {
        return ec2.describeInternetGateways(r -> r.filters(env())).internetGateways().getFirst().internetGatewayId();
    }

    private static <T> T byLogicalId(List<T> items, java.util.function.Function<T, List<Tag>> tags, String logicalId) {
        List<T> found = items.stream().filter(i -> logicalId.equals(logicalId(tags.apply(i)))).toList();
        if (found.size() != 1) throw new AssertionError("expected one " + logicalId + ", found " + found.size());
        return found.getFirst();
    }

    @Override
    public void close() {
        aws.close();
    }
}
