"""Word lists and small text probes the tagger uses to read the context around a name.

Kept apart from the matching logic so the rules read as rules. All words are lower-case.
"""

from __future__ import annotations

import re


def _inflect(stems: str) -> frozenset[str]:
    """Generous inflections of verb stems: nonsense forms are harmless, misses are not."""
    out: set[str] = set()
    for v in stems.split():
        out |= {v, v + "s", v + "es", v + "d", v + "ed", v + "ing", v + v[-1] + "ed"}
        out |= {v + v[-1] + "ing", v[:-1] + "ing", v[:-1] + "ies", v[:-1] + "ied"}
    return frozenset(out)


# Things councils do, as the verb right after a place name standing for its council
# ("Birmingham issued", "Tendring approves", "Essex praised").
ACTION_VERBS = _inflect(
    "approve agree set scrap sign cut launch plan apologise apologize issue want vote consult "
    "declare face warn win reject back bid raise freeze hike spend save seek appoint name "
    "unveil adopt publish propose consider confirm close fund buy sell invest award commission "
    "refuse grant ban introduce outsource sue lose miss overspend defend welcome praise "
    "criticise criticize rate order fine slam pull leave join submit announce deliver reveal "
    "expand axe halt pause delay demand ask call urge challenge hand pass recruit hire sack "
    "suspend review reduce increase borrow owe receive secure step opt pledge promise ditch "
    "shelve drop restructure merge share buy acquire cancel commit admit deny apply seek "
    "struggle overhaul mull weigh eye target tackle act move respond decide choose prepare "
    "become remain pay lift hold keep begin start end complete open transfer collapse fail "
    "ratify endorse sanction trial pilot roll"
) | frozenset(
    "set cut hit won sold bought spent lost sought took led got paid made gave told kept "
    "held began become chose".split()
)
# The subset no sports or business story uses of a place ("Derby sign striker" is not here):
# these need no other local-government word in the item.
CIVIC_VERBS = _inflect(
    "approve adopt consult scrap publish propose unveil declare commission outsource overspend "
    "apologise apologize appoint recruit freeze hike cut axe shelve ratify endorse devolve "
    "rezone reorganise restructure"
) | frozenset("sets set cut".split())
SAY_VERBS = frozenset("say says said claim claims claimed insist insists insisted".split())
# Words allowed between a place and its verb ("Birmingham has formally issued").
AUXILIARIES = frozenset(
    "has have had is was are were will would could should must may might to has been be "
    "also now then finally formally today yesterday quietly again still already".split()
)

# Nouns that make a preceding place name mean its council ("Blackpool children's services",
# "an enlarged Norwich unitary"); also after a possessive ("Surrey's SEND service").
LG_NOUNS = frozenset(
    "children's childrens children council councils councillor councillors cabinet leader mayor "
    "leadership budget budgets unitary send social adult adults' authority administration chief "
    "finances finance planning scrutiny overspend deficit spending savings bosses".split()
)

# Words after a place that make the phrase another organisation, building or event:
# clubs, universities, police, fire, NHS, constituencies, streets and the like.
ORG_FOLLOWERS = frozenset(
    "fc afc rfc rufc cfc united city town county rovers athletic albion wanderers rangers "
    "celtic rugby cricket ccc university universities college colleges school academy "
    "hospital hospitals nhs police constabulary fire ambulance airport station cathedral "
    "castle museum festival stadium arena theatre mp mps msp ms mla constituency seat "
    "by-election road street lane avenue way square park pier harbour port docks prison "
    "crown court magistrates tribunal diocese bishop chamber echo post mail gazette herald "
    "telegraph advertiser observer times news chronicle argus mercury star live ltd plc "
    "group trust foundation partnership plc airport zoo water bank building society "
    "rhinos warriors tigers saints sharks falcons chiefs giants hornets dragons ospreys "
    "scarlets bears blues reds titans vikings trinity harriers hotel".split()
)
# Place name followed by these and then "council" is a parish-level council.
PARISH_HEADS = frozenset("town city parish community village neighbourhood".split())
COMPASS = frozenset(
    "north south east west central mid greater inner outer rural coastal upper lower northern "
    "southern eastern western northeast northwest southeast southwest north-east north-west "
    "south-east south-west wider metropolitan".split()
)
# Capitalised words that may precede a place without making it part of a person's name or
# another proper noun: sentence starters, function words, months, parties.
STOP_CAPS = frozenset(
    "the a an in at on for from to by with and but or of as if when while after before across "
    "both all why how what where who whether meanwhile separately however also under over into "
    "despite says said this that these those every each some many most no not only even now "
    "then today yesterday last next new inside around near outside within beyond towards "
    "through including like unlike against between among amid so yet still here there it its "
    "their his her our we they he she you i since until during about following "
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday "
    "labour conservative conservatives tory tories reform green greens independent snp plaid "
    "lib dem dems liberal democrat democrats council councils councillor leader mayor "
    "ofsted dfe mhclg dluhc government ministers minister chancellor report exclusive "
    "analysis comment update breaking watch more news".split()
)
# Words before a place that make it locate an event rather than stand for a council.
LOCATIVES = frozenset(
    "in at to from near around across through throughout towards toward into outside within "
    "between beyond via of including like covers covering visiting visit visited serving serves "
    "serve based reach reached reaching over past along opposite than streets".split()
)
# Words before a place that make it something else: "NHS Fife", "BBC Birmingham".
NON_COUNCIL_BEFORE = frozenset("nhs bbc itv radio police visit team".split())
# "<word> of <place>": "University of Salford", "Bishop of Durham".
NON_COUNCIL_OF = frozenset(
    "university bishop archbishop diocese duke duchess earl battle bank port dean siege "
    "marquess viscount baron baroness lord".split()
)
# "<word> for <place>": "MP for Blackpool South".
MEMBER_FOR = frozenset("mp mps msp msps ms mla member members candidate seat".split())
SUFFIX_MARKS = ("-run", "-led", "-controlled", "-governed")

