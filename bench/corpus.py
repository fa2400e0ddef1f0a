"""Generate two long news-like documents with planted paraphrase pairs, for bench/align.py.

Everything comes from the word lists and templates below and one seeded ``random.Random``,
so a given (size, seed) always yields the same texts. Document A is a run of news sentences
about one invented story; document B holds, in a block-shuffled order, paraphrases of a share
of A's sentences (synonyms swapped, clauses reordered, voice changed, modifiers dropped or
added, numbers kept; some B sentences condense two adjacent A sentences) and, for the rest,
new sentences about the same story that reuse the same frequent names and topic words, so
the topic alone must not pair two sentences.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

# ---------------------------------------------------------------------------------------
# Word lists. Sampling over them is Zipf-like, so a few words are everywhere and most
# are rare, as in real text.

PEOPLE_NOUNS = """
firefighter officer detective sergeant inspector constable soldier veteran sailor pilot
driver passenger commuter traveller tourist visitor resident neighbour tenant landlord owner
farmer fisherman miner worker employee employer manager director executive chairman founder
investor shareholder trader banker broker accountant auditor lawyer attorney prosecutor
witness victim suspect defendant plaintiff juror clerk secretary spokesperson minister
senator governor mayor councillor deputy official diplomat ambassador envoy negotiator
mediator observer analyst economist scientist researcher professor lecturer teacher student
pupil parent nurse doctor surgeon paramedic pharmacist engineer architect planner surveyor
contractor builder plumber electrician mechanic technician chef baker butcher grocer vendor
supplier retailer customer client consumer shopper voter citizen taxpayer activist
campaigner organiser volunteer donor sponsor critic supporter opponent rival ally partner
colleague pensioner teenager family household child person man woman expert specialist
adviser consultant regulator watchdog coalition union committee council board agency
panel taskforce company firm business landowner developer insurer lender charity
""".split()

PLACE_NOUNS = """
bridge road highway street avenue lane tunnel railway station platform terminal airport
harbour port pier dock canal river stream creek lake reservoir dam levee embankment
floodplain shoreline beach coast cliff hill valley forest park garden meadow field farm
orchard vineyard barn warehouse factory plant mill refinery mine quarry depot yard hospital
clinic school college university library museum theatre stadium arena hall church market
shop store bakery restaurant cafe hotel apartment house cottage tower building office
headquarters courthouse prison shelter garage pipeline substation reactor neighbourhood
village town city suburb district ward county borough island border corridor route junction
crossing roundabout intersection pavement footpath trail fence wall gate roof basement
courtyard terrace playground estate allotment greenhouse nursery kindergarten hostel motel
inn tavern pub brewery distillery winery dairy creamery abattoir tannery foundry smelter
shipyard boatyard marina lighthouse boathouse jetty wharf quay slipway breakwater causeway
viaduct aqueduct overpass underpass flyover bypass ringroad motorway towpath bridleway
cemetery crematorium chapel cathedral mosque synagogue temple monastery convent abbey
castle fortress barracks armoury arsenal bunker observatory planetarium aquarium zoo
laboratory workshop studio gallery auditorium gymnasium pool racecourse velodrome
showground fairground campsite caravan site paddock pasture moorland heath marsh swamp
wetland estuary delta lagoon fjord glacier canyon gorge ravine plateau ridge summit
""".split()

EVENT_NOUNS = """
meeting summit session debate vote election campaign referendum hearing inquiry
investigation audit review protest rally march demonstration strike negotiation flood storm
hurricane tornado drought heatwave wildfire fire blaze explosion earthquake landslide
blizzard frost downpour surge outbreak epidemic accident collision crash derailment spill
leak outage shortage blackout closure delay cancellation evacuation rescue recovery repair
renovation restoration expansion construction demolition inspection announcement speech
interview briefing conference trial recession boom slump crisis emergency disaster tragedy
setback victory defeat breakthrough dispute controversy scandal festival parade ceremony
celebration concert exhibition tournament match race marathon season winter summer
weekend holiday anniversary visit tour flight mission operation patrol raid arrest
lockdown shutdown walkout sit-in ballot recount takeover merger
""".split()

THING_NOUNS = """
budget tax levy ordinance bylaw regulation policy proposal plan project programme initiative
contract agreement deal treaty pact motion amendment clause statute mandate permit licence
fine penalty subsidy grant loan bond fund deficit surplus revenue salary wage pension benefit
allowance report study survey poll petition estimate forecast projection warning alert
notice statement declaration bulletin letter email memo document record file archive
database map photograph video footage recording transcript testimony evidence charge
allegation complaint grievance record target goal priority strategy approach method
procedure system network framework reform overhaul upgrade increase decrease rise price
cost fee fare toll rent mortgage debt credit income profit loss margin share stock dividend
asset investment product service platform application software device phone computer
website app feature tariff quota shipment cargo supply demand inventory reserve fuel gas
oil coal electricity power energy emission pollution ticket trophy award prize contract
vehicle truck lorry bus tram train ferry boat ship vessel aircraft helicopter drone bicycle
scooter taxi ambulance cable grid turbine generator battery engine vaccine medicine drug
treatment equipment sandbag pump barrier siren timetable schedule deadline agenda
compensation payout refund insurance claim lease licence rule law right duty obligation
oversight backing approval endorsement objection veto rejection refusal apology
explanation concern question problem challenge risk threat option compromise solution
response decision ruling verdict appeal lawsuit sentence bail parole waitlist queue
food grain wheat corn rice soybean vegetable fruit milk cheese meat fish bread coffee
sugar salt water soil sand stone brick concrete steel timber plastic glass paper fabric
fertiliser pesticide chemical ledger invoice receipt voucher mortgage dossier blueprint
prototype specification inventory catalogue brochure leaflet pamphlet manifesto charter
constitution covenant guideline protocol checklist questionnaire ballot paper roster payroll
spreadsheet timetable itinerary forecast tariff levy surcharge stipend bursary scholarship
endowment annuity premium deposit overdraft ransom bounty jackpot windfall rebate discount
voucher coupon token badge uniform helmet vest stretcher ventilator defibrillator
thermometer barometer anemometer gauge sensor meter valve nozzle hose hydrant ladder crane
forklift bulldozer excavator tractor trailer caravan barge tugboat lifeboat dinghy kayak
canoe hovercraft glider satellite antenna transmitter radio television microphone camera
projector printer scanner router modem cable fibre circuit transformer inverter charger
headset keyboard monitor tablet handset pager beacon lantern torch flare generator
cylinder canister barrel crate pallet sack parcel package envelope stamp postcard banner
placard poster billboard mural plaque monument statue fountain sculpture painting portrait
tapestry manuscript scroll diary journal notebook logbook almanac atlas encyclopedia
textbook syllabus curriculum diploma certificate passport visa permit warrant subpoena
injunction indictment affidavit deposition verdict acquittal conviction pardon amnesty
ceasefire truce armistice embargo boycott sanction quarantine curfew moratorium referendum
""".split()

NOUNS = PEOPLE_NOUNS + PLACE_NOUNS + EVENT_NOUNS + THING_NOUNS

IRREGULAR_PLURALS = {
    "child": "children",
    "person": "people",
    "man": "men",
    "woman": "women",
    "analysis": "analyses",
    "crisis": "crises",
    "fisherman": "fishermen",
    "chairman": "chairmen",
    "spokesman": "spokesmen",
    "spokeswoman": "spokeswomen",
    "shelf": "shelves",
    "potato": "potatoes",
    "tomato": "tomatoes",
    "hero": "heroes",
    "data": "data",
    "evidence": "evidence",
    "footage": "footage",
    "software": "software",
    "hardware": "hardware",
    "equipment": "equipment",
    "cargo": "cargoes",
    "aircraft": "aircraft",
    "fish": "fish",
    "poultry": "poultry",
    "series": "series",
}

VERBS = """
approve reject delay postpone cancel announce unveil launch open close expand extend reduce
cut raise lower increase boost double halve freeze suspend resume restore repair replace
rebuild renovate upgrade inspect review examine investigate audit assess estimate measure
monitor track record report publish release reveal disclose confirm deny dispute challenge
question criticise praise welcome support back endorse oppose block veto overturn uphold
approve sign ratify negotiate propose draft submit table amend revise adopt implement enforce
introduce abolish scrap drop withdraw retract reverse defend protect secure guarantee fund
finance sponsor subsidise pay owe borrow lend invest spend save allocate divert redirect
transfer move relocate evacuate rescue shelter house feed treat vaccinate test screen
diagnose hire recruit employ dismiss fire sack promote appoint elect nominate replace succeed
lead chair head manage run operate organise coordinate host attend join leave quit resign
retire visit tour inspect survey map photograph film interview question arrest detain charge
prosecute sue fine sentence convict acquit release pardon warn alert urge ask demand request
require compel force allow permit ban forbid restrict limit cap regulate license tax
collect gather compile analyse calculate count tally verify check test trial pilot design
plan build construct demolish dig drill pave widen narrow reroute divert flood drain pump
clear clean repair restore reopen shut seal fence guard patrol protect secure damage destroy
wreck burn flood hit strike batter sweep threaten endanger harm injure kill save spare
surpass exceed miss meet reach achieve deliver produce manufacture assemble ship export
import sell buy purchase acquire merge split sell lease rent own hold keep retain lose gain
win earn post report forecast predict expect anticipate fear doubt trust blame accuse credit
thank congratulate honour reward recognise celebrate mark commemorate mourn remember forget
ignore overlook dismiss reject accept embrace adopt favour prefer choose select pick weigh
consider debate discuss address tackle confront resolve settle end finish complete conclude
begin start initiate trigger spark prompt provoke fuel ease calm soften harden tighten loosen
relax strengthen weaken undermine bolster reinforce stabilise disrupt delay hamper hinder
obstruct prevent avoid escape survive endure withstand absorb cushion offset compensate
reimburse refund cover insure underwrite guarantee pledge promise vow commit offer provide
supply distribute share allocate ration hoard stockpile store preserve conserve waste recycle
rebuild outline describe explain clarify detail summarise list cite quote mention highlight
stress emphasise underline downplay exaggerate inflate distort misrepresent mislead deceive
salvage dredge reinforce retrofit insulate ventilate irrigate fertilise harvest plough
excavate survey chart catalogue archive digitise encrypt hack breach leak publish broadcast
televise stream circulate petition lobby canvass campaign rally mobilise deploy dispatch
station garrison blockade besiege raid storm seize confiscate impound auction liquidate
bankrupt restructure downsize outsource privatise nationalise deregulate audit inspect
certify accredit license authorise sanction embargo boycott picket occupy barricade
dismantle decommission mothball refurbish repaint resurface reroute reschedule rebrand
relaunch rename rezone annex subdivide partition allocate earmark ringfence
""".split()

IRREGULAR_VERBS = {
    "build": ("built", "built"),
    "rebuild": ("rebuilt", "rebuilt"),
    "buy": ("bought", "bought"),
    "choose": ("chose", "chosen"),
    "cut": ("cut", "cut"),
    "lead": ("led", "led"),
    "leave": ("left", "left"),
    "lose": ("lost", "lost"),
    "pay": ("paid", "paid"),
    "run": ("ran", "run"),
    "sell": ("sold", "sold"),
    "spend": ("spent", "spent"),
    "win": ("won", "won"),
    "withdraw": ("withdrew", "withdrawn"),
    "hold": ("held", "held"),
    "keep": ("kept", "kept"),
    "lend": ("lent", "lent"),
    "meet": ("met", "met"),
    "shut": ("shut", "shut"),
    "split": ("split", "split"),
    "strike": ("struck", "struck"),
    "sweep": ("swept", "swept"),
    "hit": ("hit", "hit"),
    "forecast": ("forecast", "forecast"),
    "feed": ("fed", "fed"),
    "forget": ("forgot", "forgotten"),
    "forbid": ("forbade", "forbidden"),
    "uphold": ("upheld", "upheld"),
    "underwrite": ("underwrote", "underwritten"),
    "offset": ("offset", "offset"),
    "withstand": ("withstood", "withstood"),
    "fight": ("fought", "fought"),
    "broadcast": ("broadcast", "broadcast"),
    "seek": ("sought", "sought"),
    "dig": ("dug", "dug"),
    "begin": ("began", "begun"),
    "mislead": ("misled", "misled"),
    "quit": ("quit", "quit"),
    "overlook": ("overlooked", "overlooked"),
    "undermine": ("undermined", "undermined"),
}
# Verbs that double their final consonant before -ed and -ing.
DOUBLING = frozenset(
    "drop scrap ban plan stop cap trim ship map permit submit compel patrol cancel prefer"
    " defer".split()
)

ADJECTIVES = """
new old large small major minor key main local regional national federal global foreign
domestic public private official unofficial formal informal final initial early late recent
current former future previous next last first second third annual monthly weekly daily
rapid slow sudden gradual steady sharp modest significant substantial considerable massive
huge vast enormous tiny slight marginal broad narrow wide deep shallow high low heavy light
strong weak firm fragile stable unstable secure safe dangerous risky hazardous severe mild
serious critical urgent pressing immediate temporary permanent lasting brief long short
expensive costly cheap affordable generous tight strict lenient tough harsh soft gentle
controversial contentious divisive popular unpopular welcome unwelcome surprising unexpected
predictable routine normal unusual rare common frequent occasional repeated constant
ongoing continuing stalled delayed overdue premature timely prompt careful cautious bold
ambitious modest realistic unrealistic practical impractical effective ineffective efficient
inefficient successful unsuccessful promising disappointing encouraging worrying alarming
troubling reassuring positive negative neutral fair unfair equal unequal independent
dependent transparent opaque accountable responsible reckless careless thorough detailed
vague clear unclear obvious hidden visible invisible direct indirect open closed empty full
crowded busy quiet noisy calm tense angry furious frustrated disappointed delighted pleased
satisfied dissatisfied concerned worried anxious confident optimistic pessimistic sceptical
hopeful doubtful certain uncertain likely unlikely possible impossible probable improbable
legal illegal lawful unlawful criminal civil military civilian political economic financial
fiscal monetary commercial industrial agricultural environmental social cultural historical
educational medical scientific technical technological digital electronic mechanical
electrical structural residential urban rural coastal northern southern eastern western
central upper lower inner outer remote nearby adjacent distant rival competing leading senior
junior veteran young elderly experienced inexperienced skilled unskilled qualified
independent vulnerable disabled homeless wealthy poor struggling thriving booming declining
growing shrinking rising falling soaring plunging fresh stale green clean dirty polluted
toxic wet dry muddy flooded frozen icy hot warm cold mild stormy windy rainy sunny cloudy
foggy dark bright heavy narrow steep flat rough smooth broken damaged intact ruined restored
renovated modern historic ancient traditional conventional innovative experimental
alternative sustainable renewable fossil nuclear solar costly bitter fierce heated lively
quiet sombre emotional personal collective joint mutual shared separate distinct specific
general particular special standard basic essential vital crucial fundamental minor
secondary primary principal chief leading notable prominent famous infamous obscure
abrupt absurd abundant adequate adverse agile alleged ample arbitrary ardent arduous
astute audacious austere authentic autonomous awkward belated benign bleak blunt boisterous
brazen brisk brittle bulky buoyant callous candid chaotic cheerful chronic clumsy coherent
cohesive colossal compact competent complacent complex compulsory concise congested
conspicuous contrite cordial covert credible cumbersome cursory daunting decisive defiant
deliberate dense derelict desperate devout diligent dire discreet disjointed dismal
disparate distraught dormant drastic dubious durable dwindling earnest eccentric elusive
eminent erratic exorbitant explicit extensive faltering feasible feeble fervent fickle
flagrant flawed flimsy fluent forlorn formidable fraught frugal futile gaudy gloomy
gradual grim grueling hasty haphazard hefty hollow hostile humble idle illicit immense
imminent impartial implicit impromptu inadequate incessant inept inevitable infrequent
inherent insolvent intricate jubilant lax lavish lengthy lethargic lucrative makeshift
meagre meticulous misguided muted naive negligent nimble nominal notorious novel obsolete
onerous ornate outdated overdue paltry perilous persistent pivotal placid plausible poignant
precarious prudent punitive rampant rash reclusive redundant relentless resilient robust
rugged sceptical scathing seasonal sedate shabby shrewd sluggish sombre sparse sporadic
spurious stagnant staunch stern stringent sturdy subtle superficial swift tangible tedious
tentative tenuous thriving tranquil trivial turbulent unanimous unruly unwieldy upbeat
vacant valid vibrant vigilant volatile wary weary wholesale wistful woeful zealous
""".split()

ADVERBS = """
quickly slowly sharply steadily gradually suddenly recently previously initially eventually
finally already still again soon later earlier almost nearly roughly approximately about
mostly largely partly fully entirely completely barely hardly narrowly widely broadly
publicly privately officially formally informally openly quietly firmly strongly heavily
significantly substantially slightly modestly sharply dramatically reportedly allegedly
apparently clearly evidently reluctantly eagerly repeatedly briefly temporarily permanently
immediately promptly separately jointly unanimously narrowly overwhelmingly
""".split()

# Synonym groups by lemma, expanded to every inflected form; paraphrases swap within a group.
NOUN_SYNONYMS = [
    "plan proposal scheme",
    "council assembly",
    "vote ballot",
    "budget spending",
    "official authority",
    "report study review",
    "meeting session",
    "resident inhabitant",
    "worker employee",
    "company firm business",
    "flood deluge",
    "storm tempest",
    "road street",
    "bridge crossing",
    "river waterway",
    "delay postponement",
    "cost expense",
    "price fare",
    "fund kitty",
    "lawsuit suit",
    "critic detractor",
    "supporter backer",
    "concern worry",
    "anger fury",
    "statement announcement",
    "decision ruling",
    "problem issue",
    "change shift",
    "increase rise",
    "decline drop",
    "warning alert",
    "inquiry investigation",
    "agreement deal accord",
    "factory plant",
    "shop store",
    "town city",
    "neighbourhood district",
    "lorry truck",
    "chief head boss",
    "opponent rival",
    "aid help assistance",
    "evacuation withdrawal",
    "repair fix",
    "target goal",
    "risk danger",
    "job role",
    "protest demonstration",
    "damage harm",
    "money cash",
]
VERB_SYNONYMS = [
    "approve endorse ratify",
    "reject dismiss rebuff",
    "delay postpone defer",
    "cancel scrap abandon",
    "announce declare",
    "launch start begin",
    "expand widen enlarge",
    "cut reduce trim",
    "raise increase lift",
    "repair fix mend",
    "review examine study",
    "investigate probe",
    "criticise condemn attack",
    "praise applaud hail",
    "support back",
    "oppose resist fight",
    "propose suggest",
    "revise amend",
    "fund finance bankroll",
    "spend allocate",
    "relocate move",
    "evacuate clear",
    "hire recruit",
    "dismiss sack",
    "resign quit",
    "warn caution",
    "urge press",
    "demand insist",
    "ban prohibit",
    "restrict curb limit",
    "build construct",
    "damage harm",
    "destroy wreck",
    "threaten endanger",
    "save rescue",
    "exceed surpass",
    "expect anticipate",
    "blame fault",
    "accuse charge",
    "thank credit",
    "ignore overlook",
    "consider weigh",
    "discuss debate",
    "tackle address",
    "end conclude finish",
    "trigger spark prompt",
    "ease soften",
    "strengthen bolster reinforce",
    "weaken undermine",
    "prevent avert",
    "promise pledge vow",
    "provide supply",
    "describe outline",
    "stress emphasise underline",
    "downplay minimise",
]
ADJECTIVE_SYNONYMS = [
    "new fresh",
    "large big sizeable",
    "small little",
    "major significant",
    "rapid swift quick",
    "slow sluggish",
    "sharp steep",
    "huge vast enormous massive",
    "expensive costly pricey",
    "cheap inexpensive",
    "serious grave",
    "urgent pressing",
    "controversial contentious divisive",
    "unexpected surprising",
    "angry furious irate",
    "worried concerned anxious",
    "happy pleased delighted",
    "dangerous hazardous risky",
    "local regional",
    "temporary interim",
    "strict tough stringent",
    "clear plain",
    "recent latest",
    "former previous",
    "early initial",
    "final last",
    "key crucial vital",
    "damaged broken",
    "elderly older",
    "wealthy rich affluent",
    "poor deprived",
    "modern contemporary",
    "historic historical",
    "likely probable",
    "effective successful",
]
ADVERB_SYNONYMS = [
    "quickly rapidly swiftly",
    "slowly gradually",
    "recently lately",
    "eventually finally",
    "soon shortly",
    "almost nearly",
    "roughly approximately about",
    "publicly openly",
    "firmly strongly",
    "reportedly allegedly",
    "unanimously jointly",
]
PHRASE_SYNONYMS = [
    ("more than", "over"),
    ("said", "stated"),
    ("told reporters", "said"),
    ("because of", "due to"),
    ("in response to", "after"),
    ("at least", "no fewer than"),
    ("as well as", "and"),
    ("on Monday", "Monday"),
    ("this week", "in recent days"),
    ("according to", "citing"),
]

FIRST_NAMES = """
Elena Marcus Priya Tomasz Aisha Daniel Fiona Kenji Laura Oliver Nadia Samuel Irene Victor
Grace Mateo Hannah Rafael Yusuf Clara Dmitri Sofia Emeka Chloe Arjun Beatrice Lucas Mei
Jonas Ingrid Patrick Leila Hugo Amara Felix Rosa Stefan Zara Malik Helen Tobias Nora Ibrahim
Alice Gregor Maya Ruben Esther Caleb Anya Declan Lina Oscar Wen Julian Farah Rowan Vera
Andre Sienna Kofi Margaret Ethan Lucia Bruno Keira Omar Paula Simon Tara Ahmed Greta Liam
Noor Adrian Camille Henrik Joy Marco Dana Idris Ruth Nikolai Selma Theo Ayumi Connor Bianca
Reza Heidi Xavier Olga Jamal Fleur Anton Imogen Rashid Lotte Elliot Hana Piotr Celeste Ivan
Martha Gideon Suki Alistair Noemi Kwame Odile Finn Leticia Rajesh Wilma Bastian Yara
""".split()

SURNAMES = """
Ruiz Whitfield Okafor Lindqvist Moreau Tanaka Brennan Kowalski Haddad Ferreira Nakamura
Osei Delacroix Hargreaves Petrov Castellanos Adeyemi Fitzgerald Novak Sorensen Mbeki Quinlan
Aldana Vandenberg Stroud Kaminski Abernathy Okonkwo Rinaldi Ashworth Holloway Varga Chen
Larsen Mwangi Dubois Escobar Gallagher Ibsen Jovanovic Keller Lombardi Macintyre Nwosu
Oyelaran Pemberton Quiroga Rahman Salazar Thorne Underwood Valdez Wexler Yilmaz Zielinski
Baptiste Carrow Dunmore Ellery Fairbanks Grisham Halvorsen Iqbal Jardine Kettering Lachance
Merriweather Nordahl Orsini Prendergast Radcliffe Santoro Tremblay Ueda Vickery Wainwright
Achebe Blackwood Cardenas Drummond Eriksen Fontaine Granger Hollis Ishikawa Jaramillo
Kincaid Lowell Marchetti Nilsson Ogunleye Pryce Rosales Sutherland Takeda Ulrich Vance
Winslow Yates Zamora Beaumont Castillo Dalton Everett Finch Goddard Hartley Ingram Jensen
""".split()

PLACES = """
Marlow Ashford Brackenridge Calderwood Dunmere Eastvale Fernhollow Glenrock Harwick Ilmore
Juniper Falls Kestrel Bay Larkspur Millbrook Northam Oakridge Pellham Quarry Hill Redfern
Stonebridge Thornbury Upton Vale Westmarch Yarrow Alderton Bramwell Coldharbour Dovercourt
Elmstead Foxley Greyhaven Hollins Ivybridge Kingsmere Lowfield Marshgate Newhaven Ormsby
Penrose Riverside Saltmarsh Tidewater Underhill Wexcombe Amberley Birchwood Cresswell
Dunstan Edgecombe Fallowfield Gatesford Holmwood Kirkby Linden Moorcroft Netherby Overton
Pinehurst Rookwood Sandown Tarnside Whitcliffe
""".split()

ORG_KINDS = [
    "Transport Authority",
    "Water Board",
    "Chamber of Commerce",
    "Housing Association",
    "Environment Agency",
    "Teachers Union",
    "Residents Association",
    "Port Authority",
    "Hospital Trust",
    "Energy Cooperative",
    "Planning Commission",
    "Farmers Union",
]
ROLES = [
    "Mayor",
    "Councillor",
    "Deputy Mayor",
    "Chief Engineer",
    "Police Chief",
    "Fire Chief",
    "Finance Director",
    "Union Leader",
    "Chief Executive",
    "Professor",
    "Senator",
    "Judge",
]
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not of off on once only or other
    our ours ourselves out over own same she should so some such than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours yourself
    said says say told according""".split()
)
_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)


