"""Tag sets: named, versioned, frozen lists of tags, the built-in sets, editing and JSON.

A :class:`TagSet` never changes in place. Every edit (:func:`add_tag`, :func:`update_tag`,
:func:`remove_tag`, :func:`move_tag`, :func:`update_tag_set`) returns a new set whose
``version`` is one higher, so annotations made with an older version keep their meaning.
Every check raises :class:`TaxonomyError`, whose ``field`` names what is wrong
(``"colour"``, ``"tags[3].shortcut"``) so a form or an import can point at it.

Shortcut keys are single printable characters, compared case-insensitively within a set.
The annotation screen keeps these keys for itself (see :data:`RESERVED_SHORTCUTS`):
Escape cancels the tag picker, Enter confirms it, Tab moves focus, space scrolls the page,
and ``?`` opens the keyboard help.

JSON shape (``format_version`` 1), as written by :func:`tag_set_to_json`::

    {"format": "parallax-tagset", "format_version": 1,
     "key": "media-literacy", "name": "Media literacy", "description": "...",
     "version": 1, "source": "..." or null,
     "tags": [{"key": "slogan", "name": "Slogan or catchphrase", "description": "...",
               "colour": "#fee891", "shortcut": "1" or null, "group": "..." or null}]}

:func:`tag_set_from_json` also accepts a tag set without ``description``/``source`` and
tags without ``description``/``shortcut``/``group`` (empty text or null); any other field
missing, or any field it does not know, is an error.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields
from dataclasses import replace
from types import MappingProxyType
from typing import Any
from typing import Final

from annotations.errors import AnnotationError

MAX_TAGS: Final = 60
MAX_KEY_LENGTH: Final = 64
MAX_NAME_LENGTH: Final = 80
MAX_DESCRIPTION_LENGTH: Final = 500
MAX_SOURCE_LENGTH: Final = 500

FORMAT: Final = "parallax-tagset"
FORMAT_VERSION: Final = 1

#: Keys the annotation screen handles itself, each with the reason; compared casefolded.
RESERVED_SHORTCUTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "\x1b": "Escape cancels the tag picker",
        "esc": "Escape cancels the tag picker",
        "escape": "Escape cancels the tag picker",
        "\r": "Enter confirms the tag picker",
        "\n": "Enter confirms the tag picker",
        "enter": "Enter confirms the tag picker",
        "return": "Enter confirms the tag picker",
        "\t": "Tab moves the keyboard focus",
        "tab": "Tab moves the keyboard focus",
        " ": "space scrolls the page",
        "space": "space scrolls the page",
        "?": "? opens the keyboard help",
    }
)

#: The order in which :func:`free_shortcut` offers keys.
SHORTCUT_ORDER: Final = "1234567890abcdefghijklmnopqrstuvwxyz"

#: Pastel highlight colours, distinct from each other and from a white page; near-black text
#: (#1a1a1a) on any of them keeps a contrast ratio above 8:1 (WCAG AAA asks for 7:1).
PALETTE: Final[tuple[str, ...]] = (
    "#a8c0f8",
    "#d0d000",
    "#90b090",
    "#d0f8b8",
    "#b0a858",
    "#f880b8",
    "#a8f8f8",
    "#c8d880",
    "#f8f080",
    "#98d0b8",
    "#78b0b8",
    "#f88800",
    "#f8c0d8",
    "#e8f810",
    "#c0d8a0",
    "#20e0d0",
    "#d8a0d8",
    "#d8d0f8",
    "#b0b880",
    "#b8f0c8",
    "#48b0f8",
    "#d0b850",
    "#f0a8a8",
)

_KEY_RE: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_COLOUR_RE: Final = re.compile(r"#[0-9a-fA-F]{6}")


class TaxonomyError(AnnotationError):
    """A tag or tag set that breaks a rule; ``field`` names the offending part."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.problem))

    def within(self, prefix: str) -> TaxonomyError:
        """Return the same error with ``prefix`` put before its field (``tags[2].colour``)."""
        return TaxonomyError(f"{prefix}.{self.field}", self.problem)


