"""Who speaks in each paragraph of the interactive dialogue.

Dialogue paragraphs open with the speaking delegation ("Cuba commended …", "The United Kingdom
of Great Britain and Northern Ireland welcomed …"); the state under review's answers open with
"The delegation …", "In response to questions, …" or the state's own name.
"""

from __future__ import annotations

import re

from ..model import State
from ..states import Registry

_STATE_UNDER_REVIEW_SPEAKS = re.compile(
    r"(?:The|Its|the) (?:head of (?:the )?)?delegation\b|In (?:its )?responses?\b|Responding\b|"
    r"Replying\b|In reply\b|In answer\b|In its (?:concluding|closing) remarks\b"
)
_DELEGATION_OF = re.compile(r"The (?:delegation|representative|representatives) of ")


def is_dialogue(subsection: str | None) -> bool:
    return subsection is not None and "interactive dialogue" in subsection.lower()


# After the state's name, the verb of speaking: "Senegal stressed", "Romania put forward".
_SPEECH_VERB = re.compile(r"\s+(?:also\s+|further\s+|then\s+)?(?:[a-z]+ed|said|put|made|took|drew|gave|spoke|sought|felt|saw|hoped|was|had|wished|wanted)\b")


def _state_after_opening_clause(text: str, registry: Registry) -> State | None:
    """`On the issue of …, Slovenia asked …`, `Noting …, the United States of America enquired …`"""
    sentence = text[:400].split(". ")[0]
    for comma in re.finditer(r",\s+", sentence):
        found = registry.match_at_start(sentence[comma.end():])
        if found and _SPEECH_VERB.match(sentence, comma.end() + found[1]):
            return found[0]
    return None


def find_speaker(text: str, state_under_review: State, registry: Registry) -> State | None:
    if (of := _DELEGATION_OF.match(text)) and (found := registry.match_at_start(text[of.end():])):
        return found[0]
    if found := registry.match_at_start(text):
        return found[0]
    if _STATE_UNDER_REVIEW_SPEAKS.match(text):
        return state_under_review
    return _state_after_opening_clause(text, registry)
