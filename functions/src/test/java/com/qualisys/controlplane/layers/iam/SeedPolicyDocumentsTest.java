package com.qualisys.controlplane.layers.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.IamSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy documents in environments/policies/ say what the seed's "Policy Justifications" say. */
class SeedPolicyDocumentsTest {
    private static final EnvironmentSpec SPEC = TestSpecs.load("dev");
    private static final String ACCOUNT = "123456789012";

    private static PolicyEvaluation policy(String name) {
        IamSpec.Policy p = SPEC.iam().policies().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return new PolicyEvaluation(p.json());
    }

    @Test
    void cicdCannotReadSecretsManagerOrSsmParametersWhateverElseAllowsIt() {
        PolicyEvaluation cicd = policy("QualisysCICDPolicy");
        String secret = "arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:qualisys/database/master-AbCdEf";
        String parameter = "arn:aws:ssm:us-east-1:" + ACCOUNT + ":parameter/qualisys/anything";
        for (String action : List.of("secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "secretsmanager:DescribeSecret")) {
            assertThat(cicd.explicitlyDenies(action, secret)).as(action).isTrue();
        }
        for (String action : List.of("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:GetParameterHistory")) {
            assertThat(cicd.explicitlyDenies(action, parameter)).as(action).isTrue();
        }
    }

    @Test
    void cicdCannotOpenAShellInNodesOrContainers() {
        PolicyEvaluation cicd = policy("QualisysCICDPolicy");
        for (String action : List.of("ssm:StartSession", "ssm:SendCommand", "ecs:ExecuteCommand", "ec2-instance-connect:SendSSHPublicKey")) {
            assertThat(cicd.explicitlyDenies(action, "arn:aws:ec2:us-east-1:" + ACCOUNT + ":instance/i-0abc")).as(action).isTrue();
        }
    }

    @Test
    void cicdPushesImagesOnlyToQualisysRepositoriesAndDeploysOnlyToTheQualisysCluster() {
        PolicyEvaluation cicd = policy("QualisysCICDPolicy");
        assertThat(cicd.allows("ecr:PutImage", "arn:aws:ecr:us-east-1:" + ACCOUNT + ":repository/qualisys-api")).isTrue();
        assertThat(cicd.allows("ecr:PutImage", "arn:aws:ecr:us-east-1:" + ACCOUNT + ":repository/someone-else")).isFalse();
        assertThat(cicd.allows("ecr:GetAuthorizationToken", "*")).isTrue();
        assertThat(cicd.allows("eks:AccessKubernetesApi", "arn:aws:eks:us-east-1:" + ACCOUNT + ":cluster/qualisys-eks")).isTrue();
        assertThat(cicd.allows("eks:AccessKubernetesApi", "arn:aws:eks:us-east-1:" + ACCOUNT + ":cluster/other")).isFalse();
        assertThat(cicd.allows("eks:UpdateClusterConfig", "arn:aws:eks:us-east-1:" + ACCOUNT + ":cluster/qualisys-eks")).isFalse();
    }

    @Test
    void developersReadButNeverWriteInfrastructure() {
        PolicyEvaluation dev = policy("QualisysDeveloperPolicy");
        for (String action : dev.allowedActions()) {
            String verb = action.substring(action.indexOf(':') + 1);
            assertThat(verb).as(action).matches("(describe|list|get|batchget|batchcheck|filter|startquery|accesskubernetesapi).*");
        }
        assertThat(dev.allows("s3:GetObject", "arn:aws:s3:::qualisys-build-artifacts/app.tar.gz")).isTrue();
        assertThat(dev.allows("logs:FilterLogEvents", "arn:aws:logs:us-east-1:" + ACCOUNT + ":log-group:/aws/eks/qualisys-eks/cluster:*")).isTrue();
    }

    @Test
    void developersCannotReadTheAuditLogsOrTheControlPlaneState() {
        PolicyEvaluation dev = policy("QualisysDeveloperPolicy");
        for (String bucket : List.of("qualisys-cloudtrail-logs", "qualisys-cloudtrail-logs-dev", SPEC.reportBucket(), "qualisys-terraform-state")) {
            assertThat(dev.allows("s3:GetObject", "arn:aws:s3:::" + bucket + "/AWSLogs/x.json.gz")).as(bucket).isFalse();
            assertThat(dev.allows("s3:ListBucket", "arn:aws:s3:::" + bucket)).as(bucket).isFalse();
        }
    }

    @Test
    void theRdsServiceRoleManagesOnlyQualisysDatabasesAndNeverProvisionsOrLogsIn() {
        PolicyEvaluation rds = policy("QualisysRDSServicePolicy");
        String db = "arn:aws:rds:us-east-1:" + ACCOUNT + ":db:qualisys-db";
        for (String action : List.of("rds:DescribeDBInstances", "rds:CreateDBSnapshot", "rds:ModifyDBInstance", "rds:RebootDBInstance")) {
            assertThat(rds.allows(action, db)).as(action).isTrue();
            assertThat(rds.allows(action, "arn:aws:rds:us-east-1:" + ACCOUNT + ":db:other-db")).as(action).isFalse();
        }
        for (String action : List.of("rds:CreateDBInstance", "rds:RestoreDBInstanceFromDBSnapshot", "rds:DeleteDBInstance", "rds-db:connect")) {
            assertThat(rds.explicitlyDenies(action, db)).as(action).isTrue();
        }
        assertThat(rds.allows("cloudwatch:GetMetricData", "*")).isTrue();
    }

    @Test
    void elastiCacheAndEcrServiceRolesAreScopedToQualisysResources() {
        PolicyEvaluation cache = policy("QualisysElastiCacheServicePolicy");
        assertThat(cache.allows("elasticache:ModifyReplicationGroup", "arn:aws:elasticache:us-east-1:" + ACCOUNT + ":replicationgroup:qualisys-redis")).isTrue();
        assertThat(cache.allows("elasticache:ModifyReplicationGroup", "arn:aws:elasticache:us-east-1:" + ACCOUNT + ":replicationgroup:other")).isFalse();
        assertThat(cache.allows("elasticache:DeleteReplicationGroup", "arn:aws:elasticache:us-east-1:" + ACCOUNT + ":replicationgroup:qualisys-redis")).isFalse();

        PolicyEvaluation ecr = policy("QualisysECRServicePolicy");
        String repo = "arn:aws:ecr:us-east-1:" + ACCOUNT + ":repository/qualisys-api";
        for (String action : List.of("ecr:PutImage", "ecr:BatchGetImage", "ecr:StartImageScan", "ecr:PutLifecyclePolicy")) {
            assertThat(ecr.allows(action, repo)).as(action).isTrue();
        }
        assertThat(ecr.allows("ecr:DeleteRepository", repo)).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutMfaEverythingButMfaSelfServiceIsDenied() {
        PolicyEvaluation mfa = policy("QualisysMFAEnforcement");
        Map<String, Object> deny = mfa.statements().stream().filter(s -> s.get("Effect").equals("Deny")).findFirst().orElseThrow();
        assertThat(deny).containsKey("NotAction");
        assertThat((Map<String, Object>) deny.get("Condition")).containsEntry("BoolIfExists", Map.of("aws:multifactorauthpresent", List.of("false")));
        assertThat((List<String>) deny.get("NotAction")).contains("iam:enablemfadevice", "sts:getsessiontoken")
                .doesNotContain("s3:getobject", "iam:createaccesskey");
        assertThat(mfa.allows("iam:EnableMFADevice", "arn:aws:iam::" + ACCOUNT + ":user/${aws:username}")).isTrue();
    }
}
