"""The simulator's webhook payloads are GitHub's: checked against GitHub's own schemas."""

import pytest

from paths import ROOT_DIR
from played import DEMO, group, play
from tests.conformance import ConformanceError, validate_webhook

ROOT = ROOT_DIR


pytestmark = group("demo")


@pytest.fixture(scope="module")
def demo_payloads() -> list[tuple[str, dict]]:
    return play(DEMO).payloads


def test_every_kind_of_run_the_workflows_get_is_simulated(demo_payloads) -> None:
    runs = {name for name, _ in demo_payloads}
    assert {
        "issues.opened",
        "issues.assigned",
        "issues.unassigned",
        "issues.labeled",
        "issues.unlabeled",
        "issues.closed",
        "issue_comment.created",
        "pull_request_target.closed",
        "push",
    } <= runs


def test_payloads_validate_against_githubs_webhook_schemas(demo_payloads) -> None:
    checked = set()
    for name, payload in demo_payloads:
        event = name.split(".")[0]
        if event == "push":
            assert {"ref", "before", "after", "repository", "sender"} <= payload.keys()
            continue
        checked.add(validate_webhook(event, payload))
    assert len(checked) >= 7


def test_a_payload_missing_its_sender_fails_validation(demo_payloads) -> None:
    payload = next(p for n, p in demo_payloads if n == "issues.opened")
    broken = {k: v for k, v in payload.items() if k != "sender"}
    with pytest.raises(ConformanceError):
        validate_webhook("issues", broken)
