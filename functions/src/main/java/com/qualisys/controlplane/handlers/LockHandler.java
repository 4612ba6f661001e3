package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.approval.ApprovalTrail;
import com.qualisys.controlplane.approval.ApproverCheck;
import com.qualisys.controlplane.approval.ApproverRefusedException;
import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.state.ApplyLock;
import com.qualisys.controlplane.state.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The apply lease of an environment, and which layers a run covers.
 * <ul>
 *   <li>{@code {"action":"acquire","environment","holder","input":{...}}} takes the lease (or fails
 *       with LockHeldException naming the holder) and resolves the run: layers in dependency
 *       order (the input's {@code layers}, default all), {@code runDbInit} (default true),
 *       {@code approveDestructive} (default false), and the environment's {@code account} and
 *       {@code region} (provision invokes the database functions there).</li>
 *   <li>{@code {"action":"renew"|"release","environment","holder"[,"leaseId"]}}: by lease id, or by holder
 *       (a state machine's execution id) when none is given; renew answers the lease with its
 *       {@code fencingToken}.</li>
 *   <li>{@code {"action":"resolve","environment","input":{...}}} resolves the layers only (drift-check).</li>
 *   <li>{@code {"action":"identify-approver","environment","executionId","startedAt","requestedAt","approval":{...}}}:
 *       who approved the run's destructive changes, as CloudTrail names the principal of the
 *       SendTaskSuccess (never the name the answer asserts); refused when the environment requires an
 *       approver other than the starter ({@code responses.distinctApprover}) and they are the same.</li>
 * </ul>
 */
public final class LockHandler extends ControlPlaneHandler {
    public LockHandler() {}

    public LockHandler(ControlPlane controlPlane) {
        super(controlPlane);
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        String action = input.oneOf("action", List.of("acquire", "renew", "release", "resolve", "environments", "identify-approver"));
        // drift-check-all: {"action":"environments","input":{["environments"],["layers"]}}
        if (action.equals("environments")) return environments(Input.of(input.map("input")), controlPlane);
        EnvironmentSpec spec = environment(input, controlPlane);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        if (action.equals("resolve")) {
            out.putAll(resolveRun(Input.of(input.map("input")), controlPlane));
            return out;
        }
        if (action.equals("identify-approver")) {
            out.putAll(identifyApprover(input, spec, controlPlane));
            return out;
        }
        ApplyLock lock = controlPlane.lock(spec);
        String holder = input.string("holder");
        Duration lease = ControlPlane.leaseDuration(spec);
        String leaseId = input.string("leaseId", null);
        switch (action) {
            case "acquire" -> {
                Map<String, Object> run = resolveRun(Input.of(input.map("input")), controlPlane);
                if (spec.responses().distinctApprover() && Boolean.TRUE.equals(run.get("approveDestructive"))) {
                    throw new BadInputException("input field 'approveDestructive' is true, but environment " + spec.environment()
                            + " requires destructive changes to be approved by someone other than the run's starter "
                            + "(responses.distinctApprover): leave it out and the run asks for approval");
                }
                if (Boolean.TRUE.equals(run.get("approveDestructive")) && !StateMachines.onApprovedProvision(holder)) {
                    throw new BadInputException(approverOnly(spec, holder));
                }
                Lease taken = lock.acquire(spec.environment(), holder, lease);
                out.putAll(describe(taken));
                out.putAll(run);
                // Where the environment's own functions are (db-init): provision invokes them by this account's ARN.
                out.put("account", spec.aws().accountId());
                out.put("region", spec.aws().region());
            }
            // Without a lease id, by holder: a provision run's lease id changes when it re-acquires after an approval wait.
            case "renew" -> out.putAll(describe(leaseId == null ? lock.renew(spec.environment(), holder, lease)
                    : lock.renew(new Lease(spec.environment(), holder, leaseId, 0, null, null, null), lease)));
            default -> {
                if (leaseId == null) lock.release(spec.environment(), holder);
                else lock.release(new Lease(spec.environment(), holder, leaseId, 0, null, null, null));
                out.put("released", true);
            }
        }
        return out;
    }

    /**
     * Which environments drift-check-all covers: the input's "environments" (each must be valid), or
     * every environment of the specs, and the layers checked in each (the input's "layers", default all).
     * Bad names are bad input, before any execution starts.
     */
    private static Map<String, Object> environments(Input run, ControlPlane controlPlane) {
        List<String> names = run.fields().get("environments") == null ? controlPlane.environmentNames() : run.strings("environments");
        for (String name : names) {
            try {
                controlPlane.spec(name);
            } catch (com.qualisys.controlplane.spec.SpecException e) {
                throw new BadInputException(e.getMessage());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environments", names);
        out.put("layers", resolveRun(run, controlPlane).get("layers"));
        return out;
    }

    /**
     * A deployed run's approver is the principal CloudTrail recorded for the SendTaskSuccess. A local run
     * ({@code approve --local} answers through the token directory, {@code "local": true}) has no AWS
     * caller: its approver is the name the answer carries, marked unverified, and an environment that
     * requires a distinct approver refuses it (an AWS answer claiming to be local gains nothing).
     */
    private static Map<String, Object> identifyApprover(Input input, EnvironmentSpec spec, ControlPlane controlPlane) {
        Input approval = Input.of(input.map("approval"));
        boolean distinct = spec.responses().distinctApprover();
        Map<String, Object> out = new LinkedHashMap<>();
        if (approval.bool("local", false)) {
            if (distinct) {
                throw new ApproverRefusedException("approval refused: environment " + spec.environment() + " requires an approver other "
                        + "than the starter (responses.distinctApprover), as AWS names them, and a local approval (approve --local) "
                        + "has no AWS identity. Nothing was applied: run it through the deployed state machine and have another "
                        + "person run `qualisys approve <execution>`.");
            }
            out.put("approver", approval.string("by", "unknown"));
            out.put("verifiedBy", "none (local run: the name the answer carries)");
            return out;
        }
        ApproverCheck.Execution execution;
        Instant startedAt;
        Instant requestedAt;
        try {
            execution = ApproverCheck.Execution.of(input.string("executionId"));
            startedAt = Instant.parse(input.string("startedAt"));
            requestedAt = Instant.parse(input.string("requestedAt"));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            throw new BadInputException(e.getMessage());
        }
        ApproverCheck.Verdict verdict = new ApprovalTrail(controlPlane.hub().cloudTrail())
                .verdict(execution, startedAt, requestedAt, distinct, spec.environment());
        out.put("approver", verdict.approver());
        if (verdict.starter() != null) out.put("starter", verdict.starter());
        out.put("verifiedBy", "cloudtrail");
        out.put("evidence", verdict.evidence());
        return out;
    }

    private static Map<String, Object> describe(Lease lease) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lockId", ApplyLock.lockId(lease.environment()));
        out.put("holder", lease.holder());
        out.put("leaseId", lease.leaseId());
        out.put("fencingToken", lease.generation());
        out.put("expiresAt", lease.expiresAt().toString());
        if (lease.takenOverFrom() != null) out.put("takenOverFrom", lease.takenOverFrom());
        return out;
    }

    /**
     * approveDestructive: true skips the approval of a destructive plan, so only the spec's approver may ask for
     * it, by starting the approved provision machine (its StartExecution is granted to aws.approverRole alone).
     */
    static String approverOnly(EnvironmentSpec spec, String holder) {
        String approver = spec.aws().approverRole() == null
                ? "no approver is named (set aws.approverRole in environments/defaults.yaml)"
                : "only " + spec.aws().approverRole() + " (aws.approverRole) may, by starting "
                        + StateMachines.deployedName(StateMachines.APPROVED_PROVISION);
        return "input field 'approveDestructive' is true for execution " + holder + ", which did not start on "
                + StateMachines.deployedName(StateMachines.APPROVED_PROVISION) + ": " + approver
                + "; or leave it false and approve the destructive plan when provision asks (qualisys approve); nothing was locked";
    }

    /** The run's options, checked before anything is locked or changed. */
    static Map<String, Object> resolveRun(Input options, ControlPlane controlPlane) {
        List<String> available = controlPlane.layerNames();
        List<String> layers = new ArrayList<>();
        if (options.fields().get("layers") == null) {
            layers.addAll(available);
        } else {
            List<Object> asked = options.list("layers");
            for (Object o : asked) {
                if (!(o instanceof String name) || !available.contains(name)) {
                    throw new BadInputException("input field 'layers' names " + o + ", which is not a layer; layers: " + String.join(", ", available));
                }
            }
            for (String name : LayerNames.ORDER) if (asked.contains(name)) layers.add(name);
        }
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("layers", layers);
        run.put("runDbInit", options.bool("runDbInit", layers.contains("rds")));
        run.put("approveDestructive", options.bool("approveDestructive", false));
        run.put("resolvedAt", Instant.now().toString());
        return run;
    }
}
