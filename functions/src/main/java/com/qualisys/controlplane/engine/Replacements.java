package com.qualisys.controlplane.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a REPLACE forces on the resources that refer to the replaced one by id (pure, no I/O). A
 * replaced resource gets a new physical id, so every live resource that names it — a NAT gateway in a
 * replaced subnet, a route-table or NACL association of it, a security-group rule admitting a replaced
 * group, a route to a replaced NAT gateway — will, once the old one is gone, point at an id that no
 * longer belongs to the logical resource. The plan therefore diffs the desired state against live state
 * as it will be: each {@code ref:<replaced>} in an observed attribute becomes the replaced resource's old
 * physical id. The Differ then plans each dependent as it would after the replacement: an UPDATE where
 * the reference can change in place, a REPLACE where it cannot (the attribute is in the kind's replaceOn),
 * which in turn forces its own dependents, until nothing new is replaced.
 *
 * <p>The rewritten observed resources are what apply repairs from: a route table's update then sees the
 * old subnet association to remove and the new subnet to associate.
 */
public final class Replacements {
    private static final String ID_CHAR = "[A-Za-z0-9_./-]";

    private Replacements() {}

    /**
     * @param plan     the plan with every forced change, each marked {@link Change#forcedBy()}
     * @param observed the live resources as apply must see them (references to replaced resources as old ids)
     * @param replaced logical id → old physical id of every resource replaced in this plan
     */
    public record Expanded(Plan plan, List<ObservedResource> observed, Map<String, String> replaced) {}

    /**
     * Plans a layer with the dependents of its replacements. replacedElsewhere holds the replacements
     * other layers plan in the same run (logical id → old physical id): their dependents in this layer
     * are planned too.
     */
    public static Expanded plan(String environment, String layer, List<DesiredResource> desired, List<ObservedResource> observed,
                                Map<String, String> replacedElsewhere) {
        return plan(environment, layer, desired, observed, replacedElsewhere, id -> List.of(DesiredResource.ref(id)));
    }

    /**
     * As {@link #plan(String, String, List, List, Map)}, for a layer whose attributes also name some
     * resources in a form of their own ({@link Layer#referenceForms}): referenceForms gives, for a
     * logical id, every string by which an attribute refers to it.
     */
    public static Expanded plan(String environment, String layer, List<DesiredResource> desired, List<ObservedResource> observed,
                                Map<String, String> replacedElsewhere, Function<String, List<String>> referenceForms) {
        Map<String, String> replaced = new LinkedHashMap<>(replacedElsewhere);
        List<ObservedResource> live = rewrite(observed, replaced, referenceForms);
        Plan plan = Differ.diff(environment, layer, desired, live);
        // Each round adds at least one replaced resource, so there are at most as many rounds as resources.
        while (addReplaced(plan, replaced)) {
            live = rewrite(observed, replaced, referenceForms);
            plan = Differ.diff(environment, layer, desired, live);
        }
        Map<String, String> ownReplaced = new LinkedHashMap<>(replaced);
        ownReplaced.keySet().removeAll(replacedElsewhere.keySet());
        return new Expanded(marked(plan, replaced, referenceForms), live, ownReplaced);
    }

    private static boolean addReplaced(Plan plan, Map<String, String> replaced) {
        boolean grew = false;
        for (Change c : plan.changes()) {
            if (c.action() == Action.REPLACE && c.physicalId() != null && replaced.putIfAbsent(c.logicalId(), c.physicalId()) == null) {
                grew = true;
            }
        }
        return grew;
    }

    /** Observed resources with every reference to a replaced resource turned into its old physical id. */
    static List<ObservedResource> rewrite(List<ObservedResource> observed, Map<String, String> replaced,
                                          Function<String, List<String>> referenceForms) {
        if (replaced.isEmpty()) return observed;
        Map<String, String> oldIdByForm = new LinkedHashMap<>();
        replaced.forEach((id, oldId) -> referenceForms.apply(id).forEach(form -> oldIdByForm.put(form, oldId)));
        Pattern refs = refPattern(oldIdByForm.keySet());
        List<ObservedResource> out = new ArrayList<>();
        for (ObservedResource o : observed) {
            @SuppressWarnings("unchecked")
            Map<String, Object> attributes = (Map<String, Object>) rewrite(o.attributes(), refs, oldIdByForm);
            out.add(new ObservedResource(o.logicalId(), o.kind(), o.physicalId(), attributes, o.identityLost()));
        }
        return out;
    }

    private static Object rewrite(Object value, Pattern refs, Map<String, String> replaced) {
        if (value instanceof String s) {
            Matcher m = refs.matcher(s);
            return m.find() ? m.replaceAll(r -> Matcher.quoteReplacement(replaced.get(r.group(1)))) : s;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(rewrite(k, refs, replaced), rewrite(v, refs, replaced)));
            return out;
        }
        if (value instanceof List<?> list) return list.stream().map(v -> rewrite(v, refs, replaced)).toList();
        if (value instanceof Set<?> set) {
            Set<Object> out = new LinkedHashSet<>();
            set.forEach(v -> out.add(rewrite(v, refs, replaced)));
            return out;
        }
        return value;
    }

    /** Any of the reference forms, not followed by more id characters (ref:…/public-b is not ref:…/public-bb). */
    private static Pattern refPattern(Collection<String> forms) {
        List<String> quoted = forms.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).map(Pattern::quote).toList();
        return Pattern.compile("(" + String.join("|", quoted) + ")(?!" + ID_CHAR + ")");
    }

    /** Marks each change with the replaced resources whose old id its differences carry. */
    private static Plan marked(Plan plan, Map<String, String> replaced, Function<String, List<String>> referenceForms) {
        if (replaced.isEmpty()) return plan;
        List<Change> out = new ArrayList<>();
        for (Change c : plan.changes()) {
            List<String> by = new ArrayList<>();
            for (Map.Entry<String, String> r : replaced.entrySet()) {
                if (r.getKey().equals(c.logicalId())) continue;
                List<String> forms = referenceForms.apply(r.getKey());
                boolean follows = c.differences().stream().anyMatch(d -> mentions(d.actual(), r.getValue())
                        && forms.stream().anyMatch(form -> mentions(d.expected(), form)));
                if (follows) by.add(r.getKey());
            }
            out.add(by.isEmpty() ? c : c.withForcedBy(by));
        }
        return new Plan(plan.environment(), plan.layer(), afterWhatForcesThem(out), plan.overridden(), plan.expired(), plan.references());
    }

    /** The changes in their order, except that a forced change comes after the replacements that force it. */
    private static List<Change> afterWhatForcesThem(List<Change> changes) {
        Map<String, Change> byId = new LinkedHashMap<>();
        changes.forEach(c -> byId.putIfAbsent(c.logicalId(), c));
        List<Change> out = new ArrayList<>();
        Set<Change> done = new java.util.HashSet<>();
        for (Change c : changes) emit(c, byId, done, out);
        return out;
    }

    private static void emit(Change c, Map<String, Change> byId, Set<Change> done, List<Change> out) {
        if (!done.add(c)) return;
        for (String by : c.forcedBy()) {
            Change forcing = byId.get(by);
            if (forcing != null) emit(forcing, byId, done, out);
        }
        out.add(c);
    }

    private static boolean mentions(Object value, String token) {
        if (value instanceof String s) return s.contains(token);
        if (value instanceof Map<?, ?> m) return m.keySet().stream().anyMatch(k -> mentions(k, token)) || m.values().stream().anyMatch(v -> mentions(v, token));
        if (value instanceof Collection<?> c) return c.stream().anyMatch(v -> mentions(v, token));
        return false;
    }

    /**
     * The live resource as it is once it has let go of the replaced resources: every element of a list
     * attribute that names one of their old physical ids dropped (a rule admitting the old security group,
     * the old subnet's association, the route to the old NAT gateway); null when it names none. Apply
     * repairs a forced dependent towards this first, before the replaced resources are deleted (AWS refuses
     * to delete a security group that another group's rule still names), and from it to the desired state
     * once their successors exist.
     */
    public static ObservedResource lettingGo(ObservedResource live, Collection<String> oldPhysicalIds) {
        if (live == null || oldPhysicalIds.isEmpty()) return null;
        Map<String, Object> attributes = new LinkedHashMap<>();
        boolean dropped = false;
        for (Map.Entry<String, Object> e : live.attributes().entrySet()) {
            Object value = e.getValue();
            if (value instanceof List<?> list) {
                List<Object> kept = new ArrayList<>();
                for (Object element : list) {
                    if (oldPhysicalIds.stream().anyMatch(id -> mentions(element, id))) dropped = true;
                    else kept.add(element);
                }
                value = kept;
            }
            attributes.put(e.getKey(), value);
        }
        return dropped ? new ObservedResource(live.logicalId(), live.kind(), live.physicalId(), attributes, live.identityLost()) : null;
    }
}
