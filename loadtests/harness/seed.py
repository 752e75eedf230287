"""The load database: created if missing, migrated, and filled afresh before every run."""

from __future__ import annotations

import subprocess

from . import PY, ROOT


def students_for(users: int) -> int:
    """Generated students: twice the simulated ones (each logs in as one no one else is), at least 200."""
    return max(users * 2, 200)


def load_database_seed(env: dict, *, database: str, students: int) -> None:
    """generate_load_data (students, 300 questions, ten first attempts each) and the demo bank and student.

    `env` reaches PostgreSQL directly, never through PgBouncer: migrations and COPY need their own session.
    """
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], capture_output=True)
    manage = [PY, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    # The previous runs' blocks go (generate_load_data keeps the students' ids, and the blocks would stay):
    # each open block holds its questions from the same student's next one, so a few runs within an hour
    # would leave nothing to draw and every "Create test" would be a 400.
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", database,
         "-c", "TRUNCATE quizzes_block CASCADE"],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [*manage, "generate_load_data", "--students", str(students), "--questions", "300",
         "--attempts", str(students * 10), "--force"],
        env=env, check=True,
    )  # fmt: skip
    subprocess.run([*manage, "seed_demo"], env=env, check=True, capture_output=True)
