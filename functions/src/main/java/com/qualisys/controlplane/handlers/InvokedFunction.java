package com.qualisys.controlplane.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The account a Lambda function runs in, as the ARN of its invocations names it
 * ({@code arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]}). A function's execution role
 * lives in the function's own account, so this is the account its credentials act in: the account guards
 * compare it with the specs without a cold start building an STS client and calling sts:GetCallerIdentity.
 * Unknown (null) until the first invocation arrives (SnapStart priming runs before any), and outside Lambda.
 */
final class InvokedFunction {
    private static final Pattern FUNCTION_ARN = Pattern.compile("arn:[a-z-]+:lambda:[a-z0-9-]+:(\\d{12}):function:[^:]+(:[^:]+)?");
    private static volatile String account;

    private InvokedFunction() {}

    /** Records the account the invocation's function ARN names; an ARN of another shape leaves it unknown. */
    static void observe(Context context) {
        String named = accountOf(context.getInvokedFunctionArn());
        if (named != null) account = named;
    }

    /** The account of the invoked function, or null when no invocation has named one. */
    static String account() {
        return account;
    }

    static String accountOf(String functionArn) {
        if (functionArn == null) return null;
        Matcher m = FUNCTION_ARN.matcher(functionArn);
        return m.matches() ? m.group(1) : null;
    }
}
