"""A recommendation's action level, 1–5, from its first operative verb.

The scale is Edward McMahon's, used across UPR research (UPR Info's database among others):
1 minimal action (call on, seek, share), 2 continuing (continue, maintain, pursue), 3 considering
(consider, examine, review, study), 4 general (ensure, promote, strengthen, take measures),
5 specific (abolish, adopt, amend, ratify, establish, investigate). "Continue and strengthen"
takes the second verb: the new ask is what matters.
"""

from __future__ import annotations

import re

# Verbs by level, as stems: a verb matches when its word starts with the stem and what follows
# is an inflection (`ratif` → ratify, ratifying, ratified). Lists follow McMahon's categories,
# widened with the verbs that open recommendations across the 2008–2023 reports.
VERBS: dict[int, tuple[str, ...]] = {
    1: ("call on", "call upon", "seek", "share", "request", "appeal", "exchange"),
    2: ("continue", "maintain", "pursue", "persevere", "persist", "keep", "sustain", "remain", "carry on",
        "go on", "uphold", "preserve"),
    3: ("consider", "examine", "review", "study", "reflect", "explore", "envisage", "envision", "analy",
        "assess", "evaluate", "look into", "reconsider", "re-consider", "revisit", "revise", "think", "weigh",
        "give consideration", "give due consideration", "give serious consideration",
        "take into consideration", "take into account", "look at"),
    4: ("ensure", "promote", "strengthen", "take", "intensify", "guarantee", "improve", "enhance", "step up",
        "redouble", "accelerate", "address", "encourag", "engage", "increase", "reinforce", "support", 
        "protect", "respect", "combat", "fight", "prevent", "work", "make", "foster", "facilitate", "provide",
        "focus", "raise awareness", "expand", "extend", "deepen", "speed up", "advance", "put in place",
        "put an end", "allocate", "bring", "cooperate", "collaborate", "endeavo", "give", "pay", "devote",
        "attach", "fulfil", "comply", "consolidate", "build", "tackle", "reduce", "eradicate", "empower",
        "apply", "harmoni", "align", "progress", "prioriti", "place", "move", "broaden", "mainstream",
        "recogni", "integrate", "involve", "include", "assist", "help", "use", "respond", "accord", "afford",
        "grant", "secure", "safeguard", "stop", "refrain", "cease", "end", "avoid", "strive", "achieve",
        "disseminate", "inform", "educate", "train", "sensiti", "do", "proceed", "monitor", "follow up",
        "renew", "attract", "observe", "drive", "deploy", "resource", "enable", "commit", "cultivate",
        "significantly increase", "substantially increase", "put priority", "step-up", "adhere to the principle",
        "expedite", "participate", "see to it", "meet", "act", "follow", "counter", "streamline", "succeed",
        "associate", "bridge", "accomplish", "attain", "realiz", "realis"),
    5: ("abolish", "adopt", "amend", "ratif", "establish", "investigate", "accede", "sign", "enact", "repeal",
        "criminali", "decriminali", "withdraw", "lift", "implement", "enforce", "conduct", "develop",
        "eliminate", "undertake", "create", "set up", "introduce", "pass", "release", "issue",
        "extend a standing", "extend an open", "submit", "finali", "approve", "prosecute", "punish", "prohibit",
        "ban", "outlaw", "revoke", "annul", "abrogate", "remove", "declare", "commute", "formali", "legali",
        "legislate", "draft", "elaborate", "launch", "design", "appoint", "accept", "become", "join",
        "domesticate", "incorporat", "transpose", "codify", "define", "register", "reopen", "close",
        "dismantle", "disband", "compensate", "redress", "restore", "return", "reform", "modify", "change",
        "replace", "update", "lower", "raise the", "set", "fix", "allow", "permit", "authori", "open", "hold",
        "organi", "invite", "publish", "make public", "bring to justice", "bring perpetrators",
        "provide reparation", "complete", "adhere", "put forward", "carry out", "re-establish", "reestablish",
        "reintroduce", "abandon", "free", "unconditionally release", "entrench", "halt", "deposit", "institute",
        "complement", "rehabilitate", "adapt", "run", "start", "alter", "inscribe", "denounce", "not"),
}

# Cycle 1 wrote "That Algeria consider …", "That the State continue …": the subject goes.
_SUBJECT = re.compile(r"^\s*(?i:that|for)\s+(?:the\s+)?(?:(?:[A-Z][\w'’.-]*|of|and|the|\([^)]*\))[\s,]+)+"
                      r"(?:should\s+|must\s+|to\s+)?")
# Words before the verb that say nothing about the level ("Further and urgently adopt").
_ADVERBS = {"further", "also", "urgently", "swiftly", "effectively", "promptly", "fully", "formally",
            "expeditiously", "immediately", "duly", "actively", "rapidly", "quickly", "seriously", "speedily",
            "firmly", "steadily", "resolutely", "decisively", "vigorously", "strongly", "continuously",
            "progressively", "gradually", "systematically", "consistently", "positively", "favourably",
            "favorably", "again", "both", "to", "should", "must", "and", "still", "definitively", "finally",
            "officially", "legally", "explicitly", "comprehensively", "properly", "adequately", "genuinely",
            "thoroughly", "independently", "impartially", "concretely", "sufficiently", "earnestly",
            "increasingly", "closely", "constructively", "proactively", "efficiently", "soon", "particularly",
            "widely", "better", "energetically", "prudently"}
_CLAUSE = re.compile(r"^\s*(?:in|with|within|through|while|following|building|taking|bearing|based|as|on|"
                     r"by|given|pursuant|according|consistent|considering|recalling|noting|further to|"
                     r"in line|in accordance|in order|in keeping)\b[^,;:]{0,200},\s*", re.IGNORECASE)


def _compiled() -> list[tuple[re.Pattern[str], int]]:
    found = [(stem, level) for level, stems in VERBS.items() for stem in stems]
    found.sort(key=lambda item: -len(item[0]))  # the longest stem first: "take into account" before "take"
    return [(re.compile(r"(?:" + re.escape(stem).replace(r"\ ", r"\s+") + r")[a-z]{0,5}\b", re.IGNORECASE), level)
            for stem, level in found]


_PATTERNS = _compiled()


def _verb_at(text: str) -> tuple[int, int] | None:
    """(level, end) of the verb phrase that `text` starts with, or None."""
    for pattern, level in _PATTERNS:
        match = pattern.match(text)
        if match:
            return level, match.end()
    return None


def action_level(text: str) -> int | None:
    """The level of the recommendation's first operative verb, or None when it has none we know."""
    rest = _SUBJECT.sub("", text, count=1) if text[:5].lower().startswith(("that ", "for ")) else text
    rest = _CLAUSE.sub("", rest, count=1).lstrip(" \t\"“'(")
    for _ in range(8):  # skip adverbs and fillers before the verb ("Further and urgently adopt")
        word = re.match(r"[A-Za-z]+", rest)
        if word and word.group(0).lower() in _ADVERBS:
            rest = rest[word.end():].lstrip(" ,")
            continue
        break
    found = _verb_at(rest)
    if found is None:
        return None
    level, end = found
    if level == 2:
        # "continue and strengthen", "maintain and further develop": the second verb is the ask
        second = re.match(r"\s*(?:,\s*)?and\s+(?:to\s+)?(?:further\s+|also\s+)?", rest[end:])
        if second:
            then = _verb_at(rest[end + second.end():])
            if then is not None:
                return then[0]
    return level
