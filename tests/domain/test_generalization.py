"""General rules added so the rule engine reads messages nobody tuned it on (issue 9).

One test per rule; each goes red when its rule is taken out.
"""

from __future__ import annotations

from typing import Any

import pytest

from minkops.domain.grammar import respell
from minkops.domain.rules import RuleEngine
from minkops.domain.rules_text import Text, fix_typos
from minkops.domain.when import find_recurrence, find_time
from minkops.eval import EVAL_NOW, Case, eval_context


def read(text: str, language: str = "en", role: str = "admin") -> dict[str, Any]:
    understood = RuleEngine().understand(text, eval_context(Case(text, language, role, "")))
    assert understood.language == language
    return understood.intent.model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize(
    ("written", "meant"),
    [("tomorow", "tomorrow"), ("remidn", "remind"), ("tadk", "task"), ("hceho", "hecho")],
)
def test_a_slip_of_the_finger_is_repaired(written: str, meant: str) -> None:
    assert fix_typos(Text.of(written)).folded == meant


@pytest.mark.parametrize(
    "word", ["talk", "tarta", "dona", "eliminar", "reminded", "domingos", "minutos", "asignado"]
)
def test_another_word_or_an_inflection_is_not_a_typo(word: str) -> None:
    assert fix_typos(Text.of(word)).folded == word


def test_content_words_survive_typo_repair() -> None:
    intent = read("dentro de 10 minutos recuérdame sacar la tarta", "es")
    assert intent["text"] == "sacar la tarta"


def test_a_weekday_after_del_or_of_names_a_thing_not_a_time() -> None:
    intent = read("Pedro tiene que preparar el pedido del lunes el viernes a las 10", "es")
    assert intent["title"] == "preparar el pedido del lunes"
    assert intent["due"] == "2025-03-28T10:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("remind me tomorrow at 9 that I have to call the bank", "en", "call the bank"),
        ("recuérdame mañana a las 8 que tengo que llamar al gestor", "es", "llamar al gestor"),
    ],
)
def test_an_obligation_before_the_work_is_not_part_of_the_reminder(
    text: str, language: str, said: str
) -> None:
    assert read(text, language)["text"] == said


def test_an_obligation_before_the_work_is_not_part_of_a_note() -> None:
    assert read("note for myself: I need to call the bank")["title"] == "call the bank"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "recuérdales a todos cada viernes a las 3 que se pongan los guantes",
            "ponerse los guantes",
        ),
        ("recuérdale a Tom que lo haga hoy", "hacerlo"),
    ],
)
def test_a_pronoun_before_a_subjunctive_goes_after_the_infinitive(text: str, said: str) -> None:
    assert read(text, "es")["text"] == said


def test_the_to_left_after_a_time_is_cut_from_a_title() -> None:
    intent = read("tell Pedro at 6 to start the dough")
    assert intent["title"] == "start the dough"
    assert intent["assignees"] == ["Pedro"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("todos los días a las 8 recuérdale al equipo que fichen", "es"),
        ("remind the staff every monday at 9 to check the rota", "en"),
    ],
)
def test_the_team_named_any_usual_way_is_everyone(text: str, language: str) -> None:
    assert read(text, language)["recipients"] == ["everyone"]


def test_nudge_is_a_reminder_verb() -> None:
    intent = read("nudge Luis tomorrow at 10 to pay the gas bill")
    assert intent["kind"] == "create_reminder"
    assert intent["recipients"] == ["Luis"]


@pytest.mark.parametrize(
    ("text", "language", "role", "kind"),
    [
        ("no need to remind pedro about the veg anymore", "en", "admin", "cancel_reminder"),
        ("Pedro's back, turn his veggie reminder on again", "en", "admin", "resume_reminder"),
        ("can we switch to a paid plan", "en", "admin", "upgrade"),
        ("quiero pasarme al plan de pago", "es", "admin", "upgrade"),
        ("i want to get the messages again", "en", "staff", "start_messages"),
        ("ya puedes escribirme otra vez", "es", "staff", "start_messages"),
        ("nop", "es", "admin", "decline"),
        ("estamos cerca del límite?", "es", "admin", "usage"),
        ("quiero crear una cuenta para mi clínica", "es", "admin", "sign_up"),
        ("stop telling me when tasks are overdue", "en", "admin", "set_preference"),
        ("reasigna la 4 a María", "es", "admin", "edit_task"),
        ("j'ai quelque chose en attente ?", "fr", "staff", "list_tasks"),
        ("en qué está trabajando Pedro", "es", "admin", "list_tasks"),
    ],
)
def test_lexicon_words_people_use(text: str, language: str, role: str, kind: str) -> None:
    assert read(text, language, role)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("qué puedo hacer aquí?", "es"),
        ("o que eu posso fazer aqui?", "pt"),
        ("qu'est-ce que je peux faire ici ?", "fr"),
    ],
)
def test_asking_what_minkops_does_is_help_not_a_task_list(text: str, language: str) -> None:
    assert read(text, language, "staff")["kind"] == "help"


def test_due_before_a_time_is_not_part_of_the_title() -> None:
    intent = read("new task for Tom: print the new price list, due friday at 12")
    assert intent["title"] == "print the new price list"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I want my data deleted", "en"),
        ("quiero que borréis todos mis datos", "es"),
        ("borrad todo lo que tengáis de mí", "es"),
    ],
)
def test_an_erasing_verb_with_my_data_as_object_deletes_data(text: str, language: str) -> None:
    assert read(text, language, "staff")["kind"] == "delete_data"


def test_a_closing_verb_with_the_account_as_object_deletes_the_account() -> None:
    assert read("cancel our minkops account")["kind"] == "delete_account"
    assert read("cancel the account reminder")["kind"] != "delete_account"


@pytest.mark.parametrize(
    ("text", "language", "name"),
    [
        ("Claire's contract ended, remove her from the list", "en", "Claire"),
        ("João se volvió a Portugal, sácalo de la lista", "es", "João"),
    ],
)
def test_a_person_removed_by_pronoun_leaves_the_team(text: str, language: str, name: str) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["name"]) == ("remove_member", name)


@pytest.mark.parametrize(
    ("text", "language", "name", "phone"),
    [
        ("Tom's new number is +44 7700 900123", "en", "Tom", "+44 7700 900123"),
        ("el número nuevo de Pedro es 699 888 777", "es", "Pedro", "699 888 777"),
    ],
)
def test_a_persons_number_stated_updates_their_phone(
    text: str, language: str, name: str, phone: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["name"], intent["phone"]) == ("update_member", name, phone)


@pytest.mark.parametrize(
    ("text", "language"),
    [("has anyone seen my black jacket?", "en"), ("alguien ha visto mis llaves?", "es")],
)
def test_a_perfect_tense_question_about_someone_gives_no_work(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "unknown"


def test_a_short_label_after_a_note_word_is_not_the_title() -> None:
    intent = read("apunta una tarea: renovar el carnet de manipulador", "es")
    assert intent["title"] == "renovar el carnet de manipulador"


def test_a_hedge_before_a_stated_name_is_not_part_of_it() -> None:
    intent = read("my name is actually Thomas Baker", "en", "staff")
    assert (intent["kind"], intent["value"]) == ("correct_data", "Thomas Baker")


def test_passing_a_task_to_a_time_moves_it() -> None:
    intent = read("pasa la tarea 3 a mañana a las 11", "es")
    assert (intent["kind"], intent["number"]) == ("edit_task", 3)
    assert intent["due"] == "2025-03-28T11:00:00+01:00"
    assert "assignee" not in intent


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        (
            "change task 1 to clean the fridge and the freezer",
            "en",
            "clean the fridge and the freezer",
        ),
        (
            "cambia la tarea 2 a limpiar la nevera y el congelador",
            "es",
            "limpiar la nevera y el congelador",
        ),
    ],
)
def test_a_numbered_task_changed_to_neither_time_nor_person_is_retitled(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent.get("title")) == ("edit_task", title)


def test_a_done_word_before_de_is_a_noun() -> None:
    intent = read("lista de tareas", "es")
    assert (intent["kind"], intent["scope"]) == ("list_tasks", "open")


def test_a_noun_opening_a_title_is_not_turned_into_an_infinitive() -> None:
    intent = read("Pedro y Luis: limpieza de la terraza el viernes a las 10", "es")
    assert intent["title"] == "limpieza de la terraza"


def test_a_short_imperative_becomes_its_infinitive() -> None:
    assert read("oye Pedro, saca la basura antes de cerrar", "es")["title"] == "sacar la basura"


def test_todos_los_before_a_time_counts_days_not_people() -> None:
    intent = read("todos los lunes a las 8 recuérdale a Pedro que saque la basura", "es")
    assert (intent["recipients"], intent["cron"]) == (["Pedro"], "0 8 * * 1")
    assert read("recuérdales a todos el viernes a las 9 que fichen", "es")["recipients"] == [
        "everyone"
    ]
    # The grammar's own reading (a reminder asked for, not the fixed "recuérdale" rule).
    intent = read("ponle un recordatorio a Tom todos los martes a las 10 para revisar el gas", "es")
    assert (intent["recipients"], intent["cron"]) == (["Tom"], "0 10 * * 2")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("que Luis cuelgue los abrigos", "colgar los abrigos"),
        ("que Pedro pruebe la salsa nueva", "probar la salsa nueva"),
        ("que Tom riegue el jardín", "regar el jardín"),
    ],
)
def test_a_stressed_diphthong_goes_back_to_the_infinitive_vowel(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


def test_a_closing_tag_word_is_not_part_of_the_title() -> None:
    assert read("que Tom limpie la plancha mañana a las 9 vale", "es")["title"] == (
        "limpiar la plancha"
    )
    # Only a whole word closes: "safety" does not lose its "ty", nor "look" its "ok".
    assert read("Tom needs to check the safety")["title"] == "check the safety"
    assert read("Tom needs to take a look")["title"] == "take a look"


def test_a_time_does_not_pick_a_reminder_over_the_task_its_title_names() -> None:
    # "month" fits only the monthly rent reminder's schedule; "inventory" is task 4's title.
    assert read("forget the inventory for this month") == {"kind": "cancel_task", "number": 4}


@pytest.mark.parametrize(
    ("text", "language", "title", "who"),
    [
        ("task: wipe the menus, Tom, friday at 9am", "en", "wipe the menus", "Tom"),
        ("tarea nueva: barrer la entrada, para Lucía", "es", "barrer la entrada", "Lucía"),
    ],
)
def test_a_name_set_off_at_the_end_of_a_labelled_task_is_who_does_it(
    text: str, language: str, title: str, who: str
) -> None:
    intent = read(text, language)
    assert (intent["title"], intent["assignees"]) == (title, [who])


def test_hay_que_is_an_obligation_not_a_question() -> None:
    intent = read("hay que sacar la basura, que lo haga Pedro", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "sacar la basura",
        ["Pedro"],
    )
    # A question word after it still asks: "tengo que hacer algo hoy".
    assert read("tengo que hacer algo hoy", "es")["kind"] == "list_tasks"


def test_a_span_of_weekdays_is_a_schedule() -> None:
    intent = read("tuesday to sunday at 8am remind everyone to mop the floor")
    assert (intent["cron"], intent["text"]) == ("0 8 * * 2-7", "mop the floor")
    assert read("de lunes a sábado a las 7 recuérdame abrir la persiana", "es")["cron"] == (
        "0 7 * * 1-6"
    )


def test_minutes_said_as_a_word_after_the_hour() -> None:
    intent = read("Tom should sweep the yard tomorrow at ten fifteen")
    assert (intent["title"], intent["due"]) == ("sweep the yard", "2025-03-28T10:15:00+01:00")


def test_the_a_of_a_las_belongs_to_the_time() -> None:
    intent = read("cambia la tarea 2 a las 6 de la tarde", "es")
    assert (intent["kind"], intent["number"], intent["due"]) == (
        "edit_task",
        2,
        "2025-03-27T18:00:00+01:00",
    )


@pytest.mark.parametrize(
    ("text", "language", "number", "who"),
    [
        ("la tarea 3 pásasela a Tom", "es", 3, "Tom"),
        ("ponle la 2 a Pedro", "es", 2, "Pedro"),
    ],
)
def test_a_task_named_by_its_number_near_the_start_is_edited(
    text: str, language: str, number: int, who: str
) -> None:
    assert read(text, language) == {"kind": "edit_task", "number": number, "assignee": who}


def test_the_person_a_task_is_taken_from_is_not_its_assignee() -> None:
    intent = read("let Pedro do the fridge instead of Juan Pérez")
    assert intent == {"kind": "edit_task", "number": 1, "assignee": "Pedro"}


def test_an_apology_opens_a_correction() -> None:
    intent = read("sorry, make that friday at 10am")
    assert (intent["kind"], intent["due"]) == ("edit_task", "2025-03-28T10:00:00+01:00")


def test_a_reminder_verb_governs_the_data_words_after_it() -> None:
    intent = read("remind me at 5pm to pay the invoice")
    assert (intent["kind"], intent["text"]) == ("create_reminder", "pay the invoice")


@pytest.mark.parametrize(
    "text", ["did you see the news today", "did anyone call the bank", "did we win"]
)
def test_an_auxiliary_before_its_subject_asks_and_reports_no_work(text: str) -> None:
    assert read(text, role="staff")["kind"] == "unknown"


def test_la_with_a_number_is_a_task() -> None:
    assert read("borra la 4", "es") == {"kind": "cancel_task", "number": 4}


def test_a_task_label_with_a_number_names_a_task_that_exists() -> None:
    intent = read("task 2: move it to friday at 9am")
    assert intent == {"kind": "edit_task", "number": 2, "due": "2025-03-28T09:00:00+01:00"}


def test_a_time_before_the_colon_of_a_task_label_is_when_not_who() -> None:
    intent = read("to do for friday 10am: call the printer")
    assert intent == {
        "kind": "create_task",
        "title": "call the printer",
        "assignees": [],
        "due": "2025-03-28T10:00:00+01:00",
    }


def test_a_question_mark_after_a_tag_does_not_make_a_request_a_question() -> None:
    intent = read("que Pedro friegue los platos, vale?", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "fregar los platos")
    assert read("what's left for Tom?")["kind"] == "list_tasks"


def test_an_accented_interrogative_asks() -> None:
    assert read("y a Luis qué le queda", "es") == {
        "kind": "list_tasks",
        "scope": "person",
        "person": "Luis",
    }


def test_xfa_is_por_favor() -> None:
    assert read("que Luis barra la entrada xfa", "es")["title"] == "barrer la entrada"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("recuérdame el jueves a las 8 pagar la luz, que no se me olvide", "pagar la luz"),
        ("sacar las pizzas del horno, avísame a las 9 de la noche", "sacar las pizzas del horno"),
    ],
)
def test_the_request_said_again_after_the_work_is_not_part_of_it(text: str, said: str) -> None:
    assert read(text, "es")["text"] == said


def test_a_mi_keeps_the_sender_among_the_recipients() -> None:
    intent = read("recuérdanos a mí y a Luis mañana a las 8 que hay que abrir pronto", "es")
    assert (intent["recipients"], intent["text"]) == (["me", "Luis"], "abrir pronto")


def test_que_viene_after_a_taken_out_time_is_a_verb_not_next_week() -> None:
    intent = read("recuérdame el viernes a las 10 que viene el fontanero", "es")
    assert (intent["text"], intent["at"]) == ("viene el fontanero", "2025-03-28T10:00:00+01:00")


def test_de_with_its_accent_is_give() -> None:
    assert read("que Tom dé de comer al perro", "es")["title"] == "dar de comer al perro"


def test_leaving_for_good_removes_the_person() -> None:
    assert read("Luis doesn't work here anymore") == {"kind": "remove_member", "name": "Luis"}
    assert read("Luis left early today")["kind"] != "remove_member"


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("I'd prefer texts please, no audio", "en", "text"),
        ("sin audios, prefiero texto", "es", "text"),
        ("prefiero audios, nada de texto", "es", "voice"),
    ],
)
def test_a_refused_way_of_delivery_is_not_the_one_chosen(
    text: str, language: str, value: str
) -> None:
    intent = read(text, language, role="staff")
    assert (intent["kind"], intent["value"]) == ("correct_data", value)


def test_a_group_word_after_about_is_the_topic_not_the_recipients() -> None:
    intent = read("ping me on friday at 6pm about the team dinner")
    assert (intent["recipients"], intent["text"]) == (["me"], "the team dinner")


def test_for_me_in_a_reminder_lead_is_the_sender() -> None:
    intent = read("set a reminder for me on friday at 4pm: renew the licence")
    assert (intent["recipients"], intent["text"]) == (["me"], "renew the licence")


def test_de_with_its_accent_is_a_reminders_verb_too() -> None:
    intent = read("mándale un audio a Luis cada lunes a las 8 para que dé de comer al gato", "es")
    assert intent["text"] == "dar de comer al gato"


def test_a_word_that_fits_one_task_picks_it_among_ties() -> None:
    # "limpia" fits every cleaning task; "nevera" only the fridge.
    assert read("ya está la nevera limpia", "es", role="staff") == {
        "kind": "complete_task",
        "number": 1,
    }


def test_a_check_mark_reports_done() -> None:
    assert read("terraza fregada ✅", "es") == {"kind": "complete_task", "number": 6}


@pytest.mark.parametrize(
    ("text", "kind"), [("🤔", "unknown"), ("❓", "unknown"), ("👍", "acknowledge")]
)
def test_a_puzzled_emoji_does_not_acknowledge(text: str, kind: str) -> None:
    assert read(text)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "number", "due"),
    [
        ("lo de la terraza para el viernes a las 12", "es", 6, "2025-03-28T12:00:00+01:00"),
        ("can the plumber call be on monday at 9am instead", "en", 5, "2025-03-31T09:00:00+02:00"),
    ],
)
def test_a_task_referred_back_to_with_a_new_time_is_moved(
    text: str, language: str, number: int, due: str
) -> None:
    assert read(text, language) == {"kind": "edit_task", "number": number, "due": due}


def test_a_time_after_a_name_handed_the_work_goes_with_the_work() -> None:
    intent = read("hay que limpiar los cristales, que lo haga Luis el viernes a las 9", "es")
    assert (intent["title"], intent["assignees"], intent["due"]) == (
        "limpiar los cristales",
        ["Luis"],
        "2025-03-28T09:00:00+01:00",
    )


def test_a_plural_you_imperative_becomes_its_infinitive() -> None:
    intent = read("Tom y Luis, recoged las sillas de la terraza", "es")
    assert intent["title"] == "recoger las sillas de la terraza"


def test_a_thing_referred_back_to_after_mejor_que_is_reassigned() -> None:
    intent = read("mejor que lo de la campana lo haga Tom", "es")
    assert intent == {"kind": "edit_task", "number": 7, "assignee": "Tom"}


@pytest.mark.parametrize(
    ("text", "language"),
    [("how do I add a new person", "en"), ("cómo hago para añadir a alguien", "es")],
)
def test_asking_how_to_do_something_asks_for_help(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "help"


def test_a_way_of_writing_inside_a_start_request_does_not_make_it_a_preference() -> None:
    assert read("you can text me again", role="staff")["kind"] == "start_messages"


@pytest.mark.parametrize(
    ("text", "language"),
    [("delete everything you have on me", "en"), ("bórrame todos mis datos", "es")],
)
def test_erasing_what_is_about_the_sender_is_their_data_not_the_account(
    text: str, language: str
) -> None:
    assert read(text, language, role="staff")["kind"] == "delete_data"


def test_a_stretch_of_time_pauses_rather_than_cancels() -> None:
    assert read("stop the walk-in reminder for a couple of weeks") == {
        "kind": "pause_reminder",
        "number": 1,
    }


def test_a_person_taken_off_the_team_is_removed_whatever_the_verb() -> None:
    assert read("take Pedro off the team") == {"kind": "remove_member", "name": "Pedro"}


@pytest.mark.parametrize(
    ("text", "language"),
    [("quero receber em áudio", "pt"), ("je veux recevoir en audio", "fr")],
)
def test_staff_choose_voice_in_their_language(text: str, language: str) -> None:
    intent = read(text, language, role="staff")
    assert (intent["kind"], intent["value"]) == ("correct_data", "voice")


def test_a_que_that_orders_a_thing_referred_back_to_is_an_edit_not_a_question() -> None:
    assert read("que lo de la terraza lo haga Pedro", "es") == {
        "kind": "edit_task",
        "number": 6,
        "assignee": "Pedro",
    }


def test_a_longer_lead_before_the_work_is_dropped_from_the_title() -> None:
    intent = read("Luis, que no se te olvide apagar el horno", "es")
    assert (intent["title"], intent["assignees"]) == ("apagar el horno", ["Luis"])


def test_the_perfects_auxiliary_reports_done_only_with_its_participle() -> None:
    intent = read("tell Luis he needs to mop the terrace tonight")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "mop the terrace",
        ["Luis"],
    )
    assert read("ya he fregado la terraza", "es", role="staff")["kind"] == "complete_task"


def test_a_present_progressive_arranges_work_in_the_base_form() -> None:
    assert read("Luis is doing the bank run tomorrow")["title"] == "do the bank run"


def test_assign_the_work_to_someone() -> None:
    intent = read("assign the window cleaning to Claire for friday")
    assert (intent["title"], intent["assignees"], intent["due"]) == (
        "the window cleaning",
        ["Claire"],
        "2025-03-28T23:59:00+01:00",
    )


def test_the_whole_team_as_a_label_is_everyone() -> None:
    assert read("tarea para todo el equipo: leer la carta nueva", "es")["assignees"] == ["everyone"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("has Luis got anything for today", "list_tasks"),
        # Asked, not reported: where the task stands (it was "unknown" before task_status).
        ("is Pedro done with the freezer", "task_status"),
        ("did Maria finish the milk order", "task_status"),
    ],
)
def test_an_auxiliary_before_a_named_subject_asks(text: str, kind: str) -> None:
    assert read(text)["kind"] == kind


def test_a_name_read_too_far_in_a_member_update_is_cut_to_the_roster_person() -> None:
    intent = read("send Pedro everything as voice notes from now on")
    assert (intent["kind"], intent["name"]) == ("update_member", "Pedro")


def test_who_a_new_member_is_to_the_sender_is_not_their_name() -> None:
    intent = read("add my sister Eva Ruiz as staff, 655112233")
    assert (intent["kind"], intent["name"]) == ("add_member", "Eva Ruiz")


def test_a_note_that_names_someone_else_gives_them_the_task() -> None:
    intent = read("apunta que Luis tiene que pedir hielo el viernes", "es")
    assert (intent["title"], intent["assignees"]) == ("pedir hielo", ["Luis"])


def test_a_spanish_verb_form_matches_its_infinitives_concept() -> None:
    assert read("ya fregaron la terraza", "es", role="staff") == {
        "kind": "complete_task",
        "number": 6,
    }


def test_acabo_de_reports_done() -> None:
    assert read("acabo de revisar el vino", "es", role="staff") == {
        "kind": "complete_task",
        "number": 8,
    }


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("terraza fregada", "es", "complete_task"),
        ("freezer checked", "en", "complete_task"),
        ("keep the terrace clean", "en", "unknown"),
        ("hay que dejar la terraza fregada", "es", "create_task"),
        ("make sure the fridge is clean", "en", "unknown"),
    ],
)
def test_a_state_after_only_the_tasks_words_reports_it_done(
    text: str, language: str, kind: str
) -> None:
    assert read(text, language)["kind"] == kind


def test_weekday_abbreviations_after_every() -> None:
    intent = read("every tue and fri at 8 remind Luis to order bread")
    assert (intent["cron"], intent["text"]) == ("0 8 * * 2,5", "order bread")


def test_a_third_person_plural_arrangement_becomes_the_infinitive() -> None:
    intent = read("el viernes Tom y Luis friegan la cámara", "es")
    assert (intent["title"], intent["assignees"]) == ("fregar la cámara", ["Tom", "Luis"])


def test_remind_him_inside_a_message_is_not_the_text() -> None:
    intent = read("send Luis a message tomorrow at 8 to remind him to bring the keys")
    assert (intent["recipients"], intent["text"]) == (["Luis"], "bring the keys")


def test_a_preposition_left_by_a_taken_out_time_is_not_the_text() -> None:
    intent = read("set a weekly reminder on mondays for Tom to check the fridge")
    assert (intent["recipients"], intent["text"], intent["cron"]) == (
        ["Tom"],
        "check the fridge",
        "0 9 * * 1",
    )


def test_a_done_word_right_after_que_is_an_order() -> None:
    intent = read("dile a Luis que limpie la nevera", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "limpiar la nevera")


def test_the_personal_a_makes_todos_people_before_a_schedule() -> None:
    intent = read("mándale un audio a todos los viernes a las 6 para que cierren la caja", "es")
    assert (intent["recipients"], intent["cron"], intent["text"]) == (
        ["everyone"],
        "0 18 * * 5",
        "cerrar la caja",
    )


def test_what_a_message_says_after_saying() -> None:
    intent = read("send Tom a voice message tomorrow at 9 saying the van is late")
    assert intent["text"] == "the van is late"


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("remind me by voice on friday at 8 to call the bank", "en", "call the bank"),
        ("recuérdame por audio el viernes a las 8 que llame al banco", "es", "llamar al banco"),
    ],
)
def test_a_reminder_asked_for_by_voice_goes_as_voice(text: str, language: str, said: str) -> None:
    intent = read(text, language)
    assert (intent["text"], intent["delivery"]) == (said, "voice")


def test_a_person_asked_can_you_after_the_work_gets_it_with_its_time() -> None:
    intent = read("the grill needs cleaning, Luis can you do it tomorrow")
    assert (intent["title"], intent["assignees"], intent["due"]) == (
        "clean the grill",
        ["Luis"],
        "2025-03-28T23:59:00+01:00",
    )


def test_manana_after_an_enclitic_la_is_tomorrow() -> None:
    intent = read("Pedro, ¿puedes revisarla mañana?", "es")
    assert (intent["title"], intent["due"]) == ("revisarla", "2025-03-28T23:59:00+01:00")


def test_an_infinitive_with_a_clitic_is_left_as_it_is() -> None:
    assert read("Tom, ponerse los guantes", "es")["title"] == "ponerse los guantes"


def test_a_mistyped_name_keeps_its_initial() -> None:
    # "sucia" is one letter from "lucia", but it is an adjective.
    intent = read("la terraza está sucia, Pedro ¿puedes fregarla hoy?", "es")
    assert intent["assignees"] == ["Pedro"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("every other day at 9 remind me to check the oil", "en"),
        ("cada dos días a las 9 recuérdame revisar el aceite", "es"),
    ],
)
def test_every_other_day_is_every_second_day(text: str, language: str) -> None:
    assert read(text, language)["cron"] == "0 9 */2 * *"


def test_dale_un_toque_is_a_reminder() -> None:
    intent = read("dale un toque a Luis el viernes a las 10 por lo del pescado", "es")
    assert (intent["kind"], intent["recipients"], intent["text"]) == (
        "create_reminder",
        ["Luis"],
        "lo del pescado",
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("for friday Pedro should clean the hood by 5pm", "en"),
        ("para el viernes Pedro limpia la campana antes de las 5 de la tarde", "es"),
    ],
)
def test_a_day_before_the_name_and_an_hour_after_make_one_due_time(
    text: str, language: str
) -> None:
    assert read(text, language)["due"] == "2025-03-28T17:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "language"), [("tasks for tomorrow", "en"), ("tareas de hoy", "es")]
)
def test_a_day_after_tasks_for_is_not_a_person(text: str, language: str) -> None:
    assert read(text, language) == {"kind": "list_tasks", "scope": "open"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("remind me every 20th to send the invoices", "en"),
        ("recuérdame cada 20 de mes mandar las facturas", "es"),
    ],
)
def test_a_day_of_the_month_said_short_recurs_monthly(text: str, language: str) -> None:
    assert read(text, language)["cron"] == "0 9 20 * *"


def test_a_first_name_with_another_surname_is_a_new_person() -> None:
    intent = read("empieza un chico nuevo el lunes, Luis Ortega, 622334455", "es")
    assert (intent["kind"], intent["name"]) == ("add_member", "Luis Ortega")


@pytest.mark.parametrize(
    ("text", "language"),
    [("please remove our company from minkops", "en"), ("borrad la empresa", "es")],
)
def test_the_company_is_the_account(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "delete_account"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("get the oven cleaned by friday", "clean the oven"),
        ("need the yard swept before we open - Pedro", "sweep the yard"),
    ],
)
def test_a_causative_with_a_participle_reads_verb_first(text: str, title: str) -> None:
    assert read(text)["title"] == title


def test_whoever_is_in_is_someone() -> None:
    intent = read("whoever is in on saturday should water the plants")
    assert (intent["title"], intent["assignees"]) == ("water the plants", [])


def test_task_n_followed_by_a_verb_names_an_existing_task() -> None:
    assert read("task 3 is now for Pedro") == {
        "kind": "edit_task",
        "number": 3,
        "assignee": "Pedro",
    }


def test_asking_how_to_add_a_reminder_is_help_not_a_listing() -> None:
    assert read("what should I type to set a reminder?")["kind"] == "help"


def test_an_order_to_delete_is_not_a_listing() -> None:
    assert read("delete Luis from the staff list") == {"kind": "remove_member", "name": "Luis"}


def test_handing_a_named_task_on_later_in_the_message_reassigns_it() -> None:
    assert read("Luis is off sick so the terrace, give it to Pedro") == {
        "kind": "edit_task",
        "number": 6,
        "assignee": "Pedro",
    }
    # New work asked for first is handed on as new work.
    assert read("we need the fryer cleaned by friday, give it to Pedro")["kind"] == "create_task"


def test_should_be_at_a_time_moves_the_task() -> None:
    assert read("the plumber call should be at 4pm") == {
        "kind": "edit_task",
        "number": 5,
        "due": "2025-03-27T16:00:00+01:00",
    }


@pytest.mark.parametrize(
    ("text", "language", "field", "due"),
    [
        ("Juan needs to clean the grill by the end of the day", "en", "title", "clean the grill"),
        ("Maria has to send the rota by EOD friday", "en", "title", "send the rota"),
        ("recuérdame al final del día cerrar la caja", "es", "text", "cerrar la caja"),
    ],
)
def test_the_end_of_the_working_day_is_a_time(
    text: str, language: str, field: str, due: str
) -> None:
    intent = read(text, language)
    assert intent[field] == due
    assert (intent.get("due") or intent.get("at", "")).endswith("T18:00:00+01:00")


def test_a_vague_time_word_is_not_part_of_the_title() -> None:
    assert (
        read("can Pedro fix the door handle sometime next week")["title"] == "fix the door handle"
    )


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("servilletas, que las reponga Tom", "es", "reponer servilletas"),
        ("las copas, que las limpie Juan esta tarde", "es", "limpiar las copas"),
        ("the bins, Pedro can you take them out", "en", "take the bins out"),
        ("the glasses, Tom put them away", "en", "put the glasses away"),
        ("the oven is filthy, Lucía please clean it", "en", "clean the oven"),
        (
            "the back door keeps sticking, Tom have a look at it",
            "en",
            "have a look at the back door",
        ),
    ],
)
def test_a_topic_said_first_is_the_object_a_pronoun_takes_up(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert intent["kind"] == "create_task"
    assert intent["title"] == title


def test_work_said_as_a_gerund_is_titled_in_the_base_form() -> None:
    assert read("Tom is in charge of restocking the bar")["title"] == "restock the bar"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("oye maria puedes encargarte de llamar al técnico", "llamar al técnico"),
        ("oye Luis me haces el favor de checar el gas al rato", "checar el gas"),
        ("tom tine que lavar los manteles dl comedor", "lavar los manteles del comedor"),
    ],
)
def test_spanish_courtesy_leads_vague_times_and_chat_spellings_leave_the_title(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_a_morning_said_apart_keeps_a_bare_hour_in_the_morning() -> None:
    intent = read("at 6 tomorrow morning remind Lucia to defrost the fish")
    assert intent["at"] == "2025-03-28T06:00:00+01:00"


def test_del_mediodia_after_an_hour_is_part_of_the_time() -> None:
    intent = read("cada día a las 12 del mediodía recuérdale a Luis que compruebe el stock", "es")
    assert intent["text"] == "comprobar el stock"
    assert intent["cron"] == "0 12 * * *"


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("show me everything that's not done yet", "open"),
        ("is there anything juan mora hasn't finished", "person"),
    ],
)
def test_a_denied_done_word_asks_what_is_still_open(text: str, scope: str) -> None:
    intent = read(text)
    assert intent["kind"] == "list_tasks"
    assert intent["scope"] == scope


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("remind Luis at half nine to switch the dishwasher on", "2025-03-28T09:30:00+01:00"),
        (
            "remind Luis tonight at half nine to switch the dishwasher on",
            "2025-03-27T21:30:00+01:00",
        ),
        (
            "remind me tomorrow at half ten in the morning to ring the bank",
            "2025-03-28T10:30:00+01:00",
        ),
        ("remind maria half three this afternoon to collect the keys", "2025-03-27T15:30:00+01:00"),
        ("remind me at half 11 on saturday to water the plants", "2025-03-29T11:30:00+01:00"),
        ("remind Tom tomorrow half eight to open the shutters", "2025-03-28T08:30:00+01:00"),
    ],
)
def test_half_and_an_hour_is_half_past_that_hour(text: str, at: str) -> None:
    assert read(text)["at"] == at