def content_words(sentence: str) -> frozenset[str]:
    """Return the lower-cased content words of ``sentence`` (no function words)."""
    return frozenset(w for w in (m.lower() for m in _WORD.findall(sentence)) if w not in STOPWORDS)


# ---------------------------------------------------------------------------------------
# Inflection.


def plural(noun: str) -> str:
    """Return the plural of ``noun``."""
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if " " in noun:
        head, _, last = noun.rpartition(" ")
        return f"{head} {plural(last)}"
    if noun.endswith("sis"):
        return noun[:-2] + "es"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def past(verb: str) -> str:
    """Return the past tense of ``verb``."""
    if verb in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[verb][0]
    return _regular_ed(verb)


def participle(verb: str) -> str:
    """Return the past participle of ``verb``."""
    if verb in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[verb][1]
    return _regular_ed(verb)


def _regular_ed(verb: str) -> str:
    if verb in DOUBLING:
        return verb + verb[-1] + "ed"
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def gerund(verb: str) -> str:
    """Return the -ing form of ``verb``."""
    if verb in DOUBLING or verb in ("run", "win", "dig", "cut", "hit", "begin", "quit", "shut"):
        return verb + verb[-1] + "ing"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"
    return verb + "ing"


def third_person(verb: str) -> str:
    """Return the third person singular present of ``verb``."""
    if verb.endswith(("s", "x", "z", "ch", "sh")):
        return verb + "es"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _synonym_table() -> dict[str, tuple[str, ...]]:
    """Map each inflected surface form to its alternatives.

    A form that belongs to two parts of speech ("charge", "fund") keeps the synonyms of
    the first group that claims it (nouns, then adjectives and adverbs, then verbs), so a
    noun is never swapped for a verb. Verb base forms are left to ``VERB_BASE_SYNONYMS``.
    """
    table: dict[str, set[str]] = {}
    claimed: set[str] = set()

    def add(forms: Sequence[str]) -> None:
        for form in forms:
            if form not in claimed:
                table.setdefault(form, set()).update(f for f in forms if f != form)

    for noun in NOUNS:
        claimed |= {noun, plural(noun)}
    for group in NOUN_SYNONYMS:
        lemmas = group.split()
        add(lemmas)
        add([plural(w) for w in lemmas])
        claimed |= set(lemmas) | {plural(w) for w in lemmas}
    for group in ADJECTIVE_SYNONYMS + ADVERB_SYNONYMS:
        add(group.split())
    claimed |= set(ADJECTIVES) | set(ADVERBS)
    claimed |= {w for g in ADJECTIVE_SYNONYMS + ADVERB_SYNONYMS for w in g.split()}
    for group in VERB_SYNONYMS:
        for inflect in (past, gerund, third_person):
            add([inflect(w) for w in group.split()])
    return {k: tuple(sorted(v)) for k, v in table.items() if v}


