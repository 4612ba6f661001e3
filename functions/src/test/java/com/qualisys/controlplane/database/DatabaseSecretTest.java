package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseSecretTest {
    private final DatabaseSecret secret = new DatabaseSecret("app_user", "pa ss/wo:rd@x", "postgres", "db.internal", 5432, "qualisys_master");

    @Test
    void theConnectionSecretCarriesAConnectionUriThatRequiresTls() {
        assertThat(secret.connectionUri()).isEqualTo("postgresql://app_user:pa%20ss%2Fwo%3Ard%40x@db.internal:5432/qualisys_master?sslmode=require");
        DatabaseSecret back = DatabaseSecret.parse("s", secret.toJson());
        assertThat(back).isEqualTo(secret);
    }

    @Test
    void toStringHidesThePassword() {
        assertThat(secret.toString()).isEqualTo("DatabaseSecret[app_user@db.internal:5432/qualisys_master, password=****]")
                .doesNotContain("pa ss");
    }

    @Test
    void parseErrorsNameTheSecretAndFieldButNeverQuoteTheValue() {
        assertThatThrownBy(() -> DatabaseSecret.parse("qualisys/database/connection", "{\"password\": \"hunter2hunter2\", oops"))
                .hasMessage("secret qualisys/database/connection is not valid JSON").hasNoCause();
        assertThatThrownBy(() -> DatabaseSecret.parse("qualisys/database/connection",
                "{\"username\":\"app_user\",\"password\":\"hunter2hunter2\",\"host\":\"h\",\"port\":\"http\",\"dbname\":\"d\"}"))
                .hasMessage("secret qualisys/database/connection: port -1 is not a TCP port");
        assertThatThrownBy(() -> DatabaseSecret.parse("m", "{\"username\":\"u\",\"host\":\"h\",\"port\":5432,\"dbname\":\"d\"}"))
                .hasMessage("secret m: password is missing");
    }
}