def test_half_before_a_number_that_is_not_a_time_stays_in_the_title() -> None:
    intent = read("Pedro should cut half six of the lemons")
    assert intent["title"] == "cut half six of the lemons"
    assert "due" not in intent


@pytest.mark.parametrize(
    ("text", "language", "at"),
    [
        (
            "remind me in two hours and a half to take the bread out",
            "en",
            "2025-03-27T12:30:00+01:00",
        ),
        ("recuérdame en una hora y media apagar el horno", "es", "2025-03-27T11:30:00+01:00"),
    ],
)
def test_and_a_half_after_a_span_adds_half_the_unit(text: str, language: str, at: str) -> None:
    intent = read(text, language)
    assert intent["at"] == at
    assert "half" not in intent["text"] and "media" not in intent["text"]


@pytest.mark.parametrize(
    ("text", "cron"),
    [
        ("third of every month remind Tom to send the rota", "0 9 3 * *"),
        ("on the twenty-second of each month at 8am remind me to pay the gas", "0 8 22 * *"),
    ],
)
def test_a_day_of_the_month_as_an_ordinal_word_needs_no_article(text: str, cron: str) -> None:
    intent = read(text)
    assert intent["cron"] == cron
    assert "of" not in intent["text"].split()


def test_a_capitalised_name_and_a_street_noun_after_a_number_is_an_address() -> None:
    intent = read("Luis has to fit the new lock at 22 Elm Road on Friday at 10")
    assert intent["title"] == "fit the new lock at 22 Elm Road"
    assert intent["due"] == "2025-03-28T10:00:00+01:00"


def test_a_time_said_before_que_and_the_person_is_the_due_time() -> None:
    intent = read("el sábado a las 8 y media que Lucía riegue las plantas", "es")
    assert intent["title"] == "regar las plantas"
    assert intent["due"] == "2025-03-29T08:30:00+01:00"


@pytest.mark.parametrize(
    ("text", "hour"),
    [
        ("send me the daily summary every morning at 5", 5),
        ("quiero el resumen todas las mañanas a las 6", 6),
    ],
)
def test_every_morning_keeps_a_bare_digest_hour_in_the_morning(text: str, hour: int) -> None:
    intent = read(text, "es" if "resumen" in text else "en")
    assert intent["kind"] == "set_preference"
    assert intent["hour"] == hour


def test_a_recurring_morning_keeps_a_bare_hour_in_the_morning() -> None:
    assert read("every morning at 5 remind Pedro to light the oven")["cron"] == "0 5 * * *"


@pytest.mark.parametrize("word", ["recap", "briefing", "roundup"])
def test_names_of_the_daily_summary_set_the_digest(word: str) -> None:
    intent = read(f"could I have the morning {word} at 7am from now on")
    assert intent["kind"] == "set_preference"
    assert intent["setting"] == "digest"
    assert intent["hour"] == 7


@pytest.mark.parametrize(
    ("text", "language", "enabled"),
    [
        ("stop pinging the team whenever a job is overdue", "en", False),
        ("text the staff if a task is past due", "en", True),
        ("no les escribas a los chicos cuando algo esté atrasado", "es", False),
    ],
)
def test_contacting_people_on_a_condition_of_late_work_is_the_escalation_setting(
    text: str, language: str, enabled: bool
) -> None:
    intent = read(text, language)
    assert intent["kind"] == "set_preference"
    assert intent["setting"] == "escalation"
    assert intent["enabled"] is enabled


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("what am I meant to send you?", "en"),
        ("what could we send this bot", "en"),
        ("is there anything you're able to do for me?", "en"),
        ("¿qué te puedo preguntar?", "es"),
        ("qué sabés hacer exactamente?", "es"),
        ("¿para qué servís?", "es"),
        ("qué se le puede pedir a esto?", "es"),
        ("o que eu devo escrever aqui?", "pt"),
        ("qu'est-ce que vous savez faire ?", "fr"),
    ],
)
def test_a_question_about_what_to_tell_the_bot_or_what_it_does_is_help(
    text: str, language: str
) -> None:
    assert read(text, language, "staff")["kind"] == "help"


@pytest.mark.parametrize(
    ("text", "language"),
    [("what am I supposed to do?", "en"), ("¿qué se supone que tengo que hacer?", "es")],
)
def test_a_question_about_what_i_must_do_is_still_a_task_list(text: str, language: str) -> None:
    assert read(text, language, "staff")["kind"] == "list_tasks"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("sorry I'm not sure what to type", "en"),
        ("la verdad no sé qué ponerte... me echas una mano?", "es"),
        ("não sei o que pedir, me ajuda", "pt"),
        ("je sais pas quoi écrire", "fr"),
    ],
)
def test_not_knowing_what_to_write_or_how_to_use_it_asks_for_help(text: str, language: str) -> None:
    assert read(text, language, "staff")["kind"] == "help"


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("lovely, cheers mate", "en", "acknowledge"),
        ("joya, gracias jefe", "es", "acknowledge"),
        ("go for it lads", "en", "confirm"),
        ("dale, metele", "es", "confirm"),
        ("nah leave it as is", "en", "decline"),
        ("no, déjalo tal cual, tío", "es", "decline"),
    ],
)
def test_regional_acknowledgements_yeses_and_noes_with_a_vocative(
    text: str, language: str, kind: str
) -> None:
    assert read(text, language)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "role", "kind"),
    [
        ("you can turn the messages back on now", "en", "staff", "start_messages"),
        ("podés volver a escribirme", "es", "staff", "start_messages"),
        ("pode reativar as mensagens", "pt", "staff", "start_messages"),
        ("vous pouvez remettre les messages", "fr", "staff", "start_messages"),
        ("enough with the messages", "en", "staff", "stop_messages"),
        ("ya basta de mensajes, gracias", "es", "staff", "stop_messages"),
        ("para com as mensagens", "pt", "staff", "stop_messages"),
        ("ça suffit les messages", "fr", "staff", "stop_messages"),
    ],
)
def test_whether_to_be_written_to_said_around_the_messages(
    text: str, language: str, role: str, kind: str
) -> None:
    assert read(text, language, role)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "role", "scope"),
    [
        ("decime lo que queda por hacer", "es", "admin", "open"),
        ("mostranos lo que falta", "es", "admin", "open"),
        ("¿qué tiene Lucía para hacer mañana?", "es", "admin", "person"),
        ("qu'est-ce qu'il me reste ?", "fr", "staff", "mine"),
        ("o que me falta fazer?", "pt", "staff", "mine"),
    ],
)
def test_what_is_left_to_do_asked_or_shown(text: str, language: str, role: str, scope: str) -> None:
    intent = read(text, language, role)
    assert intent["kind"] == "list_tasks"
    assert intent["scope"] == scope


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("what's the traffic doing this morning", "unknown"),
        ("what's the dishwasher doing?", "unknown"),
        ("what is Claire doing this afternoon", "list_tasks"),
        ("who's busy right now?", "list_tasks"),
    ],
)
def test_a_verb_of_activity_asks_about_work_only_when_said_of_someone(text: str, kind: str) -> None:
    assert read(text, "en", "staff")["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("how can we move up a tier", "en", "upgrade"),
        ("can I see our payment history", "en", "billing"),
        ("¿dónde veo lo que os he pagado?", "es", "billing"),
        ("oye ¿y cómo vamos de consumo este mes?", "es", "usage"),
        ("we run a small bakery, how do we get set up?", "en", "sign_up"),
        ("quiero mi propia cuenta para la peluquería", "es", "sign_up"),
    ],
)
def test_account_requests_in_other_words(text: str, language: str, kind: str) -> None:
    assert read(text, language)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("elimina la 3, al final no la necesitamos", "es", 3),
        ("delete number 6, we sorted it another way", "en", 6),
    ],
)
def test_a_cancelled_number_with_a_reason_after_it(text: str, language: str, number: int) -> None:
    intent = read(text, language)
    assert intent["kind"] == "cancel_task"
    assert intent["number"] == number


@pytest.mark.parametrize(
    ("text", "language", "name", "phone"),
    [
        ("Claire's got a new mobile, 07700 900456", "en", "Claire", "07700 900456"),
        ("Tom has changed his number to 07700 900321", "en", "Tom", "07700 900321"),
        ("Lucía tiene celular nuevo, es el 611 222 333", "es", "Lucía", "611 222 333"),
    ],
)
def test_a_person_who_has_or_changed_a_phone_gets_that_number(
    text: str, language: str, name: str, phone: str
) -> None:
    intent = read(text, language)
    assert intent["kind"] == "update_member"
    assert intent["name"] == name
    assert intent["phone"] == phone


@pytest.mark.parametrize("verb", ["añadí", "incorporá", "sumá"])
def test_a_rioplatense_voseo_add_puts_someone_on_the_team(verb: str) -> None:
    intent = read(f"{verb} a Rocío Díaz al equipo, su número es 611 987 654", "es")
    assert intent["kind"] == "add_member"
    assert intent["name"] == "Rocío Díaz"
    assert intent["phone"] == "611 987 654"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hacela admin a Lucía", "update_member"),
        ("sacá el recordatorio de las verduras", "cancel_reminder"),
    ],
)
def test_rioplatense_voseo_imperatives_of_roles_and_removal(text: str, kind: str) -> None:
    assert read(text, "es")["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("my full name's Claire Martin actually", "en", "Claire Martin"),
        ("en realidad me llamo María José López", "es", "María José López"),
    ],
)
def test_a_name_said_with_a_contraction_or_a_hedge_corrects_it(
    text: str, language: str, value: str
) -> None:
    intent = read(text, language, "staff")
    assert intent["kind"] == "correct_data"
    assert intent["value"] == value


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("hoovered the terrace, all good now", 6),
        ("I just phoned the plumber, he'll come friday", 5),
        ("we've already counted the monthly inventory", 4),
    ],
)
def test_an_english_simple_past_opening_the_message_reports_a_task_done(
    text: str, number: int
) -> None:
    intent = read(text)
    assert intent["kind"] == "complete_task"
    assert intent["number"] == number


def test_the_reporting_verb_alone_does_not_pick_the_task() -> None:
    assert read("phoned the bank about the loan")["kind"] != "complete_task"


@pytest.mark.parametrize(
    ("text", "number"),
    [("la terrasse est lavée", 6), ("les températures du congélateur sont vérifiées", 3)],
)
def test_a_french_participle_agrees_with_the_work_it_reports_done(text: str, number: int) -> None:
    intent = read(text, "fr", "staff")
    assert intent["kind"] == "complete_task"
    assert intent["number"] == number


@pytest.mark.parametrize(
    ("text", "language", "said", "at"),
    [
        (
            "remind the staff tonight at 9 that the delivery comes on Monday",
            "en",
            "the delivery comes on Monday",
            "2025-03-27T21:00:00+01:00",
        ),
        (
            "recuérdale a Pedro esta noche a las 10 que mañana abrimos tarde",
            "es",
            "mañana abrimos tarde",
            "2025-03-27T22:00:00+01:00",
        ),
    ],
)
def test_a_day_said_after_tonight_belongs_to_the_message(
    text: str, language: str, said: str, at: str
) -> None:
    intent = read(text, language)
    assert intent["at"] == at
    assert intent["text"] == said


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("somebody's got to take the recycling out", "en", "take the recycling out"),
        ("somebody'll have to ring the landlord", "en", "ring the landlord"),
        ("whoever closes tonight needs to mop the floor", "en", "mop the floor"),
        ("el que entre primero mañana tiene que encender los hornos", "es", "encender los hornos"),
    ],
)
def test_an_indefinite_or_relative_subject_ends_at_its_modal(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


@pytest.mark.parametrize(
    ("text", "language", "due"),
    [
        ("in half an hour somebody should sweep the yard", "en", "2025-03-27T10:30:00+01:00"),
        ("en media hora alguien tiene que sacar el pan", "es", "2025-03-27T10:30:00+01:00"),
    ],
)
def test_a_time_before_an_indefinite_subject_is_the_due_time(
    text: str, language: str, due: str
) -> None:
    assert read(text, language)["due"] == due


@pytest.mark.parametrize(
    ("text", "title", "who"),
    [
        ("Luis, make the salad dressing", "make the salad dressing", ["Luis"]),
        (
            "Maria can you get the spare keys from the office",
            "get the spare keys from the office",
            ["Maria"],
        ),
        ("can you get Luis to fold the napkins", "fold the napkins", ["Luis"]),
    ],
)
def test_a_causative_verb_before_an_object_is_the_work(
    text: str, title: str, who: list[str]
) -> None:
    intent = read(text)
    assert (intent["title"], intent["assignees"]) == (title, who)


@pytest.mark.parametrize(
    ("text", "field", "said"),
    [
        ("can Luis bring the chairs in", "title", "bring the chairs in"),
        ("Maria should put the heating on by 8", "title", "put the heating on"),
        ("remind me at 5 to turn the fryer on", "text", "turn the fryer on"),
    ],
)
def test_a_phrasal_verbs_particle_after_its_object_is_part_of_the_work(
    text: str, field: str, said: str
) -> None:
    assert read(text)[field] == said


@pytest.mark.parametrize(
    ("text", "field", "said"),
    [
        ("Tom, asegúrate de cerrar la persiana esta noche", "title", "cerrar la persiana"),
        ("que Luis se ocupe de barrer el patio", "title", "barrer el patio"),
        ("que Pedro no se olvide de regar las plantas", "title", "regar las plantas"),
        ("Luis, fíjate de apagar las luces al salir", "title", "apagar las luces"),
        ("recuérdale a Juan que se encargue de sacar la basura", "text", "sacar la basura"),
    ],
)
def test_a_spanish_support_verb_before_de_leaves_the_work(text: str, field: str, said: str) -> None:
    assert read(text, "es")[field] == said


@pytest.mark.parametrize(
    ("text", "field", "said"),
    [
        (
            "recuérdale a Lucía el lunes a las 9 que reparta los folletos",
            "text",
            "repartir los folletos",
        ),
        ("que Tom imprima las etiquetas para mañana", "title", "imprimir las etiquetas"),
        ("avísale a Pedro a las 5 para que mueva las cajas", "text", "mover las cajas"),
    ],
)
def test_an_er_or_ir_subjunctive_is_titled_in_the_infinitive(
    text: str, field: str, said: str
) -> None:
    assert read(text, "es")[field] == said


@pytest.mark.parametrize(
    ("text", "recipients", "said"),
    [
        ("give me a nudge at 4 about the gas bill", ["me"], "the gas bill"),
        ("give Luis a heads up tomorrow at 8 to bring the ladder", ["Luis"], "bring the ladder"),
    ],
)
def test_a_reminder_asked_for_as_a_favour_is_a_reminder(
    text: str, recipients: list[str], said: str
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["recipients"], intent["text"]) == (
        "create_reminder",
        recipients,
        said,
    )


@pytest.mark.parametrize(
    ("text", "recipients", "said"),
    [
        ("¿me avisas el jueves a las 10 de la cita con el banco?", ["me"], "la cita con el banco"),
        ("acordate de recordarle a Tom a las 6 que cierre la caja", ["Tom"], "cerrar la caja"),
        (
            "bueno o sea quiero que le recuerdes a Tom el lunes a las 9 que pida la leche",
            ["Tom"],
            "pedir la leche",
        ),
    ],
)
def test_a_spanish_reminder_asked_as_a_question_or_a_wish_is_a_reminder(
    text: str, recipients: list[str], said: str
) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["recipients"], intent["text"]) == (
        "create_reminder",
        recipients,
        said,
    )


@pytest.mark.parametrize(
    ("text", "recipients"),
    [
        ("avísanos a Pedro y a mí mañana a las 7 de la limpieza", ["Pedro", "me"]),
        ("recuérdale a Tom y a mi el jueves a las 9 que viene el técnico", ["Tom", "me"]),
        ("recuérdale a Tom el lunes que venga a mi casa", ["Tom"]),
    ],
)
def test_a_mi_after_the_people_told_adds_the_sender(text: str, recipients: list[str]) -> None:
    assert read(text, "es")["recipients"] == recipients


@pytest.mark.parametrize(
    ("text", "said", "at"),
    [
        (
            "remind the team on thursday at 7pm that the van leaves at 8 on saturday",
            "the van leaves at 8 on saturday",
            "2025-03-27T19:00:00+01:00",
        ),
        (
            "remind me today at 4 to book the van for tomorrow at 10",
            "book the van for tomorrow at 10",
            "2025-03-27T16:00:00+01:00",
        ),
    ],
)
def test_a_time_inside_the_reminders_content_belongs_to_its_text(
    text: str, said: str, at: str
) -> None:
    intent = read(text)
    assert (intent["text"], intent["at"]) == (said, at)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("for me: renew the van insurance, friday 9am", "en", "renew the van insurance"),
        ("para mí: pagar el seguro del local el lunes", "es", "pagar el seguro del local"),
    ],
)
def test_work_labelled_as_the_senders_own_is_a_note_to_self(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "can you ask Luis to drop the freezer keys at the office",
            "drop the freezer keys at the office",
        ),
        (
            "ask Juan to drop the fridge magnets at the office",
            "drop the fridge magnets at the office",
        ),
    ],
)
def test_a_cancel_word_inside_work_asked_of_someone_is_the_work(text: str, title: str) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


def test_a_causative_verb_before_an_object_after_someone_is_the_work() -> None:
    intent = read("can somebody get the deliveries in before lunch")
    assert (intent["title"], intent["assignees"]) == ("get the deliveries in", [])


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("el viernes a las 5 que Lucía revise el stock", "2025-03-28T17:00:00+01:00"),
        ("mañana a las 10 que Tom pase la fregona", "2025-03-28T10:00:00+01:00"),
    ],
)
def test_a_time_before_que_and_the_person_is_the_due_time(text: str, due: str) -> None:
    assert read(text, "es")["due"] == due


@pytest.mark.parametrize(
    ("text", "title", "who"),
    [
        (
            "hay que limpiar los filtros, que se ocupe Lucía mañana",
            "limpiar los filtros",
            ["Lucía"],
        ),
        ("fregar el almacén antes del viernes, que se encargue Tom", "fregar el almacén", ["Tom"]),
    ],
)
def test_work_handed_on_with_a_support_verb_after_it(text: str, title: str, who: list[str]) -> None:
    intent = read(text, "es")
    assert (intent["title"], intent["assignees"]) == (title, who)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("anybody who's free should restock the fridge", "en", "restock the fridge"),
        ("someone who has a car needs to go to the wholesaler", "en", "go to the wholesaler"),
        ("alguien que tenga coche tiene que ir al mayorista", "es", "ir al mayorista"),
    ],
)
def test_a_relative_clause_after_an_indefinite_subject_is_who_not_what(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


def test_a_nudge_asked_for_is_no_edit_of_the_task_it_names() -> None:
    intent = read("give us a shout at 5 to mop the terrace")
    assert (intent["kind"], intent["text"]) == ("create_reminder", "mop the terrace")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis please switch the milk frother off before you go", "switch the milk frother off"),
        ("Maria can you put the heating on at 7", "put the heating on"),
    ],
)
def test_a_device_switched_on_or_off_is_work_not_an_edit(text: str, title: str) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize("word", ["cancele", "elimine", "asignen", "recuerdes"])
def test_the_subjunctive_of_a_keyword_verb_is_no_typo(word: str) -> None:
    assert fix_typos(Text.of(word)).folded == word


def test_work_asked_in_the_subjunctive_of_a_keyword_verb_keeps_its_verb() -> None:
    intent = read("pídele a Lucía que cancele la reserva del sábado", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "cancelar la reserva del sábado")


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("remind me every monday at 8 to basically check the float", "en", "check the float"),
        ("remind Luis like every day at 5 to count the till", "en", "count the till"),
        ("recuérdale a Tom el lunes a las 9 pues revisar el horno", "es", "revisar el horno"),
    ],
)
def test_a_discourse_filler_before_a_reminders_text_is_not_part_of_it(
    text: str, language: str, said: str
) -> None:
    assert read(text, language)["text"] == said


@pytest.mark.parametrize(
    ("text", "language", "field", "said"),
    [
        ("Tom needs to hose the yard or something", "en", "title", "hose the yard"),
        ("que Luis ordene el almacén y eso", "es", "title", "ordenar el almacén"),
        ("remind me at 4 to water the plants so yeah", "en", "text", "water the plants"),
    ],
)
def test_a_filler_closing_the_sentence_is_not_part_of_the_work(
    text: str, language: str, field: str, said: str
) -> None:
    assert read(text, language)[field] == said


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("add a task, wipe down the menus", "en", "wipe down the menus"),
        ("tarea nueva, fregar el almacén", "es", "fregar el almacén"),
    ],
)
def test_a_task_label_set_off_by_a_comma_leads_the_work(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


def test_a_comma_after_the_spanish_todo_is_no_task_label() -> None:
    assert read("todo, perfecto", "es")["kind"] != "create_task"


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        (
            "every friday at 4 remind me to pay the supplier invoices",
            "en",
            "pay the supplier invoices",
        ),
        (
            "cada lunes a las 10 recuérdame pagar la factura del gas",
            "es",
            "pagar la factura del gas",
        ),
    ],
)
def test_billing_words_in_a_scheduled_reminders_text_are_its_text(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["text"]) == ("create_reminder", said)


def test_a_cancel_word_after_a_reminders_label_is_its_text() -> None:
    intent = read("recordatorio para Tom mañana a las 6: apagar la freidora", "es")
    assert (intent["kind"], intent["text"]) == ("create_reminder", "apagar la freidora")


def test_a_favour_asked_as_a_question_is_a_reminder() -> None:
    intent = read("could you give Luis a nudge at 3 to ring the bank?")
    assert (intent["kind"], intent["recipients"], intent["text"]) == (
        "create_reminder",
        ["Luis"],
        "ring the bank",
    )


@pytest.mark.parametrize(
    ("text", "field", "said"),
    [
        ("Pedro has to clock in at 8", "title", "clock in"),
        ("remind Tom at 6 to log on", "text", "log on"),
    ],
)
def test_a_phrasal_verb_without_an_object_keeps_its_particle(
    text: str, field: str, said: str
) -> None:
    assert read(text)[field] == said


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("new task, wipe the menus", "en", "wipe the menus"),
        ("nueva tarea, fregar la terraza", "es", "fregar la terraza"),
        ("one more job, fold the napkins", "en", "fold the napkins"),
        ("another chore: polish the glasses", "en", "polish the glasses"),
        ("otro encargo, pintar la valla", "es", "pintar la valla"),
    ],
)
def test_a_comma_after_the_task_word_is_a_pause_not_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert intent["kind"] == "create_task"
    assert intent["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("can someone mop the floor, it's filthy", "en", "mop the floor"),
        ("Tom should fix the tap because it drips", "en", "fix the tap"),
        ("new task: clean the grill, there's grease everywhere", "en", "clean the grill"),
        ("Pedro, limpia la plancha, que está muy sucia", "es", "limpiar la plancha"),
        ("que Luis llame al fontanero porque gotea el grifo", "es", "llamar al fontanero"),
        ("que alguien pida hielo urgente que no queda nada", "es", "pedir hielo"),
        ("can somebody fix the door since it's stuck", "en", "fix the door"),
        ("Tom should wipe the tables as they're sticky", "en", "wipe the tables"),
        ("Pedro, repón el papel del baño, no queda", "es", "reponer el papel del baño"),
    ],
)
def test_a_clause_that_says_why_is_not_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


def test_a_relative_clause_without_a_pause_stays_in_the_title() -> None:
    intent = read("Pedro limpia la plancha que está sucia", "es")
    assert intent["title"] == "limpiar la plancha que está sucia"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis, escribí el menú del día", "escribir el menú del día"),
        ("Pedro, poné las sillas en la terraza", "poner las sillas en la terraza"),
        ("Tom, limpiá la barra", "limpiar la barra"),
    ],
)
def test_a_voseo_order_becomes_the_infinitive(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Lucía, mete las sillas dentro", "meter las sillas dentro"),
        ("Juan, enciende el horno", "encender el horno"),
        ("Tom, reparte los menús", "repartir los menús"),
    ],
)
def test_an_order_of_an_er_or_ir_verb_becomes_the_infinitive(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis el viernes friega tú los platos", "fregar los platos"),
        ("María, sube usted las cajas", "subir las cajas"),
        ("Pedro limpia tu taquilla", "limpiar tu taquilla"),
    ],
)
def test_a_subject_stressed_after_an_order_is_not_part_of_the_work(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title", "who"),
    [
        ("hay que pintar la valla, que se ocupe Luis", "es", "pintar la valla", "Luis"),
        ("hay que vaciar el congelador, que se encarguen Tom", "es", "vaciar el congelador", "Tom"),
        ("hay que fregar la cámara, se encarga Juan Mora", "es", "fregar la cámara", "Juan Mora"),
        ("the shelves need dusting, leave it to Lucía", "en", "dust the shelves", "Lucía"),
    ],
)
def test_work_handed_on_after_a_comma_names_who_does_it(
    text: str, language: str, title: str, who: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [who])


@pytest.mark.parametrize(
    ("text", "title", "who"),
    [
        ("Tom needs to move the freezer on monday", "move the freezer", ["Tom"]),
        ("Lucía and Juan Mora should move the milk crates to the cellar tomorrow",
         "move the milk crates to the cellar", ["Lucía", "Juan Mora"]),
        ("María to put the freezer thermometer back at 5pm", "put the freezer thermometer back",
         ["María"]),
    ],
)  # fmt: skip
def test_people_then_an_obligation_give_new_work_not_an_edit(
    text: str, title: str, who: list[str]
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, who)


def test_a_person_who_replaces_another_still_edits_the_task() -> None:
    intent = read("Lucía should do the terrace instead of Juan Mora")
    assert (intent["kind"], intent["number"], intent["assignee"]) == ("edit_task", 6, "Lucía")


@pytest.mark.parametrize(
    ("text", "language", "cron"),
    [
        ("tue/thu at 5pm remind me to order the fish", "en", "0 17 * * 2,4"),
        ("remind Lucía to count the till monday, wednesday and saturday at 11pm", "en",
         "0 23 * * 1,3,6"),
        ("martes y jueves a las 10 recuérdale a Tom pedir el pescado", "es", "0 10 * * 2,4"),
    ],
)  # fmt: skip
def test_several_weekdays_listed_repeat_on_each_of_them(
    text: str, language: str, cron: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["cron"]) == ("create_reminder", cron)


def test_one_weekday_alone_is_once() -> None:
    intent = read("remind me on thursday at 10 to order the fish")
    assert "cron" not in intent and intent["at"] == "2025-04-03T10:00:00+02:00"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("make sure i remember to book the van, nudge me on monday", "book the van"),
        ("set a reminder to defrost the chicken, remind us at 5pm", "defrost the chicken"),
        ("book the van, ping me about that on friday", "book the van"),
    ],
)
def test_the_request_said_again_with_its_object_is_not_the_reminder_text(
    text: str, said: str
) -> None:
    assert read(text)["text"] == said


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("recuérdale a Pedro en dos horitas sacar el pan", "2025-03-27T12:00:00+01:00"),
        ("en 5 minutitos recuérdame bajar el fuego", "2025-03-27T10:05:00+01:00"),
        ("dentro de dos semanitas recuérdame pagar el seguro", "2025-04-10T09:00:00+02:00"),
    ],
)
def test_a_diminutive_time_unit_is_the_unit(text: str, at: str) -> None:
    assert read(text, "es")["at"] == at


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("cada lunes a las 8 recuérdame mirar los recibos", "es", "mirar los recibos"),
        ("tomorrow at noon remind me to pay the card bill", "en", "pay the card bill"),
    ],
)
def test_a_time_then_a_reminder_verb_makes_the_account_words_what_to_remember(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["text"]) == ("create_reminder", said)


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("recordatorio para Luis el lunes a las 8: quitar la escarcha del congelador", "es",
         "quitar la escarcha del congelador"),
        ("reminder for Tom on friday at 6pm: stop the dishwasher", "en",
         "stop the dishwasher"),
    ],
)  # fmt: skip
def test_after_a_reminder_label_and_a_colon_come_its_words_not_an_action(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["text"]) == ("create_reminder", said)


@pytest.mark.parametrize(
    ("text", "cron"),
    [
        ("aviso diario a las 8 para Luis: encender la cafetera", "0 8 * * *"),
        ("recordatorio semanal para Pedro: revisar el extintor", "0 9 * * 4"),
        ("recordatorio mensual: pagar la gestoría", "0 9 1 * *"),
    ],
)
def test_a_spanish_adjective_of_frequency_repeats_the_reminder(text: str, cron: str) -> None:
    assert read(text, "es")["cron"] == cron


def test_the_newspaper_is_not_a_frequency() -> None:
    assert "cron" not in read("recuérdame comprar el diario mañana", "es")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("me avisas el lunes a las 10 de pedir hielo?", "create_reminder"),
        ("me mandas las tareas pendientes?", "list_tasks"),
        ("me haces un recordatorio mañana a las 8 para llamar al técnico?", "create_reminder"),
    ],
)
def test_a_favour_asked_in_the_present_is_the_order(text: str, kind: str) -> None:
    assert read(text, "es")["kind"] == kind


def test_a_modal_asked_in_the_present_is_not_turned_into_an_order() -> None:
    assert read("me puedes recordar el lunes a las 10 pedir hielo?", "es")["text"] == (
        "pedir hielo"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("enséñame la lista de lo que queda por hacer", {"scope": "open"}),
        ("dime lo que le queda a Lucía", {"scope": "person", "person": "Lucía"}),
        ("pásame lo que está pendiente", {"scope": "open"}),
    ],
)
def test_a_que_inside_a_free_relative_orders_no_one(text: str, expected: dict[str, str]) -> None:
    assert read(text, "es") == {"kind": "list_tasks", **expected}