def _check_key(value: object, field: str) -> None:
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected text, got {type(value).__name__}")
    if len(value) > MAX_KEY_LENGTH:
        raise TaxonomyError(field, f"longer than {MAX_KEY_LENGTH} characters")
    if not _KEY_RE.fullmatch(value):
        raise TaxonomyError(
            field, f"{value!r} is not a key: use lowercase letters, digits and single hyphens"
        )


def _check_name(value: object, field: str) -> None:
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected text, got {type(value).__name__}")
    if not value.strip():
        raise TaxonomyError(field, "must not be empty")
    if len(value) > MAX_NAME_LENGTH:
        raise TaxonomyError(field, f"longer than {MAX_NAME_LENGTH} characters")
    if value != value.strip():
        raise TaxonomyError(field, f"{value!r} starts or ends with whitespace")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise TaxonomyError(field, "must be one line without control characters")


def _check_text(value: object, field: str, limit: int) -> None:
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected text, got {type(value).__name__}")
    if len(value) > limit:
        raise TaxonomyError(field, f"longer than {limit} characters")
    # Line breaks are fine in a description; other control characters are never meant.
    if any(unicodedata.category(char) == "Cc" and char != "\n" for char in value):
        raise TaxonomyError(field, "contains control characters")


def _check_shortcut(value: object, field: str) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        raise TaxonomyError(field, f"expected one character or null, got {type(value).__name__}")
    reason = RESERVED_SHORTCUTS.get(value.casefold())
    if reason is not None:
        raise TaxonomyError(field, f"{value!r} is reserved: {reason}")
    if len(value) != 1:
        raise TaxonomyError(field, f"{value!r} is not a single character")
    # A combining mark or a space cannot be pressed on its own as a key.
    if not value.isprintable() or value.isspace() or unicodedata.category(value)[0] == "M":
        raise TaxonomyError(field, f"{value!r} is not a printable character")


@dataclass(frozen=True, slots=True)
class Tag:
    """One tag: a stable key, what people see, a highlight colour and an optional key."""

    key: str
    name: str
    description: str
    colour: str
    shortcut: str | None = None
    group: str | None = None

    def __post_init__(self) -> None:
        _check_key(self.key, "key")
        _check_name(self.name, "name")
        _check_text(self.description, "description", MAX_DESCRIPTION_LENGTH)
        if not isinstance(self.colour, str) or not _COLOUR_RE.fullmatch(self.colour):
            raise TaxonomyError("colour", f"expected '#rrggbb', got {self.colour!r}")
        # One spelling per colour, so equal colours compare equal.
        object.__setattr__(self, "colour", self.colour.lower())
        _check_shortcut(self.shortcut, "shortcut")
        if self.group is not None:
            _check_name(self.group, "group")


@dataclass(frozen=True, slots=True)
class TagSet:
    """A named, versioned list of tags; keys, names and shortcuts are unique within it."""

    key: str
    name: str
    description: str
    version: int = 1
    tags: tuple[Tag, ...] = ()
    source: str | None = None

    def __post_init__(self) -> None:
        _check_key(self.key, "key")
        _check_name(self.name, "name")
        _check_text(self.description, "description", MAX_DESCRIPTION_LENGTH)
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise TaxonomyError("version", f"expected an integer, got {self.version!r}")
        if self.version < 1:
            raise TaxonomyError("version", f"must be at least 1, got {self.version}")
        if self.source is not None:
            _check_text(self.source, "source", MAX_SOURCE_LENGTH)
            if not self.source.strip():
                raise TaxonomyError("source", "must not be empty (use null for no source)")
        if isinstance(self.tags, list):
            object.__setattr__(self, "tags", tuple(self.tags))
        if not isinstance(self.tags, tuple):
            raise TaxonomyError("tags", f"expected a tuple of tags, got {type(self.tags).__name__}")
        if len(self.tags) > MAX_TAGS:
            raise TaxonomyError("tags", f"at most {MAX_TAGS} tags, got {len(self.tags)}")
        seen_keys: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        seen_shortcuts: dict[str, int] = {}
        for index, tag in enumerate(self.tags):
            if not isinstance(tag, Tag):
                raise TaxonomyError(f"tags[{index}]", f"expected a Tag, got {type(tag).__name__}")
            _check_unique(seen_keys, tag.key, tag.key, index, "key")
            _check_unique(seen_names, tag.name.casefold(), tag.name, index, "name")
            if tag.shortcut is not None:
                folded = tag.shortcut.casefold()
                _check_unique(seen_shortcuts, folded, tag.shortcut, index, "shortcut")

    def get_tag(self, key: str) -> Tag | None:
        """Return the tag with this key, or None."""
        for tag in self.tags:
            if tag.key == key:
                return tag
        return None

    def tag_for_shortcut(self, char: str) -> Tag | None:
        """Return the tag whose shortcut is ``char`` (ignoring case), or None."""
        folded = char.casefold()
        for tag in self.tags:
            if tag.shortcut is not None and tag.shortcut.casefold() == folded:
                return tag
        return None

    @property
    def groups(self) -> tuple[str, ...]:
        """Return the tags' group names in order of first appearance."""
        return tuple(dict.fromkeys(tag.group for tag in self.tags if tag.group is not None))


