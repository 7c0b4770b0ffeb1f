"""The stand-in's Content API (templates and WhatsApp approval) and sending templates, through
the real twilio SDK (which posts Content as JSON) via make_twilio_client."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest.content.v1.content import ContentList
from twilio.rest.content.v1.content.approval_create import ApprovalCreateList

from minkops.sandbox.twilio_api import StoredMessage, TwilioStandIn, TwilioStandInThread
from tests.sandbox.twilio_support import SID, TOKEN, WA_FROM, WA_TO, FakeClock, Receiver

TASK = {
    "friendly_name": "task_assigned",
    "language": "es",
    "variables": {"1": "Ana", "2": "limpiar la nevera"},
    "types": {
        "twilio/quick-reply": {
            "body": "Hola {{1}}, tienes una tarea: {{2}}. ¿Está hecha?",
            "actions": [{"title": "Hecha", "id": "done"}, {"title": "Aún no", "id": "later"}],
        },
        "twilio/text": {"body": "Hola {{1}}, tienes una tarea: {{2}}."},
    },
}
REMINDER = {
    "friendly_name": "reminder",
    "language": "en",
    "types": {"twilio/text": {"body": "Reminder: {{1}} is due at {{2}}."}},
}


def create(client: Any, payload: dict[str, Any]) -> Any:
    return client.content.v1.contents.create(ContentList.ContentCreateRequest(payload))


def submit(client: Any, sid: str, name: str, category: str = "UTILITY") -> Any:
    request = ApprovalCreateList.ContentApprovalRequest({"name": name, "category": category})
    return client.content.v1.contents(sid).approval_create.create(request)


def approval(client: Any, sid: str) -> dict[str, Any]:
    whatsapp: dict[str, Any] = client.content.v1.contents(sid).approval_fetch().fetch().whatsapp
    return whatsapp


def ended(message: StoredMessage) -> bool:
    return message.status in ("delivered", "failed", "undelivered")


# --- the Content resource ----------------------------------------------------------------------


def test_create_answers_a_content_resource(client: Any, server: TwilioStandInThread) -> None:
    created = create(client, TASK)

    assert re.fullmatch(r"HX[0-9a-f]{32}", created.sid)
    assert (created.account_sid, created.friendly_name, created.language) == (
        SID,
        "task_assigned",
        "es",
    )
    assert created.variables == TASK["variables"]
    assert created.types == TASK["types"]
    assert created.url == f"https://content.twilio.com/v1/Content/{created.sid}"
    assert created.links["approval_fetch"] == f"{created.url}/ApprovalRequests"
    raw = requests.get(f"{server.base_url}/v1/Content/{created.sid}", auth=(SID, TOKEN), timeout=5)
    assert raw.json()["date_created"] == "2026-03-10T09:30:00Z"  # ISO 8601, not RFC 2822


def test_the_sdk_posts_json_and_null_types_count_as_absent(
    client: Any, server: TwilioStandInThread
) -> None:
    seen: list[tuple[str, Any]] = []
    inner = client.http_client._inner
    original = inner.request

    def spy(method: str, url: str, **kwargs: Any) -> Any:
        seen.append((kwargs["headers"]["Content-Type"], kwargs["data"]))
        return original(method, url, **kwargs)

    inner.request = spy
    create(client, REMINDER)
    assert seen == [("application/json", REMINDER)]
    # twilio-oai marks every content type nullable: null is the same as leaving it out.
    with_nulls = {**REMINDER, "types": {**REMINDER["types"], "twilio/media": None}}
    answer = requests.post(
        f"{server.base_url}/v1/Content", json=with_nulls, auth=(SID, TOKEN), timeout=5
    )
    assert (answer.status_code, answer.json()["types"]) == (201, REMINDER["types"])


def test_create_takes_json_not_a_form(server: TwilioStandInThread) -> None:
    form = {"FriendlyName": "x", "Language": "en", "Types": "{}"}
    answer = requests.post(f"{server.base_url}/v1/Content", data=form, auth=(SID, TOKEN), timeout=5)
    assert (answer.status_code, answer.json()["status"]) == (400, 400)
    denied = requests.post(f"{server.base_url}/v1/Content", json=TASK, timeout=5)
    assert (denied.status_code, denied.json()["code"]) == (401, 20003)


@pytest.mark.parametrize(
    "change",
    [
        {"language": None},
        {"types": {}},
        {"types": {"twilio/media": {"body": "x", "media": ["https://example.com/a.png"]}}},
        {"types": {"twilio/text": {"body": ""}}},
        {"types": {"twilio/quick-reply": {"body": "Elige", "actions": []}}},
        {
            "types": {
                "twilio/quick-reply": {
                    "body": "Elige",
                    "actions": [{"title": f"opción {i}"} for i in range(11)],
                }
            }
        },
        {"types": {"twilio/quick-reply": {"body": "Elige", "actions": [{"title": "x" * 21}]}}},
        {"variables": {"first name": "Ana"}},
    ],
)
def test_invalid_content_is_400(
    client: Any, standin: TwilioStandIn, change: dict[str, Any]
) -> None:
    with pytest.raises(TwilioRestException) as caught:
        create(client, {**TASK, **change})
    assert caught.value.status == 400
    assert standin.templates() == []


def test_list_pages_fetch_and_delete(client: Any) -> None:
    sids = [create(client, {**REMINDER, "friendly_name": f"r{i}"}).sid for i in range(5)]

    assert [c.sid for c in client.content.v1.contents.list(page_size=2)] == sids[::-1]
    first = client.content.v1.contents.page(page_size=2)
    assert [len(list(p)) for p in (first, first.next_page(), first.next_page().next_page())] == [
        2,
        2,
        1,
    ]
    assert client.content.v1.contents(sids[0]).fetch().friendly_name == "r0"

    assert client.content.v1.contents(sids[0]).delete() is True
    with pytest.raises(TwilioRestException) as caught:
        client.content.v1.contents(sids[0]).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)
    assert len(client.content.v1.contents.list()) == 4


# --- WhatsApp approval -------------------------------------------------------------------------


def test_approval_is_received_then_approved_with_no_delay(client: Any) -> None:
    sid = create(client, TASK).sid
    requested = submit(client, sid, "task_assigned")
    assert (requested.name, requested.category, requested.status) == (
        "task_assigned",
        "UTILITY",
        "received",
    )
    assert requested.content_type == "twilio/quick-reply"
    fetched = approval(client, sid)
    assert (fetched["type"], fetched["status"], fetched["rejection_reason"]) == (
        "whatsapp",
        "approved",
        "",
    )


@pytest.mark.parametrize("options", [{"whatsapp_window": False, "approval_delay": 60}])
def test_approval_goes_received_pending_approved_on_its_own(client: Any, clock: FakeClock) -> None:
    sid = create(client, TASK).sid
    submit(client, sid, "task_assigned")
    seen = [approval(client, sid)["status"]]
    clock.advance(seconds=1)
    seen.append(approval(client, sid)["status"])
    clock.advance(seconds=59)
    seen.append(approval(client, sid)["status"])
    assert seen == ["received", "pending", "approved"]


def test_a_test_switch_makes_whatsapp_reject_a_template(
    client: Any, standin: TwilioStandIn
) -> None:
    standin.reject_approval("task_assigned", "INVALID_FORMAT: too generic")
    sid = create(client, TASK).sid
    assert submit(client, sid, "task_assigned").status == "received"
    assert (approval(client, sid)["status"], approval(client, sid)["rejection_reason"]) == (
        "rejected",
        "INVALID_FORMAT: too generic",
    )


@pytest.mark.parametrize(
    ("body", "variables"),
    [
        ("{{1}}, tienes una tarea", {"1": "Ana"}),  # starts with a variable
        ("Tu tarea: {{1}}", {"1": "limpiar"}),  # ends with one
        ("Hola {{1}} {{2}}, tienes tarea", {"1": "Ana", "2": "García"}),  # side by side
        ("Hola {{1}}, tarea {{3}}.", {"1": "Ana", "3": "x"}),  # a gap in the numbers
        ("Hola {{name}}, tienes tarea.", {"name": "Ana"}),  # not numbered
        ("Hola {{1}}, tienes tarea.", {}),  # no sample
    ],
)
def test_whatsapps_format_rules_reject_a_template(
    client: Any, body: str, variables: dict[str, str]
) -> None:
    payload = {"language": "es", "variables": variables, "types": {"twilio/text": {"body": body}}}
    sid = create(client, payload).sid
    submit(client, sid, "bad_format")
    whatsapp = approval(client, sid)
    assert whatsapp["status"] == "rejected"
    assert whatsapp["rejection_reason"].startswith("INVALID_FORMAT")


@pytest.mark.parametrize(
    ("name", "category"),
    [("Task Assigned", "UTILITY"), ("task-assigned", "UTILITY"), ("task", "NEWSLETTER")],
)
def test_approval_names_and_categories_follow_whatsapps_rules(
    client: Any, name: str, category: str
) -> None:
    sid = create(client, TASK).sid
    with pytest.raises(TwilioRestException) as caught:
        submit(client, sid, name, category)
    assert caught.value.status == 400
    assert approval(client, sid)["status"] == "unsubmitted"


def test_approval_of_unknown_or_twice_submitted_content_is_refused(client: Any) -> None:
    with pytest.raises(TwilioRestException) as unknown:
        submit(client, "HX" + "0" * 32, "task")
    assert (unknown.value.status, unknown.value.code) == (404, 20404)
    sid = create(client, TASK).sid
    submit(client, sid, "task_assigned")
    with pytest.raises(TwilioRestException) as again:
        submit(client, sid, "task_assigned")
    assert again.value.status == 400


def test_content_and_approvals_lists_every_template_with_its_status(client: Any) -> None:
    approved = create(client, TASK).sid
    submit(client, approved, "task_assigned")
    unsubmitted = create(client, REMINDER).sid

    listed = {c.sid: c.approval_requests for c in client.content.v1.content_and_approvals.list()}
    assert listed[unsubmitted]["status"] == "unsubmitted"
    assert listed[approved] == {
        "name": "task_assigned",
        "category": "UTILITY",
        "content_type": "twilio/quick-reply",
        "status": "approved",
        "rejection_reason": "",
        "allow_category_change": True,
    }
    page = client.content.v1.content_and_approvals.page(page_size=1)
    assert len(list(page)) == 1 and page.next_page() is not None


# --- sending templates -------------------------------------------------------------------------


def send_template(client: Any, sid: str, variables: dict[str, str] | None, **kwargs: Any) -> Any:
    if variables is not None:
        kwargs["content_variables"] = json.dumps(variables)
    return client.messages.create(to=WA_TO, from_=WA_FROM, content_sid=sid, **kwargs)


@pytest.mark.parametrize("options", [{}])  # the window is on
def test_an_approved_template_goes_out_of_the_window_rendered_with_its_buttons(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    sid = create(client, TASK).sid
    submit(client, sid, "task_assigned")
    sent = send_template(
        client, sid, {"1": "Juan", "2": "fregar"}, status_callback=receiver.url + "/status"
    )

    assert sent.status == "queued"
    assert sent.body == "Hola Juan, tienes una tarea: fregar. ¿Está hecha?"
    (stored,) = standin.wait_for_messages(ended)
    assert (stored.status, stored.sent_as_template) == ("delivered", True)
    assert [(b.title, b.id) for b in stored.buttons] == [("Hecha", "done"), ("Aún no", "later")]
    assert stored.content_variables == '{"1": "Juan", "2": "fregar"}'
    callbacks = receiver.wait_for("/status", 2)
    assert callbacks[0].form["StructuredMessage"] == "true"


def test_missing_variables_fall_back_to_the_samples(client: Any, standin: TwilioStandIn) -> None:
    sid = create(client, TASK).sid
    sent = send_template(client, sid, {"1": "Juan"})
    assert sent.body == "Hola Juan, tienes una tarea: limpiar la nevera. ¿Está hecha?"
    assert send_template(client, sid, None).body.startswith("Hola Ana,")


@pytest.mark.parametrize(
    "variables",
    [{"1": "Sam"}, {"1": "Sam", "2": ""}, {"1": "Sam", "2": None}, {"1": "Sam", "2": ["x"]}],
)
def test_a_variable_without_a_value_is_21656(
    client: Any, standin: TwilioStandIn, variables: dict[str, Any]
) -> None:
    sid = create(client, REMINDER).sid  # no samples to fall back on
    with pytest.raises(TwilioRestException) as caught:
        send_template(client, sid, variables)
    assert (caught.value.status, caught.value.code) == (400, 21656)
    assert standin.messages() == []


def test_an_unknown_or_deleted_content_sid_is_21655(client: Any, standin: TwilioStandIn) -> None:
    sid = create(client, REMINDER).sid
    client.content.v1.contents(sid).delete()
    for unknown in (sid, "HX" + "0" * 32):
        with pytest.raises(TwilioRestException) as caught:
            send_template(client, unknown, {"1": "x", "2": "y"})
        assert (caught.value.status, caught.value.code) == (400, 21655)
    assert standin.messages() == []


@pytest.mark.parametrize("options", [{}])
def test_a_template_not_approved_goes_only_inside_the_window(
    client: Any, standin: TwilioStandIn, receiver: Receiver
) -> None:
    unsubmitted = create(client, TASK).sid
    standin.reject_approval("task_rejected", "INVALID_FORMAT")
    rejected = create(client, TASK).sid
    submit(client, rejected, "task_rejected")

    for sid in (unsubmitted, rejected):
        send_template(client, sid, {"1": "Juan"}, status_callback=receiver.url + "/out")
    callbacks = receiver.wait_for("/out", 2)
    assert [(c.form["MessageStatus"], c.form["ErrorCode"]) for c in callbacks] == [
        ("failed", "63016"),
        ("failed", "63016"),
    ]

    # In a session (the user wrote), content needs no approval: it goes as a session message.
    standin.record_inbound(WA_TO)
    send_template(client, unsubmitted, {"1": "Juan"})
    delivered = standin.wait_for_messages(lambda m: m.status == "delivered")
    assert [(m.sent_as_template, len(m.buttons)) for m in delivered] == [(False, 2)]
