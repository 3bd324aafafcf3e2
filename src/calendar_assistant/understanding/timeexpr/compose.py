"""The compositional time grammar: constructions are data, Python only computes dates.

A language's constructions live in `data/rules_<lang>.toml`. A rule says which typed pieces,
in which order, make a larger piece, and which date operation (`operations.py`) turns them
into a value:

    [[rule]]                      # "the first Monday of next month"
    as = "time"
    seq = ["the?", "ordinal|last", "weekday", "of", "month_ref"]
    make = "nth_weekday"

An element of `seq` is a symbol: a word class of the same file (`[words.<class>]`, phrases
matched as typed or by dictionary form), a symbol other rules produce (`as`), or a typed
piece the engine reads itself (`TERMINALS`: numbers, weekdays, months, days and clocks of
the pattern grammar, UTC offsets). `a|b` is a choice, a trailing `?` makes it optional, a
leading `!` reads nothing and only succeeds where the symbol does not follow. The
operation receives the matched values by symbol name (a repeated symbol gets `2`, `3`) and the
rule's `params`. Rules producing `time` become pieces of the message; the longest wins.
Adding a construction is a rule plus phrasebook lines, not a Python method.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from calendar_assistant.domain.language import Lang
from calendar_assistant.understanding.timeexpr.pieces import Clock, Kind, Piece, Recurrence
from calendar_assistant.understanding.timeexpr.zones import ZONE_KEY
from calendar_assistant.understanding.tokens import Token, tokenize

if TYPE_CHECKING:
    from calendar_assistant.understanding.timeexpr.grammar import Grammar

TOP = "time"


@dataclass(frozen=True, slots=True)
class Val:
    """A typed value: a word's meaning, a number, a day, a period, a clock, a moment."""

    type: str  # word, number, weekday, month, unit, day, period, part, clock, instant, bound, zone
    num: int = 0
    text: str = ""
    first: date | None = None
    last: date | None = None  # exclusive end of a period
    grain: str = "day"
    clock: Clock | None = None
    moment: datetime | None = None
    zone: tzinfo | None = None
    inner: Val | None = None
    named: bool = False  # a month or season said by name without a year: the next one ahead


