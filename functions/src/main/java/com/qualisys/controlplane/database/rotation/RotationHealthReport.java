package com.qualisys.controlplane.database.rotation;

import java.time.Instant;
import java.util.List;

/**
 * The rotation health check's answer (the handler returns it as JSON with the same field names).
 *
 * <pre>
 * {
 *   "checkedAt": "2026-11-28T20:00:00Z",
 *   "healthy": false,                      // true only if both are reachable and no problem is left unrepaired
 *   "secretsManager": {"reachable": true, "millis": 41, "error": null},
 *   "database":       {"reachable": true, "millis": 95, "error": null},
 *   "secrets": [{
 *     "secretId": "qualisys/database/connection", "strategy": "alternating users",
 *     "rotationEnabled": true, "scheduleDays": 30,
 *     "lastRotated": "...", "rotationDue": "...",
 *     "currentUser": "app_user_clone", "currentLogsIn": true,
 *     "pendingVersion": null,
 *     "problems": [{"code": "STUCK_PENDING", "detail": "...", "repaired": true, "repair": "resumed and finished the rotation"}]
 *   }]
 * }
 * </pre>
 *
 * Problem codes: SECRETS_MANAGER_UNREACHABLE, DATABASE_UNREACHABLE, ROTATION_DISABLED,
 * SCHEDULE_MISMATCH (rotation rules differ from rds.secrets.rotationDays), ROTATION_OVERDUE (the
 * current version is older than the schedule plus a day), STUCK_PENDING (an AWSPENDING version left
 * behind by a rotation that did not finish), CURRENT_LOGIN_REJECTED (AWSCURRENT cannot log in).
 * The previous alternating user logging in is expected until the next rotation.
 */
public record RotationHealthReport(
        Instant checkedAt,
        boolean healthy,
        Reachability secretsManager,
        Reachability database,
        List<SecretHealth> secrets) {

    public record Reachability(boolean reachable, long millis, String error) {}

    public record Problem(String code, String detail, boolean repaired, String repair) {}

    public record SecretHealth(
            String secretId,
            String strategy,
            Boolean rotationEnabled,
            Integer scheduleDays,
            Instant lastRotated,
            Instant rotationDue,
            String currentUser,
            Boolean currentLogsIn,
            String pendingVersion,
            List<Problem> problems) {

        public boolean healthy() {
            return problems.stream().allMatch(Problem::repaired);
        }
    }

    /** Problem codes still open, over all secrets: empty when healthy. */
    public List<String> openProblems() {
        List<String> open = new java.util.ArrayList<>();
        if (!secretsManager.reachable()) open.add("SECRETS_MANAGER_UNREACHABLE");
        if (!database.reachable()) open.add("DATABASE_UNREACHABLE");
        for (SecretHealth s : secrets) {
            for (Problem p : s.problems()) if (!p.repaired()) open.add(s.secretId() + ": " + p.code());
        }
        return open;
    }
}
