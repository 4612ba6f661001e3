package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cloud_assembly_schema.ContextProvider;
import software.amazon.awscdk.cloud_assembly_schema.MissingContext;

/** Phase 2: the stack attached to the dev environment the control plane has provisioned. */
class PhaseTwoTest {
    private final TestStacks.Synth synth = TestStacks.phaseTwo();
    private final Template template = synth.template();
    private final ControlPlaneFunctions functions = FunctionsTest.functions(synth);
    private final EnvironmentSpec dev = TestStacks.specs().load(TestStacks.PROVISIONED);

    @Test
    void withoutCachedContextTheSynthAsksForTheVpcByItsIdentityTagsOnly() {
        List<MissingContext> first = synth.lookupRounds().get(0);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).getProvider()).isEqualTo(ContextProvider.VPC_PROVIDER);
        assertThat(first.get(0).getKey()).contains("filter.tag:qualisys:logical-id=vpc/vpc/main")
                .contains("filter.tag:qualisys:environment=dev").contains("account=" + TestStacks.ACCOUNT)
                .contains("region=us-east-1");
    }

    @Test
    void onceTheVpcIsKnownItAsksForRdsSgInsideIt() {
        assertThat(synth.lookupRounds()).hasSize(2);
        List<MissingContext> second = synth.lookupRounds().get(1);
        assertThat(second).hasSize(1);
        assertThat(second.get(0).getProvider()).isEqualTo(ContextProvider.SECURITY_GROUP_PROVIDER);
        assertThat(second.get(0).getKey()).contains("securityGroupName=" + dev.vpc().securityGroups().get("rds").name())
                .contains("vpcId=" + FakeAccount.VPC_ID);
    }

    @Test
    void phaseOneLooksNothingUp() {
        assertThat(TestStacks.phaseOne().lookupRounds()).isEmpty();
        Template one = TestStacks.phaseOne().template();
        one.resourceCountIs("AWS::SecretsManager::RotationSchedule", 0);
        one.resourceCountIs("AWS::EC2::SecurityGroupIngress", 0);
        assertThat(Cfn.resources(one, "AWS::SNS::Subscription").values()).noneMatch(r -> "lambda".equals(Cfn.props(r).get("Protocol")));
    }

    @Test
    void dbInitAndSecretRotationRunInThePrivateSubnetsWithTheirOwnSecurityGroup() {
        List<Object> privateSubnets = dev.vpc().subnets().entrySet().stream()
                .filter(e -> e.getValue().tier() == com.qualisys.controlplane.spec.VpcSpec.Tier.PRIVATE)
                .map(e -> (Object) FakeAccount.subnetId(e.getKey())).sorted().toList();
        assertThat(privateSubnets).containsExactly("subnet-privatea", "subnet-privateb");
        for (FunctionCatalog f : FunctionCatalog.values()) {
            Map<String, Object> props = Cfn.props(Cfn.resource(template, Cfn.logicalId(functions.function(f))));
            if (f.vpcAttached()) {
                Map<?, ?> vpc = (Map<?, ?>) props.get("VpcConfig");
                assertThat(Cfn.list(vpc.get("SubnetIds")).stream().sorted().toList()).as(f.functionName()).isEqualTo(privateSubnets);
                assertThat(Cfn.list(vpc.get("SecurityGroupIds"))).containsExactly(Map.of("Fn::GetAtt",
                        List.of(Cfn.logicalId(synth.stack().getNode().findChild("Provisioned").getNode()
                                .findChild("DatabaseFunctionsSecurityGroup")), "GroupId")));
                assertThat(Cfn.statementsOf(template, Cfn.logicalId(functions.role(f))).toString())
                        .contains("ec2:CreateNetworkInterface");
                assertThat(((Map<?, ?>) ((Map<?, ?>) props.get("Environment")).get("Variables")).get("QUALISYS_ENVIRONMENT"))
                        .as("the database it serves").isEqualTo("dev");
            } else {
                assertThat(props).as(f.functionName()).doesNotContainKey("VpcConfig");
                assertThat(Cfn.statementsOf(template, Cfn.logicalId(functions.role(f))).toString())
                        .doesNotContain("ec2:CreateNetworkInterface");
            }
        }
    }

    @Test
    void rdsSgAdmitsTheDatabaseFunctionsOn5432AndTheyReachNothingElseButHttps() {
        String sg = Cfn.logicalId(synth.stack().getNode().findChild("Provisioned").getNode().findChild("DatabaseFunctionsSecurityGroup"));
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
        for (String type : List.of("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress")) {
            owned.template().resourceCountIs(type, 0);
        }
        ControlPlaneFunctions ownedFunctions = FunctionsTest.functions(owned);
        for (FunctionCatalog f : List.of(FunctionCatalog.DB_INIT, FunctionCatalog.SECRET_ROTATION)) {
            Map<?, ?> vpc = (Map<?, ?>) Cfn.props(Cfn.resource(owned.template(), Cfn.logicalId(ownedFunctions.function(f)))).get("VpcConfig");
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

    @Test
    void phaseTwoWithoutAnAccountIsRefusedNamingWhatIsMissing() {
        assertThatThrownBy(() -> ControlPlaneApp.build(TestStacks.newApp(Map.of()),
                TestStacks.settings(Optional.of("dev"), Optional.empty())))
                .hasMessageContaining("provisionedEnvironment=dev").hasMessageContaining("CDK_DEFAULT_ACCOUNT")
                .hasMessageContaining("-c account=");
    }
}
