"""`minkops dev`: the whole service on one machine with nothing to configure.

A private PostgreSQL, the Twilio stand-in on a port of its own, and a demo
organization on first run. The service itself is the real one: it sees only
base URLs and keys, as in production.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from minkops import admin
from minkops.domain.billing import load_plans
from minkops.sandbox.dev_state import (
    DevState,
    free_port,
    load_dev_state,
    new_dev_state,
    port_is_free,
    save_dev_state,
)
from minkops.sandbox.openai_api import OpenAIStandIn
from minkops.sandbox.openai_rules_model import rules_model
from minkops.sandbox.stripe_api import StripeStandIn
from minkops.sandbox.stripe_ledger import SeedMeter, SeedPrice
from minkops.sandbox.twilio_api import TwilioStandIn
from minkops.service import database_dsn, run_service
from minkops.settings import CONFIG_DIR, Settings, load_settings
from minkops.store.database import create_pool
from minkops.store.migrate import apply_migrations

DEMO_ORG = "Café Demo"
DEMO_MEMBERS = (
    ("Ana García", "+34600000001", "admin", "es"),
    ("Juan Pérez", "+34600000002", "staff", "es"),
    ("Sam Taylor", "+447700900003", "staff", "en"),
)


def run_dev(environ: Mapping[str, str]) -> int:
    data_dir = Path(environ.get("MINKOPS_DATA_DIR", ".minkops"))
    state = load_dev_state(data_dir) or new_dev_state()
    if not state.openai_key:  # dev.json from before the OpenAI stand-in
        fresh = new_dev_state()
        state = replace(state, openai_key=fresh.openai_key, openai_port=fresh.openai_port)
    if not port_is_free(state.twilio_port):
        state = replace(state, twilio_port=free_port())
    if not port_is_free(state.openai_port):
        state = replace(state, openai_port=free_port())
    overlay = {
        "TWILIO_ACCOUNT_SID": state.account_sid,
        "TWILIO_AUTH_TOKEN": state.auth_token,
        "TWILIO_WHATSAPP_NUMBER": state.whatsapp_number,
        "TWILIO_API_BASE": state.twilio_api_base,
    }
    use_stripe_standin = not environ.get("STRIPE_API_KEY")
    stripe_port = free_port()
    if use_stripe_standin:
        # Billing with no Stripe account: the stand-in, on a port of its own for this run.
        overlay |= {
            "STRIPE_API_KEY": DEV_STRIPE_KEY,
            "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(16),
            "STRIPE_API_BASE": f"http://127.0.0.1:{stripe_port}",
        }
    use_openai_standin = not environ.get("OPENAI_API_KEY")
    if use_openai_standin:
        overlay |= {"OPENAI_API_KEY": state.openai_key, "OPENAI_BASE_URL": state.openai_base_url}
    settings = load_settings({**overlay, **environ, "MINKOPS_DATA_DIR": str(data_dir)})
    with database_dsn(settings) as dsn:
        stripe = _stripe_standin(settings, stripe_port) if use_stripe_standin else None
        asyncio.run(_run(settings, dsn, state, data_dir, use_openai_standin, stripe))
    return 0


DEV_STRIPE_KEY = "sk_test_minkopsdev0000000000"


@dataclass(frozen=True)
class _DevStripe:
    standin: StripeStandIn
    port: int


def _stripe_standin(settings: Settings, port: int) -> _DevStripe:
    """The Stripe stand-in with the plans' prices and the meters, sending its webhooks to us."""
    plans = load_plans(CONFIG_DIR, settings.config_overlay)
    prices = [
        SeedPrice(plan.stripe_price, f"MinkOps {plan.name.title()}", 1900 * (n + 1))
        for n, plan in enumerate(p for p in plans.plans if p.stripe_price)
        if plan.stripe_price
    ]
    standin = StripeStandIn(
        settings.stripe.api_key,
        prices=prices,
        meters=[SeedMeter(name) for name in settings.billing.meters.values()],
        webhook_url=f"{settings.public_url}/stripe/webhook",
        webhook_secret=settings.stripe.webhook_secret,
    )
    return _DevStripe(standin, port)


