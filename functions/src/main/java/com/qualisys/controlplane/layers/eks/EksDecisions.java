package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.iam.RoleKind;
import java.util.List;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;
import software.amazon.awssdk.services.eks.model.Addon;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.iam.model.GetOpenIdConnectProviderResponse;
import software.amazon.awssdk.services.iam.model.OpenIDConnectProviderListEntry;

/** What drift does with every field AWS returns for the EKS layer's kinds. */
final class EksDecisions {
    private static final String IDENTITY_TAGS = "the qualisys:* identity tags, checked when the resource is found";

    private EksDecisions() {}

    static List<AttributeDecisions> all() {
        return List.of(EncryptionKeys.decisions(), RoleKind.decisionsOf(RoleKind.KIND), cluster(), oidcProvider(), launchTemplate(), nodeGroup(),
                addon());
    }

    static AttributeDecisions cluster() {
        return AttributeDecisions.of(EksResources.CLUSTER)
                .read("DescribeCluster", Cluster.class)
                .compare("version", "version")
                .compare("roleArn", "roleArn")
                .compare("resourcesVpcConfig.subnetIds", "subnetIds")
                .compare("resourcesVpcConfig.securityGroupIds", "securityGroupIds")
                .compare("resourcesVpcConfig.endpointPublicAccess", "endpointPublicAccess")
                .compare("resourcesVpcConfig.endpointPrivateAccess", "endpointPrivateAccess")
                .compare("logging", "logTypes")
                .compare("encryptionConfig", "secretsKey")
                .ignore("the public endpoint is open to all (AWS's default) or off, as the compared endpointPublicAccess says;"
                        + " a narrower list only restricts access (gap: not restored)", "resourcesVpcConfig.publicAccessCidrs")
                .ignore(Ignored.READ_ONLY + " (made by EKS, or the subnets' VPC)", "resourcesVpcConfig.clusterSecurityGroupId",
                        "resourcesVpcConfig.vpcId")
                .ignore(Ignored.FIXED_AT_CREATION, "kubernetesNetworkConfig.serviceIpv4Cidr", "kubernetesNetworkConfig.serviceIpv6Cidr",
                        "kubernetesNetworkConfig.ipFamily")
                .ignore(Ignored.IDENTITY, "name", "arn", "id")
                .ignore(Ignored.READ_ONLY + " (endpoint, CA, OIDC issuer, platform version)", "createdAt", "endpoint",
                        "certificateAuthority", "identity", "platformVersion", "clientRequestToken")
                .ignore(Ignored.STATUS, "status", "health")
                .ignore(IDENTITY_TAGS, "tags")
                .ignore("registered (EKS Connector) clusters only", "connectorConfig")
                .ignore(Ignored.OUTPOSTS, "outpostConfig")
                .ignore("one-way in AWS (CONFIG_MAP → API_AND_CONFIG_MAP → API, never back), so apply could not repair it;"
                        + " the kubernetes layer owns aws-auth (gap: not reported)", "accessConfig.authenticationMode")
                .ignore(Ignored.FIXED_AT_CREATION, "accessConfig.bootstrapClusterCreatorAdminPermissions")
                .ignore("extended support is charged per cluster-hour after standard support ends; the compared version is kept"
                        + " current by the spec (gap: not compared)", "upgradePolicy")
                .ignore("ARC zonal shift: availability, neither access nor cost", "zonalShiftConfig")
                .ignore("hybrid nodes only; the cluster's nodes are its node groups", "remoteNetworkConfig")
                .ignore("EKS Auto Mode only; the cluster runs managed node groups (gap: Auto Mode switched on is not reported)",
                        "computeConfig", "storageConfig", "kubernetesNetworkConfig.elasticLoadBalancing")
                .ignore("protects the cluster from deletion; the control plane deletes it only with approval (gap: not compared)",
                        "deletionProtection")
                .ignore("provisioned control-plane capacity tiers are charged per hour (gap: not compared)", "controlPlaneScalingConfig")
                .build();
    }

    static AttributeDecisions oidcProvider() {
        return AttributeDecisions.of(EksResources.OIDC_PROVIDER)
                .read("ListOpenIDConnectProviders", OpenIDConnectProviderListEntry.class)
                .ignore(Ignored.IDENTITY, "Arn")
                .read("GetOpenIDConnectProvider", GetOpenIdConnectProviderResponse.class)
                .compare("Url", "issuerOf")
                .compare("ClientIDList", "clientIds")
                .ignore("IAM trusts EKS's OIDC issuers by their root CA, not by thumbprint", "ThumbprintList")
                .ignore(Ignored.READ_ONLY, "CreateDate")
                .ignore(IDENTITY_TAGS, "Tags")
                .build();
    }

