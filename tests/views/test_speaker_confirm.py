"""'speaker unclear' in the claim panel, confirmed with one form (the workspace's c key),
audited through the speaker-edit service; type and confidence in the API and ClaimReview."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim
from factcheck.reports.build import build_report
from factcheck.reports.formats.claimreview import _item_reviewed
from factcheck.services import claims as claim_service

TEXT = (
    "The budget grew 5% in 2021, Mayor Jane Doe said on Monday.\n\n"
    '"We will spend 40% of it on roads."\n\n'
    "The Treasury Department said revenue rose 3% in 2021.\n"
)


def _claims(article_id):
    db.session.rollback()
    return list(
        db.session.scalars(
            select(Claim).where(Claim.article_id == article_id).order_by(Claim.start)
        )
    )


def test_unclear_speaker_is_shown_and_confirmed_with_an_audited_action(
    client, login, make_user, make_article
):
    user = make_user("reviewer")
    article = make_article(text=TEXT, actor=user)
    first, carried, org = _claims(article.id)
    assert (carried.speaker, carried.speaker_type) == ("Mayor Jane Doe", "person")
    assert carried.speaker_confidence < 0.7 <= first.speaker_confidence
    login(user)
    page = client.get(f"/articles/{article.id}?claim={carried.id}").get_data(as_text=True)
    assert "speaker unclear" in page and "speaker-confirm-form" in page
    clear = client.get(f"/claims/{first.id}").get_data(as_text=True)
    assert "speaker-confirm-form" not in clear
    resp = client.post(f"/claims/{carried.id}/speaker/confirm",
                       data={"version": carried.version, "back": "workspace"})  # fmt: skip
    assert resp.status_code == 302
    db.session.rollback()
    carried = db.session.get(Claim, carried.id)
    assert carried.speaker_confidence == 1.0 and carried.speaker == "Mayor Jane Doe"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_id == carried.id).order_by(AuditEvent.seq.desc())
    ).first()
    assert event.action == "claim.speaker_confirmed"
    assert event.before["speaker_confidence"] < 0.7 and event.after["speaker_confidence"] == 1.0
    page = client.get(f"/claims/{carried.id}").get_data(as_text=True)
    assert "speaker unclear" not in page
    stale = client.post(f"/claims/{carried.id}/speaker/confirm", data={"version": 1})
    assert stale.status_code == 409  # an old version changes nothing


def test_editing_the_speaker_makes_it_certain_and_retypes_it(make_user, make_article):
    user = make_user("reviewer")
    article = make_article(text=TEXT, actor=user)
    carried = _claims(article.id)[1]
    with transaction() as s:
        claim_service.update_claim(s, actor=user, claim_id=carried.id, version=carried.version,
                                   speaker="City Council")  # fmt: skip
    db.session.rollback()
    carried = db.session.get(Claim, carried.id)
    assert (carried.speaker, carried.speaker_type, carried.speaker_confidence) == (
        "City Council", "organization", 1.0)  # fmt: skip


def test_api_claim_json_has_type_and_confidence(make_user, api_as):
    api = api_as(make_user("reviewer"))
    art = api.post("/articles", json={"text": TEXT}).get_json()
    got = [(c["speaker"], c["speaker_type"], c["speaker_confidence"]) for c in art["claims"]]
    assert got[0][:2] == ("Mayor Jane Doe", "person") and got[0][2] >= 0.8
    assert got[2][:2] == ("The Treasury Department", "organization")


def test_claimreview_author_type_follows_the_speaker_type(make_user, make_article):
    user = make_user("reviewer")
    article = make_article(text=TEXT, actor=user)
    report = build_report(db.session, article)
    authors = {c.speaker: _item_reviewed(report, c)["author"]["@type"] for c in report.claims}
    assert authors == {"Mayor Jane Doe": "Person", "The Treasury Department": "Organization"}
