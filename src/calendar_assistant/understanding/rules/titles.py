"""Titles, places and people: what is left of a request once its command and time are read.

«Запланируй встречу с Петром в переговорке завтра в 10» leaves «встречу с Петром в
переговорке»; the place goes to `location`, Пётр to `attendees`, and the title is put in
the calendar's form: «Встреча с Петром» (nominative head phrase, capital first letter).
"""

from __future__ import annotations

from dataclasses import dataclass

from calendar_assistant.understanding.morphology import (
    grammemes,
    is_cyrillic,
    nominative_name,
    nominative_phrase,
)
from calendar_assistant.understanding.rules.cues import Cues, Phrase, longest_at
from calendar_assistant.understanding.tokens import Token

# The case a Russian preposition governs, for titles cut from right after it.
_CASE_AFTER = {"к": "datv", "ко": "datv", "для": "gent", "до": "gent", "у": "gent", "о": "loct",
               "об": "loct", "про": "accs"}  # fmt: skip

RU_PREPOSITIONS = frozenset(
    [
        "с",
        "со",
        "у",
        "к",
        "ко",
        "в",
        "во",
        "на",
        "по",
        "для",
        "о",
        "об",
        "обо",
        "от",
        "до",
        "за",
        "из",
        "при",
        "перед",
        "про",
        "через",
        "без",
        "над",
        "под",
        "между",
    ]
)
EN_PREPOSITIONS = frozenset(
    [
        "with",
        "at",
        "in",
        "on",
        "for",
        "to",
        "from",
        "by",
        "of",
        "about",
        "about",
        "before",
        "after",
        "into",
        "over",
        "under",
        "between",
    ]
)


@dataclass(frozen=True, slots=True)
class Leftover:
    """Token indices of the words no other stage explained, in order."""

    indices: tuple[int, ...]

    def __bool__(self) -> bool:
        return bool(self.indices)


def leftover(tokens: list[Token], used: set[int], cues: Cues) -> Leftover:
    """The unexplained words, minus fillers inside and function words at the edges."""
    keep: list[int] = []
    fillers = cues.longer("fillers")
    residue = cues.phrases("time_residue")
    stop = _side_request(tokens, used, cues)
    i = 0
    while i < stop:
        if i in used:
            i += 1
            continue
        end = _residue_at(tokens, i, residue, cues) if residue else None
        end = end or _approximating(tokens, i, used, cues)
        if end is not None and not any(k in used for k in range(i, end)):
            i = end  # "same time", «как можно скорее», "4ish": said of the time, not a name
            continue
        end = longest_at(tokens, i, fillers)
        if (
            end is not None
            and not any(k in used for k in range(i, end))
            and not _cuts_compound(tokens, i)
            and not _cuts_compound(tokens, end)
        ):
            i = end
            continue
        keep.append(i)
        i += 1
    return Leftover(tuple(strip_edges(tokens, keep, cues)))


def _side_request(tokens: list[Token], used: set[int], cues: Cues) -> int:
    """Where a joined request that is no calendar's begins ("… and tell Sam", «… и
    предупреди Ивана»): a `side_joiners` word, then a `side_actions` phrase and whom it
    tells, an unread word that is no preposition ("show and tell for the kids" is a name).
    The whole text's length when there is none."""
    joiners = cues.phrases("side_joiners")
    actions = cues.phrases("side_actions")
    prepositions = cues.phrases("pronoun_prepositions")
    for i in range(1, len(tokens) - 1):
        if _reason_at(tokens, i, used, cues):
            return i
        if i in used or longest_at(tokens, i, joiners) != i + 1:
            continue
        end = longest_at(tokens, i + 1, actions)
        if end is None or end >= len(tokens) or end in used:
            continue  # no telling verb, or nobody told
        if longest_at(tokens, end, prepositions) is None:
            return i
    return len(tokens)


def _reason_at(tokens: list[Token], i: int, used: set[int], cues: Cues) -> bool:
    """A reason given after what to do begins at `i` ("cancel the gym, I'm sick", «удали
    тренировку, я заболел», "… because the client is late"), once a name was said before
    it: «напомни мне, я должен позвонить маме» has none, so its clause is the reminder."""
    if i in used:
        return False
    if tokens[i].norm == ",":
        said = longest_at(tokens, i + 1, cues.phrases("reason_openers")) is not None
        said = said or _restated(tokens, i + 1, cues)
    else:
        said = longest_at(tokens, i, cues.phrases("reason_joiners")) is not None
    if not said:
        return False
    edge = cues.single("edge", "fillers")
    return any(
        k not in used and tokens[k].kind == "word" and longest_at(tokens, k, edge) is None
        for k in range(i)
    )


