package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.database.DatabaseConnector;
import com.qualisys.controlplane.database.DatabaseSecrets;
import com.qualisys.controlplane.database.DatabaseSettings;
import com.qualisys.controlplane.database.TlsPolicy;
import com.qualisys.controlplane.spec.EnvironmentSpec;

/**
 * What the two VPC-attached database handlers build per invocation from the control plane: the
 * spec's database settings, its Secrets Manager, and a connector under the function's TLS policy
 * ({@link TlsPolicy#fromEnvironment}).
 */
record DatabaseAccess(DatabaseSettings settings, DatabaseSecrets secrets, DatabaseConnector connector) {
    static DatabaseAccess of(EnvironmentSpec spec, AwsClients aws, TlsPolicy tls, String applicationName) {
        return new DatabaseAccess(DatabaseSettings.from(spec.rds()), new DatabaseSecrets(aws.secretsManager()),
                new DatabaseConnector(tls, applicationName));
    }
}
