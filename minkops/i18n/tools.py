"""Keeping the catalogues whole: checks, an update from English, and a template for pybabel.

    python -m minkops.i18n.tools check      # what is missing or broken, per language
    python -m minkops.i18n.tools update     # give es/pt/fr every English key, drop stale ones
    python -m minkops.i18n.tools template   # a .pot of the English keys, for pybabel or Poedit

(`scripts/catalogues` runs this with the project's virtualenv.) Message ids are keys, not
English sentences, so there is nothing for `pybabel extract` to find in the code: the
English catalogue is the template. `update` is what `pybabel update -i minkops.pot -d
minkops/i18n/locale -D minkops --no-fuzzy-matching --ignore-obsolete --no-wrap` does with
that template, plus keeping each entry's flags exactly as English has them (pybabel drops
python-brace-format, which Babel derives from the msgid: run `update` after it). The tests in
tests/i18n run the same checks, and also find every key the code passes to `say(...)` or
`translate(...)` (`keys_in_code`).
"""

from __future__ import annotations

import argparse
import ast
import io
import string
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from minkops.i18n._catalogues import (
    BRACE_FLAG,
    DEFAULT_LANGUAGE,
    STAFF_FLAG,
    SUPPORTED_LANGUAGES,
    catalogue_file,
    is_translated,
    read_catalogue,
    write_catalogue,
)

# --- what the catalogues must hold -------------------------------------------------------

# Complete for every key; the others are complete for what staff receive (STAFF_FLAG).
COMPLETE_LANGUAGES = ("en", "es")


