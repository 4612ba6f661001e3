package com.qualisys.cli;

import com.qualisys.asl.FileTaskTokenBroker;
import com.qualisys.asl.PendingTask;
import com.qualisys.cli.aws.PendingApproval;
import com.qualisys.controlplane.handlers.StateMachines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.sfn.SfnClient;

@Command(name = "reject", mixinStandardHelpOptions = true, description = {
        "Rejects the destructive changes a provision execution waits for (SendTaskFailure, error "
                + StateMachines.REJECTED_ERROR + "): the layer is not applied, the execution releases its lock and fails.",
        "  qualisys reject <execution ARN> --reason \"replaces the production subnet; plan it for the weekend\"",
        "  qualisys reject --local"})
final class RejectCommand extends ApprovalCommand {
    /** Step Functions' limit on a SendTaskFailure cause. */
    private static final int MAX_CAUSE = 32_768;

    @Option(names = "--reason", description = "Why; it becomes the failure's cause.")
    String reason;

    @Override
    String verb() {
        return "rejected";
    }

    @Override
    void answerLocal(FileTaskTokenBroker broker, PendingTask task, String by) {
        broker.sendTaskFailure(task.token(), StateMachines.REJECTED_ERROR, cause(by));
    }

    @Override
    void answerAws(SfnClient sfn, PendingApproval approval, String executionArn, String by) {
        sfn.sendTaskFailure(r -> r.taskToken(approval.taskToken()).error(StateMachines.REJECTED_ERROR).cause(cause(by)));
    }

    String cause(String by) {
        String c = "rejected by " + by + (reason == null || reason.isBlank() ? "" : ": " + reason.strip());
        return c.length() > MAX_CAUSE ? c.substring(0, MAX_CAUSE) : c;
    }
}
