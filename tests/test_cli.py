"""The command line as CONTRACT.md describes it: records, --json, exit statuses 0/1/2."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
import pytest

from minkops.cli import main


def run(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], *argv: str
) -> tuple[int, str, str]:
    try:
        status = main(list(argv), env)
    except SystemExit as exit:  # argparse
        status = int(exit.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def env(database_url: str, tmp_data_dir: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "MINKOPS_DATA_DIR": str(tmp_data_dir),
        "MINKOPS_LOG_LEVEL": "warning",
    }


def create_org(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], phone: str = "+34600000001"
) -> int:
    status, out, err = run(
        capsys, env, "org", "create", "--name", "Café Uno", "--owner-name", "Ana García",
        "--owner-phone", phone, "--timezone", "Europe/Madrid", "--country", "es", "--json",
    )  # fmt: skip
    assert status == 0, err
    return int(json.loads(out)["id"])


def members_of(database_url: str, org_id: int) -> list[tuple[str, str, str, str, str]]:
    return asyncio.run(_members_of(database_url, org_id))


async def _members_of(database_url: str, org_id: int) -> list[tuple[str, str, str, str, str]]:
    connection = await asyncpg.connect(database_url)  # the owner: sees past row-level security
    try:
        rows = await connection.fetch(
            "SELECT name, phone, role, language, delivery FROM members WHERE org_id = $1 ORDER BY id",
            org_id,
        )
    finally:
        await connection.close()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_org_create_prints_the_new_id_and_stores_the_owner(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str
) -> None:
    org_id = create_org(capsys, env)
    assert members_of(database_url, org_id) == [
        ("Ana García", "+34600000001", "admin", "es", "text")
    ]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--timezone", "Mars/Olympus", "unknown timezone"),
        ("--owner-phone", "12", "phone"),
        ("--country", "Spain", "two-letter"),
        ("--plan", "platinum", "unknown plan"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], flag: str, value: str, message: str
) -> None:
    args = {
        "--name": "X", "--owner-name": "Y", "--owner-phone": "+34600000009",
        "--timezone": "Europe/Madrid", "--country": "ES", "--plan": "free",
    }  # fmt: skip
    args[flag] = value
    status, _, err = run(capsys, env, "org", "create", *[x for pair in args.items() for x in pair])
    assert status == 2 and message in err and err.count("\n") == 1


def test_missing_required_argument_exits_2(
    capsys: pytest.CaptureFixture[str], env: dict[str, str]
) -> None:
    status, _, err = run(capsys, env, "member", "add", "--org", "1", "--name", "X")
    assert status == 2 and "--phone" in err


def test_phone_already_in_an_organization_exits_1(
    capsys: pytest.CaptureFixture[str], env: dict[str, str]
) -> None:
    create_org(capsys, env)
    status, _, err = run(
        capsys, env, "org", "create", "--name", "Other", "--owner-name", "Z",
        "--owner-phone", "+34 600 00 00 01", "--timezone", "UTC",
    )  # fmt: skip
    assert status == 1 and "already a member" in err


def test_member_add_defaults_to_the_organization_language(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str
) -> None:
    org_id = create_org(capsys, env)
    status, out, err = run(
        capsys, env, "member", "add", "--org", str(org_id), "--name", "Juan", "--phone", "600 000 002",
        "--role", "staff", "--delivery", "voice", "--json",
    )  # fmt: skip
    assert status == 0, err
    assert json.loads(out)["id"] > 0
    assert (members_of(database_url, org_id))[1] == (
        "Juan",
        "+34600000002",
        "staff",
        "es",
        "voice",
    )


def test_member_import_adds_every_row(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    org_id = create_org(capsys, env)
    csv = tmp_path / "staff.csv"
    csv.write_text(
        "name,phone,role,language,delivery\nJuan Pérez,+34600000002,,,\nSam,+447700900003,admin,en,voice\n"
    )
    status, out, err = run(
        capsys, env, "member", "import", "--org", str(org_id), str(csv), "--json"
    )
    assert status == 0, err and json.loads(out)["count"] == 2
    assert (members_of(database_url, org_id))[1:] == [
        ("Juan Pérez", "+34600000002", "staff", "es", "text"),
        ("Sam", "+447700900003", "admin", "en", "voice"),
    ]


def test_member_import_with_a_bad_row_adds_none_and_names_each_problem(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    org_id = create_org(capsys, env)
    csv = tmp_path / "staff.csv"
    csv.write_text(
        "name,phone,role,language,delivery\n"
        "Good One,+34600000002,staff,es,text\n"
        "Bad Phone,12,staff,es,text\n"
        "Bad Role,+34600000004,boss,es,text\n"
        "Twice,+34600000002,staff,es,text\n"
    )
    status, _, err = run(capsys, env, "member", "import", "--org", str(org_id), str(csv))
    assert status == 2
    assert "line 3" in err and "line 4: role" in err and "line 5: phone repeats line 2" in err
    assert len(members_of(database_url, org_id)) == 1


def test_member_import_refuses_a_phone_of_another_organization(
    capsys: pytest.CaptureFixture[str], env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    first = create_org(capsys, env)
    second = create_org(capsys, env, phone="+34600000009")
    csv = tmp_path / "staff.csv"
    csv.write_text(
        "name,phone,role,language,delivery\nNew,+34600000005,,,\nTaken,+34600000001,,,\n"
    )
    status, _, err = run(capsys, env, "member", "import", "--org", str(second), str(csv))
    assert status == 1 and "+34600000001" in err
    assert len(members_of(database_url, second)) == 1 and len(members_of(database_url, first)) == 1


def test_migrate_is_idempotent(capsys: pytest.CaptureFixture[str], env: dict[str, str]) -> None:
    status, out, _ = run(capsys, env, "migrate")
    assert status == 0 and "applied 0 migration(s)" in out