# Local-government context: a sentence (or item) with these is about councils. Normalised
# spelling (lower-case, punctuation as spaces), matched as substrings.
LG_CUE_WORDS = (
    "council",
    "cabinet",
    "section 114",
    "ofsted",
    "children s services",
    "social care",
    "social work",
    "unitary",
    "local authorit",
    "local government",
    "chief executive",
    "budget",
    " leader ",
    " leaders ",
    " scrutiny ",
)
SEND_CUE = re.compile(r"\bSEND\b")


BREAK = ".!?;:\n"  # a gap holding one of these ends the context
WORD_MARKS = "'’&-"
NEXT_WORD = re.compile(r"([^A-Za-z]*?)([A-Za-z][A-Za-z'’&-]*)")
WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*")


def is_title_case(title: str) -> bool:
    """Whether a headline capitalises (nearly) every longer word."""
    long_words = [w for w in WORDS.findall(title) if len(w) > 3]
    if len(long_words) < 3:
        return False
    return sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def prev_words(text: str, pos: int, count: int = 3) -> list[tuple[str, str]]:
    """Up to ``count`` words before ``pos``, nearest first, each with the gap after it.

    Stops at a sentence break, so a word from the previous sentence never counts.
    """
    out: list[tuple[str, str]] = []
    i = pos
    floor = max(0, pos - 80)
    while len(out) < count:
        j = i
        while j > floor and not text[j - 1].isalpha():
            j -= 1
        gap = text[j:i]
        if j == floor or (gap != " " and any(ch in gap for ch in BREAK)):
            break
        k = j
        while k > floor and (text[k - 1].isalpha() or text[k - 1] in WORD_MARKS):
            k -= 1
        while not text[k].isalpha():
            k += 1
        out.append((text[k:j], gap))
        i = k
    return out


def next_words(text: str, pos: int, count: int = 4) -> list[tuple[str, str]]:
    """Up to ``count`` words after ``pos``, each with the gap before it; stops at a break."""
    out: list[tuple[str, str]] = []
    limit = min(len(text), pos + 120)
    while len(out) < count:
        m = NEXT_WORD.match(text, pos, limit)
        if not m or (m.group(1) not in ("", " ") and any(ch in m.group(1) for ch in BREAK)):
            break
        out.append((m.group(1), m.group(2)))
        pos = m.end()
    return out


def bare(word: str) -> str:
    """Lower-case word without a possessive 's."""
    word = word.lower()
    for tail in ("'s", "’s"):
        if word.endswith(tail):
            return word[:-2]
    return word


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) of the sentence around text[start:end], at most 400 characters each way."""
    floor = max(0, start - 400)
    lo = max(text.rfind(mark, floor, start) for mark in (". ", "? ", "! ", "\n"))
    lo = max(lo, floor - 1)
    his = [text.find(mark, end, end + 400) for mark in (". ", "? ", "! ", "\n")]
    hi = min([h for h in his if h >= 0], default=min(len(text), end + 400))
    return lo + 1, hi


def glued(text: str, start: int, end: int) -> bool:
    """Part of a longer token: "Blackpool-based", "anti-Kent", "swansea.com", an address."""
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    if after[:1] in ("-", ".", "@", "/") and after[1:2].isalnum():
        return True
    if before[-1:] in ("@", "/", ".") and before[:1].isalnum():
        return True
    return before[-1:] == "-" and before[:1].isalpha()
