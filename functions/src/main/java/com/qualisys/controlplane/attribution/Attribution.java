package com.qualisys.controlplane.attribution;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.ChangeAuthor;
import com.qualisys.controlplane.engine.Plan;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Matches drifted resources to the CloudTrail events that touched them, by physical id. Pure.
 * A resource's author is the newest successful event naming its id that someone other than the
 * control plane made; when only the control plane touched it, its newest own event, labelled so.
 * A resource that is missing (a CREATE in drift) has no id left to match: it is matched to the Delete* call
 * that names its AWS name, the last segment of its logical id (a role, budget, topic, trail, parameter
 * group or secret is named so); one known only by an AWS-made id (a subnet) stays unattributed.
 */
public final class Attribution {
    private Attribution() {}

    public static Map<String, ChangeAuthor> authors(List<Plan> plans, List<TrailEvent> events, String controlPlaneArn) {
        String self = principal(controlPlaneArn);
        Map<String, ChangeAuthor> out = new LinkedHashMap<>();
        for (Plan plan : plans) {
            for (Change change : plan.changes()) {
                Predicate<TrailEvent> names;
                if (change.physicalId() != null) {
                    names = e -> e.names().contains(change.physicalId());
                } else if (change.action() == Action.CREATE) {
                    String name = change.logicalId().substring(change.logicalId().lastIndexOf('/') + 1);
                    names = e -> e.eventName().startsWith("Delete") && e.names().contains(name);
                } else {
                    continue;
                }
                List<TrailEvent> touching = events.stream().filter(e -> !e.failed() && names.test(e))
                        .sorted(Comparator.comparing(TrailEvent::eventTime).reversed()).toList();
                Optional<TrailEvent> other = touching.stream().filter(e -> !principal(e.who()).equals(self)).findFirst();
                Optional<TrailEvent> chosen = other.isPresent() ? other : touching.stream().findFirst();
                chosen.ifPresent(e -> out.put(change.logicalId(),
                        new ChangeAuthor(e.who(), e.eventName(), e.eventTime(), e.sourceIp(), principal(e.who()).equals(self))));
            }
        }
        return out;
    }

    /**
     * The principal behind an ARN: an assumed-role session counts as its role (each Lambda
     * invocation of the control plane may carry another session name).
     */
    static String principal(String arn) {
        if (arn == null) return "";
        int at = arn.indexOf(":assumed-role/");
        if (at < 0) return arn;
        String rest = arn.substring(at + ":assumed-role/".length());
        int slash = rest.indexOf('/');
        String account = arn.split(":").length > 4 ? arn.split(":")[4] : "";
        return "role:" + account + ":" + (slash < 0 ? rest : rest.substring(0, slash));
    }
}
