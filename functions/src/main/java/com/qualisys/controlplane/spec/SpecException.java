package com.qualisys.controlplane.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot be used. Thrown before any AWS call is made. */
public class SpecException extends RuntimeException {
    private final List<SpecError> errors;

    public SpecException(List<SpecError> errors) {
        super(errors.stream().map(SpecError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public SpecException(SpecError error) {
        this(List.of(error));
    }

    public List<SpecError> errors() {
        return errors;
    }
}