async def _run(
    settings: Settings,
    dsn: str,
    state: DevState,
    data_dir: Path,
    use_openai_standin: bool,
    stripe: _DevStripe | None = None,
) -> None:
    # As on a real sender: the window is enforced, and inbound messages (from `minkops chat`)
    # reach the service through the stand-in, signed, opening the 24-hour window.
    standin = TwilioStandIn(state.account_sid, state.auth_token)
    await standin.start(port=state.twilio_port)
    standin.set_messaging_webhook(state.whatsapp_number, f"{settings.public_url}/twilio/whatsapp")
    # The OpenAI stand-in's "model" is our own rule engine, and it transcribes voice notes
    # made by `python -m minkops.sandbox.openai_api make-voice-note`: the whole OpenAI path
    # (SDK, structured outputs, transcription) runs, with nothing to configure.
    openai = OpenAIStandIn(state.openai_key, answer_unscripted=rules_model)
    if use_openai_standin:
        await openai.start(port=state.openai_port)
    if stripe is not None:
        await stripe.standin.start(port=stripe.port)
    try:
        await apply_migrations(dsn)
        if state.demo_org_id is None:
            state = replace(state, demo_org_id=await _create_demo(dsn))
        save_dev_state(data_dir, state)
        await _sync_templates(settings)
        _print_welcome(settings, state)
        await run_service(settings, dsn)
    finally:
        await standin.stop()
        if use_openai_standin:
            await openai.stop()
        if stripe is not None:
            await stripe.standin.stop()


async def _sync_templates(settings: Settings) -> None:
    """`minkops templates sync` against the stand-in: what goes out after 24 hours of silence."""
    from minkops.templates import sync
    from minkops.twilio_client import make_twilio_client

    twilio = settings.twilio
    client = make_twilio_client(twilio.account_sid, twilio.auth_token, twilio.api_base)
    await asyncio.get_running_loop().run_in_executor(None, sync, client)


async def _create_demo(dsn: str) -> int:
    pool = await create_pool(dsn, 1, 2)
    try:
        (owner_name, owner_phone, _, owner_language), *staff = DEMO_MEMBERS
        owner = admin.NewMember(owner_name, owner_phone, "admin", owner_language, "text")
        org, _ = await admin.create_organization(
            pool,
            name=DEMO_ORG,
            timezone="Europe/Madrid",
            owner=owner,
            country="ES",
            city="Madrid",
            language="es",
        )
        members = [admin.NewMember(n, p, r, lang, "text") for n, p, r, lang in staff]
        await admin.add_members(pool, org.id, members)
        return org.id
    finally:
        await pool.close()


def _print_welcome(settings: Settings, state: DevState) -> None:
    people = "\n".join(
        f"    {name:<12} {phone}  ({role}, {lang})" for name, phone, role, lang in DEMO_MEMBERS
    )
    print(
        f"""
MinkOps is running at {settings.public_url}, with local stand-ins for Twilio ({state.twilio_api_base})
and OpenAI ({settings.openai.base_url or "the real API"}).
Demo organization "{DEMO_ORG}" (id {state.demo_org_id}):
{people}

In another terminal, talk to it as the owner:
    minkops chat --as {DEMO_MEMBERS[0][1]}
and try: help · tarea para Juan: limpiar la nevera mañana a las 10 · tareas · hecho 1
Then as Juan (minkops chat --as {DEMO_MEMBERS[1][1]}) you will have received the task.
Billing (Stripe stand-in at {settings.stripe.api_base or "the real API"}): as Ana, "usage",
then "upgrade": open the link, press Pay on the stand-in's page, and "usage" shows the new plan.
Voice notes: python -m minkops.sandbox.openai_api make-voice-note "tareas" --language es -o nota.ogg
             minkops chat --as {DEMO_MEMBERS[0][1]} --voice nota.ogg
Ctrl-C stops everything.
""",
        flush=True,
    )
