-- Factcheck on PostgreSQL, step 1 of 2: an owner role that owns the schema and runs the
-- migrations, and an app role that the web servers and workers sign in as.
-- Run once, as a superuser, in the new empty database, before the first `flask db upgrade`:
--   createdb factcheck
--   psql -d factcheck -v owner=factcheck_owner -v app=factcheck_app \
--        -v owner_password='…' -v app_password='…' -f docs/postgres-roles.sql
CREATE ROLE :"owner" LOGIN PASSWORD :'owner_password';
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
ALTER DATABASE :"DBNAME" OWNER TO :"owner";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app";
GRANT USAGE ON SCHEMA public TO :"app";
-- Tables and sequences that the owner's migrations create get the app's grants.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
