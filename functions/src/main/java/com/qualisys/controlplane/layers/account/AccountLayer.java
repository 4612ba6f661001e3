package com.qualisys.controlplane.layers.account;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.iam.model.ListAccountAliasesResponse;

/**
 * Account-wide settings: the IAM account alias, and (preflight) that Cost Explorer is available.
 *
 * <p>The alias is an account singleton without tags, so it has a fixed logical id
 * ({@value #ALIAS_ID}) whatever its value; an account has at most one alias and alias names are
 * unique across AWS, so creating it twice is impossible.
 */
public final class AccountLayer implements Layer {
    public static final String ALIAS_ID = "account/alias/primary";
    public static final ResourceKind ALIAS = ResourceKind.of("account-alias", false);
    private final Clock clock;

    public AccountLayer() {
        this(Clock.systemUTC());
    }

    public AccountLayer(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "account";
    }

    @Override
    public List<DesiredResource> desired(EnvironmentSpec spec) {
        return List.of(new DesiredResource(ALIAS_ID, ALIAS, Map.of("alias", spec.account().alias())));
    }

    @Override
    public List<AttributeDecisions> attributeDecisions() {
        return List.of(AttributeDecisions.of(ALIAS)
                .read("ListAccountAliases", ListAccountAliasesResponse.class)
                // An account has at most one alias (IAM's limit), so the first is the alias.
                .compare("AccountAliases", "alias")
                .ignore("pagination of the response, not a setting", "IsTruncated", "Marker")
                .build());
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        List<String> aliases = ctx.aws().iam().listAccountAliases().accountAliases();
        if (aliases.isEmpty()) return List.of();
        String alias = aliases.get(0);
        return List.of(new ObservedResource(ALIAS_ID, ALIAS.name(), alias, Map.of("alias", alias)));
    }

    @Override
    public void preflight(LayerContext ctx) {
        // That the credentials act in aws.accountId is checked once, when the environment's clients are
        // made (accounts.AccountGuard), before any layer runs.
        if (ctx.spec().account().costExplorerRequired()) new CostExplorerCheck(ctx.aws().costExplorer(), clock).requireAvailable();
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        switch (change.action()) {
            case CREATE -> create(iam, desired.string("alias"));
            case UPDATE -> {
                // An account has one alias: the old one goes, then the new one is made.
                iam.deleteAccountAlias(r -> r.accountAlias(change.physicalId()));
                create(iam, desired.string("alias"));
            }
            case DELETE -> iam.deleteAccountAlias(r -> r.accountAlias(change.physicalId()));
            case REPLACE -> throw new IllegalStateException("the account alias is never replaced");
        }
        if (desired != null) ctx.index().put(ALIAS_ID, desired.string("alias"));
    }

    private static void create(IamClient iam, String alias) {
        try {
            iam.createAccountAlias(r -> r.accountAlias(alias));
        } catch (EntityAlreadyExistsException e) {
            throw new IllegalStateException("account.alias " + alias + " is already taken by another AWS account "
                    + "(aliases are unique across AWS); choose another in the environment's spec", e);
        }
    }
}