SYNONYMS = _synonym_table()
VERB_BASE_SYNONYMS = {
    w: tuple(x for x in g.split() if x != w) for g in VERB_SYNONYMS for w in g.split()
}
ADJECTIVE_SET = frozenset(ADJECTIVES) | {w for g in ADJECTIVE_SYNONYMS for w in g.split()}
ADVERB_SET = frozenset(ADVERBS) | {w for g in ADVERB_SYNONYMS for w in g.split()}


# ---------------------------------------------------------------------------------------
# Sentence structures.


@dataclass(frozen=True)
class Clause:
    """An independent clause: subject, verb, object and a bound complement."""

    subject: tuple[str, ...]
    subject_plural: bool
    verb: str  # lemma
    tense: str  # "past", "perfect", "future"
    obj: tuple[str, ...]
    obj_plural: bool
    tail: tuple[str, ...] = ()
    passive: bool = False
    adverb: str = ""

    def tokens(self) -> list[str]:
        """Return the clause as tokens, active or passive."""
        adverb = [self.adverb] if self.adverb else []
        if not self.passive or not self.obj:
            *aux, verb = self._verb_group(self.subject_plural)
            return [*self.subject, *aux, *adverb, verb, *self.obj, *self.tail]
        passive_aux = {
            "past": "were" if self.obj_plural else "was",
            "perfect": "have been" if self.obj_plural else "has been",
            "future": "will be",
        }[self.tense]
        return [
            *self.obj, *passive_aux.split(), *adverb, participle(self.verb), "by", *self.subject,
            *self.tail,
        ]  # fmt: skip

    def _verb_group(self, plural_subject: bool) -> list[str]:
        if self.tense == "past":
            return [past(self.verb)]
        if self.tense == "perfect":
            return ["have" if plural_subject else "has", participle(self.verb)]
        return ["will", self.verb]


