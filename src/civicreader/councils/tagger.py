"""Find the councils a news item is about: pure, deterministic, no I/O after the first load.

One Aho-Corasick pass over a normalised copy of "title\\ntext" finds every gazetteer name at
word boundaries; the leftmost-longest matches are kept ("Surrey Heath" beats "Surrey",
"Greater Manchester" swallows "Manchester"). Names that call the council by name ("Essex CC",
"Cyngor Gwynedd", "RBKC") count as they stand. A bare place name counts only when its context
makes it stand for the council (a council word after a list, a possessive, a verb councils do,
a local-government noun, or such words in its sentence) and nothing marks it as a club,
university, police force, constituency, person, parish council or mere location. Finally each
name resolves to the council(s) that existed on the publication date.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

import ahocorasick

from civicreader.councils import tagger_words as W
from civicreader.councils.gazetteer import (
    Gazetteer,
    NameEntry,
    load_gazetteer,
    parse_day,
)
from civicreader.model import Mention

__all__ = ["tag"]

MAX_TITLE = 2_000
MAX_TEXT = 200_000
LEAD_CHARS = 300
_FORM_ORDER = ("council", "acronym", "body", "place", "list_only", "initials")
_BARE = ("place", "list_only")
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s+)\Z")
_COUNCIL_LIST = re.compile(
    r"\b(?:councils|authorities)\s*,?\s+(?:of|including|such as|like)\s+\Z", re.IGNORECASE
)
_COUNCIL_PEOPLE = re.compile(
    r"\bcouncil(?:lors?|\s+(?:chiefs|bosses|officers|officials|leaders|staff))\s+in\s+\Z",
    re.IGNORECASE,
)
REJECT, WEAK, MEDIUM, STRONG = 0, 1, 2, 3
Span = tuple[int, int]
_POSSESSIVE = ("'s", "’s")
_GLUE = ("-", ".", "@", "/")  # a name glued to one of these may be part of a longer token
_UNITS = ("district", "borough", "county")
_POINTS = ("north", "south", "east", "west", "central")


class _Hit:
    """A gazetteer name found in the text, and the verdict on it. A plain class, not a
    dataclass: compiled, a dataclass keeps its generated ``__init__`` as interpreted Python,
    which cost 6% of the tagger's instructions (~12 hits a story)."""

    __slots__ = ("start", "end", "form", "key", "codes", "official", "level", "shadows")

    def __init__(
        self,
        start: int,
        end: int,
        form: str,
        key: str,
        codes: tuple[str, ...],
        official: tuple[str, ...],
    ) -> None:
        self.start = start
        self.end = end
        self.form = form
        self.key = key
        self.codes = codes
        self.official = official
        self.level = REJECT
        self.shadows = False  # rejected as part of another entity: weakens bare repeats


class _Item:
    """The text being tagged, with what the verdicts read of it (a plain class, as ``_Hit``)."""

    __slots__ = ("text", "title_len", "title_case", "day", "norm", "fast", "_doc_cue", "_reverse")

    def __init__(
        self, text: str, title_len: int, title_case: bool, day: date | None, norm: str, fast: bool
    ) -> None:
        self.text = text
        self.title_len = title_len
        self.title_case = title_case
        self.day = day
        self.norm = norm  # " " + normalise(text) + " "
        self.fast = fast  # every character is in W.FAST_CHARS, so the fast probes apply
        self._doc_cue: bool | None = None
        self._reverse: str | None = None

    def prev(self, pos: int, count: int) -> list[tuple[str, str]]:
        """The first ``count`` (1 or 2) of ``W.prev_words(text, pos)``."""
        if not self.fast:
            return W.prev_words(self.text, pos, count)
        if self._reverse is None:
            self._reverse = self.text[::-1]
        return W.prev_words_fast(self._reverse, len(self.text) - pos, count)

    def doc_cue(self) -> bool:
        if self._doc_cue is None:
            self._doc_cue = self.cue(0, len(self.text))
        return self._doc_cue

    def cue(self, start: int, end: int) -> bool:
        """Whether text[start:end] has local-government words (council, cabinet, SEND ...)."""
        window = self.norm[start : end + 2]
        if any(word in window for word in W.LG_CUE_WORDS):
            return True
        return "SEND" in self.text[start:end] and bool(W.SEND_CUE.search(self.text, start, end))

    def loose_title(self, pos: int) -> bool:
        """Inside a Title Case headline, capitals say nothing about proper nouns."""
        return self.title_case and pos < self.title_len


