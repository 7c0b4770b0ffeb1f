"""What `minkops dev` chose for its stand-ins, kept in DATA_DIR/dev.json so `minkops chat` finds them."""

from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass
from pathlib import Path

# Twilio's own WhatsApp sandbox number: what a developer would see there too.
SANDBOX_WHATSAPP_NUMBER = "+14155238886"


@dataclass(frozen=True)
class DevState:
    account_sid: str
    auth_token: str
    whatsapp_number: str
    twilio_port: int
    openai_key: str = ""
    openai_port: int = 0
    demo_org_id: int | None = None

    @property
    def twilio_api_base(self) -> str:
        return f"http://127.0.0.1:{self.twilio_port}"

    @property
    def openai_base_url(self) -> str:
        return f"http://127.0.0.1:{self.openai_port}/v1"


def dev_state_path(data_dir: Path) -> Path:
    return data_dir / "dev.json"


def load_dev_state(data_dir: Path) -> DevState | None:
    path = dev_state_path(data_dir)
    if not path.exists():
        return None
    return DevState(**json.loads(path.read_text()))


def save_dev_state(data_dir: Path, state: DevState) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = dev_state_path(data_dir)
    # The auth token signs webhooks: readable by this user only.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(asdict(state), file, indent=2)


def new_dev_state() -> DevState:
    return DevState(
        account_sid="AC" + secrets.token_hex(16),
        auth_token=secrets.token_hex(16),
        whatsapp_number=SANDBOX_WHATSAPP_NUMBER,
        twilio_port=free_port(),
        openai_key="sk-dev-" + secrets.token_hex(16),
        openai_port=free_port(),
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