@dataclass(frozen=True)
class Sentence:
    """One generated sentence: optional fronted phrase, a body, trailing phrases."""

    kind: str  # "statement", "quote", "reported"
    clause: Clause | None
    quote: tuple[str, ...] = ()
    speaker: tuple[str, ...] = ()
    speech_verb: str = "said"
    front: tuple[str, ...] = ()
    trailing: tuple[tuple[str, ...], ...] = ()
    extra: tuple[str, ...] = field(default=())  # a second clause joined with a conjunction

    def body(self) -> list[str]:
        """Return the sentence's core tokens without fronted or trailing phrases."""
        if self.kind == "quote":
            return ["“", *self.quote, ",”", *self.speaker, self.speech_verb]
        if self.kind == "quote-first":
            return [*self.speaker, self.speech_verb, ":", "“", *self.quote, "”"]
        if self.kind == "reported":
            assert self.clause is not None
            return [*self.speaker, self.speech_verb, "that", *self.clause.tokens()]
        assert self.clause is not None
        return self.clause.tokens()

    def tokens(self) -> list[str]:
        """Return the whole sentence as tokens (punctuation as separate tokens)."""
        if self.kind == "quote-first":
            # Phrases go before the quotation: "Ruiz said on Monday: “...”".
            out = [*self.front, ","] if self.front else []
            out += [*self.speaker, self.speech_verb]
            for phrase in self.trailing:
                out += list(phrase)
            return [*out, ":", "“", *self.quote, "”"]
        out = []
        if self.front:
            out += [*self.front, ","]
        out += self.body()
        if self.extra:
            out += [",", *self.extra]
        for phrase in self.trailing:
            out += list(phrase)
        return out

    def word_count(self) -> int:
        """Return the number of words (punctuation tokens excluded)."""
        return sum(1 for t in self.tokens() for w in t.split() if w[0].isalnum() or w[0] == "$")


