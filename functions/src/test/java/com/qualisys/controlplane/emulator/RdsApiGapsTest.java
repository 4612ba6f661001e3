package com.qualisys.controlplane.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.layers.EmulatedAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.model.CreateDbInstanceRequest;
import software.amazon.awssdk.services.rds.model.DBEngineVersion;
import software.amazon.awssdk.services.rds.model.RdsException;

/**
 * The RDS stub checks what the RDS API reference says RDS checks and moto does not: versions offered
 * for new instances, the engine-version filters, maintenance and backup windows, Performance
 * Insights retention, ApplyImmediately; and it forgets an instance's state when it is deleted.
 */
class RdsApiGapsTest {
    private AwsClients aws;

    @BeforeEach
    void account() {
        aws = EmulatedAccount.fresh().clients();
    }

    @AfterEach
    void close() {
        aws.close();
    }

    private static CreateDbInstanceRequest.Builder instance(String id) {
        return CreateDbInstanceRequest.builder().dbInstanceIdentifier(id).engine("postgres").engineVersion("15.10")
                .dbInstanceClass("db.t3.medium").masterUsername("admin_user").masterUserPassword("Password123456").allocatedStorage(20)
                .preferredBackupWindow("03:00-04:00");
    }

    private RdsException refused(Runnable call) {
        RdsException e = catchThrowableOfType(RdsException.class, call::run);
        assertThat(e).as("RDS must refuse this").isNotNull();
        return e;
    }

    @Test
    void aVersionNoLongerOfferedCannotBeCreated() {
        RdsException e = refused(() -> aws.rds().createDBInstance(instance("old").engineVersion("15.4").build()));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Cannot find version 15.4 for postgres");
        assertThat(aws.rds().describeDBInstances().dbInstances()).isEmpty();
    }

    @Test
    void engineVersionFiltersNarrowTheCatalogue() {
        assertThat(aws.rds().describeDBEngineVersions(r -> r.engine("postgres").engineVersion("15")).dbEngineVersions())
                .extracting(DBEngineVersion::engineVersion).containsExactly("15.10", "15.12", "15.13");
        assertThat(aws.rds().describeDBEngineVersions(r -> r.engine("postgres").engineVersion("15").defaultOnly(true)).dbEngineVersions())
                .extracting(DBEngineVersion::engineVersion).containsExactly("15.13");
        assertThat(aws.rds().describeDBEngineVersions(r -> r.engine("postgres").dbParameterGroupFamily("postgres16")).dbEngineVersions())
                .extracting(DBEngineVersion::engineVersion).containsExactly("16.6", "16.8", "16.9");
        assertThat(aws.rds().describeDBEngineVersions(r -> r.engine("mysql")).dbEngineVersions()).isEmpty();
        assertThat(refused(() -> aws.rds().describeDBEngineVersions(r -> r.engine("postgres").maxRecords(5))).awsErrorDetails().errorCode())
                .isEqualTo("InvalidParameterValue");
    }

    @Test
    void maintenanceWindowsAndPerformanceInsightsRetentionAreValidated() {
        RdsException format = refused(() -> aws.rds().createDBInstance(instance("w1").preferredMaintenanceWindow("sunday 04:00").build()));
        assertThat(format.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
        assertThat(format.awsErrorDetails().errorMessage()).contains("PreferredMaintenanceWindow", "sunday 04:00");
        assertThat(refused(() -> aws.rds().createDBInstance(instance("w2").preferredMaintenanceWindow("sun:04:00-sun:04:20").build()))
                .awsErrorDetails().errorMessage()).contains("at least 30 minutes");
        assertThat(refused(() -> aws.rds().createDBInstance(instance("w3").preferredMaintenanceWindow("sun:03:30-sun:04:30").build()))
                .awsErrorDetails().errorCode()).isEqualTo("InvalidParameterCombination");
        RdsException retention = refused(() -> aws.rds().createDBInstance(instance("pi").enablePerformanceInsights(true)
                .performanceInsightsRetentionPeriod(10).build()));
        assertThat(retention.awsErrorDetails().errorMessage()).contains("PerformanceInsightsRetentionPeriod", "10");

        // Touching windows are fine (the seed's backup 03:00-04:00 and maintenance sun:04:00-sun:05:00); 31 days is one month.
        aws.rds().createDBInstance(instance("ok").preferredMaintenanceWindow("sun:04:00-sun:05:00").enablePerformanceInsights(true)
                .performanceInsightsRetentionPeriod(31).build());
        var db = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("ok")).dbInstances().get(0);
        assertThat(db.performanceInsightsRetentionPeriod()).isEqualTo(31);
    }