def _restated(tokens: list[Token], i: int, cues: Cues) -> bool:
    """The request said again of "it" after telling of the event ("the board meeting is
    cancelled, delete it", «совет директоров отменился, удали его»): to the end, a verb
    of a change and a pronoun."""
    verbs = cues.phrases("delete") + cues.phrases("update") + cues.phrases("create")
    end = longest_at(tokens, i, verbs)
    if end is None:
        return False
    end = longest_at(tokens, end, cues.phrases("pronouns")) or end
    while (after := longest_at(tokens, end, cues.phrases("fillers"))) is not None:
        end = after  # «…, убери его из календаря»
    return end > i and all(t.kind == "mark" for t in tokens[end:])


def _residue_at(tokens: list[Token], i: int, residue: tuple[Phrase, ...], cues: Cues) -> int | None:
    """The end of time words the grammar leaves behind at token `i`: a `time_residue`
    phrase, or a figure with an approximation suffix ("4ish", "3-ish")."""
    if _cuts_compound(tokens, i):
        return None
    end = longest_at(tokens, i, residue)
    if end is not None and not _cuts_compound(tokens, end):
        return end
    if tokens[i].kind != "figure":
        return None
    k = i + 1
    if k < len(tokens) and tokens[k].norm == "-" and tokens[k].start == tokens[i].end:
        k += 1
    suffix = longest_at(tokens, k, cues.phrases("approximate_suffix"))
    touching = k < len(tokens) and tokens[k - 1].end == tokens[k].start
    return suffix if suffix is not None and touching else None


def _approximating(tokens: list[Token], i: int, used: set[int], cues: Cues) -> int | None:
    """The end of an approximation said of a time word: a suffix typed onto it ("noon-ish",
    "seven-ish") or the hour word said before it («часов в пять»); no part of a name."""
    if (
        i + 2 < len(tokens)
        and i + 1 in used
        and longest_at(tokens, i, cues.phrases("approximate_prefix")) == i + 1
        and _is_number(tokens[i + 2], cues)
    ):
        return i + 1  # «часов в пять», «часиков на шесть»: about that hour
    if i == 0 or i - 1 not in used or tokens[i - 1].end != tokens[i].start:
        return None
    k = i + 1 if tokens[i].norm == "-" else i
    if k >= len(tokens) or tokens[k - 1].end != tokens[k].start:
        return None
    return longest_at(tokens, k, cues.phrases("approximate_suffix"))


def _is_number(token: Token, cues: Cues) -> bool:
    """A figure or a number said as a word («пять», «одиннадцать»)."""
    from calendar_assistant.understanding.timeexpr.vocabulary import vocabulary

    if token.kind == "figure":
        return True
    vocab = vocabulary(cues.lang)
    return vocab.lookup(token, vocab.cardinals) is not None


def in_compound(tokens: list[Token], k: int) -> bool:
    """True if token `k` is part of a hyphenated word typed without spaces: "stand-up",
    "check-in", «онлайн-встреча». Such a word is one word of the title, never cut apart."""

    def joined(a: int, b: int) -> bool:
        return a >= 0 and b < len(tokens) and tokens[a].end == tokens[b].start

    def hyphen(h: int) -> bool:
        return (
            0 < h < len(tokens) - 1
            and tokens[h].norm == "-"
            and tokens[h - 1].kind == "word"
            and tokens[h + 1].kind == "word"
            and joined(h - 1, h)
            and joined(h, h + 1)
        )

    return hyphen(k) or hyphen(k - 1) or hyphen(k + 1)


def _cuts_compound(tokens: list[Token], k: int) -> bool:
    """True if a cut right before token `k` falls inside a hyphenated word."""
    return (
        0 < k < len(tokens)
        and in_compound(tokens, k - 1)
        and in_compound(tokens, k)
        and (tokens[k - 1].end == tokens[k].start)
    )


