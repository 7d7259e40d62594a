CREATE OR REPLACE PROCEDURE "web"."streamgen_ensure_view"(p_ddl VARCHAR(65535)) AS $$ BEGIN EXECUTE p_ddl; END; $$ LANGUAGE plpgsql;
