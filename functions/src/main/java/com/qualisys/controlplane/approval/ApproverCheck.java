package com.qualisys.controlplane.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.json.Json;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who approved a run, from what CloudTrail recorded (pure: the calls are read elsewhere).
 *
 * <p>The approval is a {@code SendTaskSuccess}; the run's start a {@code StartExecution}. CloudTrail
 * names the principal of each from the request's signature. It does not document that the task token
 * is logged, so an approval is matched by time and by the execution its output names: the answers made
 * after the approval was requested whose output names this execution, or whose output CloudTrail does
 * not show (those are kept as candidates rather than dropped). An output naming another execution is
 * not this approval. When several principals remain, every one of them counts as the approver for the
 * starter rule: a run is refused if any of them is its starter, so a self-approval can never hide
 * behind someone else's answer to another run.
 */
public final class ApproverCheck {
    static final String SEND_TASK_SUCCESS = "SendTaskSuccess";
    static final String START_EXECUTION = "StartExecution";
    /** Step Functions' and CloudTrail's clocks against each other. */
    static final Duration SKEW = Duration.ofSeconds(5);

    private ApproverCheck() {}

    /** A deployed execution: {@code arn:aws:states:<region>:<account>:execution:<state machine>:<name>}. */
    public record Execution(String arn, String stateMachineArn, String name) {
        public static Execution of(String arn) {
            String[] parts = arn.split(":");
            if (parts.length != 8 || !parts[0].equals("arn") || !parts[2].equals("states") || !parts[5].equals("execution")) {
                throw new IllegalArgumentException("executionId '" + arn + "' is not a Step Functions execution ARN "
                        + "(arn:aws:states:<region>:<account>:execution:<state machine>:<name>)");
            }
            String machine = String.join(":", parts[0], parts[1], parts[2], parts[3], parts[4], "stateMachine", parts[6]);
            return new Execution(arn, machine, parts[7]);
        }
    }

    /**
     * @param approver  the principal that approved (several, comma-separated, when CloudTrail cannot tell
     *                  which of them answered this run)
     * @param starter   the principal that started the run; null when CloudTrail has no record of it
     * @param evidence  the CloudTrail event ids of the approval
     */
    public record Verdict(String approver, String starter, List<String> evidence) {}

    /**
     * Decides who approved {@code execution}'s request made at {@code requestedAt}.
     *
     * @throws ApprovalNotRecordedException when CloudTrail holds no answer yet (or, with
     *         {@code distinctApprover}, no start of the run yet)
     * @throws ApproverRefusedException when {@code distinctApprover} and the approver is the starter
     */
    public static Verdict decide(Execution execution, Instant requestedAt, List<StepFunctionsCall> calls,
                                 boolean distinctApprover, String environment) {
        List<StepFunctionsCall> answers = new ArrayList<>();
        Set<String> starters = new LinkedHashSet<>();
        for (StepFunctionsCall call : calls) {
            if (call.failed()) continue;
            if (call.eventName().equals(SEND_TASK_SUCCESS) && !call.time().isBefore(requestedAt.minus(SKEW))
                    && !namesAnotherExecution(call, execution)) {
                answers.add(call);
            } else if (call.eventName().equals(START_EXECUTION) && call.parameter("name").equals(execution.name())
                    && call.parameter("stateMachineArn").equals(execution.stateMachineArn())) {
                starters.add(principal(call.principal()));
            }
        }
        if (answers.isEmpty()) {
            throw new ApprovalNotRecordedException("CloudTrail has no SendTaskSuccess for execution " + execution.arn()
                    + " since " + requestedAt + " yet (CloudTrail records a call within minutes, not at once)");
        }
        Set<String> approvers = new LinkedHashSet<>();
        answers.forEach(a -> approvers.add(principal(a.principal())));
        String starter = starters.isEmpty() ? null : String.join(", ", starters);
        if (distinctApprover) {
            if (starters.isEmpty()) {
                throw new ApprovalNotRecordedException("CloudTrail has no StartExecution of " + execution.arn() + " yet: "
                        + "environment " + environment + " requires an approver other than the starter, and who started it is not known");
            }
            Set<String> both = new LinkedHashSet<>(approvers);
            both.retainAll(starters);
            if (!both.isEmpty()) {
                throw new ApproverRefusedException("approval refused: " + String.join(", ", both) + " started execution "
                        + execution.arn() + " and " + (approvers.size() == 1 ? "approved it" : "is among the principals that answered it ("
                        + String.join(", ", approvers) + ")") + "; environment " + environment
                        + " requires an approver other than the starter (responses.distinctApprover). Nothing was applied: "
                        + "start a new run and have another person approve it.");
            }
        }
        return new Verdict(String.join(", ", approvers), starter, answers.stream().map(StepFunctionsCall::eventId).toList());
    }

    /** The principal a person acts as: an assumed role's session name is the caller's choice, so the role is the identity. */
    static String principal(String arn) {
        java.util.regex.Matcher assumed = java.util.regex.Pattern.compile("^arn:([^:]+):sts::(\\d+):assumed-role/([^/]+)/.*$").matcher(arn);
        return assumed.matches() ? "arn:" + assumed.group(1) + ":iam::" + assumed.group(2) + ":role/" + assumed.group(3) : arn;
    }

    /** The answer's output, when CloudTrail shows it, names an execution other than this one. */
    private static boolean namesAnotherExecution(StepFunctionsCall call, Execution execution) {
        String output = call.parameter("output");
        if (output.isEmpty()) return false;
        try {
            JsonNode named = Json.mapper().readTree(output).path("execution");
            return named.isTextual() && !named.asText().equals(execution.arn());
        } catch (IOException hidden) {
            return false;
        }
    }
}
