"""How the OpenAI stand-in answers translation requests: deterministic, and visibly so.

A request is a translation when its Structured Outputs schema is named `Translation` and its
last user message is `{"from": "es", "to": "en", "text": "…"}` (what `minkops.ai.translation`
sends). The answer is `{"text": …}`:

- a phrase of the small table below (the phrases the tests and the README use), exactly
  as a person would translate it;
- any other text, marked rather than invented: `[en] the text as written`.

Scripts still come first, so a test makes translation fail (`Fault`) or answer badly (an
empty text, a second line of instructions) with `script_chat(is_translation, …)`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from minkops.sandbox.openai_script import StandInRequest

# (words folded to lower case, target language) → the translation.
TABLE: Mapping[tuple[str, str], str] = {
    ("limpiar la nevera", "en"): "clean the fridge",
    ("limpiar la nevera", "fr"): "nettoyer le frigo",
    ("limpiar la nevera", "pt"): "limpar a geladeira",
    ("revisar el horno", "en"): "check the oven",
    ("revisar el horno", "fr"): "vérifier le four",
    ("revisar el horno", "pt"): "verificar o forno",
    ("clean the fridge", "es"): "limpiar la nevera",
    ("check the oven", "es"): "revisar el horno",
    ("open the shop", "es"): "abrir la tienda",
    ("do inventory", "es"): "hacer inventario",
}


def translation_request(request: StandInRequest) -> Mapping[str, str] | None:
    """The `{"from", "to", "text"}` of a translation request, or None for any other."""
    body = request.json or {}
    response_format = body.get("response_format")
    if not isinstance(response_format, Mapping):
        return None
    schema = response_format.get("json_schema")
    if not isinstance(schema, Mapping) or schema.get("name") != "Translation":
        return None
    try:
        asked = json.loads(request.last_user_text)
    except ValueError:
        return None
    if not isinstance(asked, dict) or not all(
        isinstance(asked.get(key), str) for key in ("from", "to", "text")
    ):
        return None
    return {key: asked[key] for key in ("from", "to", "text")}


def is_translation(request: StandInRequest) -> bool:
    """A matcher for `script_chat`: true for translation requests."""
    return translation_request(request) is not None


def translate(request: StandInRequest) -> dict[str, Any] | None:
    """The stand-in's answer to a translation request, or None if it is not one."""
    asked = translation_request(request)
    if asked is None:
        return None
    text, target = asked["text"], asked["to"]
    if asked["from"] == target:
        return {"text": text}
    known = TABLE.get((" ".join(text.lower().split()), target))
    return {"text": known if known is not None else f"[{target}] {text}"}