@pytest.mark.parametrize(
    ("text", "language", "number", "title"),
    [
        ("update the name of task 2 to order oat milk", "en", 2, "order oat milk"),
        ("change task 3's title to check both freezers", "en", 3, "check both freezers"),
        ("cámbiale el nombre a la tarea 2 por pedir leche de avena", "es", 2,
         "pedir leche de avena"),
        ("a la 5 ponle de nombre llamar al fontanero", "es", 5, "llamar al fontanero"),
        ("the title of task 2 should be order oat milk", "en", 2, "order oat milk"),
        ("task 3's name is now check both freezers", "en", 3, "check both freezers"),
        ("el nombre de la tarea 5 ahora es avisar al fontanero", "es", 5, "avisar al fontanero"),
    ],
)  # fmt: skip
def test_the_name_of_a_task_changed_is_a_new_title(
    text: str, language: str, number: int, title: str
) -> None:
    assert read(text, language) == {"kind": "edit_task", "number": number, "title": title}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("muévela al viernes entonces", "es", {"due": "2025-03-28T23:59:00+01:00"}),
        ("change task 2 to Lucía then", "en", {"number": 2, "assignee": "Lucía"}),
        ("cambia la 2 a Tom mejor", "es", {"number": 2, "assignee": "Tom"}),
    ],
)
def test_a_correction_marker_after_the_change_is_not_part_of_it(
    text: str, language: str, expected: dict[str, Any]
) -> None:
    assert read(text, language) == {"kind": "edit_task", **expected}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("my bad, wrong one - give that one to Lucía", "en", {"assignee": "Lucía"}),
        ("wrong day, move this one to monday", "en", {"due": "2025-03-31T23:59:00+02:00"}),
        ("perdón, persona equivocada, pásasela a Tom", "es", {"assignee": "Tom"}),
        ("me he equivocado de persona, dásela a Lucía", "es", {"assignee": "Lucía"}),
        ("me equivoqué de hora, ponla a las 6", "es", {"due": "2025-03-27T18:00:00+01:00"}),
    ],
)  # fmt: skip
def test_a_self_correction_before_an_edit_of_the_last_task_is_not_part_of_it(
    text: str, language: str, expected: dict[str, Any]
) -> None:
    assert read(text, language) == {"kind": "edit_task", **expected}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("could task 6 be done by Lucía?", "en", {"number": 6, "assignee": "Lucía"}),
        ("can task 3 be on friday instead?", "en",
         {"number": 3, "due": "2025-03-28T23:59:00+01:00"}),
        ("¿podría la 4 ser el lunes?", "es", {"number": 4, "due": "2025-03-31T23:59:00+02:00"}),
    ],
)  # fmt: skip
def test_a_modal_question_about_a_task_asks_for_the_change(
    text: str, language: str, expected: dict[str, Any]
) -> None:
    assert read(text, language) == {"kind": "edit_task", **expected}


def test_a_modal_question_without_a_task_is_not_an_edit() -> None:
    assert read("could we close early on friday?")["kind"] != "edit_task"


@pytest.mark.parametrize(
    ("text", "language", "number", "due"),
    [
        ("lo de la campana el sábado a las 10, no hoy", "es", 7, "2025-03-29T10:00:00+01:00"),
        ("the fridge cleaning should be at 6pm, not at 4", "en", 1, "2025-03-27T18:00:00+01:00"),
        ("the freezer check should be monday at 8 not tomorrow", "en", 3,
         "2025-03-31T08:00:00+02:00"),
    ],
)  # fmt: skip
def test_a_denied_time_is_the_one_replaced_not_the_new_one(
    text: str, language: str, number: int, due: str
) -> None:
    assert read(text, language) == {"kind": "edit_task", "number": number, "due": due}


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Lucía needs to defrost the walk-in tomorrow", "defrost the walk-in"),
        ("Tom should finish the set-up", "finish the set-up"),
    ],
)
def test_a_word_joined_by_a_hyphen_is_not_a_dangling_preposition(text: str, title: str) -> None:
    assert read(text)["title"] == title


def test_a_frequency_adjective_beside_a_fuller_schedule_is_not_the_reminder_text() -> None:
    intent = read("recordatorio semanal los viernes a las 7 para Tom: vaciar la nevera", "es")
    assert (intent["text"], intent["recipients"], intent["cron"]) == (
        "vaciar la nevera",
        ["Tom"],
        "0 7 * * 5",
    )


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("can someone print the invoices?", "en", "print the invoices"),
        ("que alguien archive las facturas", "es", "archivar las facturas"),
    ],
)
def test_work_asked_of_anyone_about_bills_is_a_task_not_billing(
    text: str, language: str, title: str
) -> None:
    assert read(text, language) == {"kind": "create_task", "title": title, "assignees": []}


def test_asking_whether_anyone_saw_a_bill_is_no_task() -> None:
    assert read("has anyone seen the invoice?")["kind"] != "create_task"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("hang on, make #6 saturday", "en", {"number": 6}),
        ("on second thought make it monday at 9am", "en", {}),
        ("en realidad cámbiala al viernes", "es", {}),
    ],
)
def test_a_correction_lead_before_a_change_is_no_part_of_it(
    text: str, language: str, expected: dict[str, Any]
) -> None:
    intent = read(text, language)
    assert intent["kind"] == "edit_task"
    assert expected.items() <= intent.items()


@pytest.mark.parametrize(
    ("text", "number"), [("set number 6 to saturday", 6), ("change number 4 to count the wine", 4)]
)
def test_the_noun_number_names_a_task(text: str, number: int) -> None:
    intent = read(text)
    assert (intent["kind"], intent["number"]) == ("edit_task", number)


@pytest.mark.parametrize(
    ("text", "language", "number", "title"),
    [
        ("task 5 should read call the electrician", "en", 5, "call the electrician"),
        ("la 3 ahora dice revisar el congelador", "es", 3, "revisar el congelador"),
    ],
)
def test_a_numbered_task_said_to_read_something_new_is_retitled(
    text: str, language: str, number: int, title: str
) -> None:
    assert read(text, language) == {"kind": "edit_task", "number": number, "title": title}


def test_a_numbered_task_said_to_be_a_time_is_moved() -> None:
    intent = read("#6 should be saturday at 10am")
    assert (intent["kind"], intent["number"], intent["due"][:16]) == (
        "edit_task",
        6,
        "2025-03-29T10:00",
    )


@pytest.mark.parametrize(
    ("text", "language", "number", "due"),
    [
        ("ponle hora a la 6: el viernes a las 10", "es", 6, "2025-03-28T10:00"),
        ("set the deadline for task 3 to monday at noon", "en", 3, "2025-03-31T12:00"),
    ],
)
def test_a_date_or_hour_given_by_its_noun_moves_the_task(
    text: str, language: str, number: int, due: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent.get("number"), intent["due"][:16]) == (
        "edit_task",
        number,
        due,
    )


@pytest.mark.parametrize(
    ("text", "language", "number", "due"),
    [
        ("bring the terrace mopping forward to friday at 8am", "en", 6, "2025-03-28T08:00"),
        ("lo del fontanero pasalo al lunes a las 10", "es", 5, "2025-03-31T10:00"),
    ],
)
def test_a_task_named_by_what_it_is_about_is_moved(
    text: str, language: str, number: int, due: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["number"], intent["due"][:16]) == ("edit_task", number, due)


def test_a_person_said_to_take_the_last_task_gets_it() -> None:
    assert read("wait, maria can take this one") == {"kind": "edit_task", "assignee": "maria"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mejor que la friegue Juan Mora", {"assignee": "Juan Mora"}),
        ("que la 3 la revise Pedro mejor", {"number": 3, "assignee": "Pedro"}),
        ("el fontanero lo llama María en vez de Tom", {"number": 5, "assignee": "María"}),
        ("al final la terraza la friega Luis, no Juan", {"number": 6, "assignee": "Luis"}),
    ],
)
def test_a_person_after_a_pronoun_taking_up_the_task_gets_it(
    text: str, expected: dict[str, Any]
) -> None:
    assert read(text, "es") == {"kind": "edit_task", **expected}


def test_a_person_after_a_pronoun_without_a_correction_is_a_new_order() -> None:
    assert read("los vasos, que los friegue Luis", "es")["kind"] == "create_task"


@pytest.mark.parametrize("text", ["mejor muévela al lunes a las 9", "o mejor ponla a las 8"])
def test_a_preferred_change_opened_by_mejor_is_an_edit(text: str) -> None:
    assert read(text, "es")["kind"] == "edit_task"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("please quit sending me texts", "en"),
        ("we do not want to get any more messages from you", "en"),
        ("paren de mandarme mensajes", "es"),
        ("no me escriban nada más, me fui del restaurante", "es"),
        ("me doy de baja de los mensajes", "es"),
        ("desativa as mensagens por favor", "pt"),
        ("annulez les messages, je pars", "fr"),
    ],
)
def test_an_ending_verb_or_a_denial_with_more_before_what_we_send_stops_messages(
    text: str, language: str
) -> None:
    assert read(text, language, "staff") == {"kind": "stop_messages"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("stop sending messages to the customers", "en"),
        ("don't send me the invoices any more", "en"),
        ("no me mandes nunca más fotos del almacén", "es"),
        ("deja de recordarle a Luis lo del vino", "es"),
        ("deja de fregar y escribe mensajes a los clientes", "es"),
    ],
)
def test_sending_something_else_or_to_someone_else_is_not_a_stop(text: str, language: str) -> None:
    assert read(text, language, "staff")["kind"] != "stop_messages"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("please reactivate my messages", "en"),
        ("I unsubscribed by accident, sorry", "en"),
        ("podría recibir mis whatsapps de nuevo", "es"),
        ("cancelé los mensajes por error", "es"),
        ("voltem a me mandar coisas", "pt"),
        ("je voudrais recevoir mes sms de nouveau", "fr"),
    ],
)
def test_a_restart_verb_again_with_the_sending_or_a_stop_undone_starts_messages(
    text: str, language: str
) -> None:
    assert read(text, language, "staff") == {"kind": "start_messages"}


@pytest.mark.parametrize(
    ("text", "language"),
    [("send me that photo again", "en"), ("puedes enviarme de nuevo la foto del recibo", "es")],
)
def test_again_with_something_particular_sent_is_not_a_restart(text: str, language: str) -> None:
    assert read(text, language, "staff")["kind"] != "start_messages"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("our subscription is not enough now that we hired more", "en"),
        ("we've outgrown the starter plan", "en"),
        ("el plan que tenemos ya no nos alcanza", "es"),
        ("la suscripción se nos queda chica, somos doce", "es"),
    ],
)
def test_a_plan_said_to_fall_short_asks_for_an_upgrade(text: str, language: str) -> None:
    assert read(text, language) == {"kind": "upgrade"}


def test_more_capacity_said_in_spanish_asks_for_an_upgrade() -> None:
    assert read("nos hacen falta más plazas en la cuenta", "es") == {"kind": "upgrade"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I run a small bakery, could you get it set up for our staff?", "en"),
        ("tengo una ferretería, ¿cómo configuro esto para mis empleados?", "es"),
    ],
)
def test_setting_this_up_for_my_team_is_a_sign_up(text: str, language: str) -> None:
    assert read(text, language) == {"kind": "sign_up"}


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [("feel free to cross off number 3", "en", 3), ("ya podés tachar la 8", "es", 8)],
)
def test_crossing_a_task_off_the_list_completes_it(text: str, language: str, number: int) -> None:
    assert read(text, language) == {"kind": "complete_task", "number": number}


@pytest.mark.parametrize(
    ("text", "language"),
    [("I'm finished on my end", "en"), ("terminado por acá", "es"), ("fini ici", "fr")],
)
def test_a_bare_done_report_with_words_about_where_is_still_done(text: str, language: str) -> None:
    assert read(text, language, "staff") == {"kind": "complete_task"}


@pytest.mark.parametrize(
    ("text", "language", "number", "assignee"),
    [
        ("#4 should be Pedro's, not Tom's", "en", 4, "Pedro"),
        ("task 6 is now Luis rather than Juan", "en", 6, "Luis"),
        ("la 3 es de Pedro, no de Luis", "es", 3, "Pedro"),
    ],
)
def test_a_task_said_to_be_someones_not_anothers_goes_to_the_first(
    text: str, language: str, number: int, assignee: str
) -> None:
    assert read(text, language) == {"kind": "edit_task", "number": number, "assignee": assignee}


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("hiya pal, could u remind me at 6 to text the plumber", "en", "text the plumber"),
        ("epa compa, recordame en una hora llamar a la gestoría", "es", "llamar a la gestoría"),
    ],
)
def test_a_greeting_or_a_favour_asked_before_remind_is_no_part_of_the_reminder(
    text: str, language: str, said: str
) -> None:
    assert read(text, language, "staff")["text"] == said


def test_a_greeting_before_a_schedule_and_remind_is_no_part_of_the_reminder() -> None:
    intent = read("yo every friday at 8 remind me to count the till", "en", "staff")
    assert (intent["text"], intent["cron"]) == ("count the till", "0 8 * * 5")


@pytest.mark.parametrize(
    ("text", "said", "at"),
    [
        ("¿me recordás mañana a las 9 que tengo que pagar el alquiler?", "pagar el alquiler", "2025-03-28T09:00:00+01:00"),
        ("me recordás a las 6 cerrar la persiana?", "cerrar la persiana", "2025-03-27T18:00:00+01:00"),
    ],
)  # fmt: skip
def test_a_reminder_asked_in_the_voseo_is_a_reminder(text: str, said: str, at: str) -> None:
    intent = read(text, "es", "staff")
    assert (intent["kind"], intent["text"], intent["at"]) == ("create_reminder", said, at)


@pytest.mark.parametrize(
    ("text", "language", "said", "cron"),
    [
        ("every friday at 17h remind everyone that saturday we open at 7", "en", "saturday we open at 7", "0 17 * * 5"),
        ("cada sábado a las 19h recuérdales a todos que el domingo cerramos a las 3", "es", "el domingo cerramos a las 3", "0 19 * * 6"),
        ("cada lunes a las 8 recuérdale a Pedro que a las 10 viene el camión", "es", "a las 10 viene el camión", "0 8 * * 1"),
    ],
)  # fmt: skip
def test_a_time_in_what_the_schedule_said_first_reminds_of_is_part_of_it(
    text: str, language: str, said: str, cron: str
) -> None:
    intent = read(text, language)
    assert (intent["text"], intent["cron"]) == (said, cron)


@pytest.mark.parametrize(
    ("text", "language", "code"),
    [("could you text me in Portuguese again", "en", "pt"), ("quiero recibir mis whatsapps en francés de nuevo", "es", "fr")],
)  # fmt: skip
def test_messages_again_in_a_language_change_the_language(
    text: str, language: str, code: str
) -> None:
    assert read(text, language, "staff") == {
        "kind": "correct_data",
        "field": "language",
        "value": code,
    }


@pytest.mark.parametrize(
    ("text", "language", "title", "due"),
    [
        ("Pedro sweep the yard in the next 3 hours", "en", "sweep the yard", "2025-03-27T13:00"),
        ("Luis, repair the hinge within the hour", "en", "repair the hinge", "2025-03-27T11:00"),
        (
            "Lucía, ordena el almacén en las próximas 4 horas",
            "es",
            "ordenar el almacén",
            "2025-03-27T14:00",
        ),
    ],
)
def test_a_span_counted_from_now_is_the_due_time(
    text: str, language: str, title: str, due: str
) -> None:
    intent = read(text, language)
    assert (intent["title"], intent["due"][:16]) == (title, due)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Tom please file the invoices no later than Friday 5pm", "en", "file the invoices"),
        ("María should ring the landlord by Thursday at the latest", "en", "ring the landlord"),
        ("Pedro tiene que pintar la valla a más tardar el jueves", "es", "pintar la valla"),
    ],
)
def test_a_limit_word_around_the_due_time_is_not_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert intent["title"] == title and "due" in intent


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Would María be able to collect the keys on Friday?", "en", "collect the keys"),
        ("could Pedro possibly repaint the fence?", "en", "repaint the fence"),
        ("would Lucía have time to phone the supplier today?", "en", "phone the supplier"),
        ("Would Luis mind making the coffee at 4pm?", "en", "make the coffee"),
        ("¿Pedro podría ordenar el almacén el lunes?", "es", "ordenar el almacén"),
        ("¿Lucía sería capaz de pintar la valla mañana?", "es", "pintar la valla"),
    ],
)
def test_a_polite_ability_wrapper_around_the_work_is_not_its_title(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, porfa, cambia las sábanas de las camas", "cambiar las sábanas de las camas"),
        ("Lucía, copia los horarios en la pizarra", "copiar los horarios en la pizarra"),
        ("Juan Mora, termina el inventario hoy", "terminar el inventario"),
    ],
)
def test_an_order_whose_verb_ends_like_a_noun_is_read_as_a_verb_before_its_object(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_a_noun_opening_the_work_without_a_determiner_after_it_stays_a_noun() -> None:
    assert read("Pedro, limpieza del almacén el lunes", "es")["title"] == "limpieza del almacén"


@pytest.mark.parametrize(
    ("text", "language", "title", "assignees"),
    [
        (
            "the boiler pressure in unit 7 has to be checked by Lucía on Monday at 9am",
            "en",
            "check the boiler pressure in unit 7",
            ["Lucía"],
        ),
        (
            "The back gate must be painted by Pedro on Friday",
            "en",
            "paint the back gate",
            ["Pedro"],
        ),
        (
            "Tom, the staff kitchen needs to be tidied by 4pm",
            "en",
            "tidy the staff kitchen",
            ["Tom"],
        ),
        (
            "el almacén tiene que ser ordenado por Lucía el viernes",
            "es",
            "ordenar el almacén",
            ["Lucía"],
        ),
        (
            "la terraza tiene que quedar limpia antes de las 8, Pedro",
            "es",
            "limpiar la terraza",
            ["Pedro"],
        ),
    ],
)
def test_work_said_as_the_state_its_object_must_be_left_in_is_new_work(
    text: str, language: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )
    assert "due" in intent


def test_a_passive_with_a_bare_pronoun_for_its_object_is_no_task() -> None:
    assert read("it has to be done by Pedro")["kind"] != "create_task"


def test_a_name_after_the_doers_verb_is_the_works_object_not_another_doer() -> None:
    intent = read("María should hand Pedro the spare keys tomorrow")
    assert (intent["title"], intent["assignees"]) == ("hand Pedro the spare keys", ["María"])


def test_names_joined_by_and_are_all_doers() -> None:
    assert read("Lucía y a Pedro: ordenar el almacén", "es")["assignees"] == ["Lucía", "Pedro"]


@pytest.mark.parametrize(
    ("text", "language", "title", "assignees"),
    [
        (
            "The gas certificate is due next month. Pedro should send Lucía the paperwork by Monday.",
            "en",
            "send Lucía the paperwork",
            ["Pedro"],
        ),
        (
            "Se rompió la cafetera. Pedro llama al técnico el lunes a las 9",
            "es",
            "llamar al técnico",
            ["Pedro"],
        ),
    ],
)
def test_a_sentence_setting_the_scene_before_the_order_is_not_the_task(
    text: str, language: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


def test_a_scene_before_a_reminder_is_not_what_it_says() -> None:
    intent = read(
        "The new menu starts on Monday. Remind everyone on Sunday at 6pm that the menu changes."
    )
    assert (intent["kind"], intent["text"]) == ("create_reminder", "the menu changes")


def test_two_orders_in_two_sentences_are_not_cut_to_one() -> None:
    # Each is a task of its own now (tests/domain/test_several_orders.py).
    intent = read("Tom should sweep the yard. Pedro should paint the gate.")
    assert (intent["title"], intent["also"][0]["title"]) == ("sweep the yard", "paint the gate")


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Pedro, could you test the fire alarm tomorrow?", "en", "test the fire alarm"),
        (
            "Lucía tiene que revisar la alarma de incendios el lunes",
            "es",
            "revisar la alarma de incendios",
        ),
    ],
)
def test_an_alarm_that_is_a_device_is_work_not_a_reminder(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        (
            "María, when you're at the bakery later could you pick up the bread order?",
            "en",
            "pick up the bread order",
        ),
        (
            "Pedro, cuando pases por el banco puedes ingresar la caja?",
            "es",
            "ingresar la caja",
        ),
    ],
)
def test_a_when_clause_before_the_request_without_a_comma_is_not_the_work(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "role", "title"),
    [
        (
            "fill in the accident book for the fall in room 3",
            "staff",
            "fill in the accident book for the fall in room 3",
        ),
        ("renew the parking permits", "admin", "renew the parking permits"),
    ],
)
def test_a_bare_order_of_work_is_a_task_for_nobody_yet(text: str, role: str, title: str) -> None:
    assert read(text, role=role) == {"kind": "create_task", "title": title, "assignees": []}


def test_a_bare_verb_before_a_person_is_not_an_order_of_work() -> None:
    assert read("call me later")["kind"] != "create_task"


@pytest.mark.parametrize(
    ("text", "language", "due"),
    [
        ("Pedro must repaint the sign next Thursday at 5pm", "en", "2025-04-03T17:00"),
        (
            "Lucía tiene que ordenar el almacén el jueves que viene a las 11",
            "es",
            "2025-04-03T11:00",
        ),
    ],
)
def test_the_coming_weekday_said_on_that_weekday_is_next_weeks(
    text: str, language: str, due: str
) -> None:
    assert read(text, language)["due"][:16] == due


def test_de_manana_after_a_noun_says_which_ones_not_when() -> None:
    intent = read("Pedro tiene que revisar las reservas de mañana", "es")
    assert intent["title"] == "revisar las reservas de mañana" and "due" not in intent


def test_antes_de_manana_is_still_a_time() -> None:
    assert read("Pedro tiene que revisar las reservas antes de mañana", "es")["due"][:10] == (
        "2025-03-28"
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("turn my alerts back on, I'm off sick leave now", "en"),
        ("can I have the texts again please", "en"),
        ("vuelve a activar mis notificaciones, ya estoy de vuelta", "es"),
        ("quiero las alertas de nuevo", "es"),
        ("quero os avisos de novo", "pt"),
        ("je veux les notifications de nouveau", "fr"),
    ],
)
def test_the_senders_notifications_turned_back_on_start_the_messages(
    text: str, language: str
) -> None:
    assert read(text, language, "staff") == {"kind": "start_messages"}


def test_notifications_named_by_a_reminders_words_resume_that_reminder() -> None:
    assert read("vuelve a activar los avisos de las verduras", "es") == {
        "kind": "resume_reminder",
        "number": 2,
    }


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("where do I see all the charges from March", "en"),
        ("quiero ver los cargos del mes pasado", "es"),
        ("enséñame los cobros de marzo", "es"),
    ],
)
def test_charges_are_a_billing_question(text: str, language: str) -> None:
    assert read(text, language) == {"kind": "billing"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how much have we consumed in April", "en"),
        ("cuánto he consumido en marzo", "es"),
        ("cuánto llevamos gastado del mes", "es"),
    ],
)
def test_how_much_the_sender_has_consumed_is_a_usage_question(text: str, language: str) -> None:
    assert read(text, language) == {"kind": "usage"}


@pytest.mark.parametrize(
    ("text", "language", "role"),
    [
        ("which jobs should have been finished already?", "en", "admin"),
        ("what's past its due date?", "en", "admin"),
        ("qué cosas ya deberían estar terminadas?", "es", "admin"),
        ("hay algo que se pasó de fecha?", "es", "admin"),
        ("tenho alguma tarefa que já devia estar pronta?", "pt", "staff"),
        ("est-ce que j'ai des tâches qui auraient dû être finies ?", "fr", "staff"),
    ],
)
def test_work_that_should_already_be_done_asks_for_the_overdue_list(
    text: str, language: str, role: str
) -> None:
    assert read(text, language, role) == {"kind": "list_tasks", "scope": "overdue"}


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        (
            "every Monday at 10am remind Lucía to text the fish supplier",
            "en",
            "text the fish supplier",
        ),
        ("each Friday at 5pm remind Tom to send the timesheets", "en", "send the timesheets"),
        ("cada lunes a las 10 recuérdale a Pedro enviar el pedido", "es", "enviar el pedido"),
    ],
)
def test_a_sending_verb_after_remind_someone_to_is_what_to_remember(
    text: str, language: str, said: str
) -> None:
    assert read(text, language)["text"] == said


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "The new fridge arrives on Thursday and nobody knows where it goes. Can you"
            " remind Tom tomorrow at 10 that it goes in the back kitchen.",
            "en",
            {"recipients": ["Tom"], "text": "it goes in the back kitchen"},
        ),
        (
            "Siempre se nos pasa lo del gas. Recuérdale a Ana cada lunes a las 9 que"
            " revise la caldera.",
            "es",
            {"recipients": ["Ana"], "text": "revisar la caldera", "cron": "0 9 * * 1"},
        ),
    ],
)
def test_sentences_setting_the_scene_are_not_part_of_the_reminder(
    text: str, language: str, expected: dict[str, Any]
) -> None:
    intent = read(text, language)
    assert intent["kind"] == "create_reminder"
    assert {key: intent[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("envíame un recordatorio mañana a las 7 para llamar a Pedro", "es", "llamar a Pedro"),
        (
            "ponme un aviso el lunes a las 9 para revisar la caja fuerte",
            "es",
            "revisar la caja fuerte",
        ),
        ("set me a reminder on Monday at 9 to call the accountant", "en", "call the accountant"),
        ("mándame un toque el jueves a las 8 para vaciar la nevera", "es", "vaciar la nevera"),
    ],
)
def test_a_reminder_sent_or_set_for_me_is_mine(text: str, language: str, said: str) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["recipients"], intent["text"]) == (
        "create_reminder",
        ["me"],
        said,
    )


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        (
            "send me a reminder tomorrow at 6pm to count the till with Lucía",
            "en",
            "count the till with Lucía",
        ),
        (
            "mándame un recordatorio el sábado a las 11 para hacer el pedido con Luis",
            "es",
            "hacer el pedido con Luis",
        ),
    ],
)
def test_a_name_inside_what_to_remember_is_not_who_is_told(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["recipients"], intent["text"]) == (["me"], said)


@pytest.mark.parametrize(
    ("text", "language", "number", "due"),
    [
        ("could we push the terrace mopping to monday at 11am?", "en", 6, "2025-03-31T11:00"),
        ("can you move the inventory to saturday at 9?", "en", 4, "2025-03-29T09:00"),
        ("¿podemos cambiar la campana al lunes a las 10?", "es", 7, "2025-03-31T10:00"),
    ],
)
def test_a_change_asked_with_a_modal_question_edits_the_task(
    text: str, language: str, number: int, due: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["number"], intent["due"][:16]) == ("edit_task", number, due)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("la terraza que la friegue Luis", {"number": 6, "assignee": "Luis"}),
        ("el fontanero, que lo llame María", {"number": 5, "assignee": "María"}),
    ],
)
def test_an_open_tasks_own_work_said_again_for_someone_hands_it_on(
    text: str, expected: dict[str, Any]
) -> None:
    assert read(text, "es") == {"kind": "edit_task", **expected}


@pytest.mark.parametrize(
    "text", ["las mesas de fuera, que las limpie Pedro", "la nevera, que la mueva Luis"]
)
def test_other_work_on_a_topic_taken_up_by_a_pronoun_is_new_work(text: str) -> None:
    assert read(text, "es")["kind"] == "create_task"


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("pedro mop the cellar floor b4 we close tmrrw", "mop the cellar floor", "2025-03-28T23:59:00+01:00"),
        ("Lucía can u fold the napkins 2mrw", "fold the napkins", "2025-03-28T23:59:00+01:00"),
    ],
)  # fmt: skip
def test_text_speak_for_time_words_is_read_as_the_words(text: str, title: str, due: str) -> None:
    intent = read(text)
    assert (intent["title"], intent["due"]) == (title, due)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Pedro needs to cover the terrace chairs before it rains", "en", "cover the terrace chairs"),
        ("Lucía tiene que regar las macetas antes de que cierre el local", "es", "regar las macetas"),
        ("que Tom limpie la vitrina hasta que brille", "es", "limpiar la vitrina"),
    ],
)  # fmt: skip
def test_a_time_clause_with_its_own_subject_after_the_work_is_not_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


def test_before_a_noun_keeps_the_occasion_in_the_title() -> None:
    assert read("Juan needs to polish the glasses before the wedding")["title"] == (
        "polish the glasses before the wedding"
    )


def test_gotta_before_a_phrasal_verb_leaves_the_work_with_its_particle() -> None:
    intent = read("gotta bring the bins in by 6 tonight, Pedro")
    assert (intent["title"], intent["assignees"], intent["due"]) == (
        "bring the bins in",
        ["Pedro"],
        "2025-03-27T18:00:00+01:00",
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis's gotta pick up the bread from the bakery at 8", "pick up the bread from the bakery"),
        ("María's got to ring the landlord in 20 mins", "ring the landlord"),
    ],
)  # fmt: skip
def test_a_name_with_a_contracted_has_before_a_modal_gives_work(text: str, title: str) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    ("text", "language", "title", "assignees"),
    [
        ("Pedro, any chance you could restock the minibar?", "en", "restock the minibar", ["Pedro"]),
        ("is there any chance Luis can sand the bar top?", "en", "sand the bar top", ["Luis"]),
        ("would it be possible for Claire to iron the tablecloths?", "en", "iron the tablecloths", ["Claire"]),
        ("do you reckon Juan Mora could paint the gate?", "en", "paint the gate", ["Juan Mora"]),
        ("any chance someone could water the herbs?", "en", "water the herbs", []),
        ("¿habrá chance de que Pedro lave los manteles?", "es", "lavar los manteles", ["Pedro"]),
        ("¿crees que María podría pintar la reja?", "es", "pintar la reja", ["María"]),
    ],
)  # fmt: skip
def test_a_hedged_request_is_the_request(
    text: str, language: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


@pytest.mark.parametrize(
    "text", ["do you think Pedro finished the minibar?", "reckon Luis can't sand the bar top"]
)
def test_a_hedge_before_no_modal_or_a_denied_one_asks_nothing_of_anyone(text: str) -> None:
    assert read(text)["kind"] != "create_task"


def test_arvo_is_the_afternoon() -> None:
    intent = read("Lucía, hoover the lounge tomorrow arvo")
    assert (intent["title"], intent["due"]) == ("hoover the lounge", "2025-03-28T16:00:00+01:00")


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Pedro podrá fregar la cámara mañana a las 8?", "es", "fregar la cámara"),
        ("Lucía podría doblar las servilletas?", "es", "doblar las servilletas"),
        ("Juan Mora podés cortar el césped?", "es", "cortar el césped"),
        ("Claire could wipe down the menus tonight?", "en", "wipe down the menus"),
    ],
)
def test_a_soft_modal_after_the_name_asks_for_the_work_after_it(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "title", "assignees"),
    [
        ("mire Pedro, cuelgue los delantales", "colgar los delantales", ["Pedro"]),
        ("oiga Lucía, riegue las plantas del patio", "regar las plantas del patio", ["Lucía"]),
        ("Juan y Luis, saquen la basura del bar", "sacar la basura del bar", ["Juan", "Luis"]),
        ("oye Tom, lave los trapos", "lavar los trapos", ["Tom"]),
    ],
)
def test_a_usted_order_is_titled_in_the_infinitive(
    text: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, "es")
    assert (intent["title"], intent["assignees"]) == (title, assignees)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Pedro, barre al tiro la entrada", "es", "barrer la entrada"),
        ("oiga Lucía, revise ahorita la caldera", "es", "revisar la caldera"),
        ("María, pon ya mismo la mesa 3", "es", "poner la mesa 3"),
        ("Luis, restock asap the bar fridge", "en", "restock the bar fridge"),
    ],
)
def test_how_soon_said_after_the_verb_is_no_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Lucía, move the chairs on floor 2 by 11am, the inspector comes at 12", "move the chairs on floor 2", "2025-03-27T11:00:00+01:00"),
        ("Pedro, change the towels in suite 3 by 5pm", "change the towels in suite 3", "2025-03-27T17:00:00+01:00"),
    ],
)  # fmt: skip
def test_a_number_labelling_a_thing_or_telling_a_time_names_no_task(
    text: str, title: str, due: str
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["due"]) == ("create_task", title, due)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Juan, wipe the bar, the punters are coming in at 7", "en", "wipe the bar"),
        ("Tom, dust the shelves, the tills and the door", "en", "dust the shelves, the tills and the door"),
        ("Lucía, prepara las toallas, los huéspedes llegan a mediodía", "es", "preparar las toallas"),
    ],
)  # fmt: skip
def test_a_clause_about_something_else_after_a_comma_is_no_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Luis needs to polish the brass before the guests arrive", "en", "polish the brass"),
        (
            "Pedro needs to order more gas, the bottle's been empty since monday",
            "en",
            "order more gas",
        ),
        ("que Lucía cierre la caja antes de irse", "es", "cerrar la caja"),
    ],
)
def test_a_clause_with_a_noun_subject_after_the_work_is_no_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "number", "title"),
    [
        ("change 5 so it reads restock the towel shelf", "en", 5, "restock the towel shelf"),
        ("update task 2 to say hose down the yard", "en", 2, "hose down the yard"),
        ("cambia la 4 para que ponga barrer el almacén", "es", 4, "barrer el almacén"),
    ],
)
def test_a_task_changed_so_it_says_something_takes_that_as_its_title(
    text: str, language: str, number: int, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["number"], intent["title"]) == ("edit_task", number, title)


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("I must change the payment info for the salon account", "en", "billing"),
        ("how many reminders have we sent this month?", "en", "usage"),
        ("have I reached the cap for this month", "en", "usage"),
        ("cuántos recordatorios llevamos mandados este mes", "es", "usage"),
        ("¿ya llegamos al tope?", "es", "usage"),
        ("how can we get our bakery on here?", "en", "sign_up"),
        ("tengo un taller y quiero darme de alta en la aplicación", "es", "sign_up"),
    ],
)
def test_account_questions_in_other_words(text: str, language: str, kind: str) -> None:
    assert read(text, language)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("stop texting this number", "stop_messages"),
        ("can I get my updates again", "start_messages"),
        ("sharp", "acknowledge"),
    ],
)
def test_messages_to_this_number_and_updates_again(text: str, kind: str) -> None:
    assert read(text)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("remind me at 6 to feed the fish haha", "en", "feed the fish"),
        ("mi amor, recuérdame a las 4 llamar al fontanero", "es", "llamar al fontanero"),
        ("right, remind me at 3 to lock the gate", "en", "lock the gate"),
        ("reminder for me tomorrow 10:15 ➡ ring the landlord", "en", "ring the landlord"),
    ],
)
def test_chat_fillers_addresses_and_arrows_are_no_part_of_a_reminder(
    text: str, language: str, said: str
) -> None:
    assert read(text, language)["text"] == said


