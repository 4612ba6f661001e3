package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.LaunchTemplate;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.ResponseLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The node groups' launch templates: IMDSv2 required and the K8s-Nodes-SG. A template's state
 * is its default version. Repair points the default back at the newest version that matches the
 * spec (making one when none does) and rolls the node groups that run another version. A template
 * whose tags were removed is found again by its name.
 */
final class LaunchTemplates implements ManagedKind<LaunchTemplates.Template> {
    /**
     * The settings of the template's default version that the control plane never sets (user data, an SSH key,
     * an instance profile, volumes, network interfaces, ...): read from the SDK's field metadata, so a setting
     * AWS adds is covered too. Any present is drift; the desired list is empty.
     */
    static final String OTHER_SETTINGS = "otherSettings";
    private static final Set<String> MANAGED = Set.of("MetadataOptions", "SecurityGroupIds");
    /** Tags for the instances and volumes launched from the template: no policy of the spec conditions on them. */
    static final String INSTANCE_TAGS = "TagSpecifications";

    /** Observed only (never desired, so never drift): the default version's number, which node groups are compared with. */
    static final String DEFAULT_VERSION_NUMBER = "defaultVersionNumber";

    /** A template and its default version (null when that could not be read). */
    record Template(LaunchTemplate template, LaunchTemplateVersion defaultVersion) {}

    @Override
    public ResourceKind kind() {
        return EksResources.LAUNCH_TEMPLATE;
    }

    @Override
    public AttributeDecisions decisions() {
        return EksDecisions.launchTemplate();
    }

    /** One DescribeLaunchTemplates filtered by the environment tag, one DescribeLaunchTemplateVersions of every $Default. */
    @Override
    public List<Template> list(LayerContext ctx) {
        List<LaunchTemplate> templates = ctx.aws().ec2().describeLaunchTemplatesPaginator(r -> r.filters(
                Filter.builder().name("tag:" + Tags.ENVIRONMENT).values(ctx.environment()).build())).launchTemplates().stream().toList();
        if (templates.isEmpty()) return List.of();
        Map<String, LaunchTemplateVersion> defaults = new HashMap<>();
        for (LaunchTemplateVersion v : ctx.aws().ec2().describeLaunchTemplateVersionsPaginator(r -> r.versions("$Default"))
                .launchTemplateVersions()) {
            defaults.put(v.launchTemplateId(), v);
        }
        return templates.stream().map(t -> new Template(t, defaults.get(t.launchTemplateId()))).toList();
    }

    @Override
    public String logicalId(Template live, LayerContext ctx) {
        String id = Identity.logicalId(tagMap(live.template().tags()), ctx.environment());
        return id != null && id.startsWith(EksResources.LAYER + "/launch-template/") ? id : null;
    }

    /** The template of the wanted name (unique in the account and region), unless its tags say it is another's. */
    @Override
    public Optional<Template> findUntagged(DesiredResource want, LayerContext ctx) {
        Ec2Client ec2 = ctx.aws().ec2();
        List<LaunchTemplate> named;
        try {
            named = ec2.describeLaunchTemplates(r -> r.launchTemplateNames(want.string("name"))).launchTemplates();
        } catch (Ec2Exception notFound) {
            if (!"InvalidLaunchTemplateName.NotFoundException".equals(notFound.awsErrorDetails().errorCode())) throw notFound;
            return Optional.empty();
        }
        return named.stream().filter(t -> Identity.claimable(tagMap(t.tags()), ctx, want.logicalId())).findFirst()
                .map(t -> new Template(t, ec2.describeLaunchTemplateVersions(r -> r.launchTemplateId(t.launchTemplateId()).versions("$Default"))
                        .launchTemplateVersions().stream().findFirst().orElse(null)));
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        String name = ctx.aws().ec2().describeLaunchTemplates(r -> r.launchTemplateIds(physicalId)).launchTemplates().get(0).launchTemplateName();
        ctx.aws().ec2().createTags(r -> r.resources(physicalId).tags(ec2Tags(ctx.tags(logicalId, name))));
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        Map<String, String> out = new HashMap<>();
        tags.forEach(t -> out.put(t.key(), t.value()));
        return out;
    }

    private static List<Tag> ec2Tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    @Override
    public String physicalId(Template live) {
        return live.template().launchTemplateId();
    }

    @Override
    public Map<String, Object> attributes(Template live, LayerContext ctx) {
        LaunchTemplateVersion v = live.defaultVersion();
        Map<String, Object> a = templateAttributes(ctx, live.template().launchTemplateName(), v == null ? null : v.launchTemplateData());
        a.put(DEFAULT_VERSION_NUMBER, live.template().defaultVersionNumber());
        return a;
    }