    @Test
    void withoutApplyImmediatelyAClassChangeWaitsForTheMaintenanceWindow() {
        aws.rds().createDBInstance(instance("later").build());
        aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("later").dbInstanceClass("db.t3.large"));
        var db = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("later")).dbInstances().get(0);
        assertThat(db.dbInstanceClass()).isEqualTo("db.t3.medium");
        assertThat(db.pendingModifiedValues().dbInstanceClass()).isEqualTo("db.t3.large");

        aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("later").dbInstanceClass("db.t3.large").applyImmediately(true));
        assertThat(aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("later")).dbInstances().get(0).dbInstanceClass())
                .isEqualTo("db.t3.large");
    }

    @Test
    void deletingAnInstanceForgetsWhatTheStubKeptForIt() {
        aws.rds().createDBInstance(instance("gone").enablePerformanceInsights(true).performanceInsightsRetentionPeriod(7).build());
        aws.rds().deleteDBInstance(r -> r.dbInstanceIdentifier("gone").skipFinalSnapshot(true));
        aws.rds().createDBInstance(instance("gone").build());
        var db = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("gone")).dbInstances().get(0);
        assertThat(db.performanceInsightsEnabled()).as("a new instance of the same name has no Performance Insights").isNotEqualTo(Boolean.TRUE);
        assertThat(db.performanceInsightsRetentionPeriod()).isNull();
    }

    /**
     * ModifyDBInstance (Errors: InvalidDBInstanceState, HTTP 400, "The DB instance isn't in a valid state"): a
     * change applied now leaves the instance "modifying" (DBInstanceStatus) and a second modification meanwhile
     * is refused with nothing changed; once RDS has finished, the same modification goes through.
     */
    @Test
    void aSecondModificationWhileTheInstanceIsModifyingIsRefusedWithInvalidDbInstanceState() {
        EmulatedAccount.local().rds().modifyingFor(2);
        aws.rds().createDBInstance(instance("busy").backupRetentionPeriod(7).build());
        assertThat(status("busy")).as("creating is not held here").isEqualTo("available");

        aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("busy").backupRetentionPeriod(14).applyImmediately(true));
        RdsException second = refused(() -> aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("busy").backupRetentionPeriod(21)
                .applyImmediately(true)));
        assertThat(second.statusCode()).isEqualTo(400);
        assertThat(second.awsErrorDetails().errorCode()).isEqualTo("InvalidDBInstanceState");
        assertThat(second.awsErrorDetails().errorMessage()).contains("busy", "modifying");

        assertThat(status("busy")).isEqualTo("modifying");
        assertThat(status("busy")).isEqualTo("modifying");
        assertThat(status("busy")).as("RDS has finished after the held describes").isEqualTo("available");
        assertThat(aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("busy")).dbInstances().get(0).backupRetentionPeriod())
                .as("the refused modification changed nothing").isEqualTo(14);

        aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("busy").backupRetentionPeriod(21).applyImmediately(true));
        EmulatedAccount.local().rds().finishModifying();
        assertThat(aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("busy")).dbInstances().get(0).backupRetentionPeriod()).isEqualTo(21);
    }

    @Test
    void anInstanceStillCreatingCannotBeModifiedAndAModificationDeferredToTheWindowDoesNotMakeItModifying() {
        RdsApiGaps rds = EmulatedAccount.local().rds();
        rds.modifyingFor(1);
        aws.rds().createDBInstance(instance("young").build());
        rds.holdInstance("young", "creating");
        try {
            RdsException e = refused(() -> aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("young").deletionProtection(true)
                    .applyImmediately(true)));
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidDBInstanceState");
            assertThat(e.awsErrorDetails().errorMessage()).contains("creating");
        } finally {
            rds.releaseInstance("young");
        }
        aws.rds().modifyDBInstance(r -> r.dbInstanceIdentifier("young").dbInstanceClass("db.t3.large"));
        assertThat(status("young")).as("a class change left for the maintenance window starts nothing now").isEqualTo("available");
        assertThat(aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier("young")).dbInstances().get(0).deletionProtection()).isFalse();
    }

    private String status(String id) {
        return aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0).dbInstanceStatus();
    }
}