def render(tokens: Sequence[str]) -> str:
    """Join tokens into a capitalised sentence with a final full stop."""
    text = ""
    for token in tokens:
        if not text:
            text = token
        elif token in (",", ",”", "”", ":", ";") or token.startswith("’"):
            text += token
        elif text.endswith("“"):
            text += token
        else:
            text += " " + token
    text = text.replace(", ,", ",").replace(",,", ",")
    if text.endswith("”"):
        text = text[:-1] + ".”"
    else:
        text += "."
    first = 1 if text.startswith("“") else 0
    return text[:first] + text[first].upper() + text[first + 1 :]


class _Zipf:
    """Draw items with probability falling as 1/rank, over a seeded shuffle of the list."""

    def __init__(self, rng: random.Random, items: Sequence[str], exponent: float = 1.0) -> None:
        self.items = list(dict.fromkeys(items))
        rng.shuffle(self.items)
        self.weights = [1.0 / (rank + 1) ** exponent for rank in range(len(self.items))]
        self.cum: list[float] = []
        total = 0.0
        for w in self.weights:
            total += w
            self.cum.append(total)
        self.rng = rng

    def draw(self) -> str:
        """Return one item."""
        return self.rng.choices(self.items, cum_weights=self.cum, k=1)[0]


@dataclass
class Cast:
    """The people, places and organisations of one story, and its topic words."""

    people: list[tuple[str, str, str]]  # (role, first, last)
    places: list[str]
    orgs: list[str]
    topic_nouns: dict[str, list[str]]


