package com.qualisys.controlplane.events;

/**
 * An event payload the control plane refuses: malformed, truncated, of the wrong type or too large.
 * The message names the field and the offending value (shortened, control characters escaped) the way
 * spec errors do: {@code detail.eventTime "yesterday" is not an ISO-8601 instant}. Nothing is done
 * with a payload that raised this.
 */
public final class EventParseException extends Exception {
    private final String field;
    private final String value;
    private final String problem;

    public EventParseException(String field, String value, String problem) {
        super(field + (value == null ? "" : " " + value) + " " + problem);
        this.field = field;
        this.value = value;
        this.problem = problem;
    }

    /** Dotted path of the field, e.g. {@code detail.requestParameters.groupId}; {@code payload} for the whole. */
    public String field() {
        return field;
    }

    /** The offending value as shown in the message (already quoted and shortened), or null when absent. */
    public String value() {
        return value;
    }

    public String problem() {
        return problem;
    }
}