def _check_unique(seen: dict[str, int], folded: str, shown: str, index: int, what: str) -> None:
    first = seen.setdefault(folded, index)
    if first != index:
        raise TaxonomyError(
            f"tags[{index}].{what}", f"duplicate {what} {shown!r} (already used by tags[{first}])"
        )


# -- built-in sets ---------------------------------------------------------------------------

_Row = tuple[str, str, str, str]  # key, name, description, colour


def _builtin(
    key: str,
    name: str,
    description: str,
    source: str,
    groups: tuple[tuple[str | None, tuple[_Row, ...]], ...],
) -> TagSet:
    rows = [(group, row) for group, members in groups for row in members]
    tags = tuple(
        Tag(row[0], row[1], row[2], row[3], shortcut=SHORTCUT_ORDER[index], group=group)
        for index, (group, row) in enumerate(rows)
    )
    return TagSet(key, name, description, version=1, tags=tags, source=source)


MEDIA_LITERACY: Final = _builtin(
    "media-literacy",
    "Media literacy",
    "Everyday signs of framing and persuasion in news writing, for reading in class.",
    "Parallax built-in set for classroom media literacy.",
    (
        (
            None,
            (
                (
                    "slogan",
                    "Slogan or catchphrase",
                    "A short, catchy phrase made to be repeated and remembered, like a "
                    "campaign motto.",
                    "#fee891",
                ),
                (
                    "promotional",
                    "Promotional or advertising content",
                    "Text that sells a product, service or investment, or reads like an "
                    "advert rather than news.",
                    "#5fc8b4",
                ),
                (
                    "loaded-language",
                    "Loaded or emotive language",
                    "Words chosen to stir feelings such as fear, anger or pride, rather than "
                    "just describe what happened.",
                    "#e68c9b",
                ),
                (
                    "opinion-as-fact",
                    "Opinion presented as fact",
                    "A judgement or belief stated as if it were a checked fact, with no "
                    "source and no 'I think'.",
                    "#bea56e",
                ),
                (
                    "vague-source",
                    "Unattributed or vague source",
                    "A claim credited to no one, or to someone you cannot check, such as "
                    "'experts say' or 'sources claim'.",
                    "#87aac3",
                ),
                (
                    "speculation",
                    "Speculation or prediction",
                    "A guess about what will happen or why something happened, which could "
                    "turn out to be wrong.",
                    "#aa96ff",
                ),
                (
                    "selective-emphasis",
                    "Selective emphasis or omission",
                    "Facts pushed forward, played down or left out in a way that changes the "
                    "picture; compare the other article.",
                    "#d2beff",
                ),
                (
                    "attributed-quote",
                    "Attributed quote",
                    "Words quoted or reported from a named person or organisation, so you "
                    "know who said them.",
                    "#96ffff",
                ),
                (
                    "labelling",
                    "Labelling or name-calling",
                    "A label, nickname or insult for a person or group that pushes readers "
                    "to like or dislike them.",
                    "#c8d70a",
                ),
                (
                    "appeal-to-authority",
                    "Appeal to authority",
                    "A claim presented as true mainly because an important person, expert or "
                    "institution said it.",
                    "#a0af00",
                ),
                (
                    "flag-waving",
                    "Flag-waving or national pride",
                    "Using pride in the nation or its people to win support for a view or an "
                    "action.",
                    "#cdf5e1",
                ),
                (
                    "headline-framing",
                    "Headline or subheading framing",
                    "A headline or subheading worded to steer how you read the whole story.",
                    "#c3d7aa",
                ),
            ),
        ),
    ),
)

