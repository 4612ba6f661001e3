package com.qualisys.controlplane.emulator;

import com.qualisys.controlplane.aws.AwsClients;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The local AWS the demo and the tests provision into: moto, plus the operations moto lacks
 * answered by stubs that follow the AWS API reference (AWS Budgets as a whole, Cost Anomaly
 * Detection, the EKS and RDS operations of {@link EksApiGaps} and {@link RdsApiGaps}, CloudTrail's
 * record of mutating calls and LookupEvents: {@link CloudTrailEmulator}), behind one loopback endpoint. See docs/emulator-gaps.md.
 */
public final class LocalAws {
    private static LocalAws shared;

    private final MotoServer moto;
    private final BudgetsApiStub budgets = new BudgetsApiStub();
    private final CostAnomalyApiStub anomalies = new CostAnomalyApiStub();
    private final EksApiGaps eks = new EksApiGaps();
    private final RdsApiGaps rds = new RdsApiGaps();
    private final NatGatewayStates natGateways = new NatGatewayStates();
    private final AssumeRoleTrust trust = new AssumeRoleTrust();
    private final SigningKeys signingKeys = new SigningKeys();
    private final PostgresBehindRds rdsPostgres = new PostgresBehindRds(rds);
    private final CloudTrailEmulator cloudTrail = new CloudTrailEmulator();
    private final AwsApiFrontDoor door;

    private LocalAws(MotoServer moto) {
        this.moto = moto;
        this.door = AwsApiFrontDoor.start(moto.endpoint(), trust, signingKeys, budgets, anomalies, eks, rdsPostgres, natGateways, cloudTrail)
                .observe(cloudTrail).observe(moto.accountCounter());
    }

    public static synchronized LocalAws shared() {
        if (shared == null) {
            shared = new LocalAws(MotoServer.shared());
            LocalAws s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s.door::close));
        }
        return shared;
    }

    public String endpoint() {
        return door.endpoint();
    }

    /** Fresh clients against the local AWS, with the emulator's test credentials. */
    public AwsClients clients(ExecutionInterceptor... interceptors) {
        return door.clients(interceptors);
    }

    /** The faults the front door injects into the calls of {@link #clients}; cleared by {@link #resetStubs()}. */
    public Faults faults() {
        return door.faults();
    }

    /** Forgets every resource, in moto and in the stubs. */
    public synchronized void reset() {
        moto.reset();
        signingKeys.reset(); // moto forgot the credentials it issued; resetStubs keeps them, as moto does
        resetStubs();
    }

    /** Resets only the stubs (moto keeps its state): for tests that switch moto accounts instead of resetting. */
    public synchronized void resetStubs() {
        door.faults().clear();
        door.forgetClientTokens();
        budgets.reset();
        anomalies.reset();
        eks.reset();
        rds.reset();
        natGateways.reset();
        trust.reset();
        cloudTrail.reset();
    }

    /** sts:AssumeRole evaluated against the role's trust policy in the accounts registered here (moto checks nothing). */
    public AssumeRoleTrust trust() {
        return trust;
    }

    /** The secret behind every access key this local AWS issued: what a signature check needs (moto checks none). */
    public SigningKeys signingKeys() {
        return signingKeys;
    }

    public CostAnomalyApiStub anomalies() {
        return anomalies;
    }

    public BudgetsApiStub budgets() {
        return budgets;
    }

    /** EKS operations moto lacks, and transitional statuses a test can hold a cluster or node group in. */
    public EksApiGaps eks() {
        return eks;
    }

    /** NAT gateway states moto skips: a test can keep an account's gateways pending, as EC2 does while it builds them. */
    public NatGatewayStates natGateways() {
        return natGateways;
    }

    /** The CloudTrail management events of every mutating call through this local AWS. */
    public CloudTrailEmulator cloudTrail() {
        return cloudTrail;
    }

    /**
     * From now on the RDS PostgreSQL instances are backed by this real server: CreateDBInstance creates the
     * master user and database in it, and every Endpoint points at it (the demo runs db-init against it).
     */
    public void attachPostgres(LocalPostgres server) {
        rdsPostgres.attach(server);
    }

    /** As {@link #attachPostgres(LocalPostgres)} for the RDS instances of one account only (null detaches it). */
    public void attachPostgres(String account, LocalPostgres server) {
        rdsPostgres.attach(account, server);
    }

    /** RDS operations and fields moto lacks, and transitional statuses a test can hold an instance in. */
    public RdsApiGaps rds() {
        return rds;
    }
}