def strip_edges(tokens: list[Token], keep: list[int], cues: Cues) -> list[int]:
    """The kept words without function words, marks and fillers at either end.

    A verb's particle ("out", "back") stays: it is part of what to do ("take the pizza
    out", "call John back") or of a name ("Out of office"); an event named as a target
    drops it at either end (`without_particles`)."""
    singles = cues.single("edge", "fillers")
    keep = _strip_start(tokens, _without_leading_compound(tokens, keep, cues), singles)
    keep = _strip_end(tokens, keep, cues, singles)
    return _unbalanced_quotes(tokens, keep)


def without_particles(tokens: list[Token], indices: tuple[int, ...], cues: Cues) -> tuple[int, ...]:
    """The words naming an event without a verb's particle at the end ("move the meeting
    back", "push the standup out") or the verb said after it ("the meeting with HR needs
    to move", "make the team meeting start earlier")."""
    particles = cues.single("particles", "target_tail_words")
    edge = cues.single("edge")
    ending = cues.single("particles", "target_tail_words", "target_end_verbs")
    kept = list(indices)
    while len(kept) > 1 and longest_at(tokens, kept[0], particles) is not None:
        kept.pop(0)  # "push back the standup"
        while len(kept) > 1 and longest_at(tokens, kept[0], edge) is not None:
            kept.pop(0)
    while (
        kept
        and not in_compound(tokens, kept[-1])  # "the catch-up" is a name
        and longest_at(tokens, kept[-1], ending) is not None
    ):
        kept.pop()
        while kept and longest_at(tokens, kept[-1], edge) is not None:
            kept.pop()
    return tuple(kept)


def _without_leading_compound(tokens: list[Token], keep: list[int], cues: Cues) -> list[int]:
    """Without a hyphenated `edge` word at the start («вообще-то перенеси его»): a compound
    is otherwise never cut, and its pieces alone are no edge words."""
    end = longest_at(tokens, keep[0], cues.phrases("edge")) if keep else None
    if end is None or end - keep[0] < 2 or keep[: end - keep[0]] != list(range(keep[0], end)):
        return keep
    return keep[end - keep[0] :]


def _strip_start(tokens: list[Token], keep: list[int], singles: tuple[Phrase, ...]) -> list[int]:
    while (
        keep
        and not _whole(tokens, keep, 0)
        and (
            (tokens[keep[0]].kind == "mark" and tokens[keep[0]].norm not in ("«", '"'))
            or longest_at(tokens, keep[0], singles) is not None
        )
    ):
        keep = keep[1:]
    return keep


def _strip_end(
    tokens: list[Token], keep: list[int], cues: Cues, singles: tuple[Phrase, ...]
) -> list[int]:
    tail = cues.single("ordinal_words")
    while (
        keep
        and not _whole(tokens, keep, -1)
        and (
            (tokens[keep[-1]].kind == "mark" and tokens[keep[-1]].norm not in ("»", '"'))
            or longest_at(tokens, keep[-1], singles) is not None
            # "… the first", «… в первый»: an ordinal the date grammar did not take
            or (len(keep) > 1 and longest_at(tokens, keep[-1], tail) is not None)
        )
    ):
        keep = keep[:-1]
    return keep


def _whole(tokens: list[Token], keep: list[int], pos: int) -> bool:
    """A piece of a hyphenated word whose other pieces are kept."""
    k = keep[pos]
    return in_compound(tokens, k) and (k - 1 in keep or k + 1 in keep)


def _unbalanced_quotes(tokens: list[Token], keep: list[int]) -> list[int]:
    """Without a quote mark at either end that has no partner inside."""
    if (
        keep
        and tokens[keep[0]].norm in ("«", '"')
        and not any(tokens[k].norm in ("»", '"') for k in keep[1:])
    ):
        keep = keep[1:]
    if (
        keep
        and tokens[keep[-1]].norm in ("»", '"')
        and not any(tokens[k].norm in ("«", '"') for k in keep[:-1])
    ):
        keep = keep[:-1]
    return keep


def render(
    text: str,
    tokens: list[Token],
    indices: list[int] | tuple[int, ...],
    words: dict[int, str] | None = None,
) -> str:
    """The words at `indices` as typed, with their original spacing where they touch."""
    out: list[str] = []
    previous: int | None = None
    for k in indices:
        token = tokens[k]
        if token.norm in ("«", "»", '"'):
            continue
        if out:
            if previous is not None and k == previous + 1:
                out.append(text[tokens[previous].end : token.start])
            else:
                out.append(" ")
        out.append(words.get(k, token.raw) if words else token.raw)
        previous = k
    return "".join(out).strip(" ,.;:!?")


