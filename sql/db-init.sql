-- db-init.sql: the application role app_user, its grants on this database, the
-- pg_stat_statements extension, and a row-level-security self-test.
--
-- Idempotent: a second run changes nothing and says so. Runs in one transaction: a failed
-- check leaves the database as it was. Every outcome is a NOTICE of the form
--   db-init <kind> <outcome>: <subject>
-- (the db-init function turns these into its report; by hand, psql prints them).
--
-- By hand, as the seed README's "Database Initialization" shows:
--   PGPASSWORD=$MASTER_PASS psql -h $DB_HOST -U qualisys_admin -d qualisys_master \
--     -v app_user_password="'$APP_PASS'" -f db-init.sql
--
-- app_user_password is an SQL literal (note the single quotes inside the double quotes):
--   'the password'           sets it (PostgreSQL hashes it with SCRAM-SHA-256);
--   'SCRAM-SHA-256$4096:...' a verifier hashed by the client: the db-init function passes
--                            this, so the plain password never reaches the server or its logs;
--   NULL                     keeps the current password (the role must exist).
-- The password itself never appears in this file.

\set ON_ERROR_STOP on

BEGIN;

-- psql does not substitute variables inside the dollar-quoted blocks below, so the value
-- travels through a setting local to this transaction. The SELECT prints only "t".
SELECT set_config('qualisys.app_user_password', coalesce(:app_user_password, ''), true) IS NOT NULL
       AS app_user_password_received;

-- 1. The role: LOGIN, and none of SUPERUSER, BYPASSRLS, CREATEROLE, CREATEDB.
--    Attributes are repaired one by one: on RDS the master user is not a superuser, and
--    PostgreSQL 15 refuses it any ALTER ROLE that names SUPERUSER or BYPASSRLS at all.
DO $$
DECLARE
    wanted_password text := current_setting('qualisys.app_user_password');
    role_row pg_roles%ROWTYPE;
    repaired text[] := '{}';
BEGIN
    SELECT * INTO role_row FROM pg_roles WHERE rolname = 'app_user';
    IF NOT FOUND THEN
        IF wanted_password = '' THEN
            RAISE EXCEPTION 'db-init: role app_user does not exist and app_user_password is NULL';
        END IF;
        EXECUTE format('CREATE ROLE app_user WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD %L',
                       wanted_password);
        RAISE NOTICE 'db-init role created: app_user';
        RAISE NOTICE 'db-init password set: app_user';
        RETURN;
    END IF;

    IF NOT role_row.rolcanlogin THEN ALTER ROLE app_user LOGIN; repaired := array_append(repaired, 'LOGIN'); END IF;
    BEGIN
        IF role_row.rolsuper THEN ALTER ROLE app_user NOSUPERUSER; repaired := array_append(repaired, 'NOSUPERUSER'); END IF;
        IF role_row.rolbypassrls THEN ALTER ROLE app_user NOBYPASSRLS; repaired := array_append(repaired, 'NOBYPASSRLS'); END IF;
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'db-init check failed: app_user has SUPERUSER or BYPASSRLS, and only a superuser can remove it (% cannot)',
            current_user;
    END;
    IF role_row.rolcreaterole THEN ALTER ROLE app_user NOCREATEROLE; repaired := array_append(repaired, 'NOCREATEROLE'); END IF;
    IF role_row.rolcreatedb THEN ALTER ROLE app_user NOCREATEDB; repaired := array_append(repaired, 'NOCREATEDB'); END IF;
    IF cardinality(repaired) > 0 THEN
        RAISE NOTICE 'db-init role updated: app_user (%)', array_to_string(repaired, ', ');
    ELSE
        RAISE NOTICE 'db-init role unchanged: app_user';
    END IF;

    IF wanted_password <> '' THEN
        EXECUTE format('ALTER ROLE app_user PASSWORD %L', wanted_password);
        RAISE NOTICE 'db-init password set: app_user';
    ELSE
        RAISE NOTICE 'db-init password unchanged: app_user';
    END IF;
END
$$;

SELECT set_config('qualisys.app_user_password', '', true) IS NOT NULL AS app_user_password_cleared;

-- 2. Grants. Explicit grants to app_user (not through PUBLIC), so that revoking PUBLIC's
--    defaults later does not lock the application out. Default privileges cover the tables
--    and sequences the master user creates in public from now on.
DO $$
DECLARE
    app_user_oid oid := 'app_user'::regrole;
    db text := current_database();
    missing boolean;
    table_name regclass;
    granted_tables int := 0;
