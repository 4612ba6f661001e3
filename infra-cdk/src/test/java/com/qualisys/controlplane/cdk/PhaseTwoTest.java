package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.cdk.statemachines.ControlPlaneStateMachines;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.handlers.StateMachines;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cloud_assembly_schema.ContextProvider;
import software.amazon.awscdk.cloud_assembly_schema.MissingContext;

/**
 * Phase 2: the dev environment provisioned. The database functions live in dev's spoke stack, in dev's
 * account, beside its database; the hub deploys none and invokes dev's db-init by its ARN there.
 */
class PhaseTwoTest {
    private final TestStacks.Synth synth = TestStacks.phaseTwo();
    private final EnvironmentSpec dev = TestStacks.specs().load(TestStacks.PROVISIONED);
    private final EnvironmentAccessStack spoke = synth.spoke(TestStacks.PROVISIONED);
    private final Template template = synth.spokeTemplate(TestStacks.PROVISIONED);
    private final ControlPlaneFunctions functions = spoke.provisioned().orElseThrow().functions;

    private static List<FunctionCatalog> databaseFunctions() {
        return java.util.Arrays.stream(FunctionCatalog.values()).filter(FunctionCatalog::inEnvironmentAccount).toList();
    }

    @Test
    void withoutCachedContextTheSpokeAsksForTheVpcInTheEnvironmentsOwnAccountByItsIdentityTagsOnly() {
        List<MissingContext> first = synth.lookupRounds().get(0);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).getProvider()).isEqualTo(ContextProvider.VPC_PROVIDER);
        assertThat(first.get(0).getKey()).contains("filter.tag:qualisys:logical-id=vpc/vpc/main")
                .contains("filter.tag:qualisys:environment=dev").contains("account=" + dev.aws().accountId())
                .doesNotContain("account=" + TestStacks.ACCOUNT).contains("region=us-east-1");
    }

    @Test
    void onceTheVpcIsKnownItAsksForRdsSgInsideItInTheSameAccount() {
        assertThat(synth.lookupRounds()).hasSize(2);
        List<MissingContext> second = synth.lookupRounds().get(1);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).getProvider()).isEqualTo(ContextProvider.SECURITY_GROUP_PROVIDER);
        assertThat(second.get(0).getKey()).contains("securityGroupName=" + dev.vpc().securityGroups().get("rds").name())
                .contains("vpcId=" + FakeAccount.VPC_ID).contains("account=" + dev.aws().accountId());
    }

    @Test
    void phaseOneLooksNothingUpAndDeploysNoDatabaseFunctionAnywhere() {
        assertThat(TestStacks.phaseOne().lookupRounds()).isEmpty();
        Template one = TestStacks.phaseOne().template();
        one.resourceCountIs("AWS::SecretsManager::RotationSchedule", 0);
        one.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
        assertThat(Cfn.resources(one, "AWS::SNS::Subscription").values()).noneMatch(r -> "lambda".equals(Cfn.props(r).get("Protocol")));
        for (String env : TestStacks.specs().environmentNames()) {
            TestStacks.phaseOne().spokeTemplate(env).resourceCountIs("AWS::Lambda::Function", 0);
        }
    }

    @Test
    void theHubDeploysNoDatabaseFunctionNorRoleInEitherPhase() {
        for (TestStacks.Synth hub : List.of(TestStacks.phaseOne(), synth)) {
            List<Object> names = Cfn.resources(hub.template(), "AWS::Lambda::Function").values().stream()
                    .map(r -> Cfn.props(r).get("FunctionName")).toList();
            List<Object> roles = Cfn.resources(hub.template(), "AWS::IAM::Role").values().stream()
                    .map(r -> Cfn.props(r).get("RoleName")).toList();
            for (FunctionCatalog f : databaseFunctions()) {
                assertThat(names).doesNotContain(f.deployedName());
                assertThat(roles).doesNotContain(f.roleName());
            }
            hub.template().resourceCountIs("AWS::SecretsManager::RotationSchedule", 0);
            hub.template().resourceCountIs("AWS::EC2::SecurityGroup", 0);
        }
    }

    @Test
    void dbInitAndSecretRotationRunInTheSpokesPrivateSubnetsWithTheirOwnSecurityGroup() {
        List<Object> privateSubnets = dev.vpc().subnets().entrySet().stream()
                .filter(e -> e.getValue().tier() == com.qualisys.controlplane.spec.VpcSpec.Tier.PRIVATE)
                .map(e -> (Object) FakeAccount.subnetId(e.getKey())).sorted().toList();
        assertThat(privateSubnets).containsExactly("subnet-privatea", "subnet-privateb");
        assertThat(spoke.getAccount()).isEqualTo(dev.aws().accountId());
        assertThat(functions.deployed()).containsExactlyInAnyOrderElementsOf(databaseFunctions());
        template.resourceCountIs("AWS::Lambda::Function", databaseFunctions().size());
        for (FunctionCatalog f : databaseFunctions()) {
            Map<String, Object> props = Cfn.props(Cfn.resource(template, Cfn.logicalId(functions.function(f))));
            assertThat(props.get("FunctionName")).isEqualTo(f.deployedName());
            Map<?, ?> vpc = (Map<?, ?>) props.get("VpcConfig");
            assertThat(Cfn.list(vpc.get("SubnetIds")).stream().sorted().toList()).as(f.functionName()).isEqualTo(privateSubnets);
            assertThat(Cfn.list(vpc.get("SecurityGroupIds"))).containsExactly(Map.of("Fn::GetAtt",
                    List.of(Cfn.logicalId(spoke.getNode().findChild("Provisioned").getNode()
                            .findChild("DatabaseFunctionsSecurityGroup")), "GroupId")));
            assertThat(Cfn.statementsOf(template, Cfn.logicalId(functions.role(f))).toString()).contains("ec2:CreateNetworkInterface");
            assertThat(((Map<?, ?>) ((Map<?, ?>) props.get("Environment")).get("Variables")).get("QUALISYS_ENVIRONMENT"))
                    .as("the database it serves").isEqualTo("dev");
            assertThat(Cfn.props(Cfn.resource(template, Cfn.logicalId(functions.role(f)))).get("RoleName")).isEqualTo(f.roleName());
        }
    }

    @Test
    void theDatabaseFunctionsRolesReadOnlyThisEnvironmentsTwoSecrets() {
        List<String> twoSecrets = List.of(
                "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:" + dev.rds().secrets().master() + "-??????",
                "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:" + dev.rds().secrets().connection() + "-??????");
        for (FunctionCatalog f : databaseFunctions()) {
            List<Map<String, Object>> statements = Cfn.statementsOf(template, Cfn.logicalId(functions.role(f)));
            List<String> readers = statements.stream().filter(s -> Cfn.actions(s).contains("secretsmanager:GetSecretValue"))
                    .flatMap(s -> Cfn.resources(s).stream()).toList();
            assertThat(readers).as(f.functionName() + " reads").containsExactlyInAnyOrderElementsOf(twoSecrets);
            assertThat(statements).as(f.functionName() + ": no execution role, no hub state")
                    .noneMatch(s -> Cfn.actions(s).stream().anyMatch(a -> a.startsWith("sts:") || a.startsWith("dynamodb:")
                            || a.startsWith("s3:") || a.startsWith("sns:")));
        }
        List<String> writes = Cfn.statementsOf(template, Cfn.logicalId(functions.role(FunctionCatalog.SECRET_ROTATION))).stream()
                .filter(s -> Cfn.actions(s).contains("secretsmanager:PutSecretValue")).flatMap(s -> Cfn.resources(s).stream()).toList();
        assertThat(writes).containsExactlyInAnyOrderElementsOf(twoSecrets);
        assertThat(Cfn.statementsOf(template, Cfn.logicalId(functions.role(FunctionCatalog.DB_INIT))))
                .noneMatch(s -> Cfn.actions(s).contains("secretsmanager:PutSecretValue"));
    }

    @Test
    void dbInitsLiveAliasAdmitsOnlyTheHubsProvisionMachinesRoles() {
        String alias = Cfn.logicalId(functions.alias(FunctionCatalog.DB_INIT));
        List<String> principals = new ArrayList<>();
        Cfn.resources(template, "AWS::Lambda::Permission").values().stream().map(Cfn::props)
                .filter(p -> Map.of("Ref", alias).equals(p.get("FunctionName")))
                .forEach(p -> {
                    assertThat(p.get("Action")).isEqualTo("lambda:InvokeFunction");
                    principals.add(Cfn.text(p.get("Principal")));
                });
        List<String> expected = new ArrayList<>(List.of("arn:${AWS::Partition}:iam::" + dev.aws().hubAccountId()
                + ":role/control-plane/" + ControlPlaneStateMachines.roleName(StateMachines.PROVISION.definitionName())));
        if (dev.aws().approverRole() != null) {
            expected.add("arn:${AWS::Partition}:iam::" + dev.aws().hubAccountId() + ":role/control-plane/"
                    + ControlPlaneStateMachines.roleName(StateMachines.APPROVED_PROVISION));
        }
        assertThat(principals).containsExactlyInAnyOrderElementsOf(expected);
        // The rotation function is Secrets Manager's and the schedule's, never the hub's.
        String rotation = Cfn.logicalId(functions.alias(FunctionCatalog.SECRET_ROTATION));
        assertThat(Cfn.resources(template, "AWS::Lambda::Permission").values().stream().map(Cfn::props)
                .filter(p -> Map.of("Ref", rotation).equals(p.get("FunctionName"))).map(p -> p.get("Principal")))
                .containsOnly("secretsmanager.amazonaws.com");
    }

    @Test
    void theDatabaseFunctionsAlarmOnATopicOfTheSpokeNamedForTheEnvironment() {
        List<Object> topics = Cfn.resources(template, "AWS::SNS::Topic").values().stream().map(r -> Cfn.props(r).get("TopicName")).toList();
        assertThat(topics).containsExactly("qualisys-control-plane-db-dev-alerts");
        String errors = Cfn.logicalId(functions.function(FunctionCatalog.DB_INIT));
        assertThat(Cfn.resources(template, "AWS::CloudWatch::Alarm").values().stream().map(Cfn::props)
                .filter(p -> p.toString().contains(errors))).singleElement()
                .satisfies(p -> assertThat(Cfn.list(p.get("AlarmActions"))).hasSize(1));
    }

    @Test
    void rdsSgAdmitsTheDatabaseFunctionsOn5432AndTheyReachNothingElseButHttps() {
        String sg = Cfn.logicalId(spoke.getNode().findChild("Provisioned").getNode().findChild("DatabaseFunctionsSecurityGroup"));
        template.resourceCountIs("AWS::EC2::SecurityGroupIngress", 1);
        template.hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                "GroupId", FakeAccount.RDS_SG_ID,
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(sg, "GroupId")),
                "IpProtocol", "tcp", "FromPort", 5432, "ToPort", 5432));
        Map<String, Object> group = Cfn.props(Cfn.resource(template, sg));
        assertThat(group.get("VpcId")).isEqualTo(FakeAccount.VPC_ID);
        assertThat(group.get("GroupName")).isEqualTo(ProvisionedEnvironment.FUNCTIONS_SECURITY_GROUP);
        assertThat(Cfn.list(group.get("SecurityGroupEgress"))).containsExactly(Map.of(
                "CidrIp", "0.0.0.0/0", "Description", "AWS APIs (Secrets Manager, RDS) through the NAT gateways",
                "FromPort", 443, "IpProtocol", "tcp", "ToPort", 443));
        template.hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of(
                "GroupId", Map.of("Fn::GetAtt", List.of(sg, "GroupId")),
                "DestinationSecurityGroupId", FakeAccount.RDS_SG_ID, "FromPort", 5432, "ToPort", 5432));
    }

    @Test
    void theDatabaseSecretsRotateEveryThirtyDaysThroughSecretRotation() {
        String alias = Cfn.logicalId(functions.alias(FunctionCatalog.SECRET_ROTATION));
        for (String secret : List.of(dev.rds().secrets().master(), dev.rds().secrets().connection())) {
            template.hasResourceProperties("AWS::SecretsManager::RotationSchedule", Map.of(
                    "SecretId", secret,
                    "RotationLambdaARN", Map.of("Ref", alias),
                    "RotateImmediatelyOnUpdate", false,
                    "RotationRules", Map.of("ScheduleExpression", "rate(" + dev.rds().secrets().rotationDays() + " days)")));
        }
        template.hasResourceProperties("AWS::Lambda::Permission", Map.of(
                "FunctionName", Map.of("Ref", alias), "Principal", "secretsmanager.amazonaws.com",
                "SourceAccount", Map.of("Ref", "AWS::AccountId")));
    }

    @Test
    void aDailyScheduleChecksTheRotationsHealth() throws Exception {
        Map<String, Object> schedule = Cfn.resources(template, "AWS::Scheduler::Schedule").values().stream().map(Cfn::props)
                .filter(p -> "qualisys-rotation-health-dev".equals(p.get("Name"))).findFirst().orElseThrow();
        assertThat(schedule.get("ScheduleExpression")).isEqualTo("rate(1 day)");
        Map<?, ?> target = (Map<?, ?>) schedule.get("Target");
        assertThat(target.get("Arn")).isEqualTo(Cfn.ref(functions.alias(FunctionCatalog.SECRET_ROTATION)));
        assertThat((Object) new com.fasterxml.jackson.databind.ObjectMapper().readTree(target.get("Input").toString()))
                .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"Step\":\"health\"}"));
        assertThat(target.get("DeadLetterConfig")).isNotNull();
    }

    @Test
    void whenTheSpecDeclaresTheFunctionsGroupTheStackOnlyLooksItUpAndChangesNoSecurityGroup() {
        TestStacks.Synth owned = TestStacks.phaseTwoSpecOwned();
        List<MissingContext> second = owned.lookupRounds().get(1);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).getKey()).contains("securityGroupName=" + ProvisionedEnvironment.FUNCTIONS_SECURITY_GROUP)
                .contains("vpcId=" + FakeAccount.VPC_ID);
        Template ownedSpoke = owned.spokeTemplate(TestStacks.PROVISIONED);
        for (String type : List.of("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")) {
            ownedSpoke.resourceCountIs(type, 0);
        }
        ControlPlaneFunctions ownedFunctions = owned.spoke(TestStacks.PROVISIONED).provisioned().orElseThrow().functions;
        for (FunctionCatalog f : databaseFunctions()) {
            Map<?, ?> vpc = (Map<?, ?>) Cfn.props(Cfn.resource(ownedSpoke, Cfn.logicalId(ownedFunctions.function(f)))).get("VpcConfig");
            assertThat(Cfn.list(vpc.get("SecurityGroupIds"))).containsExactly(FakeAccount.FUNCTIONS_SG_ID);
            assertThat(Cfn.list(vpc.get("SubnetIds"))).containsExactlyInAnyOrder("subnet-privatea", "subnet-privateb");
        }
    }

    @Test
    void aDeclaredFunctionsGroupThatRdsSgDoesNotAdmitIsRejectedNamingTheRuleToAdd() {
        EnvironmentSpec notAdmitted = TestStacks.specsWithDev(TestStacks.DEV_WITH_FUNCTIONS_GROUP
                .replaceAll("(?m)^ *- \\{ protocol: tcp, ports: \"5432\", peer: \"sg:db-functions\" }\n", "")).load("dev");
        assertThatThrownBy(() -> ProvisionedEnvironment.declaredInSpec(notAdmitted))
                .hasMessageContaining("environments/dev.yaml: vpc.securityGroups.db-functions")
                .hasMessageContaining("vpc.securityGroups.rds has no ingress { protocol: tcp, ports: \"5432\", peer: \"sg:db-functions\" }");
        assertThat(ProvisionedEnvironment.declaredInSpec(dev)).as("the repository's spec declares it").hasValue("db-functions");
    }

    /**
     * aws.sharesHubAccount: dev in the hub's own account. Its spoke, phase 2 included, deploys to the hub's account
     * beside the hub stack: no physical name of one may be taken by the other.
     */
    @Test
    void anEnvironmentSharingTheHubsAccountGetsItsDatabaseFunctionsThereCollidingWithNothingOfTheHub() {
        String hubAccount = dev.aws().hubAccountId();
        String devYaml = TestStacks.read(TestStacks.REPO.resolve("environments/dev.yaml"))
                .replace("accountId: \"" + dev.aws().accountId() + "\"", "accountId: \"" + hubAccount + "\"\n  sharesHubAccount: true");
        TestStacks.Synth shared = TestStacks.synthesize(TestStacks.specsWithDev(devYaml), Optional.of("dev"), Map.of());
        EnvironmentAccessStack sharedSpoke = shared.spoke("dev");
        assertThat(sharedSpoke.getAccount()).isEqualTo(hubAccount);
        assertThat(shared.lookupRounds().get(0).get(0).getKey()).contains("account=" + hubAccount);
        Template spokeTemplate = shared.spokeTemplate("dev");
        spokeTemplate.resourceCountIs("AWS::Lambda::Function", databaseFunctions().size());
        Map<String, String> names = Map.of("AWS::Lambda::Function", "FunctionName", "AWS::IAM::Role", "RoleName",
                "AWS::SNS::Topic", "TopicName", "AWS::KMS::Alias", "AliasName", "AWS::Logs::LogGroup", "LogGroupName",
                "AWS::Scheduler::Schedule", "Name", "AWS::EC2::SecurityGroup", "GroupName");
        names.forEach((type, property) -> {
            List<Object> inHub = Cfn.resources(shared.template(), type).values().stream().map(r -> Cfn.props(r).get(property))
                    .filter(java.util.Objects::nonNull).toList();
            List<Object> inSpoke = Cfn.resources(spokeTemplate, type).values().stream().map(r -> Cfn.props(r).get(property))
                    .filter(java.util.Objects::nonNull).toList();
            assertThat(inSpoke).as(type + " names of the spoke, also in the hub " + inHub).noneMatch(inHub::contains);
        });
        // The provision role invokes db-init in the hub's account, where dev's spoke put it.
        assertThat(Cfn.resources(shared.template(), "AWS::IAM::Policy").values().toString())
                .contains("arn:aws:lambda:us-east-1:" + hubAccount + ":function:qualisys-db-init:live");
    }

    @Test
    void phaseTwoOfAnEnvironmentTheAppDoesNotManageIsRefusedNamingIt() {
        ControlPlaneSettings all = TestStacks.settings(Optional.of("dev"), Optional.empty());
        ControlPlaneSettings stagingOnly = new ControlPlaneSettings(List.of(TestStacks.specs().load("staging")), all.functionsCode(),
                all.helmLayer(), all.definitions(), all.provisioned(), all.account(), all.alertEmail());
        assertThatThrownBy(() -> ControlPlaneApp.build(TestStacks.newApp(Map.of()), stagingOnly))
                .hasMessageContaining("provisionedEnvironment=dev").hasMessageContaining("[staging]");
    }
}
