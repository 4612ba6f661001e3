package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.iam.RoleKind;
import java.util.List;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroup;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;

/** What drift does with every field AWS returns for the RDS layer's kinds. */
final class RdsDecisions {
    private RdsDecisions() {}

    static List<AttributeDecisions> all() {
        return List.of(EncryptionKeys.decisions(), RoleKind.decisionsOf(RoleKind.KIND), parameterGroup(), instance(), secret());
    }

    static AttributeDecisions parameterGroup() {
        return AttributeDecisions.of(RdsResources.PARAMETER_GROUP)
                .read("DescribeDBParameterGroups", DBParameterGroup.class)
                .compare("DBParameterGroupName", "name")
                .compare("DBParameterGroupFamily", "family")
                .ignore(Ignored.IDENTITY, "DBParameterGroupArn")
                .ignore(Ignored.FIXED_AT_CREATION + " (RDS has no call that changes it); free text", "Description")
                // Source=user: the parameters someone set; the engine defaults are AWS's.
                .read("DescribeDBParameters", Parameter.class)
                .compare("ParameterName", "parameters")
                .compare("ParameterValue", "parameters")
                .compare("ApplyType", "applyTypes")
                .ignore("AWS's documentation of the parameter (description, type, allowed values, engine versions)", "Description",
                        "DataType", "AllowedValues", "IsModifiable", "MinimumEngineVersion", "SupportedEngineModes")
                .ignore("user for every parameter read (the call asks for Source=user)", "Source")
                .ignore("how a change was requested (immediate or pending reboot); the value is compared", "ApplyMethod")
                .build();
    }

