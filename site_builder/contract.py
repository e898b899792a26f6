"""Report → the JSON contract of `site-builder parse --json` (documented in the README).

Field names are a promise to the people who script against us: add fields, never rename them.
"""

from __future__ import annotations

import json
from typing import Any

from .classify.taxonomy import themes_by_slug
from .model import Report, State

CONTRACT_VERSION = 1


def _state(state: State | None) -> dict[str, str] | None:
    if state is None:
        return None
    return {"name": state.name, "iso3": state.iso3}


def report_to_dict(report: Report) -> dict[str, Any]:
    review, document = report.review, report.document
    themes = themes_by_slug()
    return {
        "contract_version": CONTRACT_VERSION,
        "source": report.source,
        "symbol": document.symbol,
        "title": document.title,
        "date": document.date,
        "hrc_session": document.hrc_session,
        "state_under_review": _state(review.state_under_review),
        "session": review.wg_session,
        "cycle": review.cycle,
        "review_date": review.review_date,
        "adoption_date": review.adoption_date,
        "troika": [_state(s) for s in review.troika],
        "head_of_delegation": review.head_of_delegation,
        "documents": list(review.documents),
        "advance_questions_by": [_state(s) for s in review.advance_questions_by],
        "counts": report.counts_by_position(),
        "paragraphs": [
            {
                "number": p.number,
                "section": p.section,
                "subsection": p.subsection,
                "speaker": _state(p.speaker),
                "text": p.text,
            }
            for p in report.paragraphs
        ],
        "recommendations": [
            {
                "id": r.id,
                "paragraph": r.paragraph,
                "text": r.text,
                "recommended_by": [_state(s) for s in r.recommended_by],
                "position": r.position,
                "parts": [
                    {"text": part.text, "recommended_by": [_state(s) for s in part.recommended_by]}
                    for part in r.parts
                ],
                "themes": [themes[slug].name for slug in r.themes],
                "action_level": r.action_level,
            }
            for r in report.recommendations
        ],
        "warnings": [{"paragraph": w.paragraph, "message": w.message} for w in report.warnings],
    }


def report_to_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)