POLICY_FRAMES: Final = _builtin(
    "policy-frames",
    "Policy frames",
    "The 15 framing dimensions of the Policy Frames Codebook: which side of an issue a "
    "passage puts first.",
    "Boydstun, Card, Gross, Resnik and Smith (2014), Tracking the development of media frames "
    "within and across policy issues; Card, Boydstun, Gross, Resnik and Smith (2015), The "
    "Media Frames Corpus: Annotations of Frames Across Issues, ACL.",
    (
        (
            None,
            (
                (
                    "economic",
                    "Economic",
                    "Money: the costs, benefits or financial effects of the issue for people, "
                    "businesses or the whole economy.",
                    "#30d0f0",
                ),
                (
                    "capacity-and-resources",
                    "Capacity and resources",
                    "Whether there is enough of what is needed, such as money, staff, time, "
                    "space or equipment, to deal with it.",
                    "#f88800",
                ),
                (
                    "morality",
                    "Morality",
                    "Right and wrong as a matter of ethics, religion or duty: what we ought or "
                    "ought not to do.",
                    "#d8f0d0",
                ),
                (
                    "fairness-and-equality",
                    "Fairness and equality",
                    "Whether people or groups are treated equally, and whether burdens and "
                    "rewards are shared fairly.",
                    "#90b088",
                ),
                (
                    "legality-constitutionality-and-jurisprudence",
                    "Legality, constitutionality and jurisprudence",
                    "Laws, courts and rights: what is legal, who has the authority to decide, "
                    "and what judges have ruled.",
                    "#f8f078",
                ),
                (
                    "policy-prescription-and-evaluation",
                    "Policy prescription and evaluation",
                    "Specific policies: what should be done about the problem, and whether "
                    "policies already in place work.",
                    "#c898a8",
                ),
                (
                    "crime-and-punishment",
                    "Crime and punishment",
                    "Breaking the law, policing, trials and punishment, and how the issue "
                    "affects crime.",
                    "#c0f8f0",
                ),
                (
                    "security-and-defense",
                    "Security and defense",
                    "Threats to a country, its people or its borders, and what is done to "
                    "protect them.",
                    "#c0d078",
                ),
                (
                    "health-and-safety",
                    "Health and safety",
                    "Illness, injury, health care and people's physical safety.",
                    "#f0b8c8",
                ),
                (
                    "quality-of-life",
                    "Quality of life",
                    "How the issue changes everyday life: comfort, happiness, getting around "
                    "and daily routines.",
                    "#70a8f8",
                ),
                (
                    "cultural-identity",
                    "Cultural identity",
                    "The traditions, customs, values or identity of a community or nation, "
                    "and how the issue touches them.",
                    "#e0d000",
                ),
                (
                    "public-opinion",
                    "Public opinion",
                    "What the public thinks or feels: polls, protests, popular reactions and "
                    "the mood of voters.",
                    "#e8f0b0",
                ),
                (
                    "political",
                    "Political",
                    "Politics itself: parties, elections, politicians' moves and who wins or "
                    "loses politically.",
                    "#b0d0a0",
                ),
                (
                    "external-regulation-and-reputation",
                    "External regulation and reputation",
                    "Relations with other countries or outside bodies: treaties, trade, "
                    "foreign pressure and reputation abroad.",
                    "#b0a860",
                ),
                (
                    "other",
                    "Other",
                    "A frame that fits none of the other fourteen.",
                    "#f090c8",
                ),
            ),
        ),
    ),
)

