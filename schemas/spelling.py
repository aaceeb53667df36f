"""How text a person types is matched, sorted and corrected.

Three strengths of "the same", each for one job:

- `tolerant`: what a curator means although the case or the spaces differ: Unicode
  NFC, `str.casefold` (so `STÄDTEPARTNERSCHAFT`, `GRUSSBOTSCHAFT` and `Grußbotschaft`
  are one), runs of white space as one space, none at the ends. A label typed into the
  workbook is accepted when it is tolerantly equal to the label, and only then.
- `german_sort_key`: the order of a German dictionary (DIN 5007-1): ä as a, ö as o, ü
  as u, ß as ss, case ignored; ties are broken by the letter without umlaut first, then
  lower case first (`apfel`, `Apfel`, `Äpfel`). Written out instead of `locale.strxfrm`,
  which depends on the locales a machine happens to have (CI has none), or PyICU, which
  would have to be compiled against ICU for seven code lists.
- `folded`: for guessing what was meant: also without accents and with every run of
  punctuation or spaces as one space, so `council_decision`, `Council decision` and
  `Ratsbeschluß` meet `Ratsbeschluss`.

`nearest` finds the closest of some choices by similarity (rapidfuzz's normalised Indel
similarity, difflib's `ratio` computed in C++: about 5 µs against 50 choices instead of
difflib's 300 µs, which decides whether a million wrong cells cost 5 s or 5 minutes).
It is called only for values already found invalid.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

Key = TypeVar("Key")

#: similarity (0-100) a choice needs to be suggested: below, a suggestion would be noise
#: (`concert` is 57 from `economic event`, `Ratsbeschlus` is 96 from `Ratsbeschluss`)
SIMILAR_ENOUGH = 60
#: the typed beginning of a label's word is taken as meant from this many characters on
#: (`Besuch` or `Delegation` for `Besuch oder Delegationsreise`)
SHORTEST_BEGINNING = 3
NOT_A_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
WHITE_SPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")


def tolerant(text: str) -> str:
    """text as it is compared where case and spaces do not count."""
    return WHITE_SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded(text: str) -> str:
    """text reduced to its letters and digits, for similarity: no case, no accents, every
    run of anything else one space."""
    return NOT_A_LETTER_OR_DIGIT.sub(" ", without_accents(text.casefold())).strip()


def german_sort_key(text: str) -> tuple:
    """A key that sorts as a German reader expects (DIN 5007-1, see the module)."""
    base = without_accents(text.casefold())
    return (base, text.casefold(), tuple(c.isupper() for c in text), text)


class Nearest(Generic[Key]):
    """Finds the key of the choice a value most likely means, or None when none is close.

    choices are (text, key) pairs; a key may have several texts (a German and an English
    label, a code). The value and each text are compared `folded`: equal wins; then a
    value that begins a word of some texts (`Besuch`, `Delegation`): the most similar of
    them; else the highest similarity of at least SIMILAR_ENOUGH. The first choice wins a
    tie. The choices are folded once, when it is made.
    """

    def __init__(self, choices: Iterable[tuple[str, Key]]) -> None:
        pairs = [(folded(text), key) for text, key in choices]
        self.texts = [text for text, _ in pairs]
        self.keys = [key for _, key in pairs]
        self.exact = {}
        for text, key in pairs:
            self.exact.setdefault(text, key)
        #: every text from each of its words on, sorted: what a value begins is found by
        #: bisection, not by a scan of every text
        self.word_starts = sorted(
            (text[match.start() :], index)
            for index, text in enumerate(self.texts)
            for match in WORD.finditer(text)
        )

    def __call__(self, value: str) -> Key | None:
        target = folded(value)
        if not target:
            return None
        if target in self.exact:
            return self.exact[target]
        texts, keys = self.texts, self.keys
        if len(target) >= SHORTEST_BEGINNING:
            begun = sorted(set(self.begun_by(target)))
            if begun:  # the most similar of the words begun (`Partnerschaft`: two labels)
                found = process.extractOne(target, [texts[i] for i in begun], scorer=fuzz.ratio)
                return keys[begun[found[2]]]
        found = process.extractOne(target, texts, scorer=fuzz.ratio, score_cutoff=SIMILAR_ENOUGH)
        return keys[found[2]] if found is not None else None

    def begun_by(self, target: str) -> Iterator[int]:
        """The index of every text with a word that target begins (`delegation`)."""
        at = bisect_left(self.word_starts, (target,))
        while at < len(self.word_starts) and self.word_starts[at][0].startswith(target):
            yield self.word_starts[at][1]
            at += 1


def nearest(value: str, choices: Iterable[tuple[str, Key]]) -> Key | None:
    """The key of the choice value most likely means (see Nearest), or None."""
    return Nearest(choices)(value)