class _Matcher:
    """The automaton over every gazetteer name, built once per gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        grouped: dict[str, list[NameEntry]] = {}
        for entry in gazetteer.entries:
            grouped.setdefault(entry.key, []).append(entry)
        self.automaton = ahocorasick.Automaton()
        for key, entries in grouped.items():
            self.automaton.add_word(f" {key} ", (len(key) + 2, key, _variants(entries)))
        self.automaton.make_automaton()

    def find(self, text: str, norm: str) -> list[_Hit]:
        """Leftmost-longest name matches, after case checks, in text order.

        ``norm`` is ``" " + normalise(text) + " "``, so names match only at word boundaries.
        """
        raw: list[tuple[int, int, str, _Variant]] = []
        for last, (length, key, variants) in self.automaton.iter(norm):
            start = last - length + 1  # offsets in ``text``; the name ends at ``last - 1``
            first = text[start]
            capital = first.isupper() or first.isdigit()
            for variant in variants:
                exact = variant[1]
                if (text[start : last - 1] == exact) if exact is not None else capital:
                    raw.append((start, 2 - length, key, variant))  # longest first at a start
                    break
        if len(raw) > 1:
            raw.sort()  # (start, -length) pairs are unique: one automaton word per key
        hits: list[_Hit] = []
        edge = -1
        for start, negative, key, (form, _, codes, official) in raw:
            if start >= edge:
                edge = start - negative
                hits.append(_Hit(start, edge, form, key, codes, official))
        return hits


_Variant = tuple[str, "str | None", tuple[str, ...], tuple[str, ...]]


def _variants(entries: list[NameEntry]) -> tuple[_Variant, ...]:
    """Per form (strongest first) and exact spelling: the codes a name can mean."""
    merged: dict[tuple[str, str | None], tuple[set[str], set[str]]] = {}
    for e in entries:
        codes, official = merged.setdefault((e.form, e.exact), (set(), set()))
        codes.update(e.codes)
        official.update(e.official)
    order = sorted(merged, key=lambda k: (_FORM_ORDER.index(k[0]), k[1] or ""))
    return tuple(
        (form, exact, tuple(sorted(merged[form, exact][0])), tuple(sorted(merged[form, exact][1])))
        for form, exact in order
    )


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    return _Matcher(load_gazetteer())


def _follower_verdict(item: _Item, last: _Hit, size: int) -> tuple[int | None, bool, bool]:
    """What follows a (list of) place name(s): (level or None, shadows, overrides location)."""
    text = item.text
    end = last.end
    mark = text[end : end + 1]
    if mark and mark in "'’" and (text[end + 1 : end + 2] in ("s", "S") or text[end - 1] in "sS"):
        nxt = W.next_few(text, end + 1, 1)  # possessive: "Surrey's SEND service"
        if nxt and nxt[0][1].lower() in ("s",):
            nxt = W.next_few(text, end + 2, 1)
        if nxt and W.bare(nxt[0][1]) in W.POSSESSED:
            return MEDIUM, False, True
        # "Blackpool's most vulnerable children" (beside "Ofsted"), not "Durham's cathedral"
        return (WEAK if _sentence_cue(item, last.start, end) else None), False, True
    words = W.next_few(text, end, 1)  # most verdicts need one word; more are read on demand
    if not words or words[0][0] not in (" ", "\u00a0"):
        return None, False, False
    raw = words[0][1]
    first = raw.lower()
    if first.endswith(_POSSESSIVE):
        first = first[:-2]
    if first in W.FOLLOWER_WORDS:  # the rare words that decide before the verb checks
        words = W.next_few(text, end)
        second = ""
        if len(words) > 1:
            second = words[1][1].lower()
            if second.endswith(_POSSESSIVE):
                second = second[:-2]
        if first in W.PARISH_HEADS and second.startswith("council"):
            return REJECT, False, False  # "Chichester City Council" is a parish-level council
        if first == "council" or (first in _UNITS and second == "council"):
            return STRONG, False, True
        if first == "councils" or (first in _UNITS and second == "councils"):
            return (STRONG if size > 1 else REJECT), False, True  # "Adur and Worthing councils"
        if first in W.ORG_FOLLOWERS:
            return REJECT, True, False
        if raw[0].isupper() and first in _POINTS:
            return REJECT, True, False  # a constituency: "Blackpool South"
        if first in W.LG_NOUNS:
            return MEDIUM, False, True
    if raw[0].isupper() and not item.loose_title(end) and first not in ("and", "or"):
        return REJECT, True, False  # "Blackpool Illuminations", "Leeds Beckett": another name
    low = raw.lower()
    if len(words) == 1 and (low in W.AUXILIARIES or low.endswith("ly")):
        words = W.next_few(text, end)  # "Leeds has now agreed": the verb comes later
    for _, word in words:
        low = word.lower()
        if low in W.SAY_VERBS:
            return (WEAK if item.doc_cue() else None), False, False
        if low in W.CIVIC_VERBS or (low in W.ACTION_VERBS and item.doc_cue()):
            return WEAK, False, False  # weak: "Derby sign striker" beside "Derby County"
        if low in W.ACTION_VERBS:
            return None, False, False
        if low not in W.AUXILIARIES and not low.endswith("ly"):
            break
    return None, False, False


def _judge_chain(item: _Item, chain: list[_Hit]) -> None:
    """Decide a run of place names joined by commas/"and" ("Babergh and Mid Suffolk")."""
    text = item.text
    head, last = chain[0], chain[-1]
    level, shadows, firm = _follower_verdict(item, last, len(chain))
    if level not in (STRONG, REJECT):
        prev = item.prev(head.start, 2)  # two words tell whether there is only one
        w1 = prev[0][0].lower() if prev else ""
        gap1 = prev[0][1] if prev else ""
        w2 = prev[1][0].lower() if len(prev) > 1 else ""
        if w1 in W.NON_COUNCIL_BEFORE and gap1 == " ":
            level, shadows = REJECT, True  # "NHS Fife", "BBC Birmingham"
        elif (w1 == "of" and w2 in W.NON_COUNCIL_OF) or (w1 == "for" and w2 in W.MEMBER_FOR):
            level, shadows = REJECT, True  # "University of Salford", "MP for Blackpool South"
        elif w1 in W.COMPASS or ("-" in w1 and w1.rsplit("-", 1)[-1] in W.COMPASS):
            level = REJECT  # "west Cumbria", "South Warwickshire": a region, not the council
        elif w1.endswith(W.SUFFIX_MARKS):
            level = MEDIUM if level is None else level  # "Labour-run Birmingham"
        elif _council_list(item, head.start):
            level = STRONG  # "the district councils of Chiltern, South Bucks and Wycombe"
        elif (
            prev
            and prev[0][0][0].isupper()
            and gap1 == " "
            and w1 not in W.STOP_CAPS
            and (not item.loose_title(head.start) or _name_like(w1))
            and not (len(prev) == 1 and _opener(w1))
        ):
            level, shadows = REJECT, True  # "Helen Lincoln", "Culture Perth and Kinross"
        elif w1 == "in" and _council_people(item, head.start):
            level = max(level or REJECT, MEDIUM)  # "council chiefs in Hull"
        elif w1 in W.LOCATIVES and not firm:
            in_x = w1 == "in" and len(prev) == 1 and text[last.end : last.end + 1] == ","
            if not (in_x and _sentence_cue(item, head.start, last.end, before=True)):
                level = REJECT  # "drivers in Watford", "a rail line to Carlisle"
            elif level is None:
                level = WEAK  # "In Blackpool, social workers ..."
    if level is None:
        level = WEAK if _sentence_cue(item, head.start, last.end) else REJECT
    for hit in chain:
        hit.level, hit.shadows = level, shadows
        start, end = hit.start, hit.end
        if hit.form == "list_only" and level < STRONG:
            hit.level = REJECT
        elif (text[end : end + 1] in _GLUE or text[start - 1 : start] in _GLUE) and W.glued(
            text, start, end
        ):  # the first test is a cheap necessary condition for the second
            hit.level = REJECT


def _council_list(item: _Item, start: int) -> bool:
    """Whether "councils of" / "authorities such as" ... ends right at ``start``.

    In fast text the only characters that match these letters case-blind are ASCII letters,
    which ``norm`` (one character ahead) holds in lower case: a cheap necessary condition.
    """
    lo = max(0, start - 40)
    if item.fast:
        window = item.norm[lo + 1 : start + 1]
        if "councils" not in window and "authorities" not in window:
            return False
    return _COUNCIL_LIST.search(item.text, lo, start) is not None


def _council_people(item: _Item, start: int) -> bool:
    """Whether "councillors in" / "council chiefs in" ... ends right at ``start``."""
    lo = max(0, start - 30)
    if "council" not in item.norm[lo + 1 : start + 1]:
        return False
    return _COUNCIL_PEOPLE.search(item.text, lo, start) is not None


def _name_like(word: str) -> bool:
    """In a Title Case headline: "Helen" (Lincoln) looks like a name, "Rates" a verb."""
    return not (word in W.ACTION_VERBS or word in W.SAY_VERBS or word.endswith(("s", "ed")))


def _opener(word: str) -> bool:
    """A sentence's first word that is no first name: "Neighbouring", "Similarly", "Troubled"."""
    return len(word) > 5 and word.endswith(("ing", "ly", "ed"))


