"""Word lists the tagger uses to read the context around a place name.

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
SAY_VERBS = frozenset("say says said claim claims claimed insist insists insisted".split())
# Words allowed between a place and its verb ("Birmingham has formally issued").
AUXILIARIES = frozenset(
    "has have had is was are were will would could should must may might to has been be "
    "also now then finally formally today yesterday quietly again still already".split()
)

# Nouns that make a preceding place name mean its council ("Blackpool children's services",
# "an enlarged Norwich unitary"); also after a possessive ("Surrey's SEND service").
LG_NOUNS = frozenset(
    "children's childrens council councils councillor councillors cabinet leader leadership "
    "budget budgets unitary send social adult adults' authority administration chief "
    "finances finance housing planning education services service officers officials "
    "scrutiny overspend deficit spending savings bosses staff schools".split()
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

# Local-government context: a sentence (or item) mentioning these is about councils.
LG_CUE = re.compile(
    r"council|cabinet|section 114|ofsted|children['’]s services|social (?:care|work)|"
    r"unitary|local authorit|local government|chief executive|budget|\bleader\b|\bscrutiny\b",
    re.IGNORECASE,
)
SEND_CUE = re.compile(r"\bSEND\b")
