package com.qualisys.controlplane.layers.iam;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Just enough of IAM's evaluation for tests to ask what a document allows: statements without
 * conditions, wildcards in actions (case-insensitive) and resources. Explicit deny wins.
 */
final class PolicyEvaluation {
    private final List<Map<String, Object>> statements;

    @SuppressWarnings("unchecked")
    PolicyEvaluation(String document) {
        this.statements = (List<Map<String, Object>>) PolicyDocument.canonical(document).get("Statement");
    }

    boolean explicitlyDenies(String action, String resource) {
        return statements.stream().anyMatch(s -> s.get("Effect").equals("Deny") && !s.containsKey("Condition") && matches(s, action, resource));
    }

    boolean allows(String action, String resource) {
        return !explicitlyDenies(action, resource)
                && statements.stream().anyMatch(s -> s.get("Effect").equals("Allow") && !s.containsKey("Condition") && matches(s, action, resource));
    }

    /** Every action some Allow statement names, as written (lower case). */
    @SuppressWarnings("unchecked")
    List<String> allowedActions() {
        return statements.stream().filter(s -> s.get("Effect").equals("Allow") && s.containsKey("Action"))
                .flatMap(s -> ((List<String>) s.get("Action")).stream()).toList();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statements() {
        return statements;
    }

    @SuppressWarnings("unchecked")
    private static boolean matches(Map<String, Object> s, String action, String resource) {
        boolean actionMatch = s.containsKey("Action") ? anyGlob((List<String>) s.get("Action"), action, true)
                : !anyGlob((List<String>) s.get("NotAction"), action, true);
        boolean resourceMatch = s.containsKey("Resource") ? anyGlob((List<String>) s.get("Resource"), resource, false)
                : !anyGlob((List<String>) s.get("NotResource"), resource, false);
        return actionMatch && resourceMatch;
    }

    private static boolean anyGlob(List<String> patterns, String value, boolean ignoreCase) {
        for (String p : patterns) {
            String regex = ("\\Q" + p + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
            Pattern pattern = ignoreCase ? Pattern.compile(regex, Pattern.CASE_INSENSITIVE) : Pattern.compile(regex);
            if (pattern.matcher(value).matches()) return true;
        }
        return false;
    }
}
