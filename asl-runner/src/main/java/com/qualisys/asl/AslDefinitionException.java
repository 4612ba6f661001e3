package com.qualisys.asl;

import java.util.List;

/**
 * A state machine definition that is invalid, or that uses a feature the local runner does not
 * implement. {@link #problems()} lists every problem found, each naming the state and the field,
 * e.g. {@code state "Foo": field "ItemReader" is not supported by the local runner (distributed Map)}.
 */
public class AslDefinitionException extends IllegalArgumentException {
    private final List<String> problems;

    public AslDefinitionException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    public AslDefinitionException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.size() == 1) {
            return "invalid state machine definition: " + problems.get(0);
        }
        return "invalid state machine definition (" + problems.size() + " problems):\n  - "
                + String.join("\n  - ", problems);
    }
}
