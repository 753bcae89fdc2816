"""Word lists and small text probes the tagger uses to read the context around a name.

Kept apart from the matching logic so the rules read as rules. All words are lower-case. The
probes come twice: a plain reference version and a fast one for common text (see "fast paths").
"""

from __future__ import annotations

import codecs
import re

from civicreader.councils.gazetteer import normalise


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
    "also now then finally formally today yesterday quietly again still already expected "
    "likely due poised about able unable going understood thought believed "
    "reported".split()
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
    "analysis comment update breaking watch more news neighbouring nearby rival "
    "neighbour".split()
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
# After a possessive place name, these make it the council's ("Dudley's services").
POSSESSED = LG_NOUNS | frozenset("services service libraries bins".split())
# ", <state or country>" after a place name puts it abroad ("Boston, Massachusetts").
ABROAD = re.compile(
    r",\s+(?:Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    r"Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    r"Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    r"New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|"
    r"Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|"
    r"Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|USA|US|U\.S\.|America|"
    r"Ontario|Quebec|Nova Scotia|New Brunswick|British Columbia|Alberta|Manitoba|"
    r"Saskatchewan|Canada|New South Wales|Victoria|Queensland|Tasmania|Western Australia|"
    r"South Australia|Australia|New Zealand|Jamaica|South Africa)\b"
)
# Every word that can decide a follower verdict before its verb checks (tagger's fast skip).
FOLLOWER_WORDS = (
    PARISH_HEADS
    | ORG_FOLLOWERS
    | LG_NOUNS
    | frozenset("council councils district borough county north south east west central".split())
)

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
    # services only councils run, as the subject of a story
    " librar",
    "bin collection",
    "pothole",
    "leisure centre",
    "planning permission",
    "planning application",
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


# -- fast paths --------------------------------------------------------------------------------
# Most news text uses ASCII plus a few Latin-1 letters and typographic punctuation. For text made
# only of these 256 characters, a single-byte charmap does ``normalise`` in C and regexes with
# exact character classes replace the character-by-character probes above; other text takes the
# reference code. Each fast probe must return exactly what its reference returns (checked on
# random strings over these characters and on the synthetic, dev and seed corpora).
_EXTRA = (
    *range(0xA0, 0x100),
    *range(0x2010, 0x2016),
    *range(0x2018, 0x2023),
    *(0x2026, 0x2030, 0x2032, 0x2033, 0x2039, 0x203A, 0x2002, 0x2003, 0x2009, 0x200A),
    *(0x200B, 0x202F, 0x2060, 0xFEFF, 0xFFFD),
)
FAST_CHARS = "".join(map(chr, range(128))) + "".join(map(chr, _EXTRA))
_ENCODE = codecs.charmap_build(FAST_CHARS)
# byte (index into FAST_CHARS) -> Latin-1 byte of the character's normalised form
_FOLD = bytes(ord(normalise(ch)) for ch in FAST_CHARS)
assert len(FAST_CHARS) == len(set(FAST_CHARS)) == 256 and len(_FOLD) == 256


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# the same blanking on the charmap bytes (byte i stands for FAST_CHARS[i]; 32 is the space)
_BLANK = bytes(32 if CONTROL.match(ch) else i for i, ch in enumerate(FAST_CHARS))


def prepare(text: str) -> tuple[str, str, bool]:
    """Text with control characters blanked, its ``normalise`` form, and whether the fast
    probes apply (every character is one of ``FAST_CHARS``)."""
    try:
        raw = codecs.charmap_encode(text, "strict", _ENCODE)[0]
    except UnicodeEncodeError:
        text = CONTROL.sub(" ", text)
        return text, normalise(text), False
    blanked = raw.translate(_BLANK)
    if blanked != raw:
        text = codecs.charmap_decode(blanked, "strict", FAST_CHARS)[0]
    return text, raw.translate(_FOLD).decode("latin-1"), True  # fold ignores the blanking


def _ranges(chars: str) -> str:
    """A regex class body for ``chars``, with runs of consecutive code points as ranges."""
    points = sorted(map(ord, chars))
    out: list[str] = []
    i = 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        lo, hi = re.escape(chr(points[i])), re.escape(chr(points[j]))
        out.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(out)


_ALPHA = _ranges("".join(ch for ch in FAST_CHARS if ch.isalpha()))  # A-Za-z, À-ÿ less × ÷ ...
_RGAP = f"([^{_ALPHA}{re.escape(BREAK)}]*)"  # a gap without a sentence break, reversed
_RWORD = f"([{_ALPHA}](?:[{_ALPHA}'’&-]*[{_ALPHA}])?)"  # a word, reversed
_PREV = (re.compile(_RGAP + _RWORD), re.compile(f"{_RGAP}{_RWORD}(?:{_RGAP}{_RWORD})?"))


def prev_words_fast(reverse: str, rpos: int, count: int) -> list[tuple[str, str]]:
    """``prev_words(text, pos)`` for ``count`` 1 or 2, given ``reverse = text[::-1]`` and
    ``rpos = len(text) - pos``, when every character of text is in FAST_CHARS."""
    m = _PREV[count - 1].match(reverse, rpos, min(len(reverse), rpos + 80))
    if m is None:
        return []
    g = m.groups()
    if count == 1 or g[3] is None:
        return [(g[1][::-1], g[0][::-1])]
    return [(g[1][::-1], g[0][::-1]), (g[3][::-1], g[2][::-1])]


_GAP = f"([^A-Za-z{re.escape(BREAK)}]*)"
_WORD = "([A-Za-z][A-Za-z'’&-]*)"
_NEXT = (
    re.compile(_GAP + _WORD),
    re.compile(f"{_GAP}{_WORD}(?:{_GAP}{_WORD}(?:{_GAP}{_WORD}(?:{_GAP}{_WORD})?)?)?"),
)


def next_few(text: str, pos: int, count: int = 4) -> list[tuple[str, str]]:
    """``next_words`` for ``count`` 1 or 4, in one regex match (any text)."""
    m = _NEXT[count > 1].match(text, pos, min(len(text), pos + 120))
    if m is None:
        return []
    g = m.groups()
    out = [(g[0], g[1])]
    for i in range(2, len(g), 2):
        if g[i + 1] is None:
            break
        out.append((g[i], g[i + 1]))
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