def quoted(tokens: list[Token], indices: tuple[int, ...]) -> tuple[int, ...] | None:
    """The words inside «…» or "…" if the leftover has a quoted name: it is the title."""
    opening = next((n for n, k in enumerate(indices) if tokens[k].norm in ("«", '"')), None)
    if opening is None:
        return None
    inner: list[int] = []
    for k in indices[opening + 1 :]:
        if tokens[k].norm in ("»", '"'):
            break
        inner.append(k)
    return tuple(inner) or None


def is_hollow(tokens: list[Token], indices: tuple[int, ...], cues: Cues) -> bool:
    """True if the words are only question, function or command words (`hollow` in the
    language's data): "What", «Какие», "Any" are no name for an event."""
    hollow = cues.phrases("hollow")
    return all(
        (tokens[k].kind == "mark" and not in_compound(tokens, k))
        or (longest_at(tokens, k, hollow) is not None and not in_compound(tokens, k))
        for k in indices
    )  # "check-in" is one word, a name, though "check" and "in" are not


def names_a_lead(tokens: list[Token], indices: tuple[int, ...], cues: Cues) -> bool:
    """Whether a reminder's words open with "before"/«накануне» and go on (`relative_openers`):
    a time against an event that was not read as one ("before my dentist appointment"), not
    what to be reminded of. Both readers (grammar, model) ask about it instead of writing."""
    if not indices:
        return False
    end = longest_at(tokens, indices[0], cues.phrases("relative_openers"))
    return end is not None and any(k >= end for k in indices)


def is_generic(tokens: list[Token], indices: tuple[int, ...], cues: Cues) -> bool:
    generic = cues.single("generic")
    return all(longest_at(tokens, k, generic) is not None for k in indices)


def calendar_title(
    text: str, tokens: list[Token], indices: tuple[int, ...], lang: str, case: str | None
) -> str | None:
    """The title as a calendar shows it: nominative head phrase in Russian, capitalised."""
    if not indices:
        return None
    before = tokens[indices[0] - 1].norm if indices[0] > 0 else ""
    if lang == "ru" and before == "у" and _whose_first(tokens, indices):
        # «у Насти день рождения», «у сына утренник»: whose it is comes after the event
        rest = calendar_title(text, tokens, indices[1:], lang, None)
        return f"{rest} у {tokens[indices[0]].raw}" if rest else None
    case = _CASE_AFTER.get(before, case)  # «к стоматологу» → «Стоматолог»
    if case is None and before in _PLACE_PREPOSITIONS and lang == "ru":
        case = _place_case([tokens[k].norm for k in indices])  # «в отгуле», «в налоговую»
    words: dict[int, str] = {}
    if lang == "ru":
        head: list[int] = []
        for k in indices:
            token = tokens[k]
            if in_compound(tokens, k) and k + 1 in indices and in_compound(tokens, k + 1):
                continue  # «онлайн-встречу»: only the last part of a compound inflects
            if token.norm in RU_PREPOSITIONS or token.kind != "word" or not is_cyrillic(token.norm):
                break
            if "INFN" in grammemes(token.norm) or (
                "VERB" in grammemes(token.norm) and "NOUN" not in grammemes(token.norm)
            ):
                break
            head.append(k)
        if head and not _is_infinitive_phrase(tokens, head):
            converted = nominative_phrase(tuple(tokens[k].raw for k in head), case)
            words = dict(zip(head, converted, strict=True))
    title = render(text, tokens, indices, words)
    if not title:
        return None
    if len(title) > 200:
        title = title[:200].rstrip()
    return title[:1].upper() + title[1:]


def _whose_first(tokens: list[Token], indices: tuple[int, ...]) -> bool:
    """After «у», one person in the genitive and then the event («у Насти день рождения»,
    «у мамы операция»); a pronoun («у нас планёрка») owns nothing worth naming."""
    if len(indices) < 2 or indices[1] != indices[0] + 1:
        return False
    whose, event = grammemes(tokens[indices[0]].norm), grammemes(tokens[indices[1]].norm)
    return "gent" in whose and "NPRO" not in whose and "NOUN" in event and "nomn" in event


