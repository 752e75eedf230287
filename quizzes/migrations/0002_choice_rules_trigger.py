"""PostgreSQL checks the choice rules that span rows, at commit.

"4 to 6 choices" and "exactly one correct" cannot be a CHECK or a unique
index: a question is saved before its choices, and an editor may move the
correct mark from one choice to another in one save. A deferred constraint
trigger sees the whole transaction's result. SQLite (development only) skips it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION quizzes_question_choice_rules() RETURNS trigger AS $$
DECLARE
    target bigint;
    total integer;
    correct integer;
BEGIN
    IF TG_TABLE_NAME = 'quizzes_question' THEN
        target := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        target := OLD.question_id;
    ELSE
        target := NEW.question_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM quizzes_question WHERE id = target) THEN
        RETURN NULL;  -- the question itself was deleted
    END IF;
    SELECT count(*), count(*) FILTER (WHERE is_correct)
      INTO total, correct
      FROM quizzes_choice WHERE question_id = target;
    IF total < 4 OR total > 6 THEN
        RAISE EXCEPTION 'question % has % choices; 4 to 6 are required', target, total
            USING ERRCODE = 'check_violation';
    END IF;
    IF correct <> 1 THEN
        RAISE EXCEPTION 'question % has % correct choices; exactly one is required', target, correct
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER question_choice_rules
    AFTER INSERT OR UPDATE ON quizzes_question
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION quizzes_question_choice_rules();

CREATE CONSTRAINT TRIGGER choice_rules
    AFTER INSERT OR UPDATE OR DELETE ON quizzes_choice
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION quizzes_question_choice_rules();
"""

DROP = """
DROP TRIGGER IF EXISTS choice_rules ON quizzes_choice;
DROP TRIGGER IF EXISTS question_choice_rules ON quizzes_question;
DROP FUNCTION IF EXISTS quizzes_question_choice_rules();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
