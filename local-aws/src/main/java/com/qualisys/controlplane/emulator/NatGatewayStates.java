package com.qualisys.controlplane.emulator;

import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.Upstream;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * NAT gateways as EC2 reports them while it builds them. moto 5.2.5 makes a gateway "available" at
 * once; EC2 answers CreateNatGateway with State "pending" and keeps it "pending" in
 * DescribeNatGateways until it is ready (EC2 API reference, NatGateway: State "pending | failed |
 * available | deleting | deleted"; the VPC user guide: a new gateway starts in the pending state).
 * A test holds the gateways of one account pending ({@link #holdPending}) and lets them go
 * ({@link #release}); meanwhile CreateNatGateway and DescribeNatGateways answer "pending" for every
 * gateway moto calls available. Nothing else changes: EC2 documents no refusal of a route to a
 * pending gateway, nor of DeleteNatGateway while pending.
 */
public final class NatGatewayStates implements AwsApiFrontDoor.Responder {
    private static final List<String> ANSWERED = List.of("CreateNatGateway", "DescribeNatGateways");
    private final Set<String> pendingAccounts = new HashSet<>();

    /** From now on the account's NAT gateways are pending, until {@link #release}. */
    public synchronized void holdPending(String account) {
        pendingAccounts.add(account);
    }

    /** EC2 has finished: the account's gateways report moto's own state again. */
    public synchronized void release(String account) {
        pendingAccounts.remove(account);
    }

    public synchronized void reset() {
        pendingAccounts.clear();
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        return Optional.empty();
    }

    @Override
    public Optional<StubResponse> answer(StubRequest req, Upstream upstream) {
        if (!req.service().equals("ec2")) return Optional.empty();
        synchronized (this) {
            if (!pendingAccounts.contains(req.callerAccount())) return Optional.empty();
        }
        String action = RdsApiGaps.form(req.bodyText()).getOrDefault("Action", "");
        if (!ANSWERED.contains(action)) return Optional.empty();
        StubResponse r = upstream.forward(req);
        if (r.status() != 200) return Optional.of(r);
        // A NatGateway's own <state>; its addresses report <status>, so no other element is touched.
        return Optional.of(r.withBody(r.bodyText().replace("<state>available</state>", "<state>pending</state>")));
    }
}
