package com.qualisys.controlplane.spec;

import java.util.List;

public record IamSpec(List<Role> roles, List<Policy> policies) {

    public enum RoleType { human, automation, service }

    /**
     * A role of the seed's role tables. Human roles are assumed from the account with MFA;
     * automation roles from the account without MFA; service roles by the named AWS services.
     */
    public record Role(
            String name,
            String purpose,
            RoleType type,
            boolean mfaRequired,
            Integer maxSessionSeconds,
            List<String> trustedServices,
            List<String> awsManagedPolicies,
            List<String> customerManagedPolicies) {
        public Role {
            trustedServices = trustedServices == null ? List.of() : List.copyOf(trustedServices);
            awsManagedPolicies = awsManagedPolicies == null ? List.of() : List.copyOf(awsManagedPolicies);
            customerManagedPolicies = customerManagedPolicies == null ? List.of() : List.copyOf(customerManagedPolicies);
        }
    }

    /** A customer-managed policy; {@code document} is a path relative to environments/, loaded into {@code json}. */
    public record Policy(String name, String description, String document, String json) {}
}