BEGIN
    SELECT NOT EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
                       WHERE d.datname = db AND a.grantee = app_user_oid AND a.privilege_type = 'CONNECT')
        OR NOT EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
                       WHERE d.datname = db AND a.grantee = app_user_oid AND a.privilege_type = 'TEMPORARY')
      INTO missing;
    IF missing THEN
        EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO app_user', db);
        RAISE NOTICE 'db-init grant granted: CONNECT, TEMPORARY ON DATABASE % TO app_user', db;
    ELSE
        RAISE NOTICE 'db-init grant unchanged: CONNECT, TEMPORARY ON DATABASE % TO app_user', db;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(n.nspacl) a
                   WHERE n.nspname = 'public' AND a.grantee = app_user_oid AND a.privilege_type = 'USAGE') THEN
        GRANT USAGE ON SCHEMA public TO app_user;
        RAISE NOTICE 'db-init grant granted: USAGE ON SCHEMA public TO app_user';
    ELSE
        RAISE NOTICE 'db-init grant unchanged: USAGE ON SCHEMA public TO app_user';
    END IF;

    FOR table_name IN
        SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d  -- an extension's own tables are not the application's
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
          AND NOT (has_table_privilege(app_user_oid, c.oid, 'SELECT') AND has_table_privilege(app_user_oid, c.oid, 'INSERT')
               AND has_table_privilege(app_user_oid, c.oid, 'UPDATE') AND has_table_privilege(app_user_oid, c.oid, 'DELETE'))
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO app_user', table_name);
        granted_tables := granted_tables + 1;
    END LOOP;
    IF granted_tables > 0 THEN
        RAISE NOTICE 'db-init grant granted: SELECT, INSERT, UPDATE, DELETE ON % existing table(s) in public TO app_user', granted_tables;
    ELSE
        RAISE NOTICE 'db-init grant unchanged: SELECT, INSERT, UPDATE, DELETE ON existing tables in public TO app_user';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_default_acl d, aclexplode(d.defaclacl) a
                   WHERE d.defaclrole = current_user::regrole AND d.defaclnamespace = 'public'::regnamespace
                     AND d.defaclobjtype = 'r' AND a.grantee = app_user_oid
                   GROUP BY d.oid HAVING count(DISTINCT a.privilege_type)
                        FILTER (WHERE a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')) = 4) THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO app_user;
        RAISE NOTICE 'db-init grant granted: default SELECT, INSERT, UPDATE, DELETE ON TABLES IN SCHEMA public TO app_user';
    ELSE
        RAISE NOTICE 'db-init grant unchanged: default SELECT, INSERT, UPDATE, DELETE ON TABLES IN SCHEMA public TO app_user';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_default_acl d, aclexplode(d.defaclacl) a
                   WHERE d.defaclrole = current_user::regrole AND d.defaclnamespace = 'public'::regnamespace
                     AND d.defaclobjtype = 'S' AND a.grantee = app_user_oid
                   GROUP BY d.oid HAVING count(DISTINCT a.privilege_type)
                        FILTER (WHERE a.privilege_type IN ('USAGE', 'SELECT')) = 2) THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO app_user;
        RAISE NOTICE 'db-init grant granted: default USAGE, SELECT ON SEQUENCES IN SCHEMA public TO app_user';
    ELSE
        RAISE NOTICE 'db-init grant unchanged: default USAGE, SELECT ON SEQUENCES IN SCHEMA public TO app_user';
    END IF;
END
$$;

-- 3. pg_stat_statements. CREATE EXTENSION works without the library; its view then errors
--    until shared_preload_libraries loads it (on RDS: the qualisys-postgres15 parameter group).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') THEN
        RAISE NOTICE 'db-init extension unchanged: pg_stat_statements';
    ELSE
        CREATE EXTENSION pg_stat_statements;
        RAISE NOTICE 'db-init extension created: pg_stat_statements';
    END IF;
    BEGIN
        PERFORM 1 FROM pg_stat_statements LIMIT 1;
        RAISE NOTICE 'db-init check passed: pg_stat_statements is loaded (shared_preload_libraries)';
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        RAISE NOTICE 'db-init check warning: pg_stat_statements is not loaded: add it to shared_preload_libraries';
    END;
END
$$;

-- 4. Row-level-security self-test, on a scratch table dropped at the end. app_user must see
--    only its tenant's rows, write only its tenant's rows, and have no way to turn RLS off.
DO $$
DECLARE
    app_role pg_roles%ROWTYPE;
    me_bypasses boolean;
    granted_membership boolean := false;
    seen text;
    seen_count int;
