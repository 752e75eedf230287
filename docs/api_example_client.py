#!/usr/bin/env python3
"""Take a block end to end through the USMLE Quiz JSON API, with the standard library only.

    python3 docs/api_example_client.py --base-url http://127.0.0.1:8000 --username demo
    (the password from API_PASSWORD, or asked for)

Signs this device in (a token), builds a tutor block, answers every item (each answer with its own
Idempotency-Key, resent with the same key after a dropped connection or a 429), finishes the block,
prints the review and signs the device out. docs/API.md explains each call; tests/api/test_example_client.py
runs this script against a live server so it keeps working.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


class ApiError(Exception):
    def __init__(self, status: int, body: dict):
        self.status, self.body = status, body
        super().__init__(f"{status}: {body.get('detail', body)}")


class Client:
    def __init__(self, base_url: str, token: str = ""):
        if not base_url.startswith(("http://", "https://")):
            raise SystemExit(f"--base-url must be an http:// or https:// URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/") + "/api/v1"
        self.token = token

    def call(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None, tries: int = 5
    ):
        """One request. A 429 is sent again after Retry-After; a dropped connection too, when sending twice
        is harmless (a read, or an answer under its Idempotency-Key: the server stores it once)."""
        data = json.dumps(body).encode() if body is not None else None
        request_headers = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            request_headers["Content-Type"] = "application/json"
        if self.token:
            request_headers["Authorization"] = f"Bearer {self.token}"
        resendable = method in ("GET", "PUT", "DELETE") or "Idempotency-Key" in request_headers
        # http(s) only, checked in __init__.
        request = urllib.request.Request(self.base_url + path, data, request_headers, method=method)  # noqa: S310
        for attempt in range(1, tries + 1):
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    raw = response.read()
                    return json.loads(raw) if raw else None
            except urllib.error.HTTPError as refused:
                if refused.code == 429 and attempt < tries:
                    time.sleep(int(refused.headers.get("Retry-After", "1")))
                    continue
                raise ApiError(refused.code, json.loads(refused.read() or b"{}")) from None
            except urllib.error.URLError:
                if not resendable or attempt == tries:
                    raise
                time.sleep(2**attempt / 4)  # the network dropped: the same request again, a moment later
        raise AssertionError("unreachable")


def take_block(client: Client, *, size: int, mode: str) -> dict:
    created = client.call("POST", "/blocks/", {"size": size, "mode": mode, "pool": "all"})
    block = created["block"]
    if created["notice"]:
        print(created["notice"])
    print(f"Block {block['id']} ({block['name']}): {block['item_count']} items, {block['mode']}")
    for position in range(1, block["item_count"] + 1):
        item = client.call("GET", f"/blocks/{block['id']}/items/{position}/")
        letter = item["choices"][0]["letter"]  # a real client asks the student
        # One key per answer the student gives: a resend after a lost reply changes nothing.
        key = {"Idempotency-Key": str(uuid.uuid4())}
        url = f"/blocks/{block['id']}/items/{position}/"
        answered = client.call("POST", url + "answer/", {"choice": letter}, key)
        verdict = answered["item"]["key"]
        shown = f"correct answer {verdict['correct_letter']}" if verdict else "the key shows at the end"
        print(f"  {position}. {item['question']['lead_in'][:60]} -> {letter} ({shown})")
    client.call("POST", f"/blocks/{block['id']}/finish/")
    return client.call("GET", f"/blocks/{block['id']}/review/")


def print_review(review: dict) -> None:
    block = review["block"]
    print(f"Score: {block['correct_count']} of {block['item_count']} ({block['score_percent']}%)")
    for item in review["items"]:
        key = item["key"]
        mark = "right" if key["is_correct"] else ("omitted" if key["omitted"] else "wrong")
        print(
            f"  {item['position']}. {item['question']['id']}: you {item['chosen_letter'] or '-'}, "
            f"key {key['correct_letter']} ({mark}); {key['educational_objective']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", required=True)
    parser.add_argument("--size", type=int, default=5)
    parser.add_argument("--mode", choices=["tutor", "timed"], default="tutor")
    args = parser.parse_args(argv)
    password = os.environ.get("API_PASSWORD") or getpass.getpass(f"Password for {args.username}: ")

    client = Client(args.base_url)
    try:
        signed_in = client.call(
            "POST",
            "/auth/token/",
            {"username": args.username, "password": password, "device_name": "api_example_client.py"},
        )
        client.token = signed_in["token"]
        me = client.call("GET", "/me/")
        print(f"Signed in as {me['public_name']} (token until {signed_in['expires_at']})")
        print_review(take_block(client, size=args.size, mode=args.mode))
        client.call("DELETE", "/auth/token/")  # this device signs out: the token is revoked
        print("Signed out.")
    except ApiError as error:
        print(f"The API refused: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
