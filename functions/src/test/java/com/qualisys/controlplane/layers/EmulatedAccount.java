package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.EksApiGaps;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.emulator.RdsApiGaps;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.MonitoringSpec;
import com.qualisys.controlplane.testing.TestSpecs;
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
     * The test spec of {@code environment} as this account would hold it: S3 bucket names are global
     * (in AWS and in moto, across accounts), so the trail bucket carries the account id as a suffix and
     * a bucket another test's account still holds cannot collide with this one.
     */
    public EnvironmentSpec spec(String environment) {
        return withOwnBucketNames(TestSpecs.load(environment), id);
    }

    static EnvironmentSpec withOwnBucketNames(EnvironmentSpec base, String account) {
        MonitoringSpec m = base.monitoring();
        MonitoringSpec.CloudTrail t = m.cloudTrail();
        MonitoringSpec.CloudTrail trail = new MonitoringSpec.CloudTrail(t.trailName(), t.bucket() + "-" + account, t.multiRegion(),
                t.globalServiceEvents(), t.managementEvents(), t.logFileValidation(), t.logRetentionDays());
        MonitoringSpec monitoring = new MonitoringSpec(m.alertTopic(), m.alertEmail(), m.budgets(), m.anomalyDetection(), trail);
        return new EnvironmentSpec(base.environment(), base.aws(), base.state(), base.account(), base.iam(), monitoring,
                base.vpc(), base.eks(), base.rds(), base.kubernetes(), base.responses(), base.drift());
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
