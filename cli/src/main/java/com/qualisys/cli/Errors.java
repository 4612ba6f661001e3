package com.qualisys.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.qualisys.cli.local.AwsTarget;
import com.qualisys.controlplane.engine.LayerFailure;
import com.qualisys.controlplane.spec.SpecException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * One readable line for the errors users meet: what failed, where (the endpoint, the credentials'
 * source, the spec file with line and column) and never a Java class name or stack trace (those
 * are printed with --debug only).
 */
final class Errors {
    private static final Set<String> CREDENTIAL_ERRORS = Set.of("InvalidClientTokenId", "UnrecognizedClientException",
            "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "AuthFailure", "InvalidAccessKeyId",
            "IncompleteSignature", "MissingAuthenticationToken");

    private Errors() {}

    static String describe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SpecException spec) return spec(spec);
            if (t instanceof AwsServiceException aws) return aws(aws);
            if (t instanceof SdkClientException sdk) return client(sdk);
            if (t instanceof JsonProcessingException json) return json(json);
        }
        return LayerFailure.reason(ex);
    }

    private static String spec(SpecException ex) {
        if (ex.errors().size() == 1) return "invalid spec: " + ex.errors().get(0);
        return "invalid spec (" + ex.errors().size() + " problems):\n  " + ex.getMessage().replace("\n", "\n  ");
    }

    private static String aws(AwsServiceException ex) {
        AwsTarget target = AwsTarget.current();
        AwsErrorDetails details = ex.awsErrorDetails();
        String service = details == null || details.serviceName() == null ? "AWS" : details.serviceName();
        if (details == null || details.errorCode() == null || details.errorCode().isBlank()) {
            return target.endpoint() + " answered " + service + " with HTTP " + ex.statusCode()
                    + " but not with an AWS error: is it an AWS endpoint or the emulator? (credentials: " + target.credentials() + ")";
        }
        String message = LayerFailure.oneLine(details.errorMessage());
        if (CREDENTIAL_ERRORS.contains(details.errorCode())) {
            return service + " at " + target.endpoint() + " rejected the credentials (" + target.credentials() + "): "
                    + details.errorCode() + (message.isEmpty() ? "" : ": " + message);
        }
        return service + " at " + target.endpoint() + ": " + details.errorCode() + (message.isEmpty() ? "" : ": " + message);
    }

    private static String client(SdkClientException ex) {
        AwsTarget target = AwsTarget.current();
        String message = ex.getMessage() == null ? "" : ex.getMessage();
        if (message.contains("Unable to load credentials")) {
            return "no AWS credentials for " + target.endpoint() + ": none found in " + target.credentials()
                    + "; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String why = LayerFailure.oneLine(root == ex ? message : root.getMessage());
        return "cannot reach " + target.endpoint() + (why.isEmpty() ? "" : ": " + why);
    }

    private static String json(JsonProcessingException ex) {
        var at = ex.getLocation();
        String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "not valid JSON" + where + ": " + LayerFailure.oneLine(ex.getOriginalMessage());
    }
}
