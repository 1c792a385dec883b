"""Every public service function that changes data writes its audit event.

The test enumerates the public functions of factcheck.services: each must be listed as a
reader (changes nothing), as a helper inside another unit of work, or as a writer with a
scenario below; the scenario must add exactly the expected event(s). A new service
function that is not classified fails this test, so nobody can forget the audit trail.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from sqlalchemy import select

import factcheck.services as services_pkg
from factcheck.database import transaction
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, Job, JobStatus, WebhookEvent, utcnow
from factcheck.services import (
    approvals,
    articles,
    assignments,
    claims,
    desk,
    discussion,
    exports,
    languages,
    notifications,
    reviews,
    second_factor,
    sign_in,
    sources,
    undo,
    url_imports,
    users,
    versions,
    webhooks,
)

READERS = {
    "audit.set_context", "audit.reset_context", "audit.context_client", "audit.compute_digest", "audit.count_unsealed", "audit.canonical", "audit.event_payload",
    "audit.compute_hash", "audit.changes", "audit.verify_chain", "audit.verify_since", "audit.chain_head", "audit.count_events", "audit.last_article_event",
    "blind.is_blind", "blind.sees_every_review", "audit.last_article_event_seen", "blind.seen_version", "blind.seen_status", "blind.status_before_reviews", "blind.seen_status_of_rows",
    "blind.as_seen", "blind.as_seen_all", "blind.status_column", "blind.check_seen_version", "articles.claims_as_seen",
    "common.get_or_404", "common.parse_id", "second_factor.provisioning_uri", "second_factor.check_code", "common.get_claim", "common.get_article", "common.get_user", "common.parse_version",
    "common.check_version", "common.clean_text", "common.check_http_url", "common.article_snapshot",
    "common.claim_snapshot", "common.primary_key", "common.check_version_number", "sources.normalise_body", "sources.check_article_text", "sources.prepare", "sources.split_of",
    "common.claim_from_span", "common.msg_json", "common.msg_from_json", "languages.language_of", "languages.prepare_language",
    "exports.check_language", "live.article_state", "live.state_tag",
    "version_diff.diff_versions", "version_diff.resolve", "version_diff.version_numbers",
    "search.fold", "search.query_terms", "search.search_claims", "search.find_claims", "search.snippet_parts",
    "search.visible_notes",
    "articles.list_articles", "articles.progress_for", "reviews.parse_verdict", "reviews.parse_links",
    "reviews.get_own_review", "reviews.visible_reviews", "reviews.get_review",
    "users.normalise_email", "users.check_password", "users.check_role", "users.user_for_token", "users.list_users",
    "users.token_use", "users.note_token_use", "second_factor.make_recovery_codes", "second_factor.recovery_codes_left",
    "sign_in.email_key", "sign_in.check_client", "sign_in.check_codes", "recent_auth.is_recent", "recent_auth.require_recent",
    # read-only halves run before the write turn (Argon2), and a SQL reader
    "sign_in.precheck", "sign_in.prepare_reauth", "users.prepare_sign_in", "second_factor.verified_recovery_id",
    "assignments.conflicting_claims", "assignments.articles_with_conflicts",
    "assignments.disagreeing_by_reviews",
    "history.claim_history", "history.article_history", "history.describe_changes", "history.event_dict",
    "history.list_events", "history.iter_events", "passwords.hash_password",
    "passwords.verify_password", "sources.looks_like_html", "sources.from_text", "sources.from_html",
    "sources.from_file", "sources.from_url", "sources.fetch_url", "sources.decode_bytes", "sources.fetch_policy",
    "agreement.article_agreement", "assignments.reviewer_queue", "assignments.lead_queue",
    "assignments.queue_counts", "assignments.list_assignments", "similar.search_terms", "reviews.visible_review_rows", "similar.similar_claims", "versions.list_versions", "versions.orphans", "exports.check_format", "exports.render_export",
    "exports.stream_bulk_export", "exports.pending_renders", "exports.prepare_render", "exports.render_to_keep",
    "render_requests.get_request", "render_requests.render_job", "render_requests.requests_for",
    "render_requests.request_for_job",
    "exports.approved_between", "exports.bulk_renders_missing",
    "webhooks.check_events", "webhooks.get_endpoint",
    "webhooks.list_endpoints", "webhooks.list_deliveries", "undo.last_undoable_edit",
    "assignments.parse_due", "desk.assignees_of", "desk.why_needed", "desk.needs_me", "desk.next_needed",
    "desk.agreed_verdict",
    "languages.parse_language", "languages.language_for", "languages.language_facts",
    "notifications.email_kinds", "notifications.article_leads", "notifications.list_notifications",
    "notifications.unread_count", "notifications.get_notification",
    "discussion.get_comment", "discussion.may_read", "discussion.thread", "discussion.mentioned_users",
    "articles.check_import_fields", "url_imports.get_url_import", "url_imports.import_refusal",
    "url_imports.fetch_source",  # the worker's fetch, outside any write
}  # fmt: skip
HELPERS = {
    "audit.record",
    "webhooks.enqueue",
    "sealing.seal_pending",  # complete audit.record's events: chain fields, no desk state
    "sealing.seal_all",
    "sealing.publish_head",  # a file outside the database
    "audit.hash_of_row",  # pure: the chain hash of a verify row (verify and the sealer)
    "audit.created_iso",  # pure: a stored created_at as the payload writes it
    "users.revoke_all_tokens",  # its callers' events say why (tokens_revoked)
    "sign_in.record_failure",  # the caller's auth.sign_in_failed / auth.reauth_failed
    "sign_in.check_credentials",
    # notices written inside the unit of work of the change that causes them (its event
    # says what happened; tests/services/test_notifications.py checks each one)
    "notifications.notify",
    "notifications.assigned",
    "notifications.returned",
    "notifications.review_saved",
    "notifications.new_version",
    "discussion.move_thread",  # a merge's (or an undone split's) event says what happened
}  # parts of other units of work
DERIVED = {
    "exports.keep_render",
    "render_requests.request_render",
    "render_requests.request_renders",
    "render_requests.request_final_renders",
    "render_requests.finish",
    # a person's own reading state and the worker's daily reminders: no desk state changes,
    # nobody else sees it (services/notifications.py explains why these are not audited)
    "notifications.mark_read",
    "notifications.mark_all_read",
    "notifications.schedule_due_notices",
}  # store derived data (a rendered file, a request to render one), not desk state: no event
# by design (models/report_render.py)

LINK = [{"url": "https://example.org/a", "title": "A", "stance": "supports"}]


def _fresh(claim_id):
    db.session.expire_all()
    return db.session.get(Claim, claim_id)


def _reviewed_claim(ctx, i=0):
    cid = ctx["article"].claims[i].id
    with transaction() as s:
        reviews.submit_review(s, actor=ctx["r1"], claim_id=cid, verdict="confirmed", links=LINK)
    return cid


def _approved_claim(ctx, i=0):
    cid = _reviewed_claim(ctx, i)
    with transaction() as s:
        approvals.approve_claim(
            s,
            actor=ctx["lead"],
            claim_id=cid,
            verdict="confirmed",
            note="",
            version=_fresh(cid).version,
        )
    return cid


def _approved_article(ctx):
    for i, c in enumerate(ctx["article"].claims):
        if i == 0:
            _approved_claim(ctx, 0)
        else:
            with transaction() as s:
                claims.exclude_claim(
                    s, actor=ctx["r1"], claim_id=c.id, reason="n/a", version=_fresh(c.id).version
                )
    db.session.expire_all()
    return db.session.get(type(ctx["article"]), ctx["article"].id)


def _split(s, ctx):
    c = ctx["article"].claims[2]
    claims.split_claim(
        s, actor=ctx["r1"], claim_id=c.id, at=c.start + c.text.index(" "), version=c.version
    )


def _approve_article_prep(ctx):
    ctx["approved"] = _approved_article(ctx)


def _final_report_prep(ctx):
    article = _approved_article(ctx)
    with transaction() as s:
        articles.approve_article(
            s, actor=ctx["lead"], article_id=article.id, version=article.version
        )
    ctx["approved"] = article


def _failed_url_import(ctx):
    with transaction() as s:
        state, _new = url_imports.request_url_import(
            s, actor=ctx["r1"], url="https://93.184.216.34/a"
        )
        job = s.get(Job, state.id)
        job.status, job.attempts, job.last_error = JobStatus.FAILED, 1, "source answered HTTP 404"
    ctx["url_import"] = state.id


SCENARIOS = {
    "url_imports.request_url_import": ("article.import_requested", None, lambda s, c: url_imports.request_url_import(
        s, actor=c["r1"], url="https://93.184.216.34/news")),
    "url_imports.retry_url_import": ("article.import_retried", _failed_url_import, lambda s, c: url_imports.retry_url_import(
        s, actor=c["r1"], job_id=c["url_import"])),
    "url_imports.finish_import": ("article.imported", None, lambda s, c: url_imports.finish_import(
        s, {"requested_by": c["r1"].id}, sources.from_text("One claim here. Another one."))),
    "users.create_user": ("user.created", None, lambda s, c: users.create_user(
        s, actor=c["admin"], email="n@example.org", display_name="N", role="reviewer", password="long-password-1")),
    "users.update_user": ("user.updated", None, lambda s, c: users.update_user(s, actor=c["admin"], user_id=c["r1"].id, role="lead")),
    "notifications.set_email_notices": ("user.updated", None, lambda s, c: notifications.set_email_notices(
        s, actor=c["r1"], kinds=["assigned", "conflict"])),
    "users.set_locale": ("user.updated", None, lambda s, c: users.set_locale(s, actor=c["r1"], locale="es")),
    "users.reset_password": ("user.password_reset", None, lambda s, c: users.reset_password(
        s, actor=c["admin"], user_id=c["r1"].id, password="another-password")),
    "users.sign_in": ("auth.signed_in", None, lambda s, c: users.sign_in(s, email=c["r1"].email, password="correct-horse-battery")),
    "users.sign_out": ("auth.signed_out", None, lambda s, c: users.sign_out(s, actor=s.merge(c["r1"]))),
    "users.create_token": ("token.created", None, lambda s, c: users.create_token(s, actor=c["r1"], name="t", authenticated_at=utcnow())),
    "users.revoke_token": ("token.revoked", lambda c: c.update(tok=users_token(c)),
                           lambda s, c: users.revoke_token(s, actor=c["r1"], token_id=c["tok"])),
    "articles.import_article": ("article.imported", None, lambda s, c: articles.import_article(s, actor=c["r1"], text="One claim here. Another one.")),
    "articles.approve_article": ("article.approved", _approve_article_prep, lambda s, c: articles.approve_article(
        s, actor=c["lead"], article_id=c["approved"].id, version=c["approved"].version)),
    "claims.split_claim": ("claim.split", None, _split),
    "languages.set_article_language": ("article.language_changed", None, lambda s, c: languages.set_article_language(
        s, actor=c["r1"], article_id=c["article"].id, language="es", version=c["article"].version)),
    "claims.merge_claims": ("claim.merged", None, lambda s, c: claims.merge_claims(
        s, actor=c["r1"], claim_id=c["article"].claims[2].id, with_id=c["article"].claims[3].id, version=c["article"].claims[2].version)),
    "claims.update_claim": ("claim.updated", None, lambda s, c: claims.update_claim(
        s, actor=c["r1"], claim_id=c["article"].claims[2].id, version=c["article"].claims[2].version, speaker="Someone")),
    "claims.exclude_claim": ("claim.excluded", None, lambda s, c: claims.exclude_claim(
        s, actor=c["r1"], claim_id=c["article"].claims[2].id, reason="opinion", version=c["article"].claims[2].version)),
    "claims.include_claim": ("claim.included", lambda c: _exclude(c), lambda s, c: claims.include_claim(
        s, actor=c["r1"], claim_id=c["article"].claims[2].id, version=_fresh(c["article"].claims[2].id).version)),
    "claims.add_claim": ("claim.added", lambda c: _free_span(c), lambda s, c: claims.add_claim(
        s, actor=c["r1"], article_id=c["article"].id, start=c["span"][0], end=c["span"][1])),
    "assignments.assign": ("assignment.created", None, lambda s, c: assignments.assign(
        s, actor=c["lead"], user_id=c["r2"].id, article_id=c["article"].id, due_on="2030-01-31")),
    "versions.import_new_version": ("article.version_imported", None, lambda s, c: versions.import_new_version(
        s, actor=c["r1"], article_id=c["article"].id, version=c["article"].version,
        source=sources.Source(text=c["article"].body + "\n\nA correction was appended here.", raw="x", kind="text"))),
    "exports.record_export": ("report.exported", _final_report_prep, lambda s, c: exports.record_export(
        s, actor=c["r1"], record=exports.ExportRecord(c["approved"].id, "md", None, None))),
    "exports.plan_bulk_export": ("report.exported", _final_report_prep, lambda s, c: exports.plan_bulk_export(
        s, actor=c["r1"], since="2000-01-01", until="2100-01-01", fmt="csv")),
    "second_factor.start_setup": ("auth.totp_setup_started", None, lambda s, c: second_factor.start_setup(s, actor=s.merge(c["r1"]), authenticated_at=utcnow())),
    "second_factor.confirm_setup": ("auth.totp_enabled", lambda c: _totp_started(c), lambda s, c: second_factor.confirm_setup(
        s, actor=s.merge(c["r1"]), code=__import__("pyotp").TOTP(s.merge(c["r1"]).totp_secret).now(), authenticated_at=utcnow())),
    "second_factor.disable": ("auth.totp_disabled", lambda c: _totp_on(c), lambda s, c: second_factor.disable(
        s, actor=s.merge(c["r1"]), authenticated_at=utcnow())),
    "second_factor.reset": ("auth.totp_reset", lambda c: _totp_on(c), lambda s, c: second_factor.reset(
        s, actor=c["admin"], user_id=c["r1"].id, reason="lost phone", authenticated_at=utcnow())),
    "sign_in.reauthenticate": ("auth.reauthenticated", None, lambda s, c: sign_in.reauthenticate(
        s, actor=s.merge(c["r1"]), password="correct-horse-battery", code=None)),
    "reviews.submit_review": ("review.created", None, lambda s, c: reviews.submit_review(
        s, actor=c["r2"], claim_id=c["article"].claims[1].id, verdict="disputed", links=LINK)),
    "approvals.approve_claim": ("claim.approved", lambda c: c.update(cid=_reviewed_claim(c)), lambda s, c: approvals.approve_claim(
        s, actor=c["lead"], claim_id=c["cid"], verdict="confirmed", note="", version=_fresh(c["cid"]).version)),
    "approvals.return_claim": ("claim.returned", lambda c: c.update(cid=_reviewed_claim(c)), lambda s, c: approvals.return_claim(
        s, actor=c["lead"], claim_id=c["cid"], comment="more", version=_fresh(c["cid"]).version)),
    "approvals.reopen_claim": ("claim.reopened", lambda c: c.update(cid=_approved_claim(c)), lambda s, c: approvals.reopen_claim(
        s, actor=c["lead"], claim_id=c["cid"], reason="new facts", version=_fresh(c["cid"]).version)),
    "exports.export_article": ("report.exported", _final_report_prep, lambda s, c: exports.export_article(
        s, actor=c["r1"], article_id=c["approved"].id, fmt="json")),
    "undo.undo_last_edit": ("claim.edit_undone", lambda c: _split_for_undo(c), lambda s, c: undo.undo_last_edit(
        s, actor=c["r1"], article_id=c["article"].id, event_id=c["undo_event"])),
    "webhooks.create_endpoint": ("webhook.created", None, lambda s, c: webhooks.create_endpoint(
        s, actor=c["admin"], url=HOOK_URL, events=["claim.approved"])),
    "webhooks.update_endpoint": ("webhook.updated", lambda c: _hook(c), lambda s, c: webhooks.update_endpoint(
        s, actor=c["admin"], endpoint_id=c["hook"], events=["report.exported"])),
    "webhooks.rotate_secret": ("webhook.secret_rotated", lambda c: _hook(c), lambda s, c: webhooks.rotate_secret(
        s, actor=c["admin"], endpoint_id=c["hook"])),
    "webhooks.delete_endpoint": ("webhook.deleted", lambda c: _hook(c), lambda s, c: webhooks.delete_endpoint(
        s, actor=c["admin"], endpoint_id=c["hook"])),
    "desk.bulk_decide": ("claim.excluded", None, lambda s, c: desk.bulk_decide(
        s, actor=c["lead"], action="exclude", claim_ids=[c["article"].claims[2].id], reason="opinion")),
    "desk.set_due": ("assignment.due_set", lambda c: _assigned_claim(c), lambda s, c: desk.set_due(
        s, actor=c["lead"], claim_id=c["article"].claims[2].id, due_on="2030-02-01")),
    "webhooks.retry_delivery": ("webhook.delivery_retried", lambda c: _hook(c, delivery=True),
                                lambda s, c: webhooks.retry_delivery(s, actor=c["admin"], delivery_id=c["delivery"])),
    "discussion.add_comment": ("comment.added", None, lambda s, c: discussion.add_comment(
        s, actor=c["r1"], claim_id=c["article"].claims[1].id, body="@nobody, see the minutes")),
    "discussion.edit_comment": ("comment.edited", lambda c: _comment(c), lambda s, c: discussion.edit_comment(
        s, actor=c["r1"], comment_id=c["comment"], body="Changed my mind")),
    "discussion.delete_comment": ("comment.deleted", lambda c: _comment(c), lambda s, c: discussion.delete_comment(
        s, actor=c["lead"], comment_id=c["comment"])),
}  # fmt: skip
HOOK_URL = "https://93.184.216.34/hook"  # a public IP literal: no DNS, no network


def _hook(ctx, delivery=False):
    with transaction() as s:
        endpoint, _secret = webhooks.create_endpoint(
            s, actor=ctx["admin"], url=HOOK_URL, events=["claim.approved"]
        )
        ctx["hook"] = endpoint.id
        if delivery:
            webhooks.enqueue(s, WebhookEvent.CLAIM_APPROVED, {"claim_id": 1})
            s.flush()
            ctx["delivery"] = endpoint.deliveries[0].id


def _totp_started(ctx):
    with transaction() as s:
        second_factor.start_setup(s, actor=s.merge(ctx["r1"]), authenticated_at=utcnow())


def _totp_on(ctx):
    import pyotp

    _totp_started(ctx)
    with transaction() as s:
        user = s.merge(ctx["r1"])
        second_factor.confirm_setup(
            s, actor=user, code=pyotp.TOTP(user.totp_secret).now(), authenticated_at=utcnow()
        )


def users_token(ctx):
    with transaction() as s:
        token, _ = users.create_token(s, actor=ctx["r1"], name="x", authenticated_at=utcnow())
        return token.id


def _split_for_undo(ctx):
    with transaction() as s:
        _split(s, ctx)
    ctx["undo_event"] = db.session.scalar(
        select(AuditEvent.id).order_by(AuditEvent.seq.desc()).limit(1)
    )


def _assigned_claim(ctx):
    with transaction() as s:
        assignments.assign(s, actor=ctx["lead"], user_id=ctx["r2"].id, article_id=ctx["article"].id,
                           claim_ids=[ctx["article"].claims[2].id])  # fmt: skip


def _comment(ctx):
    with transaction() as s:
        ctx["comment"] = discussion.add_comment(
            s, actor=ctx["r1"], claim_id=ctx["article"].claims[1].id, body="First thought"
        ).id


def _exclude(ctx):
    c = ctx["article"].claims[2]
    with transaction() as s:
        claims.exclude_claim(s, actor=ctx["r1"], claim_id=c.id, reason="x", version=c.version)


def _free_span(ctx):
    article = ctx["article"]
    last = article.claims[-1]
    if last.end < len(article.body.rstrip()):
        ctx["span"] = (last.end, len(article.body))
    else:  # take the article's first boilerplate span that no claim covers
        start, end, _kind = article.boilerplate[0]
        ctx["span"] = (start, end)


def public_service_functions() -> set[str]:
    names = set()
    for info in pkgutil.iter_modules(services_pkg.__path__):
        module = importlib.import_module(f"factcheck.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{info.name}.{name}")
    return names


def test_every_public_service_function_is_classified():
    unclassified = public_service_functions() - READERS - HELPERS - DERIVED - set(SCENARIOS)
    assert not unclassified, (
        f"classify these service functions (writer scenario or reader): {sorted(unclassified)}"
    )


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_writer_records_its_event_in_the_same_transaction(name, make_user, make_article):
    action, prepare, call = SCENARIOS[name]
    ctx = {
        "admin": make_user("admin"),
        "lead": make_user("lead"),
        "r1": make_user("reviewer"),
        "r2": make_user("reviewer"),
    }
    ctx["article"] = make_article(actor=ctx["r1"])
    if prepare:
        prepare(ctx)
    db.session.expire_all()
    ctx["article"] = db.session.get(type(ctx["article"]), ctx["article"].id)
    last = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    with transaction() as s:
        call(s, ctx)
    new = db.session.scalars(
        select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq)
    ).all()
    # (an article's own transition, e.g. its first review starting it, follows its cause)
    own = [e for e in new if e.action != "article.review_started"]
    assert [e.action for e in own if not e.action.startswith("claim.")] == [action] or [
        e.action for e in own
    ] == [action]
    assert own[-1].action == action
    # ... and a failure after the call rolls the change and its event back together
    if prepare is None:
        db.session.expire_all()
        ctx["article"] = db.session.get(type(ctx["article"]), ctx["article"].id)
        for k in ("admin", "lead", "r1", "r2"):
            ctx[k] = db.session.get(type(ctx[k]), ctx[k].id)
        count = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
        with pytest.raises(RuntimeError), transaction() as s:
            try:
                call(s, ctx)
            except (
                Exception
            ) as exc:  # a repeat may be refused (e.g. duplicate): still nothing lands
                raise RuntimeError("refused") from exc
            raise RuntimeError("fault after the change")
        assert (
            db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
            == count
        )
