package com.qualisys.controlplane.layers.vpc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.emulator.RepoPaths;
import com.qualisys.controlplane.spec.SpecException;
import com.qualisys.controlplane.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad vpc section is rejected while loading, before any AWS call, naming the file, the field and the value. */
class VpcSpecErrorsTest {
    @TempDir
    Path environments;

    private SpecLoader loaderWithDevOverride(String yaml) throws IOException {
        RepoPaths.copyOfEnvironments(environments);
        Files.writeString(environments.resolve("dev.yaml"), Files.readString(environments.resolve("dev.yaml")) + "\n" + yaml);
        return SpecLoader.fromDirectory(environments);
    }

    @Test
    void aSubnetOutsideTheVpcCidrIsRejectedNamingTheFileFieldAndValue() throws IOException {
        SpecLoader loader = loaderWithDevOverride("""
                vpc:
                  subnets:
                    private-b: { tier: private, az: us-east-1b, cidr: 10.1.11.0/24 }
                """);
        assertThatThrownBy(() -> loader.load("dev")).isInstanceOf(SpecException.class)
                .hasMessageContaining(environments.resolve("dev.yaml") + ": vpc.subnets.private-b.cidr 10.1.11.0/24 is outside the VPC CIDR 10.0.0.0/16");
    }

    @Test
    void aSubnetGroupNameAwsWouldRefuseIsRejected() throws IOException {
        SpecLoader loader = loaderWithDevOverride("""
                vpc:
                  cacheSubnetGroup: Qualisys_Cache
                  dbSubnetGroup: default
                """);
        assertThatThrownBy(() -> loader.load("dev")).isInstanceOf(SpecException.class)
                .hasMessageContaining("vpc.cacheSubnetGroup Qualisys_Cache is not a valid cache subnet group name")
                .hasMessageContaining("vpc.dbSubnetGroup default is not a valid DB subnet group name");
    }

    @Test
    void aSecurityGroupRuleNamingAnUnknownGroupIsRejected() throws IOException {
        SpecLoader loader = loaderWithDevOverride("""
                vpc:
                  securityGroups:
                    rds:
                      name: qualisys-rds-sg
                      description: PostgreSQL
                      ingress:
                        - { protocol: tcp, ports: "5432", peer: "sg:k8s-node" }
                      egress: []
                """);
        assertThatThrownBy(() -> loader.load("dev")).isInstanceOf(SpecException.class)
                .hasMessageContaining("vpc.securityGroups.rds.ingress[0].peer sg:k8s-node names no group of vpc.securityGroups");
    }
}
