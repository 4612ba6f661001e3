package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EksApiGaps;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.RdsApiGaps;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * An empty account of the local AWS ({@link LocalAws}: moto plus the documented-shape stubs),
 * selected with moto's x-moto-account-id header: much cheaper than a reset, which rebuilds every
 * AWS managed IAM policy. The stubs' own state (add-ons, held statuses, catalogs) starts empty too.
 */
public final class EmulatedAccount {
    private static final AtomicLong NEXT = new AtomicLong(300_000_000_000L);
    private final String id;

    private EmulatedAccount(String id) {
        this.id = id;
    }

    public static synchronized EmulatedAccount fresh() {
        local().resetStubs();
        return new EmulatedAccount(String.valueOf(NEXT.incrementAndGet()));
    }

    public static LocalAws local() {
        return LocalAws.shared();
    }

    public String id() {
        return id;
    }

    /**
     * Empties and deletes a bucket, giving its name back: S3 bucket names are global (in AWS and in
     * moto, across accounts), so a test that makes the same named bucket in a later account must
     * free it first. Tests keep the spec's real names: the permission inventory checks each recorded
     * call against the grants deployed for those names.
     */
    public static void releaseBucket(AwsClients aws, String bucket) {
        aws.s3().listObjectVersionsPaginator(r -> r.bucket(bucket)).forEach(page -> {
            page.versions().forEach(v -> aws.s3().deleteObject(r -> r.bucket(bucket).key(v.key()).versionId(v.versionId())));
            page.deleteMarkers().forEach(m -> aws.s3().deleteObject(r -> r.bucket(bucket).key(m.key()).versionId(m.versionId())));
        });
        aws.s3().deleteBucket(r -> r.bucket(bucket));
    }

    public EksApiGaps eks() {
        return local().eks();
    }

    public RdsApiGaps rds() {
        return local().rds();
    }

    /** Real SDK clients acting in this account. */
    public AwsClients clients(ExecutionInterceptor... interceptors) {
        List<ExecutionInterceptor> all = new ArrayList<>();
        all.add(new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader("x-moto-account-id", id).build();
            }
        });
        all.addAll(List.of(interceptors));
        return local().clients(all.toArray(ExecutionInterceptor[]::new));
    }
}
