"""Verb forms the grammar reads work in: English participles, gerunds and third persons
back to the base ("changed" → "change"), and Spanish orders, voseo, usted and present
forms back to the infinitive ("limpiad", "cortá", "revises" → "limpiar", "cortar",
"revisar"), so a task's title is the work as an infinitive whoever wrote it.

Pure functions over single words and short phrases, with the lexicon's lemmas for the
irregular ones.
"""

from __future__ import annotations

from minkops.domain.lexicon import lexicon, tokens_of
from minkops.domain.roster import fold as roster_fold
from minkops.domain.rules_text import Text, tidy

INFINITIVE_ENDINGS = ("ar", "er", "ir")
OBJECT_CLITICS = frozenset({"lo", "la", "los", "las"})


def plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss")


DETERMINERS = frozenset(
    {"the", "a", "an", "all", "our", "my", "these", "those", "this", "that", "some", "his"}
    | {"her", "their", "any", "both", "every"}
)
_PARTICLES = frozenset({"up", "out", "down", "off", "in", "on", "back", "over"})
_E_ENDINGS = ("c", "g", "v", "z", "u", "at", "ur", "iz", "as", "os", "cal", "dl", "tl", "bl")
"""A stem that takes its "e" back: changed → change, replaced → replace, updated → update."""


def english_base(word: str) -> str | None:
    """The base form of an English participle, gerund or third person ("changed",
    "emptying", "prints" → "change", "empty", "print"): irregular ones from the lexicon's
    lemmas, the rest by the spelling rules. None when the word is none of these."""
    lemma = lexicon().lemmas.get(word)
    if lemma is not None:
        return lemma
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ed", "ing"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if stem[-1] == stem[-2] and stem[-1] not in "lsz":
                return stem[:-1]  # mopped → mop
            if stem.endswith(_E_ENDINGS) and not stem.endswith(("ss", "ck", "rg")):
                return stem + "e"
            return stem
    return None