def _sentence_cue(item: _Item, start: int, end: int, before: bool = False) -> bool:
    """Local-government words in the sentence (``before``: or in the one before it, which
    "In Rotherham, caseloads ..." continues)."""
    lo, hi = W.sentence_bounds(item.text, start, end)
    if item.cue(lo, hi):
        return True
    if not before or lo < 2:
        return False
    return item.cue(W.sentence_bounds(item.text, lo - 2, lo - 2)[0], lo)


def _judge(item: _Item, hits: list[_Hit]) -> None:
    chain: list[_Hit] = []
    for hit in hits:
        if hit.form in ("council", "acronym"):
            hit.level = STRONG
            if hit.form == "council" and not hit.official:
                prev = item.prev(hit.start, 1)
                if prev and prev[0][1] == " " and prev[0][0].lower() in W.COMPASS:
                    hit.level = REJECT  # "a single South Warwickshire council"
        if hit.form not in _BARE:
            if chain:
                _judge_chain(item, chain)
                chain = []
            continue
        if chain and _LIST_SEP.match(item.text, chain[-1].end, hit.start):
            chain.append(hit)
            continue
        if chain:
            _judge_chain(item, chain)
        chain = [hit]
    if chain:
        _judge_chain(item, chain)
    abroad = {
        h.key
        for h in hits
        if h.form in _BARE
        and item.text[h.end : h.end + 1] == ","
        and W.ABROAD.match(item.text, h.end)
    }
    for hit in hits:  # "Boston, Massachusetts": every bare "Boston" in the item is abroad
        if hit.key in abroad and hit.form in _BARE:
            hit.level = REJECT
    shadowed = {h.key for h in hits if h.shadows}
    strong_keys = {h.key for h in hits if h.level >= MEDIUM}
    for hit in hits:
        if hit.level == WEAK and hit.key in shadowed and hit.key not in strong_keys:
            hit.level = REJECT  # "Eden Project ... Eden's original site"


