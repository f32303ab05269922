"""Documents in more than one language.

- Document.translations: the title in other languages;
- DocumentVersion.translations: the version's text in other languages, frozen
  with it on publishing (the database refuses a change to a published
  version's translations as to its text: the trigger function of 0002 is
  replaced by one that checks them too);
- Signature.language: the language of the text that was read and signed
  (version_sha256 is that text's hash);
- the built-in documents' untouched drafts get their Spanish.
"""

from django.db import migrations, models

GUARD = r"""
CREATE OR REPLACE FUNCTION intake_guard_document_version() RETURNS trigger LANGUAGE plpgsql AS $$
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
            OR NEW.translations IS DISTINCT FROM OLD.translations
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
"""

# 0002's function, as it was (translations did not exist).
PREVIOUS = GUARD.replace("            OR NEW.translations IS DISTINCT FROM OLD.translations\n", "")


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


def install(apps, schema_editor):
    from intake.builtin import install_builtin_documents

    install_builtin_documents(apps.get_model("intake", "Document"), apps.get_model("intake", "DocumentVersion"))


class Migration(migrations.Migration):
    dependencies = [("intake", "0004_intake_packet")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="translations",
            field=models.JSONField(
                blank=True, default=dict, help_text='The title in other languages: {"es": {"title": "..."}}.'
            ),
        ),
        migrations.AddField(
            model_name="documentversion",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='The text in other languages: {"es": {"text", "sha256"}} (Markdown).',
            ),
        ),
        migrations.AddField(
            model_name="signature",
            name="language",
            field=models.CharField(
                default="en", help_text="The language of the text that was read and signed.", max_length=8
            ),
        ),
        migrations.AlterField(
            model_name="signature",
            name="version_sha256",
            field=models.CharField(
                help_text="The hash of the signed text (in ``language``), copied when signing.", max_length=64
            ),
        ),
        migrations.RunPython(_on_postgresql(GUARD), _on_postgresql(PREVIOUS)),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