@pytest.mark.parametrize(
    ("text", "language", "at", "said"),
    [
        ("recuérdame el viernes 11 a las 10 pagar el alquiler", "es", "2025-04-11T10:00:00+02:00", "pagar el alquiler"),
        ("remind me on monday 31st at 8 to order the salt", "en", "2025-03-31T08:00:00+02:00", "order the salt"),
    ],
)  # fmt: skip
def test_a_weekday_with_its_day_of_the_month_names_that_date(
    text: str, language: str, at: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["at"], intent["text"]) == (at, said)


def test_a_weekday_with_a_number_that_is_not_its_date_keeps_the_number() -> None:
    intent = read("remind me friday 2 to call Joe")
    assert intent["at"].startswith("2025-03-28")


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("recuérdame el lunes, o sea, a las 8, que viene el técnico", "es", "viene el técnico"),
        ("remind me tomorrow, you know, at 7 to call the vet", "en", "call the vet"),
    ],
)
def test_a_filler_set_off_by_commas_is_dropped(text: str, language: str, said: str) -> None:
    assert read(text, language)["text"] == said


@pytest.mark.parametrize(
    ("text", "language", "who", "said"),
    [
        ("make sure Lucía gets a reminder at 4:15 to water the plants", "en", ["Lucía"], "water the plants"),
        ("que le llegue a Pedro un recordatorio el viernes a las 9 para pagar al proveedor", "es", ["Pedro"], "pagar al proveedor"),
        ("quiero que a María le llegue un aviso cada lunes a las 8 para abrir la tienda", "es", ["María"], "abrir la tienda"),
    ],
)  # fmt: skip
def test_a_reminder_said_to_reach_someone_is_one_for_them(
    text: str, language: str, who: list[str], said: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["recipients"], intent["text"]) == ("create_reminder", who, said)


def test_asking_whether_a_reminder_reached_someone_sets_none() -> None:
    assert read("did Pedro get the reminder at 10")["kind"] != "create_reminder"


def test_a_voice_note_sent_to_me_to_remember_is_a_voice_reminder() -> None:
    intent = read(
        "mándame una nota de voz el jueves a las 7 para acordarme de llamar al banco", "es"
    )
    assert (intent["kind"], intent["text"], intent["delivery"], intent["recipients"]) == (
        "create_reminder",
        "llamar al banco",
        "voice",
        ["me"],
    )


def test_cuando_sean_las_tells_the_hour() -> None:
    intent = read("avísame cuando sean las 6 para apagar el horno", "es")
    assert (intent["text"], intent["at"]) == ("apagar el horno", "2025-03-27T18:00:00+01:00")


def test_tonight_after_an_hour_with_pm_means_today() -> None:
    intent = read("remind everyone at 8pm tonight that the boiler is off tomorrow")
    assert (intent["at"], intent["text"]) == (
        "2025-03-27T20:00:00+01:00",
        "the boiler is off tomorrow",
    )


@pytest.mark.parametrize(
    ("text", "language", "who", "said"),
    [
        ("Luis, I'll send you a reminder: Monday 9am, order the gas bottles", "en", ["Luis"], "order the gas bottles"),
        ("María, te pongo un aviso el sábado a las 10: barrer el patio", "es", ["María"], "barrer el patio"),
    ],
)  # fmt: skip
def test_a_reminder_the_sender_sets_for_you_is_for_whom_the_message_named(
    text: str, language: str, who: list[str], said: str
) -> None:
    intent = read(text, language)
    assert (intent["recipients"], intent["text"]) == (who, said)


def test_scots_the_morra_is_tomorrow_and_tae_is_to() -> None:
    intent = read("remind Maria the morra at 10 tae phone the joiner")
    assert (intent["at"], intent["text"]) == ("2025-03-28T10:00:00+01:00", "phone the joiner")


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Pedro, phone the landlord, erm, about the leak in the roof", "en", "phone the landlord about the leak in the roof"),
        ("Lucía, llama al gestor, eh, por lo de la factura", "es", "llamar al gestor por lo de la factura"),
    ],
)  # fmt: skip
def test_the_commas_around_a_filler_taken_out_go_with_it(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Maria, rewash the table linen, stains stayed in", "en", "rewash the table linen"),
        ("Luis, lock the side gate tonight, you lot forgot it yesterday", "en", "lock the side gate"),
        ("Tom, clean the ovens, doors and trays", "en", "clean the ovens, doors and trays"),
        ("Pedro, cambia los grifos del baño, gotean toda la noche", "es", "cambiar los grifos del baño"),
    ],
)  # fmt: skip
def test_a_comment_without_an_article_after_the_comma_is_no_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


def test_a_word_of_pausing_after_an_article_names_a_thing() -> None:
    intent = read("Pedro, could you move the skip lorry keys to the office before noon")
    assert intent["kind"] == "create_task"


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Ana do one thing, label the spice jars tomorrow", "en", "label the spice jars"),
        ("Luis, please collect the boxes from the depot just now", "en", "collect the boxes from the depot"),
        ("Tom, could ye hoover the stairs", "en", "hoover the stairs"),
        ("Luis must still pay the gardener, ja", "en", "pay the gardener"),
        ("causa Pedro, al toque lava los trapos pe", "es", "lavar los trapos"),
        ("Ana y Tom, para el finde hay que vaciar el congelador", "es", "vaciar el congelador"),
    ],
)  # fmt: skip
def test_openers_fillers_and_time_residue_of_regional_chat_are_no_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("task: book the van service next week", "en", "book the van service"),
        ("tarea: revisar los extintores la semana que viene", "es", "revisar los extintores"),
        ("new task sweep the yard every evening", "en", "sweep the yard every evening"),
    ],
)  # fmt: skip
def test_a_time_said_in_words_at_the_end_of_a_labelled_task_is_no_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


def test_the_you_do_of_an_er_or_ir_order_reads_as_its_infinitive() -> None:
    intent = read("Pedro, el viernes a las 9 barres tú el patio", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "barrer el patio")


def test_a_colon_between_hours_and_minutes_is_no_label() -> None:
    intent = read("Lucía, a las 10:15 sube las sillas a la terraza", "es")
    assert (intent["title"], intent["due"]) == (
        "subir las sillas a la terraza",
        "2025-03-27T10:15:00+01:00",
    )


def test_a_handing_verb_after_a_person_spoken_to_is_an_order_not_a_change() -> None:
    intent = read("Juan Mora, esta noche pasa la mopa por la terraza", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "pasar la mopa por la terraza")


@pytest.mark.parametrize(
    ("text", "language", "title", "assignees"),
    [
        ("new task Lucía Gómez - restock the paper towels", "en", "restock the paper towels", ["Lucía Gómez"]),
        ("todo: luis fix the squeaky door", "en", "fix the squeaky door", ["luis"]),
        ("tarea nueva Pedro barrer el almacén", "es", "barrer el almacén", ["Pedro"]),
        ("task: Tom's leaving card", "en", "Tom's leaving card", []),
    ],
)  # fmt: skip
def test_a_roster_name_after_a_task_lead_then_the_work_is_who_does_it(
    text: str, language: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["title"], intent["assignees"]) == (title, assignees)


def test_a_time_said_sharp_is_on_the_dot() -> None:
    intent = read("Luis friday 6pm sharp lock up the warehouse")
    assert (intent["title"], intent["due"]) == (
        "lock up the warehouse",
        "2025-03-28T18:00:00+01:00",
    )


def test_a_chat_weekday_before_a_clock_time_is_that_day() -> None:
    intent = read("for Ana: wax the floors sun 8am")
    assert (intent["title"], intent["due"]) == ("wax the floors", "2025-03-30T08:00:00+02:00")


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Luis is on the bar tonight, restock the fridges before 6pm", "en", "restock the fridges"),
        ("Ana the bins out back are overflowing, empty them when you get a chance", "en", "empty them"),
        ("Pedro, clean the fryer, wipe the hood", "en", "clean the fryer, wipe the hood"),
    ],
)  # fmt: skip
def test_what_is_so_then_a_comma_and_an_order_titles_the_order(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


def test_a_contraction_tail_is_no_chat_abbreviation() -> None:
    intent = read("I'd like Lucía to sort the recycling by 5pm")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "sort the recycling",
        ["Lucía"],
    )


def test_noting_down_before_a_colon_is_a_note_to_self() -> None:
    intent = read("me anoto: pedir presupuesto al fontanero", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "pedir presupuesto al fontanero",
        [],
    )


@pytest.mark.parametrize(
    ("text", "language", "due"),
    [
        ("Pasado mañana temprano, Lucía y Tom montan las estanterías", "es", "2025-03-29T09:00:00+01:00"),
        ("Luis, clear the gutters the morra at 10", "en", "2025-03-28T10:00:00+01:00"),
    ],
)  # fmt: skip
def test_a_day_said_early_or_in_scots_is_that_day(text: str, language: str, due: str) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["due"]) == ("create_task", due)
    assert "temprano" not in intent["title"] and "morra" not in intent["title"]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana needs to set out the mats before the morning session", "set out the mats"),
        ("Pedro has to hoover the hall before the dinner crowd", "hoover the hall"),
        ("Lucía needs to iron the tablecloths before the christening", "iron the tablecloths before the christening"),
    ],
)  # fmt: skip
def test_before_a_time_of_the_day_says_when_not_the_occasion(text: str, title: str) -> None:
    assert read(text)["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Ana, poned las mesas del patio pal sábado", "es", "poner las mesas del patio"),
        ("Tom, get a leaving card for my pal Luis", "en", "get a leaving card for my pal Luis"),
        ("Tom, book the sports hall for PE", "en", "book the sports hall for PE"),
    ],
)  # fmt: skip
def test_chat_words_that_are_also_english_nouns_are_read_only_where_they_fit(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


def test_an_unknown_verb_before_a_comma_and_an_order_is_work_too() -> None:
    assert (
        read("Tom, wax the floor, polish the brass")["title"] == "wax the floor, polish the brass"
    )


def test_a_change_of_day_said_to_a_person_spoken_to_is_still_a_change() -> None:
    intent = read("Luis, push the freezer check to friday")
    assert (intent["kind"], intent["number"]) == ("edit_task", 3)


def test_a_change_verb_said_to_a_person_with_no_new_day_or_person_is_an_order() -> None:
    intent = read("Luis, put the coffee beans away before lunch")
    assert (intent["kind"], intent["title"]) == ("create_task", "put the coffee beans away")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("are we nearly out of voice messages? feels like it", "en"),
        ("do we have any audio notes left this month", "en"),
        ("nos quedan notas de voz?", "es"),
        ("ya se nos acaban los mensajes de voz?", "es"),
    ],
)  # fmt: skip
def test_what_the_plan_counts_asked_as_what_is_left_is_usage(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "usage"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("did I go over the monthly limit already?", "en"),
        ("are we close to our quota?", "en"),
        ("ya superamos el tope?", "es"),
        ("creo que vamos a rebasar el cupo", "es"),
    ],
)  # fmt: skip
def test_going_over_the_allowance_is_usage(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "usage"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how many more reminders can we set up this month?", "en"),
        ("cuántos recordatorios más puedo poner?", "es"),
    ],
)  # fmt: skip
def test_how_many_more_tasks_can_be_made_is_usage(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "usage"


@pytest.mark.parametrize(
    ("text", "language"),
    [("how many tasks have I got left?", "en"), ("qué tareas le quedan a Ana?", "es")],
)
def test_tasks_left_without_more_or_the_month_are_still_a_list(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "list_tasks"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can I export last year's receipts somehow?", "en"),
        ("dónde puedo descargar los recibos de enero?", "es"),
    ],
)  # fmt: skip
def test_downloading_papers_of_what_was_paid_is_billing_not_export(
    text: str, language: str
) -> None:
    assert read(text, language)["kind"] == "billing"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("me mandas el justificante de pago de noviembre?", "es"),
        ("I need a proof of payment for the bookkeeper", "en"),
    ],
)  # fmt: skip
def test_a_proof_of_payment_is_billing(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


@pytest.mark.parametrize(
    ("text", "language"),
    [("do you do a trial period? we run a small gym", "en"), ("hay versión de prueba?", "es")],
)
def test_asking_for_a_trial_is_signing_up(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "sign_up"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("keen to test the app with our kitchen crew", "en"),
        ("me gustaría probar la app con mi gente de la panadería", "es"),
    ],
)  # fmt: skip
def test_trying_the_service_with_ones_own_people_is_signing_up(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "sign_up"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how could our little bakery use this?", "en"),
        ("qué tengo que hacer para que mi peluquería utilice esto", "es"),
    ],
)  # fmt: skip
def test_ones_own_business_using_the_service_is_signing_up(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "sign_up"


def test_the_voseo_acordame_de_asks_for_a_reminder() -> None:
    intent = read("acordame el jueves a las 8 de renovar el seguro de la furgo", "es")
    assert (intent["kind"], intent["text"], intent["recipients"]) == (
        "create_reminder",
        "renovar el seguro de la furgo",
        ["me"],
    )


@pytest.mark.parametrize(
    "text",
    [
        "el primer día de cada mes a las 8 recuérdame pasar la nómina",
        "cada día 1 a las 8 recuérdame pasar la nómina",
    ],
)
def test_the_first_day_of_each_month_said_in_other_words_is_monthly(text: str) -> None:
    intent = read(text, "es")
    assert (intent["cron"], intent["text"]) == ("0 8 1 * *", "pasar la nómina")


def test_an_hour_after_cada_dia_is_still_daily() -> None:
    assert read("recuérdame cada día 7:15 regar el huerto", "es")["cron"] == "15 7 * * *"


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("hágame el favor y me recuerda a las 11 lo del pedido de flores", "es", "lo del pedido de flores"),
        ("be a star and remind me at 11 to ring the landlord", "en", "ring the landlord"),
    ],
)  # fmt: skip
def test_a_favour_asked_before_a_reminder_is_no_part_of_it(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["text"], intent["recipients"]) == (
        "create_reminder",
        said,
        ["me"],
    )
    assert intent["at"].startswith("2025-03-27T11:00")


def test_the_a_of_a_las_after_recuerda_is_the_hour_not_who() -> None:
    intent = read("recuerda a las 6 lo de la mudanza", "es")
    assert (intent["text"], intent["at"][:16]) == ("lo de la mudanza", "2025-03-27T18:00")


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("friday at 4 remind everybody the delivery van comes early", "en", "the delivery van comes early"),
        ("el viernes a las 4 recuérdale a todo el mundo el inventario empieza temprano", "es", "el inventario empieza temprano"),
    ],
)  # fmt: skip
def test_everyone_said_as_a_pronoun_then_a_bare_clause_is_who_is_reminded(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["recipients"], intent["text"]) == (["everyone"], said)


@pytest.mark.parametrize(
    ("text", "language"),
    [("so what's my quota these days?", "en"), ("cuál es nuestro tope mensual?", "es")],
)
def test_asking_what_ones_own_allowance_is_is_usage(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "usage"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("happy to give it a try with our salon girls", "en"),
        ("podemos probarla con nuestros repartidores?", "es"),
    ],
)  # fmt: skip
def test_trying_it_said_with_the_service_inside_the_verb_is_signing_up(
    text: str, language: str
) -> None:
    assert read(text, language)["kind"] == "sign_up"


@pytest.mark.parametrize(
    ("text", "language"),
    [("have we used up the allowance already", "en"), ("ya agotamos el cupo", "es")],
)
def test_using_up_the_allowance_is_usage(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "usage"


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("how many more messages can I send before it resets?", "en", "usage"),
        ("cuántos más mensajes podemos enviar este mes?", "es", "usage"),
        ("how do I get more messages?", "en", "upgrade"),
    ],
)  # fmt: skip
def test_how_many_more_asks_what_is_left_not_for_more(text: str, language: str, kind: str) -> None:
    assert read(text, language)["kind"] == kind


def test_a_favour_before_a_reminder_asked_in_other_words_is_no_part_of_it() -> None:
    intent = read("hágame el favor de recordarle a Claire el lunes a las 8 lo del dentista", "es")
    assert (intent["text"], intent["recipients"]) == ("lo del dentista", ["Claire"])
    intent = read("me haces el favor y me recuerdas el lunes a las 8 lo del dentista", "es")
    assert (intent["text"], intent["recipients"]) == ("lo del dentista", ["me"])


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("friday at 8 remind Lucía the florist comes at 10", "en", "the florist comes at 10"),
        ("el viernes a las 8 recuérdale a Lucía la florista viene a las 10", "es", "la florista viene a las 10"),
    ],
)  # fmt: skip
def test_a_time_said_first_is_when_and_a_time_in_the_bare_clause_is_what(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["text"], intent["at"][:16]) == (said, "2025-03-28T08:00")


def test_a_second_time_right_after_the_verb_opens_no_bare_clause() -> None:
    intent = read("tomorrow at 8 remind me at 10 ring the vet")
    assert intent["at"][:16] == "2025-03-28T10:00"
    assert intent["text"].startswith("ring the vet")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how many audio messages can I send in a month?", "en"),
        ("is there a limit on voice notes?", "en"),
        ("cuántas notas de voz puedo mandar?", "es"),
        ("hay tope de mensajes de voz?", "es"),
    ],
)  # fmt: skip
def test_a_count_or_a_limit_of_voice_notes_is_usage(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "usage"


@pytest.mark.parametrize(
    ("text", "language"),
    [("anything left in the plan for this month?", "en"), ("queda algo de la suscripción?", "es")],
)
def test_what_is_left_of_the_plan_is_usage(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "usage"


@pytest.mark.parametrize(
    ("text", "language"),
    [("is there a free tier?", "en"), ("tienen plan gratuito?", "es")],
)
def test_asking_for_a_free_plan_is_signing_up(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "sign_up"


def test_the_voseo_acordale_reminds_someone_else() -> None:
    intent = read("acordale a Claire el martes a las 10 de firmar el contrato", "es")
    assert (intent["text"], intent["recipients"]) == ("firmar el contrato", ["Claire"])


def test_todos_los_dias_then_a_day_number_is_monthly() -> None:
    intent = read("todos los días 5 a las 9 recuérdame pagar la cuota del gimnasio", "es")
    assert (intent["cron"], intent["text"]) == ("0 9 5 * *", "pagar la cuota del gimnasio")


def test_ones_own_business_using_it_said_with_a_clitic_is_signing_up() -> None:
    assert read("me gustaría que mi panadería lo usara", "es")["kind"] == "sign_up"


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Pedro is to hose down the yard", "en", "hose down the yard"),
        ("Ana's job is to count the till", "en", "count the till"),
        ("Tom, tu trabajo es barrer el almacén", "es", "barrer el almacén"),
    ],
)  # fmt: skip
def test_a_duty_stated_as_a_fact_is_the_persons_task(text: str, language: str, title: str) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana sweep the back steps no hurry", "sweep the back steps"),
        ("abeg mop the kitchen floor, Luis", "mop the kitchen floor"),
        ("Luis would you ever empty the dishwasher", "empty the dishwasher"),
    ],
)  # fmt: skip
def test_regional_softeners_and_no_rush_tails_are_no_part_of_the_work(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Tom please reprint the menus — customers spilled coffee on them", "en", "reprint the menus"),
        ("Ana order more napkins, we ran out last night", "en", "order more napkins"),
        ("Luis hoover the lounge, new tenants arriving at four", "en", "hoover the lounge"),
        ("Tom que cambie las bombillas del pasillo, que las otras están fundidas", "es", "cambiar las bombillas del pasillo"),
        ("Ana, llama al cliente para que pase a recoger el pedido", "es", "llamar al cliente"),
    ],
)  # fmt: skip
def test_a_comment_after_a_dash_a_comma_or_a_purpose_clause_leaves_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana, ¿me haces el paro de doblar las toallas?", "doblar las toallas"),
        ("Tom, hágame el favor y me ordena la bodega", "ordenar la bodega"),
        ("Lucía, ¿podí barrer la vereda?", "barrer la vereda"),
        ("Luis, a ver si mañana pintas la reja", "pintar la reja"),
        ("Ana, cuando llegues revisa el correo", "revisar el correo"),
    ],
)  # fmt: skip
def test_spanish_request_wrappers_are_no_part_of_the_work(text: str, title: str) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Ana y Luis, el viernes a las 7 limpiáis la cámara", "es", "limpiar la cámara"),
        ("el martes a las 10 Tom y Pedro hacen la mudanza del almacén", "es", "hacer la mudanza del almacén"),
        ("mañana a las 7 Ana abre la tienda y barre la entrada", "es", "abrir la tienda y barrer la entrada"),
        ("first thing friday Luis count the till", "en", "count the till"),
    ],
)  # fmt: skip
def test_a_present_said_after_its_time_is_an_order(text: str, language: str, title: str) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


def test_names_then_a_work_verb_is_an_order_even_with_a_change_word_as_a_noun() -> None:
    intent = read("Ana and Luis clean the hand basin by the fridge")
    assert (intent["kind"], intent["assignees"]) == ("create_task", ["Ana", "Luis"])


def test_n_between_two_names_joins_them() -> None:
    intent = read("Tom n Pedro check the hand dryer by the freezer")
    assert (intent["kind"], intent["assignees"]) == ("create_task", ["Tom", "Pedro"])


def test_when_you_are_done_there_before_an_order_says_when() -> None:
    assert read("Luis, when you're done there wipe the counters")["title"] == "wipe the counters"


def test_a_spanish_label_for_someone_before_a_colon_gives_them_the_work() -> None:
    intent = read("recado para Luis: recoger los manteles de la lavandería", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "recoger los manteles de la lavandería",
        ["Luis"],
    )


def test_setting_the_building_alarm_after_another_order_is_work_not_a_reminder() -> None:
    intent = read("whoever's opening tomorrow, unlock the shutters and set the alarm off")
    assert intent["kind"] == "create_task"
    assert read("Ana, switch the lights off and set the alarm")["kind"] == "create_task"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana, mañana acércate a la gestoría", "acercarse a la gestoría"),
        ("Pedro, el viernes quédate hasta el cierre", "quedarse hasta el cierre"),
    ],
)  # fmt: skip
def test_a_tu_order_with_its_pronoun_attached_is_a_pronominal_infinitive(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_work_ordered_of_a_person_about_a_group_is_no_removal() -> None:
    intent = read("Pedro tiene que preparar la cena del equipo de fútbol a las 8", "es")
    assert (intent["kind"], intent["assignees"]) == ("create_task", ["Pedro"])
    assert read("Tom needs to print the badges from the list of guests")["kind"] == "create_task"
    assert read("saca a Ana del equipo", "es")["kind"] == "remove_member"


def test_a_weekday_between_the_and_a_noun_says_which_thing_not_when() -> None:
    intent = read("Tom, ice the cakes for the Friday christening")
    assert (intent["title"], intent.get("due")) == (
        "ice the cakes for the Friday christening",
        None,
    )
    assert read("Tom, ice the cakes by the Friday")["title"] == "ice the cakes"


def test_praise_said_as_its_own_sentence_before_the_order_is_no_part_of_the_work() -> None:
    intent = read("Pedro, lovely work on friday. Tomorrow can you prep the salads")
    assert (intent["kind"], intent["title"]) == ("create_task", "prep the salads")


def test_lo_de_an_infinitive_handed_to_someone_is_new_work_unless_it_names_an_open_task() -> None:
    intent = read("lo de llamar a la imprenta que lo haga Luis", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "llamar a la imprenta",
        ["Luis"],
    )
    assert read("lo de limpiar la campana que lo haga Tom", "es")["kind"] == "edit_task"


def test_a_relative_doer_then_a_subjunctive_is_work_for_whoever_it_is() -> None:
    intent = read("la que abra el sábado que encienda la calefacción", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "encender la calefacción")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis, de pronto me colabora ordenando la bodega", "ordenar la bodega"),
        ("Ana, me colabora recogiendo las tazas", "recoger las tazas"),
    ],
)  # fmt: skip
def test_a_colombian_request_with_a_gerund_is_an_order_not_a_report(text: str, title: str) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["title"]) == ("create_task", title)


def test_a_rambling_spanish_voice_note_keeps_only_the_work() -> None:
    said = (
        "bueno Ana mira te quería decir que cuando puedas limpies los cristales del "
        "escaparate que me dijo Tom que están sucios vale gracias"
    )
    intent = read(said, "es")
    assert (intent["kind"], intent["title"]) == (
        "create_task",
        "limpiar los cristales del escaparate",
    )


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("call the window cleaner, give it to Ana", "en", "create_task"),
        ("llamar a la imprenta, que lo haga Luis", "es", "create_task"),
        ("mop the terrace, give it to Ana", "en", "edit_task"),
    ],
)  # fmt: skip
def test_work_handed_on_that_shares_only_its_verb_with_an_open_task_is_new_work(
    text: str, language: str, kind: str
) -> None:
    assert read(text, language)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("when you're finished, Ana, hoover the stairs", "hoover the stairs"),
        ("before you go, Pedro, empty the bins", "empty the bins"),
        ("when you're done, Luis, check the oil in the van", "check the oil in the van"),
    ],
)  # fmt: skip
def test_a_time_clause_before_the_name_is_when_and_its_done_word_reports_nothing(
    text: str, title: str
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("el viernes Tom y Luis descargan el camión y lo ordenan", "descargar el camión y ordenarlo"),
        ("mañana Ana friega el suelo y limpia los cristales", "fregar el suelo y limpiar los cristales"),
        ("Tom, limpia la mesa y la barra", "limpiar la mesa y la barra"),
        ("Ana, lava las tijeras y los peines", "lavar las tijeras y los peines"),
        ("Luis, fijate en la caldera", "fijarse en la caldera"),
        ("oye Pedro, hazme el paro y barre la entrada", "barrer la entrada"),
    ],
)  # fmt: skip
def test_coordinated_and_pronominal_spanish_orders_read_as_infinitives(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("que alguien barra el patio al rato, hay hojas por todas partes", "es", "barrer el patio"),
        ("Tom wipe the tables later on, they're sticky", "en", "wipe the tables"),
        ("Ana sweep the porch no rush at all", "en", "sweep the porch"),
    ],
)  # fmt: skip
def test_a_time_left_before_a_comment_goes_once_the_comment_is_out(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis ring the electrician about the fryer it's tripping the fuse again", "ring the electrician about the fryer"),
        ("Ana make sure it's working before we open", "make sure it's working"),
    ],
)  # fmt: skip
def test_what_is_going_on_said_after_the_work_without_a_comma_is_a_comment(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana, tu tarea de mañana es pintar la reja", "pintar la reja"),
        ("Tom, el sábado cerrás vos y subís las persianas", "cerrar y subir las persianas"),
        ("Luis, mañana subís las cajas al altillo", "subir las cajas al altillo"),
    ],
)  # fmt: skip
def test_a_duty_for_tomorrow_and_the_vos_present_in_is_read_as_work(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana I beg restock the fridge", "restock the fridge"),
        ("Luis biko mop the hall", "mop the hall"),
    ],
)
def test_west_african_please_is_no_part_of_the_work(text: str, title: str) -> None:
    assert read(text)["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana, ¿me harías el paro de doblar las servilletas?", "doblar las servilletas"),
        ("Luis, te encargo que riegues el huerto", "regar el huerto"),
        ("Pedro, te pido que apagues la calefacción", "apagar la calefacción"),
        ("Tom, ¿me ayudas a bajar las sillas?", "bajar las sillas"),
        ("Ana, mañana me pintas la puerta", "pintar la puerta"),
    ],
)  # fmt: skip
def test_more_spanish_favour_wrappers_and_the_for_me_dative_leave_the_work(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Ana mop the lobby, tourists walking through all day", "en", "mop the lobby"),
        ("Luis fix the fence - the goat keeps escaping", "en", "fix the fence"),
        ("Tom, compra bombillas — se rompieron", "es", "comprar bombillas"),
    ],
)  # fmt: skip
def test_a_bare_progressive_or_a_spanish_se_past_after_a_pause_is_a_comment(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("la primera que llegue que ponga la cafetera", "poner la cafetera"),
        ("el último en salir que baje la persiana", "bajar la persiana"),
    ],
)  # fmt: skip
def test_the_first_or_last_one_in_is_a_relative_doer(text: str, title: str) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("whoever gets in first, put the radio on", "put the radio on"),
        ("last one out tonight, switch off the fryers", "switch off the fryers"),
        ("first one in tomorrow, unlock the back door", "unlock the back door"),
    ],
)  # fmt: skip
def test_an_indefinite_doer_with_its_own_verb_then_a_comma_and_an_order_is_a_task(
    text: str, title: str
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"]) == ("create_task", title)


def test_a_weekday_before_a_noun_with_an_hour_said_is_still_when() -> None:
    due = read("Tom, set out the chairs for the monday meeting at 10")["due"]
    assert due.startswith("2025-03-31T10:00")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana, fijate si quedan servilletas", "fijarse si quedan servilletas"),
        ("Luis, trate de llegar a las ocho", "tratar de llegar"),
    ],
)  # fmt: skip
def test_an_unwritten_vos_pronominal_order_needs_its_link_and_a_long_stem(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis, postres para la cena del viernes", "postres para la cena del viernes"),
        ("Ana, llaves para la oficina", "llaves para la oficina"),
    ],
)  # fmt: skip
def test_a_plural_noun_said_as_the_work_is_no_verb(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


def test_names_then_a_work_verb_with_instead_still_hands_on_the_open_task() -> None:
    intent = read("Ana mop the terrace instead")
    assert (intent["kind"], intent["number"], intent["assignee"]) == ("edit_task", 6, "Ana")


def test_me_before_an_order_with_no_object_is_who_is_told() -> None:
    assert read("Pedro, cuando puedas me llamas", "es")["title"] == "llamarme"


def test_praise_then_a_farewell_gives_no_farewell_as_the_work() -> None:
    assert read("Pedro, lovely work today. See you tomorrow").get("title") != "See you"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("our payment didn't go through this morning, any idea why?", "en"),
        ("the direct debit bounced again, what now", "en"),
        ("oye, mi pago fue rechazado otra vez", "es"),
        ("el pago de este mes no se ha procesado, ¿qué pasa?", "es"),
    ],
)  # fmt: skip
def test_a_payment_said_to_have_failed_is_billing(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("could I get the proof of my March payment?", "en"),
        ("pásame el justificante de mi último pago", "es"),
    ],
)  # fmt: skip
def test_the_proof_of_one_payment_is_billing(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


def test_a_boleta_is_a_billing_document() -> None:
    assert (
        read("quiero la boleta del mes pasado con el RUT de la empresa", "es")["kind"] == "billing"
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("remind me how much we pay you for the plan?", "en"),
        ("recuérdame cuánto pagamos por el plan", "es"),
    ],
)  # fmt: skip
def test_remind_me_then_a_question_word_asks_now(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


def test_remind_me_then_a_question_word_with_a_time_is_still_a_reminder() -> None:
    assert read("remind me on friday at 9 how much we pay the cleaners")["kind"] == (
        "create_reminder"
    )


def test_someone_else_chasing_the_sender_is_no_alert_setting() -> None:
    intent = read("could you send me last month's receipt? my bookkeeper is chasing me")
    assert intent["kind"] == "billing"


def test_minkops_chasing_the_sender_is_still_the_alert_setting() -> None:
    assert read("you're nagging the team too much, turn it off")["kind"] == "set_preference"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("we'd love to try it out at our bakery, how does registration work?", "en"),
        ("my cousin runs a café, could she have one on its own account?", "en"),
        ("how much does it cost to start with a team of five?", "en"),
        ("could we get our little gym signed up?", "en"),
        ("¿cuánto cuesta empezar con cuatro empleados?", "es"),
        ("quería anotarme, tengo un taller mecánico", "es"),
        ("¿dónde se abre una cuenta nueva para una peluquería?", "es"),
    ],
)  # fmt: skip
def test_a_newcomer_asking_to_start_is_signing_up(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "sign_up"


def test_joining_said_with_ones_own_business_is_signing_up() -> None:
    assert read("quiero darme de alta, tengo una ferretería", "es")["kind"] == "sign_up"


def test_joining_said_alone_is_still_the_messages_back_on() -> None:
    assert read("darme de alta", "es")["kind"] == "start_messages"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("remind Ana on Friday at 4 to lock the back gate, we found it open twice", "lock the back gate"),
        ("set a reminder for me at 6pm to renew the van insurance, it expires this week", "renew the van insurance"),
        ("remind me at 8 to mop the floor before the delivery arrives", "mop the floor before the delivery arrives"),
    ],
)  # fmt: skip
def test_a_comment_after_what_to_remember_is_not_part_of_it(text: str, said: str) -> None:
    assert read(text)["text"] == said


