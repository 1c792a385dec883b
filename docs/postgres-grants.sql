-- Factcheck on PostgreSQL, step 2 of 2: the app role's grants on the tables.
-- Run as the owner after the first `flask db upgrade`, and again after any later one
-- (it is idempotent; the default privileges of step 1 already cover new tables, but a
-- migration that recreates audit_events would hand the app UPDATE and DELETE on it again):
--   psql "postgresql://factcheck_owner@db.example/factcheck" -v app=factcheck_app \
--        -f docs/postgres-grants.sql
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
-- The audit trail is append-only: the app reads and adds events and can change none.
REVOKE ALL ON audit_events FROM :"app";
GRANT SELECT, INSERT ON audit_events TO :"app";
-- The schema version belongs to the migrations.
REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM :"app";
