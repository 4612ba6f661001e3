package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.PreflightException;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed pins Kubernetes 1.29 and PostgreSQL 15.4, both past AWS end of support by late 2026.
 * The emulator's catalogues are what AWS offers today: 1.29 only in extended support, 15.4 not at
 * all for new instances. With the seed's 15.4 preflight stops, naming the nearest version AWS
 * offers, before any mutating call; the repository's spec therefore carries that version (15.10). The offered versions come from the documented DescribeClusterVersions,
 * DescribeAddonVersions and DescribeDBEngineVersions answers (moto has none of them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreflightTest {
    final EnvironmentSpec spec = TestSpecs.load("dev");
    final LocalAws local = LocalAws.shared();
    AwsClients aws;

    @BeforeAll
    void start() {
        aws = EmulatedAccount.fresh().clients();
    }

    @BeforeEach
    void reset() {
        local.eks().reset();
        local.rds().reset();
        aws.calls().reset();
    }

    @AfterAll
    void close() {
        aws.close();
    }

    @Test
    void whenEksNoLongerOffers129ApplyStopsBeforeAnyChangeNamingTheNearestVersion() {
        local.eks().offerClusterVersions("1.30", "1.31", "1.32", "1.33");
        assertThatThrownBy(() -> new LayerHarness(spec, aws, new EksLayer()).apply())
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("eks.version 1.29")
                .hasMessageContaining("no longer offers Kubernetes 1.29")
                .hasMessageContaining("the nearest version it offers is 1.30")
                .hasMessageContaining("DescribeClusterVersions");
        assertThat(aws.calls().mutating()).isZero();
    }

    @Test
    void withoutDescribeClusterVersionsTheAddOnCompatibilitiesTellWhichVersionsAreOffered() {
        local.eks().withoutClusterVersionsApi();
        local.eks().offerClusterVersions("1.31", "1.32");
        assertThatThrownBy(() -> new LayerHarness(spec, aws, new EksLayer()).apply())
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("the nearest version it offers is 1.31")
                .hasMessageContaining("DescribeAddonVersions for vpc-cni");
        assertThat(aws.calls().mutating()).isZero();
    }

    @Test
    void withTheSeeds15Point4ApplyStopsBeforeAnyChangeNamingTheNearestVersionRdsOffersToday() {
        EnvironmentSpec seed = SpecVariant.of("dev", "rds:\n  engineVersion: \"15.4\"\n");
        assertThatThrownBy(() -> new LayerHarness(seed, aws, new RdsLayer()).apply())
                .isInstanceOf(PreflightException.class)
                .hasMessageContaining("rds.engineVersion 15.4")
                .hasMessageContaining("no longer offers postgres 15.4")
                .hasMessageContaining("the nearest version it offers is 15.10")
                .hasMessageContaining("postgres 15 offered: 15.10, 15.12, 15.13");
        assertThat(aws.calls().mutating()).isZero();
        // The version is still listed, as deprecated, when all versions are asked for.
        assertThat(aws.rds().describeDBEngineVersions(r -> r.engine("postgres").engineVersion("15.4").includeAll(true)).dbEngineVersions())
                .singleElement().satisfies(v -> assertThat(v.status()).isEqualTo("deprecated"));
    }

    @Test
    void whileAwsStillOffersTheSeedsVersionsPreflightPasses() {
        var ctx = new com.qualisys.controlplane.engine.Reconciler(spec, aws, Layers.all()).context();
        new EksLayer().preflight(ctx);
        new RdsLayer().preflight(ctx);
        assertThat(local.eks().served()).contains("DescribeClusterVersions", "DescribeAddonVersions coredns 1.29");
        assertThat(local.rds().served()).contains("DescribeDBEngineVersions postgres " + spec.rds().engineVersion());
        assertThat(aws.calls().mutating()).isZero();
    }
}