def _resolve(gazetteer: Gazetteer, hit: _Hit, day: date | None) -> list[str]:
    """The council(s) a matched name meant on ``day``."""
    codes = [c for c in hit.codes if gazetteer.is_principal(c)]
    if hit.level == STRONG and hit.official:
        return [c for c in hit.official if gazetteer.is_principal(c)]
    live = [c for c in codes if gazetteer.exists_on(c, day)]
    if live or hit.level < STRONG or not codes:
        return live
    return [max(codes, key=gazetteer.last_day)]  # named organisation, abolished or not yet live


def _spans(gazetteer: Gazetteer, hits: list[_Hit], day: date | None) -> dict[str, list[Span]]:
    """Council code -> where the accepted hits name it (resolution memoised per name)."""
    spans: dict[str, list[Span]] = {}
    resolved: dict[tuple[tuple[str, ...], tuple[str, ...], bool], list[str]] = {}
    for hit in hits:
        if hit.level > REJECT and hit.form != "initials":
            memo = (hit.codes, hit.official, hit.level == STRONG)
            codes = resolved.get(memo)
            if codes is None:
                codes = resolved[memo] = _resolve(gazetteer, hit, day)
            for code in codes:
                spans.setdefault(code, []).append((hit.start, hit.end))
    for hit in hits:  # initials only confirm a council already found ("TDC" after Tendring)
        if hit.form == "initials":
            for code in hit.codes:
                if code in spans:
                    spans[code].append((hit.start, hit.end))
    return spans


