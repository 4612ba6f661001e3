package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The aws-auth ConfigMap: its role and user mappings ({@link AwsAuth}), role ARNs in the environment's account. */
final class AwsAuthKind extends KubernetesObjectKind<ConfigMap> {
    private final Function<LayerContext, String> account;

    AwsAuthKind(KubernetesConnector connector, Function<LayerContext, String> account) {
        super(connector);
        this.account = account;
    }

    @Override
    public ResourceKind kind() {
        return KubernetesKinds.CONFIG_MAP;
    }

    @Override
    public AttributeDecisions decisions() {
        return KubernetesDecisions.awsAuth();
    }

    @Override
    String account(LayerContext ctx) {
        return account.apply(ctx);
    }

    @Override
    List<ConfigMap> items(KubernetesClient client, LayerContext ctx) {
        return client.configMaps().inAnyNamespace().withLabels(KubernetesIdentity.managedSelector()).list().getItems();
    }

    @Override
    String idOf(ConfigMap cm, LayerContext ctx) {
        String ns = cm.getMetadata().getNamespace();
        boolean isAwsAuth = ns.equals(KubernetesKinds.AWS_AUTH_NAMESPACE) && cm.getMetadata().getName().equals(KubernetesKinds.AWS_AUTH_NAME);
        return isAwsAuth ? KubernetesKinds.awsAuth()
                : KubernetesKinds.id(KubernetesKinds.CONFIG_MAP, ns + "/" + cm.getMetadata().getName());
    }

    @Override
    public Map<String, Object> attributes(ConfigMap cm, LayerContext ctx) {
        Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
        String acct = account(ctx);
        return Map.of("mapRoles", AwsAuth.parse(data.get("mapRoles"), acct), "mapUsers", AwsAuth.parse(data.get("mapUsers"), acct));
    }

    @Override
    void remove(KubernetesClient client, String namespace, String name) {
        client.configMaps().inNamespace(namespace).withName(name).delete();
    }
}