class Writer:
    """Write news-like sentences about one story and paraphrase them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pools = {
            "people": _Zipf(rng, PEOPLE_NOUNS, 0.9),
            "place": _Zipf(rng, PLACE_NOUNS, 0.9),
            "event": _Zipf(rng, EVENT_NOUNS, 0.9),
            "thing": _Zipf(rng, THING_NOUNS, 0.9),
        }
        self.verbs = _Zipf(rng, VERBS, 0.9)
        self.adjectives = _Zipf(rng, ADJECTIVES, 0.9)
        self.adverbs = _Zipf(rng, ADVERBS, 1.0)
        self.first = _Zipf(rng, FIRST_NAMES, 0.6)
        self.last = _Zipf(rng, SURNAMES, 0.6)
        self.place = _Zipf(rng, _multiword(PLACES), 0.8)
        people = [(rng.choice(ROLES), self.first.draw(), self.last.draw()) for _ in range(6)]
        self.cast = Cast(
            people=people,
            places=[self.place.draw() for _ in range(3)],
            orgs=[f"{rng.choice(_multiword(PLACES))} {kind}" for kind in rng.sample(ORG_KINDS, 3)],
            topic_nouns={
                "people": rng.sample(PEOPLE_NOUNS, 2),
                "place": rng.sample(PLACE_NOUNS, 3),
                "event": rng.sample(EVENT_NOUNS, 3),
                "thing": rng.sample(THING_NOUNS, 4),
            },
        )

    # --- noun phrases ------------------------------------------------------------------

    def noun(self, category: str) -> str:
        """Return a noun of ``category``, often one of the story's topic nouns."""
        if self.rng.random() < 0.25:
            return self.rng.choice(self.cast.topic_nouns[category])
        return self.pools[category].draw()

    def noun_phrase(self, category: str, *, plural_share: float = 0.35) -> tuple[str, ...]:
        """Return a noun phrase: determiner or count, maybe an adjective, and the noun."""
        return self.counted_phrase(category, plural_share=plural_share)[0]

    def counted_phrase(
        self, category: str, *, plural_share: float = 0.35
    ) -> tuple[tuple[str, ...], bool]:
        """Return a noun phrase and whether it is plural."""
        is_plural = self.rng.random() < plural_share
        words: list[str] = []
        if self.rng.random() < 0.4:
            words.append(self.adjectives.draw())
        if category == "place" and self.rng.random() < 0.2:
            words += self.place_name()
        elif self.rng.random() < 0.12:
            words.append(self.noun("thing"))
        head = self.noun(category)
        words.append(plural(head) if is_plural else head)
        r = self.rng.random()
        if is_plural and r < 0.3:
            return (self.count(), *words), True
        if is_plural and r < 0.5:
            return tuple(words), True
        if r < 0.8:
            return ("the", *words), is_plural
        if r < 0.9 and not is_plural:
            return ("an" if words[0][0] in "aeiou" else "a", *words), False
        det = self.rng.choice(["its", "their", "this"] if not is_plural else ["its", "their"])
        return (det, *words), is_plural

    def person(self, full: bool | None = None) -> tuple[str, ...]:
        """Return a cast member (mostly) or a passer-by, by full name or surname."""
        if self.rng.random() < 0.75:
            role, first, last = self.rng.choice(self.cast.people)
        else:
            role, first, last = self.rng.choice(ROLES), self.first.draw(), self.last.draw()
        if full is None:
            full = self.rng.random() < 0.35
        if full:
            return (*role.split(), first, last)
        return (last,)

    def agent(self) -> tuple[tuple[str, ...], bool]:
        """Return a subject and whether it is plural: a person, organisation or group."""
        r = self.rng.random()
        if r < 0.4:
            return self.person(), False
        if r < 0.55:
            return ("the", *self.rng.choice(self.cast.orgs).split()), False
        return self.counted_phrase("people", plural_share=0.7)

    def place_name(self) -> tuple[str, ...]:
        """Return a town name, mostly one of the story's."""
        if self.rng.random() < 0.6:
            return tuple(self.rng.choice(self.cast.places).split())
        return tuple(self.place.draw().split())

    # --- numbers -----------------------------------------------------------------------

    def count(self) -> str:
        """Return a count such as "12" or "4,310"."""
        n = self.rng.choice([self.rng.randint(2, 60), self.rng.randint(60, 9000)])
        return f"{n:,}"

    def money(self) -> tuple[str, ...]:
        """Return an amount of money such as "$4.2 million"."""
        if self.rng.random() < 0.6:
            unit = self.rng.choice(["million", "million", "billion"])
            return (f"${self.rng.randint(1, 950)}.{self.rng.randint(1, 9)}", unit)
        return (f"${self.rng.randint(10, 9000):,}",)

    def duration(self) -> tuple[str, ...]:
        """Return a duration such as "16 weeks"."""
        n = self.rng.randint(2, 48)
        return (str(n), self.rng.choice(["days", "weeks", "months", "hours"]))

    # --- phrases -----------------------------------------------------------------------

    def when(self) -> tuple[str, ...]:
        """Return a time phrase such as "on Tuesday"."""
        r = self.rng.random()
        if r < 0.35:
            return ("on", self.rng.choice(DAYS))
        if r < 0.55:
            return ("in", self.rng.choice(MONTHS))
        if r < 0.8:
            return tuple(
                self.rng.choice(["last week", "this week", "earlier this month", "last year",
                                 "late on Friday", "overnight", "this morning"]).split()
            )  # fmt: skip
        return ("by", str(self.rng.randint(2024, 2035)))

    def modifier(self, kind: int | None = None) -> tuple[str, ...]:
        """Return a trailing or fronted phrase; comma phrases start with ","."""
        r = self.rng.randrange(13) if kind is None else kind
        if r == 0:
            return ("in", *self.place_name())
        if r == 1:
            return self.when()
        if r == 2:
            return ("near", *self.noun_phrase("place", plural_share=0.1))
        if r == 3:
            prep = self.rng.choice(["after", "during", "despite", "ahead of", "following"])
            return (*prep.split(), *self.noun_phrase("event", plural_share=0.15))
        if r == 4:
            if self.rng.random() < 0.5:
                return ("for", *self.duration())
            return ("for", self.count(), plural(self.noun("people")))
        if r == 5:
            return ("at", "a", "cost", "of", *self.money())
        if r == 6:
            return ("because", "of", *self.noun_phrase("event", plural_share=0.15))
        if r == 7:
            return ("as", "part", "of", *self.noun_phrase("thing", plural_share=0.0))
        if r == 8:
            return ("from", *self.place_name())
        if r == 9:
            return ("under", *self.noun_phrase("thing", plural_share=0.1))
        if r == 10:
            return ("with", "the", "help", "of", *self.noun_phrase("people", plural_share=0.8))
        if r == 11:
            return (",", "according", "to", *self.person(full=True))
        return (",", "which", past(self.verbs.draw()), *self.noun_phrase("thing"))

    def clause(self) -> Clause:
        """Return a new independent clause."""
        subject, subject_plural = self.agent()
        category = self.rng.choices(["thing", "place", "event"], weights=[6, 3, 1])[0]
        obj, obj_plural = self.counted_phrase(category)
        tense = self.rng.choices(["past", "perfect", "future"], weights=[6, 2, 2])[0]
        tail: tuple[str, ...] = ()
        r = self.rng.random()
        if r < 0.12:
            tail = ("by", f"{self.rng.randint(2, 95)}", "percent")
        elif r < 0.22:
            tail = ("worth", *self.money())
        elif r < 0.3:
            tail = ("to", *self.noun_phrase("people", plural_share=0.8))
        elif r < 0.36:
            tail = ("for", *self.duration())
        if self.rng.random() < 0.12:
            subject = (*subject, "and", *self.agent()[0])
            subject_plural = True
        adverb = self.adverbs.draw() if self.rng.random() < 0.2 else ""
        verb = self.verbs.draw()
        return Clause(subject, subject_plural, verb, tense, obj, obj_plural, tail, adverb=adverb)

    def quote_words(self) -> tuple[str, ...]:
        """Return the words of a short quotation."""
        thing = self.noun("thing")
        place = self.noun("place")
        event = self.noun("event")
        people = plural(self.noun("people"))
        adjective = self.adjectives.draw()
        verb = self.verbs.draw()
        town = " ".join(self.place_name())
        templates = [
            f"we will not {verb} the {thing} without a {adjective} {event}",
            f"this is a {adjective} day for {town}",
            f"the {people} of {town} deserve a {adjective} {place}",
            f"nobody expected the {event} to {verb} the {place} so quickly",
            f"it is too early to {verb} the {thing}",
            f"our {people} have waited {self.rng.randint(2, 40)} years for this {place}",
            f"we are {gerund(verb)} every {thing} we can find",
            f"I think the {event} will {verb} the {adjective} {thing}",
            f"people here simply want the {place} to work",
            f"a {adjective} {thing} is not the answer to the {event}",
            f"the {people} were never asked about the {thing}",
            f"we lost {self.rng.randint(2, 90)} {plural(thing)} in a single {event}",
        ]
        return tuple(self.rng.choice(templates).split())

    def sentence(self) -> Sentence:
        """Write a new sentence of 8 to 40 words."""
        target = 8 + int(self.rng.betavariate(1.8, 3.4) * 32)
        r = self.rng.random()
        if r < 0.14:
            sentence = Sentence(
                "quote", None, quote=self.quote_words(), speaker=self.person(),
                speech_verb=self.rng.choice(["said", "said", "added", "told reporters"]),
            )  # fmt: skip
        elif r < 0.3:
            sentence = Sentence(
                "reported", self.clause(), speaker=self.person(),
                speech_verb=self.rng.choice(["said", "said", "warned", "argued", "confirmed"]),
            )  # fmt: skip
        else:
            sentence = Sentence("statement", self.clause())
        return self._fit(sentence, target)

    def _fit(self, sentence: Sentence, target: int) -> Sentence:
        """Add or drop phrases until the sentence has about ``target`` words (8-40)."""
        target = max(8, min(40, target))
        used = {p[0] for p in sentence.trailing} | {p[0] for p in (sentence.front,) if p}
        guard = 0
        while sentence.word_count() < target and guard < 20:
            guard += 1
            phrase = self.modifier()
            key = phrase[0] if phrase[0] != "," else phrase[1]
            if key in used or (phrase[0] == "," and "," in {p[0] for p in sentence.trailing}):
                continue
            used.add(key)
            if not sentence.front and phrase[0] != "," and self.rng.random() < 0.3:
                sentence = replace(sentence, front=phrase)
            else:
                trailing = sorted((*sentence.trailing, phrase), key=lambda p: p[0] == ",")
                sentence = replace(sentence, trailing=tuple(trailing))
        while sentence.word_count() > 40 and (sentence.trailing or sentence.front):
            if sentence.trailing:
                sentence = replace(sentence, trailing=sentence.trailing[:-1])
            else:
                sentence = replace(sentence, front=())
        if sentence.word_count() < 8:
            sentence = replace(sentence, trailing=(*sentence.trailing, ("in", *self.place_name())))
        return sentence

    # --- paraphrase ----------------------------------------------------------------------

    def swap_words(self, tokens: Sequence[str], share: float) -> tuple[str, ...]:
        """Replace a share of the words that have synonyms, and drop a few adjectives."""
        out: list[str] = []
        i = 0
        while i < len(tokens):
            two = " ".join(tokens[i : i + 2])
            for old, new in PHRASE_SYNONYMS:
                if (old == two or old == tokens[i]) and self.rng.random() < share:
                    out += new.split()
                    i += len(old.split())
                    break
            else:
                token = tokens[i]
                nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
                if token in ADJECTIVE_SET and nxt.isalpha() and self.rng.random() < 0.25:
                    if out and out[-1] in ("a", "an"):
                        out[-1] = "an" if nxt[0] in "aeiou" else "a"
                elif token in SYNONYMS and self.rng.random() < share:
                    out.append(self.rng.choice(SYNONYMS[token]))
                elif (
                    out
                    and out[-1] in ("will", "to")
                    and token in VERB_BASE_SYNONYMS
                    and self.rng.random() < share
                ):
                    out.append(self.rng.choice(VERB_BASE_SYNONYMS[token]))
                else:
                    out.append(token)
                i += 1
        return tuple(out)

    def paraphrase(self, s: Sentence) -> Sentence:
        """Rewrite ``s`` with the same facts: the numbers and most names are kept."""
        share = self.rng.uniform(0.4, 0.9)
        clause = s.clause
        if clause is not None:
            if clause.obj and self.rng.random() < 0.35:
                clause = replace(clause, passive=not clause.passive)
            verb = clause.verb
            if verb in VERB_BASE_SYNONYMS and self.rng.random() < share:
                verb = self.rng.choice(VERB_BASE_SYNONYMS[verb])
            adverb = clause.adverb
            if adverb and self.rng.random() < 0.3:
                adverb = ""
            elif adverb in SYNONYMS and self.rng.random() < share:
                adverb = self.rng.choice(SYNONYMS[adverb])
            clause = replace(
                clause,
                verb=verb,
                adverb=adverb,
                subject=self._shorten_name(self.swap_words(clause.subject, share)),
                obj=self.swap_words(clause.obj, share),
                tail=self.swap_words(clause.tail, share),
            )
        kind = s.kind
        if kind == "quote" and self.rng.random() < 0.5:
            kind = "quote-first"
        front, trailing = s.front, list(s.trailing)
        r = self.rng.random()
        if r < 0.35 and trailing and not front and trailing[0][0] != ",":
            front, trailing = trailing[0], trailing[1:]
        elif r < 0.6 and front:
            trailing.insert(0, front)
            front = ()
        if len(trailing) > 1 and self.rng.random() < 0.4:
            trailing.pop(self.rng.randrange(len(trailing)))
        if self.rng.random() < 0.3:
            extra = self.modifier(self.rng.choice([0, 1]))
            if extra[0] not in {p[0] for p in trailing} | {front[:1]}:
                trailing.insert(0, extra)
        if self.rng.random() < 0.5:
            self.rng.shuffle(trailing)
        trailing.sort(key=lambda p: p[0] == ",")  # a comma phrase reads best last
        out = replace(
            s,
            kind=kind,
            clause=clause,
            quote=self.swap_words(s.quote, share),
            speaker=self._shorten_name(s.speaker),
            speech_verb=self.swap_words((s.speech_verb,), share)[0],
            front=self.swap_words(front, share),
            trailing=tuple(self.swap_words(p, share) for p in trailing),
        )
        return self._fit(out, out.word_count())

    def condense(self, first: Sentence, second: Sentence) -> Sentence:
        """Merge two adjacent sentences into one that keeps the core of each."""
        one = self.paraphrase(replace(first, front=(), trailing=first.trailing[:1]))
        two = self.paraphrase(replace(second, front=(), trailing=second.trailing[:1]))
        joiner = self.rng.choice([("and",), ("while",), ("and", "meanwhile"), ("as",)])
        if two.kind.startswith("quote"):
            two = replace(two, kind="quote")
        merged = replace(one, kind="quote" if one.kind.startswith("quote") else one.kind,
                         extra=(*joiner, *two.tokens()), trailing=one.trailing)  # fmt: skip
        if merged.word_count() > 44:
            merged = replace(merged, front=(), trailing=(), extra=(*joiner, *two.body()))
        return merged

    def _shorten_name(self, tokens: Sequence[str]) -> tuple[str, ...]:
        """Sometimes drop a role and first name: "Mayor Elena Ruiz" becomes "Ruiz"."""
        for role, first, last in self.cast.people:
            full = (*role.split(), first, last)
            n = len(full)
            for i in range(len(tokens) - n + 1):
                if tuple(tokens[i : i + n]) == full and self.rng.random() < 0.5:
                    return (*tokens[:i], last, *tokens[i + n :])
        return tuple(tokens)


