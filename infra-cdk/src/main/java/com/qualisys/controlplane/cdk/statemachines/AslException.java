package com.qualisys.controlplane.cdk.statemachines;

/** A state machine definition the CDK app cannot deploy; the message names the file and the state. */
public class AslException extends IllegalArgumentException {
    public AslException(String message) {
        super(message);
    }
}
