-- First start of the production PostgreSQL (docker-compose.prod.yml mounts this file into
-- /docker-entrypoint-initdb.d/, which runs once, on an empty data directory, as the superuser).
-- Creates the application's role and control database, and the role PgBouncer looks tenant
-- roles up with. Passwords come from the container's environment (psql 15's \getenv), never from
-- this file. To change one later: ALTER ROLE ... PASSWORD, then restart what uses it.
\set ON_ERROR_STOP on
\getenv app_password HELPDESKLY_DB_PASSWORD
\getenv auth_password PGBOUNCER_AUTH_PASSWORD
-- An unset variable would stay as literal text below: make it empty, which the check refuses.
\if :{?app_password}
\else
\set app_password ''
\endif
\if :{?auth_password}
\else
\set auth_password ''
\endif

-- Refuse to initialise with a missing or short password (docker-compose.prod.yml refuses an
-- empty one too; this also covers a file used on its own).
SELECT set_config('helpdeskly.app_password_length', length(:'app_password')::text, false),
       set_config('helpdeskly.auth_password_length', length(:'auth_password')::text, false) \gset
DO $$
BEGIN
  IF current_setting('helpdeskly.app_password_length')::int < 16 THEN
    RAISE EXCEPTION 'HELPDESKLY_DB_PASSWORD must be set to 16 or more characters';
  END IF;
  IF current_setting('helpdeskly.auth_password_length')::int < 16 THEN
    RAISE EXCEPTION 'PGBOUNCER_AUTH_PASSWORD must be set to 16 or more characters';
  END IF;
END
$$;

SET password_encryption = 'scram-sha-256';

-- The application: owns the control database and creates each tenant's database and role
-- (CONTROL_DATABASE_URL and DATABASE_URL). Not a superuser, so it also logs in through PgBouncer,
-- as the readiness probe does.
CREATE ROLE helpdeskly LOGIN CREATEDB CREATEROLE PASSWORD :'app_password';
CREATE DATABASE helpdeskly_control OWNER helpdeskly;

-- PgBouncer's auth_query role, as infra/pgbouncer/README.md explains: PgBouncer 1.18 runs the
-- lookup inside each target database, so it reads pg_authid through pg_read_all_data instead of
-- a function in every tenant database; read-only, a few connections, nothing else. Tenant
-- databases are closed to PUBLIC and GRANT CONNECT to it when they are provisioned.
CREATE ROLE pgbouncer_auth LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 20 PASSWORD :'auth_password';
ALTER ROLE pgbouncer_auth SET default_transaction_read_only = on;
GRANT pg_read_all_data TO pgbouncer_auth;

-- Nothing but the owner creates objects in the control database's public schema.
\connect helpdeskly_control
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
