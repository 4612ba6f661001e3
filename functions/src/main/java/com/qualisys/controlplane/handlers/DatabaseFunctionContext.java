package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.database.DatabaseConnector;
import com.qualisys.controlplane.database.DatabaseSecrets;
import com.qualisys.controlplane.database.DatabaseSettings;
import com.qualisys.controlplane.database.TlsPolicy;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.SpecLoader;
import java.util.Map;
import java.util.function.Function;

/**
 * What the two VPC-attached database handlers share: the spec of an environment, AWS clients for
 * it, and the database TLS policy from the function's environment variables. Tests pass their own.
 */
public record DatabaseFunctionContext(
        Function<String, EnvironmentSpec> specs,
        Function<EnvironmentSpec, AwsClients> clients,
        TlsPolicy tls) {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** In Lambda: the packaged (or configured) environments, the default AWS credentials, env-var TLS settings. */
    public static DatabaseFunctionContext standard() {
        return new DatabaseFunctionContext(
                name -> SpecLoader.standard().load(name),
                spec -> AwsClients.builder().region(spec.aws().region()).endpoint(spec.aws().endpointUrl()).build(),
                TlsPolicy.fromEnvironment(System.getenv()));
    }

    Session open(String environment, String applicationName) {
        EnvironmentSpec spec = specs.apply(environment);
        AwsClients aws = clients.apply(spec);
        return new Session(spec, aws, DatabaseSettings.from(spec.rds()), new DatabaseSecrets(aws.secretsManager()),
                new DatabaseConnector(tls, applicationName));
    }

    record Session(EnvironmentSpec spec, AwsClients aws, DatabaseSettings settings, DatabaseSecrets secrets,
                   DatabaseConnector connector) implements AutoCloseable {
        @Override
        public void close() {
            aws.close();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(Object value) {
        return JSON.convertValue(value, Map.class);
    }

    static String requiredString(Map<String, Object> input, String field) {
        Object v = input == null ? null : input.get(field);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("input field " + field + " is missing or not a string: " + v);
        }
        return s;
    }
}
