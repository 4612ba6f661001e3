package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.iam.model.GetOpenIdConnectProviderResponse;
import software.amazon.awssdk.services.iam.model.OpenIDConnectProviderListEntry;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The cluster's IAM OIDC identity provider, which IRSA roles trust. Its URL is the cluster's issuer.
 * IAM lists providers without their tags: one ListOpenIDConnectProviders, then one
 * GetOpenIDConnectProvider per provider. One whose tags were removed is found again by its URL
 * (IAM allows one provider per URL).
 */
final class OidcProviders implements ManagedKind<OidcProviders.Provider> {

    /** A provider as IAM lists and reads it. */
    record Provider(String arn, GetOpenIdConnectProviderResponse details) {
        Map<String, String> tags() {
            Map<String, String> tags = new HashMap<>();
            details.tags().forEach(t -> tags.put(t.key(), t.value()));
            return tags;
        }

        String url() {
            return details.url().startsWith("https://") ? details.url() : "https://" + details.url();
        }
    }

    @Override
    public ResourceKind kind() {
        return EksResources.OIDC_PROVIDER;
    }

    @Override
    public AttributeDecisions decisions() {
        return EksDecisions.oidcProvider();
    }

    @Override
    public List<Provider> list(LayerContext ctx) {
        return ctx.aws().iam().listOpenIDConnectProviders().openIDConnectProviderList().stream()
                .map(OpenIDConnectProviderListEntry::arn)
                .map(arn -> new Provider(arn, ctx.aws().iam().getOpenIDConnectProvider(r -> r.openIDConnectProviderArn(arn))))
                .toList();
    }

    @Override
    public String logicalId(Provider live, LayerContext ctx) {
        String logicalId = EksResources.oidcProvider(ctx.spec().eks());
        return Identity.isOurs(live.tags(), ctx, logicalId) ? logicalId : null;
    }

    /** The provider of the cluster's issuer URL, unless its tags say it is another's. */
    @Override
    public Optional<Provider> findUntagged(DesiredResource want, LayerContext ctx) {
        String issuer;
        try {
            issuer = issuer(ctx.aws().eks().describeCluster(r -> r.name(ctx.spec().eks().clusterName())).cluster());
        } catch (software.amazon.awssdk.services.eks.model.ResourceNotFoundException noCluster) {
            return Optional.empty();
        }
        if (issuer == null) return Optional.empty();
        return list(ctx).stream().filter(p -> p.url().equals(issuer) && Identity.claimable(p.tags(), ctx, want.logicalId())).findFirst();
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        ctx.aws().iam().tagOpenIDConnectProvider(r -> r.openIDConnectProviderArn(physicalId).tags(tags(ctx, logicalId)));
    }

    @Override
    public String physicalId(Provider live) {
        return live.arn();
    }

    @Override
    public Map<String, Object> attributes(Provider live, LayerContext ctx) {
        return attributes(live, ctx, Map.of());
    }

    /** issuerOf: a ref to the cluster when the URL is the cluster's issuer (read by {@link Clusters} before). */
    @Override
    public Map<String, Object> attributes(Provider live, LayerContext ctx, Map<String, ObservedResource> earlier) {
        String clusterId = EksResources.cluster(ctx.spec().eks());
        ObservedResource cluster = earlier.get(clusterId);
        Object clusterIssuer = cluster == null ? null : cluster.attributes().get(Clusters.ISSUER);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("issuerOf", live.url().equals(clusterIssuer) ? DesiredResource.ref(clusterId) : live.url());
        a.put("clientIds", live.details().clientIDList().stream().sorted().toList());
        return a;
    }

    private static String issuer(Cluster cluster) {
        return cluster.identity() == null || cluster.identity().oidc() == null ? null : cluster.identity().oidc().issuer();
    }

    private static List<Tag> tags(LayerContext ctx, String logicalId) {
        return ctx.tags(logicalId, ctx.spec().eks().clusterName()).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        String issuer = issuer(Clusters.requireActive(ctx, d.logicalId()));
        if (issuer == null) throw new ChangePendingException(d.logicalId() + " waits for the cluster's OIDC issuer");
        // No thumbprint: IAM secures EKS issuers with its own trusted CAs and ignores one if given.
        String arn = ctx.aws().iam().createOpenIDConnectProvider(r -> r.url(issuer).clientIDList(d.strings("clientIds"))
                        .tags(tags(ctx, d.logicalId())))
                .openIDConnectProviderArn();
        ctx.index().put(d.logicalId(), arn);
    }

    @Override
    public void update(DesiredResource d, ObservedResource live, LayerContext ctx) {
        List<String> want = d.strings("clientIds");
        List<String> have = ManagedKind.strings(live, "clientIds");
        for (String id : want) {
            if (!have.contains(id)) ctx.aws().iam().addClientIDToOpenIDConnectProvider(r -> r.openIDConnectProviderArn(live.physicalId()).clientID(id));
        }
        for (String id : have) {
            if (!want.contains(id)) ctx.aws().iam().removeClientIDFromOpenIDConnectProvider(r -> r.openIDConnectProviderArn(live.physicalId()).clientID(id));
        }
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().iam().deleteOpenIDConnectProvider(r -> r.openIDConnectProviderArn(physicalId));
    }
}