def test_a_greeting_yo_before_a_reminder_for_someone_is_not_the_sender() -> None:
    assert read("yo could you ping Ana tomorrow at 7am to open the shutters")["recipients"] == [
        "Ana"
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Pedro never remembers so remind him Friday at 4pm to top up the gas bottles", "top up the gas bottles"),
        ("the fire drill keeps slipping my mind, can you ping me every Monday at 9am to book it", "book it"),
    ],
)  # fmt: skip
def test_a_scene_before_the_reminder_verb_is_not_what_to_remember(text: str, said: str) -> None:
    assert read(text)["text"] == said


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("remind Tom with audio every evening at 9 to lock the cold room", "en", "lock the cold room"),
        ("recuérdale a Ana con una nota de voz todos los lunes a las 8 de pedir el pan", "es", "pedir el pan"),
    ],
)  # fmt: skip
def test_how_a_reminder_is_sent_is_not_what_it_says(text: str, language: str, said: str) -> None:
    assert read(text, language)["text"] == said


def test_a_resume_verb_after_a_reminder_nouns_to_is_what_it_says() -> None:
    intent = read("daily reminder for Luis at 6am to turn on the ovens")
    assert (intent["kind"], intent["text"]) == ("create_reminder", "turn on the ovens")


def test_a_resume_verb_before_the_reminder_noun_still_resumes_it() -> None:
    assert read("turn the rent reminder back on")["kind"] == "resume_reminder"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("pon que me avise el viernes a las 6 de la tarde cerrar la caja", "cerrar la caja"),
        ("pon que me recuerde en una hora sacar el pan del horno", "sacar el pan del horno"),
        ("mándale un audio a Ana el lunes a las 8 recordándole pedir la harina", "pedir la harina"),
    ],
)  # fmt: skip
def test_set_it_to_remind_me_and_a_gerund_of_reminding_lead_a_reminder(
    text: str, said: str
) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["text"]) == ("create_reminder", said)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("remind Ana the day 9 April at 11am to renew the lease", "en"),
        ("recuérdale a Ana el día 9 de abril a las 11 renovar el alquiler", "es"),
    ],
)  # fmt: skip
def test_the_word_day_before_a_dates_number_is_part_of_the_date(text: str, language: str) -> None:
    intent = read(text, language)
    assert intent["at"].startswith("2025-04-09T11:00")
    assert intent["text"] in ("renew the lease", "renovar el alquiler")


def test_my_name_down_wrong_corrects_the_name() -> None:
    intent = read("you have my name down wrong, it's Claire Martin not Clare Martin", role="staff")
    assert (intent["kind"], intent["value"]) == ("correct_data", "Claire Martin")


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("task 6 finished, the terrace is spotless now", "en", 6),
        ("tarea 3 hecha, el congelador está a -18", "es", 3),
    ],
)  # fmt: skip
def test_a_numbered_task_done_then_a_comment_completes_it(
    text: str, language: str, number: int
) -> None:
    intent = read(text, language, role="staff")
    assert (intent["kind"], intent["number"]) == ("complete_task", number)


def test_taking_a_numbered_task_out_cancels_it() -> None:
    intent = read("sacá la 3, ya lo revisó otro", "es")
    assert (intent["kind"], intent["number"]) == ("cancel_task", 3)


def test_taking_out_a_count_of_things_cancels_nothing() -> None:
    assert read("saca 3 bandejas del horno", "es")["kind"] != "cancel_task"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("pásale lo del inventario a Ana, que Tom está de vacaciones", "es"),
        ("give the inventory to Ana because Tom is off sick", "en"),
    ],
)  # fmt: skip
def test_a_person_in_the_reason_for_a_handover_is_not_who_gets_it(text: str, language: str) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["assignee"]) == ("edit_task", "Ana")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("j'aime mieux les vocaux au lieu de l'écrit", "fr"),
        ("I'd rather get voice notes instead of the written messages", "en"),
    ],
)  # fmt: skip
def test_the_way_set_aside_for_another_is_not_the_delivery_chosen(text: str, language: str) -> None:
    intent = read(text, language, role="staff")
    assert (intent["kind"], intent["value"]) == ("correct_data", "voice")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("anybody watch the final on sunday? what a game", "en"),
        ("¿alguien vio las noticias anoche?", "es"),
        ("vaya frío hace esta mañana, madre mía", "es"),
    ],
)  # fmt: skip
def test_chat_between_people_asks_nothing(text: str, language: str) -> None:
    assert read(text, language, role="staff")["kind"] == "unknown"


def test_anyone_asked_to_do_work_is_still_a_task() -> None:
    assert read("can anyone check the fryer oil before 5?")["kind"] == "create_task"


def test_who_already_did_the_work_referred_to_is_not_who_gets_it() -> None:
    intent = read("ya está lo de la campana extractora, Pedro ya la limpió", "es")
    assert (intent["kind"], intent["number"]) == ("complete_task", 7)


def test_asking_what_this_does_in_portuguese_is_help() -> None:
    assert read("oi, o que isso faz exatamente?", "pt", role="staff")["kind"] == "help"


def test_an_andalusian_vocative_before_a_reminder_is_not_what_to_remember() -> None:
    intent = read(
        "quillo ponle un aviso a Lucía los viernes a las 6 que tiene que cerrar la caja", "es"
    )
    assert intent["text"] == "cerrar la caja"


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("remind Tom on Friday at 9 to book the skip, and send it as a voice note, he never reads texts", "en", "book the skip"),
        ("recuérdale a Ana el lunes a las 10 pedir la leña, y mándaselo en audio", "es", "pedir la leña"),
    ],
)  # fmt: skip
def test_a_clause_saying_how_to_send_the_reminder_is_not_what_it_says(
    text: str, language: str, said: str
) -> None:
    assert read(text, language)["text"] == said


def test_chat_2_for_to_before_a_verb_is_the_link_of_a_reminder() -> None:
    assert read("remind tom 2 order the milk every mon 8am")["text"] == "order the milk"


def test_told_when_someone_does_not_finish_in_time_turns_the_alerts_on() -> None:
    intent = read("avísame si alguien no termina a tiempo", "es")
    assert (intent["kind"], intent["enabled"]) == ("set_preference", True)


@pytest.mark.parametrize(
    "text",
    ["rang the plumber about the sink this morning", "the plumber's been phoned about the sink"],
)
def test_a_past_of_phoning_reports_the_call_done(text: str) -> None:
    intent = read(text, role="staff")
    assert (intent["kind"], intent["number"]) == ("complete_task", 5)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("new task for me: file the March invoices, Monday 10am", "en"),
        ("tarea para mí: archivar los recibos del mes, el lunes", "es"),
    ],
)  # fmt: skip
def test_a_task_label_before_a_colon_is_work_not_billing(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "create_task"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("¿qué tal la cena de ayer?", "es"),
        ("¿cómo fue la fiesta de ayer?", "es"),
    ],
)  # fmt: skip
def test_asking_how_something_went_in_the_past_is_chat(text: str, language: str) -> None:
    assert read(text, language, role="staff")["kind"] == "unknown"


def test_a_pidgin_comment_after_what_to_remember_is_not_part_of_it() -> None:
    intent = read("remind Pedro every Friday at 5pm to lock the store room, he no fit remember")
    assert intent["text"] == "lock the store room"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Luis, service the boiler on Friday at 9 if possible", "service the boiler"),
        ("Juan Mora can you repaint the gate tomorrow, ideally before noon", "repaint the gate"),
        ("Pedro can you order new aprons by Monday if poss? we ran out", "order new aprons"),
        ("Lucía, descale the kettle tomorrow if you get a chance", "descale the kettle"),
    ],
)  # fmt: skip
def test_a_hedge_said_after_the_work_is_no_part_of_the_title(text: str, title: str) -> None:
    assert read(text)["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Juan Pérez, ordena el almacén mañana a las 8 po", "ordenar el almacén"),
        ("Lucía, barre la terraza antes de las 5, gracias", "barrer la terraza"),
        ("alguien tiene que lavar los manteles, cuando puedan", "lavar los manteles"),
        ("Luis, afila los cuchillos el jueves, si es posible", "afilar los cuchillos"),
    ],
)  # fmt: skip
def test_a_regional_tag_or_thanks_at_the_end_is_no_part_of_the_title(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


def test_a_tag_word_after_an_article_is_the_noun_of_the_work() -> None:
    assert read("Luis please approve the PO")["title"] == "approve the PO"


def test_a_question_of_its_own_after_the_work_is_no_part_of_the_title() -> None:
    text = "Hay que vaciar el trastero el sábado a las 11, ¿quién se anima?"
    assert read(text, "es")["title"] == "vaciar el trastero"


@pytest.mark.parametrize(
    "text",
    [
        "Pedro can you replace the bulbs in the hall by Friday, most of them are dead",
        "Luis please sharpen the knives tomorrow at 9, a few of them were blunt",
        "María, replace the bulbs in the hall at 4, Tom did it last time",
        "can you add a job for me to replace the bulbs in the hall, I'll do it Monday",
        "can you add a job for me to replace the bulbs in the hall, i will do it monday",
    ],
)  # fmt: skip
def test_a_comment_about_part_of_it_a_person_or_the_sender_after_a_comma_is_dropped(
    text: str,
) -> None:
    assert read(text)["title"] in {"replace the bulbs in the hall", "sharpen the knives"}


def test_a_sentence_about_nobody_having_done_it_is_dropped() -> None:
    text = "pon ahí que hay que bajar las sillas al sótano, nadie lo ha hecho en tres días"
    assert read(text, "es")["title"] == "bajar las sillas al sótano"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Tom you're mopping the cellar at 6", "mop the cellar"),
        ("María you are checking the till tonight", "check the till"),
    ],
)  # fmt: skip
def test_a_you_are_progressive_arranges_work_in_the_base_form(text: str, title: str) -> None:
    assert read(text)["title"] == title


def test_a_hyphened_re_prefix_is_no_contracted_are() -> None:
    text = "Could you get Pedro to re-string the washing line?"
    assert read(text)["title"] == "re-string the washing line"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro mañana pasas tú la fregona por el almacén", "pasar la fregona por el almacén"),
        ("Ana, el lunes a las 8 barres tú la entrada", "barrer la entrada"),
        ("Tom, esta tarde coses tú los delantales", "coser los delantales"),
        ("Juan Mora, el viernes recoges tú el pedido del almacén", "recoger el pedido del almacén"),
        ("Lucía, mañana haces tú el cierre de caja", "hacer el cierre de caja"),
    ],
)  # fmt: skip
def test_a_present_with_a_stressed_tu_after_it_is_an_order_even_when_short(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Juan Pérez, ¿me pasás el informe de caja? mañana a las 10", "pasar el informe de caja"),
        ("Luis, mañana barrés la vereda", "barrer la vereda"),
    ],
)  # fmt: skip
def test_a_vos_present_before_its_object_is_an_order(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


def test_the_vos_order_anda_is_the_order_to_go() -> None:
    text = "Pedro, andá a retirar las cajas al depósito mañana a las 9"
    assert read(text, "es")["title"] == "ir a retirar las cajas al depósito"


def test_can_you_take_charge_of_wrapping_an_order_is_no_part_of_it() -> None:
    text = "Juan Mora ¿te puedes encargar de fregar los cubos mañana a las 7?"
    assert read(text, "es")["title"] == "fregar los cubos"


@pytest.mark.parametrize(
    "text",
    [
        "Pedro, mi vida, repasa las cartas del menú",
        "María, quillo, repasa las cartas del menú",
        "Lucía, mi arma, tú encárgate de repasar las cartas del menú",
    ],
)  # fmt: skip
def test_a_word_of_address_after_the_name_is_no_part_of_the_work(text: str) -> None:
    assert read(text, "es")["title"] == "repasar las cartas del menú"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "la cafetera del office gotea otra vez. Pedro que la revise mañana a las 10",
            "revisar la cafetera del office",
        ),
        ("las persianas del almacén están rotas. Luis que las arregle", "arreglar las persianas del almacén"),
    ],
)  # fmt: skip
def test_a_clitic_object_takes_the_noun_that_opened_the_sentence_before(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_a_clitic_whose_article_does_not_agree_keeps_its_pronoun() -> None:
    text = "el horno está frío. Pedro que la revise mañana a las 10"
    assert read(text, "es")["title"] == "revisarla"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, arregla la persiana del almacén que se rompió ayer", "arreglar la persiana del almacén"),
        ("Lucía, cambia el filtro de la cafetera, que se nos acaba el café", "cambiar el filtro de la cafetera"),
    ],
)  # fmt: skip
def test_what_befell_the_thing_or_the_speaker_after_que_se_is_no_part_of_the_work(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_que_se_with_a_subjunctive_still_hands_the_work_on() -> None:
    title = read("Juan Mora, barre el patio y que se encargue Luis de las mesas", "es")["title"]
    assert "que se encargue" in title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("oye Tom mira que mañana a las 8 hay que vaciar la nevera del bar", "vaciar la nevera del bar"),
        ("A ver si alguien me puede coser el toldo de la entrada", "coser el toldo de la entrada"),
    ],
)  # fmt: skip
def test_mira_que_and_me_puede_wrap_the_work(text: str, title: str) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Juan Mora, Friday 3pm, drains behind the kitchen need unblocking", "unblock the drains behind the kitchen"),
        ("Pedro, tyres on the van need checking", "check the tyres on the van"),
    ],
)  # fmt: skip
def test_a_bare_plural_that_needs_doing_is_the_object_of_the_work(text: str, title: str) -> None:
    assert read(text)["title"] == title


@pytest.mark.parametrize(
    ("text", "title", "assignees"),
    [
        ("Lucía aquí. Pedro: fregar la cámara mañana a las 9", "fregar la cámara", ["Pedro"]),
        ("Lucía this side. Please get Tom to restock the napkins by 5 pm", "restock the napkins", ["Tom"]),
        ("hola, Lucía acá. Juan Mora tiene que lijar la puerta mañana", "lijar la puerta", ["Juan Mora"]),
    ],
)  # fmt: skip
def test_a_sender_signing_with_her_name_is_not_who_does_the_work(
    text: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, "en" if "Please" in text else "es")
    assert (intent["title"], intent["assignees"]) == (title, assignees)


def test_two_names_joined_by_catalan_i_are_both_given_the_work() -> None:
    assert read("Pedro i Lucía: montar las mesas", "es")["assignees"] == ["Pedro", "Lucía"]


def test_encargaselo_a_hands_the_work_said_before_to_the_name() -> None:
    intent = read("hay que lijar la puerta del patio, encárgaselo a Juan Mora", "es")
    assert (intent["title"], intent["assignees"]) == ("lijar la puerta del patio", ["Juan Mora"])


def test_kindly_before_the_work_is_no_part_of_it() -> None:
    assert read("Pedro, kindly label the spice jars by Friday")["title"] == "label the spice jars"


def test_the_noon_of_twelve_noon_is_no_part_of_the_title() -> None:
    intent = read("Juan Mora please defrost the chest freezer by 12 noon tomorrow")
    assert (intent["title"], intent["due"][:16]) == (
        "defrost the chest freezer",
        "2025-03-28T12:00",
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro tiene que pintar la valla del huerto de arriba no perdón del huerto de abajo", "pintar la valla del huerto de abajo"),
        ("apunta una tarea para Lucía de limpiar la cámara dos no espera la cámara tres", "limpiar la cámara tres"),
        ("Pedro tiene que llevar las cajas de la tienda de Gràcia no perdón de Sants", "llevar las cajas de la tienda de Sants"),
        ("Luis can you sweep the yard at the back no wait the yard at the front", "sweep the yard at the front"),
    ],
)  # fmt: skip
def test_a_slip_put_right_inside_the_sentence_replaces_the_like_words(
    text: str, title: str
) -> None:
    assert read(text, "es" if "perdón" in text or "espera" in text else "en")["title"] == title


def test_a_slip_in_the_hour_leaves_the_hour_said_after_it() -> None:
    intent = read("can you get Pedro to prep the veg at 5 no wait half 5 tomorrow")
    assert (intent["title"], intent["due"][:16]) == ("prep the veg", "2025-03-28T17:30")


def test_a_name_put_right_gives_the_work_to_the_name_after_the_slip() -> None:
    intent = read("ask Pedro no sorry Lucía to polish the brass taps")
    assert (intent["title"], intent["assignees"]) == ("polish the brass taps", ["Lucía"])


@pytest.mark.parametrize(
    ("text", "lang", "title"),
    [
        ("Juan Mora tiene que engrasar la puerta del garaje el lunes, apúntalo", "es", "engrasar la puerta del garaje"),
        ("Lucía has to wax the van on Friday, put it down pls", "en", "wax the van"),
    ],
)  # fmt: skip
def test_asking_again_for_the_work_to_be_noted_is_no_part_of_it(
    text: str, lang: str, title: str
) -> None:
    assert read(text, lang)["title"] == title


def test_a_greeting_before_the_time_said_before_the_name_keeps_that_time() -> None:
    intent = read("Ei! Pasado mañana a las 11 Pedro tiene que vaciar el contenedor", "es")
    assert (intent["title"], intent["due"][:16]) == ("vaciar el contenedor", "2025-03-29T11:00")


def test_a_time_opening_the_sentence_that_names_the_person_is_the_due_after_a_story() -> None:
    text = (
        "Hola. La vecina dice que el camión le tapó la salida y está enfadada. "
        "El lunes a las 9 Juan Pérez tiene que pedirle disculpas"
    )
    intent = read(text, "es")
    assert (intent["assignees"], intent["due"][:16]) == (["Juan Pérez"], "2025-03-31T09:00")


@pytest.mark.parametrize(
    ("text", "lang", "assignees"),
    [
        ("Crea una tarea: vaciar el lavavajillas. Para Juan Pérez, mañana a las 9.", "es", ["Juan Pérez"]),
        ("New task: descale the kettle. For Tom and Lucía, Friday 3pm.", "en", ["Tom", "Lucía"]),
    ],
)  # fmt: skip
def test_a_sentence_after_the_work_that_is_only_for_and_names_says_who_does_it(
    text: str, lang: str, assignees: list[str]
) -> None:
    intent = read(text, lang)
    assert intent["assignees"] == assignees and "." not in intent["title"]


def test_note_it_for_me_with_a_mi_gives_the_work_to_the_sender() -> None:
    intent = read("anótame a mí lo de pagar al fontanero, lo hago el viernes a las 12", "es")
    assert (intent["title"], intent["assignees"]) == ("pagar al fontanero", ["me"])


def test_lo_de_before_an_infinitive_sets_up_the_work_and_is_no_part_of_it() -> None:
    assert read("apúntame lo de barnizar la mesa del patio", "es")["title"] == (
        "barnizar la mesa del patio"
    )


def test_lo_hago_yo_after_a_comma_is_a_comment() -> None:
    text = "hay que bajar las sillas al sótano el sábado, lo hago yo"
    assert read(text, "es")["title"] == "bajar las sillas al sótano"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Juan Pérez, repasa los pedidos de hoy", "repasar los pedidos de hoy"),
        ("alguien que friegue las bandejas de la tarde", "fregar las bandejas de la tarde"),
    ],
)  # fmt: skip
def test_a_day_after_a_noun_ending_the_work_says_which_things_not_when(
    text: str, title: str
) -> None:
    intent = read(text, "es")
    assert (intent["title"], intent.get("due")) == (title, None)


def test_a_part_of_the_day_after_an_hour_in_words_is_still_when() -> None:
    intent = read("Juan Pérez, repasa los pedidos a las ocho de la tarde", "es")
    assert (intent["title"], intent["due"][:16]) == ("repasar los pedidos", "2025-03-27T20:00")


@pytest.mark.parametrize(
    ("text", "lang", "number", "assignee"),
    [
        ("pásale lo del stock de vino a Juan Mora, que Lucía está de vacaciones", "es", 8, "Juan Mora"),
        ("give the plumber call to Claire, because Tom is off sick", "en", 5, "Claire"),
    ],
)  # fmt: skip
def test_a_person_in_a_reason_after_a_comma_is_not_who_the_task_goes_to(
    text: str, lang: str, number: int, assignee: str
) -> None:
    intent = read(text, lang)
    assert (intent["kind"], intent["number"], intent["assignee"]) == ("edit_task", number, assignee)


def test_a_que_that_hands_the_task_on_still_names_who_it_goes_to() -> None:
    intent = read("quítale lo del stock de vino a Lucía, que lo haga Juan Mora", "es")
    assert (intent["number"], intent["assignee"]) == (8, "Juan Mora")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, friégalo", "fregarlo"),
        ("Lucía, recógelas antes de las 6", "recogerlas"),
        ("Tom, sácalos al patio", "sacarlos al patio"),
    ],
)  # fmt: skip
def test_a_tu_order_with_its_object_pronoun_attached_reads_as_the_infinitive(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_an_attached_object_pronoun_takes_the_noun_of_the_sentence_before() -> None:
    text = "el lavavajillas hace un ruido raro. Juan Mora, revísalo el lunes a las 9"
    assert read(text, "es")["title"] == "revisar el lavavajillas"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("the walk-in door keeps sticking. Pedro, can you fix it on Monday", "fix the walk-in door"),
        ("our coffee grinder is jammed again. Tom, can you clean it tomorrow", "clean our coffee grinder"),
    ],
)  # fmt: skip
def test_the_one_it_of_an_english_order_stands_for_the_thing_the_sentence_before_opened_with(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


def test_a_clitic_takes_the_noun_that_ended_the_sentence_before_as_a_known_thing() -> None:
    text = "Un proveedor trajo unas cajas. Que Pedro las suba al altillo mañana a las 10"
    assert read(text, "es")["title"] == "subir las cajas al altillo"


def test_itself_stressing_a_time_is_no_part_of_the_title() -> None:
    intent = read("Kindly ask Lucía to send the delivery list by Friday 4 pm itself")
    assert intent["title"] == "send the delivery list"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, hang the new sign over the door on Monday, tidy", "hang the new sign over the door"),
        ("Luis, sweep the loading bay tomorrow at 2, ideally, sound", "sweep the loading bay"),
        ("Tom, keep the shelves tidy", "keep the shelves tidy"),
    ],
)  # fmt: skip
def test_a_regional_sign_off_after_a_comma_at_the_end_is_no_part_of_the_work(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("the vet comes at noon, can somebody hose down the yard", "en", "hose down the yard"),
        ("the skip is full again so someone has to book a collection", "en", "book a collection"),
        ("los clientes de la 4 se quejan, así que alguien tiene que revisar la caldera", "es",
         "revisar la caldera"),
    ],
)  # fmt: skip
def test_an_indefinite_doer_asked_for_after_a_scene_is_a_task(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


@pytest.mark.parametrize(
    "text", ["anybody watch the game on sunday", "someone know where the stapler went?"]
)
def test_an_indefinite_subject_with_a_verb_of_knowing_or_seeing_gives_no_task(text: str) -> None:
    assert read(text, role="staff")["kind"] == "unknown"


def test_text_speak_for_someone_and_to_before_the_work() -> None:
    intent = read("need sum1 2 restock the printer paper")
    assert (intent["kind"], intent["title"]) == ("create_task", "restock the printer paper")


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("is anybody free to collect the parcel from the post office?", "en",
         "collect the parcel from the post office"),
        ("who can wash the towels from the gym tonight?", "en", "wash the towels from the gym"),
        ("¿quién puede llevar las sillas al almacén?", "es", "llevar las sillas al almacén"),
    ],
)  # fmt: skip
def test_a_call_for_a_volunteer_is_a_task_for_whoever_takes_it(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


@pytest.mark.parametrize(
    ("text", "language", "title", "assignees"),
    [
        ("could you make a new task: defrost the chest freezer", "en",
         "defrost the chest freezer", []),
        ("the van's filthy, can you create a task for Tom to hose out the van", "en",
         "hose out the van", ["Tom"]),
        ("¿me creas una tarea? crea una tarea para Lucía: pintar la verja", "es",
         "pintar la verja", ["Lucía"]),
        ("oye, ¿ponle una tarea a Pedro? la tarea es barrer el patio", "es",
         "barrer el patio", ["Pedro"]),
        ("¿le puedes poner a María ordenar el almacén?", "es", "ordenar el almacén", ["María"]),
    ],
)  # fmt: skip
def test_a_task_asked_for_in_words_is_read_as_its_label(
    text: str, language: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("I'll ring the accountant myself, put it down as a task for me", "en",
         "ring the accountant"),
        ("lo de pedir las etiquetas lo hago yo, ponlo como tarea mía", "es", "pedir las etiquetas"),
        ("add order the printer ink to my list, I'll do it", "en", "order the printer ink"),
        ("could you put me down to sweep the car park", "en", "sweep the car park"),
        ("can I add a task for myself? renew the parking permit", "en", "renew the parking permit"),
        ("¿me pones de tarea llamar al fontanero?", "es", "llamar al fontanero"),
        ("tarea para mí: pagar las facturas del gas", "es", "pagar las facturas del gas"),
    ],
)  # fmt: skip
def test_a_task_the_sender_asks_for_themselves_is_theirs(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


def test_a_handed_verb_before_a_task_number_still_edits_the_task() -> None:
    assert read("ponle a la 3 fecha de mañana a las 9", "es")["kind"] == "edit_task"


def test_guests_who_checked_out_are_a_scene_not_work_done() -> None:
    intent = read(
        "flat 3 checked out this morning and the neighbours are complaining. "
        "Lucía, hoover the hallway in flat 3 by noon"
    )
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "hoover the hallway in flat 3",
        ["Lucía"],
    )


def test_would_ya_asks_you_and_reports_nothing_done() -> None:
    intent = read("Juan Mora would ya ever mop the terrace, it's filthy")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "mop the terrace",
        ["Juan Mora"],
    )


@pytest.mark.parametrize(
    ("text", "language", "title", "assignees"),
    [
        ("right guys, Tom and Luis, stack the chairs in the hall", "en",
         "stack the chairs in the hall", ["Tom", "Luis"]),
        ("mira que el Luis tiene que barrer el patio", "es", "barrer el patio", ["Luis"]),
        ("the printer's jammed again 😩 Claire grab some paper from the office", "en",
         "grab some paper from the office", ["Claire"]),
    ],
)  # fmt: skip
def test_a_name_after_words_said_to_all_or_after_a_scene_opens_the_order(
    text: str, language: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


def test_a_name_after_a_scene_then_a_report_of_them_is_no_order() -> None:
    assert read("the fridge is broken 😩 Pedro said the engineer is coming")["kind"] != (
        "create_task"
    )


def test_a_time_between_the_addressed_name_and_its_modal_is_when() -> None:
    intent = read("se me olvidaba la Lucía mañana a las diez tiene que abrir la tienda", "es")
    assert (intent["kind"], intent["title"], intent["assignees"], intent["due"]) == (
        "create_task",
        "abrir la tienda",
        ["Lucía"],
        "2025-03-28T10:00:00+01:00",
    )


def test_an_edit_verb_after_a_wrapper_with_de_is_the_work_ordered() -> None:
    intent = read("Che Luis, fijate de cambiar las sábanas de la 3 antes de las 12", "es")
    assert (intent["kind"], intent["assignees"]) == ("create_task", ["Luis"])


def test_a_done_word_after_someones_duty_reports_nothing() -> None:
    intent = read("el Tom tiene que fregar la terraza que está hecha un desastre", "es")
    assert (intent["kind"], intent["assignees"]) == ("create_task", ["Tom"])


@pytest.mark.parametrize(
    ("text", "title", "assignees"),
    [
        ("it's Pedro's turn to defrost the freezer", "defrost the freezer", ["Pedro"]),
        ("Luis you're cleaning the coffee machine tonight", "clean the coffee machine", ["Luis"]),
        ("João, you'll be doing the bank run tomorrow", "do the bank run", ["João"]),
    ],
)  # fmt: skip
def test_a_duty_told_as_a_turn_or_as_what_you_are_doing_is_a_task(
    text: str, title: str, assignees: list[str]
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


@pytest.mark.parametrize(
    ("text", "title", "assignees"),
    [
        ("mop the changing rooms Lucía, they're a mess", "mop the changing rooms", ["Lucía"]),
        ("restock the napkins tom before lunch", "restock the napkins", ["tom"]),
        ("empty the recycling bins Luis tomorrow at 8", "empty the recycling bins", ["Luis"]),
    ],
)  # fmt: skip
def test_an_order_then_the_name_unmarked_is_who_does_it(
    text: str, title: str, assignees: list[str]
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


def test_a_name_after_a_preposition_is_the_orders_object_not_its_doer() -> None:
    assert read("send the new rota to Claire").get("assignees") != ["Claire"]


def test_a_short_label_with_its_time_before_the_name_says_when() -> None:
    intent = read("Friday 7 am delivery, Pedro to unload the pallets")
    assert (intent["kind"], intent["title"], intent["assignees"], intent["due"]) == (
        "create_task",
        "unload the pallets",
        ["Pedro"],
        "2025-03-28T07:00:00+01:00",
    )


def test_a_sentence_that_only_asks_to_file_the_work_adds_nothing_to_it() -> None:
    intent = read("Tom to count the till float tonight. Please assign.")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "count the till float",
        ["Tom"],
    )


def test_the_possessive_of_an_interjection_asks_for_nobodys_tasks() -> None:
    assert read("qué frío hace hoy, dios mío", "es", role="staff")["kind"] == "unknown"


def test_a_task_number_then_a_done_word_reports_it_and_makes_no_new_task() -> None:
    intent = read("Task 3 completed, freezer temperature checked and logged.")
    assert (intent["kind"], intent["number"]) == ("complete_task", 3)


def test_what_is_left_to_do_then_eso_que_lo_haga_is_new_work_for_them() -> None:
    intent = read(
        "Ya quedó la boda de los García, gracias. Lo único que falta es bajar las cajas al "
        "sótano, eso que lo haga Pedro",
        "es",
    )
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "bajar las cajas al sótano",
        ["Pedro"],
    )


@pytest.mark.parametrize(
    ("text", "title", "assignees"),
    [
        ("Claire, it's your turn to wipe the menus", "wipe the menus", ["Claire"]),
        ("its Tom turn to hoover the stairs", "hoover the stairs", ["Tom"]),
    ],
)  # fmt: skip
def test_your_turn_or_a_turn_without_its_apostrophe_is_a_duty(
    text: str, title: str, assignees: list[str]
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


def test_a_call_for_a_volunteer_after_a_scene_and_a_mark_is_a_task() -> None:
    intent = read("the printer ink ran out, anyone able to order more toner?")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "order more toner",
        [],
    )


def test_an_order_then_the_name_then_a_que_comment_keeps_the_order() -> None:
    intent = read("barre la entrada Lucía, que está llena de hojas", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "barrer la entrada",
        ["Lucía"],
    )


def test_a_vocative_then_so_can_you_asks_the_one_named() -> None:
    intent = read("Luis, so can you email the landlord about the leak")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "email the landlord about the leak",
        ["Luis"],
    )


