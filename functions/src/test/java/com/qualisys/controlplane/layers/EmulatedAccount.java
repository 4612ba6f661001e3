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
