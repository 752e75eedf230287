"""Students replayed against a running deployment (driven by loadtests/run.py, `make loadtest`).

Scenarios (the user classes run.py passes to locust): login, quiz,
leaderboard, mixed, scale; plus a spammer that must be answered with 429s.
Students are the generated "load-NNNNNNN" accounts (generate_load_data) with
one known password (env LOAD_PASSWORD). Every answer the server acknowledges
(303) is counted, and the count is written to env LOAD_ACKS_FILE at the end,
so run.py can check that the database holds exactly that many.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import uuid

from locust import FastHttpUser, between, constant, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "load-test-password")
STUDENTS = int(os.environ.get("LOAD_STUDENTS", "1000"))
ITEM_THINK = (5, 15)  # seconds per item, compressed from the exam's 90
# `scale` is `mixed` at 5,000 students with 5-15 s of thought between every request.
SCALE = os.environ.get("LOAD_SCENARIO") == "scale"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBJECTS = ["pathology", "pharmacology", "physiology", "microbiology", "biochemistry"]

_next_student = itertools.count(1)
_lock = threading.Lock()
# Items whose answer the server acknowledged (303). A set: the spammer hits the
# same items again and again (timed answers may change), and the database must
# hold exactly one answer per acknowledged item.
acknowledged_items: set[tuple[int, int]] = set()
counters = {"spam_limited": 0, "answers_without_reply": 0, "answers_sent": 0, "answers_changed": 0}


def _acknowledge(block: int, position: int) -> None:
    with _lock:
        acknowledged_items.add((block, position))


def _count(key: str) -> None:
    with _lock:
        counters[key] += 1


@events.quitting.add_listener
def _write_acks(environment, **kwargs):
    path = os.environ.get("LOAD_ACKS_FILE")
    if path:
        with open(path, "w") as handle:
            json.dump({"answered_items": sorted(acknowledged_items), **counters}, handle)


class Student(FastHttpUser):
    abstract = True
    wait_time = between(2, 5)

    def on_start(self):
        self.username = f"load-{(next(_next_student) - 1) % STUDENTS + 1:07d}"
        self.login()

    def csrf_from(self, html: str) -> str:
        match = CSRF.search(html or "")
        return match.group(1) if match else ""

    def login(self):
        page = self.client.get("/accounts/login/", name="/accounts/login/")
        token = self.csrf_from(page.text)
        with self.client.post(
            "/accounts/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="/accounts/login/ [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}")
        # Logging in rotates the CSRF secret: take the new token from the dashboard's logout form.
        dashboard = self.client.get("/", name="/ (dashboard)")
        self.token = self.csrf_from(dashboard.text) or token

    def post(self, url: str, data: dict, name: str, **kwargs):
        return self.client.post(
            url, data={**data, "csrfmiddlewaretoken": self.token}, name=name, allow_redirects=False, **kwargs
        )


class LoginStudent(Student):
    """login: log in (on_start), load the dashboard, then idle."""

    wait_time = between(5, 10)

    @task
    def dashboard(self):
        self.client.get("/", name="/ (dashboard)")


class QuizStudent(Student):
    """quiz: build a 40-item timed block, answer it (5-15 s an item), finish, open the review."""

    wait_time = between(*ITEM_THINK)

    def on_start(self):
        super().on_start()
        self.block = None

    @task
    def next_step(self):
        if self.block is None:
            response = self.post(
                "/quizzes/new/", {"size": "40", "mode": "timed", "pool": "all"}, "/quizzes/new/ [POST]"
            )
            match = re.search(r"/quizzes/(\d+)/", response.headers.get("Location", ""))
            if not match:
                return
            self.block, self.position = int(match.group(1)), 1
            self.client.get(f"/quizzes/{self.block}/q/1/", name="/quizzes/[id]/q/[n]/")
            return
        if self.position <= 40:
            _count("answers_sent")
            with self.post(
                f"/quizzes/{self.block}/q/{self.position}/",
                {
                    "choice": random.choice("ABCDE"),
                    "elapsed_ms": str(random.randint(5000, 15000)),
                    "idempotency_key": str(uuid.uuid4()),  # as the rendered form carries
                },
                "/quizzes/[id]/q/[n]/ [POST answer]",
                catch_response=True,
            ) as response:
                if response.status_code == 303:
                    _acknowledge(self.block, self.position)
                    response.success()
                else:
                    if response.status_code == 0:  # no reply: the answer may or may not be stored
                        _count("answers_without_reply")
                    response.failure(f"answer answered {response.status_code}")
            self.position += 1
            if self.position <= 40:
                self.client.get(f"/quizzes/{self.block}/q/{self.position}/", name="/quizzes/[id]/q/[n]/")
            return
        self.post(f"/quizzes/{self.block}/finish/", {}, "/quizzes/[id]/finish/ [POST]")
        self.client.get(f"/quizzes/{self.block}/review/", name="/quizzes/[id]/review/")
        self.block = None


class BoardStudent(Student):
    """leaderboard: browse boards (period, subject, page, own position) 2-5 s apart; the rows refresh live."""

    wait_time = between(5, 15) if SCALE else between(2, 5)

    @task(4)
    def board(self):
        params = random.choice(
            ["?period=all", "?period=week", f"?subject={random.choice(SUBJECTS)}", "?page=me", ""]
        )
        if random.random() < 0.3:
            params += ("&" if params else "?") + f"page={random.randint(1, 50)}"
        self.client.get(f"/leaderboard/{params}", name="/leaderboard/")

    @task(1)
    def live_refresh(self):
        self.client.get(
            "/leaderboard/rows/?period=all&page=1", name="/leaderboard/rows/", headers={"HX-Request": "true"}
        )


class StatsStudent(Student):
    """Browse statistics and history."""

    wait_time = between(5, 15) if SCALE else between(3, 8)

    @task(2)
    def stats(self):
        self.client.get("/stats/", name="/stats/")

    @task(1)
    def history(self):
        self.client.get("/quizzes/", name="/quizzes/")


class NewStudent(FastHttpUser):
    """Sign up once (a new account, logged in by the sign-up), then look around like a newcomer."""

    wait_time = between(5, 15)

    def on_start(self):
        page = self.client.get("/accounts/signup/", name="/accounts/signup/")
        token = CSRF.search(page.text or "")
        name = f"new-{uuid.uuid4().hex[:12]}"
        with self.client.post(
            "/accounts/signup/",
            data={
                "username": name,
                "email": f"{name}@example.org",
                "password1": "load-Signup-pass-9",
                "password2": "load-Signup-pass-9",
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="/accounts/signup/ [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-up answered {response.status_code}")

    @task
    def look_around(self):
        page = random.choice(["/", "/quizzes/new/", "/leaderboard/", "/stats/"])
        self.client.get(page, name="/ (dashboard)" if page == "/" else page)


class Spammer(Student):
    """Hammers answers and block creation: must get 429s while everyone else is unaffected."""

    wait_time = between(0.01, 0.05)

    def on_start(self):
        super().on_start()
        response = self.post(
            "/quizzes/new/", {"size": "40", "mode": "timed", "pool": "all"}, "spam: new block"
        )
        match = re.search(r"/quizzes/(\d+)/", response.headers.get("Location", ""))
        self.block = int(match.group(1)) if match else None
        # The letter each item holds, as acknowledged answers say: a 303 with another letter replaced it
        # (the server counts a changed timed answer again; run.py compares with usmle_answers_total).
        self.letters: dict[int, str] = {}

    @task
    def spam(self):
        if self.block is None:
            return
        position, letter = random.randint(1, 40), random.choice("ABCDE")
        _count("answers_sent")
        with self.post(
            f"/quizzes/{self.block}/q/{position}/",
            {"choice": letter},
            "spam: answer",
            catch_response=True,
        ) as response:
            if response.status_code == 429:
                _count("spam_limited")
                response.success()  # the intended answer to spam
            elif response.status_code == 303:
                if self.letters.get(position, letter) != letter:
                    _count("answers_changed")
                self.letters[position] = letter
                _acknowledge(self.block, position)
                response.success()


class FloorStudent(Student):
    """`make bench-floor`: one endpoint (env LOAD_ENDPOINT) as fast as it goes, to compare with the floor."""

    wait_time = constant(0)

    def on_start(self):
        self.endpoint = os.environ.get("LOAD_ENDPOINT", "floor")
        if self.endpoint != "landing":  # the landing page is what a visitor who is not signed in sees
            super().on_start()
        self.block, self.position = None, 0
        if self.endpoint in ("item", "answer"):
            response = self.post("/quizzes/new/", {"size": "40", "mode": "timed", "pool": "all"}, "setup")
            self.block = int(re.search(r"/quizzes/(\d+)/", response.headers.get("Location", "")).group(1))

    def on_stop(self):
        # The same few students run every bench: an open block holds its 40 questions from their next one,
        # so after ten runs in an hour (before the timed blocks expire) there would be none left to draw.
        if self.block is not None:
            self.post(f"/quizzes/{self.block}/finish/", {}, "teardown")

    @task
    def hit(self):
        self.position = self.position % 40 + 1
        if self.endpoint == "floor":
            self.client.get("/healthz", name=self.endpoint)
        elif self.endpoint == "landing" or self.endpoint == "dashboard":
            self.client.get("/", name=self.endpoint)
        elif self.endpoint == "item":
            self.client.get(f"/quizzes/{self.block}/q/{self.position}/", name=self.endpoint)
        elif self.endpoint == "answer":
            self.post(
                f"/quizzes/{self.block}/q/{self.position}/", {"choice": random.choice("ABCDE")}, self.endpoint
            )
        elif self.endpoint == "board":
            self.client.get("/leaderboard/", name=self.endpoint)
        elif self.endpoint == "stats":
            self.client.get("/stats/", name=self.endpoint)


# Proportions within a run; which classes run is chosen by loadtests/run.py (CLASSES)
# (mixed and scale: 60 % take blocks, 25 % watch boards, 10 % stats and history, 5 % sign up).
QuizStudent.weight, BoardStudent.weight, StatsStudent.weight, NewStudent.weight = 12, 5, 2, 1
Spammer.fixed_count = 1
