package com.qualisys.cli;

import com.qualisys.controlplane.spec.SpecException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** One readable line for the errors users meet; no stack traces for expected failures. */
final class Errors {
    private Errors() {}

    static String describe(Throwable ex) {
        if (ex instanceof SpecException) return "invalid spec:\n  " + ex.getMessage().replace("\n", "\n  ");
        if (ex instanceof AwsServiceException aws) {
            return aws.awsErrorDetails().serviceName() + " " + aws.awsErrorDetails().errorCode() + ": "
                    + aws.awsErrorDetails().errorMessage();
        }
        if (ex instanceof SdkClientException) return "cannot reach AWS: " + ex.getMessage();
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }
}
