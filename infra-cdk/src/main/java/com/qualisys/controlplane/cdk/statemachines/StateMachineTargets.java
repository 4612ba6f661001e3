package com.qualisys.controlplane.cdk.statemachines;

import com.qualisys.controlplane.handlers.FunctionCatalog;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;

/** What the definitions' placeholders stand for in the deployed stack. */
public interface StateMachineTargets {
    /** The function (alias) a {@code ${<Name>FunctionArn}} placeholder resolves to. */
    IFunction function(FunctionCatalog f);

    /** The live alias ARNs of a function deployed in each environment's account, one per managed account. */
    java.util.List<String> environmentFunctionArns(FunctionCatalog f);

    /** AlertTopicArn or DriftTopicArn. */
    ITopic topic(String placeholder);

    ITable lockTable();

    String reportBucketName();

    String eventBusName();

    String eventBusArn();
}
