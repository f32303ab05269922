"""On PostgreSQL, the database itself refuses to change what was signed:

- a signature and a revocation: no UPDATE, no DELETE;
- a published (or retired) version: its text, hash, number, document and
  publication time never change, it goes back to draft never, and it is not
  deleted; the only change left is published -> retired;
- a version leaving draft must carry the SHA-256 of its exact text.

Each refusal is raised with a constraint name (intake.models.*_IMMUTABLE),
SQLSTATE 23001 (restrict_violation), so Django raises IntegrityError and
portal.errors.violated_constraint names it. SQLite has no such triggers:
the models' save() and querysets refuse there (the embedded default).
"""

from django.db import migrations

FUNCTIONS_AND_TRIGGERS = r"""
CREATE FUNCTION intake_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_ARGV[0];
END;
$$;

CREATE TRIGGER intake_signature_immutable
    BEFORE UPDATE OR DELETE ON intake_signature
    FOR EACH ROW EXECUTE FUNCTION intake_refuse_change('intake_signature_immutable');

CREATE TRIGGER intake_signaturerevocation_immutable
    BEFORE UPDATE OR DELETE ON intake_signaturerevocation
    FOR EACH ROW EXECUTE FUNCTION intake_refuse_change('intake_signaturerevocation_immutable');

CREATE FUNCTION intake_guard_document_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'a published document version is never deleted'
                USING ERRCODE = 'restrict_violation', CONSTRAINT = 'intake_documentversion_published_immutable';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status <> 'draft' THEN
        IF NEW.text IS DISTINCT FROM OLD.text
            OR NEW.sha256 IS DISTINCT FROM OLD.sha256
            OR NEW.number IS DISTINCT FROM OLD.number
            OR NEW.document_id IS DISTINCT FROM OLD.document_id
            OR NEW.published_at IS DISTINCT FROM OLD.published_at
            OR NOT (NEW.status = OLD.status OR (OLD.status = 'published' AND NEW.status = 'retired'))
        THEN
            RAISE EXCEPTION 'a published document version is never changed: write a new version'
                USING ERRCODE = 'restrict_violation', CONSTRAINT = 'intake_documentversion_published_immutable';
        END IF;
    END IF;
    IF NEW.status <> 'draft' AND NEW.sha256 <> encode(sha256(convert_to(NEW.text, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'a published document version carries the SHA-256 of its text'
            USING ERRCODE = 'restrict_violation', CONSTRAINT = 'intake_documentversion_published_immutable';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER intake_documentversion_published_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON intake_documentversion
    FOR EACH ROW EXECUTE FUNCTION intake_guard_document_version();
"""

DROP = """
DROP TRIGGER IF EXISTS intake_documentversion_published_immutable ON intake_documentversion;
DROP FUNCTION IF EXISTS intake_guard_document_version();
DROP TRIGGER IF EXISTS intake_signaturerevocation_immutable ON intake_signaturerevocation;
DROP TRIGGER IF EXISTS intake_signature_immutable ON intake_signature;
DROP FUNCTION IF EXISTS intake_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # A cursor without parameters: the RAISE formats' % signs are PL/pgSQL's, not placeholders.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(FUNCTIONS_AND_TRIGGERS), _on_postgresql(DROP))]