    static List<String> unmanagedFields() {
        return ResponseLaunchTemplateData.builder().sdkFields().stream().map(SdkField::memberName)
                .filter(f -> !MANAGED.contains(f) && !f.equals(INSTANCE_TAGS)).toList();
    }

    /** "KeyName=ops" for a plain value, the field's name alone for a structure, a list or user data (which may hold secrets). */
    static List<String> otherSettings(ResponseLaunchTemplateData data) {
        List<String> out = new ArrayList<>();
        if (data == null) return out;
        for (SdkField<?> field : data.sdkFields()) {
            if (MANAGED.contains(field.memberName()) || field.memberName().equals(INSTANCE_TAGS)) continue;
            Object value = field.getValueOrDefault(data);
            if (value == null || value instanceof String s && s.isBlank() || value instanceof Collection<?> c && c.isEmpty()
                    || value instanceof Map<?, ?> m && m.isEmpty()) continue;
            boolean plain = value instanceof String || value instanceof Number || value instanceof Boolean;
            out.add(plain && !field.memberName().equals("UserData") ? field.memberName() + "=" + value : field.memberName());
        }
        return out.stream().sorted().toList();
    }

    static Map<String, Object> templateAttributes(LayerContext ctx, String name, ResponseLaunchTemplateData data) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", name);
        var metadata = data == null ? null : data.metadataOptions();
        a.put("httpTokens", metadata == null ? null : metadata.httpTokensAsString());
        a.put("httpPutResponseHopLimit", metadata == null ? null : metadata.httpPutResponseHopLimit());
        a.put("httpEndpoint", metadata == null ? null : metadata.httpEndpointAsString());
        a.put("securityGroupIds", data == null ? List.of() : data.securityGroupIds().stream().map(ctx.index()::refOrRaw).sorted().toList());
        a.put(OTHER_SETTINGS, otherSettings(data));
        return a;
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        String name = d.string("name");
        List<Tag> tags = ec2Tags(ctx.tags(d.logicalId(), name));
        var created = ctx.aws().ec2().createLaunchTemplate(r -> r.launchTemplateName(name)
                .launchTemplateData(data(ctx, d))
                .clientToken(Identity.clientToken(ctx, d))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.LAUNCH_TEMPLATE).tags(tags).build()))
                .launchTemplate();
        ctx.index().put(d.logicalId(), created.launchTemplateId());
    }

    @Override
    public void update(DesiredResource d, ObservedResource live, LayerContext ctx) {
        Ec2Client ec2 = ctx.aws().ec2();
        String id = live.physicalId();
        List<LaunchTemplateVersion> versions = ec2.describeLaunchTemplateVersionsPaginator(r -> r.launchTemplateId(id))
                .launchTemplateVersions().stream().toList();
        Long compliant = versions.stream()
                .filter(v -> matches(d, templateAttributes(ctx, v.launchTemplateName(), v.launchTemplateData())))
                .map(LaunchTemplateVersion::versionNumber).max(Comparator.naturalOrder()).orElse(null);
        long version = compliant != null ? compliant
                : ec2.createLaunchTemplateVersion(r -> r.launchTemplateId(id).launchTemplateData(data(ctx, d))
                        .clientToken(Identity.clientToken(ctx, d.logicalId() + "#" + versions.size())))
                        .launchTemplateVersion().versionNumber();
        ec2.modifyLaunchTemplate(r -> r.launchTemplateId(id).defaultVersion(String.valueOf(version)));
        NodeGroups.rollTemplate(ctx, id, String.valueOf(version));
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().deleteLaunchTemplate(r -> r.launchTemplateId(physicalId));
    }

    /** The default version number of a template, as a node group names it. */
    static String defaultVersion(LayerContext ctx, String templateId) {
        return String.valueOf(ctx.aws().ec2().describeLaunchTemplates(r -> r.launchTemplateIds(templateId))
                .launchTemplates().get(0).defaultVersionNumber());
    }

    private static boolean matches(DesiredResource d, Map<String, Object> live) {
        return d.attributes().entrySet().stream().allMatch(e -> Differ.sameValue(e.getValue(), live.get(e.getKey())));
    }

    private static RequestLaunchTemplateData data(LayerContext ctx, DesiredResource d) {
        List<String> groups = d.strings("securityGroupIds").stream().map(ctx::resolve).toList();
        return RequestLaunchTemplateData.builder()
                .metadataOptions(m -> m.httpTokens(d.string("httpTokens"))
                        .httpPutResponseHopLimit(((Number) d.attribute("httpPutResponseHopLimit")).intValue())
                        .httpEndpoint(d.string("httpEndpoint")))
                .securityGroupIds(groups)
                .build();
    }
}
