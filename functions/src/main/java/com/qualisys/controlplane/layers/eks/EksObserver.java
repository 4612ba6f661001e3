package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.layers.support.ForeignRefs;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.engine.ManagedKinds;
import com.qualisys.controlplane.spec.EksSpec;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Addon;
import software.amazon.awssdk.services.eks.model.AddonStatus;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterStatus;
import software.amazon.awssdk.services.eks.model.LogSetup;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.NodegroupStatus;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;
import software.amazon.awssdk.services.iam.model.GetOpenIdConnectProviderResponse;
import software.amazon.awssdk.services.iam.model.OpenIDConnectProviderListEntry;

/**
 * Reads the EKS layer's live resources. Order matters: each resource is registered in the index
 * before the resources that refer to it are read, so their physical ids turn into refs.
 */
final class EksObserver {
    private final LayerContext ctx;
    private final EnvironmentSpec spec;
    private final EksSpec eks;
    private final List<ObservedResource> out = new ArrayList<>();

    EksObserver(LayerContext ctx) {
        this.ctx = ctx;
        this.spec = ctx.spec();
        this.eks = spec.eks();
    }

    List<ObservedResource> observe() {
        // Our own ids are found here; an absent one must not make the index observe this layer again.
        ctx.index().markObserved(EksResources.LAYER);
        ForeignRefs.ensure(ctx, EksResources.foreignRefs(spec), Map.of());
        out.addAll(EncryptionKeys.observe(ctx, EksResources.LAYER, Map.of(EksResources.secretsKey(), eks.secretsKmsAlias())));
        Map<String, Long> defaultVersions = launchTemplates();
        Optional<Cluster> cluster = cluster();
        oidcProviders(cluster.map(EksObserver::issuer).orElse(null));
        out.addAll(new ManagedKinds(EksResources.LAYER, List.of(EksLayer.ROLES)).observe(ctx, EksResources.desired(spec)));
        if (cluster.isPresent()) {
            nodeGroups(defaultVersions);
            addons();
        }
        return out;
    }

    private Optional<Cluster> cluster() {
        Cluster c;
        try {
            c = ctx.aws().eks().describeCluster(r -> r.name(eks.clusterName())).cluster();
        } catch (ResourceNotFoundException absent) {
            return Optional.empty();
        }
        String logicalId = EksResources.cluster(eks);
        // A cluster on its way out (a replace in progress) is gone already as far as the plan goes.
        if (!Identity.isOurs(c.tags(), ctx, logicalId) || c.status() == ClusterStatus.DELETING) return Optional.empty();
        ctx.index().put(logicalId, c.name());
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("version", c.version());
        a.put("roleArn", ForeignRefs.roleRef(ctx, c.roleArn()));
        a.put("subnetIds", refs(c.resourcesVpcConfig() == null ? List.of() : c.resourcesVpcConfig().subnetIds()));
        a.put("securityGroupIds", refs(c.resourcesVpcConfig() == null ? List.of() : c.resourcesVpcConfig().securityGroupIds()));
        a.put("endpointPrivateAccess", c.resourcesVpcConfig() == null ? null : c.resourcesVpcConfig().endpointPrivateAccess());
        a.put("endpointPublicAccess", c.resourcesVpcConfig() == null ? null : c.resourcesVpcConfig().endpointPublicAccess());
        a.put("logTypes", enabledLogTypes(c));
        a.put("secretsKey", c.encryptionConfig().stream().filter(e -> e.resources().contains("secrets") && e.provider() != null)
                .map(e -> ctx.index().refOrRaw(e.provider().keyArn())).findFirst().orElse(null));
        a.put("status", c.statusAsString());
        out.add(new ObservedResource(logicalId, EksResources.CLUSTER.name(), c.name(), a));
        return Optional.of(c);
    }

    private static String issuer(Cluster c) {
        return c.identity() == null || c.identity().oidc() == null ? null : c.identity().oidc().issuer();
    }

    static List<String> enabledLogTypes(Cluster c) {
        List<String> types = new ArrayList<>();
        if (c.logging() != null) {
            for (LogSetup setup : c.logging().clusterLogging()) {
                if (Boolean.TRUE.equals(setup.enabled())) types.addAll(setup.typesAsStrings());
            }
        }
        return types.stream().distinct().sorted().toList();
    }

    private void oidcProviders(String clusterIssuer) {
        String logicalId = EksResources.oidcProvider(eks);
        for (OpenIDConnectProviderListEntry entry : ctx.aws().iam().listOpenIDConnectProviders().openIDConnectProviderList()) {
            GetOpenIdConnectProviderResponse p = ctx.aws().iam().getOpenIDConnectProvider(r -> r.openIDConnectProviderArn(entry.arn()));
            Map<String, String> tags = new HashMap<>();
            p.tags().forEach(t -> tags.put(t.key(), t.value()));
            if (!Identity.isOurs(tags, ctx, logicalId)) continue;
            ctx.index().put(logicalId, entry.arn());
            String url = p.url().startsWith("https://") ? p.url() : "https://" + p.url();
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("issuerOf", url.equals(clusterIssuer) ? DesiredResource.ref(EksResources.cluster(eks)) : url);
            a.put("clientIds", p.clientIDList().stream().sorted().toList());
            out.add(new ObservedResource(logicalId, EksResources.OIDC_PROVIDER.name(), entry.arn(), a));
        }
    }

