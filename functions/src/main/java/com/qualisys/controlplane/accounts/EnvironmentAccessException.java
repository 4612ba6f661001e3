package com.qualisys.controlplane.accounts;

/** The control plane cannot act in an environment's account; nothing was changed. The message names the environment. */
public class EnvironmentAccessException extends RuntimeException {
    private final String environment;

    public EnvironmentAccessException(String environment, String message) {
        super(message);
        this.environment = environment;
    }

    public EnvironmentAccessException(String environment, String message, Throwable cause) {
        super(message, cause);
        this.environment = environment;
    }

    public String environment() {
        return environment;
    }
}
