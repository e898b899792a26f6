"""Report or addendum → the JSON contract of `site-builder parse --json` (documented in the README).

Field names are a promise to the people who script against us: add fields, never rename them.
"""

from __future__ import annotations

import json
from typing import Any

from .classify.taxonomy import themes_by_slug
from .model import Addendum, Report, Response, State

CONTRACT_VERSION = 1


def _state(state: State | None) -> dict[str, str] | None:
    if state is None:
        return None
    return {"name": state.name, "iso3": state.iso3}


def response_to_dict(response: Response | None) -> dict[str, Any] | None:
    """The state's later word on a recommendation (from an addendum), or None."""
    if response is None:
        return None
    return {
        "document": response.document,
        "position": response.position,
        "wording": response.wording,
        "in_part": response.in_part,
        "explanation": response.explanation,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    review, document = report.review, report.document
    themes = themes_by_slug()
    return {
        "contract_version": CONTRACT_VERSION,
        "kind": "report",
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
                "position_in_report": r.position_in_report,
                "response": response_to_dict(r.response),
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


def addendum_to_dict(addendum: Addendum) -> dict[str, Any]:
    return {
        "contract_version": CONTRACT_VERSION,
        "kind": "addendum",
        "source": addendum.source,
        "symbol": addendum.symbol,
        "report_symbol": addendum.report_symbol,
        "date": addendum.date,
        "hrc_session": addendum.hrc_session,
        "state_under_review": _state(addendum.state_under_review),
        "counts": addendum.counts_by_position(),
        "stated_counts": addendum.stated_counts,
        "responses": [
            {"id": rec_id, **{k: v for k, v in response_to_dict(response).items() if k != "document"}}
            for rec_id, response in addendum.responses.items()
        ],
        "warnings": [{"paragraph": w.paragraph, "message": w.message} for w in addendum.warnings],
    }


def report_to_json(report: Report | Addendum) -> str:
    data = addendum_to_dict(report) if isinstance(report, Addendum) else report_to_dict(report)
    return json.dumps(data, ensure_ascii=False, indent=2)