def _third_person_base(word: str) -> str | None:
    if len(word) < 4 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return None
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("shes", "ches", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


NEED_LEADS = (
    ("we", "need"), ("i", "need"), ("we", "want"), ("i", "want"), ("need",), ("get",), ("have",),
    ("let's", "get"), ("we", "gotta", "get"), ("make", "sure", "that"), ("make", "sure"),
)  # fmt: skip
_PASSIVE_AUXILIARIES = frozenset({"get", "gets", "is", "are", "be", "got"})
"""Between the thing and its participle ("make sure the windows get cleaned"): the
passive's auxiliary, no part of the order made of it ("clean the windows")."""
_THIRD_PERSONS = frozenset({"has", "does", "goes"})
_PARTICIPLE_REACH = 6
"""How far after "the" a participle may come: "the extractor filters changed"."""


def object_first(title: str, language: str) -> str:
    """English work said about its object, as the verb first: "we need the windows
    cleaned" → "clean the windows", "the grease trap needs emptying" → "empty the grease
    trap", "(make sure Claire) prints the menus" → "print the menus"."""
    if language != "en" or not title:
        return title
    tokens = tokens_of(Text.of(title).folded)
    words = [t.text for t in tokens]
    for index in range(1, len(words) - 1):
        if words[index] in {"needs", "need"} and words[index + 1].endswith("ing"):
            base = english_base(words[index + 1])
            last = index + 1
            gerund = len(words) > index + 3 and words[index + 3].endswith("ing")
            second = english_base(words[index + 3]) if gerund else None
            if base is not None and words[index + 2 : index + 3] == ["and"] and second is not None:
                # "towels need washing and drying": both gerunds are the work
                base, last = f"{base} and {second}", index + 3
            if base is not None and words[0] in DETERMINERS:
                head = title[: tokens[index].start]
                return tidy(f"{base} {tidy(head)}{title[tokens[last].end :]}")
            if base is not None and words[index] == "need" and plural(words[0]):
                # "gutters at 14 Elm Grove need clearing": a bare plural is the things
                # meant ("clear the gutters …").
                head = title[: tokens[index].start]
                return tidy(f"{base} the {tidy(head)}{title[tokens[last].end :]}")
    start = 0
    for lead in NEED_LEADS:
        if tuple(words[: len(lead)]) == lead:
            start = len(lead)
            break
    if start < len(words) and words[start] in DETERMINERS:
        reach = min(len(words), start + 1 + _PARTICIPLE_REACH)
        for index in range(start + 1, reach):
            word = words[index]
            if word in {"to", "and", "for", "by", "before", "with"}:
                break
            participle = word.endswith(("ed", "en", "ne", "ut")) or (
                word in lexicon().lemmas and word not in _THIRD_PERSONS  # "swept", "set"
            )
            base = english_base(word) if participle else None
            if base is not None and index > start + 1:
                end = index - 1 if words[index - 1] in _PASSIVE_AUXILIARIES else index
                head = title[tokens[start].start : tokens[end].start]
                return tidy(f"{base} {tidy(head)}{title[tokens[index].end :]}")
        return title
    if len(words) > 1 and words[0] == "be" and words[1].endswith("ing"):
        base = english_base(words[1])  # "(Pedro should) be restocking the bar"
        if base is not None:
            return tidy(f"{base}{title[tokens[1].end :]}")
    if len(words) > 1 and (words[1] in DETERMINERS or words[1] in _PARTICLES):
        base = _third_person_base(words[0])
        if base is not None and start == 0:
            return tidy(f"{base}{title[tokens[0].end :]}")
    return title


_REFLEXIVES = frozenset({"se", "te", "me", "os", "nos"})
_FOR_US = frozenset({"me", "nos"})
"""Whom a favour is for, said before its verb: "me arreglas", "que nos traiga"."""
_ENCLITICS = ("nos", "se", "te", "me", "os")
_AR_ENDINGS = ("ando", "ar", "ais", "eis", "ad", "as", "an", "es", "en", "a", "e", "o")


def _ar_infinitives(word: str) -> set[str]:
    """The -ar infinitives a Spanish form may belong to, whatever its person, mood or
    attached pronoun: "fíjate", "se encargue", "encárguese", "acuérdate", "asegurarse"."""
    forms = {word}
    for clitic in _ENCLITICS:
        if word.endswith(clitic) and len(word) - len(clitic) >= 4:
            forms.add(word[: -len(clitic)])
    found: set[str] = set()
    for form in forms:
        for ending in _AR_ENDINGS:
            if not form.endswith(ending) or len(form) - len(ending) < 3:
                continue
            stem = form[: -len(ending)]
            if ending.startswith("e"):
                for written, spoken in (("gu", "g"), ("qu", "c")):
                    if stem.endswith(written):
                        stem = stem[: -len(written)] + spoken
            found.update({stem + "ar", _undiphthong(stem) + "ar"})
    return found


def drop_support_verb(body: str, language: str) -> str:
    """ "(que Claire) se encargue de fotocopiar las planillas" → "fotocopiar las planillas",
    "fijate de arreglar la tranquera" → "arreglar la tranquera", "(que Tom) no se olvide de
    regar" → "regar": a support verb says who sees to the work; the work follows "de"."""
    if language != "es":
        return body
    tokens = tokens_of(Text.of(body).folded)
    words = [t.text for t in tokens]
    lex = lexicon()
    at = 0
    denied = words[:1] == ["no"]
    at += denied
    at += at < len(words) and words[at] in _REFLEXIVES
    if at + 2 >= len(words) or words[at + 1] != "de":
        return body
    work = words[at + 2]
    if not work.endswith(("ar", "er", "ir")) and not work.endswith(_ENCLITIC_INFINITIVES):
        return body  # "encárgate de la terraza": the support verb is the work's own verb
    verbs = _ar_infinitives(words[at])
    kind = "forget_verb" if denied else "support_verb"
    if not any(lex.has(kind, [verb]) for verb in verbs):
        return body
    return tidy(body[tokens[at + 2].start :])


_NOUN_ENDINGS = ("ia", "eza", "ura", "anza", "encia", "ancia", "ada", "ida", "ina", "era")
"""Spanish noun suffixes ("limpieza", "basura", "entrada"): such a word opening a title
is what is to be done, not an imperative to turn into an infinitive."""

CLITICS = frozenset({"se", "lo", "la", "los", "las", "le", "les"})

ES_DETERMINERS = frozenset(
    {"el", "la", "los", "las", "un", "una", "unos", "unas", "mi", "mis", "tu", "tus", "su"}
    | {"sus", "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas", "todo", "toda"}
    | {"todos", "todas", "nuestro", "nuestra", "nuestros", "nuestras"}
)


def _before_a_determiner(rest: str) -> bool:
    """ "cambia el filtro", "cocina la paella": a word with a noun's ending that takes a
    determiner straight after it is a verb with its object (a noun is followed by "de",
    "del" or nothing: "limpieza del baño")."""
    following = rest.split(" ", 1)[0]
    # a count stands where a determiner would: "estires 30 bolas", "cambia 2 filtros"
    return roster_fold(following) in ES_DETERMINERS or following.isdigit()


_VOWELS = frozenset("aeiou")
_VOSOTROS = ("ad", "ed", "id")
_ENCLITIC_INFINITIVES = tuple(
    f"{ending}{clitic}"
    for ending in ("ar", "er", "ir")
    for clitic in ("la", "las", "lo", "los", "le", "les", "se", "me", "nos")
)


_TE_ORDERS = ("parte", "ierte")
"""Orders that end like an infinitive with "te" ("reparte", "vierte", "despierte")."""


def _with_your_te(key: str) -> bool:
    """ "(¿te importa) pasarte por el almacén?": an infinitive with the "te" of whom it is
    asked of; the orders of the "partir" and "-vertir" families only look like one."""
    return (
        key.endswith(("arte", "erte", "irte"))
        and not key.endswith(_TE_ORDERS)
        and key not in lexicon().imperative_lemmas
        and key not in lexicon().lemmas
    )


def _undiphthong(stem: str) -> str:
    """A stressed stem's diphthong back to the infinitive's vowel: "riegue" → "regar",
    "cuelgue" → "colgar", "cierra" → "cerrar". Only in the stem's last syllable (the one
    the present stresses): "cuestione" keeps its "ue"."""
    end = len(stem)
    while end > 0 and stem[end - 1] not in _VOWELS:
        end -= 1
    if end == len(stem) or end < 3:
        return stem
    pair = stem[end - 2 : end]
    plain = {"ie": "e", "ue": "o"}.get(pair)
    if plain is None or (pair == "ue" and stem[end - 3] in "gq"):
        return stem  # "gue"/"que" spell a hard consonant, not a diphthong
    return stem[: end - 2] + plain + stem[end:]


_STRESSED_SUBJECTS = frozenset({"tú", "vos", "usted", "ustedes", "vosotros", "vosotras"})
"""Subjects said after an order to stress who ("limpia tú", "barré vos"). Unaccented
"tu" is "your" ("limpia tu mesa") and stays."""
_VOSEO_ENDINGS = {"á": "ar", "é": "er", "í": "ir"}


def _voseo(word: str) -> str | None:
    """The "vos" order, stressed on its last vowel: "barré" → "barrer", "limpiá" →
    "limpiar", "escribí" → "escribir" (the infinitive without its "r")."""
    word = word.lower().rstrip(",.")
    ending = _VOSEO_ENDINGS.get(word[-1:])
    if ending is None or len(word) < 4 or word[-2] in _VOWELS:
        return None
    return roster_fold(word[:-1]) + ending


_VOSEO_PRESENT = {"ás": "ar", "és": "er"}


def _voseo_present(word: str) -> str | None:
    """The "vos" present said as an order, stressed on its last syllable: "hacés" →
    "hacer", "sacás" → "sacar" (the -ír ones, "abrís", are read with the plural)."""
    word = word.lower().rstrip(",.?")
    ending = _VOSEO_PRESENT.get(word[-2:])
    if ending is None or len(word) < len("hacés") or word[-3] in _VOWELS:
        return None
    return roster_fold(word[:-2]) + ending


_NOT_ORDER_E = ("nte", "ble", "aje", "dre", "tre", "bre")
"""Endings in -e of nouns and adjectives ("cliente", "mueble", "garaje", "postre",
"sobre"), which a title may open with; none is a "usted" order of an -ar verb."""


_REFLEXIVE_ENCLITICS = ("te", "me", "nos", "se")
_TU_ORDER_INFINITIVES = (("a", "ar"), ("e", "er"))
_ACCENTED = "áéíóú"
_SHORTEST_STEM = 3


_PRONOMINAL_LINKS = frozenset({"por", "a", "al", "de", "del", "con", "en", "si", "que"})


def _pronominal_order(written: str, rest: str) -> str | None:
    """A "tú" order with its pronoun attached, which the written accent gives away
    ("pásate", "límpiate"), or the "vos" one ("pasate por", "fijate en") before the
    preposition it governs: the infinitive takes the pronoun as "se" ("pasarse"). The
    verb's own orders (-a for -ar, -e for -er) come first from the lexicon."""
    word = written.lower().rstrip(",.")
    accented = any(vowel in word for vowel in _ACCENTED)
    if not accented and roster_fold(rest.split(" ", 1)[0]) not in _PRONOMINAL_LINKS:
        return None
    key = roster_fold(word)
    # unwritten, a short stem is more likely an "usted" order: "trate de llegar" (tratar)
    shortest = _SHORTEST_STEM if accented else _SHORTEST_STEM + 1
    for clitic in _REFLEXIVE_ENCLITICS:
        stem = key[: -len(clitic)]
        if not key.endswith(clitic) or len(stem) < shortest:
            continue
        known = lexicon().imperative_lemmas.get(stem)
        if known is None:
            for ending, infinitive in _TU_ORDER_INFINITIVES:
                if stem.endswith(ending):
                    known = f"{_undiphthong(stem[:-1])}{infinitive}"
                    break
        if known is None:
            continue
        if lexicon().has("fetched_for_oneself", [known]) and rest:
            # "tráete más bolsas", "cógete las llaves": a "te" of fetching with its object
            # is for whom, no part of the work ("traer más bolsas"); "ponte los guantes"
            # puts them on oneself ("ponerse").
            return known
        # "pásate" is the addressee's own ("pasarse"); "ayúdame" is for the sender, whose
        # pronoun stays ("ayudarme").
        return f"{known}{clitic}" if clitic in _FOR_US else f"{known}se"
    return None


_OBJECT_ENCLITICS = ("los", "las", "les", "lo", "la", "le")


def _order_with_its_object(written: str) -> str | None:
    """A "tú" order with its object pronoun attached, which the written accent gives away
    ("revísalo", "límpiala", "recógelas"): the infinitive with the same pronoun."""
    word = written.lower().rstrip(",.")
    if not any(vowel in word[:-2] for vowel in _ACCENTED):
        return None
    key = roster_fold(word)
    for clitic in _OBJECT_ENCLITICS:
        stem = key[: -len(clitic)]
        if not key.endswith(clitic) or len(stem) < _SHORTEST_STEM:
            continue
        known = lexicon().imperative_lemmas.get(stem) or lexicon().lemmas.get(stem)
        if known is not None:
            return f"{known}{clitic}"
        if stem.endswith("a"):
            return f"{_undiphthong(stem[:-1])}ar{clitic}"
        return None
    return None


def _usted_order(key: str) -> str | None:
    """The "usted"/"ustedes" order of an -ar verb, its subjunctive: "fumigue" →
    "fumigar", "limpien" → "limpiar", "cuelgue" → "colgar" (irregular and -er/-ir ones
    come from the lexicon's lemmas before this)."""
    if key.endswith("en") and len(key) > 5:
        stem = key[:-2]
    elif key.endswith("e") and len(key) > 4 and not key.endswith(_NOT_ORDER_E):
        stem = key[:-1]
    else:
        return None
    for written, spoken in (("gu", "g"), ("qu", "c"), ("c", "z")):
        if stem.endswith(written):
            stem = stem[: -len(written)] + spoken
            break
    return _undiphthong(stem) + "ar"


def infinitive_first(
    body: str, language: str, *, subjunctive: bool, imperative: bool = False
) -> str:
    """ "que Juan limpie …" → "limpiar …": a Spanish subjunctive or imperative verb as
    its infinitive (regular -ar verbs by rule, the rest from the lexicon's lemmas)."""
    body = tidy(body)
    if not body or language != "es":
        return body
    first, _, rest = body.partition(" ")
    if roster_fold(first) in CLITICS and rest and subjunctive:
        # "que se pongan los guantes" → "ponerse los guantes", "que lo limpie" → "limpiarlo":
        # a pronoun before a conjugated verb goes after its infinitive.
        verb = infinitive_first(rest, language, subjunctive=True, imperative=imperative)
        if verb != tidy(rest):
            head, _, tail = verb.partition(" ")
            return tidy(f"{head}{roster_fold(first)} {tail}")
        return body
    key = roster_fold(first)
    if key.endswith(_ENCLITIC_INFINITIVES) or _with_your_te(key):
        return body  # "limpiarla", "hacerlo", "ponerse", "pasarte": already an infinitive
    ordered = imperative and not subjunctive
    if (ordered or subjunctive) and key in _FOR_US and rest:
        # "(a ver si) me arreglas la persiana", "(necesito que Tom) me haga las copias": the
        # "for me" of a favour asked is no part of the work ("arreglar la persiana").
        verb = infinitive_first(rest, language, subjunctive=subjunctive, imperative=imperative)
        if verb != tidy(rest):
            head, _, tail = verb.partition(" ")
            # with no object after it the "me" is who is told: "me avisas" → "avisarme"
            return verb if _before_a_determiner(tail) else tidy(f"{head}{key} {tail}")
    stressed = False
    if ordered and rest:
        # "abre tú la tienda", "hazlo vos": the subject stressed after an order is
        # not part of the work.
        said, _, after = rest.partition(" ")
        if said.lower().strip(",") in _STRESSED_SUBJECTS:
            rest, stressed = after, True
            body = tidy(f"{first} {rest}")
    lemma = lexicon().accented_lemmas.get(first.lower()) or lexicon().lemmas.get(key)
    if lemma is None and ordered:
        lemma = lexicon().imperative_lemmas.get(key) or _voseo(first)
    if lemma is None and ordered and _before_a_determiner(rest):
        lemma = _voseo_present(first)  # "(¿me) hacés el pedido?", "sacás la basura"
    if lemma is None and ordered and key.endswith("es"):
        # "pasado mañana abres tú la tienda": the "you do" of an -er/-ir order is its
        # "tú" order with an -s; with "tú" after it, any verb's "he does" ("haces tú").
        lemma = lexicon().imperative_lemmas.get(key[:-1])
        if lemma is None and stressed:
            lemma = lexicon().lemmas.get(key[:-1])
    if lemma is None and stressed and key.endswith("as"):
        lemma = lexicon().imperative_lemmas.get(key[:-1])  # "das tú la clase": "da" + "s"
    if lemma is None and stressed and key.endswith("as") and len(key) > _SHORTEST_STEM + 1:
        lemma = key[:-1] + "r"  # "sacas tú la basura": a short verb, but "tú" says it is one
    if lemma is None and key in lexicon().indicative:
        return body
    if lemma is None and subjunctive and len(key) > 3:
        # "que limpie", "que limpien", "(necesito) que limpies": -e, -en, -es of an -ar verb
        stem = key[:-2] if key.endswith(("en", "es")) else key[:-1] if key.endswith("e") else None
        if stem is not None:
            # The spelling changes back: apague → apagar, saque → sacar, empiece → empezar.
            for written, spoken in (("gu", "g"), ("qu", "c"), ("c", "z")):
                if stem.endswith(written):
                    stem = stem[: -len(written)] + spoken
                    break
            lemma = _undiphthong(stem) + "ar"
    if lemma is None and ordered:
        lemma = _order_with_its_object(first)  # "revísalo" → "revisarlo"
    if (
        lemma is None
        and imperative
        and not subjunctive
        and key.endswith("a")
        and len(key) > 4
        and (not key.endswith(_NOUN_ENDINGS) or _before_a_determiner(rest))
    ):
        lemma = _undiphthong(key[:-1]) + "ar"
    if (
        lemma is None
        and imperative
        and not subjunctive
        and key.endswith(_VOSOTROS)
        and len(key) > 4
    ):
        lemma = key[:-1] + "r"  # "Pedro y Luis, montad la terraza": the plural "you" order
    if (
        lemma is None
        and imperative
        and not subjunctive
        and key.endswith("an")
        and len(key) > 5
        and not key.endswith(_NOUN_ENDINGS)
    ):
        lemma = _undiphthong(key[:-2]) + "ar"  # "mañana Juan y Pedro limpian el almacén"
    if lemma is None and ordered:
        lemma = _pronominal_order(first, rest)  # "pásate por el taller" → "pasarse por …"
    if lemma is None and ordered and key.endswith("en"):
        lemma = _present_order(key, rest)  # "recogen el pedido": -er, not "recogar"
    if lemma is None and imperative and not subjunctive:
        lemma = _usted_order(key)  # "oiga Juan, fumigue el patio", "limpien el almacén"
    if lemma is None and imperative and not subjunctive and key.endswith("as") and len(key) > 5:
        lemma = key[:-1] + "r"  # "el sábado montas la terraza": the "you do" of an order
    if lemma is None and imperative and not subjunctive and key.endswith("ges") and len(key) > 5:
        lemma = key[:-2] + "er"  # "recoges el pedido", "coges las llaves"
    if lemma is None and ordered and first.lower().rstrip(",.").endswith("ís") and len(key) > 4:
        lemma = key[:-2] + "ir"  # "mañana abrís la tienda": the "vos"/"vosotros" -ir present
    if lemma is None and ordered:
        lemma = _present_order(key, rest)
    if lemma is None:
        return body
    if ordered:
        rest = _coordinated_orders(rest)
    return tidy(f"{lemma} {rest}")


_PLURAL_PRESENT = (("ais", "ar"), ("eis", "er"))
_PRESENT_REACH = 5


def _present_order(key: str, rest: str = "") -> str | None:
    """A present said as an order after its time ("mañana montáis las mesas", "el lunes
    Lucía y María hacen inventario"): the plural "you" in -áis/-éis, and the "they do" of
    an -er/-ir verb, its "tú" order with an -n ("hacen" → "hace" → "hacer"). A gerund or
    a "tú" subjunctive only before its object's determiner: "flores para el evento" and
    "postres para la boda" are things, "revises las luces" is work."""
    lex = lexicon()
    if key.endswith("en"):
        return lex.imperative_lemmas.get(key[:-1]) or lex.lemmas.get(key[:-1])
    for ending, infinitive in _PLURAL_PRESENT:
        if key.endswith(ending) and len(key) > _PRESENT_REACH:
            return _undiphthong(key[: -len(ending)]) + infinitive
    if not _before_a_determiner(rest):
        return None
    # "(me colabora) revisando los pañales": a gerund after a request is the work.
    if key.endswith("ando") and len(key) > _PRESENT_REACH + 1:
        return _undiphthong(key[:-4]) + "ar"
    if key.endswith("iendo") and len(key) > _PRESENT_REACH + 1:
        order = key[:-5] + "e"
        return lex.imperative_lemmas.get(order) or lex.lemmas.get(order)
    if key.endswith("es") and len(key) > _PRESENT_REACH:
        # "(cuando puedas) revises las luces": the "tú" subjunctive of an -ar verb, the
        # -er/-ir "you do" ("recoges") having been read from the lexicon before.
        stem = key[:-2]
        for written, spoken in (("gu", "g"), ("qu", "c"), ("c", "z")):
            if stem.endswith(written):
                stem = stem[: -len(written)] + spoken
                break
        return _undiphthong(stem) + "ar"
    return None


def _coordinated_orders(rest: str) -> str:
    """ "abre la guardería y recibe a los niños": a second order joined by "y" is work in
    the infinitive too ("abrir … y recibir …")."""
    words = rest.split(" ")
    lex = lexicon()
    for at in range(len(words) - 1):
        if words[at] not in {"y", "e"}:
            continue
        # "… y lo guardan": the object pronoun goes after the infinitive ("guardarlo").
        clitic = roster_fold(words[at + 1]) if words[at + 1] in OBJECT_CLITICS else ""
        verb = at + 2 if clitic else at + 1
        if verb >= len(words):
            continue
        key = roster_fold(words[verb])
        # Not the "tú" -es reading: after "y" that is as often a plural noun ("y peines").
        joined = None if key.endswith("es") else _present_order(key, " ".join(words[verb + 1 :]))
        # After an article-like pronoun only a plain order or a plural present is a verb:
        # "y la barra" is the bar, "y lo guardan" puts it away.
        known = None if clitic else lex.lemmas.get(key)
        lemma = lex.imperative_lemmas.get(key) or known or joined
        if lemma is None and key.endswith("an") and len(key) > _PRESENT_REACH:
            lemma = _undiphthong(key[:-2]) + "ar"  # "… y lo guardan"
        if lemma is None and words[verb].lower().endswith("ís") and len(key) > 4:
            lemma = key[:-2] + "ir"  # "… y subís las persianas"
        if lemma is not None and lemma.endswith(INFINITIVE_ENDINGS):
            words[at + 1 : verb + 1] = [lemma + clitic]
    return " ".join(words)