@dataclass(frozen=True, slots=True)
class Element:
    names: tuple[str, ...]
    optional: bool
    absent: bool = False  # "!x": matches nothing, and only where x does not follow
    # each name with the first tokens it can start with (None: anything), set at load
    starts: tuple[tuple[str, frozenset[str] | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    produces: str
    seq: tuple[Element, ...]
    make: str
    params: dict[str, Any] = field(default_factory=dict)


_Phrase = tuple[tuple[str, ...], str]  # the phrase's token norms, its value
_Way = tuple[str, frozenset[str] | None]  # a rule's first token, what its second can be
# a symbol's rules by where they can start: first token -> their places; first token ->
# second token -> their places (rules opening with one word); the rules that may start anywhere
_Index = tuple[dict[str, tuple[int, ...]], dict[str, dict[str, tuple[int, ...]]], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class RuleBook:
    """One language's rules and word classes, loaded from data once per process."""

    rules: dict[str, tuple[Rule, ...]]
    words: dict[str, dict[str, tuple[_Phrase, ...]]]  # class -> first word -> phrases
    # what a rule's first token can be: words, or `#tags` of typed pieces (None: anything)
    starts: dict[str, _Index] = field(default_factory=dict)
    firsts: dict[str, frozenset[str] | None] = field(default_factory=dict)  # see first_of

    def symbols(self) -> frozenset[str]:
        return frozenset(self.rules) | frozenset(self.words) | frozenset(TERMINALS)

    def candidates(self, symbol: str, tags: frozenset[str], after: frozenset[str]) -> list[Rule]:
        """The rules of `symbol` that can start at a token with these tags, followed by a
        token with the tags `after`, in file order.

        A rule opening with a one-word element ("on", «в») is only tried where the next token
        can begin the rest: most rules open with an optional preposition, and without the
        second token they would all be tried after every preposition of a message."""
        alone, paired, always = self.starts[symbol]
        picked = set(always)
        for tag in tags:
            places = alone.get(tag)
            if places is not None:
                picked.update(places)
            then = paired.get(tag)
            if then is not None:
                for second in then.keys() & after:
                    picked.update(then[second])
        rules = self.rules[symbol]
        return [rules[n] for n in sorted(picked)]

    def first_of(self, symbol: str, seen: frozenset[str] = frozenset()) -> frozenset[str] | None:
        """The first tokens `symbol` can start with; None when it may read nothing."""
        if symbol in self.words:
            return frozenset(self.words[symbol])
        if symbol in TERMINAL_TAGS:
            return frozenset({TERMINAL_TAGS[symbol]})
        if symbol in seen:
            return frozenset()
        found: set[str] = set()
        for rule in self.rules.get(symbol, ()):
            first = self.rule_first(rule, seen | {symbol})
            if first is None:
                return None
            found |= first
        return frozenset(found)

    def rule_first(self, rule: Rule, seen: frozenset[str] = frozenset()) -> frozenset[str] | None:
        return self.seq_first(rule.seq, 0, seen)

    def seq_first(
        self, seq: tuple[Element, ...], k: int, seen: frozenset[str] = frozenset()
    ) -> frozenset[str] | None:
        """The first tokens the elements `seq[k:]` can start with; None when they may read
        nothing."""
        found: set[str] = set()
        for element in seq[k:]:
            if element.absent:
                continue
            first = self.element_first(element, seen)
            if first is None:
                return None
            found |= first
            if not element.optional:
                return frozenset(found)
        return None

    def element_first(
        self, element: Element, seen: frozenset[str] = frozenset()
    ) -> frozenset[str] | None:
        found: set[str] = set()
        for name in element.names:
            first = self.first_of(name, seen)
            if first is None:
                return None
            found |= first
        return frozenset(found)

    def starts_of(self, element: Element) -> tuple[tuple[str, frozenset[str] | None], ...]:
        return tuple((name, self.firsts[name]) for name in element.names)

    def rule_starts(self, rule: Rule) -> list[_Way] | None:
        """How a rule can open: (first token, what the second can be, None: anything) for
        each way; None when it may start anywhere (it may read nothing)."""
        ways: list[_Way] = []
        for k, element in enumerate(rule.seq):
            if element.absent:
                continue
            for name in element.names:
                if name in self.words:  # a phrase's next word, or what follows the element
                    ways.extend(self._phrase_starts(name, rule.seq, k + 1))
                    continue
                first = self.first_of(name)
                if first is None:
                    return None
                ways.extend((tag, None) for tag in first)
            if not element.optional:
                return ways
        return None

    def _phrase_starts(self, name: str, seq: tuple[Element, ...], k: int) -> list[_Way]:
        """The ways a word class opens `seq[k-1:]`: its phrases' first words, each with the
        second words of its longer phrases and, after a one-word phrase, what `seq[k:]`
        starts with."""
        ways: list[_Way] = []
        for word, phrases in self.words[name].items():
            then: set[str] | None = set()
            for norms, _ in phrases:
                nxt = frozenset(norms[1:2]) if len(norms) > 1 else self.seq_first(seq, k)
                then = None if then is None or nxt is None else then | nxt
            ways.append((word, None if then is None else frozenset(then)))
        return ways


def _element(text: str) -> Element:
    optional = text.endswith("?")
    absent = text.startswith("!")
    return Element(tuple(text.strip("!?").split("|")), optional, absent)


def _word_classes(raw: dict[str, dict[str, str]]) -> dict[str, dict[str, tuple[_Phrase, ...]]]:
    classes: dict[str, dict[str, tuple[_Phrase, ...]]] = {}
    for name, table in raw.items():
        index: dict[str, list[_Phrase]] = {}
        for phrase, value in table.items():
            norms = tuple(t.norm for t in tokenize(phrase))
            if norms:
                index.setdefault(norms[0], []).append((norms, str(value)))
        classes[name] = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in index.items()}
    return classes


@lru_cache(maxsize=2)
def rulebook(lang: Lang) -> RuleBook:
    """The rules of one language; an unknown symbol in a rule is an error at load."""
    text = (
        resources.files("calendar_assistant.understanding.timeexpr")
        .joinpath("data", f"rules_{lang}.toml")
        .read_text(encoding="utf-8")
    )
    raw = tomllib.loads(text)
    rules: dict[str, list[Rule]] = {}
    for entry in raw.get("rule", []):
        rule = Rule(
            entry["as"],
            tuple(_element(e) for e in entry["seq"]),
            entry["make"],
            dict(entry.get("params", {})),
        )
        rules.setdefault(rule.produces, []).append(rule)
    book = RuleBook({k: tuple(v) for k, v in rules.items()}, _word_classes(raw.get("words", {})))
    check(book)
    for symbol, group in book.rules.items():
        book.starts[symbol] = _index(book, group)
    book.firsts.update((symbol, book.first_of(symbol)) for symbol in book.symbols())
    for symbol, group in book.rules.items():
        book.rules[symbol] = tuple(
            replace(rule, seq=tuple(replace(e, starts=book.starts_of(e)) for e in rule.seq))
            for rule in group
        )
    return book


def _index(book: RuleBook, group: tuple[Rule, ...]) -> _Index:
    """The rules of one symbol by the first token (and, after one word, the second) they
    can start with."""
    alone: dict[str, set[int]] = {}
    paired: dict[str, dict[str, set[int]]] = {}
    always: list[int] = []
    for n, rule in enumerate(group):
        ways = book.rule_starts(rule)
        if ways is None:
            always.append(n)
        for key, then in ways or ():
            if then is None:
                alone.setdefault(key, set()).add(n)
            for second in then or ():
                paired.setdefault(key, {}).setdefault(second, set()).add(n)
    return (
        {k: tuple(sorted(v)) for k, v in alone.items()},
        {k: {w: tuple(sorted(v)) for w, v in d.items()} for k, d in paired.items()},
        tuple(always),
    )


def check(book: RuleBook) -> None:
    """Every symbol and operation a rule names exists (else a ValueError naming it)."""
    from calendar_assistant.understanding.timeexpr.operations import OPERATIONS

    known = book.symbols()
    for rules in book.rules.values():
        for rule in rules:
            if rule.make not in OPERATIONS:
                raise ValueError(f"time rule {rule.seq}: unknown operation {rule.make!r}")
            for element in rule.seq:
                for name in element.names:
                    if name not in known:
                        raise ValueError(f"time rule {rule.make}: unknown symbol {name!r}")


# ---------------------------------------------------------------- typed pieces read in Python

Terminal = Callable[["Grammar", int], Iterator[tuple[int, Val]]]


def _number(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    found = g.number(i)
    if found is not None and not found[2] and found[0] == int(found[0]):
        yield found[1], Val("number", int(found[0]))


def _wordnum(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """A number in words: "twenty", «десяти»."""
    t = g.tok(i)
    if t is not None and t.kind == "word":
        yield from _number(g, i)


def _word1(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """One number word alone («двадцати» in «без двадцати семь», not 27)."""
    value, ordinal = g._number_word(g.tok(i))
    if value is not None and not ordinal and value == int(value):
        yield i + 1, Val("number", int(value))


def _count(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    found = g.number(i, articles=True)
    if found is not None and not found[2] and found[0] == int(found[0]) and found[0] >= 1:
        yield found[1], Val("number", int(found[0]))


def _ordinal(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    found = g.number(i)
    if found is not None and found[2] and 1 <= found[0] <= 31:
        yield found[1], Val("number", int(found[0]))


def _daynum(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    found = g.number(i)
    if found is not None and found[0] == int(found[0]) and 1 <= found[0] <= 31:
        yield found[1], Val("number", int(found[0]))


def _anynum(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """A whole number 0–99 said as a cardinal or an ordinal («двадцать седьмого»)."""
    found = g.number(i)
    if found is not None and found[0] == int(found[0]) and 0 <= found[0] <= 99:
        yield found[1], Val("number", int(found[0]))


def _year(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    t = g.tok(i)
    if t is None:
        return
    if t.is_number and len(t.norm) == 4 and 1900 <= t.value <= 2200:
        yield i + 1, Val("number", t.value)
    elif t.norm in ("'", "\u2019"):  # "Dec 5 '27"
        yield from ((i + 2, v) for _, v in _year2(g, i + 1))


def _year2(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    t = g.tok(i)
    if t is not None and t.is_number and len(t.norm) == 2:
        yield i + 1, Val("number", 2000 + t.value)


def _hhmm(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """Military time: "1500", "0930"."""
    t = g.tok(i)
    if t is not None and t.is_number and len(t.norm) == 4:
        hour, minute = divmod(t.value, 100)
        if hour < 24 and minute < 60:
            yield i + 1, Val("clock", clock=Clock(hour, minute, bare=False, precise=True))


def _table(name: str) -> Terminal:
    def read(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
        t = g.tok(i)
        if t is None or t.kind != "word":
            return
        value = g.vocab.lookup(t, getattr(g.vocab, name))
        if value is not None:
            yield i + 1, Val(name, value if isinstance(value, int) else 0, str(value))

    return read


def _weekday(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    found = g.weekday_at(i)
    if found is not None:
        yield i + 1, Val("weekday", found)


def _month(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    found = g.month_at(i)
    if found is not None:
        yield i + 1, Val("month", found)


def _day(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """A day the pattern grammar reads: a date, a weekday, «завтра»."""
    for piece in g.day_pieces(i):
        if piece.day is not None:
            yield (
                piece.end,
                Val("day", first=piece.day, text="weekday" if piece.from_weekday else ""),
            )


def _clock(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    piece = g.clock_piece(i)
    if piece is not None and piece.clock is not None:
        yield piece.end, Val("clock", clock=piece.clock)


def _bareclock(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """A time of day without a preposition or marker: "six", "10:30"."""
    found = g.bare_clock_end(i)
    if found is not None:
        yield found[1], Val("clock", clock=found[0])


def _decimal(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """A decimal written with a comma: «1,5»."""
    t, comma, frac = g.tok(i), g.tok(i + 1), g.tok(i + 2)
    if t is None or comma is None or frac is None or comma.norm != ",":
        return
    if t.is_number and frac.is_number and t.end == comma.start and comma.end == frac.start:
        yield i + 3, Val("decimal", text=f"{t.norm}.{frac.norm}")


def _offset(g: Grammar, i: int) -> Iterator[tuple[int, Val]]:
    """A UTC offset: "+05:30", "UTC+3", "GMT-5", "+0100"."""
    j = i + 1 if g.norm(i) in ("utc", "gmt") else i
    signs = {"+": 1, "-": -1, "\u2212": -1} if j > i else {"+": 1}  # "9:30-11:00" is a range
    sign = signs.get(g.norm(j))
    t = g.tok(j + 1)
    mark = g.tok(j)
    if sign is None or t is None or mark is None or mark.end != t.start:
        return
    if t.kind == "clock":
        hours, minutes = (int(x) for x in t.norm.split(":"))
    elif t.is_number and len(t.norm) in (1, 2):
        hours, minutes = t.value, 0
    elif t.is_number and len(t.norm) == 4:
        hours, minutes = divmod(t.value, 100)
    else:
        return
    if hours <= 14 and minutes < 60:
        offset = sign * timedelta(hours=hours, minutes=minutes)
        yield j + 2, Val("zone", zone=timezone(offset))


TERMINALS: dict[str, Terminal] = {
    "number": _number,
    "count": _count,
    "wordnum": _wordnum,
    "word1": _word1,
    "ordinal": _ordinal,
    "daynum": _daynum,
    "anynum": _anynum,
    "year": _year,
    "year2": _year2,
    "hhmm": _hhmm,
    "weekday": _weekday,
    "month": _month,
    "unit": _table("units"),
    "part": _table("parts_of_day"),
    "relday": _table("relative_days"),
    "dir": _table("modifiers"),
    "day": _day,
    "clock": _clock,
    "bareclock": _bareclock,
    "offset": _offset,
    "decimal": _decimal,
}


# What token a typed piece can start with, as a `#tag` of the token (see `_tags`): a rule
# whose first token cannot be there is not tried, which keeps the engine fast.
TERMINAL_TAGS = {
    **dict.fromkeys(
        (
            "number",
            "count",
            "anynum",
            "year",
            "year2",
            "hhmm",
            "wordnum",
            "word1",
        ),
        "#num",
    ),
    "ordinal": "#ordinal",
    "daynum": "#daynum",
    "weekday": "#weekday",
    "month": "#month",
    "unit": "#unit",
    "part": "#part",
    "relday": "#relday",
    "dir": "#dir",
    "day": "#day",
    "clock": "#clock",
    "bareclock": "#clock",
    "offset": "#offset",
    "decimal": "#num",
}
_NUMBER_WORDS = frozenset({"a", "an", "couple", "'", "\u2019", "пару", "пара", "полтора"})


def _tags(g: Grammar, i: int) -> frozenset[str]:
    """The token at `i` as typed and in dictionary form, and the pieces it can start."""
    t = g.tokens[i]
    v = g.vocab
    tags = {t.norm, *t.lemmas}
    num = t.kind in ("figure", "clock") or t.norm in _NUMBER_WORDS
    num = num or g._number_word(t)[0] is not None
    weekday = g.weekday_at(i) is not None
    month = g.month_at(i) is not None
    relday = v.lookup(t, v.relative_days) is not None
    direction = v.lookup(t, v.modifiers) is not None
    preps, clock_words = _word_sets(v.lang)
    on_at = not preps.isdisjoint(tags)
    number = g.number(i)  # what `_ordinal` and `_daynum` read
    day = number is not None and 1 <= number[0] <= 31
    found = {
        "#num": num,
        "#ordinal": day and number is not None and number[2],
        "#daynum": day and number is not None and number[0] == int(number[0]),
        "#weekday": weekday,
        "#month": month,
        "#unit": v.lookup(t, v.units) is not None,
        "#part": v.lookup(t, v.parts_of_day) is not None,
        "#relday": relday,
        "#dir": direction,
        "#day": num or weekday or month or relday or direction or on_at or t.norm in ("the", "day"),
        "#clock": num or on_at or t.norm.startswith("пол") or not clock_words.isdisjoint(tags),
        "#offset": t.norm in ("+", "utc", "gmt"),
    }
    return frozenset(tags | {tag for tag, yes in found.items() if yes})


@lru_cache(maxsize=2)
def _word_sets(lang: Lang) -> tuple[frozenset[str], frozenset[str]]:
    """The vocabulary's prepositions, and the words a time of day can start with."""
    from calendar_assistant.understanding.timeexpr.vocabulary import vocabulary

    words = vocabulary(lang).words
    preps = frozenset().union(*(words.get(k, ()) for k in ("on", "at", "to", "until")))
    keys = ("noon", "midnight", "half", "quarter", "without", "oclock")
    clock = frozenset().union(*(words.get(k, ()) for k in keys)) | {"час", "часу"}
    return preps, clock


# ---------------------------------------------------------------- matching


class Composer:
    """Reads the constructions of one language in one tokenised message."""

    def __init__(self, grammar: Grammar, book: RuleBook, *, ranges: bool = True) -> None:
        from calendar_assistant.understanding.timeexpr.operations import OPERATIONS, Context

        self.grammar = grammar
        self.book = book
        self.ops = OPERATIONS
        self.ctx = Context(grammar.now, grammar.today, grammar)
        self.ranges = ranges  # False for an update, which names an old and a new day
        self._memo: dict[tuple[str, int], tuple[tuple[int, Val], ...]] = {}
        self._tags: dict[int, frozenset[str]] = {}

    def piece_at(self, i: int) -> Piece | None:
        """The longest construction starting at token `i`, as a piece of the message."""
        best: tuple[int, Val] | None = None
        for end, val in self.match(TOP, i):
            if best is None or end > best[0]:
                best = (end, val)
        if best is None:
            return None
        piece = to_piece(best[1], i, best[0])
        if piece is not None:
            piece.prep = self._prep_at(i)
            if piece.inner is not None:  # a bound's side keeps the word it was said with
                piece.inner.prep = piece.prep
        return piece

    def _prep_at(self, i: int) -> str:
        """The preposition a construction opens with («с», "from"): updates read old days by it."""
        word = self.grammar.norm(i)
        lists = ("from", "on", "at", "to", "until", "after", "in", "for", "between")
        return word if any(word in self.grammar.vocab.words.get(k, ()) for k in lists) else ""

    def match(self, symbol: str, i: int) -> tuple[tuple[int, Val], ...]:
        key = (symbol, i)
        found = self._memo.get(key)
        if found is None:
            self._memo[key] = ()  # a rule that reaches itself without reading finds nothing
            found = self._read(symbol, i)
            self._memo[key] = found
        return found

    def _read(self, symbol: str, i: int) -> tuple[tuple[int, Val], ...]:
        """Every reading of `symbol` at token `i`, in the order the rules give them.

        Built eagerly, depth first (as nested generators would yield them, but without a
        generator frame per element of every rule tried: the parser's largest cost)."""
        if i >= len(self.grammar.tokens):
            return ()
        rules = self.book.rules.get(symbol)
        if rules is not None:
            found: list[tuple[int, Val]] = []
            for rule in self.book.candidates(symbol, self._tags_at(i), self._tags_at(i + 1)):
                self._apply(rule, i, found)
            return tuple(found)
        if symbol in self.book.words:
            return tuple(self._words(self.book.words[symbol], i))
        return tuple(TERMINALS[symbol](self.grammar, i))

    def _tags_at(self, i: int) -> frozenset[str]:
        """The tags of token `i` (see `_tags`), none past the end; once per token."""
        tags = self._tags.get(i)
        if tags is None:
            ok = i < len(self.grammar.tokens)
            tags = self._tags[i] = _tags(self.grammar, i) if ok else frozenset()
        return tags

    def _words(self, index: dict[str, tuple[_Phrase, ...]], i: int) -> Iterator[tuple[int, Val]]:
        t = self.grammar.tokens[i]
        for key in {t.norm, *t.lemmas}:
            for norms, value in index.get(key, ()):
                if all(_same(self.grammar.tok(i + k), w) for k, w in enumerate(norms[1:], 1)):
                    yield i + len(norms), Val("word", text=value)

    def _apply(self, rule: Rule, i: int, found: list[tuple[int, Val]]) -> None:
        """Add to `found` what `rule` reads at token `i`."""
        if rule.params.get("needs_ranges") and not self.ranges:
            return
        op = self.ops[rule.make]
        read: list[tuple[int, dict[str, Val]]] = []
        self._sequence(rule.seq, 0, i, {}, read)
        for end, args in read:
            try:
                val = op(self.ctx, args, rule.params)
            except (ValueError, OverflowError, KeyError):  # no such date; a rule not giving
                val = None  # the operation what it reads is caught by the phrasebook tests
            if val is not None:
                found.append((end, val))

    def _sequence(
        self,
        seq: tuple[Element, ...],
        k: int,
        i: int,
        args: dict[str, Val],
        out: list[tuple[int, dict[str, Val]]],
    ) -> None:
        """Add to `out` every way the elements `seq[k:]` read from token `i` on."""
        if k == len(seq):
            out.append((i, args))
            return
        element = seq[k]
        tags = self._tags.get(i)
        if tags is None:
            tags = self._tags_at(i)
        # a symbol is only asked where it can start: the others read nothing there, and
        # asking them was most of a parse's cost
        names = [n for n, first in element.starts if first is None or not first.isdisjoint(tags)]
        if element.absent:
            if not any(self.match(name, i) for name in names):
                self._sequence(seq, k + 1, i, args, out)
            return
        for name in names:
            for end, val in self.match(name, i):
                self._sequence(seq, k + 1, end, _with(args, name, val), out)
        if element.optional:
            self._sequence(seq, k + 1, i, args, out)


def _with(args: dict[str, Val], name: str, val: Val) -> dict[str, Val]:
    key, n = name, 2
    while key in args:
        key, n = f"{name}{n}", n + 1
    return {**args, key: val}


def _same(token: Token | None, word: str) -> bool:
    return token is not None and (token.norm == word or word in token.lemmas)


def to_piece(val: Val, start: int, end: int) -> Piece | None:
    """The piece of the message a construction's value stands for."""
    if val.type == "day" and val.first is not None:
        extra: dict[str, object] = {"holiday": True} if val.text == "holiday" else {}
        return Piece(Kind.DAY, start, end, day=val.first, extra=extra)
    if val.type == "period" and val.first is not None and val.last is not None:
        return Piece(
            Kind.PERIOD, start, end, day=val.first, day_end=val.last, grain=val.grain,
            extra={
                "span": val.text == "span",
                "within": val.text == "within",  # «в течение часа»: a length beside a clock
                "holiday": val.text == "holiday",  # «на майские»
                "from": val.moment,
                "until": val.inner.moment if val.inner is not None else None,
            },
        )  # fmt: skip
    if val.type == "part":
        return Piece(Kind.PART, start, end, part=val.text, day=val.first)
    if val.type == "leadday":  # "the night before …": days before an event, a part of day
        return Piece(Kind.LEAD, start, end, part=val.text or None, extra={"days": val.num})
    if val.type == "monthly_nth":  # «каждый первый понедельник месяца»: num is the weekday
        rule = Recurrence("MONTHLY", 1, (val.num,), None, setpos=int(val.text))
        return Piece(Kind.RECURRENCE, start, end, recurrence=rule)
    if val.type == "dayclock" and val.clock is not None:  # "9 tomorrow morning": both
        grain = "minute" if val.clock.precise else "hour"
        extra = {"this_time": True} if val.text == "this_time" else {}
        return Piece(
            Kind.CLOCK, start, end, clock=val.clock, day=val.first, grain=grain, extra=extra
        )
    if val.type == "weekly":  # «в будни»: every week on these days
        byday = tuple(int(d) for d in val.text.split(","))
        return Piece(Kind.RECURRENCE, start, end, recurrence=Recurrence("WEEKLY", 1, byday))
    if val.type == "clock" and val.clock is not None:
        extra = {} if val.zone is None else {ZONE_KEY: val.zone}
        grain = "minute" if val.clock.precise else "hour"
        return Piece(Kind.CLOCK, start, end, clock=val.clock, grain=grain, extra=extra)
    if val.type == "clockrange" and val.clock is not None and val.inner is not None:
        end_clock = val.inner.clock
        return Piece(
            Kind.CLOCK_RANGE, start, end, clock=val.clock, clock_end=end_clock, grain="minute"
        )
    if val.type == "instant" and val.moment is not None:
        return Piece(Kind.INSTANT, start, end, instant=val.moment, grain="minute")
    if val.type == "bound" and val.inner is not None:
        inner = to_piece(val.inner, start, end)
        if inner is None:
            return None
        marks: dict[str, object] = {"deadline": True} if val.named else {}
        return Piece(Kind.BOUND, start, end, side=val.text, inner=inner, extra=marks)
    return None
