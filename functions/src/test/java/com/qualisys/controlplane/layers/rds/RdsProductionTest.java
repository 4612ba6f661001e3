package com.qualisys.controlplane.layers.rds;

import static com.qualisys.controlplane.layers.LayerHarness.difference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.layers.LayerHarness;
import com.qualisys.controlplane.layers.Prerequisites;
import com.qualisys.controlplane.layers.SpecVariant;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import com.qualisys.controlplane.layers.EmulatedAccount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.rds.model.DBInstance;

/** Production's column of the seed: Multi-AZ r5.large, deletion protection, a final snapshot before any deletion. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RdsProductionTest {
    static final String DB = "qualisys-db";
    final EnvironmentSpec spec = TestSpecs.load("production");
    final LocalAws local = LocalAws.shared();
    AwsClients aws;
    AwsClients outOfBand;
    LayerHarness rds;

    @BeforeAll
    void applyOnce() {
        EmulatedAccount account = EmulatedAccount.fresh();
        aws = account.clients();
        outOfBand = account.clients();
        try (AwsClients setup = account.clients()) {
            Prerequisites.create(setup, spec);
        }
        rds = new LayerHarness(spec, aws, new RdsLayer());
        rds.apply();
    }

    @AfterAll
    void close() {
        aws.close();
        outOfBand.close();
    }

    @Test
    @Order(1)
    void productionRunsAMultiAzR5LargeWithDeletionProtection() {
        DBInstance db = instance();
        assertThat(db.dbInstanceClass()).isEqualTo("db.r5.large");
        assertThat(db.multiAZ()).isTrue();
        assertThat(db.deletionProtection()).isTrue();
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(2)
    void deletionProtectionTurnedOffOutOfBandIsReportedAndTurnedBackOn() {
        outOfBand.rds().modifyDBInstance(r -> r.dbInstanceIdentifier(DB).deletionProtection(false).applyImmediately(true));
        assertThat(difference(rds.drift(), "rds/db-instance/qualisys-db", "deletionProtection")).hasValueSatisfying(d -> {
            assertThat(d.expected()).isEqualTo(true);
            assertThat(d.actual()).isEqualTo(false);
        });
        assertThat(rds.mutatingCallsOfApply()).containsOnlyKeys("Rds.ModifyDBInstance");
        assertThat(instance().deletionProtection()).isTrue();
        assertThat(rds.drift().isEmpty()).isTrue();
    }

    @Test
    @Order(3)
    void evenAnApprovedReplaceStopsAtDeletionProtection() {
        LayerHarness renamed = new LayerHarness(SpecVariant.of("production", "rds:\n  databaseName: qualisys_main\n"), aws, new RdsLayer());
        assertThatThrownBy(renamed::applyApproved).hasMessageContaining("deletion protection")
                .hasMessageContaining("rds.deletionProtection");
        assertThat(instance().dbName()).isEqualTo("qualisys_master");
    }

    @Test
    @Order(4)
    void withProtectionLiftedInTheSpecAnApprovedReplaceKeepsAFinalSnapshot() {
        String unprotected = "rds:\n  deletionProtection: false\n";
        new LayerHarness(SpecVariant.of("production", unprotected), aws, new RdsLayer()).apply();
        assertThat(instance().deletionProtection()).isFalse();

        // moto names automated snapshots "rds:<id>-<minute>" and keeps the retained ones as such, so the new
        // instance's first automated snapshot would collide with the old one's (AWS keeps them apart).
        outOfBand.rds().describeDBSnapshots(r -> r.dbInstanceIdentifier(DB).snapshotType("automated")).dbSnapshots()
                .forEach(s -> outOfBand.rds().deleteDBSnapshot(r -> r.dbSnapshotIdentifier(s.dbSnapshotIdentifier())));
        new LayerHarness(SpecVariant.of("production", unprotected + "  databaseName: qualisys_main\n"), aws, new RdsLayer()).applyApproved();

        assertThat(aws.rds().describeDBSnapshots(r -> r.dbInstanceIdentifier(DB)).dbSnapshots())
                .anySatisfy(s -> assertThat(s.dbSnapshotIdentifier()).startsWith("qualisys-db-final-"));
        assertThat(instance().dbName()).isEqualTo("qualisys_main");
    }

    private DBInstance instance() {
        return aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier(DB)).dbInstances().get(0);
    }
}