_PLACE_PREPOSITIONS = frozenset({"в", "во", "на"})


def _place_case(words: list[str]) -> str | None:
    """The case a title cut right after «в»/«на» is in, when every word of it can be in
    that case (one noun phrase): the prepositional («в отпуске», «на работе»), else the
    accusative («в налоговую»); None for more than a phrase («в офисе встреча»)."""
    for case in ("loct", "accs"):
        if all(case in grammemes(word) for word in words):
            return case
    return None


def _is_infinitive_phrase(tokens: list[Token], head: list[int]) -> bool:
    return "INFN" in grammemes(tokens[head[0]].norm)


def split_location(
    tokens: list[Token], indices: tuple[int, ...], lang: str, cues: Cues
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(title indices, location indices): «в переговорке», "at the office" go to location."""
    for pos, k in enumerate(indices):
        token = tokens[k]
        if pos == 0 or token.norm not in _location_preps(lang):
            continue
        nxt_pos = pos + 1
        if nxt_pos >= len(indices) or indices[nxt_pos] != k + 1:
            continue
        place = tokens[indices[nxt_pos]]
        if lang == "ru":
            tags = grammemes(place.norm)
            prepositional = bool({"loct", "loc2"} & tags) and "accs" not in tags and "NOUN" in tags
            # «в кафе», «в бистро»: an indeclinable venue has every case; the list says venue,
            # and only when the words before it have a head noun of their own
            place_words = {p[0] for p in cues.phrases("place_words")}
            trips = cues.single("trip_nouns")
            if "Fixd" in tags and place.norm in place_words:
                # «поход в кафе» is where one goes (the title), «обед в кафе» where it is
                trip = longest_at(tokens, indices[pos - 1], trips) is not None
                head = any("NOUN" in grammemes(tokens[q].norm) for q in indices[:pos])
                prepositional = head and not trip
            foreign_name = place.raw[:1].isupper() and not is_cyrillic(place.norm)
            if not prepositional and not foreign_name:
                continue
        else:
            look = nxt_pos + 1 if place.norm == "the" and nxt_pos + 1 < len(indices) else nxt_pos
            word = tokens[indices[look]]
            place_words = {p[0] for p in cues.phrases("place_words")}
            near = {tokens[q].norm for q in indices[look : look + 4]}
            if not (near & place_words or (word.raw[:1].isupper() and token.norm == "at")):
                continue
        # the place runs to the end, or to «с»/"with" that starts the company
        end = len(indices)
        for q in range(nxt_pos, len(indices)):
            if tokens[indices[q]].norm in ("с", "со", "with") and q > nxt_pos:
                end = q
                break
        location = indices[nxt_pos:end]
        title = indices[:pos] + indices[end:]
        return title, location
    return indices, ()


def _location_preps(lang: str) -> frozenset[str]:
    return frozenset({"в", "во", "на"}) if lang == "ru" else frozenset({"at", "in"})


def attendees(tokens: list[Token], indices: tuple[int, ...], lang: str) -> tuple[str, ...]:
    """People named after «с»/"with": «с Петром и Анной» → ("Пётр", "Анна")."""
    names: list[str] = []
    inside = False
    for pos, k in enumerate(indices):
        token = tokens[k]
        if token.norm in ("с", "со", "with"):
            inside = True
            continue
        if not inside:
            continue
        if token.norm in ("и", "and", ",", "&"):
            continue
        if token.kind == "word" and token.raw[:1].isupper():
            if lang == "ru" and is_cyrillic(token.norm):
                tags = grammemes(token.norm)
                # «с Лондоном» is a call with a city, not with a person
                people = {"Name", "Surn", "Patr"} & tags
                if ("Geox" in tags and not people) or not (people or "ablt" in tags):
                    inside = False
                    continue
                names.append(nominative_name(token.raw))
            else:
                if (
                    names
                    and pos > 0
                    and indices[pos - 1] == k - 1
                    and tokens[k - 1].raw[:1].isupper()
                    and tokens[k - 1].norm not in ("with",)
                ):
                    names[-1] = f"{names[-1]} {token.raw}"
                else:
                    names.append(token.raw)
            continue
        inside = False
    return tuple(dict.fromkeys(names))
