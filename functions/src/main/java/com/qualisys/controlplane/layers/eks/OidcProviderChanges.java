package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import java.util.List;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.iam.model.Tag;

/** The cluster's IAM OIDC identity provider, which IRSA roles trust. Its URL is the cluster's issuer. */
final class OidcProviderChanges {
    private OidcProviderChanges() {}

    static void create(LayerContext ctx, DesiredResource d) {
        Cluster cluster = ClusterChanges.requireActive(ctx, d.logicalId());
        String issuer = cluster.identity() == null || cluster.identity().oidc() == null ? null : cluster.identity().oidc().issuer();
        if (issuer == null) throw new ChangePendingException(d.logicalId() + " waits for the cluster's OIDC issuer");
        List<Tag> tags = ctx.tags(d.logicalId(), ctx.spec().eks().clusterName()).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        // No thumbprint: IAM secures EKS issuers with its own trusted CAs and ignores one if given.
        String arn = ctx.aws().iam().createOpenIDConnectProvider(r -> r.url(issuer).clientIDList(d.strings("clientIds")).tags(tags))
                .openIDConnectProviderArn();
        ctx.index().put(d.logicalId(), arn);
    }

    static void update(LayerContext ctx, DesiredResource d, ObservedResource live) {
        List<String> want = d.strings("clientIds");
        @SuppressWarnings("unchecked")
        List<String> have = (List<String>) live.attributes().getOrDefault("clientIds", List.of());
        for (String id : want) {
            if (!have.contains(id)) ctx.aws().iam().addClientIDToOpenIDConnectProvider(r -> r.openIDConnectProviderArn(live.physicalId()).clientID(id));
        }
        for (String id : have) {
            if (!want.contains(id)) ctx.aws().iam().removeClientIDFromOpenIDConnectProvider(r -> r.openIDConnectProviderArn(live.physicalId()).clientID(id));
        }
    }

    static void delete(LayerContext ctx, ObservedResource live) {
        ctx.aws().iam().deleteOpenIDConnectProvider(r -> r.openIDConnectProviderArn(live.physicalId()));
    }
}
