"""Another student's blocks and items through the API: a 404 like a block that does not exist, untouched."""

import pytest

from notes.models import Note
from quizzes.models import Block, Item
from reports.models import ProblemReport
from tests.api.conftest import API
from tests.security.test_object_permissions import blocks_of_bob  # noqa: F401 - the same three blocks

pytestmark = pytest.mark.django_db


def object_requests(block_id: int) -> list[tuple[str, str, dict]]:
    base = f"{API}/blocks/{block_id}"
    return [
        ("get", f"{base}/", {}),
        ("post", f"{base}/finish/", {}),
        ("post", f"{base}/suspend/", {}),
        ("post", f"{base}/resume/", {}),
        ("post", f"{base}/retake/", {"mode": "tutor"}),
        ("get", f"{base}/review/", {}),
        ("get", f"{base}/items/1/", {}),
        ("post", f"{base}/items/1/answer/", {"choice": "A"}),
        ("post", f"{base}/items/2/flag/", {}),
        ("post", f"{base}/items/1/marks/", {"highlights": [[0, 4]], "struck": "A"}),
        ("put", f"{base}/items/1/note/", {"text": "mine now"}),
        ("post", f"{base}/items/1/report/", {"kind": "typo"}),
    ]


def test_another_students_blocks_and_items_are_404_and_untouched(api, blocks_of_bob):  # noqa: F811
    before = list(Item.objects.order_by("pk").values_list("chosen_letter", "flagged", "highlights", "struck"))
    for block in blocks_of_bob:
        for method, url, body in object_requests(block.pk):
            reply = getattr(api, method)(url, body, format="json")
            assert reply.status_code == 404, (method, url, reply.status_code)
            assert reply.json() == {"detail": "Not found.", "code": "not_found"}
    assert (
        list(Item.objects.order_by("pk").values_list("chosen_letter", "flagged", "highlights", "struck"))
        == before
    )
    assert Block.objects.filter(finished_at__isnull=False).count() == 1
    assert Block.objects.filter(suspended_at__isnull=False).count() == 0
    assert Block.objects.count() == 3  # no retake
    assert not Note.objects.exists()
    assert not ProblemReport.objects.exists()


def test_another_students_block_reads_exactly_like_one_that_does_not_exist(api, blocks_of_bob):  # noqa: F811
    missing = Block.objects.order_by("-pk").first().pk + 1000
    for (method, url, body), (_, absent_url, _) in zip(
        object_requests(blocks_of_bob[0].pk), object_requests(missing), strict=True
    ):
        theirs = getattr(api, method)(url, body, format="json")
        absent = getattr(api, method)(absent_url, body, format="json")
        assert (theirs.status_code, theirs.content) == (absent.status_code, absent.content), url


def test_lists_hold_only_my_own(api, blocks_of_bob):  # noqa: F811
    assert api.get(f"{API}/blocks/").json()["results"] == []
    assert api.get(f"{API}/reports/").json()["results"] == []
    assert api.get(f"{API}/stats/").json()["answered"] == 0


def test_the_owner_reaches_the_same_objects(other_api, blocks_of_bob):  # noqa: F811
    for block in blocks_of_bob:
        assert other_api.get(f"{API}/blocks/{block.pk}/").status_code == 200
    assert other_api.get(f"{API}/blocks/").json()["count"] == 3


def test_a_position_outside_the_block_is_404(api, student, bank):
    from tests.conftest import make_block

    block = make_block(student, bank[:2])
    for method, url in [
        ("get", f"{API}/blocks/{block.pk}/items/3/"),
        ("post", f"{API}/blocks/{block.pk}/items/0/answer/"),
        ("post", f"{API}/blocks/{block.pk}/items/3/flag/"),
    ]:
        assert getattr(api, method)(url, {"choice": "A"}, format="json").status_code == 404
