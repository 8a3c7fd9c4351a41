"""Near-duplicate questions for `dlquiz bank lint`, fast enough for thousands of questions.

A question's text is what a student reads (prompt, options, the prompts of parts),
lowercased, without punctuation, with template placeholders as ``#``. Candidate pairs
share many word 3-grams (found through an inverted index, so unrelated questions are never
compared); each candidate is confirmed with :class:`difflib.SequenceMatcher`.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

SHINGLE: Final = 3
# A 3-gram found in more questions than this ("which of the") says nothing.
COMMON_SHINGLE: Final = 40
MIN_SHARED: Final = 0.4  # of the smaller question's 3-grams, to be compared at all
_PLACEHOLDER: Final = re.compile(r"\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*(:[^{}]*)?\}")
_WORDS: Final = re.compile(r"[a-z0-9#]+")


@dataclass(frozen=True)
class DuplicatePair:
    first: Any  # the question that comes first in the bank
    second: Any
    ratio: float


def question_text(question: Any) -> str:
    """The words a student reads, normalised for comparison."""
    pieces = [question.prompt]
    for body in getattr(question, "parts", None) or [question]:
        if body is not question:
            pieces.append(body.prompt)
        pieces.extend(option.text for option in getattr(body, "options", ()))
    text = " ".join(pieces)
    if question.is_parametric:
        text = _PLACEHOLDER.sub(" # ", text)
    return " ".join(_WORDS.findall(text.lower()))


def _shingles(words: Sequence[str]) -> set[tuple[str, ...]]:
    if len(words) < SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def near_duplicates(questions: Sequence[Any], threshold: float = 0.9) -> Iterator[DuplicatePair]:
    """Pairs of questions whose texts are at least ``threshold`` alike (difflib ratio)."""
    texts = [question_text(question) for question in questions]
    shingles = [_shingles(text.split()) for text in texts]
    postings: dict[tuple[str, ...], list[int]] = {}
    for index, found in enumerate(shingles):
        for shingle in found:
            postings.setdefault(shingle, []).append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if len(members) > COMMON_SHINGLE:
            continue
        for position, first in enumerate(members):
            for second in members[position + 1 :]:
                shared[first, second] += 1
    for (first, second), count in sorted(shared.items()):
        smaller = min(len(shingles[first]), len(shingles[second]))
        if count < MIN_SHARED * smaller:
            continue
        matcher = difflib.SequenceMatcher(None, texts[first], texts[second], autojunk=False)
        if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
            continue
        ratio = matcher.ratio()
        if ratio >= threshold:
            yield DuplicatePair(questions[first], questions[second], ratio)
