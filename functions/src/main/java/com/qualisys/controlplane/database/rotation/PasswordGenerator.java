package com.qualisys.controlplane.database.rotation;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * New passwords from Secrets Manager's GetRandomPassword: 32 letters and digits (about 190
 * bits), nothing that needs quoting in SQL, a URI or a shell (the seed's by-hand psql command
 * wraps the password in single quotes).
 */
public final class PasswordGenerator {
    public static final int LENGTH = 32;
    private final SecretsManagerClient secretsManager;

    public PasswordGenerator(SecretsManagerClient secretsManager) {
        this.secretsManager = secretsManager;
    }

    public String generate() {
        String password = secretsManager.getRandomPassword(r -> r.passwordLength((long) LENGTH)
                .excludePunctuation(true).includeSpace(false).requireEachIncludedType(true)).randomPassword();
        if (password == null || password.length() != LENGTH || !password.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
            throw new IllegalStateException("GetRandomPassword returned a password that is not " + LENGTH + " letters and digits");
        }
        return password;
    }
}