PERSUASION_TECHNIQUES: Final = _builtin(
    "persuasion-techniques",
    "Persuasion techniques",
    "The 23 persuasion techniques of SemEval-2023 Task 3, in six groups, for close reading "
    "of how a text tries to convince.",
    "Piskorski, Stefanovitch, Da San Martino and Nakov (2023), SemEval-2023 Task 3: Detecting "
    "the Category, the Framing, and the Persuasion Techniques in Online News in a "
    "Multi-lingual Setup, SemEval-2023.",
    (
        (
            "Attack on reputation",
            (
                (
                    "name-calling-or-labeling",
                    "Name calling or labeling",
                    "Giving a person or group an insulting or admiring label instead of "
                    "arguing about what they do.",
                    "#a8c0f8",
                ),
                (
                    "guilt-by-association",
                    "Guilt by association",
                    "Making someone look bad by linking them to a person, group or idea the "
                    "audience already dislikes.",
                    "#d0d000",
                ),
                (
                    "doubt",
                    "Doubt",
                    "Casting doubt on whether someone or something can be trusted, without "
                    "real evidence.",
                    "#90b090",
                ),
                (
                    "appeal-to-hypocrisy",
                    "Appeal to hypocrisy",
                    "Calling someone a hypocrite ('you did it too') instead of answering "
                    "their point.",
                    "#d0f8b8",
                ),
                (
                    "questioning-the-reputation",
                    "Questioning the reputation",
                    "Attacking someone's character or morals with negative claims instead of "
                    "discussing the issue.",
                    "#b0a858",
                ),
            ),
        ),
        (
            "Justification",
            (
                (
                    "flag-waving",
                    "Flag waving",
                    "Justifying an idea by appealing to pride in a group, such as a nation, "
                    "a people or a party.",
                    "#f880b8",
                ),
                (
                    "appeal-to-authority",
                    "Appeal to authority",
                    "Saying a claim is true because an expert, leader or institution said "
                    "so, as if that settled it.",
                    "#a8f8f8",
                ),
                (
                    "appeal-to-popularity",
                    "Appeal to popularity",
                    "Saying something is true or good because many people believe it or do "
                    "it ('everyone knows').",
                    "#c8d880",
                ),
                (
                    "appeal-to-values",
                    "Appeal to values",
                    "Linking an idea to values the audience holds dear, such as freedom, "
                    "tradition, fairness or faith.",
                    "#f8f080",
                ),
                (
                    "appeal-to-fear-or-prejudice",
                    "Appeal to fear or prejudice",
                    "Winning support by making people afraid, or by playing on prejudice "
                    "against a group.",
                    "#98d0b8",
                ),
            ),
        ),
        (
            "Simplification",
            (
                (
                    "causal-oversimplification",
                    "Causal oversimplification",
                    "Blaming a complicated problem on one single cause when there are several.",
                    "#78b0b8",
                ),
                (
                    "false-dilemma-or-no-choice",
                    "False dilemma or no choice",
                    "Offering only two options, or only one, when more choices really exist.",
                    "#f88800",
                ),
                (
                    "consequential-oversimplification",
                    "Consequential oversimplification",
                    "Claiming one step will surely set off a chain of events ending in "
                    "disaster (or success): a slippery slope.",
                    "#f8c0d8",
                ),
            ),
        ),
        (
            "Distraction",
            (
                (
                    "straw-man",
                    "Straw man",
                    "Twisting someone's position into a weaker or more extreme version that "
                    "is easier to attack.",
                    "#e8f810",
                ),
                (
                    "red-herring",
                    "Red herring",
                    "Bringing in an unrelated topic to pull attention away from the issue "
                    "being discussed.",
                    "#c0d8a0",
                ),
                (
                    "whataboutism",
                    "Whataboutism",
                    "Answering criticism by pointing at someone else's wrongdoing ('what "
                    "about...?') instead of replying.",
                    "#20e0d0",
                ),
            ),
        ),
        (
            "Call",
            (
                (
                    "slogans",
                    "Slogans",
                    "A short, punchy phrase meant to rally people, easy to remember and repeat.",
                    "#d8a0d8",
                ),
                (
                    "conversation-killer",
                    "Conversation killer",
                    "A phrase that shuts down discussion or questions, such as 'end of story' "
                    "or 'it is what it is'.",
                    "#d8d0f8",
                ),
                (
                    "appeal-to-time",
                    "Appeal to time",
                    "Pushing people to act now because 'the time has come' or it will soon "
                    "be too late.",
                    "#b0b880",
                ),
            ),
        ),
        (
            "Manipulative wording",
            (
                (
                    "loaded-language",
                    "Loaded language",
                    "Strongly emotional words or phrases used to sway how the reader feels "
                    "about the topic.",
                    "#b8f0c8",
                ),
                (
                    "obfuscation-or-vagueness",
                    "Obfuscation or vagueness",
                    "Wording so unclear that readers can take it in different ways, hiding "
                    "what is really meant.",
                    "#48b0f8",
                ),
                (
                    "exaggeration-or-minimisation",
                    "Exaggeration or minimisation",
                    "Making something seem much bigger, better or worse than it is, or "
                    "playing down how serious it is.",
                    "#d0b850",
                ),
                (
                    "repetition",
                    "Repetition",
                    "Repeating the same word, phrase or idea again and again so that it "
                    "sticks and seems true.",
                    "#f0a8a8",
                ),
            ),
        ),
    ),
)

