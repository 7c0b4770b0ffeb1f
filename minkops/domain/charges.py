"""Money said about the service: a sum we took, a way to pay us, the tax in our price.

The billing lexicon lists whole phrases ("next charge", "cuánto pago"); these readers find
the constructions that name no such phrase: a sum next to the subscription or a charge
("why did you take 45 euros? I thought the subscription was 29"), a way of paying asked
about ("do you take PayPal for the subscription?"), the tax of a price ("¿el precio lleva
el IVA incluido?"). Each is a few lexicon look-ups and one bounded pattern: linear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from minkops.domain.lexicon import Lexicon

_SUM = re.compile(r"[€$£]\s?\d|\d\s?[€$£]|\b\d+[.,]\d\d\b")
"""A price as written: a currency sign by a number, or cents after a comma or point
("29,90", "4.99"). A clock time ("9.30") has a point too, but is never next to what a
sum is read with here (a subscription, a charge)."""


def _sum_said(lex: Lexicon, words: Sequence[str], folded: str) -> bool:
    """A number followed by a currency ("45 euros", "30 quid") or a price as written."""
    if _SUM.search(folded):
        return True
    return any(
        hit.first > 0 and words[hit.first - 1].isdigit() for hit in lex.hits("currency", words)
    )


def charge_asked(lex: Lexicon, words: Sequence[str], folded: str) -> bool:
    """A sum said with the subscription or a charge is asked about as what we took: "un
    cargo de 29,90 en la cuenta, ¿es vuestro?", "45 euros on the 1st? the subscription
    was 29". The sender's own spending ("buy 20 euros of ice") has neither."""
    if not (lex.has("plan", words) or lex.has("charge_noun", words)):
        return False
    return _sum_said(lex, words, folded)


def way_to_pay_asked(lex: Lexicon, words: Sequence[str]) -> bool:
    """A way of paying with the subscription or an accepting verb: "do you take PayPal for
    the subscription?", "¿aceptáis Bizum?"; a way to pay is ours to accept or not."""
    if not lex.has("payment_means", words):
        return False
    return lex.has("plan", words) or lex.has("accept_payment", words)


def tax_of_price_asked(lex: Lexicon, words: Sequence[str], question: bool) -> bool:
    """A tax asked about with a price, the plan or its inclusion: "quería saber si el
    precio lleva el IVA incluido", "is VAT included?". A tax alone is work ("hay que
    presentar el IVA del trimestre"), and so is a price told ("pon los precios con IVA")."""
    if not lex.has("tax_word", words):
        return False
    if not (question or lex.has("wondering", words)):
        return False
    return any(lex.has(name, words) for name in ("price_word", "plan", "tax_included"))
