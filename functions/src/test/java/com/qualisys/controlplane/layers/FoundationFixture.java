package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.emulator.CostAnomalyApiStub;
import com.qualisys.controlplane.emulator.LocalAws;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.layers.account.AccountLayer;
import com.qualisys.controlplane.layers.iam.IamLayer;
import com.qualisys.controlplane.layers.monitoring.MonitoringLayer;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.testing.TestSpecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The foundation layers (account, iam, monitoring) against {@link LocalAws}: moto, with the
 * Budgets API and Cost Anomaly Detection (which moto lacks) answered by documented-shape stubs
 * behind one loopback endpoint. {@link #fresh()} empties all of it: each test starts from an empty account.
 */
public final class FoundationFixture {
    public static final String ACCOUNT = "123456789012";
    private static final LocalAws LOCAL = LocalAws.shared();

    public final String account;
    public final EnvironmentSpec spec;

    private FoundationFixture(String account, EnvironmentSpec spec) {
        this.account = account;
        this.spec = spec;
    }

    public static synchronized FoundationFixture fresh() {
        LOCAL.reset();
        return new FoundationFixture(ACCOUNT, TestSpecs.load("dev"));
    }

    /**
     * An empty account that moto has not seen yet (moto's x-moto-account-id header): several times
     * cheaper than a reset, which rebuilds every AWS-managed IAM policy. S3 bucket names are global
     * even in moto: the trail bucket's name must be free (see {@link #releaseTrailBucket}).
     */
    public static synchronized FoundationFixture freshAccount(int n) {
        LOCAL.resetStubs();
        String account = String.format("2%011d", n);
        return new FoundationFixture(account, TestSpecs.load("dev"));
    }

    /** Gives the trail bucket's global name back, for the next fresh account. */
    public void releaseTrailBucket(AwsClients aws) {
        EmulatedAccount.releaseBucket(aws, spec.monitoring().cloudTrail().bucket());
    }

    public static List<Layer> layers() {
        return List.of(new AccountLayer(), new IamLayer(), new MonitoringLayer());
    }

    public AwsClients clients(ExecutionInterceptor... interceptors) {
        if (account.equals(ACCOUNT)) return LOCAL.clients(interceptors);
        List<ExecutionInterceptor> all = new ArrayList<>();
        all.add(new ExecutionInterceptor() {
            @Override
            public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                return context.httpRequest().toBuilder().putHeader("x-moto-account-id", account).build();
            }
        });
        all.addAll(List.of(interceptors));
        return LOCAL.clients(all.toArray(ExecutionInterceptor[]::new));
    }

    public CostAnomalyApiStub anomalies() {
        return LOCAL.anomalies();
    }

    /** Applies the three layers in order, as the provision state machine does. */
    public List<Reconciler.ApplyResult> applyAll(AwsClients aws) {
        Reconciler reconciler = new Reconciler(spec, aws, layers());
        List<Reconciler.ApplyResult> results = new ArrayList<>();
        for (String layer : reconciler.layerNames()) results.add(reconciler.apply(layer, false));
        return results;
    }

    /** The drift report of the three layers: a plan against live state, never applied. */
    public Report drift(AwsClients aws) {
        Reconciler reconciler = new Reconciler(spec, aws, layers());
        List<Plan> plans = new ArrayList<>();
        for (String layer : reconciler.layerNames()) plans.add(reconciler.plan(layer));
        return new Report(spec.environment(), "drift", Instant.now(), plans, Map.of());
    }
}
