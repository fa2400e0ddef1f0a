"""The word lists and patterns the detectors look for, English only.

Parallax's own lists, written from the tag descriptions of the Media literacy set and the
definitions of the SemEval-2023 persuasion techniques; the emotive words come from the VADER
lexicon (``emotive.tsv``, MIT licence, see its header).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

__all__ = [
    "ATTRIBUTION",
    "AUTHORITY",
    "AD_LABEL",
    "CALL_ANYWHERE",
    "CALL_TO_ACTION",
    "NEUTRAL_IN_NEWS",
    "TITLED_NAME",
    "CERTAINTY",
    "EVALUATIVE",
    "FLAG_WAVING",
    "HEADLINE_VERBS",
    "LABEL_NOUNS",
    "LABEL_PHRASE",
    "LOADED_WORDS",
    "MUST",
    "OFFER",
    "PRICE",
    "SLOGAN_CUE",
    "SLOGAN_FAMILY",
    "SPECULATION",
    "VAGUE_SOURCE",
    "VAGUE_SOURCE_NAMED",
    "emotive_words",
]

_I = re.IGNORECASE


def _words(text: str) -> str:
    return "|".join(sorted(text.split(), key=len, reverse=True))


CALL_TO_ACTION = re.compile(
    r"^\W*(?:join|subscribe|sign up|buy|shop|order|download|get|try|claim|register|book now|"
    r"visit|click|call now|use (?:the )?code|grab|save \d|start your|don't miss|do not miss|"
    r"unlock|upgrade|follow us|advertisement|sponsored|learn more|discover|enter)\b",
    _I,
)
#: A call to action anywhere in a sentence, or a web address to go to.
CALL_ANYWHERE = re.compile(
    r"\b(?:find out more|learn more|register (?:your interest|now|today|for)|sign up|"
    r"book (?:a|your) \w+ (?:today|now)|order (?:today|now)|buy (?:now|today)|shop now|"
    r"subscribe (?:today|now)|download (?:the|our) app)\b|"
    r"\b(?:www\.)?[a-z0-9-]+\.(?:com|org|net|co\.uk|io|example)(?:/[\w/-]*)?\b",
    _I,
)
#: A line that labels what follows as an advertisement.
AD_LABEL = re.compile(
    r"^\W*(?:advertisement|advertising|sponsored(?: content| post)?|promoted|partner content|"
    r"paid (?:content|post|partnership)|ad|from our partners)\b",
    _I,
)
PRICE = re.compile(
    r"[$€£¥]\s?\d[\d,.]*(?:\s?/\s?(?:mo|month|yr|year|week))?|\b\d+(?:\.\d+)?\s?(?:dollars|euros|"
    r"pounds)\b|\bper (?:month|year|week)\b|/mo\b|\b\d+\s?% off\b",
    _I,
)
OFFER = re.compile(
    r"\bfree (?:for \d+|trial|shipping|delivery|gift)|\b\d+[- ]day (?:free )?trial|\bpremium\b|"
    r"\bdiscount(?:ed|s)?\b|\bpromo(?:tion(?:al)?)? code|\blimited[- ]time|\bspecial offer|"
    r"\bexclusive (?:offer|deal|access)|\bcoupon|\bsubscri(?:be|ption)|\bnewsletter|"
    r"\baffiliate|\bearn a (?:small )?commission|\bsponsored|\bpartner content|"
    r"\bpaid (?:post|content|partnership)|\bsign up|\bbuy now|\bclick here|\blink in bio|"
    r"\bcancel any ?time|\bmoney-back|\bonly \$|\bjust \$|\bnormally \$|\bact now|"
    r"\bwhile stocks last|\bbest[- ]selling|\bshop (?:now|the)|\btrading community|\bmembers get",
    _I,
)
SLOGAN_CUE = re.compile(
    r"\b(?:slogan|motto|catchphrase|chant(?:ed|ing)?|rallying cry|tagline|battle cry|banner of|"
    r"mantra|refrain|campaign(?:ed)? (?:on|under|with))\b",
    _I,
)
SLOGAN_FAMILY = re.compile(
    r"\b(?:Make|Keep|Put) (?:[A-Z][\w’'-]+ ){1,2}(?:Great|Strong|Safe|First|Proud)(?: Again)?\b|"
    r"\b(?:Take Back|Build Back|Get [A-Z]\w+ Done|[A-Z][\w-]+ First)\b(?: [A-Z]\w+)?",
)
_VAGUE_WHO = (
    r"(?:analysts|experts|critics|observers|commentators|insiders|sources|officials|economists|"
    r"investors|insiders|pundits|skeptics|sceptics|opponents|detractors|supporters|"
    r"people familiar with [\w ]{1,40}?|those close to [\w ]{1,30}?|sources close to [\w ]{1,30}?)"
)
VAGUE_SOURCE = re.compile(
    r"\b(?:some|many|several|most|a few|a number of|certain|other|numerous|countless|"
    r"some of the)\s+"
    r"(?:analysts|experts|critics|observers|commentators|economists|officials|insiders|sources|"
    r"people|voices|scientists|residents|investors|insiders|pundits|Americans|voters|parents|"
    r"observers|historians|diplomats|critics)\b|"
    rf"\b{_VAGUE_WHO}\s+(?:say|said|says|believe|believed|argue|argued|claim|claimed|warn|warned|"
    r"suggest|suggested|fear|feared|expect|expected|think|thought|note|noted|insist|insisted|"
    r"are (?:showing|saying|worried|concerned|betting|warning|watching|asking|divided)|"
    r"have (?:said|warned|suggested|argued|noted|questioned))\b|"
    r"\b(?:it is|it's|it has been|it was) (?:widely )?(?:said|believed|claimed|rumou?red|reported|"
    r"understood|thought|feared|alleged)\b|"
    r"\b(?:some|many|others) (?:say|believe|argue|claim|fear|suspect|wonder|worry|feel|think)\b|"
    r"\baccording to (?:sources|reports|insiders|some|critics|observers|people|one source|"
    r"a source|officials|analysts|experts)\b|"
    r"\b(?:reports|rumou?rs|word) (?:suggest|say|claim|indicate|has it)\b|"
    r"\b(?:an?|one) (?:senior |government |party |company |industry |unnamed |anonymous )?"
    r"(?:source|insider|official|aide|observer|person) (?:said|told|says|who|familiar|close)\b|"
    r"\bwidely (?:seen|regarded|believed|expected|thought)\b|\bis seen by many\b|"
    r"\bthere are (?:fears|concerns|worries|suggestions|claims)\b|"
    r"\b(?:some|many|others|few) (?:expect|reckon|hope|predict|question)\b|"
    r"\b(?:[a-z]+(?:ers|ists|ants|ents|ors|ians|ees)|people|folk|locals|residents|neighbours|"
    r"neighbors|fans|parents|voters|staff|experts|scientists)\s+(?:say|said|claim|claimed|fear|"
    r"feared|believe|believed|warn|warned|argue|argued|agree|insist|reckon|suspect|expect|"
    r"worry|complain|complained)\b",
    _I,
)
#: After a vague-sounding source, these make it a checkable one ("critics such as Ana Ruiz").
VAGUE_SOURCE_NAMED = re.compile(r"^,?\s+(?:at|from|such as|including|like|led by|of the) [A-Z]")
SPECULATION = re.compile(
    r"\b(?:will|would|could|may|might) (?:likely|probably|soon|eventually|almost certainly)\b|"
    r"\b(?:is|are|was|were|seems|looks|appears) (?:widely )?(?:expected|likely|set|poised|bound|"
    r"sure|unlikely|tipped|projected|forecast|predicted|destined|certain) to\b|"
    r"\b(?:likely|probably|perhaps|possibly|presumably|in all likelihood|almost certainly)\b|"
    r"\bcould (?:well |soon |easily |yet |still )?(?!not\b|n't\b)[a-z]+\b|"
    r"\bmight\b|\bmay (?:well |soon |yet )?(?:be|become|lead|prove|spark|signal|mean|face|see|"
    r"cost|have|end|never|not)\b|\b(?:predict(?:s|ed)?|forecasts?|anticipates?)\b|"
    r"\bsure to\b|\b(?:seems?|appears?)\b|"
    r"\b(?:fears?|feared|expects?|believes?|betting|bets?|predicts?|reckons?) (?:that )?"
    r"[\w ,]{0,50}?\b(?:will|would|could)\b|"
    r"\b(?:hints? at|paves? the way|sets? the stage|a prelude to|on course for|headed for)\b|"
    r"\bin the (?:coming|next) (?:days|weeks|months|years)\b|"
    r"\bif\b[^,]{3,60},\s*\w+ (?:will|would)",
    _I,
)
ATTRIBUTION = re.compile(
    r"(?<![-\w])(?:said|says|say|told|tells|added|adds|asked|wrote|writes|described|describing|called|"
    r"calling|insisted|insists|stated|states|explained|warned|warns|argued|argues|according to|"
    r"declared|announced|tweeted|posted|claimed|claims|replied|recalled|noted|notes|urged|vowed|"
    r"promised|promising|pledged|admitted|conceded|boasted|joked|quipped|responded|confirmed|"
    r"calls|fumed|raged|condemns?|condemned|dismissed|slammed|hit back|praised|hailed|"
    r"branded|dubbed|labelled|labeled|labels|described as|as saying|in a statement)\b",
    _I,
)
AUTHORITY = re.compile(
    r"\b(?:experts|scientists|doctors|economists|researchers|scholars|specialists|historians)\s+"
    r"(?:all |widely |overwhelmingly )?(?:agree|have shown|confirm|know|recommend|are clear|"
    r"are unanimous)\b|\b(?:studies|research|science|the science|the data|the evidence)\s+"
    r"(?:clearly )?(?:shows?|proves?|confirms?|is clear|leaves no doubt)\b|"
    r"\b(?:Nobel(?:[- ]prize)?(?:[- ]winning)?|award-winning|world-renowned|renowned|leading|"
    r"eminent|respected|distinguished|prominent|world-class|top|celebrated|esteemed)\s+"
    r"(?:\w+\s)?(?:expert|scientist|economist|professor|doctor|physician|researcher|authority|"
    r"historian|scholar|engineer|surgeon|epidemiologist)s?\b|"
    r"\bas (?:any|every) (?:doctor|expert|economist|scientist|teacher|engineer) (?:will|would|can) "
    r"tell you\b|\b(?:nine|eight|\d+) (?:out of|in) (?:ten|10) (?:doctors|experts|dentists|"
    r"economists|scientists)\b|"
    r"\ba (?:man|woman|person) of (?:his|her|their) (?:experience|standing|stature|calibre)\b|"
    r"\bwho (?:has )?spent (?:\w+ ){1,2}(?:years|decades) (?:at the top|"
    r"in the)\b",
    _I,
)
FLAG_WAVING = re.compile(
    r"\b(?:our|this) (?:great |proud |beloved |glorious )?(?:nation|country|homeland|motherland|"
    r"fatherland|flag)\b|\bpatriot(?:s|ic|ism)?\b|\bnational (?:pride|greatness|honou?r|glory|"
    r"spirit|renewal|revival|destiny|resurgence)\b|\bwhat (?:the |our )?[A-Z]\w+ deserves\b|"
    r"\b(?:our|this) (?:proud |great )?(?:town|city|community|region)\b|"
    r"\b(?:greatest|finest|proudest) (?:nation|"
    r"country|people)\b|\b(?:comeback|resurgence|rebirth|reawakening) of (?:the |our )?(?:nation|"
    r"country|[A-Z]\w+)\b|\b[A-Z]\w+[’']s comeback\b|\bpride in (?:the |our )?(?:nation|country|"
    r"flag)\b|\b(?:true|real) (?:Americans|Britons|patriots)\b|"
    r"\bthe (?:American|British|Japanese|French|German|Scottish|Irish|Canadian|Australian) "
    r"people (?:deserve|demand|want|will not)\b|\bfor (?:king|queen) and country\b",
    _I,
)
CERTAINTY = re.compile(
    r"\b(?:clearly|obviously|undeniably|undoubtedly|unquestionably|of course|without (?:a )?doubt|"
    r"no doubt|surely|plainly|simply put|the truth is|the fact is|make no mistake|in truth|"
    r"there is no question|there is no denying|let(?:'s|’s| us) be (?:clear|honest)|"
    r"it (?:is|was) (?:clear|obvious|undeniable|plain|evident) (?:that|from)|"
    r"everyone knows|nobody can deny|"
    r"the reality is|frankly|in reality)\b",
    _I,
)
MUST = re.compile(
    r"\b(?:must|should|ought to|needs? to|has to|have to|cannot afford|it is time|"
    r"it's time|it’s time)\b",
    _I,
)
EVALUATIVE = re.compile(
    r"\b(?:"
    + _words(
        "failed failing failure disastrous brilliant shameful reckless foolish absurd "
        "ridiculous misguided wrongheaded irresponsible pointless useless sensible courageous "
        "bold decisive weak mistake blunder triumph masterstroke vital essential crucial "
        "indispensable deliberate cynical naive hypocritical dangerous sensible wise unwise "
        "overdue long-overdue welcome sorry sad pathetic embarrassing remarkable extraordinary "
        "historic unprecedented exactly nothing merely simply only just genuine real "
        "deserve deserves deserved betrayal scandal scandalous outrageous disgrace "
        "laughable insulting tone-deaf short-sighted shortsighted cowardly heroic brave "
        "ambition confidence charisma assertive feels product much-needed"
    )
    + r")\b",
    _I,
)
LOADED_WORDS = frozenset(
    (
        "slammed slams slam blasted blasts blast lashed hammered savaged torched shredded "
        "skewered ripped fumed raged ranted railed bragged boasted whined caved capitulated "
        "meltdown bombshell showdown firestorm uproar furore furor frenzy turmoil mayhem "
        "carnage bloodbath onslaught assault crackdown stunning shocking staggering "
        "jaw-dropping whopping skyrocketing skyrocketed soaring soared plunged plummeted "
        "plummeting crashing crumbling collapsing spiralling spiraling draconian "
        "heavy-handed ruthless brazen defiant hardline hawkish cosy cozy sweetheart cushy "
        "lavish bloated bungling botched shambolic crippling punishing devastating "
        "ravaged gutted decimated scrambling scrambled desperate desperately grovelling "
        "kowtowing bowed caved snubbed humiliating humiliated crushing crushed "
        "thrashed routed landslide resurgence geopolitical ripple rattle rattled "
        "nightmare catastrophic disastrous chaos chaotic fiasco debacle farce sham "
        "charade scandal outrage outrageous outraged furious fury ire wrath rotting rot "
        "damning grumble grumbles grumbling glossy dramatic hawkishness spin stunt ploy "
        "cronyism gridlock misery shameful crumbling rusting decrepit"
    ).split()
)
LABEL_NOUNS = re.compile(
    r"\b(?:regime|thugs?|mob|cronies|elites?|extremists?|radicals?|zealots?|fanatics?|puppets?|"
    r"lackeys?|apologists?|hardliners?|hawks?|snowflakes?|globalists?|bureaucrats|fat cats?|"
    r"do-gooders|troublemakers|agitators|yes-men|henchmen|propagandists?|ideologues?|"
    r"demagogues?|warmongers?|bullies|traitors?|loonies|cranks?|alarmists?|strongman|"
    r"firebrand|dealmaker|kingmaker|tyrant|dictator|autocrat|despot|crook|liar|clown|"
    r"rabble-rousers?|freeloaders?|scroungers?|illegals|invaders?|hordes?|jihadists?|"
    r"ringleaders?|mouthpiece|stooges?|cheerleaders?|naysayers|doom-mongers|nanny state|"
    r"pen-pushers?|penny-pinchers?|busybod(?:y|ies)|fat-cat \w+|"
    r"red tape|woke (?:\w+)|career politicians?|tax-and-spend (?:\w+)|bleeding hearts?)\b",
    _I,
)
LABEL_PHRASE = re.compile(
    r"\bso-called [\w-]+|\b(?:radical|far-left|far-right|hard-left|hard-right|"
    r"ultra-left|ultra-right|extremist|leftist|right-wing|left-wing|loony|crooked|corrupt|"
    r"militant|rogue|populist|nationalist|hawkish|reformist|decisive|embattled|greedy)\s+"
    r"(?:[\w-]+)",
    _I,
)
HEADLINE_VERBS = re.compile(
    r"\b(?:signals?|slams?|vows?|warns?|hails?|blasts?|faces?|fails?|wins?|loses?|sparks?|"
    r"threatens?|rejects?|backs?|defies?|surges?|soars?|plunges?|crisis|chaos|fury|outrage|row|"
    r"shock|shocking|triumph|victory|disaster|scandal|bold|era|comeback|why|how|must|should|"
    r"will|could|bets?|gambles?|doubles down|takes aim|rises?|falls?|ends?|secures?|"
    r"becomes?|became|clash(?:es)?|battles?|fight|war|storm|blow|boost|slump|bonanza|revolt|"
    r"betray\w*|finally|at last|game changer|game-changer|shame|misery|neglect)\b",
    _I,
)


#: Emotive words that news uses as plain report verbs or names of feelings people state.
NEUTRAL_IN_NEWS = frozenset(
    "praised praise praises condemn condemns condemned honor honour honest honestly loyalty "
    "fear fears feared proud ambitious dissatisfaction warmly congratulated concern concerns "
    "worried hope hopes hoped sensitive support supported".split()
)
#: A run of three or more capitalised words introduced as a name for something.
TITLED_NAME = re.compile(
    r"\b(?:what (?:she|he|they|it|we) (?:calls?|called)|dubbed|branded|billed as|under the banner)"
    r" (?:a |an |the )?[“\"]?((?:[A-Z][\w-]+ (?:and |of |for |the |to )?){2,}[A-Z][\w-]+)"
)


@cache
def emotive_words() -> dict[str, float]:
    """Return the emotive word list: ``{word: valence}``, valence from -4 to +4."""
    table: dict[str, float] = {}
    path = files("annotations.framing.suggesting").joinpath("emotive.tsv")
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, valence = line.split("\t")
            table[word] = float(valence)
    return table