def key_of(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def entries(catalog: Catalog) -> dict[str, Message]:
    return {key_of(m): m for m in catalog if m.id}


def forms(message: Message) -> tuple[str, ...]:
    """The text of each plural form, or of the one form."""
    string = message.string
    return tuple(string) if isinstance(string, tuple | list) else (string or "",)


def staff_keys() -> frozenset[str]:
    """The keys anyone who is not an admin can receive: flagged in the English catalogue."""
    return frozenset(
        k for k, m in entries(read_catalogue(DEFAULT_LANGUAGE)).items() if STAFF_FLAG in m.flags
    )


def required_keys(language: str) -> frozenset[str]:
    english = frozenset(entries(read_catalogue(DEFAULT_LANGUAGE)))
    return english if language in COMPLETE_LANGUAGES else staff_keys()


def missing_keys(language: str) -> list[str]:
    """Keys `language` must have but lacks, or has empty or fuzzy."""
    have = entries(read_catalogue(language))
    return sorted(k for k in required_keys(language) if k not in have or not is_translated(have[k]))


def untranslated_keys(language: str) -> list[str]:
    """Every English key `language` does not translate (these read English)."""
    have = entries(read_catalogue(language))
    english = entries(read_catalogue(DEFAULT_LANGUAGE))
    return sorted(k for k in english if k not in have or not is_translated(have[k]))


def stale_keys(language: str) -> list[str]:
    """Keys `language` has that English no longer does."""
    english = entries(read_catalogue(DEFAULT_LANGUAGE))
    return sorted(k for k in entries(read_catalogue(language)) if k not in english)


def placeholders(text: str) -> frozenset[str]:
    """'{number} {title!r}' -> {'{number}', '{title!r}'}; ValueError for unbalanced braces."""
    return frozenset(
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def placeholder_mismatches(language: str) -> list[str]:
    """Translations whose placeholders differ from English's. A plural form may leave out
    {count} ("one more task"), but the last form ('other') must show it."""
    english = entries(read_catalogue(DEFAULT_LANGUAGE))
    problems: list[str] = []
    for key, message in entries(read_catalogue(language)).items():
        if key not in english or not is_translated(message):
            continue
        expected = frozenset().union(*(_placeholders_or_none(f) or () for f in forms(english[key])))
        count = frozenset(p for p in expected if p == "{count}")
        texts = forms(message)
        for number, text in enumerate(texts):
            found = _placeholders_or_none(text)
            if found is None:
                problems.append(f"{language} {key}: unbalanced braces in {text!r}")
                continue
            optional = count if message.pluralizable and number < len(texts) - 1 else frozenset()
            if not (expected - optional <= found <= expected):
                problems.append(
                    f"{language} {key}: placeholders {sorted(found)} but English has {sorted(expected)}"
                )
    return problems


def _placeholders_or_none(text: str) -> frozenset[str] | None:
    try:
        return placeholders(text)
    except ValueError:
        return None


def shape_problems(language: str) -> list[str]:
    """Entries without the brace flag or (in English) a translator comment; plural entries
    with the wrong number of forms; plurality that differs from English."""
    catalog = read_catalogue(language)
    english = entries(read_catalogue(DEFAULT_LANGUAGE))
    written = flags_as_written(language)
    problems: list[str] = []
    for key, message in entries(catalog).items():
        if BRACE_FLAG not in written.get(key, ()):
            problems.append(f"{language} {key}: no '{BRACE_FLAG}' flag")
        if language == DEFAULT_LANGUAGE and not message.auto_comments:
            problems.append(f"{language} {key}: no translator comment (#.) saying where it is used")
        if key in english and message.pluralizable != english[key].pluralizable:
            problems.append(f"{language} {key}: plural in one catalogue, not in the other")
        if message.pluralizable and len(forms(message)) != catalog.num_plurals:
            problems.append(
                f"{language} {key}: {len(forms(message))} forms, Plural-Forms says {catalog.num_plurals}"
            )
    return problems


def flags_as_written(language: str) -> dict[str, frozenset[str]]:
    """Each key's `#,` flags as they are in the file. (Babel's reader drops
    python-brace-format when the msgid has no braces, so it cannot tell.)"""
    flags: dict[str, frozenset[str]] = {}
    pending: set[str] = set()
    for line in catalogue_file(language).read_text(encoding="utf-8").splitlines():
        if line.startswith("#,"):
            pending |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith('msgid "') and line != 'msgid ""':
            flags[line[len('msgid "') : -1]] = frozenset(pending)
            pending = set()
        elif not line.strip():
            pending = set()
    return flags


# --- keys in the code ----------------------------------------------------------------------

# Functions whose argument at this position (after self) is a message key.
KEY_FUNCTIONS = {"say": 1, "translate": 1}


@dataclass(frozen=True)
class KeyUse:
    key: str  # the key, or for a dynamic one its constant prefix ('role_')
    path: str
    line: int
    dynamic: bool = False


def keys_in_code(root: Path) -> list[KeyUse]:
    """Every key the code under `root` passes to `say`/`translate`, literally or through a
    helper that hands its own parameter on (`_ask(language, "ask_task_title")`), or through a
    local variable assigned string constants (`key = "a" if x else "b"`). An f-string key is
    reported as dynamic with its constant prefix."""
    trees = {path: ast.parse(path.read_text(), str(path)) for path in sorted(root.rglob("*.py"))}
    # name -> the positions its key can be at; a set, as two helpers may share a name
    sinks: dict[str, set[int]] = {name: {position} for name, position in KEY_FUNCTIONS.items()}
    changed = True
    while changed:  # helpers of helpers, until nothing new turns up
        changed = False
        for tree in trees.values():
            for function in _functions(tree):
                parameters = _parameters(function)
                for _call, argument in _key_arguments(function, sinks):
                    if isinstance(argument, ast.Name) and argument.id in parameters:
                        position = parameters.index(argument.id)
                        if position not in sinks.setdefault(function.name, set()):
                            sinks[function.name].add(position)
                            changed = True
    uses: list[KeyUse] = []
    for path, tree in trees.items():
        where = str(path.relative_to(root.parent))
        for scope in [tree, *_functions(tree)]:
            for call, argument in _key_arguments(scope, sinks):
                for key, dynamic in _constants(argument, [scope, tree]):
                    uses.append(KeyUse(key, where, call.lineno, dynamic))
    return sorted(set(uses), key=lambda u: (u.path, u.line, u.key))


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    return names[1:] if names[:1] in (["self"], ["cls"]) else names


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a module or function, not those of functions nested in it."""
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _key_arguments(
    scope: ast.AST, sinks: dict[str, set[int]]
) -> Iterator[tuple[ast.Call, ast.expr]]:
    for node in _own_nodes(scope):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else None
        )
        if name not in sinks:
            continue
        for position in sorted(sinks[name]):
            if len(node.args) > position and not isinstance(node.args[position], ast.Starred):
                yield node, node.args[position]
        for keyword in node.keywords:
            if keyword.arg == "key":
                yield node, keyword.value


def _constants(argument: ast.expr, scopes: list[ast.AST]) -> Iterable[tuple[str, bool]]:
    """The string constants an expression can be: a literal, either side of `a if c else b`,
    the values of a dict it reads from (`NAMES.get(x)`, `NAMES[x]`), or whatever a variable
    of the function or of its module was assigned."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        yield argument.value, False
    elif isinstance(argument, ast.IfExp):
        yield from _constants(argument.body, scopes)
        yield from _constants(argument.orelse, scopes)
    elif isinstance(argument, ast.Dict):
        for value in argument.values:
            yield from _constants(value, scopes)
    elif isinstance(argument, ast.Subscript):
        yield from _constants(argument.value, scopes)
    elif (
        isinstance(argument, ast.Call)
        and isinstance(argument.func, ast.Attribute)
        and argument.func.attr == "get"
    ):
        yield from _constants(argument.func.value, scopes)
    elif isinstance(argument, ast.JoinedStr):
        first = argument.values[0] if argument.values else None
        prefix = first.value if isinstance(first, ast.Constant) else ""
        yield str(prefix), True
    elif isinstance(argument, ast.Name):
        for scope in scopes:
            values = list(_assigned(argument.id, scope))
            for value in values:
                yield from _constants(value, scopes)
            if values:
                return


def _assigned(name: str, scope: ast.AST) -> Iterator[ast.expr]:
    for node in _own_nodes(scope):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            yield value


# --- updating --------------------------------------------------------------------------------


def template() -> Catalog:
    """The English keys, comments and flags with no text: what every catalogue is kept to."""
    english = read_catalogue(DEFAULT_LANGUAGE)
    pot = Catalog(
        domain=english.domain,
        project=english.project,
        version=english.version,
        creation_date=english.creation_date,
        copyright_holder=english.copyright_holder,
        msgid_bugs_address=english.msgid_bugs_address,
        header_comment="# MinkOps replies: the keys every catalogue has (made from English).",
        fuzzy=False,
    )
    for message in english:
        if message.id:
            pot.add(
                message.id,
                "" if not message.pluralizable else ("", ""),
                auto_comments=message.auto_comments,
                flags=message.flags - {"fuzzy"},
            )
    return pot


def update(languages: Iterable[str]) -> list[str]:
    """Bring each catalogue in line with English; return what changed, per language."""
    pot = template()
    report: list[str] = []
    for language in languages:
        catalog = read_catalogue(language)
        before = set(entries(catalog))
        if language != DEFAULT_LANGUAGE:
            # Keys are ids: a new key is new, never a near match of an old one.
            catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
            catalog.obsolete.clear()
            flags = {key_of(m): m.flags for m in pot if m.id}
            for message in catalog:
                if message.id:
                    message.flags = set(flags[key_of(message)]) | ({"fuzzy"} & message.flags)
        after = set(entries(catalog))
        added, dropped = sorted(after - before), sorted(before - after)
        if added or dropped:
            report.append(f"{language}: added {added or 'nothing'}, dropped {dropped or 'nothing'}")
        buffer = io.BytesIO()
        write_catalogue(catalog, buffer)
        Path(str(catalogue_file(language))).write_bytes(buffer.getvalue())
    return report


def check() -> list[str]:
    problems: list[str] = []
    for language in SUPPORTED_LANGUAGES:
        problems += [f"{language}: missing {key}" for key in missing_keys(language)]
        problems += [f"{language}: stale {key}" for key in stale_keys(language)]
        problems += placeholder_mismatches(language) + shape_problems(language)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minkops.i18n.tools", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="report missing keys, stale keys and broken placeholders")
    commands.add_parser("update", help="sync every catalogue with the English one")
    commands.add_parser("template", help="print a .pot made from the English catalogue")
    arguments = parser.parse_args(argv)
    if arguments.command == "template":
        buffer = io.BytesIO()
        write_catalogue(template(), buffer)
        sys.stdout.write(buffer.getvalue().decode())
        return 0
    if arguments.command == "update":
        for line in update(SUPPORTED_LANGUAGES):
            print(line)
    problems = check()
    for language in SUPPORTED_LANGUAGES:
        total = len(entries(read_catalogue(DEFAULT_LANGUAGE)))
        done = total - len(untranslated_keys(language))
        print(f"{language}: {done}/{total} translated")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