DEFAULT_TAG_SET_KEY: Final = "media-literacy"
DEFAULT_TAG_SET: Final = MEDIA_LITERACY
_BUILTINS: Final = (MEDIA_LITERACY, POLICY_FRAMES, PERSUASION_TECHNIQUES)


def builtin_tag_sets() -> tuple[TagSet, ...]:
    """Return the built-in tag sets, the default (media literacy) first."""
    return _BUILTINS


def get_builtin(key: str) -> TagSet | None:
    """Return the built-in tag set with this key, or None."""
    for tag_set in _BUILTINS:
        if tag_set.key == key:
            return tag_set
    return None


# -- editing ---------------------------------------------------------------------------------


def slugify(name: str, *, taken: Collection[str] = ()) -> str:
    """Return a key made from ``name``: lowercase ASCII words joined by hyphens.

    Accents are dropped; letters and digits with no ASCII form become ``u`` plus their
    code point in hex. With ``taken``, a suffix ``-2``, ``-3``... keeps the key unique.

    >>> slugify("Appeal to fear/prejudice")
    'appeal-to-fear-prejudice'
    >>> slugify("Économie", taken={"economie"})
    'economie-2'
    """
    words: list[str] = []
    word: list[str] = []
    # Casefolding first turns "ß" into "ss"; NFKD then splits accents off their letters.
    for char in unicodedata.normalize("NFKD", name.casefold()):
        if unicodedata.category(char)[0] == "M":
            continue
        if char.isascii() and char.isalnum():
            word.append(char.lower())
            continue
        if word:
            words.append("".join(word))
            word = []
        if char.isalnum():
            words.append(f"u{ord(char):04x}")
    if word:
        words.append("".join(word))
    if not words:
        raise TaxonomyError("name", f"{name!r} has no letters or digits to make a key from")
    base = _clip_key("-".join(words), MAX_KEY_LENGTH)
    key, number = base, 1
    while key in taken:
        number += 1
        suffix = f"-{number}"
        key = _clip_key(base, MAX_KEY_LENGTH - len(suffix)) + suffix
    return key


def _clip_key(key: str, limit: int) -> str:
    if len(key) <= limit:
        return key
    clipped = key[:limit]
    # Cut at a hyphen so no word is left half-written, unless the first word is too long.
    if key[limit] != "-" and "-" in clipped:
        clipped = clipped.rsplit("-", 1)[0]
    return clipped.rstrip("-")


def free_shortcut(tag_set: TagSet) -> str | None:
    """Return the first key of 1-9, 0, a-z that no tag of the set uses, or None."""
    used = {tag.shortcut.casefold() for tag in tag_set.tags if tag.shortcut is not None}
    return next((char for char in SHORTCUT_ORDER if char not in used), None)


def free_colour(tag_set: TagSet) -> str:
    """Return the first palette colour no tag of the set uses (cycling once all are used)."""
    used = {tag.colour for tag in tag_set.tags}
    unused = [colour for colour in PALETTE if colour not in used]
    return unused[0] if unused else PALETTE[len(tag_set.tags) % len(PALETTE)]


def _next_version(tag_set: TagSet, **changes: Any) -> TagSet:
    return replace(tag_set, version=tag_set.version + 1, **changes)


def _index_of(tag_set: TagSet, tag_key: str) -> int:
    for index, tag in enumerate(tag_set.tags):
        if tag.key == tag_key:
            return index
    raise TaxonomyError("tag_key", f"no tag {tag_key!r} in tag set {tag_set.key!r}")