def test_te_toca_a_vos_is_the_duty_of_the_one_named() -> None:
    intent = read("Pedro, mañana te toca a vos barrer la vereda", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "barrer la vereda",
        ["Pedro"],
    )


def test_the_senders_own_label_said_first_with_a_colon() -> None:
    intent = read("apúntalo como tarea mía: renovar el seguro del local", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "renovar el seguro del local",
        ["me"],
    )


def test_que_alguien_then_a_subjunctive_orders_whatever_the_scene_after() -> None:
    intent = read("que alguien revise la caldera, el agua no anda caliente", "es")
    assert (intent["kind"], intent["assignees"]) == ("create_task", [])


def test_que_hay_que_still_asks_what_is_to_be_done() -> None:
    assert read("¿qué hay que hacer mañana?", "es", role="staff")["kind"] == "list_tasks"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("apúntame lo de limpiar las vitrinas, lo hago el viernes", "limpiar las vitrinas"),
        ("Luis me dijo que lo hiciera yo lo de pedir el gas, pónmelo para el lunes", "pedir el gas"),
    ],
)  # fmt: skip
def test_the_work_named_with_lo_de_is_the_senders_own_when_put_down_for_them(
    text: str, title: str
) -> None:
    intent = read(text, "es", role="staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


def test_a_favour_asked_of_a_named_person_then_and_is_their_task() -> None:
    intent = read("do me a favour Tom and fetch the spare keys from the office", "en")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "fetch the spare keys from the office",
        ["Tom"],
    )


@pytest.mark.parametrize(
    ("text", "language", "who"),
    [
        ("it'd be nice if Pedro could wipe down the fridge shelves tomorrow at 4", "en", ["Pedro"]),
        ("would be great if Lucía could sort the lost property box", "en", ["Lucía"]),
    ],
)  # fmt: skip
def test_a_wish_that_someone_could_work_is_their_task(
    text: str, language: str, who: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["assignees"]) == ("create_task", who)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("putting myself down to ring the glazier on Tuesday", "en", "ring the glazier"),
        ("need to add one for me: clear the gutters on Thursday", "en", "clear the gutters"),
        ("me apunto yo lo de pedir las servilletas, el lunes", "es", "pedir las servilletas"),
        ("me pongo yo a ordenar el almacén, apúntamelo", "es", "ordenar el almacén"),
    ],
)  # fmt: skip
def test_the_sender_putting_themselves_down_is_their_own_task(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language, role="staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


@pytest.mark.parametrize(
    ("text", "language", "who"),
    [
        ("got one for María: polish the brass handles on Friday", "en", ["María"]),
        ("tengo una nueva para Lucía: barrer el almacén el lunes", "es", ["Lucía"]),
    ],
)
def test_new_work_announced_for_someone_is_their_task(
    text: str, language: str, who: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["assignees"]) == ("create_task", who)


def test_a_need_handed_to_someone_after_a_break_is_their_task() -> None:
    intent = read("the walk-in needs defrosting before Friday, Pedro that's one for you", "en")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "defrost the walk-in",
        ["Pedro"],
    )


@pytest.mark.parametrize(
    "text",
    [
        "Pedro, ya pues, hay que barrer el almacén mañana a las 9",
        "Lucía, ya, tienes que regar las plantas del patio",
    ],
)
def test_an_agreeing_ya_between_commas_before_a_duty_reports_nothing(text: str) -> None:
    intent = read(text, "es")
    assert intent["kind"] == "create_task"
    assert not intent["title"].startswith("ya")


@pytest.mark.parametrize(
    "text",
    [
        "so the Garcias want the windows done too so can María clean the windows on Monday",
        "the Lopez house needs the fridge done as well, could Tom defrost the fridge there",
    ],
)
def test_a_done_word_after_a_verb_of_wanting_is_wished_not_reported(text: str) -> None:
    assert read(text, "en")["kind"] == "create_task"


def test_a_duty_handed_over_after_a_break_loses_its_obligation_words() -> None:
    intent = read("hay que fregar la terraza, Lucía, esa es para ti", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "fregar la terraza",
        ["Lucía"],
    )


@pytest.mark.parametrize(
    "text",
    ["the chairs are stacked, Luis that's yours", "new one for the bar: the glasses came in"],
)
def test_a_hand_over_with_no_work_or_no_person_makes_no_task(text: str) -> None:
    assert read(text, "en")["kind"] != "create_task"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("what can you really do?", "en"),
        ("so what could you really do for me?", "en"),
        ("como é que isso funciona aqui?", "pt"),
    ],
)  # fmt: skip
def test_asking_what_the_bot_can_do_with_an_adverb_before_the_verb_is_help(
    text: str, language: str
) -> None:
    assert read(text, language, "staff")["kind"] == "help"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("quiero los recibos a nombre de Talleres Mora SA, NIF A87654321", "es"),
        ("can the invoices be made out to Baker Surf Ltd please", "en"),
    ],
)  # fmt: skip
def test_a_name_an_invoice_is_made_out_in_is_billing_not_a_worker(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


@pytest.mark.parametrize(
    "text", ["give me everything that hasn't been done so far", "list everything that hasn't been finished"]
)  # fmt: skip
def test_a_done_word_denied_by_a_split_contraction_lists_the_open_work(text: str) -> None:
    assert read(text) == {"kind": "list_tasks", "scope": "open"}


@pytest.mark.parametrize(
    ("text", "person"),
    [("mándame lo que tiene Juan Mora", "Juan Mora"), ("dime lo que tiene Lucía", "Lucía")],
)  # fmt: skip
def test_a_verb_of_showing_with_a_free_relative_of_someone_lists_their_work(
    text: str, person: str
) -> None:
    assert read(text, "es") == {"kind": "list_tasks", "scope": "person", "person": person}


@pytest.mark.parametrize(
    ("text", "number"),
    [("freezer temp -21 this morning, checked ✅", 3), ("terrace at -2 this morning, mopped ✅", 6)],
)  # fmt: skip
def test_a_signed_reading_in_a_done_report_is_no_task_number(text: str, number: int) -> None:
    assert read(text, "en", "staff")["number"] == number


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("fyi Tom did the monthly inventory yesterday", 4),
        ("ok so Juan Mora did the terrace this morning", 6),
    ],
)  # fmt: skip
def test_a_named_subject_with_a_past_verb_reports_their_task_done(text: str, number: int) -> None:
    assert read(text) == {"kind": "complete_task", "number": number}


@pytest.mark.parametrize(
    "text",
    ["recuérdale al personal mañana a las 7 cerrar la persiana", "recuérdales a todos mañana a las 7 cerrar la persiana"],
)  # fmt: skip
def test_the_team_named_right_after_a_spanish_reminder_verb_is_who_is_reminded(text: str) -> None:
    intent = read(text, "es")
    assert (intent["recipients"], intent["text"]) == (["everyone"], "cerrar la persiana")


def test_every_plural_weekday_after_todos_los_is_all_of_the_recurrence() -> None:
    found = find_recurrence("todos los domingos a las 10")
    assert found is not None and (found.cron, found.rest) == ("0 10 * * 0", "")


@pytest.mark.parametrize(
    ("text", "recipients"),
    [
        ("recordale a Pedro mañana a las 10 llamar al gestor", ["Pedro"]),
        ("el viernes a las 6 recordales a todos llamar al gestor", ["everyone"]),
    ],
)  # fmt: skip
def test_a_voseo_reminder_verb_leads_a_reminder(text: str, recipients: list[str]) -> None:
    intent = read(text, "es")
    assert (intent["text"], intent["recipients"]) == ("llamar al gestor", recipients)


def test_a_greeting_before_a_schedule_said_first_is_no_part_of_the_reminder() -> None:
    intent = read("ey, los viernes a las 6 recordales a todos cerrar la caja", "es")
    assert (intent["text"], intent["cron"]) == ("cerrar la caja", "0 18 * * 5")


def test_a_bare_hour_with_its_part_of_the_day_after_a_day_is_the_time() -> None:
    intent = read("remind Pedro on friday 6 in the evening to bring the ladder")
    assert intent["at"] == "2025-03-28T18:00:00+01:00"


def test_a_bare_number_with_a_part_of_the_day_and_no_day_before_it_is_no_hour() -> None:
    found = find_time("mop room 7 in the morning", timezone="Europe/Madrid", now=EVAL_NOW)
    assert found is not None and found.at.hour == 9 and "7" in found.rest


@pytest.mark.parametrize(
    ("text", "recipients"),
    [
        ("remind to Pedro and Luis on friday at 8 to bring the ladder", ["Pedro", "Luis"]),
        ("please remind to Juan Mora tomorrow at 8 to bring the ladder", ["Juan Mora"]),
    ],
)  # fmt: skip
def test_a_to_before_who_is_reminded_is_no_part_of_the_reminder(
    text: str, recipients: list[str]
) -> None:
    intent = read(text)
    assert (intent["recipients"], intent["text"]) == (recipients, "bring the ladder")


def test_a_closing_ta_is_thanks_not_part_of_the_reminder() -> None:
    assert read("remind Pedro on friday at 4 to lock the van ta")["text"] == "lock the van"


def test_a_spanish_ey_opening_a_request_is_a_greeting() -> None:
    intent = read("ei, mándame un audio el lunes a las 7 para acordarme de llamar al gestor", "es")
    assert (intent["text"], intent["delivery"]) == ("llamar al gestor", "voice")


def test_the_filipino_po_around_a_request_is_politeness() -> None:
    intent = read(
        "hi po can you send me a reminder on friday at 3 to call the bank po", "en", "staff"
    )
    assert intent["text"] == "call the bank"


def test_the_portuguese_word_for_a_kitchen_hood_finds_the_hood_task() -> None:
    assert read("a coifa já está limpa", "pt", "staff") == {"kind": "complete_task", "number": 7}


@pytest.mark.parametrize("text", ["who's got the van keys", "who has got our ladder"])
def test_asking_who_holds_a_thing_is_no_task_list(text: str) -> None:
    assert read(text, "en", "staff")["kind"] != "list_tasks"


@pytest.mark.parametrize("text", ["any jobs today?", "what's due today?"])
def test_a_member_of_staff_asking_about_today_means_their_own_day(text: str) -> None:
    assert read(text, "en", "staff") == {"kind": "list_tasks", "scope": "mine"}


def test_an_upper_case_ta_or_po_at_the_end_is_a_noun_not_politeness() -> None:
    assert read("Pedro can you file the PO")["title"] == "file the PO"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, you'll need to sweep the cellar floor on Monday at 9", "sweep the cellar floor"),
        ("Ana, gonna need you to restock the napkins tomorrow at 4", "restock the napkins"),
        ("Luis mate, reckon you could fix the gate latch on Friday?", "fix the gate latch"),
        ("Lucía, is necessary that you label the jars today", "label the jars"),
        ("Tom a favour, can you bring the ladder tomorrow at 10?", "bring the ladder"),
    ],
)  # fmt: skip
def test_an_english_request_wrapper_before_the_work_is_no_part_of_the_title(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


def test_first_thing_before_the_verb_is_a_time_filler_not_work() -> None:
    intent = read("Ana, can you first thing wipe the counters tomorrow")
    assert intent["title"] == "wipe the counters"


def test_a_vocative_without_a_comma_is_address_when_a_request_follows() -> None:
    assert read("luis lad can u stack the chairs at 6")["title"] == "stack the chairs"


def test_then_at_the_end_of_an_order_is_no_part_of_the_work() -> None:
    assert read("Pedro you'll need to paint the fence on Friday then")["title"] == "paint the fence"


def test_a_non_native_of_the_morning_after_an_hour_is_no_part_of_the_title() -> None:
    intent = read("Ana, can you call the plumber tomorrow at 9 of the morning?")
    assert intent["title"] == "call the plumber"
    assert intent["due"] == "2025-03-28T09:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, le encargo revisar las facturas del mes para el lunes", "revisar las facturas del mes"),
        ("Ana, ¿no te importaría regar las plantas del patio esta tarde?", "regar las plantas del patio"),
        ("Luis, ¿me harías la gauchada de barrer la vereda mañana?", "barrer la vereda"),
        ("Tom, a ti te toca sacar la basura mañana a las 9, ¿oíste?", "sacar la basura"),
        ("María, por favor vas a ordenar el almacén mañana a las 10", "ordenar el almacén"),
        ("Ana, miña, hay que fregar la terraza mañana a las 5", "fregar la terraza"),
        ("Luis mañana a las 8 tienes que abrir la tienda vale venga un beso", "abrir la tienda"),
    ],
)  # fmt: skip
def test_a_spanish_request_wrapper_or_regional_vocative_is_no_part_of_the_title(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_a_real_word_near_a_keyword_is_not_rewritten_to_it() -> None:
    intent = read("Pedro, imprime las tarjetas de visita mañana a las 10", "es")
    assert intent["title"] == "imprimir las tarjetas de visita"


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Pedro, sweep the terrace before the wine tasting on Friday at 6", "sweep the terrace", "2025-03-28T18:00:00+01:00"),
        ("Ana, can you polish the glasses before the 8pm concert?", "polish the glasses", "2025-03-27T20:00:00+01:00"),
        ("Luis, stack the chairs before guests arrive at 5pm", "stack the chairs", "2025-03-27T17:00:00+01:00"),
        ("Tom, ordena la bodega antes de la cata mañana a las 6 de la tarde", "ordenar la bodega", "2025-03-28T18:00:00+01:00"),
    ],
)  # fmt: skip
def test_a_before_phrase_holding_the_due_time_dates_the_work_and_is_no_part_of_it(
    text: str, title: str, due: str
) -> None:
    intent = read(text, "es" if "ordena" in text else "en")
    assert intent["title"] == title
    assert intent["due"] == due


def test_a_spanish_meal_after_antes_de_is_a_time_of_day_not_work() -> None:
    intent = read("Ana, por favor, barre el comedor antes de la cena", "es")
    assert intent["title"] == "barrer el comedor"


def test_an_english_contracted_will_need_to_is_an_obligation_not_work() -> None:
    text = "The client called. Ana you'll need to repaint the hallway on Monday at 9"
    assert read(text)["title"] == "repaint the hallway"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana, would you mind closing the shutters at 8?", "close the shutters"),
        ("Tom, would you mind hosing the yard tomorrow?", "hose the yard"),
    ],
)  # fmt: skip
def test_a_gerund_after_would_you_mind_takes_back_the_e_of_its_base_form(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


def test_thanks_with_a_word_of_address_after_the_order_is_no_part_of_it() -> None:
    assert read("Pedro, can you sweep the garage when you get a sec? cheers lad")["title"] == (
        "sweep the garage"
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Ana, había que pintar la valla del jardín, ¿lo puedes hacer el lunes?", "pintar la valla del jardín"),
        ("Tom, habría que ordenar el almacén mañana a las 9", "ordenar el almacén"),
    ],
)  # fmt: skip
def test_a_spanish_past_or_conditional_hay_que_is_an_obligation_not_work(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_a_short_tu_verb_with_a_stressed_tu_after_it_is_an_order() -> None:
    assert read("Pedro, el martes a las 9 das tú la charla de bienvenida", "es")["title"] == (
        "dar la charla de bienvenida"
    )


def test_deja_before_a_participle_is_an_order_to_leave_something_done() -> None:
    intent = read("Lucía, antes de las 5 deja ordenado el almacén", "es")
    assert intent["title"] == "dejar ordenado el almacén"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, necesito que cortes 20 limones para la barra", "cortar 20 limones para la barra"),
        ("Ana, necesito que prepares 4 bandejas mañana a las 10", "preparar 4 bandejas"),
    ],
)  # fmt: skip
def test_a_second_person_subjunctive_before_a_count_is_read_as_its_infinitive(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "due"),
    [
        ("Luis, paint the shed on Tuesday, no sorry Wednesday, at 10", "en", "2025-04-02T10:00:00+02:00"),
        ("Ana, el martes a las 9, digo a las 12, te toca ordenar la bodega", "es", "2025-04-01T12:00:00+02:00"),
    ],
)  # fmt: skip
def test_a_time_put_right_straight_after_it_was_said_is_read_as_the_right_one(
    text: str, language: str, due: str
) -> None:
    intent = read(text, language)
    assert intent["due"] == due
    assert intent["title"] in {"paint the shed", "ordenar la bodega"}


@pytest.mark.parametrize(
    ("text", "language", "assignees", "title"),
    [
        ("Ana, actually no, Tom - fold the napkins", "en", ["Tom"], "fold the napkins"),
        ("Lucía... no, mejor Pedro. Pedro, riega las plantas mañana", "es", ["Pedro"], "regar las plantas"),
    ],
)  # fmt: skip
def test_a_name_put_right_is_the_one_doer_even_when_said_again(
    text: str, language: str, assignees: list[str], title: str
) -> None:
    intent = read(text, language)
    assert intent["assignees"] == assignees
    assert intent["title"] == title


def test_a_contracted_is_on_before_a_gerund_gives_the_duty_in_the_base_form() -> None:
    intent = read("Luis's on stacking the crates in the cellar, Friday from 7am")
    assert intent["title"] == "stack the crates in the cellar"
    assert intent["assignees"] == ["Luis"]
    assert intent["due"] == "2025-03-28T07:00:00+01:00"


def test_que_esta_with_an_intensified_state_says_why_and_is_no_part_of_the_work() -> None:
    intent = read("Pedro, limpia la campana de la cocina que está muy grasienta", "es")
    assert intent["title"] == "limpiar la campana de la cocina"
    assert read("Ana, friega las ollas que están sucísimas", "es")["title"] == "fregar las ollas"


def test_a_ver_and_a_closing_eso_are_fillers_around_spanish_work() -> None:
    text = "bueno, que Ana tiene que... a ver, lijar la mesa del comedor, eso, el lunes a las 9"
    intent = read(text, "es")
    assert intent["title"] == "lijar la mesa del comedor"
    assert intent["assignees"] == ["Ana"]


def test_eso_as_the_object_of_the_work_stays() -> None:
    assert read("Pedro, haz eso mañana", "es")["title"] == "hacer eso"


def test_a_tag_question_set_off_after_a_clipped_para_is_no_part_of_the_work() -> None:
    intent = read("Ana, a ti te toca limpiar los baños pa' mañana a las 9, ¿oíste?", "es")
    assert intent["title"] == "limpiar los baños"
    assert intent["due"] == "2025-03-28T09:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "language", "title", "assignees"),
    [
        ("Lucía me pidió que añada una tarea para Tom: limpiar la furgoneta", "es", "limpiar la furgoneta", ["Tom"]),
        ("Pedro asked me to add a task for María: restock the bar", "en", "restock the bar", ["María"]),
    ],
)  # fmt: skip
def test_a_request_passed_on_by_who_asked_is_read_as_if_sent(
    text: str, language: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, language)
    assert intent["title"] == title
    assert intent["assignees"] == assignees


def test_a_sentence_that_only_asks_a_favour_names_who_does_the_next_sentences_work() -> None:
    text = "¿Me echas una mano, Pedro? Habría que montar las mesas de la terraza mañana a las 10"
    intent = read(text, "es")
    assert intent["title"] == "montar las mesas de la terraza"
    assert intent["assignees"] == ["Pedro"]
    assert intent["due"] == "2025-03-28T10:00:00+01:00"


def test_a_word_of_address_set_off_by_commas_does_not_read_as_work_done() -> None:
    intent = read("Tom, ya pues, hay que fregar las ollas hoy a las 6", "es")
    assert intent["kind"] == "create_task"
    assert intent["title"] == "fregar las ollas"


def test_es_cosa_de_hands_the_topic_work_to_the_person_named() -> None:
    intent = read("Lo de regar los olivos es cosa de Lucía", "es")
    assert intent["title"] == "regar los olivos"
    assert intent["assignees"] == ["Lucía"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("whens the next payment coming out", "en"),
        ("can we get our money back for april", "en"),
        ("hi i'd like a refund pls", "en"),
        ("how much is the plan we're on", "en"),
        ("when do i pay u next", "en"),
        ("cuándo es el próximo cobro", "es"),
        ("queremos un reembolso del mes pasado", "es"),
        ("cuándo nos van a cobrar", "es"),
        ("cuánto vale nuestro plan", "es"),
    ],
)
def test_payment_dates_refunds_and_the_price_of_our_plan_are_billing(
    text: str, language: str
) -> None:
    assert read(text, language)["kind"] == "billing"


def test_refunding_someone_as_the_work_itself_is_no_billing_question() -> None:
    assert read("refund the couple in room 9 on friday")["kind"] != "billing"


def test_text_speak_for_messages_asks_what_is_left_of_the_allowance() -> None:
    assert read("how many msgs do we have left", "en")["kind"] == "usage"


@pytest.mark.parametrize("text", ["so what can u do", "hey what do u do exactly"])
def test_u_for_you_asks_what_the_bot_can_do(text: str) -> None:
    assert read(text, "en", "staff")["kind"] == "help"


def test_an_opening_o_sea_is_a_filler_before_a_question_about_someones_work() -> None:
    assert read("o sea que le queda a pedro por hacer", "es") == {
        "kind": "list_tasks",
        "scope": "person",
        "person": "pedro",
    }


def test_a_reminder_noun_after_anymore_is_the_reason_not_what_is_cancelled() -> None:
    intent = read("no need to do the monthly inventory anymore, the new till sends an alarm")
    assert intent == {"kind": "cancel_task", "number": 4}


def test_a_reminder_noun_before_anymore_still_cancels_the_reminder() -> None:
    intent = read("we don't need the walk-in reminder any more")
    assert intent == {"kind": "cancel_reminder", "number": 1}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("send me a voice note friday at 7 to set out the chairs", "set out the chairs"),
        ("send Luis a voice note at 6 to make the staff lunch", "make the staff lunch"),
    ],
)
def test_a_verb_of_giving_after_to_is_the_reminders_own_work(text: str, said: str) -> None:
    assert read(text)["text"] == said


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("when does our subscription renew?", "en"),
        ("how much is it a month for us", "en"),
        ("when does the money come out each month", "en"),
        ("quiero cambiar el método de pago", "es"),
        ("cuánto sale al mes esto", "es"),
    ],
)
def test_renewal_monthly_price_and_how_we_pay_are_billing(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


@pytest.mark.parametrize("text", ["wot can u do for us", "what can this app actually do"])
def test_text_speak_or_the_app_asked_what_it_can_do_asks_for_help(text: str) -> None:
    assert read(text, "en", "staff")["kind"] == "help"


@pytest.mark.parametrize(
    ("text", "language", "billing"),
    [
        ("me podríais devolver el dinero de abril", "es", True),
        ("devolvedme el dinero, no lo usamos", "es", True),
        ("hi can we get a refnd for april", "en", True),
        ("nos pueden devolver las sillas el lunes", "es", False),
    ],
)
def test_money_given_back_is_billing_other_things_given_back_are_not(
    text: str, language: str, billing: bool
) -> None:
    assert (read(text, language)["kind"] == "billing") is billing


@pytest.mark.parametrize(
    ("text", "language", "title", "who"),
    [
        ("sweep the back yard for Juan", "en", "sweep the back yard", "Juan"),
        ("mop the cellar steps for claire", "en", "mop the cellar steps", "claire"),
        ("barrer el almacén de atrás para Tom", "es", "barrer el almacén de atrás", "Tom"),
    ],
)  # fmt: skip
def test_an_order_then_for_a_name_hands_the_order_to_them(
    text: str, language: str, title: str, who: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [who])


def test_a_time_after_a_pause_after_the_name_ending_an_order_is_its_due() -> None:
    intent = read("sort the recycling in the yard for joão, by 4 today")
    assert (intent["title"], intent["assignees"]) == ("sort the recycling in the yard", ["joão"])
    assert intent["due"] is not None and intent["due"].startswith("2025-03-27T16:00")


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("add for me: email the landlord on monday at 10", "en", "email the landlord"),
        ("apúntame a mí: revisar el extintor el lunes a las 10", "es", "revisar el extintor"),
    ],
)  # fmt: skip
def test_the_sender_putting_themselves_down_before_a_colon_owns_the_work(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


@pytest.mark.parametrize(
    "text",
    [
        "juan has to drop the spare uniforms at the laundry on monday",
        "claire has to drop the fridge keys at reception",
    ],
)
def test_a_person_who_must_drop_something_is_given_work_not_a_cancellation(text: str) -> None:
    intent = read(text)
    assert intent["kind"] == "create_task"


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("Clare has to fold the napkins before 6", "Clare"),
        ("Mari needs to iron the aprons", "Mari"),
    ],
)
def test_a_name_missing_a_letter_before_a_modal_is_still_the_person(text: str, who: str) -> None:
    intent = read(text)
    assert (intent["kind"], intent["assignees"]) == ("create_task", [who])


def test_a_person_who_needs_to_do_something_in_spanish_is_given_the_infinitive() -> None:
    intent = read("pedro necesita fregar el suelo del almacén mañana", "es")
    assert (intent["title"], intent["assignees"]) == ("fregar el suelo del almacén", ["pedro"])


def test_an_unambiguous_weekday_abbreviation_before_at_and_an_hour_is_the_day() -> None:
    intent = read("get juan to collect the linen from the laundry tue at 10")
    assert intent["title"] == "collect the linen from the laundry"
    assert intent["due"].startswith("2025-04-01T10:00")


def test_a_spanish_bueno_cuando_pueda_after_the_work_is_no_part_of_it() -> None:
    intent = read("luis tiene que revisar las bombonas del sótano, bueno cuando pueda", "es")
    assert intent["title"] == "revisar las bombonas del sótano"


def test_a_clause_of_when_after_the_work_is_no_part_of_the_title() -> None:
    intent = read("juan and maria need to stack the crates of apples once they arrive at 4")
    assert intent["title"] == "stack the crates of apples"


def test_a_spanish_comment_that_it_leaks_after_a_comma_is_no_part_of_the_title() -> None:
    intent = read("que alguien mire la lavadora de la 2, pierde agua", "es")
    assert intent["title"] == "mirar la lavadora de la 2"


@pytest.mark.parametrize(
    "text",
    [
        "get tom to change the bin bags theyre really full",
        "tom needs to fix the hand dryer it's broken",
    ],
)
def test_a_bad_state_said_after_the_work_without_a_comma_is_no_part_of_it(text: str) -> None:
    assert read(text)["title"] in {"change the bin bags", "fix the hand dryer"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("you took 38 dollars this week, isn't the subscription 25?", "en"),
        ("me sale un adeudo de 12,50 que no reconozco, ¿es vuestro?", "es"),
    ],
)
def test_a_sum_with_the_subscription_or_a_charge_asks_about_billing(
    text: str, language: str
) -> None:
    assert read(text, language)["kind"] == "billing"


def test_a_sum_of_ones_own_spending_is_not_billing() -> None:
    assert read("Tom, buy 20 euros of lemons at the market")["kind"] == "create_task"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("do you accept google pay?", "en"),
        ("¿admiten transferencia bancaria?", "es"),
    ],
)
def test_a_way_of_paying_asked_with_the_plan_or_an_accepting_verb_is_billing(
    text: str, language: str
) -> None:
    assert read(text, language)["kind"] == "billing"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I was wondering whether your fees include VAT", "en"),
        ("¿la tarifa es con IVA o sin IVA?", "es"),
    ],
)
def test_a_tax_asked_about_with_a_price_is_billing(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


def test_a_tax_told_as_work_is_not_billing() -> None:
    assert read("Pedro, presenta el IVA del trimestre el lunes", "es")["kind"] == "create_task"


def test_the_next_charge_asked_in_spanish_is_billing() -> None:
    assert read("¿qué día nos hacéis el siguiente cargo?", "es")["kind"] == "billing"


def test_a_request_to_set_it_up_after_the_reminder_is_no_part_of_its_text() -> None:
    intent = read("Tom needs a reminder on Friday at 7 to water the plants, could you set it up?")
    assert (intent["kind"], intent["text"]) == ("create_reminder", "water the plants")


def test_a_request_to_do_it_after_the_task_is_no_part_of_its_title() -> None:
    assert read("Pedro should wash the van on Monday, can you do that")["title"] == "wash the van"


def test_i_keep_forgetting_before_the_reminder_verb_leads_what_to_remember() -> None:
    intent = read("i always forget to top up the salt, remind me every sunday at 10")
    assert (intent["text"], intent["cron"]) == ("top up the salt", "0 10 * * 0")


def test_an_emoji_at_the_edge_of_a_title_is_no_part_of_it() -> None:
    intent = read("Juan Mora wipe down the bar stools ☕️ tomorrow")
    assert intent["title"] == "wipe down the bar stools"


@pytest.mark.parametrize(
    ("said", "cron"),
    [("weekday evenings at 7 lock the shutters", "0 19 * * 1-5"),
     ("weekend mornings at 10 open the terrace", "0 10 * * 0,6")],
)  # fmt: skip
def test_weekday_or_weekend_before_a_part_of_the_day_recurs(said: str, cron: str) -> None:
    found = find_recurrence(said, now=EVAL_NOW)
    assert found is not None and found.cron == cron


def test_a_request_to_remind_people_after_a_comma_is_no_part_of_the_text() -> None:
    intent = read("every friday at 6 wipe the menus, could you remind Tom and María")
    assert (intent["text"], intent["recipients"]) == ("wipe the menus", ["Tom", "María"])


def test_the_ones_who_must_do_the_work_do_not_open_the_reminder_text() -> None:
    intent = read("remind Pedro every monday at 7 that the cooks need to clean the hood filters")
    assert intent["text"] == "clean the hood filters"


def test_make_it_so_someone_gets_reminded_is_a_reminder_for_them() -> None:
    intent = read("make it so María gets reminded every monday at 8 to defrost the fish")
    assert (intent["kind"], intent["recipients"], intent["text"]) == (
        "create_reminder",
        ["María"],
        "defrost the fish",
    )


def test_hiya_opens_a_message_as_hi_does() -> None:
    intent = read(
        "hiya, could you make it so Tom gets reminded every 3rd of the month at 9 to pay rent"
    )
    assert (intent["kind"], intent["cron"]) == ("create_reminder", "0 9 3 * *")


def test_can_i_get_a_voice_note_on_a_schedule_asks_for_a_reminder() -> None:
    intent = read("can I get a voice note every Tuesday at 6pm to bring the bins in?", role="staff")
    assert (intent["kind"], intent["text"], intent["delivery"]) == (
        "create_reminder",
        "bring the bins in",
        "voice",
    )


def test_pasale_a_someone_a_reminder_gives_them_the_reminder() -> None:
    intent = read("pásales a Pedro y a Juan un aviso mañana a las 9 para revisar la cámara", "es")
    assert (intent["text"], intent["recipients"]) == ("revisar la cámara", ["Pedro", "Juan"])


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("we need to restock the napkins, whoever's around", "en", "restock the napkins"),
        ("hace falta fregar la terraza, el que pueda", "es", "fregar la terraza"),
    ],
)
def test_work_then_whoever_after_a_comma_is_a_task_for_anyone(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


def test_cuando_tengas_tiempo_after_the_work_is_no_part_of_the_title() -> None:
    intent = read("Juan Mora, ordena el almacén cuando tengas tiempo", "es")
    assert intent["title"] == "ordenar el almacén"


def test_a_weekday_with_a_possessive_names_a_thing_not_when() -> None:
    intent = read("Lucía, prep the veg for Friday's dinner service by Thursday")
    assert intent["title"] == "prep the veg for Friday's dinner service"
    assert intent["due"].startswith("2025-03-27")


def test_put_this_on_my_list_then_the_work_after_a_dash_is_the_senders_task() -> None:
    intent = read("pop this on my list — oil the chain on the tandem, by Friday", role="staff")
    assert (intent["title"], intent["assignees"]) == ("oil the chain on the tandem", ["me"])


def test_me_lo_anoto_before_a_colon_makes_the_work_the_senders() -> None:
    intent = read("me lo anoto: revisar el extintor el viernes", "es")
    assert (intent["title"], intent["assignees"]) == ("revisar el extintor", ["me"])


def test_work_in_one_sentence_taken_on_by_a_name_in_the_next_is_theirs() -> None:
    intent = read("Hay que pedir más servilletas. Lucía, ¿te ocupas tú?", "es")
    assert (intent["title"], intent["assignees"]) == ("pedir más servilletas", ["Lucía"])


def test_several_names_after_a_colon_at_the_end_all_do_the_work() -> None:
    intent = read("hay que vaciar el congelador: Tom y Luis", "es")
    assert (intent["title"], intent["assignees"]) == ("vaciar el congelador", ["Tom", "Luis"])


def test_toca_before_an_infinitive_is_no_part_of_the_title() -> None:
    intent = read("el viernes toca hacer inventario - Lucía", "es")
    assert (intent["title"], intent["assignees"]) == ("hacer inventario", ["Lucía"])


def test_a_question_about_the_work_after_a_scene_sentence_is_the_message() -> None:
    intent = read("back from the bank. what's still open, send it over")
    assert (intent["kind"], intent["scope"]) == ("list_tasks", "open")


@pytest.mark.parametrize(
    ("text", "scope"),
    [("show me what María still needs to get done", "person"),
     ("what else do I need to finish before lunch?", "mine")],
)  # fmt: skip
def test_what_someone_needs_to_finish_or_sort_asks_for_their_tasks(text: str, scope: str) -> None:
    intent = read(text, role="staff")
    assert (intent["kind"], intent["scope"]) == ("list_tasks", scope)


def test_quita_lo_de_a_task_cancels_it_not_a_member() -> None:
    intent = read("quita lo del stock de vino, ya no hace falta", "es")
    assert (intent["kind"], intent["number"]) == ("cancel_task", 8)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("effacez mes informations, s'il vous plaît", "fr"),
        ("quero que apaguem os meus dados", "pt"),
    ],
)
def test_erasing_my_data_in_french_or_portuguese_deletes_the_senders_data(
    text: str, language: str
) -> None:
    assert read(text, language, role="staff")["kind"] == "delete_data"