    /** Our launch templates, read from their default version; returns template id to default version number. */
    private Map<String, Long> launchTemplates() {
        Map<String, Long> defaults = new HashMap<>();
        Map<String, String> logicalById = new HashMap<>();
        for (LaunchTemplate lt : ctx.aws().ec2().describeLaunchTemplatesPaginator(r -> r.filters(
                Filter.builder().name("tag:" + Tags.ENVIRONMENT).values(ctx.environment()).build())).launchTemplates()) {
            Map<String, String> tags = new HashMap<>();
            lt.tags().forEach(t -> tags.put(t.key(), t.value()));
            String id = Identity.logicalId(tags, ctx.environment());
            if (id == null || !id.startsWith(EksResources.LAYER + "/launch-template/")) continue;
            logicalById.put(lt.launchTemplateId(), id);
            defaults.put(lt.launchTemplateId(), lt.defaultVersionNumber());
            ctx.index().put(id, lt.launchTemplateId());
        }
        if (logicalById.isEmpty()) return defaults;
        for (LaunchTemplateVersion v : ctx.aws().ec2().describeLaunchTemplateVersionsPaginator(r -> r.versions("$Default"))
                .launchTemplateVersions()) {
            String id = logicalById.get(v.launchTemplateId());
            if (id == null) continue;
            out.add(new ObservedResource(id, EksResources.LAUNCH_TEMPLATE.name(), v.launchTemplateId(),
                    LaunchTemplateChanges.attributes(ctx, v.launchTemplateName(), v.launchTemplateData())));
        }
        return defaults;
    }

    private void nodeGroups(Map<String, Long> defaultVersions) {
        EksClient client = ctx.aws().eks();
        for (String name : client.listNodegroupsPaginator(r -> r.clusterName(eks.clusterName())).nodegroups()) {
            Nodegroup ng = client.describeNodegroup(r -> r.clusterName(eks.clusterName()).nodegroupName(name)).nodegroup();
            String id = Identity.logicalId(ng.tags(), ctx.environment());
            if (id == null || !id.startsWith(EksResources.LAYER + "/node-group/") || ng.status() == NodegroupStatus.DELETING) continue;
            ctx.index().put(id, ng.nodegroupName());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("cluster", ctx.index().refOrRaw(ng.clusterName()));
            a.put("nodegroupName", ng.nodegroupName());
            a.put("nodeRole", ForeignRefs.roleRef(ctx, ng.nodeRole()));
            a.put("instanceTypes", ng.instanceTypes().stream().sorted().toList());
            a.put("capacityType", ng.capacityTypeAsString());
            a.put("subnetIds", refs(ng.subnets()));
            Map<String, Object> scaling = new TreeMap<>();
            if (ng.scalingConfig() != null) {
                scaling.put("minSize", ng.scalingConfig().minSize());
                scaling.put("maxSize", ng.scalingConfig().maxSize());
                // Not compared (the desired side has no desiredSize): kept for apply, which must keep it within bounds.
                a.put("desiredSize", ng.scalingConfig().desiredSize());
            }
            a.put("scaling", scaling);
            a.put("labels", new TreeMap<>(ng.labels()));
            a.put("taints", ng.taints().stream().map(t -> EksResources.taint(t.key(), t.value(), t.effectAsString())).sorted().toList());
            Map<String, Object> template = new TreeMap<>();
            if (ng.launchTemplate() != null) {
                String ltId = ng.launchTemplate().id();
                Long dflt = defaultVersions.get(ltId);
                template.put("id", ctx.index().refOrRaw(ltId));
                template.put("version", dflt != null && String.valueOf(dflt).equals(ng.launchTemplate().version())
                        ? NodeGroupChanges.DEFAULT_VERSION : ng.launchTemplate().version());
                a.put("launchTemplateVersionNumber", ng.launchTemplate().version());
            }
            a.put("launchTemplate", template);
            a.put("status", ng.statusAsString());
            out.add(new ObservedResource(id, EksResources.NODE_GROUP.name(), ng.nodegroupName(), a));
        }
    }

    private void addons() {
        EksClient client = ctx.aws().eks();
        for (String name : client.listAddonsPaginator(r -> r.clusterName(eks.clusterName())).addons()) {
            Addon addon = client.describeAddon(r -> r.clusterName(eks.clusterName()).addonName(name)).addon();
            String id = Identity.logicalId(addon.tags(), ctx.environment());
            if (id == null || !id.startsWith(EksResources.LAYER + "/addon/") || addon.status() == AddonStatus.DELETING) continue;
            ctx.index().put(id, addon.addonName());
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("cluster", ctx.index().refOrRaw(addon.clusterName()));
            a.put("addonName", addon.addonName());
            a.put("addonVersion", addon.addonVersion());
            a.put("status", addon.statusAsString());
            out.add(new ObservedResource(id, EksResources.ADDON.name(), addon.addonName(), a));
        }
    }

    private List<String> refs(List<String> physicalIds) {
        return physicalIds.stream().map(ctx.index()::refOrRaw).sorted().toList();
    }
}