def copy_tag_set(tag_set: TagSet, *, key: str, name: str) -> TagSet:
    """Return an editable copy under a new key and name, at version 1, noting its origin."""
    origin = f"Copied from {tag_set.name} ({tag_set.key}, version {tag_set.version})"
    source = f"{origin}; {tag_set.source}" if tag_set.source else f"{origin}."
    if len(source) > MAX_SOURCE_LENGTH:
        # Copies of copies keep the newest origin and as much older history as fits.
        source = source[: MAX_SOURCE_LENGTH - 1] + "…"
    return replace(tag_set, key=key, name=name, version=1, source=source)


def update_tag_set(tag_set: TagSet, **changes: str | None) -> TagSet:
    """Return the set with a new ``name``, ``description`` and/or ``source``, next version.

    With nothing actually changed, return ``tag_set`` itself (no new version).
    """
    allowed = {"name", "description", "source"}
    for field_name in changes:
        if field_name not in allowed:
            raise TaxonomyError(field_name, "cannot be changed with update_tag_set")
    if all(getattr(tag_set, name) == value for name, value in changes.items()):
        return tag_set
    return _next_version(tag_set, **changes)


def _check_clashes(tags: tuple[Tag, ...], index: int) -> None:
    # Report a clash at the tag being edited rather than at whichever comes later.
    tag = tags[index]
    for other_index, other in enumerate(tags):
        if other_index == index:
            continue
        for what, mine, theirs in (
            ("key", tag.key, other.key),
            ("name", tag.name.casefold(), other.name.casefold()),
            ("shortcut", _fold(tag.shortcut), _fold(other.shortcut)),
        ):
            if mine is not None and mine == theirs:
                shown = getattr(tag, what)
                raise TaxonomyError(
                    f"tags[{index}].{what}",
                    f"duplicate {what} {shown!r} (already used by tags[{other_index}])",
                )


def _fold(shortcut: str | None) -> str | None:
    return None if shortcut is None else shortcut.casefold()


def add_tag(tag_set: TagSet, tag: Tag, *, index: int | None = None) -> TagSet:
    """Return the set with ``tag`` added at the end (or before ``index``), next version."""
    position = len(tag_set.tags) if index is None else index
    if not 0 <= position <= len(tag_set.tags):
        raise TaxonomyError("index", f"{position} is outside 0..{len(tag_set.tags)}")
    tags = list(tag_set.tags)
    tags.insert(position, tag)
    _check_clashes(tuple(tags), position)
    return _next_version(tag_set, tags=tuple(tags))


def update_tag(tag_set: TagSet, tag_key: str, **changes: str | None) -> TagSet:
    """Return the set with the tag ``tag_key`` changed as given, next version.

    Any field of :class:`Tag` may change, the key too. A bad value raises with the tag's
    field (``colour``); a clash with another tag with ``tags[i].<field>``. With nothing
    actually changed, return ``tag_set`` itself (no new version).
    """
    index = _index_of(tag_set, tag_key)
    names = {field.name for field in fields(Tag)}
    for field_name in changes:
        if field_name not in names:
            raise TaxonomyError(field_name, "is not a field of a tag")
    # Tag checks the values at run time; the hint only says each is text or None.
    values: dict[str, Any] = changes
    tag = replace(tag_set.tags[index], **values)
    if tag == tag_set.tags[index]:
        return tag_set
    tags = tag_set.tags[:index] + (tag,) + tag_set.tags[index + 1 :]
    _check_clashes(tags, index)
    return _next_version(tag_set, tags=tags)


def remove_tag(tag_set: TagSet, tag_key: str) -> TagSet:
    """Return the set without the tag ``tag_key``, next version."""
    index = _index_of(tag_set, tag_key)
    return _next_version(tag_set, tags=tag_set.tags[:index] + tag_set.tags[index + 1 :])


def move_tag(tag_set: TagSet, tag_key: str, index: int) -> TagSet:
    """Return the set with the tag ``tag_key`` moved to position ``index``, next version."""
    current = _index_of(tag_set, tag_key)
    if not 0 <= index < len(tag_set.tags):
        raise TaxonomyError("index", f"{index} is outside 0..{len(tag_set.tags) - 1}")
    if index == current:
        return tag_set
    tags = list(tag_set.tags)
    tags.insert(index, tags.pop(current))
    return _next_version(tag_set, tags=tuple(tags))


# -- JSON ------------------------------------------------------------------------------------

