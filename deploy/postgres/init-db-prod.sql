-- First start of the production PostgreSQL (docker-compose.prod.yml mounts this file into
-- /docker-entrypoint-initdb.d/, which runs once, on an empty data directory, as the superuser).
-- Creates the application's role and control database, and the role PgBouncer looks tenant
-- roles up with. Passwords come from the container's environment (psql 15's \getenv), never from
-- this file. To change one later: ALTER ROLE ... PASSWORD, then restart what uses it.
\set ON_ERROR_STOP on
\getenv app_password HELPDESKLY_DB_PASSWORD
\getenv auth_password PGBOUNCER_AUTH_PASSWORD
\getenv gateway_password TENANT_GATEWAY_PASSWORD
\getenv backend_budget TENANT_BACKEND_BUDGET
-- An unset variable would stay as literal text below: make it empty, which the check refuses.
\if :{?app_password}
\else
\set app_password ''
\endif
\if :{?auth_password}
\else
\set auth_password ''
\endif
\if :{?gateway_password}
\else
\set gateway_password ''
\endif
\if :{?backend_budget}
\else
\set backend_budget ''
\endif

-- Refuse to initialise with a missing or short password (docker-compose.prod.yml refuses an
-- empty one too; this also covers a file used on its own).
SELECT set_config('helpdeskly.app_password_length', length(:'app_password')::text, false),
       set_config('helpdeskly.auth_password_length', length(:'auth_password')::text, false),
       set_config('helpdeskly.gateway_password_length', length(:'gateway_password')::text, false),
       set_config('helpdeskly.backend_budget', :'backend_budget', false) \gset
DO $$
BEGIN
  IF current_setting('helpdeskly.app_password_length')::int < 16 THEN
    RAISE EXCEPTION 'HELPDESKLY_DB_PASSWORD must be set to 16 or more characters';
  END IF;
  IF current_setting('helpdeskly.auth_password_length')::int < 16 THEN
    RAISE EXCEPTION 'PGBOUNCER_AUTH_PASSWORD must be set to 16 or more characters';
  END IF;
  IF current_setting('helpdeskly.gateway_password_length')::int < 16 THEN
    RAISE EXCEPTION 'TENANT_GATEWAY_PASSWORD must be set to 16 or more characters';
  END IF;
  IF current_setting('helpdeskly.backend_budget') !~ '^[0-9]+$' OR current_setting('helpdeskly.backend_budget')::int < 4 THEN
    RAISE EXCEPTION 'TENANT_BACKEND_BUDGET must be set to a number of backends, at least 4';
  END IF;
END
$$;

SET password_encryption = 'scram-sha-256';

-- The application: owns the control database and creates each tenant's database and role
-- (CONTROL_DATABASE_URL and DATABASE_URL). Not a superuser, so it also logs in through PgBouncer,
-- as the readiness probe does.
CREATE ROLE helpdeskly LOGIN CREATEDB CREATEROLE PASSWORD :'app_password';
-- Suspending a tenant ends its sessions, and deleting one drops its database WITH (FORCE): both
-- terminate backends of the gateway and tenant roles, which needs pg_signal_backend (it cannot
-- signal a superuser's).
GRANT pg_signal_backend TO helpdeskly;
CREATE DATABASE helpdeskly_control OWNER helpdeskly;

-- PgBouncer's auth_query role, as deploy/pgbouncer/README.md explains: PgBouncer 1.18 runs the
-- lookup inside each target database, so it reads pg_authid through pg_read_all_data instead of
-- a function in every tenant database; read-only, a few connections, nothing else. Tenant
-- databases are closed to PUBLIC and GRANT CONNECT to it when they are provisioned.
CREATE ROLE pgbouncer_auth LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT 20 PASSWORD :'auth_password';
ALTER ROLE pgbouncer_auth SET default_transaction_read_only = on;
GRANT pg_read_all_data TO pgbouncer_auth;

-- The gateway role all tenant traffic logs in as, through PgBouncer (deploy/pgbouncer/README.md):
-- NOINHERIT and no privilege of its own; provisioning makes it a member of each tenant's role and
-- sets that role in each tenant database (ALTER ROLE ... IN DATABASE ... SET role). Created by
-- the application's role, which thereby administers it on PostgreSQL 16 and later too. Its
-- CONNECTION LIMIT backs PgBouncer's cap (TENANT_BACKEND_BUDGET), with headroom for backends
-- still exiting after PgBouncer closed them.
SELECT :'backend_budget'::int + greatest(2, :'backend_budget'::int / 10) AS gateway_limit \gset
SET ROLE helpdeskly;
CREATE ROLE helpdeskly_gateway LOGIN NOINHERIT CONNECTION LIMIT :gateway_limit PASSWORD :'gateway_password';
RESET ROLE;

-- Nothing but the owner creates objects in the control database's public schema.
\connect helpdeskly_control
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