@pytest.mark.parametrize(
    ("text", "language", "title", "who"),
    [
        ("we have to defrost the chest freezer, can Juan Mora sort it?", "en",
         "defrost the chest freezer", "Juan Mora"),
        ("Hay que barrer el patio, ¿Luis se puede encargar?", "es", "barrer el patio", "Luis"),
        ("Il faut ranger la réserve, Lucía peut s'en charger ?", "fr", "ranger la réserve",
         "Lucía"),
    ],
)  # fmt: skip
def test_work_said_as_a_duty_then_a_name_taking_it_on_is_theirs(
    text: str, language: str, title: str, who: str
) -> None:
    intent = read(text, language, role="staff" if language == "fr" else "admin")
    assert (intent["title"], intent["assignees"]) == (title, [who])


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("lo de la nevera ya no hace falta, bórrala", 1),
        ("lo de la temperatura del congelador ya no hace falta, bórralo", 3),
        ("lo de la terraza ya no hace falta, quítala", 6),
    ],
)
def test_a_topic_no_longer_needed_then_an_order_to_delete_it_cancels_the_task(
    text: str, number: int
) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["number"]) == ("cancel_task", number)


@pytest.mark.parametrize(
    ("text", "number", "who"),
    [
        ("lo de la terraza pásaselo a Tom, Juan Mora va muy liado", 6, "Tom"),
        ("lo del inventario dáselo a Claire, Tom va a tope", 4, "Claire"),
    ],
)
def test_a_person_after_a_comma_with_a_verb_of_state_says_why_not_who_gets_the_task(
    text: str, number: int, who: str
) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["number"], intent["assignee"]) == ("edit_task", number, who)


@pytest.mark.parametrize(
    ("text", "number"), [("the terrace is spotless", 6), ("freezer temperature spotless now", 3)]
)
def test_spotless_after_a_task_s_noun_reports_it_done(text: str, number: int) -> None:
    intent = read(text)
    assert (intent["kind"], intent["number"]) == ("complete_task", number)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("nevera fregada jefe", 1),
        ("temperatura del congelador revisada, todo en orden", 3),
        ("terraza fregada, todo ok", 6),
    ],
)
def test_a_state_report_then_a_word_of_address_or_an_all_clear_completes_the_task(
    text: str, number: int
) -> None:
    intent = read(text, "es", "staff")
    assert (intent["kind"], intent["number"]) == ("complete_task", number)


@pytest.mark.parametrize(
    "text",
    [
        "nos ha salido un cargo raro en la cuenta este mes, ¿qué es?",
        "necesito que nos devolváis lo de febrero, no lo hemos usado",
    ],
)
def test_a_charge_not_recognised_or_a_refund_asked_of_us_is_billing(text: str) -> None:
    assert read(text, "es")["kind"] == "billing"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("staff huddle at 3, show me the open tasks so we can split them up", "en"),
        ("reunión en 10 minutos, pásame las tareas pendientes para que las repasemos", "es"),
    ],
)
def test_a_listing_asked_after_a_scene_and_before_a_purpose_lists_the_open_tasks(
    text: str, language: str
) -> None:
    assert read(text, language) == {"kind": "list_tasks", "scope": "open"}


@pytest.mark.parametrize(
    ("text", "hour"), [("lavar as toalhas às 17h", 17), ("fermer la caisse à 20h", 20)]
)
def test_a_portuguese_or_french_at_before_an_hour_is_part_of_the_time(text: str, hour: int) -> None:
    found = find_time(text, timezone="Europe/Madrid", now=EVAL_NOW)
    assert found is not None
    assert (found.at.hour, found.rest) == (hour, text.split(" à")[0].split(" às")[0])


@pytest.mark.parametrize("text", ["amanhã às 7h", "demain à 7h"])
def test_amanha_and_demain_are_tomorrow(text: str) -> None:
    early = EVAL_NOW.replace(hour=6)
    found = find_time(text, timezone="Europe/Madrid", now=early)
    assert found is not None
    assert found.at.isoformat() == "2025-03-28T07:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "cron"),
    [
        ("toda quarta às 10h regar as plantas", "0 10 * * 3"),
        ("todas as terças e quintas às 9h", "0 9 * * 2,4"),
        ("tous les vendredis à 16h", "0 16 * * 5"),
        ("chaque mardi à 8h", "0 8 * * 2"),
    ],
)
def test_every_portuguese_or_french_weekday_is_a_weekly_cron(text: str, cron: str) -> None:
    found = find_recurrence(text, now=EVAL_NOW)
    assert found is not None and found.cron == cron


def test_a_french_reminder_keeps_its_elided_de_out_of_the_text() -> None:
    intent = read("rappelle-moi demain à 8h d'arroser les plantes", "fr", "staff")
    assert (intent["text"], intent["recipients"]) == ("arroser les plantes", ["me"])


def test_tous_les_in_a_french_reminder_counts_days_not_people() -> None:
    intent = read("rappelle-moi tous les mardis à 8h de sortir les poubelles svp", "fr", "staff")
    assert intent["recipients"] == ["me"]
    assert intent["cron"] == "0 8 * * 2"


def test_stp_and_svp_are_please() -> None:
    intent = read("rappelle-moi demain à 8h de ranger la réserve stp", "fr", "staff")
    assert intent["text"] == "ranger la réserve"


@pytest.mark.parametrize("said", ["rappelle-moi d'arroser les plantes", "pense d'abord au stock"])
def test_a_french_elided_word_is_no_chat_abbreviation(said: str) -> None:
    assert respell(Text.of(said)).folded == Text.of(said).folded


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("before I forget remind me on friday at 9am to call the accountant", "en", "call the accountant"),
        ("antes de que se me olvide, recuérdame el lunes a las 9 llamar al gestor", "es", "llamar al gestor"),
    ],
)  # fmt: skip
def test_a_word_about_the_sender_s_memory_is_no_cancellation(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["text"]) == ("create_reminder", said)


def test_a_scene_before_a_reminder_named_is_not_what_to_remember() -> None:
    intent = read(
        "Luis never remembers, can you send Luis a reminder every monday at 8am to check the boiler"
    )
    assert (intent["text"], intent["recipients"]) == ("check the boiler", ["Luis"])
    assert intent["cron"] == "0 8 * * 1"


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("remind Lucía every Monday at 10am, no 11am, to order the bread", "0 11 * * 1"),
        ("remind Pedro tomorrow at 9am, no 8am, to open the shutters", "2025-03-28T08:00:00+01:00"),
    ],
)
def test_a_reminder_time_put_right_after_a_bare_no_is_the_one_meant(text: str, when: str) -> None:
    intent = read(text)
    assert intent["text"] in {"order the bread", "open the shutters"}
    assert intent.get("cron", intent.get("at")) == when


def test_setting_up_an_audio_reminder_for_someone_is_a_voice_reminder_for_them() -> None:
    intent = read("set up a voice reminder for Lucía on friday at 8am to count the till")
    assert (intent["kind"], intent["text"], intent["recipients"]) == (
        "create_reminder",
        "count the till",
        ["Lucía"],
    )
    assert intent["delivery"] == "voice"


@pytest.mark.parametrize(
    "text",
    [
        "remind Tom on friday at 9am to call the printer, voice note",
        "remind me on friday at 9am to call the printer, audio please cos I skip texts",
    ],
)
def test_the_medium_named_alone_after_a_comma_is_how_the_reminder_goes(text: str) -> None:
    intent = read(text)
    assert (intent["text"], intent["delivery"]) == ("call the printer", "voice")


def test_a_habit_of_the_sender_after_a_comma_is_no_part_of_the_reminder() -> None:
    intent = read("remind me tomorrow at 8am to bring the float, i keep leaving it at home")
    assert intent["text"] == "bring the float"


def test_a_spanish_que_siempre_se_me_after_the_reminder_says_why() -> None:
    intent = read("recuérdame el jueves a las 11 renovar el seguro que siempre se me pasa", "es")
    assert intent["text"] == "renovar el seguro"


@pytest.mark.parametrize(
    ("text", "language", "cron"),
    [
        ("me lembra todos os dias às 7h de ligar a máquina de café", "pt", "0 7 * * *"),
        ("rappelle-moi chaque jour à 8h d'allumer la machine à café", "fr", "0 8 * * *"),
    ],
)
def test_every_day_in_portuguese_or_french_is_a_daily_reminder(
    text: str, language: str, cron: str
) -> None:
    assert read(text, language, "staff")["cron"] == cron


def test_a_french_weekday_alone_is_that_day() -> None:
    intent = read("rappelle-moi samedi à 10h de payer le loyer", "fr", "staff")
    assert (intent["text"], intent["at"]) == ("payer le loyer", "2025-03-29T10:00:00+01:00")


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("pode me lembrar amanhã às 9h de ligar para o banco?", "pt", "ligar para o banco"),
        ("tu peux me rappeler demain à 9h de commander du savon ?", "fr", "commander du savon"),
    ],
)
def test_a_reminder_asked_as_a_question_in_portuguese_or_french_is_one(
    text: str, language: str, said: str
) -> None:
    intent = read(text, language, "staff")
    assert (intent["kind"], intent["text"]) == ("create_reminder", said)


@pytest.mark.parametrize("word", ["eliminala", "cancelalo", "eliminalos"])
def test_an_order_with_its_object_pronoun_written_on_is_not_a_typo(word: str) -> None:
    assert fix_typos(Text.of(word)).folded == word


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("lo del fontanero ya no hace falta, quítalo de la lista", 5),
        ("lo de la nevera ya no hace falta, elimínala", 1),
    ],
)
def test_a_topic_no_longer_needed_then_taken_off_the_list_cancels_it(
    text: str, number: int
) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["number"]) == ("cancel_task", number)


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("geladeira limpa", "pt", 1),
        ("terraço lavado", "pt", 6),
        ("frigo propre", "fr", 1),
        ("terrasse propre", "fr", 6),
    ],
)
def test_a_portuguese_or_french_state_after_a_task_s_noun_reports_it_done(
    text: str, language: str, number: int
) -> None:
    intent = read(text, language, "staff")
    assert (intent["kind"], intent["number"]) == ("complete_task", number)


def test_a_portuguese_article_before_the_name_reminded_is_no_part_of_the_text() -> None:
    intent = read("lembra o Juan Mora amanhã às 9h de pedir o pão", "pt", "staff")
    assert (intent["text"], intent["recipients"]) == ("pedir o pão", ["Juan Mora"])


@pytest.mark.parametrize(
    ("text", "number", "due"),
    [
        ("could we do the terrace at 5pm", 6, "2025-03-27T17:00:00+01:00"),
        ("can we do the monthly inventory on monday at 10am", 4, "2025-03-31T10:00:00+02:00"),
    ],
)
def test_we_doing_an_open_task_at_another_time_moves_it(text: str, number: int, due: str) -> None:
    intent = read(text)
    assert (intent["kind"], intent["number"], intent["due"]) == ("edit_task", number, due)


@pytest.mark.parametrize(
    ("text", "title", "who"),
    [
        (
            "the florist forgot our order again haha, Juan Mora collect the peonies by 2pm",
            "collect the peonies",
            ["Juan Mora"],
        ),
        (
            "I'm on the motorway sorry so Pedro ring the glazier about the shop front",
            "ring the glazier about the shop front",
            ["Pedro"],
        ),
        (
            "long day yesterday, Tom measure the new counter tomorrow at 8",
            "measure the new counter",
            ["Tom"],
        ),
    ],
)
def test_chatter_then_a_comma_or_so_then_a_name_with_an_order_is_the_order(
    text: str, title: str, who: list[str]
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, who)


@pytest.mark.parametrize(
    "text",
    ["the new van came this morning, Pedro is off today", "busy day, Luis was late again"],
)
def test_a_name_after_a_comma_said_about_not_to_is_no_order(text: str) -> None:
    assert read(text)["kind"] != "create_task"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "sorry about the voice message im in the car so Juan Mora phone the bakery",
            "phone the bakery",
        ),
        (
            "im running late so Juan Mora print the price list",
            "print the price list",
        ),
    ],
)
def test_a_scene_naming_a_voice_note_or_a_list_before_an_order_leaves_the_order(
    text: str, title: str
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        ["Juan Mora"],
    )


@pytest.mark.parametrize(
    ("text", "language", "due"),
    [
        ("Juan Mora sweep the loading bay at 3pm, no sorry make it 4pm", "en", "2025-03-27T16:00:00+01:00"),
        ("Luis, fold the towels at 6, no wait, 7pm", "en", "2025-03-27T19:00:00+01:00"),
        ("María friega los cubos a las 4 de la tarde no perdona a las 5", "es", "2025-03-27T17:00:00+01:00"),
        ("Tom, el sábado a las 9 de la mañana, no espera, a las 10, barre el almacén", "es", "2025-03-29T10:00:00+01:00"),
        ("on friday at 8 no wait 8:45 in the morning Tom has to open the side gate", "en", "2025-03-28T08:45:00+01:00"),
    ],
)  # fmt: skip
def test_a_time_put_right_that_opens_as_the_slip_did_replaces_the_whole_slip(
    text: str, language: str, due: str
) -> None:
    intent = read(text, language)
    assert intent["due"] == due
    assert not any(ch.isdigit() for ch in intent["title"])


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Tom could you paint the fence by the gate, it needs to be done by friday at 6", "en", "paint the fence by the gate"),
        ("Juan Mora, sand the counter in the bar, have it finished before 3pm tomorrow", "en", "sand the counter in the bar"),
        ("Pedro tiene que pintar las sillas del patio, el lunes a las 10 las quiero listas", "es", "pintar las sillas del patio"),
    ],
)  # fmt: skip
def test_a_clause_saying_the_work_must_be_done_by_a_time_is_a_deadline_not_a_report(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"]) == ("create_task", title)
    assert "due" in intent


def test_a_state_that_is_the_work_itself_stays_in_the_title() -> None:
    assert read("Tom get the function room ready by 5pm")["title"] == "get the function room ready"


@pytest.mark.parametrize(
    ("text", "language", "title", "who"),
    [
        ("Tom and Claire, the two of you, restack the chairs in the hall", "en", "restack the chairs in the hall", ["Tom", "Claire"]),
        ("luis, juan mora y maria, los tres, tenéis que barrer el almacén", "es", "barrer el almacén", ["luis", "juan mora", "maria"]),
    ],
)  # fmt: skip
def test_names_then_a_count_of_them_set_off_by_commas_are_who_does_the_work(
    text: str, language: str, title: str, who: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["title"], intent["assignees"]) == (title, who)


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("i'll handle it myself so add this to my list, renew the fire extinguisher check", "en", "renew the fire extinguisher check"),
        ("put that on my list please, adjust the thermostat in the studio", "en", "adjust the thermostat in the studio"),
        ("me lo apunto yo misma, llamar al gestor por lo del IVA", "es", "llamar al gestor por lo del IVA"),
    ],
)  # fmt: skip
def test_the_senders_own_label_said_first_then_a_comma_then_the_work_is_their_task(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language, "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("me apunto a mí mismo lo de revisar los extintores", "revisar los extintores"),
        ("pon que tengo que recoger las llaves del local", "recoger las llaves del local"),
    ],
)
def test_a_spanish_self_note_with_a_mi_mismo_or_pon_que_tengo_que_is_the_senders_task(
    text: str, title: str
) -> None:
    intent = read(text, "es", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


@pytest.mark.parametrize(
    ("text", "title", "who"),
    [
        ("pon a Lucía a ordenar el almacén el viernes", "ordenar el almacén", ["Lucía"]),
        ("oye, pon a Juan Mora a pintar la verja", "pintar la verja", ["Juan Mora"]),
    ],
)
def test_spanish_pon_a_someone_a_infinitive_puts_them_to_that_work(
    text: str, title: str, who: list[str]
) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, who)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Tom service the boiler on monday, landlord wants the certificate", "service the boiler"),
        ("Juan Mora wash the van tomorrow at 7, boss needs it at noon", "wash the van"),
    ],
)
def test_a_comment_with_a_bare_singular_subject_after_the_work_is_no_part_of_it(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


def test_a_list_after_the_work_keeps_its_nouns() -> None:
    assert (
        read("Tom buy bleach, sponges and bin bags")["title"] == "buy bleach, sponges and bin bags"
    )


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("Juan Mora restock the paper towels thanks hun", "en", "restock the paper towels"),
        ("Pedro tiene que barrer la terraza, gracias guapo", "es", "barrer la terraza"),
    ],
)
def test_a_thanks_with_a_word_of_endearment_closing_the_order_is_no_part_of_it(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


def test_oh_and_before_a_name_with_a_time_clause_then_the_order_is_said_to_them() -> None:
    intent = read("oh and tom, on your way back on friday at 5, drop off the keys at reception")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "drop off the keys at reception",
        ["tom"],
    )


def test_a_long_scene_then_a_comma_then_someone_with_a_bare_order_is_work_for_anyone() -> None:
    intent = read("the staff kitchen sink is totally blocked again, someone unblock the sink")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "unblock the sink",
        [],
    )


@pytest.mark.parametrize(
    "text",
    [
        "Luis, please sweep the yard before 6pm. Many thanks, Ana",
        "Luis, please sweep the yard before 6pm. Cheers, Ana García",
    ],
)
def test_a_signed_thanks_after_the_order_names_the_writer_not_more_work(text: str) -> None:
    intent = read(text)
    assert (intent["title"], intent["assignees"]) == ("sweep the yard", ["Luis"])


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        ("add a job, no one in particular, clean the gutters on the shed", "en", "clean the gutters on the shed"),
        ("crea una tarea, sin asignar de momento, revisar la caldera", "es", "revisar la caldera"),
    ],
)  # fmt: skip
def test_that_no_one_has_the_work_yet_said_between_commas_is_no_part_of_it(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


def test_a_time_clause_of_when_you_have_got_a_minute_is_no_part_of_the_title() -> None:
    assert read("Pedro when you've got a sec restock the napkins")["title"] == "restock the napkins"


def test_names_then_a_scene_then_can_you_both_and_an_order_is_the_order() -> None:
    intent = read(
        "tom and claire. the fence by the car park is leaning badly, can you both fix the fence"
    )
    assert (intent["title"], intent["assignees"]) == ("fix the fence", ["tom", "claire"])


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("luis y tom mañana antes de iros hay que recoger las sillas del patio", "recoger las sillas del patio"),
        ("hay que cambiar el filtro de la cafetera, quien pueda", "cambiar el filtro de la cafetera"),
    ],
)  # fmt: skip
def test_spanish_antes_de_iros_and_quien_pueda_are_no_part_of_the_work(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_spanish_esto_me_lo_apunto_yo_then_a_colon_and_the_work_is_the_senders() -> None:
    intent = read("esto me lo apunto yo: renovar el seguro de la furgoneta", "es", "staff")
    assert (intent["title"], intent["assignees"]) == ("renovar el seguro de la furgoneta", ["me"])


def test_a_sentence_asking_to_put_it_on_someones_list_files_the_order_before_it() -> None:
    intent = read("could Tom wipe down the gym mats this evening? can you put it on his list")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "wipe down the gym mats",
        ["Tom"],
    )


def test_a_request_for_ones_own_task_after_so_i_dont_forget_ignores_what_came_before() -> None:
    intent = read(
        "long shift today, just so i don't forget put me down to descale the kettles on monday",
        "en",
        "staff",
    )
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "descale the kettles",
        ["me"],
    )


@pytest.mark.parametrize(
    "text",
    [
        "the manager said i should service the bikes, can you add that for me for friday 9am",
        "i have to service the bikes, add it for me for friday 9am",
    ],
)
def test_the_senders_own_duty_then_add_that_for_me_is_their_task_without_the_duty(
    text: str,
) -> None:
    intent = read(text, "en", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "service the bikes",
        ["me"],
    )
    assert intent["due"] == "2025-03-28T09:00:00+01:00"


def test_the_senders_own_work_then_log_it_for_me_is_their_task() -> None:
    intent = read("I'll do the fridge temperature log on sunday at 7, log it for me", "en", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "do the fridge temperature log",
        ["me"],
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "tom order more paper towels from the supplier, the dispenser's run out",
            "order more paper towels from the supplier",
        ),
        (
            "pedro wipe down the patio tables, the pigeons got them too",
            "wipe down the patio tables",
        ),
    ],
)
def test_a_thing_that_ran_out_or_got_at_after_a_comma_is_no_part_of_the_title(
    text: str, title: str
) -> None:
    assert read(text)["title"] == title


def test_a_spanish_bare_plural_of_how_things_were_left_after_a_comma_is_a_comment() -> None:
    intent = read("que Tom ordene las revistas de la entrada, quedaron tiradas por el suelo", "es")
    assert intent["title"] == "ordenar las revistas de la entrada"


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        (
            "Pedro has to lock the back gate tonight or it will blow open",
            "en",
            "lock the back gate",
        ),
        ("Tom must water the ferns today otherwise they dry out", "en", "water the ferns"),
        ("que Luis riegue las macetas hoy o si no se secan", "es", "regar las macetas"),
    ],
)
def test_a_warning_of_what_happens_otherwise_is_no_part_of_the_title(
    text: str, language: str, title: str
) -> None:
    assert read(text, language)["title"] == title


@pytest.mark.parametrize(
    "text",
    [
        "que María compre más servilletas, nos hemos quedado sin ninguna",
        "que María compre más servilletas, la vi casi vacía la caja",
    ],
)
def test_a_spanish_first_person_aside_after_a_comma_is_no_part_of_the_title(text: str) -> None:
    assert read(text, "es")["title"] == "comprar más servilletas"


def test_a_spanish_que_se_ha_with_a_participle_says_what_befell_not_the_work() -> None:
    intent = read("Juan Mora, llama a la gestoría, que se ha perdido una factura", "es")
    assert intent["title"] == "llamar a la gestoría"


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        (
            "I'll sort the returns shelf on Friday at 4pm, note it down for me",
            "en",
            "sort the returns shelf",
        ),
        (
            "me toca a mí limpiar la cámara frigorífica el lunes, anótalo",
            "es",
            "limpiar la cámara frigorífica",
        ),
    ],
)
def test_a_plan_of_ones_own_then_a_plain_note_it_down_is_the_senders_task(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language, "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


def test_a_note_it_down_after_someone_elses_work_does_not_make_it_the_senders() -> None:
    intent = read("Tom will sort the returns shelf on Friday, note it down for me", "en", "staff")
    assert intent.get("assignees") != ["me"]


def test_a_longer_word_of_taking_charge_opens_the_senders_own_work() -> None:
    intent = read("yo me ocupo de ordenar el almacén, apúntamelo", "es", "staff")
    assert (intent["title"], intent["assignees"]) == ("ordenar el almacén", ["me"])


def test_a_gerund_after_taking_care_of_reads_as_the_order() -> None:
    intent = read("I'll take care of sorting the recycling, put it under my name", "en", "staff")
    assert (intent["title"], intent["assignees"]) == ("sort the recycling", ["me"])


def test_put_me_down_for_it_after_the_work_labels_the_work_said_first() -> None:
    intent = read("I can mop the stockroom tonight, put me down for it", "en", "staff")
    assert (intent["title"], intent["assignees"]) == ("mop the stockroom", ["me"])


def test_being_put_down_then_a_label_after_the_work_keeps_the_label_out() -> None:
    intent = read("me pongo yo con lo de pintar la valla, añádemelo a mis tareas", "es", "staff")
    assert (intent["title"], intent["assignees"]) == ("pintar la valla", ["me"])


@pytest.mark.parametrize(
    ("text", "language", "title", "who"),
    [
        (
            "the grease traps need scraping, tom when you get a second",
            "en",
            "scrape the grease traps",
            ["tom"],
        ),
        (
            "Hay que vaciar el congelador pequeño, Lucía cuando tengas un rato",
            "es",
            "vaciar el congelador pequeño",
            ["Lucía"],
        ),
    ],
)
def test_a_need_then_a_name_and_whenever_suits_hands_the_work_over(
    text: str, language: str, title: str, who: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, who)
    assert "due" not in intent


@pytest.mark.parametrize(
    ("text", "language", "who"),
    [
        ("hay que montar las estanterías nuevas el lunes, lucía y maría", "es", ["lucía", "maría"]),
        ("the van needs washing, Tom and Pedro", "en", ["Tom", "Pedro"]),
    ],
)
def test_a_need_then_two_names_joined_by_and_hands_the_work_to_both(
    text: str, language: str, who: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["assignees"]) == ("create_task", who)


def test_a_need_said_then_handed_over_in_a_sentence_of_its_own() -> None:
    intent = read("hay que barnizar la puerta del almacén. Que lo haga Tom", "es")
    assert (intent["title"], intent["assignees"]) == ("barnizar la puerta del almacén", ["Tom"])


def test_what_is_due_before_an_infinitive_is_no_part_of_the_work() -> None:
    intent = read("esta tarde toca pintar las taquillas. Que lo haga Luis", "es")
    assert (intent["title"], intent["assignees"]) == ("pintar las taquillas", ["Luis"])


def test_a_scene_then_a_comma_and_an_order_in_que_reads_the_pronoun_as_its_subject() -> None:
    intent = read("las toallas están tiradas por el suelo, que alguien las doble", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "doblar las toallas")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro, make sure the patio chairs get stacked by 9pm", "stack the patio chairs"),
        ("Tom make sure that the stock room is tidied before Friday", "tidy the stock room"),
    ],
)
def test_make_sure_a_thing_gets_done_reads_as_the_order_to_do_it(text: str, title: str) -> None:
    assert read(text)["title"] == title


def test_a_clock_time_with_am_after_the_name_is_no_label_colon() -> None:
    intent = read("Pedro tonight at 9:45pm mop and dry the dining room")
    assert (intent["title"], intent["assignees"]) == ("mop and dry the dining room", ["Pedro"])
    assert intent["due"] == "2025-03-27T21:45:00+01:00"


@pytest.mark.parametrize(
    "text",
    [
        "Juan Mora, ¿te animás a barnizar las mesas de la terraza?",
        "a Juan Mora le pediría que barnice las mesas de la terraza",
    ],
)
def test_a_spanish_dare_you_or_i_would_ask_him_opens_the_work(text: str) -> None:
    intent = read(text, "es")
    assert (intent["title"], intent["assignees"]) == (
        "barnizar las mesas de la terraza",
        ["Juan Mora"],
    )


@pytest.mark.parametrize(
    "text",
    ["lo de barnizar las mesas se lo dejo a Lucía", "barnizar las mesas, se lo paso a Lucía"],
)
def test_a_spanish_i_leave_it_to_hands_the_work_to_the_person(text: str) -> None:
    intent = read(text, "es")
    assert (intent["title"], intent["assignees"]) == ("barnizar las mesas", ["Lucía"])


def test_two_gerunds_after_needs_are_both_the_work() -> None:
    intent = read("Pedro - the aprons from the kitchen need ironing and folding by Friday 5pm")
    assert intent["title"] == "iron and fold the aprons from the kitchen"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("las sillas rotas hay que bajarlas al sótano", "bajar las sillas rotas al sótano"),
        ("la cafetera hay que descalcificarla el viernes, Tom", "descalcificar la cafetera"),
    ],
)
def test_a_spanish_object_said_before_the_duty_takes_the_clitics_place(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "language", "title", "who"),
    [
        (
            "the gutters over the porch need clearing. Pedro can you sort that?",
            "en",
            "clear the gutters over the porch",
            ["Pedro"],
        ),
        (
            "hay que pintar la barandilla. Luis ¿te ocupas tú?",
            "es",
            "pintar la barandilla",
            ["Luis"],
        ),
    ],
)
def test_a_last_sentence_that_only_takes_on_the_work_keeps_the_work_said_before(
    text: str, language: str, title: str, who: list[str]
) -> None:
    intent = read(text, language)
    assert (intent["title"], intent["assignees"]) == (title, who)


def test_someone_wanted_at_a_place_then_to_and_the_work_is_the_work() -> None:
    intent = read("we need someone on the till to count the float before close")
    assert intent["title"] == "count the float"


def test_latest_after_a_time_is_no_part_of_the_title() -> None:
    intent = read("Lucía has to restock the napkins, 6pm latest")
    assert (intent["title"], intent["due"]) == ("restock the napkins", "2025-03-27T18:00:00+01:00")


def test_an_occasions_noun_left_after_its_before_and_day_went_as_the_time_goes_too() -> None:
    intent = read("Someone has to hose the terrace before the Saturday market, 7am at the latest")
    assert (intent["title"], intent["due"]) == ("hose the terrace", "2025-03-29T07:00:00+01:00")


def test_a_portuguese_duty_and_a_comment_after_a_comma_are_no_part_of_the_title() -> None:
    intent = read("o Pedro tem que consertar a torneira da cozinha, tá pingando", "pt")
    assert (intent["title"], intent["assignees"]) == ("consertar a torneira da cozinha", ["Pedro"])


