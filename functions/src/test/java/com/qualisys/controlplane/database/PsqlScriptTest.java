package com.qualisys.controlplane.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PsqlScriptTest {

    private static List<String> sql(String script, Map<String, String> vars) {
        return PsqlScript.parse(script, vars).stream().map(PsqlScript.Statement::sql).toList();
    }

    @Test
    void splitsAtTopLevelSemicolonsOnly() {
        assertThat(sql("""
                SELECT 'a;b';  -- a comment; with a semicolon
                SELECT "x;y" FROM t; /* block; /* nested; */ still comment; */ SELECT 2;
                DO $$ BEGIN PERFORM 1; END $$;
                DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$;
                SELECT E'it\\'s; fine';
                """, Map.of())).containsExactly(
                "SELECT 'a;b'",
                "SELECT \"x;y\" FROM t",
                "SELECT 2",
                "DO $$ BEGIN PERFORM 1; END $$",
                "DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$",
                "SELECT E'it\\'s; fine'");
    }

    @Test
    void substitutesVariablesLikePsqlButNotInsideQuotesCommentsOrDollarQuotes() {
        Map<String, String> vars = Map.of("app_user_password", "'s3cret'", "name", "O'Brien");
        assertThat(sql("SELECT :app_user_password, ':app_user_password', $$:app_user_password$$, x::text, :'name'; -- :app_user_password", vars))
                .containsExactly("SELECT 's3cret', ':app_user_password', $$:app_user_password$$, x::text, 'O''Brien'");
    }

    @Test
    void theSeedReadmeInvocationAndTheFunctionPassTheSameKindOfValue() {
        // psql -v app_user_password="'$APP_PASS'": the value is an SQL literal, substituted verbatim.
        assertThat(sql("SELECT coalesce(:app_user_password, '')", Map.of("app_user_password", Sql.literal("p'w")))).containsExactly(
                "SELECT coalesce('p''w', '')");
        assertThat(sql("SELECT coalesce(:app_user_password, '')", Map.of("app_user_password", "NULL"))).containsExactly(
                "SELECT coalesce(NULL, '')");
    }

    @Test
    void parametersAndCastsAreNotMistakenForVariablesOrDollarQuotes() {
        assertThat(sql("SELECT $1::int, a[1:2], f($2)", Map.of())).containsExactly("SELECT $1::int, a[1:2], f($2)");
    }

    @Test
    void anUnsetVariableOrAnUnknownMetaCommandIsAnErrorNamingTheLine() {
        assertThatThrownBy(() -> PsqlScript.parse("SELECT 1;\nSELECT :missing;", Map.of()))
                .hasMessage("line 2: variable :missing is not set");
        assertThatThrownBy(() -> PsqlScript.parse("\\set ON_ERROR_STOP on\n\\i other.sql\n", Map.of()))
                .hasMessage("line 2: unsupported psql meta-command \\i (only \\set ON_ERROR_STOP on is understood)");
        assertThatThrownBy(() -> PsqlScript.parse("SELECT 'open", Map.of())).hasMessage("line 1: unterminated string");
        assertThatThrownBy(() -> PsqlScript.parse("DO $$ BEGIN", Map.of())).hasMessage("line 1: unterminated dollar-quoted string $$");
    }

    @Test
    void statementsKnowTheirLineAndNeverPrintTheirText() {
        List<PsqlScript.Statement> s = PsqlScript.parse("\\set ON_ERROR_STOP on\n\nSELECT :p;\n\nSELECT\n 2;", Map.of("p", "'x'"));
        assertThat(s).extracting(PsqlScript.Statement::line).containsExactly(3, 5);
        assertThat(s.get(0).toString()).isEqualTo("statement at line 3");
    }

    @Test
    void theRepositorysDbInitScriptParses() {
        List<PsqlScript.Statement> s = PsqlScript.parse(DbInitScript.text(), Map.of("app_user_password", "NULL"));
        assertThat(s.get(0).sql()).isEqualTo("BEGIN");
        assertThat(s.get(s.size() - 1).sql()).isEqualTo("COMMIT");
        assertThat(s).allSatisfy(st -> assertThat(st.sql()).doesNotContain(":app_user_password"));
    }

    @Test
    void literalsDoubleQuotesAndIdentifiersAcceptOnlyPlainNames() {
        assertThat(Sql.literal("a'b")).isEqualTo("'a''b'");
        assertThat(Sql.literal(null)).isEqualTo("NULL");
        assertThat(Sql.identifier("tenant_acme")).isEqualTo("\"tenant_acme\"");
        assertThatThrownBy(() -> Sql.identifier("x\"; DROP")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sql.literal("a\0b")).hasMessage("an SQL literal cannot contain a NUL character");
    }
}
