package com.qualisys.controlplane.accounts;

/**
 * The credentials for an environment act in another account than its spec's {@code aws.accountId}:
 * refused before any call that could change something.
 */
public final class AccountMismatchException extends EnvironmentAccessException {
    private final String expected;
    private final String actual;

    public AccountMismatchException(String environment, String expected, String actual) {
        super(environment, "environment " + environment + ": the credentials act in account " + actual
                + ", but aws.accountId is " + expected + "; refusing to touch account " + actual + ", nothing was changed");
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
