package com.qualisys.controlplane.permissions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.handlers.FunctionCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.interceptor.SdkInternalExecutionAttribute;
import software.amazon.awssdk.core.SelectedAuthScheme;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * The operation inventory: every SDK call the control plane's code makes in a test, as the
 * function it runs as in production ({@link CallerAttribution}), the IAM action(s) and resource
 * ARN it is authorised as ({@link Authorizations}) and the condition keys known offline. Every
 * SDK client of a test JVM carries it (registered in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}); each JVM appends its
 * distinct records to {@code target/iam-calls/calls-<pid>.jsonl}, which infra-cdk's
 * PermissionInventoryTest evaluates against the synthesized roles' policies.
 */
public final class PermissionRecorder implements ExecutionInterceptor {
    /** Where the records go; infra-cdk reads ../functions/target/iam-calls. */
    static final Path DIRECTORY = Path.of(System.getProperty("basedir", "."), "target", "iam-calls");
    /** The account moto answers as for the tests' credentials. */
    static final String ACCOUNT = "123456789012";
    /** How a test selects another emulated account (moto's header). */
    static final String ACCOUNT_HEADER = "x-moto-account-id";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WRITTEN = ConcurrentHashMap.newKeySet();
    private static Writer out;

    /**
     * Just before the request goes out: after every other interceptor has modified it (the tests that
     * switch emulated accounts add moto's account header), before it changes anything.
     */
    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (ResourceFacts.lookingUp()) return;
        Optional<CallerAttribution.Caller> caller = CallerAttribution.ofCurrentStack();
        if (caller.isEmpty()) return;
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Region region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
        URI endpoint = attributes.getAttribute(SdkExecutionAttribute.CLIENT_ENDPOINT);
        String regionId = region == null || region.isGlobalRegion() ? "us-east-1" : region.id();
        // The emulated account: moto's header where a test selects one, else the one the call's credentials
        // belong to (an environment's assumed-role session acts in the spoke account).
        Optional<String> header = context.httpRequest().firstMatchingHeader(ACCOUNT_HEADER);
        AwsCredentialsIdentity credentials = credentials(attributes);
        String account = header.orElseGet(() -> ResourceFacts.accountOf(endpoint, credentials));
        Authorizations authorizations = new Authorizations(regionId, account,
                ResourceFacts.at(endpoint, region == null ? Region.US_EAST_1 : region, account, header.isPresent() ? null : credentials));
        RequestFields fields = new RequestFields((SdkPojo) context.request());
        String role = caller.get().operator() ? CallerAttribution.OPERATOR_ROLE
                : caller.get().function().map(FunctionCatalog::roleName).orElse("unattributed");
        String function = caller.get().operator() ? "qualisys CLI"
                : caller.get().function().map(FunctionCatalog::deployedName).orElse(caller.get().firstMainFrame());
        for (Authorizations.Authorization a : authorizations.of(service, operation, fields)) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("role", role);
            record.put("plane", CallerAttribution.plane(caller.get(), a.action()));
            record.put("function", function);
            record.put("operation", service + "." + operation);
            record.put("action", a.action());
            record.put("resource", a.resource());
            record.put("context", a.context());
            record.put("test", caller.get().testClass());
            write(record);
        }
    }

    /** The credentials the call was signed with, or null when the SDK did not resolve any. */
    private static AwsCredentialsIdentity credentials(ExecutionAttributes attributes) {
        SelectedAuthScheme<?> scheme = attributes.getAttribute(SdkInternalExecutionAttribute.SELECTED_AUTH_SCHEME);
        if (scheme == null) return null;
        return scheme.identity().join() instanceof AwsCredentialsIdentity c ? c : null;
    }

    private static void write(Map<String, Object> record) {
        try {
            String line = JSON.writeValueAsString(record);
            if (!WRITTEN.add(line)) return;
            synchronized (PermissionRecorder.class) {
                if (out == null) {
                    Files.createDirectories(DIRECTORY);
                    out = Files.newBufferedWriter(DIRECTORY.resolve("calls-" + ProcessHandle.current().pid() + ".jsonl"),
                            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
                }
                out.write(line);
                out.write('\n');
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the permission inventory under " + DIRECTORY, e);
        }
    }
}