BEGIN
    SELECT * INTO app_role FROM pg_roles WHERE rolname = 'app_user';
    IF app_role.rolsuper THEN RAISE EXCEPTION 'db-init check failed: app_user is a superuser (rolsuper)'; END IF;
    RAISE NOTICE 'db-init check passed: app_user is not a superuser (rolsuper false)';
    IF app_role.rolbypassrls THEN RAISE EXCEPTION 'db-init check failed: app_user bypasses RLS (rolbypassrls)'; END IF;
    RAISE NOTICE 'db-init check passed: app_user does not bypass RLS (rolbypassrls false)';

    CREATE SCHEMA db_init_self_test;
    CREATE TABLE db_init_self_test.tenant_rows (tenant text NOT NULL, note text NOT NULL);
    INSERT INTO db_init_self_test.tenant_rows VALUES ('tenant_a', 'a1'), ('tenant_a', 'a2'), ('tenant_b', 'b1');
    ALTER TABLE db_init_self_test.tenant_rows ENABLE ROW LEVEL SECURITY;
    ALTER TABLE db_init_self_test.tenant_rows FORCE ROW LEVEL SECURITY;
    CREATE POLICY tenant_isolation ON db_init_self_test.tenant_rows
        USING (tenant = current_setting('app.current_tenant', true))
        WITH CHECK (tenant = current_setting('app.current_tenant', true));
    GRANT USAGE ON SCHEMA db_init_self_test TO app_user;
    GRANT SELECT, INSERT, UPDATE, DELETE ON db_init_self_test.tenant_rows TO app_user;

    -- FORCE: even the owner (this master user, unless it bypasses RLS) sees one tenant only.
    SELECT rolsuper OR rolbypassrls INTO me_bypasses FROM pg_roles WHERE rolname = current_user;
    IF NOT me_bypasses THEN
        PERFORM set_config('app.current_tenant', 'tenant_b', true);
        SELECT string_agg(DISTINCT tenant, ',') INTO seen FROM db_init_self_test.tenant_rows;
        IF seen IS DISTINCT FROM 'tenant_b' THEN
            RAISE EXCEPTION 'db-init check failed: FORCE ROW LEVEL SECURITY filters the table owner (saw %)', seen;
        END IF;
        RAISE NOTICE 'db-init check passed: FORCE ROW LEVEL SECURITY filters the table owner too';
    END IF;

    -- Act as app_user. PostgreSQL 15 lets a role SET ROLE only to roles it is a member of;
    -- the RDS master is not a superuser, so it joins app_user for this block and leaves again.
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = app_role.oid AND member = current_user::regrole) THEN
        EXECUTE format('GRANT app_user TO %I', current_user);
        granted_membership := true;
    END IF;
    SET LOCAL ROLE app_user;

    PERFORM set_config('app.current_tenant', 'tenant_a', true);
    SELECT string_agg(DISTINCT tenant, ','), count(*) INTO seen, seen_count FROM db_init_self_test.tenant_rows;
    IF seen IS DISTINCT FROM 'tenant_a' OR seen_count <> 2 THEN
        RAISE EXCEPTION 'db-init check failed: app_user sees only its tenant''s rows (saw % rows of %)', seen_count, seen;
    END IF;
    RAISE NOTICE 'db-init check passed: app_user sees only its tenant''s rows';

    SELECT count(*) INTO seen_count FROM db_init_self_test.tenant_rows WHERE tenant = 'tenant_b';
    IF seen_count <> 0 THEN
        RAISE EXCEPTION 'db-init check failed: app_user cannot read another tenant''s rows (read %)', seen_count;
    END IF;
    RAISE NOTICE 'db-init check passed: app_user cannot read another tenant''s rows';

    PERFORM set_config('app.current_tenant', '', true);
    SELECT count(*) INTO seen_count FROM db_init_self_test.tenant_rows;
    IF seen_count <> 0 THEN
        RAISE EXCEPTION 'db-init check failed: app_user without a tenant sees no rows (saw %)', seen_count;
    END IF;
    RAISE NOTICE 'db-init check passed: app_user without a tenant sees no rows';

    PERFORM set_config('app.current_tenant', 'tenant_a', true);
    BEGIN
        INSERT INTO db_init_self_test.tenant_rows VALUES ('tenant_b', 'written across tenants');
        RAISE EXCEPTION 'db-init check failed: app_user cannot write another tenant''s rows';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'db-init check passed: app_user cannot write another tenant''s rows';
    END;

    BEGIN
        ALTER TABLE db_init_self_test.tenant_rows DISABLE ROW LEVEL SECURITY;
        RAISE EXCEPTION 'db-init check failed: app_user cannot disable row level security';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'db-init check passed: app_user cannot disable row level security';
    END;

    BEGIN
        ALTER TABLE db_init_self_test.tenant_rows NO FORCE ROW LEVEL SECURITY;
        RAISE EXCEPTION 'db-init check failed: app_user cannot unset FORCE ROW LEVEL SECURITY';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'db-init check passed: app_user cannot unset FORCE ROW LEVEL SECURITY';
    END;

    BEGIN
        DROP POLICY tenant_isolation ON db_init_self_test.tenant_rows;
        RAISE EXCEPTION 'db-init check failed: app_user cannot drop the tenant policy';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'db-init check passed: app_user cannot drop the tenant policy';
    END;

    BEGIN
        ALTER ROLE app_user BYPASSRLS;
        RAISE EXCEPTION 'db-init check failed: app_user cannot grant itself BYPASSRLS';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'db-init check passed: app_user cannot grant itself BYPASSRLS';
    END;

    -- With row_security off, a query RLS would filter is an error, never an unfiltered read.
    BEGIN
        SET LOCAL row_security = off;
        PERFORM count(*) FROM db_init_self_test.tenant_rows;
        RAISE EXCEPTION 'db-init check failed: row_security = off does not let app_user bypass RLS';
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'db-init check passed: row_security = off does not let app_user bypass RLS';
    END;

    RESET ROLE;
    IF granted_membership THEN
        EXECUTE format('REVOKE app_user FROM %I', current_user);
    END IF;
    DROP SCHEMA db_init_self_test CASCADE;
END
$$;

COMMIT;
