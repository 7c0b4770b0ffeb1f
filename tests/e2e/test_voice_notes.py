"""A voice note through the real process: fetched from Twilio, transcribed by OpenAI, acted on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from minkops.sandbox.chat import ChatTarget, voice_form
from minkops.sandbox.openai_api import OpenAIStandIn, OpenAIStandInThread, make_voice_note
from minkops.sandbox.openai_rules_model import rules_model
from minkops.twilio_client import make_twilio_client
from tests.e2e.conftest import ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, RunningService, run_cli
from tests.e2e.test_walking_skeleton import post_signed, wait_for_bodies

OWNER = "+34600000101"
STAFF = "+34600000102"
OPENAI_KEY = "sk-test-" + "v" * 24


@pytest.fixture
def openai_standin() -> Iterator[OpenAIStandIn]:
    with OpenAIStandInThread(OPENAI_KEY) as running:
        running.standin.answer_unscripted = rules_model
        yield running.standin


def test_voice_note_is_transcribed_understood_and_acted_on(
    start_service: Callable[[], RunningService],
    service_env: dict[str, str],
    openai_standin: OpenAIStandIn,
    tmp_path: Path,
) -> None:
    service_env["OPENAI_API_KEY"] = OPENAI_KEY
    service_env["OPENAI_BASE_URL"] = openai_standin.base_url or ""
    created = run_cli(
        service_env,
        "org", "create", "--name", "Clínica Sol", "--owner-name", "Lucía Gómez",
        "--owner-phone", OWNER, "--timezone", "America/Mexico_City", "--country", "MX", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    org_id = json.loads(created.stdout)["id"]
    added = run_cli(
        service_env,
        "member", "add", "--org", str(org_id), "--name", "Pedro Ruiz", "--phone", STAFF,
        "--role", "staff",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    note = tmp_path / "nota.ogg"
    note.write_bytes(make_voice_note("tarea para Pedro: revisar el botiquín", "es"))

    service = start_service()
    api_base = service_env["TWILIO_API_BASE"]
    target = ChatTarget(service.public_url, ACCOUNT_SID, AUTH_TOKEN, MINKOPS_NUMBER, api_base)
    assert post_signed(service, voice_form(target, OWNER, note)) == 200

    client = make_twilio_client(ACCOUNT_SID, AUTH_TOKEN, api_base)
    (confirmation,) = wait_for_bodies(client, OWNER, 1)
    (assigned,) = wait_for_bodies(client, STAFF, 1)
    assert "Tarea #1: revisar el botiquín para Pedro Ruiz" in confirmation
    assert "revisar el botiquín" in assigned
    transcriptions = openai_standin.requests("/v1/audio/transcriptions")
    assert len(transcriptions) == 1
    assert transcriptions[0].form.get("language") == "es"
    assert service.stop() == 0
    # The audio never touches the disk of the service, and the transcript is not logged.
    assert "botiquín" not in service.log_path.read_text()
    assert not list(Path(service_env["MINKOPS_DATA_DIR"]).rglob("*.ogg"))
