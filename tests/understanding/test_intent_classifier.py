"""The intent classifier (issue 10): a phrasebook of our own sentences per intent in both
languages (none of them in the corpus), the guards that keep a guess from becoming a write,
the corpus reader, and the model file: missing or damaged is an error naming the file, and
the committed model is the one the corpus trains, reproducibly."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from calendar_assistant.domain.commands import Command, Intent
from calendar_assistant.understanding.batch import parse_jsonl
from calendar_assistant.understanding.intent import corpus as corpus_module
from calendar_assistant.understanding.intent.corpus import CorpusError, expand, read_tsv
from calendar_assistant.understanding.intent.guards import (
    acts,
    holds_a_question,
    is_question,
    is_write,
    names_nothing,
    seeks_information,
)
from calendar_assistant.understanding.intent.model import ModelError, model_file, read_model
from calendar_assistant.understanding.parser import account_command, parse
from calendar_assistant.understanding.rules.cues import cues
from calendar_assistant.understanding.tokens import tokenize

ZONE = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=ZONE)


def understood(text: str) -> Command:
    return parse(text, now=NOW, tz=ZONE)


def label_of(command: Command) -> str:
    reminders = command.target is not None and command.target.kind == "reminder"
    return command.intent.value + ("/reminder" if reminders else "")


PHRASEBOOK = [
    # questions about one's schedule list, never create an event called "What"
    ("what is my afternoon schedule tomorrow", "list_events"),
    ("any meeting on friday", "list_events"),
    ("who am I meeting today", "list_events"),
    ("what does today's schedule look like", "list_events"),
    ("what is scheduled on my calendar today", "list_events"),
    ("what's on for saturday morning", "list_events"),
    ("с кем я встречаюсь сегодня", "list_events"),
    ("что у меня в четверг вечером", "list_events"),
    ("какие встречи послезавтра", "list_events"),
    ("покажи, что запланировано на следующей неделе", "list_events"),
    ("schedule a call with Bob the first monday of next month at 10", "create_event"),
    ("lunch with the marketing team on thursday at 1pm", "create_event"),
    ("put a haircut on my calendar for saturday at noon", "create_event"),
    ("запланируй ужин с Ирой в субботу в 7 вечера", "create_event"),
    ("поставь встречу с юристом на среду в 11", "create_event"),
    ("when do I have a free hour on wednesday", "find_free_slots"),
    ("когда у меня есть свободный час в среду", "find_free_slots"),
    ("найди мне полчаса завтра для звонка", "find_free_slots"),
    ("move the dentist to wednesday same time", "update_event"),
    ("push my 3pm to 4", "update_event"),
    ("перенеси стоматолога на среду на то же время", "update_event"),
    ("сдвинь созвон с Петей на час позже", "update_event"),
    ("cancel the team lunch on thursday", "delete_event"),
    ("удали ужин с Ирой в субботу", "delete_event"),
    ("отмени созвон с юристом в среду", "delete_event"),
    ("remind me to buy flowers on friday at 6", "create_reminder"),
    ("напомни купить цветы в пятницу в 6", "create_reminder"),
    ("when is my next haircut", "search_events"),
    ("когда у меня следующая стрижка", "search_events"),
    ("which reminders are set for this week", "list_events/reminder"),
    ("какие напоминания стоят на эту неделю", "list_events/reminder"),
    ("delete the reminder about the flowers", "delete_event/reminder"),
    ("удали напоминание про цветы", "delete_event/reminder"),
    ("undo what you just did", "undo"),
    ("что ты вообще умеешь", "help"),
    ("never mind, forget it", "cancel"),
    ("what's the weather like in london", "unknown"),
    ("какая погода в Лондоне", "unknown"),
]


@pytest.mark.parametrize(("text", "want"), PHRASEBOOK)
def test_phrasebook(text: str, want: str) -> None:
    command = understood(text)
    assert label_of(command) == want


@pytest.mark.parametrize("text", [text for text, _ in PHRASEBOOK])
def test_phrasebook_sentences_are_not_in_the_corpus(text: str) -> None:
    said = {e.text.lower() for lang in ("en", "ru") for e in corpus_module.corpus(lang)}
    assert text.lower() not in said


@pytest.mark.parametrize(
    "text",
    [
        "what is my afternoon schedule tomorrow",
        "lunch with anna tomorrow at 1?",
        "what about dinner on friday at 8",
        "did you add the flight on monday at 6",
        "что завтра после обеда",
        "есть ли встреча в пятницу в 10",
    ],
)
def test_a_question_is_never_a_create(text: str) -> None:
    command = understood(text)
    assert command.intent is not Intent.CREATE_EVENT
    assert all(r.intent is not Intent.CREATE_EVENT or not acts(r) for r in command.readings)


def test_a_polite_request_with_a_question_mark_is_still_a_request() -> None:
    assert not is_question(tokenize("can you add lunch with anna on friday at 1?"), cues("en"))
    assert not is_question(tokenize("можешь поставить обед с Аней на пятницу?"), cues("ru"))
    assert is_question(tokenize("lunch on friday?"), cues("en"))
    assert is_question(tokenize("Что у меня завтра"), cues("ru"))


@pytest.mark.parametrize(
    "text",
    [
        "could you give me the info about the choir concert on saturday evening",
        "please let me know what time the weekday alarm rings",
        "tell me about the hockey game on sunday afternoon",
        "check the second meeting on the 3rd of june",
        "fill me in on the vet visit next thursday",
        "give me details on the funeral on the 6th",
        "hey can you tell me what the plan is for the offsite on monday at 9",
    ],
)
def test_words_seeking_information_never_write_unasked(text: str) -> None:
    command = understood(text)
    assert not (is_write(command) and acts(command))


def test_asking_to_be_told_is_read_by_its_opening_words() -> None:
    en = cues("en")
    assert seeks_information(tokenize("give me information about the gig"), [], en)
    assert seeks_information(tokenize("please let me know the alarm time"), [], en)
    assert not seeks_information(tokenize("add lunch at 1 and tell me if it clashes"), [], en)
    assert not seeks_information(tokenize("tell me at 6, set a reminder"), [], en)
    assert not seeks_information(tokenize("check in with the team at 10"), [], en)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("let me know half an hour before the call with the bank", Intent.CREATE_REMINDER),
        ("remind me to tell the landlord about the boiler at 6pm", Intent.CREATE_REMINDER),
        ("is it possible to move the standup to 10", Intent.UPDATE_EVENT),
    ],
)
def test_a_request_said_in_so_many_words_is_still_done(text: str, intent: Intent) -> None:
    command = understood(text)
    assert command.intent is intent
    assert acts(command)


def test_check_in_is_a_request_of_its_own() -> None:
    command = understood("check in with the design team at 10 tomorrow")
    first = command.readings[0] if command.readings else command
    assert first.intent is Intent.CREATE_EVENT
    assert first.title == "Check in with the design team"


def test_when_is_the_event_looks_for_the_next_one() -> None:
    command = understood("so when does that event start")
    assert command.intent is Intent.SEARCH_EVENTS
    assert command.target is not None
    assert command.target.title is None


@pytest.mark.parametrize(
    ("title", "lang", "nothing"),
    [
        ("What", "en", True),
        ("What is my schedule", "en", True),
        ("Что у меня", "ru", True),
        ("Lunch with Anna", "en", False),
        ("Обед с Аней", "ru", False),
    ],
)
def test_a_title_of_question_words_names_nothing(title: str, lang: str, nothing: bool) -> None:
    assert names_nothing(title, cues("ru" if lang == "ru" else "en")) is nothing


@pytest.mark.parametrize(
    ("title", "lang", "held"),
    [
        ("Thing with Anna, how does my look", "en", True),
        ("Встреча с Анной, что там", "ru", True),
        ("Lunch with Bob, Alice and Carol", "en", False),
        ("Обед с Аней", "ru", False),
    ],
)
def test_a_title_running_on_into_a_question_is_two_requests(
    title: str, lang: str, held: bool
) -> None:
    assert holds_a_question(title, cues("ru" if lang == "ru" else "en")) is held


def test_a_question_after_a_comma_is_not_searched_for_as_a_title() -> None:
    command = understood("that thing with Anna, how does my Friday look?")
    assert not (command.target and command.target.title)
    assert not acts(command)  # unsure: the model (when configured) or a question takes it


@pytest.mark.parametrize(
    ("text", "lang"), [("завтра после обеда", "ru"), ("tomorrow afternoon", "en")]
)
def test_time_words_alone_are_asked_as_two_readings(text: str, lang: str) -> None:
    command = understood(text)
    assert [r.intent for r in command.readings] == [Intent.LIST_EVENTS, Intent.CREATE_EVENT]
    assert not acts(command)
    assert command.lang == lang


def test_undo_or_delete_is_asked_not_guessed() -> None:
    command = understood("отмени то, что сейчас сделал")
    assert command.intent is Intent.UNDO or not acts(command)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("connect my google calendar", "connect"),
        ("подключи гугл календарь", "connect"),
        ("delete all the data you keep about me", "forget"),
        ("удали пожалуйста все данные обо мне", "forget"),
        ("what do you store about me", "privacy"),
        ("which calendars are connected", "calendars"),
        ("open my settings", "settings"),
        ("отключи календарь гугл", "disconnect"),
        ("delete the meeting with Anna", None),
        ("удали встречу с Аней", None),
    ],
)
def test_account_commands_typed_as_words(text: str, name: str | None) -> None:
    assert account_command(text, now=NOW, tz=ZONE) == name


# -- corpus -----------------------------------------------------------------------------


def test_a_bad_corpus_line_names_its_file_and_line() -> None:
    assert read_tsv("en", "x.tsv", "# note\n\nhelp\thelp me\n")[0].label == "help"
    with pytest.raises(CorpusError, match=r"en/x\.tsv:2"):
        read_tsv("en", "x.tsv", "help\thelp me\nmake_coffee\tbrew me one\n")
    with pytest.raises(CorpusError, match=r"ru/y\.tsv:1"):
        read_tsv("ru", "y.tsv", "help без табуляции\n")


def test_templates_expand_the_same_every_time_and_at_most_per_template() -> None:
    raw = {
        "per_template": 3,
        "slots": {"day": ["today", "tomorrow", "on friday"], "who": ["tom", "anna"]},
        "template": [{"label": "list_events", "patterns": ["meet {who} {day}"]}],
    }
    first = expand("en", raw)
    assert first == expand("en", raw)
    assert len(first) == 3
    assert all(e.source == "template" and e.label == "list_events" for e in first)


# -- the model file -----------------------------------------------------------------------


def test_a_missing_model_is_an_error_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "intents.npz"
    with pytest.raises(ModelError, match=r"nowhere/intents\.npz"):
        read_model(missing)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04broken"])
def test_a_damaged_model_is_an_error_naming_the_file(tmp_path: Path, content: bytes) -> None:
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(content)
    with pytest.raises(ModelError, match=r"damaged\.npz"):
        read_model(damaged)


def test_a_model_with_arrays_missing_is_an_error(tmp_path: Path) -> None:
    partial = tmp_path / "partial.npz"
    np.savez(partial, features=np.array(["w=a"]), labels=np.array(["help"]))
    with pytest.raises(ModelError, match=r"partial\.npz"):
        read_model(partial)
    shapes = tmp_path / "shapes.npz"
    np.savez(
        shapes,
        features=np.array(["w=a", "w=b"]),
        labels=np.array(["help"]),
        weights=np.zeros((3, 1), dtype=np.float32),
        intercept=np.zeros(1, dtype=np.float32),
        temperature=np.array(1.0),
        fingerprint=np.array("x"),
    )
    with pytest.raises(ModelError, match=r"shapes\.npz"):
        read_model(shapes)


def test_parse_without_a_model_stops_at_start_and_never_answers_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "gone.npz"
    monkeypatch.setenv("CALENDAR_ASSISTANT_INTENT_MODEL", str(missing))
    out, err = io.StringIO(), io.StringIO()
    code = parse_jsonl(io.StringIO('{"id": 1, "text": "what do I have today"}\n'), out, err)
    assert code == 2
    assert out.getvalue() == ""
    assert str(missing) in err.getvalue()
    with pytest.raises(ModelError, match=r"gone\.npz"):
        parse("what do I have today", now=NOW, tz=ZONE)


def test_the_model_is_a_plain_array_file() -> None:
    with zipfile.ZipFile(model_file()) as archive:
        names = set(archive.namelist())
    assert {"features.npy", "labels.npy", "weights.npy", "intercept.npy"} <= names
    with np.load(model_file(), allow_pickle=False) as data:  # no pickled objects inside
        assert data["weights"].dtype == np.float32


def test_the_router_hands_unsure_readings_to_the_model_and_keeps_sure_ones() -> None:
    from calendar_assistant.understanding.router import Router, passes_guards

    router = Router()
    unsure = understood("завтра после обеда")
    assert router.wants_llm(unsure, "завтра после обеда")
    sure = understood("запланируй ужин с Ирой в субботу в 7 вечера")
    assert not router.wants_llm(sure, "запланируй ужин с Ирой в субботу в 7 вечера")
    made_up = Command(intent=Intent.CREATE_EVENT, lang="en", title="Weather")
    assert not passes_guards(made_up, "what's the weather tomorrow?")
    assert not passes_guards(Command(intent=Intent.CREATE_EVENT, lang="en", title="What"), "what")
    assert passes_guards(sure, "запланируй ужин с Ирой в субботу в 7 вечера")