_SET_FIELDS: Final = (
    "format",
    "format_version",
    "key",
    "name",
    "description",
    "version",
    "source",
    "tags",
)
_TAG_FIELDS: Final = ("key", "name", "description", "colour", "shortcut", "group")
_SPELLINGS: Final = {"color": "colour", "colours": "colour", "shortcut_key": "shortcut"}


def tag_set_to_json(tag_set: TagSet) -> dict[str, Any]:
    """Return ``tag_set`` as the documented ``parallax-tagset`` dict (format version 1)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "key": tag_set.key,
        "name": tag_set.name,
        "description": tag_set.description,
        "version": tag_set.version,
        "source": tag_set.source,
        "tags": [
            {
                "key": tag.key,
                "name": tag.name,
                "description": tag.description,
                "colour": tag.colour,
                "shortcut": tag.shortcut,
                "group": tag.group,
            }
            for tag in tag_set.tags
        ],
    }


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "text",
        list: "list",
        dict: "object",
    }.get(type(value), type(value).__name__)


def _object(value: object, where: str, known: tuple[str, ...]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TaxonomyError(where, f"expected an object, got {_type_name(value)}")
    for name in value:
        if name not in known:
            hint = _SPELLINGS.get(name) if isinstance(name, str) else None
            tip = f" (did you mean {hint!r}?)" if hint else ""
            prefix = "" if where == "data" else f"{where}."
            raise TaxonomyError(f"{prefix}{name}", f"unknown field{tip}")
    return value


def _required(data: dict[str, object], name: str, where: str) -> object:
    if name not in data:
        raise TaxonomyError(where, "missing")
    return data[name]


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise TaxonomyError(where, f"expected text, got {_type_name(value)}")
    return value


def _optional_text(value: object, where: str) -> str | None:
    return None if value is None else _text(value, where)


def tag_set_from_json(data: object) -> TagSet:
    """Return the tag set in a ``parallax-tagset`` dict, checking every field.

    Raise :class:`TaxonomyError` naming the first bad field, e.g. ``tags[2].colour``.
    """
    root = _object(data, "data", _SET_FIELDS)
    fmt = _required(root, "format", "format")
    if fmt != FORMAT:
        raise TaxonomyError("format", f"expected {FORMAT!r}, got {fmt!r}")
    format_version = _required(root, "format_version", "format_version")
    if isinstance(format_version, bool) or not isinstance(format_version, int):
        raise TaxonomyError(
            "format_version", f"expected a whole number, got {_type_name(format_version)}"
        )
    if format_version != FORMAT_VERSION:
        raise TaxonomyError(
            "format_version", f"unsupported version {format_version} (expected {FORMAT_VERSION})"
        )
    key = _text(_required(root, "key", "key"), "key")
    name = _text(_required(root, "name", "name"), "name")
    description = _text(root.get("description", ""), "description")
    version = _required(root, "version", "version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise TaxonomyError("version", f"expected a whole number, got {_type_name(version)}")
    source = _optional_text(root.get("source"), "source")
    raw_tags = _required(root, "tags", "tags")
    if not isinstance(raw_tags, list):
        raise TaxonomyError("tags", f"expected a list, got {_type_name(raw_tags)}")
    if len(raw_tags) > MAX_TAGS:
        raise TaxonomyError("tags", f"at most {MAX_TAGS} tags, got {len(raw_tags)}")
    tags = tuple(_tag_from_json(raw, f"tags[{index}]") for index, raw in enumerate(raw_tags))
    return TagSet(key, name, description, version=version, tags=tags, source=source)


def _tag_from_json(raw: object, where: str) -> Tag:
    item = _object(raw, where, _TAG_FIELDS)
    key = _text(_required(item, "key", f"{where}.key"), f"{where}.key")
    name = _text(_required(item, "name", f"{where}.name"), f"{where}.name")
    colour = _text(_required(item, "colour", f"{where}.colour"), f"{where}.colour")
    description = _text(item.get("description", ""), f"{where}.description")
    shortcut = _optional_text(item.get("shortcut"), f"{where}.shortcut")
    group = _optional_text(item.get("group"), f"{where}.group")
    try:
        return Tag(key, name, description, colour, shortcut=shortcut, group=group)
    except TaxonomyError as error:
        raise error.within(where) from None
