"""What an object pronoun in a task's title stands for, when the sentence before named it:
"la bomba del riego pierde agua. Juan, que la revise" → "revisar la bomba del riego"."""

from __future__ import annotations

from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.rules_text import Text, tidy

_CLITIC_ARTICLES = {"la": "la", "lo": "el", "las": "las", "los": "los"}
"""A Spanish object clitic and the article of the noun it can stand for."""

_SUBJECT_REACH = 6
"""How long the noun phrase that opens the sentence before may be: "la bomba del riego"."""


def _subject_said_about(sentence: str, article: str | frozenset[str]) -> str | None:
    """The noun phrase opening `sentence` with `article`, when a verb of what is so or
    happens (the lexicon's `comment_verb`) follows it: "la bomba del riego (pierde …)"."""
    tokens = tokens_of(Text.of(sentence).folded)
    words = [t.text for t in tokens]
    articles = frozenset({article}) if isinstance(article, str) else article
    if len(words) < 3 or words[0] not in articles:
        return None
    verbs = lexicon().hits("comment_verb", words[2 : 2 + _SUBJECT_REACH])
    if not verbs:
        return None
    end = 2 + verbs[0].first
    return tidy(sentence[tokens[0].start : tokens[end - 1].end])


def antecedent_in_place(title: str, said_before: str, language: str) -> str:
    """ "revisarla" → "revisar la bomba del riego": a Spanish infinitive whose one object
    is a clitic takes the noun phrase that opened the sentence before, when its article
    agrees with the clitic. Anything else is left as it is."""
    head, mark, after = said_before.rstrip().rpartition(".")
    if not mark or after.strip():
        return title
    sentence = tidy(head.rpartition(".")[2])
    if language == "en":
        return _it_in_place(title, sentence)
    if language != "es" or " " in title.strip():
        return title
    word = title.strip()
    for clitic, article in _CLITIC_ARTICLES.items():
        verb = word[: -len(clitic)]
        if word.casefold().endswith(clitic) and verb.casefold().endswith(("ar", "er", "ir")):
            subject = _subject_said_about(sentence, article)
            if subject is not None:
                return f"{verb} {subject}"
    return title


_EN_ARTICLES = frozenset({"the", "our", "this", "that"})


def _it_in_place(title: str, sentence: str) -> str:
    """ "the ice machine is leaking again. Juan, check it" → "check the ice machine": the
    one "it" of an English order stands for the thing the sentence before opened with."""
    said = title.split()
    spots = [i for i, word in enumerate(said) if word.lower() == "it"]
    if len(spots) != 1 or spots[0] == 0:
        return title
    subject = _subject_said_about(sentence, _EN_ARTICLES)
    if subject is None:
        return title
    said[spots[0]] = subject
    return " ".join(said)
