package com.qualisys.controlplane.layers.vpc;

import com.qualisys.controlplane.engine.ManagedKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.ResourceIndex;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.QueryApiStub;
import com.qualisys.controlplane.testing.QueryApiStub.Response;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Repairs of the subnet groups that moto cannot show (ModifyCacheSubnetGroup and
 * DeleteCacheSubnetGroup are not implemented; ModifyDBSubnetGroup loses the group), against a
 * loopback stub answering with the responses the RDS and ElastiCache API references document.
 */
class SubnetGroupRepairTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private QueryApiStub stub;
    private AwsClients aws;
    private LayerContext ctx;
    /** The group as the stub holds it; null once deleted. */
    private List<String> subnets;
    private String description;

    @BeforeEach
    void start() {
        stub = QueryApiStub.start();
        aws = stub.clients();
        ResourceIndex index = new ResourceIndex(layer -> {});
        index.put("vpc/subnet/database-a", "subnet-0da");
        index.put("vpc/subnet/database-b", "subnet-0db");
        index.put("vpc/subnet/private-a", "subnet-0pa");
        ctx = new LayerContext(SPEC, aws, index);
        // Someone added a private subnet and rewrote the description.
        subnets = new ArrayList<>(List.of("subnet-0da", "subnet-0db", "subnet-0pa"));
        description = "edited by hand";
    }

    @AfterEach
    void stop() {
        aws.close();
        stub.close();
    }

    @Test
    void aCacheSubnetGroupWithAnExtraSubnetIsReportedAndModifiedBackToTheDatabaseSubnets() {
        stub.on("DescribeCacheSubnetGroups", p -> subnets == null
                        ? Response.error(404, "CacheSubnetGroupNotFoundFault", "CacheSubnetGroup " + p.get("CacheSubnetGroupName") + " not found.")
                        : Response.ok(cacheResponse("DescribeCacheSubnetGroups", "<CacheSubnetGroups>" + cacheGroup() + "</CacheSubnetGroups>")))
                .on("ModifyCacheSubnetGroup", p -> {
                    subnets = stub.requests("ModifyCacheSubnetGroup").getLast().list("SubnetIds");
                    description = p.get("CacheSubnetGroupDescription");
                    return Response.ok(cacheResponse("ModifyCacheSubnetGroup", cacheGroup()));
                });
        CacheSubnetGroups kind = new CacheSubnetGroups();
        DesiredResource want = desired(VpcIds.CACHE_SUBNET_GROUP);

        Plan drift = diff(want, observe(kind));
        assertThat(drift.changes()).singleElement().satisfies(c -> assertThat(c.differences()).contains(
                new Difference("subnets", List.of("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b"),
                        List.of("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b", "ref:vpc/subnet/private-a"))));

        kind.update(want, observe(kind).getFirst(), ctx);

        QueryApiStub.Request modify = stub.requests("ModifyCacheSubnetGroup").getFirst();
        assertThat(modify.params()).containsEntry("CacheSubnetGroupName", "qualisys-cache-subnet-group");
        assertThat(modify.list("SubnetIds")).containsExactly("subnet-0da", "subnet-0db");
        try (AwsClients reader = stub.clients()) {
            assertThat(reader.elastiCache().describeCacheSubnetGroups(r -> r.cacheSubnetGroupName("qualisys-cache-subnet-group"))
                    .cacheSubnetGroups()).as("the group, read back with a client of the test's own").singleElement().satisfies(g -> {
                        assertThat(g.subnets()).extracting(x -> x.subnetIdentifier()).containsExactly("subnet-0da", "subnet-0db");
                        assertThat(g.cacheSubnetGroupDescription()).isEqualTo("QUALISYS database tier: ElastiCache Redis");
                    });
        }
        assertThat(diff(want, observe(kind)).changes()).isEmpty();
    }

    @Test
    void aCacheSubnetGroupIsDeletedByNameAndThenObservedAbsent() {
        stub.on("DescribeCacheSubnetGroups", p -> subnets == null
                        ? Response.error(404, "CacheSubnetGroupNotFoundFault", "CacheSubnetGroup not found.")
                        : Response.ok(cacheResponse("DescribeCacheSubnetGroups", "<CacheSubnetGroups>" + cacheGroup() + "</CacheSubnetGroups>")))
                .on("DeleteCacheSubnetGroup", p -> {
                    subnets = null;
                    return Response.ok("<DeleteCacheSubnetGroupResponse xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\">"
                            + "<ResponseMetadata><RequestId>stub-request</RequestId></ResponseMetadata></DeleteCacheSubnetGroupResponse>");
                });
        CacheSubnetGroups kind = new CacheSubnetGroups();
        assertThat(observe(kind)).hasSize(1);

        kind.delete("qualisys-cache-subnet-group", observe(kind).getFirst(), ctx);

        assertThat(stub.requests("DeleteCacheSubnetGroup")).singleElement()
                .satisfies(r -> assertThat(r.params()).containsEntry("CacheSubnetGroupName", "qualisys-cache-subnet-group"));
        assertThat(observe(kind)).isEmpty();
        try (AwsClients reader = stub.clients()) {
            assertThat(catchThrowable(() -> reader.elastiCache().describeCacheSubnetGroups(r -> r.cacheSubnetGroupName("qualisys-cache-subnet-group"))))
                    .as("the group, read back with a client of the test's own")
                    .isInstanceOf(software.amazon.awssdk.services.elasticache.model.CacheSubnetGroupNotFoundException.class);
        }
    }

    @Test
    void aDbSubnetGroupWithAnExtraSubnetAndAnEditedDescriptionIsModifiedBackInOneCall() {
        stub.on("DescribeDBSubnetGroups", p -> Response.ok(rdsResponse("DescribeDBSubnetGroups", "<DBSubnetGroups>" + dbGroup() + "</DBSubnetGroups>")))
                .on("ModifyDBSubnetGroup", p -> {
                    subnets = stub.requests("ModifyDBSubnetGroup").getLast().list("SubnetIds");
                    description = p.get("DBSubnetGroupDescription");
                    return Response.ok(rdsResponse("ModifyDBSubnetGroup", dbGroup()));
                });
        DbSubnetGroups kind = new DbSubnetGroups();
        DesiredResource want = desired(VpcIds.DB_SUBNET_GROUP);

        Plan drift = diff(want, observe(kind));
        assertThat(drift.changes()).singleElement().satisfies(c -> assertThat(c.differences()).containsExactlyInAnyOrder(
                new Difference("description", "QUALISYS database tier: RDS PostgreSQL", "edited by hand"),
                new Difference("subnets", List.of("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b"),
                        List.of("ref:vpc/subnet/database-a", "ref:vpc/subnet/database-b", "ref:vpc/subnet/private-a"))));

        kind.update(want, observe(kind).getFirst(), ctx);

        assertThat(stub.requests("ModifyDBSubnetGroup")).singleElement().satisfies(r -> {
            assertThat(r.params()).containsEntry("DBSubnetGroupName", "qualisys-db-subnet-group")
                    .containsEntry("DBSubnetGroupDescription", "QUALISYS database tier: RDS PostgreSQL");
            assertThat(r.list("SubnetIds")).containsExactly("subnet-0da", "subnet-0db");
        });
        try (AwsClients reader = stub.clients()) {
            assertThat(reader.rds().describeDBSubnetGroups(r -> r.dbSubnetGroupName("qualisys-db-subnet-group")).dbSubnetGroups())
                    .as("the group, read back with a client of the test's own").singleElement().satisfies(g -> {
                        assertThat(g.subnets()).extracting(x -> x.subnetIdentifier()).containsExactly("subnet-0da", "subnet-0db");
                        assertThat(g.dbSubnetGroupDescription()).isEqualTo("QUALISYS database tier: RDS PostgreSQL");
                    });
        }
        assertThat(diff(want, observe(kind)).changes()).isEmpty();
    }

    private <T> List<ObservedResource> observe(ManagedKind<T> kind) {
        return kind.list(ctx).stream().map(item -> new ObservedResource(kind.logicalId(item, ctx), kind.kind().name(),
                kind.physicalId(item), kind.attributes(item, ctx))).toList();
    }

    private static DesiredResource desired(String logicalId) {
        return VpcDesiredState.of(SPEC).stream().filter(d -> d.logicalId().equals(logicalId)).findFirst().orElseThrow();
    }

    private static Plan diff(DesiredResource want, List<ObservedResource> live) {
        return Differ.diff("dev", "vpc", List.of(want), live);
    }

    private String cacheGroup() {
        StringBuilder xml = new StringBuilder("<CacheSubnetGroup><CacheSubnetGroupName>qualisys-cache-subnet-group</CacheSubnetGroupName>"
                + "<CacheSubnetGroupDescription>" + description + "</CacheSubnetGroupDescription><VpcId>vpc-0stub</VpcId><Subnets>");
        subnets.forEach(s -> xml.append("<Subnet><SubnetIdentifier>").append(s)
                .append("</SubnetIdentifier><SubnetAvailabilityZone><Name>us-east-1a</Name></SubnetAvailabilityZone></Subnet>"));
        return xml.append("</Subnets></CacheSubnetGroup>").toString();
    }

    private String dbGroup() {
        StringBuilder xml = new StringBuilder("<DBSubnetGroup><DBSubnetGroupName>qualisys-db-subnet-group</DBSubnetGroupName>"
                + "<DBSubnetGroupDescription>" + description + "</DBSubnetGroupDescription><VpcId>vpc-0stub</VpcId>"
                + "<SubnetGroupStatus>Complete</SubnetGroupStatus><Subnets>");
        subnets.forEach(s -> xml.append("<Subnet><SubnetIdentifier>").append(s).append("</SubnetIdentifier>")
                .append("<SubnetAvailabilityZone><Name>us-east-1a</Name></SubnetAvailabilityZone><SubnetStatus>Active</SubnetStatus></Subnet>"));
        return xml.append("</Subnets></DBSubnetGroup>").toString();
    }

    private static String cacheResponse(String action, String result) {
        return "<" + action + "Response xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><" + action + "Result>" + result
                + "</" + action + "Result><ResponseMetadata><RequestId>stub-request</RequestId></ResponseMetadata></" + action + "Response>";
    }

    private static String rdsResponse(String action, String result) {
        return "<" + action + "Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><" + action + "Result>" + result
                + "</" + action + "Result><ResponseMetadata><RequestId>stub-request</RequestId></ResponseMetadata></" + action + "Response>";
    }
}
