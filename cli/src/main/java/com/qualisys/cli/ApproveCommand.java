package com.qualisys.cli;

import com.qualisys.asl.FileTaskTokenBroker;
import com.qualisys.asl.PendingTask;
import com.qualisys.cli.aws.PendingApproval;
import picocli.CommandLine.Command;
import software.amazon.awssdk.services.sfn.SfnClient;

@Command(name = "approve", mixinStandardHelpOptions = true, description = {
        "Approves the destructive changes a provision execution waits for (SendTaskSuccess with"
                + " {\"approved\":true,\"by\":<your identity>,\"execution\":<its ARN>}); the layer is then applied.",
        "The run takes the approver from CloudTrail (the principal that called SendTaskSuccess), not from"
                + " this answer; production requires an approver other than the run's starter.",
        "  qualisys approve arn:aws:states:us-east-1:123456789012:execution:qualisys-provision:dev-20260101T120000Z-1a2b3c",
        "  qualisys approve dev-20260101T120000Z-1a2b3c --region us-east-1",
        "  qualisys approve --local"})
final class ApproveCommand extends ApprovalCommand {
    @Override
    String verb() {
        return "approved";
    }

    @Override
    void answerLocal(FileTaskTokenBroker broker, PendingTask task, String by) {
        broker.sendTaskSuccess(task.token(), approvedBy(by).put("local", true));
    }

    @Override
    void answerAws(SfnClient sfn, PendingApproval approval, String executionArn, String by) {
        sfn.sendTaskSuccess(r -> r.taskToken(approval.taskToken()).output(approvedBy(by).put("execution", executionArn).toString()));
    }
}