    static AttributeDecisions instance() {
        return AttributeDecisions.of(RdsResources.DB_INSTANCE)
                .read("DescribeDBInstances", DBInstance.class)
                .compare("Engine", "engine")
                .compare("EngineVersion", "engineVersion")
                .compare("DBInstanceClass", "instanceClass")
                .compare("MultiAZ", "multiAz")
                .compare("DeletionProtection", "deletionProtection")
                .compare("StorageType", "storageType")
                .compare("MaxAllocatedStorage", "maxAllocatedStorageGb")
                .compare("StorageEncrypted", "storageEncrypted")
                .compare("KmsKeyId", "kmsKey")
                .compare("BackupRetentionPeriod", "backupRetentionDays")
                .compare("PreferredBackupWindow", "backupWindow")
                .compare("PreferredMaintenanceWindow", "maintenanceWindow")
                .compare("PerformanceInsightsEnabled", "performanceInsights")
                .compare("PerformanceInsightsRetentionPeriod", "performanceInsights")
                .compare("MonitoringInterval", "monitoringIntervalSeconds")
                .compare("MonitoringRoleArn", "monitoringRole")
                .compare("PubliclyAccessible", "publiclyAccessible")
                .compare("VpcSecurityGroups[].VpcSecurityGroupId", "securityGroups")
                .compare("DBSubnetGroup.DBSubnetGroupName", "subnetGroup")
                .compare("DBParameterGroups[].DBParameterGroupName", "parameterGroup")
                .compare("DBName", "databaseName")
                .compare("MasterUsername", "masterUsername")
                .compare("AutoMinorVersionUpgrade", "autoMinorVersionUpgrade")
                .compare("CopyTagsToSnapshot", "copyTagsToSnapshot")
                .compare("IAMDatabaseAuthenticationEnabled", RdsResources.IAM_AUTHENTICATION)
                .compare("EnabledCloudwatchLogsExports", RdsResources.LOG_EXPORTS)
                .ignore("the qualisys:* identity tags, checked when the instance is found (one without them is not this"
                        + " environment's)", "TagList")
                .ignore(Ignored.IDENTITY, "DBInstanceIdentifier", "DBInstanceArn", "DbiResourceId")
                .ignore(Ignored.STATUS, "DBInstanceStatus", "StatusInfos", "VpcSecurityGroups[].Status",
                        "DBParameterGroups[].ParameterApplyStatus", "PendingModifiedValues", "PercentProgress", "StorageVolumeStatus",
                        "ActivityStreamPolicyStatus")
                .ignore(Ignored.READ_ONLY + " (where and when: endpoint, zones, restore points)", "Endpoint", "ListenerEndpoint",
                        "InstanceCreateTime", "LatestRestorableTime", "AvailabilityZone", "SecondaryAvailabilityZone",
                        "EnhancedMonitoringResourceArn", "AutomaticRestartTime", "IsStorageConfigUpgradeAvailable", "CertificateDetails")
                .ignore("the subnet group's own settings, compared by the vpc layer's db-subnet-group kind", "DBSubnetGroup.DBSubnetGroupDescription",
                        "DBSubnetGroup.VpcId", "DBSubnetGroup.SubnetGroupStatus", "DBSubnetGroup.Subnets", "DBSubnetGroup.DBSubnetGroupArn",
                        "DBSubnetGroup.SupportedNetworkTypes")
                .ignore("grows by storage autoscaling up to the compared maxAllocatedStorageGb", "AllocatedStorage")
                .ignore("follow from the compared storageType and the allocated size (gp3 baseline); gap: provisioned IOPS or"
                        + " throughput above the baseline are not compared", "Iops", "StorageThroughput")
                .ignore("the engine's CA, rotated by AWS before it expires; TLS is required by the compared parameter group",
                        "CACertificateIdentifier")
                .ignore(Ignored.FIXED_AT_CREATION, "LicenseModel", "CharacterSetName", "NcharCharacterSetName", "DbInstancePort",
                        "Timezone", "NetworkType", "BackupTarget", "PerformanceInsightsKMSKeyId", "CustomerOwnedIpEnabled", "DedicatedLogVolume", "MultiTenant")
                .ignore("only for DB clusters, read replicas, Custom or Outposts engines; the instance is a standalone PostgreSQL",
                        "ReadReplicaSourceDBInstanceIdentifier", "ReadReplicaDBInstanceIdentifiers", "ReadReplicaDBClusterIdentifiers",
                        "ReplicaMode", "DBClusterIdentifier", "ReadReplicaSourceDBClusterIdentifier", "PromotionTier", "AutomationMode",
                        "ResumeFullAutomationModeTime", "CustomIamInstanceProfile", "DBSystemId", "UpgradeRolloutOrder",
                        "AdditionalStorageVolumes", "EngineLifecycleSupport")
                .ignore("EC2-Classic security groups; an instance in a VPC has none", "DBSecurityGroups")
                .ignore("option groups hold no options for PostgreSQL", "OptionGroupMemberships")
                .ignore("Oracle TDE / SQL Server / Active Directory only", "TdeCredentialArn", "DomainMemberships")
                .ignore("vCPU features of Oracle instance classes only", "ProcessorFeatures")
                .ignore("database activity streams (Oracle, SQL Server and Aurora only)", "ActivityStreamStatus", "ActivityStreamKmsKeyId",
                        "ActivityStreamKinesisStreamName", "ActivityStreamMode", "ActivityStreamEngineNativeAuditFieldsIncluded")
                .ignore("roles for RDS features PostgreSQL instances of the seed do not use (S3 import, Lambda); gap: not compared",
                        "AssociatedRoles")
                .ignore("set by AWS Backup and cross-region backup replication, which the control plane does not use",
                        "AwsBackupRecoveryPointArn", "DBInstanceAutomatedBackupsReplications")
                .ignore("the master password is the control plane's secret (rds/secret/master); an RDS-managed secret would show"
                        + " here (gap: not compared)", "MasterUserSecret")
                .ignore("Database Insights advanced mode (charged per vCPU); gap: not compared", "DatabaseInsightsMode")
                .build();
    }

    static AttributeDecisions secret() {
        return AttributeDecisions.of(RdsResources.SECRET_KIND)
                .read("ListSecrets", SecretListEntry.class)
                .compare("Name", "name")
                .compare("KmsKeyId", "kmsKey")
                .compare("DeletedDate", "scheduledForDeletion")
                .ignore("the qualisys:* identity tags the secret is found by", "Tags")
                .ignore(Ignored.IDENTITY, "ARN")
                .ignore("rotation is scheduled by the control plane's stack (RotationSchedule) and checked by RotationHealth",
                        "RotationEnabled", "RotationLambdaARN", "RotationRules", "NextRotationDate", "LastRotatedDate",
                        "ExternalSecretRotationMetadata", "ExternalSecretRotationRoleArn")
                .ignore(Ignored.READ_ONLY, "LastChangedDate", "LastAccessedDate", "CreatedDate", "SecretVersionsToStages", "OwningService",
                        "PrimaryRegion", "Type")
                .ignore("free text; no effect on access", "Description")
                // Read to check the non-secret fields (host, port, user, ...); the password is masked at once.
                .read("GetSecretValue", GetSecretValueResponse.class)
                .compare("SecretString", "fields")
                .ignore("the secret is stored as a string", "SecretBinary")
                .ignore(Ignored.sameAs("of ListSecrets"), "ARN", "Name")
                .ignore(Ignored.READ_ONLY + " (the current version)", "VersionId", "VersionStages", "CreatedDate")
                .build();
    }
}
