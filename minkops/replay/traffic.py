"""Recorded traffic as JSON Lines, and the roster it was recorded against.

One line per inbound message: `{"offset": 12.5, "From": "+34610000001", "Body": "tareas"}`,
with optional `"media": [{"url": …, "content_type": …}]` and `"MessageSid"`. `offset` is
seconds from the start of the recording. The roster (organizations and their members) is
a JSON file beside it, `<traffic>.roster.json`, so a replay can set up the same people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import phonenumbers


class TrafficError(ValueError):
    """A recording or roster that cannot be replayed; the message says where and why."""


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True)
class Record:
    offset: float
    sender: str
    body: str
    media: tuple[Media, ...] = ()
    sid: str | None = None


@dataclass(frozen=True)
class RosterMember:
    name: str
    phone: str
    role: str
    language: str


@dataclass(frozen=True)
class RosterOrg:
    name: str
    timezone: str
    members: tuple[RosterMember, ...] = field(default_factory=tuple)


def roster_path(traffic: Path) -> Path:
    return traffic.with_name(traffic.name + ".roster.json")


def _e164(value: object, where: str) -> str:
    text = str(value).removeprefix("whatsapp:")
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as error:
        raise TrafficError(f"{where}: 'From' is not a phone number in E.164 form") from error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_record(line: str, where: str) -> Record:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise TrafficError(f"{where}: not JSON ({error.msg})") from error
    if not isinstance(data, dict):
        raise TrafficError(f"{where}: a line must be a JSON object")
    offset = data.get("offset")
    if not isinstance(offset, int | float) or isinstance(offset, bool) or offset < 0:
        raise TrafficError(f"{where}: 'offset' must be a number of seconds, 0 or more")
    body = data.get("Body", "")
    if not isinstance(body, str):
        raise TrafficError(f"{where}: 'Body' must be text")
    media_list = data.get("media", [])
    if not isinstance(media_list, list):
        raise TrafficError(f"{where}: 'media' must be a list")
    media = []
    for item in media_list:
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise TrafficError(f"{where}: each media item needs a 'url'")
        media.append(Media(item["url"], str(item.get("content_type", "audio/ogg"))))
    if not body and not media:
        raise TrafficError(f"{where}: a message needs a 'Body' or 'media'")
    sid = data.get("MessageSid")
    if sid is not None and not isinstance(sid, str):
        raise TrafficError(f"{where}: 'MessageSid' must be text")
    return Record(float(offset), _e164(data.get("From"), where), body, tuple(media), sid)


def read_records(path: Path) -> list[Record]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                records.append(parse_record(line, f"{path}:{number}"))
    if not records:
        raise TrafficError(f"{path}: no messages to replay")
    return sorted(records, key=lambda r: r.offset)  # stable: equal offsets keep file order


def record_json(record: Record) -> str:
    data: dict[str, object] = {
        "offset": round(record.offset, 3),
        "From": record.sender,
        "Body": record.body,
    }
    if record.media:
        data["media"] = [{"url": m.url, "content_type": m.content_type} for m in record.media]
    if record.sid:
        data["MessageSid"] = record.sid
    return json.dumps(data, ensure_ascii=False)


def write_records(path: Path, records: Iterable[Record]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(record_json(record) + "\n")


def write_roster(path: Path, orgs: Sequence[RosterOrg]) -> None:
    path.write_text(json.dumps([asdict(org) for org in orgs], ensure_ascii=False, indent=1))


def read_roster(path: Path) -> list[RosterOrg]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            RosterOrg(
                str(org["name"]),
                str(org["timezone"]),
                tuple(
                    RosterMember(
                        str(m["name"]),
                        _e164(m["phone"], str(path)),
                        str(m["role"]),
                        str(m["language"]),
                    )
                    for m in org["members"]
                ),
            )
            for org in data
        ]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise TrafficError(f"{path}: not a roster ({error})") from error