def test_a_portuguese_plan_of_ones_own_then_put_on_my_list_is_the_senders_task() -> None:
    intent = read("Vou pintar o portão da garagem, coloca na minha lista", "pt", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "pintar o portão da garagem",
        ["me"],
    )


def test_a_pronoun_opening_the_last_sentence_stands_for_the_person_named_before() -> None:
    intent = read("has Pedro finished his break? he needs to unload the flour sacks")
    assert (intent["title"], intent["assignees"]) == ("unload the flour sacks", ["Pedro"])


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        (
            "the fire officer is visiting thursday at 11am. Tom, clear the fire exits before then",
            "en",
            "clear the fire exits",
        ),
        (
            "el lunes a las 9 viene el proveedor. Lucía, ordena el almacén para entonces",
            "es",
            "ordenar el almacén",
        ),
    ],
)
def test_before_then_points_back_to_the_time_said_earlier(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert intent["title"] == title
    assert intent["due"] in {"2025-03-27T11:00:00+01:00", "2025-03-31T09:00:00+02:00"}


def test_a_spanish_te_of_fetching_for_oneself_is_no_part_of_the_infinitive() -> None:
    intent = read("Juan Mora, cógete dos cajas de guantes del almacén", "es")
    assert intent["title"] == "coger dos cajas de guantes del almacén"


def test_a_spanish_pronominal_order_of_going_keeps_its_se() -> None:
    assert read("Lucía, pásate por la imprenta", "es")["title"] == "pasarse por la imprenta"


def test_a_french_plan_of_ones_own_then_add_it_for_me_is_the_senders_task() -> None:
    intent = read("Je me charge de trier les serviettes, tu peux me l'ajouter ?", "fr", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "trier les serviettes",
        ["me"],
    )


def test_a_pointer_put_on_my_list_before_a_dash_leaves_the_work_after_it() -> None:
    intent = read("pop this on my list — re-grout the shower tiles", "en", "staff")
    assert (intent["title"], intent["assignees"]) == ("re-grout the shower tiles", ["me"])


def test_a_spanish_this_one_i_note_myself_then_a_colon_is_the_senders_task() -> None:
    intent = read("esto me lo apunto yo: pedir presupuesto al fontanero", "es", "staff")
    assert (intent["title"], intent["assignees"]) == ("pedir presupuesto al fontanero", ["me"])


def test_a_spanish_plural_whenever_you_have_a_moment_is_no_part_of_the_title() -> None:
    intent = read("Tom y Pedro, barnizar la puerta del patio cuando tengáis un momento", "es")
    assert intent["title"] == "barnizar la puerta del patio"


@pytest.mark.parametrize(
    ("text", "language", "title"),
    [
        (
            "we need to descale the coffee machine, whoever is around",
            "en",
            "descale the coffee machine",
        ),
        (
            "vaya, casi se me pasa, hay que regar el huerto, el que tenga un rato",
            "es",
            "regar el huerto",
        ),
    ],
)
def test_a_need_left_to_whoever_can_after_a_break_is_a_task_for_no_one_in_particular(
    text: str, language: str, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, [])


def test_an_after_phrase_holding_the_time_names_an_occasion_not_the_work() -> None:
    intent = read("someone mop the changing rooms after the last class tonight")
    assert intent["title"] == "mop the changing rooms"


def test_a_spanish_self_label_first_then_a_comma_and_the_work_is_the_senders_task() -> None:
    intent = read("me lo apunto yo misma, revisar el contrato del alquiler", "es", "staff")
    assert (intent["title"], intent["assignees"]) == ("revisar el contrato del alquiler", ["me"])


def test_a_spanish_singular_la_before_a_number_other_than_one_counts_things_not_hours() -> None:
    intent = read("Luis tiene que barnizar las mesas de la 2 a la 8", "es")
    assert intent["title"] == "barnizar las mesas de la 2 a la 8"
    assert "due" not in intent
    assert read("Luis tiene que barnizar las mesas a la una", "es")["due"] == (
        "2025-03-27T13:00:00+01:00"
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Tom friega el suelo del bar antes de las 5 que viene la inspectora de sanidad",
            "fregar el suelo del bar",
        ),
        ("Luis, ordena el almacén mañana a las 8 q no se nos olvide", "ordenar el almacén"),
    ],
)
def test_a_spanish_que_clause_after_the_due_time_is_a_reason_not_part_of_the_work(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("tengo que renovar el seguro de la furgoneta", "renovar el seguro de la furgoneta", None),
        (
            "el viernes a las 12 me toca a mí hacer la ruta de reparto",
            "hacer la ruta de reparto",
            "2025-03-28T12:00:00+01:00",
        ),
    ],
)
def test_a_spanish_duty_of_the_senders_own_said_first_is_a_task_for_the_sender(
    text: str, title: str, due: str | None
) -> None:
    intent = read(text, "es", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])
    assert intent.get("due") == due


def test_a_spanish_question_about_ones_own_duties_is_no_task() -> None:
    assert read("qué tengo que hacer mañana", "es", "staff")["kind"] == "list_tasks"


def test_a_spanish_yo_tengo_que_left_by_a_time_before_a_note_it_is_no_part_of_the_work() -> None:
    intent = read("oye que yo el viernes a las 8 tengo que pasar por correos, apúntamelo", "es")
    assert (intent["title"], intent["assignees"]) == ("pasar por correos", ["me"])


@pytest.mark.parametrize(
    ("text", "title", "assignees"),
    [
        ("se tienen que lavar los delantales del bar", "lavar los delantales del bar", []),
        ("se debe vaciar la papelera de recepción", "vaciar la papelera de recepción", []),
        ("se tiene que pintar la verja, que lo haga Juan Mora", "pintar la verja", ["Juan Mora"]),
    ],
)
def test_a_spanish_impersonal_se_tiene_que_is_work_for_no_one_in_particular(
    text: str, title: str, assignees: list[str]
) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        title,
        assignees,
    )


def test_a_spanish_comment_after_now_and_a_comma_is_cut_though_ya_no_reads_as_one() -> None:
    intent = read("necesito que alguien cambie la bombona ya, no hay agua caliente", "es")
    assert (intent["title"], intent["assignees"]) == ("cambiar la bombona", [])


def test_a_spanish_ya_closing_an_order_says_how_soon_not_what() -> None:
    assert read("Pedro, cambia la bombona ya", "es")["title"] == "cambiar la bombona"


def test_a_spanish_someone_after_a_whole_time_and_que_is_work_for_no_one_in_particular() -> None:
    intent = read("el sábado a las 8 y media que alguien abra la persiana del local", "es")
    assert (intent["kind"], intent["title"], intent["assignees"], intent["due"]) == (
        "create_task",
        "abrir la persiana del local",
        [],
        "2025-03-29T08:30:00+01:00",
    )


def test_a_spanish_clause_about_the_sender_not_being_there_after_a_comma_is_no_work() -> None:
    intent = read("que alguien dé de comer a los gatos, yo no vengo mañana", "es")
    assert intent["title"] == "dar de comer a los gatos"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "necesito que Juan Pérez me prepare las facturas del mes",
            "preparar las facturas del mes",
        ),
        ("¿alguien me baja las sillas de la terraza?", "bajar las sillas de la terraza"),
        ("que alguien nos limpie la cristalera", "limpiar la cristalera"),
    ],
)
def test_a_spanish_for_me_before_a_subjunctive_or_a_present_is_no_part_of_the_work(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


@pytest.mark.parametrize(
    "text",
    [
        "lo de pedir cita con el gestor me lo quedo yo",
        "lo de pedir cita con el gestor lo hago yo",
    ],
)
def test_a_spanish_work_named_as_a_topic_then_kept_by_the_sender_is_the_senders_task(
    text: str,
) -> None:
    intent = read(text, "es", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "pedir cita con el gestor",
        ["me"],
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("el viernes a las 7 abro yo la persiana del local", "abrir la persiana del local"),
        ("pasado mañana recojo yo el pedido de la imprenta", "recoger el pedido de la imprenta"),
        (
            "el sábado limpio yo los cristales del escaparate",
            "limpiar los cristales del escaparate",
        ),
    ],
)
def test_a_spanish_present_of_the_senders_own_with_a_stressed_yo_is_the_senders_task(
    text: str, title: str
) -> None:
    intent = read(text, "es", "staff")
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])


def test_a_spanish_yo_after_a_present_with_no_work_says_who_is_on_not_a_task() -> None:
    assert read("hoy cierro yo", "es", "staff")["kind"] != "create_task"


def test_a_spanish_send_it_to_them_with_a_thing_after_it_is_work_not_a_reminder() -> None:
    intent = read("Pedro, mañana a las 10 mándale las facturas a la gestoría", "es")
    assert (intent["kind"], intent["assignees"], intent["due"]) == (
        "create_task",
        ["Pedro"],
        "2025-03-28T10:00:00+01:00",
    )
    assert read("mañana a las 10 mándale un mensaje a Luis para que abra", "es")["kind"] == (
        "create_reminder"
    )


@pytest.mark.parametrize(
    "text",
    ["Juan Mora majo puedes barrer el almacén", "Juan Mora guapo me puedes barrer el almacén"],
)
def test_a_spanish_endearment_after_the_name_is_said_to_the_person_not_part_of_the_work(
    text: str,
) -> None:
    intent = read(text, "es")
    assert (intent["title"], intent["assignees"]) == ("barrer el almacén", ["Juan Mora"])


def test_a_spanish_note_it_for_a_person_then_the_work_is_their_task() -> None:
    intent = read("apunta para María revisar los extintores del local", "es")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "revisar los extintores del local",
        ["María"],
    )


def test_a_spanish_who_asked_for_the_work_said_last_is_not_who_does_it() -> None:
    intent = read("Juan Pérez tiene que cambiar el grifo del baño, me lo ha pedido Lucía", "es")
    assert (intent["title"], intent["assignees"]) == ("cambiar el grifo del baño", ["Juan Pérez"])


def test_a_spanish_que_se_with_what_befalls_the_thing_after_a_comma_is_a_comment() -> None:
    intent = read("que alguien riegue los geranios del balcón, que se secan", "es")
    assert (intent["title"], intent["assignees"]) == ("regar los geranios del balcón", [])


@pytest.mark.parametrize(
    "text",
    [
        "Luis tiene que cambiar el fluorescente del pasillo de una vez",
        "Luis, cambia el fluorescente del pasillo el lunes sin falta",
    ],
)
def test_a_spanish_once_and_for_all_or_without_fail_closing_the_order_is_no_part_of_it(
    text: str,
) -> None:
    assert read(text, "es")["title"] == "cambiar el fluorescente del pasillo"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Lucía, ¿te importa acercarte a correos?", "acercarte a correos"),
        ("Tom, mañana te pasas a cobrar la factura del bar", "cobrar la factura del bar"),
    ],
)
def test_a_spanish_do_you_mind_or_you_drop_by_to_wraps_the_work(text: str, title: str) -> None:
    intent = read(text, "es")
    assert (intent["kind"], intent["title"]) == ("create_task", title)


@pytest.mark.parametrize(
    "text",
    [
        "Pedro, llama al fontanero, a ver si viene esta semana",
        "Pedro llama al fontanero por favor a ver si viene esta semana",
    ],
)
def test_a_spanish_hope_said_after_the_work_is_no_part_of_it(text: str) -> None:
    assert read(text, "es")["title"] == "llamar al fontanero"


def test_a_spanish_look_and_see_if_keeps_its_hope_as_the_work() -> None:
    assert read("Pedro, mira a ver si queda lejía", "es")["title"] == "mirar a ver si queda lejía"


def test_a_spanish_order_with_the_senders_pronoun_attached_keeps_it_in_the_infinitive() -> None:
    intent = read("Luis, ayúdanos a montar el escenario", "es")
    assert intent["title"] == "ayudarnos a montar el escenario"


def test_a_spanish_order_verb_said_before_its_doer_after_a_time_is_the_work() -> None:
    intent = read("el lunes a las 8 friega Juan Mora los suelos del bar", "es")
    assert (intent["kind"], intent["title"], intent["assignees"], intent["due"]) == (
        "create_task",
        "fregar los suelos del bar",
        ["Juan Mora"],
        "2025-03-31T08:00:00+02:00",
    )


def test_the_alarm_people_are_whom_to_call_not_a_reminder() -> None:
    intent = read("Luis tiene que llamar a los de la alarma mañana", "es")
    assert (intent["kind"], intent["title"]) == ("create_task", "llamar a los de la alarma")


def test_a_spanish_clause_about_a_light_blinking_after_a_comma_is_a_comment() -> None:
    intent = read("Luis, cambia el fluorescente, la luz del almacén parpadea", "es")
    assert intent["title"] == "cambiar el fluorescente"


def test_a_spanish_greeting_said_after_the_name_and_closed_by_a_mark_is_no_part_of_the_work() -> (
    None
):
    intent = read("Juan Pérez buenas tardes!! revisa la caldera del sótano", "es")
    assert (intent["title"], intent["assignees"]) == (
        "revisar la caldera del sótano",
        ["Juan Pérez"],
    )


def test_a_spanish_time_after_a_noun_and_de_says_whose_and_stays_in_the_title() -> None:
    intent = read("Pedro tiene que imprimir los horarios de la semana que viene", "es")
    assert intent["title"] == "imprimir los horarios de la semana que viene"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Pedro friega los platos del bar que están asquerosos", "fregar los platos del bar"),
        (
            "Tom revisa los frenos de la bici que hacen un ruido rarísimo",
            "revisar los frenos de la bici",
        ),
        ("Luis lava al caniche q el dueño dijo q olía mal", "lavar al caniche"),
        ("Luis limpia la plancha que está sucia", "limpiar la plancha que está sucia"),
    ],
)
def test_a_spanish_que_with_a_judgement_or_what_someone_said_is_why_not_which(
    text: str, title: str
) -> None:
    assert read(text, "es")["title"] == title


def test_a_spanish_alarm_left_set_is_the_shops_device_not_a_reminder() -> None:
    intent = read("Pedro esta noche deja la alarma puesta, que el lunes nadie la puso", "es")
    assert (intent["kind"], intent["assignees"]) == ("create_task", ["Pedro"])


@pytest.mark.parametrize(
    "text",
    [
        "Juan Mora, te lo ruego, vacía la trampa de grasa",
        "Juan Mora, de verdad, vacía la trampa de grasa",
    ],
)
def test_a_spanish_plea_between_commas_is_no_part_of_the_work(text: str) -> None:
    intent = read(text, "es")
    assert (intent["title"], intent["assignees"]) == ("vaciar la trampa de grasa", ["Juan Mora"])


def test_a_spanish_name_then_a_request_ending_in_que_takes_the_subjunctive_as_the_work() -> None:
    intent = read("Luis, necesito que mires el aceite de la furgoneta", "es")
    assert (intent["title"], intent["assignees"]) == ("mirar el aceite de la furgoneta", ["Luis"])


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("I'll restock the napkin drawer on Saturday at 8", "restock the napkin drawer", True),
        ("I've got to renew the van insurance", "renew the van insurance", False),
        (
            "i need to sort out the float for the till by Friday at 5",
            "sort out the float for the till",
            True,
        ),
    ],
)
def test_the_senders_own_will_or_duty_before_work_is_their_task(
    text: str, title: str, due: bool
) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == ("create_task", title, ["me"])
    assert ("due" in intent) == due


def test_the_senders_own_duty_after_a_scene_and_an_emoji_is_their_task() -> None:
    intent = read("the auditor wants last year's invoices 😬 I need to file the invoices by Monday")
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "file the invoices",
        ["me"],
    )


@pytest.mark.parametrize(
    "text",
    [
        "I'll call you back",
        "I need to update the card we pay with",
        "I need to get the invoice for May",
    ],
)
def test_the_senders_promise_or_billing_need_is_no_task_of_their_own(text: str) -> None:
    assert read(text)["kind"] != "create_task"


@pytest.mark.parametrize(
    "text",
    [
        "Pedro's in charge of restocking the bar fridge",
        "Pedro's responsible for restocking the bar fridge",
    ],
)
def test_a_contracted_is_in_charge_of_hands_the_work_to_the_name(text: str) -> None:
    intent = read(text)
    assert (intent["title"], intent["assignees"]) == ("restock the bar fridge", ["Pedro"])


@pytest.mark.parametrize(
    "text",
    [
        "hi Lucía! hope you're well. could you book the minibus for the trip?",
        "Lucía, how are you doing? can you book the minibus for the trip",
    ],
)
def test_small_talk_said_as_its_own_sentence_is_no_part_of_the_order(text: str) -> None:
    intent = read(text)
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "book the minibus for the trip",
        ["Lucía"],
    )


@pytest.mark.parametrize(
    "text",
    [
        "Pedro can you hose down the yard after your lunch break",
        "Pedro, after your lunch break hose down the yard",
        "Pedro, after your second run sweep the yard",
    ],
)
def test_the_doers_own_occasion_after_your_dates_the_work_and_is_not_its_title(
    text: str,
) -> None:
    intent = read(text)
    assert intent["title"] in ("hose down the yard", "sweep the yard")
    assert intent["assignees"] == ["Pedro"]


def test_a_comment_of_what_someone_said_after_a_comma_is_no_part_of_the_title() -> None:
    intent = read("María, fix the tap in the staff room, the cleaner told me it drips")
    assert (intent["title"], intent["assignees"]) == ("fix the tap in the staff room", ["María"])


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Juan Mora, print today's rota", "print today's rota"),
        ("Juan Mora needs to prep tomorrow's deliveries", "prep tomorrow's deliveries"),
    ],
)
def test_a_day_in_the_possessive_names_whose_thing_not_when(text: str, title: str) -> None:
    intent = read(text)
    assert (intent["title"], intent.get("due")) == (title, None)


def test_an_ordinal_before_a_noun_ranks_the_thing_and_is_no_date() -> None:
    intent = read("Luis, mop the 3rd landing")
    assert (intent["title"], intent.get("due")) == ("mop the 3rd landing", None)
    dated = read("Luis, mop the landing on the 3rd")
    assert (dated["title"], dated["due"]) == ("mop the landing", "2025-04-03T23:59:00+02:00")


def test_a_purpose_after_the_time_stays_in_the_title() -> None:
    intent = read("Juan Pérez, phone the vet before 4pm to confirm")
    assert (intent["title"], intent["due"]) == (
        "phone the vet to confirm",
        "2025-03-27T16:00:00+01:00",
    )


def test_how_a_thing_looks_said_after_the_work_without_a_comma_is_a_comment() -> None:
    intent = read("Pedro change the bins in the yard they smell awful")
    assert (intent["title"], intent["assignees"]) == ("change the bins in the yard", ["Pedro"])


def test_a_clause_after_a_word_of_urgency_is_a_comment_as_after_a_comma() -> None:
    intent = read("Lucía ring the glazier asap the back door glass is cracked")
    assert (intent["title"], intent["assignees"]) == ("ring the glazier", ["Lucía"])


def test_a_contracted_is_and_a_participle_after_a_comma_say_how_things_stand() -> None:
    intent = read("João, set out the chairs in the hall, the choir's booked in")
    assert (intent["title"], intent["assignees"]) == ("set out the chairs in the hall", ["João"])


@pytest.mark.parametrize(
    "text",
    [
        "Luis i need u to hoover the lobby",
        "Luis cn u hoover the lobby",
        "Luis cld u hoover the lobby",
    ],
)
def test_a_request_in_text_speak_u_is_read_as_the_spelt_out_request(text: str) -> None:
    intent = read(text)
    assert (intent["title"], intent["assignees"]) == ("hoover the lobby", ["Luis"])


def test_before_the_weekend_is_a_time_word_not_part_of_the_title() -> None:
    intent = read("María should oil the hinges on the shed door before the weekend")
    assert (intent["title"], intent["assignees"]) == ("oil the hinges on the shed door", ["María"])


def test_an_alarm_code_is_a_device_not_a_reminder() -> None:
    intent = read("Juan Mora can you change the alarm code on the side gate")
    assert (intent["kind"], intent["title"]) == (
        "create_task",
        "change the alarm code on the side gate",
    )


def test_a_small_word_said_twice_while_finding_the_next_is_said_once() -> None:
    intent = read("Pedro, could you, um, sort out the, the squeaky hinge on the gate")
    assert intent["title"] == "sort out the squeaky hinge on the gate"
    kept = read("Pedro check that that gate is shut")
    assert kept["title"] == "check that that gate is shut"


def test_a_comment_after_the_work_keeps_its_own_time_out_of_the_due() -> None:
    intent = read("Juan Pérez, at quarter past two set up the projector, the talk starts at 3")
    assert (intent["title"], intent["due"]) == ("set up the projector", "2025-03-27T14:15:00+01:00")


def test_the_writer_saying_its_me_before_their_name_signs_the_message() -> None:
    intent = read("hi it's Lucía. Juan Mora needs to hose the patio tomorrow at 8")
    assert (intent["title"], intent["assignees"]) == ("hose the patio", ["Juan Mora"])
    turn = read("it's Lucía's turn to hose the patio")
    assert turn["assignees"] == ["Lucía"]


def test_an_i_mean_aside_before_the_order_is_no_part_of_the_title() -> None:
    intent = read("ok Pedro, and I mean this morning, bleach the mop buckets by 11")
    assert (intent["title"], intent["assignees"]) == ("bleach the mop buckets", ["Pedro"])


def test_a_part_of_the_day_after_a_plural_noun_names_an_event_not_a_time() -> None:
    intent = read("Claire, lay out the chairs for the volunteers evening")
    assert intent["title"] == "lay out the chairs for the volunteers evening"


def test_an_english_word_is_never_taken_for_a_mistyped_spanish_keyword() -> None:
    assert fix_typos(Text.of("paint the lines in the yard")).folded == "paint the lines in the yard"
    assert fix_typos(Text.of("recuerdame el lunse")).folded == "recuerdame el lunes"


def test_a_need_said_thinking_aloud_then_filed_for_no_one_is_a_task_for_no_one() -> None:
    intent = read(
        "hi. I was thinking we really need someone to reseal the shower tray. "
        "Can you add that, nobody in particular yet"
    )
    assert (intent["kind"], intent["title"], intent["assignees"]) == (
        "create_task",
        "reseal the shower tray",
        [],
    )


def test_a_time_between_the_work_and_a_comment_ends_the_work_as_a_comma_would() -> None:
    intent = read("get Luis to sweep the loading bay by 2 the lorry comes in then")
    assert (intent["title"], intent["due"]) == (
        "sweep the loading bay",
        "2025-03-27T14:00:00+01:00",
    )
    kept = read("Luis, wash the towels tomorrow at 9 with the blue powder")
    assert kept["title"] == "wash the towels with the blue powder"


def test_a_request_said_twice_while_the_speaker_gathers_it_is_read_once() -> None:
    intent = read("Lucía could you could you wipe down the treatment tables")
    assert (intent["title"], intent["assignees"]) == ("wipe down the treatment tables", ["Lucía"])


def test_an_english_verb_of_ending_is_not_a_mistyped_spanish_done() -> None:
    intent = read("terminate our account, we are moving to another app")
    assert intent["kind"] == "delete_account"


def test_the_messages_with_an_article_after_a_spanish_again_turn_them_back_on() -> None:
    intent = read("ya estoy de vuelta del hospital, vuelve a enviarme los whatsapps", "es", "staff")
    assert intent["kind"] == "start_messages"


def test_a_concept_phrase_names_its_task_not_the_task_one_of_its_words_fits() -> None:
    # "stock count" is the inventory; "stock" alone would fit "revisar el stock de vino".
    intent = read("push the stock count back to Friday at 4")
    assert (intent["kind"], intent["number"]) == ("edit_task", 4)


@pytest.mark.parametrize(
    ("text", "language", "number"),
    [
        ("drop the plumber task, the landlord is paying someone to come", "en", 5),
        ("the freezer is getting swapped for a new one on friday, bin that task", "en", 3),
        ("lo del inventario ya no hace falta, lo hará la gestoría el mes que viene", "es", 4),
        ("quita lo de la terraza, mañana viene la empresa de limpieza a hacerlo", "es", 6),
    ],
)
def test_a_task_called_off_beside_a_clause_of_reason_is_cancelled(
    text: str, language: str, number: int
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["number"]) == ("cancel_task", number)


def test_a_scene_sentence_then_an_order_to_bin_that_task_cancels_what_the_scene_names() -> None:
    intent = read(
        "we are not doing the monthly stocktake this spring. the auditor agrees. bin that one"
    )
    assert (intent["kind"], intent["number"]) == ("cancel_task", 4)


@pytest.mark.parametrize(
    ("text", "language", "number", "title"),
    [
        ("retitle the terrace task to mop and dry the terrace", "en", 6, "mop and dry the terrace"),
        (
            "a lo del fontanero cámbiale el nombre a 'llamar al fontanero por la ducha'",
            "es",
            5,
            "llamar al fontanero por la ducha",
        ),
    ],
)
def test_a_task_renamed_by_its_description_takes_the_new_title(
    text: str, language: str, number: int, title: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["number"], intent["title"]) == ("edit_task", number, title)


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        (
            "Lucía asked me to get last month's receipt for the accountant, can you send it?",
            "en",
            "billing",
        ),
        ("Pedro me ha dicho que os pida el recibo de marzo, me lo mandáis?", "es", "billing"),
        ("Tom wants to know how many messages we have left this month", "en", "usage"),
    ],
)
def test_an_account_question_passed_on_from_someone_is_asked_of_the_account(
    text: str, language: str, kind: str
) -> None:
    assert read(text, language)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("quick one, what day of the month do you take the payment?", "en"),
        ("heard there's a price increase coming, is that true?", "en"),
        ("la cuota ha subido este mes sin avisar, por qué?", "es"),
        ("te paso el iban nuevo para la domiciliación, vale?", "es"),
    ],
)
def test_how_and_what_the_account_is_charged_asks_billing(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "billing"


def test_a_detail_of_the_account_already_held_is_billing_not_signing_up() -> None:
    text = "can you check the billing address you have on file? our registration changed"
    assert read(text)["kind"] == "billing"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("two new cooks start in june, we need a plan with more staff", "en"),
        ("contratamos a tres camareros, necesitamos un plan para más personas", "es"),
    ],
)
def test_a_plan_for_more_people_than_the_team_has_is_an_upgrade(text: str, language: str) -> None:
    assert read(text, language)["kind"] == "upgrade"


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("could we switch to the annual plan instead of paying every month?", "en", "upgrade"),
        ("pasadnos al plan anual, sale más barato", "es", "upgrade"),
        ("have we maxed out our messages for march?", "en", "usage"),
    ],
)
def test_plan_and_allowance_phrasings(text: str, language: str, kind: str) -> None:
    assert read(text, language)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("did you charge us twice in march? Pedro reckons you did", "en", "billing"),
        ("cuántos mensajes nos quedan? Lucía cree que muy pocos", "es", "usage"),
    ],
)
def test_a_name_that_only_thinks_something_leaves_an_account_question_asked(
    text: str, language: str, kind: str
) -> None:
    assert read(text, language)["kind"] == kind


@pytest.mark.parametrize(
    ("text", "language", "person"),
    [
        ("qué le queda a Lucía, que mañana a las 8 se coge el día libre", "es", "Lucía"),
        ("what has Pedro still got open, as he goes home at 5", "en", "Pedro"),
    ],
)
def test_a_task_question_then_the_reason_for_asking_lists_the_persons_tasks(
    text: str, language: str, person: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["scope"], intent["person"]) == ("list_tasks", "person", person)


def test_plan_as_a_verb_of_making_plans_names_no_plan_of_ours() -> None:
    intent = read("show me what's left so I can plan my evening shift", "en", "staff")
    assert intent["kind"] == "list_tasks"


def test_a_move_then_a_sentence_of_reason_keeps_the_moves_day() -> None:
    intent = read(
        "can I push my inventory to Sunday at 10? drowning in orders today", "en", "staff"
    )
    assert (intent["kind"], intent["number"], intent["due"]) == (
        "edit_task",
        4,
        "2025-03-30T10:00:00+02:00",
    )


def test_a_reassignment_then_a_state_of_the_old_assignee_gives_the_task_to_the_new_one() -> None:
    intent = read("la terraza mejor que la friegue Luis, Juan Mora está malo", "es")
    assert (intent["kind"], intent["number"], intent["assignee"]) == ("edit_task", 6, "Luis")


def test_a_deadline_gone_past_asks_for_the_overdue_tasks() -> None:
    intent = read("¿se nos ha pasado el plazo de algún encargo?", "es")
    assert (intent["kind"], intent["scope"]) == ("list_tasks", "overdue")


def test_an_order_to_call_a_task_off_passed_on_by_someone_cancels_it() -> None:
    intent = read(
        "Pedro dice que quites lo de la terraza, que ya la friega el casero", "es", "staff"
    )
    assert (intent["kind"], intent["number"]) == ("cancel_task", 6)


def test_a_spanish_count_of_stock_is_the_inventory() -> None:
    intent = read("el recuento ya está hecho", "es", "staff")
    assert (intent["kind"], intent["number"]) == ("complete_task", 4)


@pytest.mark.parametrize(
    ("text", "language", "number", "due"),
    [
        (
            "the terrace mopping has to be done by 6pm tomorrow, could you change it",
            "en",
            6,
            "2025-03-28T18:00:00+01:00",
        ),
        (
            "la nevera hay que limpiarla el sábado a las 10, ¿me lo cambias?",
            "es",
            1,
            "2025-03-29T10:00:00+01:00",
        ),
    ],
)
def test_what_a_task_now_needs_then_change_it_edits_that_task(
    text: str, language: str, number: int, due: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["number"], intent["due"]) == ("edit_task", number, due)


@pytest.mark.parametrize(
    ("text", "language", "said", "at"),
    [
        (
            "on friday at 7am remind everyone to hose down the yard, inspector's coming that afternoon",
            "en",
            "hose down the yard",
            "2025-03-28T07:00:00+01:00",
        ),
        (
            "recuérdame mañana a las 7 llamar al gestor, que hoy se me ha olvidado",
            "es",
            "llamar al gestor",
            "2025-03-28T07:00:00+01:00",
        ),
    ],
)
def test_a_reason_after_a_reminder_is_neither_its_text_nor_its_time(
    text: str, language: str, said: str, at: str
) -> None:
    intent = read(text, language)
    assert (intent["kind"], intent["text"], intent["at"]) == ("create_reminder", said, at)


def test_an_emoji_ends_the_scene_before_a_reminder_asked_for() -> None:
    text = (
        "el viernes vienen los del seguro 😅 recuérdales a todos el viernes a las 8 barrer el patio"
    )
    intent = read(text, "es")
    assert (intent["kind"], intent["text"], intent["at"]) == (
        "create_reminder",
        "barrer el patio",
        "2025-03-28T08:00:00+01:00",
    )


def test_an_hour_and_a_half_without_its_article_is_ninety_minutes_from_now() -> None:
    intent = read("avísame en hora y media de apagar el horno", "es", "staff")
    assert (intent["kind"], intent["at"]) == ("create_reminder", "2025-03-27T11:30:00+01:00")


def test_showing_everything_a_person_has_lists_their_tasks() -> None:
    intent = read("show me everything Lucía has")
    assert (intent["kind"], intent["scope"], intent["person"]) == ("list_tasks", "person", "Lucía")


def test_asking_leave_to_put_a_task_off_in_spanish_moves_it() -> None:
    intent = read("¿puedo dejar la terraza para el sábado a las 12?", "es", "staff")
    assert (intent["kind"], intent["number"], intent["due"]) == (
        "edit_task",
        6,
        "2025-03-29T12:00:00+01:00",
    )


def test_a_tasks_object_said_to_be_all_in_its_worked_state_reports_it_done() -> None:
    intent = read("the freezer's all checked and logged", "en", "staff")
    assert (intent["kind"], intent["number"]) == ("complete_task", 3)


def test_a_tasks_order_said_to_have_gone_in_reports_it_done() -> None:
    intent = read("the milk and beans order was placed an hour ago", "en", "staff")
    assert (intent["kind"], intent["number"]) == ("complete_task", 2)