def tag(
    title: str | None, text: str | None, published: date | datetime | str | None = None
) -> list[Mention]:
    """Councils named or meant in an item, most salient first (then by name); a missing title or
    text counts as empty.

    Positions are offsets into ``f"{title}\\n{text}"``; the lead is the first paragraph of
    ``text`` or its first 300 characters, whichever is shorter.
    """
    matcher = _matcher()
    title = title[:MAX_TITLE] if isinstance(title, str) else ""
    text = text[:MAX_TEXT] if isinstance(text, str) else ""
    combined, folded, fast = W.prepare(f"{title}\n{text}")  # control characters blanked
    norm = " " + folded + " "
    hits = matcher.find(combined, norm)
    if not hits:
        return []
    day = parse_day(published)
    size = len(title)
    item = _Item(combined, size, W.is_title_case(combined[:size]), day, norm, fast)
    _judge(item, hits)
    gazetteer = matcher.gazetteer
    return _mentions(gazetteer, _spans(gazetteer, hits, day), size, combined)


def _mentions(
    gazetteer: Gazetteer, spans: dict[str, list[Span]], title_len: int, combined: str
) -> list[Mention]:
    base = title_len + 1
    para = combined.find("\n", base)  # the end of the text's first paragraph
    para = para - base if para >= 0 else -1
    lead_end = base + (para if 0 < para < LEAD_CHARS else LEAD_CHARS)
    out: list[Mention] = []
    for code, positions in spans.items():
        council = gazetteer.by_code(code)
        if council is None:
            continue
        positions = sorted(set(positions))
        in_title = positions[0][0] < title_len
        in_lead = any(base <= s < lead_end for s, _ in positions)
        count = len(positions)
        salience = 0.5 * in_title + 0.3 * in_lead + 0.2 * min(count, 5) / 5
        out.append(Mention(council, tuple(positions), in_title, in_lead, count, round(salience, 4)))
    out.sort(key=lambda m: (-m.salience, m.council.name))
    return out
