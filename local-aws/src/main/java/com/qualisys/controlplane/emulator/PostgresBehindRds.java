package com.qualisys.controlplane.emulator;

import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubRequest;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.StubResponse;
import com.qualisys.controlplane.emulator.AwsApiFrontDoor.Upstream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts a real PostgreSQL behind the local AWS's RDS PostgreSQL instances, once one is attached: the
 * instance's master user and database are created in it when CreateDBInstance succeeds, a new
 * MasterUserPassword is set on it, and every Endpoint RDS reports points at it. The RDS answers
 * themselves come from {@link RdsApiGaps} (and moto behind it), unchanged but for the address.
 * Without an attached server (the tests of the AWS layers) it passes everything through.
 * A server can be attached for one account only: each environment account of the demo has its own
 * database server, as each has its own RDS instance.
 */
final class PostgresBehindRds implements AwsApiFrontDoor.Responder {
    private static final Pattern ENDPOINT_ADDRESS = Pattern.compile("(<Endpoint>\\s*<Address>)([^<]*)(</Address>)");

    private final AwsApiFrontDoor.Responder rds;
    private volatile LocalPostgres postgres;
    private final Map<String, LocalPostgres> byAccount = new ConcurrentHashMap<>();

    PostgresBehindRds(AwsApiFrontDoor.Responder rds) {
        this.rds = rds;
    }

    /** Backs every account's instances with {@code server}; null detaches every server, per-account ones included. */
    void attach(LocalPostgres server) {
        this.postgres = server;
        if (server == null) byAccount.clear();
    }

    /** Backs the instances of one account with {@code server} (before the server attached for all accounts). */
    void attach(String account, LocalPostgres server) {
        if (server == null) byAccount.remove(account);
        else byAccount.put(account, server);
    }

    Optional<LocalPostgres> attached(String account) {
        return Optional.ofNullable(byAccount.get(account)).or(() -> Optional.ofNullable(postgres));
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request) {
        return Optional.empty();
    }

    @Override
    public Optional<StubResponse> answer(StubRequest request, Upstream emulator) {
        LocalPostgres server = request.service().equals("rds") ? attached(request.callerAccount()).orElse(null) : null;
        if (server == null) return rds.answer(request, emulator);
        Map<String, String> form = RdsApiGaps.form(request.bodyText());
        StubResponse answer = rds.answer(request, emulator).orElseGet(() -> emulator.forward(request));
        if (answer.status() / 100 != 2) return Optional.of(answer);
        boolean postgresEngine = form.getOrDefault("Engine", "postgres").startsWith("postgres");
        switch (form.getOrDefault("Action", "")) {
            case "CreateDBInstance" -> {
                if (postgresEngine) server.createInstance(form.get("MasterUsername"), form.get("MasterUserPassword"), form.get("DBName"));
            }
            case "ModifyDBInstance" -> {
                if (form.containsKey("MasterUserPassword")) {
                    server.setPassword(masterUsername(answer.bodyText()), form.get("MasterUserPassword"));
                }
            }
            default -> { }
        }
        return Optional.of(answer.withBody(pointEndpointsAt(answer.bodyText(), server.address())));
    }

    static String pointEndpointsAt(String xml, String address) {
        Matcher m = ENDPOINT_ADDRESS.matcher(xml);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + address + r.group(3)));
    }

    private static String masterUsername(String xml) {
        Matcher m = Pattern.compile("<MasterUsername>([^<]+)</MasterUsername>").matcher(xml);
        if (!m.find()) throw new IllegalStateException("local PostgreSQL: ModifyDBInstance answer names no MasterUsername");
        return m.group(1);
    }
}