def _multiword(names: Sequence[str]) -> list[str]:
    """Glue place names written as two words back together ("Juniper Falls")."""
    out: list[str] = []
    skip = False
    for i, name in enumerate(names):
        if skip:
            skip = False
            continue
        if i + 1 < len(names) and names[i + 1] in ("Falls", "Bay", "Hill", "Vale"):
            out.append(f"{name} {names[i + 1]}")
            skip = True
        else:
            out.append(name)
    return out


# ---------------------------------------------------------------------------------------
# Documents.


@dataclass(frozen=True)
class Corpus:
    """Two documents, their sentence spans, and the planted (a index, b index) pairs."""

    a_text: str
    a_sentences: tuple[tuple[int, int], ...]
    b_text: str
    b_sentences: tuple[tuple[int, int], ...]
    planted: tuple[tuple[int, int], ...]
    merged: int  # how many B sentences condense two A sentences

    def a_sentence(self, i: int) -> str:
        """Return the text of A sentence ``i``."""
        start, end = self.a_sentences[i]
        return self.a_text[start:end]

    def b_sentence(self, j: int) -> str:
        """Return the text of B sentence ``j``."""
        start, end = self.b_sentences[j]
        return self.b_text[start:end]


def _layout(rng: random.Random, sentences: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join sentences into paragraphs of 1-4 sentences; return the text and sentence spans."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    i = 0
    while i < len(sentences):
        size = rng.choice([1, 2, 2, 3, 3, 4])
        for k, sentence in enumerate(sentences[i : i + size]):
            if k:
                parts.append(" ")
                pos += 1
            spans.append((pos, pos + len(sentence)))
            parts.append(sentence)
            pos += len(sentence)
        i += size
        if i < len(sentences):
            parts.append("\n\n")
            pos += 2
    return "".join(parts), spans


def make_corpus(
    n: int, *, seed: int = 20251025, planted_share: float = 0.4, merge_share: float = 0.15
) -> Corpus:
    """Generate two documents of ``n`` sentences each with planted paraphrase pairs.

    ``planted_share`` of B's sentences paraphrase A sentences; ``merge_share`` of those
    condense two adjacent A sentences. The rest of B is new sentences on the same story.
    """
    rng = random.Random(f"{seed}:{n}")
    writer = Writer(rng)
    a_struct = [writer.sentence() for _ in range(n)]
    a_texts = [render(s.tokens()) for s in a_struct]

    n_planted = round(planted_share * n)
    n_merged = round(merge_share * n_planted)
    # Pick A sources without overlap: merges take two adjacent sentences.
    free = set(range(n))
    sources: list[tuple[int, ...]] = []
    starts = list(range(n - 1))
    rng.shuffle(starts)
    for i in starts:
        if len(sources) >= n_merged:
            break
        if i in free and i + 1 in free:
            free -= {i, i + 1}
            sources.append((i, i + 1))
    singles = rng.sample(sorted(free), n_planted - len(sources))
    sources += [(i,) for i in singles]

    items: list[tuple[float, str, tuple[int, ...]]] = []
    for src in sources:
        if len(src) == 2:
            new = writer.condense(a_struct[src[0]], a_struct[src[1]])
        else:
            new = writer.paraphrase(a_struct[src[0]])
        items.append((src[0] + 0.5, render(new.tokens()), src))
    for _ in range(n - len(sources)):
        items.append((rng.uniform(0, n), render(writer.sentence().tokens()), ()))
    items.sort(key=lambda item: item[0])

    # Articles reorder facts: cut B into blocks of 2-8 sentences and shuffle the blocks.
    blocks: list[list[tuple[float, str, tuple[int, ...]]]] = []
    i = 0
    while i < len(items):
        size = rng.randint(2, 8)
        blocks.append(items[i : i + size])
        i += size
    rng.shuffle(blocks)
    b_items = [item for block in blocks for item in block]

    a_text, a_spans = _layout(rng, a_texts)
    b_text, b_spans = _layout(rng, [text for _, text, _ in b_items])
    planted = sorted((i, j) for j, (_, _, src) in enumerate(b_items) for i in src)
    return Corpus(
        a_text=a_text,
        a_sentences=tuple(a_spans),
        b_text=b_text,
        b_sentences=tuple(b_spans),
        planted=tuple(planted),
        merged=len([s for s in sources if len(s) == 2]),
    )


def vocabulary_size() -> int:
    """Return how many distinct surface forms the word lists can produce."""
    forms: set[str] = set()
    for noun in NOUNS:
        forms |= {noun, plural(noun)}
    for verb in VERBS:
        forms |= {verb, past(verb), participle(verb), gerund(verb), third_person(verb)}
    forms |= set(ADJECTIVES) | set(ADVERBS) | set(SURNAMES) | set(FIRST_NAMES) | set(PLACES)
    for alternatives in SYNONYMS.values():
        forms |= set(alternatives)
    return len(forms)