    static AttributeDecisions launchTemplate() {
        AttributeDecisions.Builder b = AttributeDecisions.of(EksResources.LAUNCH_TEMPLATE)
                .read("DescribeLaunchTemplates", LaunchTemplate.class)
                .compare("LaunchTemplateName", "name")
                .ignore(Ignored.IDENTITY, "LaunchTemplateId")
                .ignore("the default version is the one read and compared (DescribeLaunchTemplateVersions $Default)",
                        "DefaultVersionNumber")
                .ignore(Ignored.READ_ONLY, "CreateTime", "CreatedBy", "LatestVersionNumber")
                .ignore(IDENTITY_TAGS, "Tags")
                .ignore("set when an AWS service manages the template; the control plane's are its own", "Operator")
                .read("DescribeLaunchTemplateVersions", LaunchTemplateVersion.class)
                .compare("LaunchTemplateData.MetadataOptions.HttpTokens", "httpTokens")
                .compare("LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit", "httpPutResponseHopLimit")
                .compare("LaunchTemplateData.MetadataOptions.HttpEndpoint", "httpEndpoint")
                .compare("LaunchTemplateData.SecurityGroupIds", "securityGroupIds")
                .ignore(Ignored.STATUS, "LaunchTemplateData.MetadataOptions.State")
                .ignore("the IPv6 address of the metadata service; the VPC is IPv4 only", "LaunchTemplateData.MetadataOptions.HttpProtocolIpv6")
                .ignore("lets an instance read its own tags from the metadata service; tags hold no secrets",
                        "LaunchTemplateData.MetadataOptions.InstanceMetadataTags")
                .ignore(Ignored.sameAs("of DescribeLaunchTemplates"), "LaunchTemplateId", "LaunchTemplateName", "Operator")
                .ignore(Ignored.READ_ONLY + " (a version is immutable)", "VersionNumber", "VersionDescription", "CreateTime", "CreatedBy",
                        "DefaultVersion")
                .ignore("tags for the instances and volumes launched from the template; no policy of the spec conditions on them",
                        "LaunchTemplateData." + LaunchTemplateChanges.INSTANCE_TAGS);
        // Every other setting of the template (user data, SSH key, instance profile, volumes, network interfaces, ...)
        // is one the control plane never sets: any of them present is drift.
        for (String field : LaunchTemplateChanges.unmanagedFields()) b.compare("LaunchTemplateData." + field, LaunchTemplateChanges.OTHER_SETTINGS);
        return b.build();
    }

    static AttributeDecisions nodeGroup() {
        return AttributeDecisions.of(EksResources.NODE_GROUP)
                .read("DescribeNodegroup", Nodegroup.class)
                .compare("clusterName", "cluster")
                .compare("nodegroupName", "nodegroupName")
                .compare("nodeRole", "nodeRole")
                .compare("instanceTypes", "instanceTypes")
                .compare("capacityType", "capacityType")
                .compare("subnets", "subnetIds")
                .compare("scalingConfig.minSize", "scaling")
                .compare("scalingConfig.maxSize", "scaling")
                .compare("labels", "labels")
                .compare("taints", "taints")
                .compare("launchTemplate", "launchTemplate")
                .ignore("owned by the cluster autoscaler, within the compared min and max", "scalingConfig.desiredSize")
                .ignore("follows the cluster's compared version; the AMI release is AWS's (gap: a node group left on an older"
                        + " release is not reported)", "version", "releaseVersion")
                .ignore(Ignored.FIXED_AT_CREATION + " (with a launch template, SSH keys and disks come from the template, whose"
                        + " other settings are compared)", "remoteAccess", "amiType", "diskSize")
                .ignore(Ignored.READ_ONLY + " (the Auto Scaling group EKS made)", "resources", "createdAt", "modifiedAt")
                .ignore(Ignored.STATUS, "status", "health")
                .ignore("how many nodes an update replaces at once; neither access nor cost", "updateConfig")
                .ignore("automatic repair of unhealthy nodes; neither access nor cost", "nodeRepairConfig")
                .ignore(Ignored.IDENTITY, "nodegroupArn")
                .ignore(IDENTITY_TAGS, "tags")
                .build();
    }

    static AttributeDecisions addon() {
        return AttributeDecisions.of(EksResources.ADDON)
                .read("DescribeAddon", Addon.class)
                .compare("clusterName", "cluster")
                .compare("addonName", "addonName")
                .ignore("installed at EKS's default for the cluster's version, then EKS's to manage (AddonChanges)", "addonVersion")
                .ignore(Ignored.IDENTITY, "addonArn")
                .ignore(Ignored.READ_ONLY, "createdAt", "modifiedAt", "publisher", "owner", "marketplaceInformation")
                .ignore(Ignored.STATUS, "status", "health")
                .ignore(IDENTITY_TAGS, "tags")
                .ignore("an IAM role for the add-on's service account; the add-ons run with the node role (gap: a role set out"
                        + " of band is not reported)", "serviceAccountRoleArn", "podIdentityAssociations")
                .ignore("the add-on's own configuration (replicas, resources); gap: not compared", "configurationValues")
                .ignore(Ignored.FIXED_AT_CREATION, "namespaceConfig")
                .build();
    }
}
