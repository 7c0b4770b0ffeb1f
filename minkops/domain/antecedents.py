"""What an object pronoun in a task's title stands for, when the sentence before named it:
"la bomba del riego pierde agua. Juan, que la revise" → "revisar la bomba del riego"."""

from __future__ import annotations

from minkops.domain.lexicon import lexicon, tokens_of, words_of
from minkops.domain.rules_text import Text, tidy

_CLITIC_ARTICLES = {"la": "la", "lo": "el", "las": "las", "los": "los"}
"""A Spanish object clitic and the article of the noun it can stand for."""

_SUBJECT_REACH = 6
"""How long the noun phrase that opens the sentence before may be: "la bomba del riego"."""


def _subject_said_about(
    sentence: str, article: str | frozenset[str], verb_class: str = "comment_verb"
) -> str | None:
    """The noun phrase opening `sentence` with `article`, when a verb of what is so or
    happens (the lexicon's `comment_verb`) follows it: "la bomba del riego (pierde …)"."""
    tokens = tokens_of(Text.of(sentence).folded)
    words = [t.text for t in tokens]
    articles = frozenset({article}) if isinstance(article, str) else article
    if len(words) < 3 or words[0] not in articles:
        return None
    verbs = lexicon().hits(verb_class, words[2 : 2 + _SUBJECT_REACH])
    if not verbs:
        return None
    end = 2 + verbs[0].first
    return tidy(sentence[tokens[0].start : tokens[end - 1].end])


def antecedent_in_place(title: str, said_before: str, language: str) -> str:
    """ "revisarla" → "revisar la bomba del riego": a Spanish infinitive whose object is
    a clitic takes the noun phrase that opened the sentence before (or else the one that
    ended it), when its article agrees with the clitic. Anything else is left as it is."""
    head, mark, after = said_before.rstrip().rpartition(".")
    if not mark or not set(words_of(Text.of(after).folded)) <= {"que", "q"}:
        return title  # "…una chaqueta. Que Juan la guarde": only the "que" of the order
    sentence = tidy(head.rpartition(".")[2])
    if language == "en":
        return _it_in_place(title, sentence)
    if language != "es":
        return title
    word, _, rest = title.strip().partition(" ")
    for clitic, article in _CLITIC_ARTICLES.items():
        verb = word[: -len(clitic)]
        if word.casefold().endswith(clitic) and verb.casefold().endswith(("ar", "er", "ir")):
            thing = _subject_said_about(sentence, article) or _object_said_last(sentence, clitic)
            if thing is not None:
                return tidy(f"{verb} {thing} {rest}")
    return title


def fronted_object_in_place(title: str, sentence: str) -> str:
    """ "los tintes caducados hay que tirarlos" → "tirar los tintes caducados": a Spanish
    object said first, then a duty whose infinitive takes it back as a clitic; the
    object goes in the clitic's place when their articles agree. The title may be the
    whole sentence ("la nevera hay que limpiarla") or the duty's verb on ("limpiarla")."""
    tokens = tokens_of(Text.of(title).folded)
    duty = lexicon().hits("obligation", [t.text for t in tokens])
    if duty and duty[0].first > 1 and duty[0].last < len(tokens):
        # the whole sentence: the object, the duty, then the verb that takes it back
        sentence, title = title, title[tokens[duty[0].last].start :]
    word, _, rest = title.strip().partition(" ")
    for clitic, article in _CLITIC_ARTICLES.items():
        verb = word[: -len(clitic)]
        if word.casefold().endswith(clitic) and verb.casefold().endswith(("ar", "er", "ir")):
            thing = _subject_said_about(sentence, article, "obligation")
            if thing is not None:
                return tidy(f"{verb} {thing} {rest}")
    return title


_ARTICLES_OF = {
    "la": ("la", "una"), "lo": ("el", "un"), "las": ("las", "unas"), "los": ("los", "unos"),
}  # fmt: skip
_OBJECT_REACH = 3
"""How long the noun phrase that ends the sentence before may be: "una chaqueta azul"."""


def _object_said_last(sentence: str, clitic: str) -> str | None:
    """ "el cliente se dejó una chaqueta" → "la chaqueta": the noun phrase that ends the
    sentence before, its article agreeing with the clitic, as the thing now known."""
    tokens = tokens_of(Text.of(sentence).folded)
    words = [t.text for t in tokens]
    definite, indefinite = _ARTICLES_OF[clitic]
    for at in range(max(1, len(words) - _OBJECT_REACH), len(words) - 1):
        if words[at] in (definite, indefinite):
            return tidy(f"{definite} {sentence[tokens[at + 1].start : tokens[-1].end]}")
    return None


_EN_ARTICLES = frozenset({"the", "our", "this", "that"})


def english_subject(sentence: str) -> str | None:
    """ "the fridge is filthy" → "the fridge": the noun phrase an English comment is about,
    or None when the sentence does not open with one and a verb of what is so."""
    return _subject_said_about(sentence, _EN_ARTICLES)


def _it_in_place(title: str, sentence: str) -> str:
    """ "the ice machine is leaking again. Juan, check it" → "check the ice machine": the
    one "it" of an English order stands for the thing the sentence before opened with."""
    said = title.split()
    spots = [i for i, word in enumerate(said) if word.lower() == "it"]
    if len(spots) != 1 or spots[0] == 0:
        return title
    subject = english_subject(sentence)
    if subject is None:
        return title
    said[spots[0]] = subject
    return " ".join(said)
