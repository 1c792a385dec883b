"""The History timelines of the claim and article pages, in the page's language.

The audit trail stores what happened as it was written (an English action code, the
fields' keys and raw values): it is evidence and never changes. The line a person reads
is made here, at display time, from the event's action and data through gettext: a
sentence per action with the actor as a placeholder, then a "field: old → new" line per
changed field, with the fields' names and the vocabulary's words (verdict, status,
stance …) in the request's locale.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_decimal, format_percent, ngettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from factcheck.services.history import CONTEXT_KEYS, HIDDEN
from factcheck.web.i18n import day, kind_name, label, language_name, utc

# What each action of a claim's or an article's trail says; %(actor)s is who did it.
ACTIONS = {
    "article.imported": _l("%(actor)s imported the article"),
    "article.import_requested": _l("%(actor)s asked to import an article from a web address"),
    "article.import_retried": _l("%(actor)s asked to try a web import again"),
    "article.version_imported": _l("%(actor)s imported a corrected version"),
    "article.approved": _l("%(actor)s approved the article"),
    "article.review_started": _l("%(actor)s started the article's review"),
    "article.reopened": _l("%(actor)s reopened the article"),
    "article.language_changed": _l("%(actor)s changed the article's language"),
    "claim.added": _l("%(actor)s added a claim"),
    "claim.updated": _l("%(actor)s edited the claim"),
    "claim.speaker_confirmed": _l("%(actor)s confirmed the speaker"),
    "claim.split": _l("%(actor)s split the claim in two"),
    "claim.merged": _l("%(actor)s merged two claims"),
    "claim.excluded": _l("%(actor)s excluded the claim from review"),
    "claim.included": _l("%(actor)s brought the claim back into review"),
    "claim.reanchored": _l("%(actor)s placed the claim in a corrected version"),
    "claim.edit_undone": _l("%(actor)s undid an edit of the claims"),
    "claim.approved": _l("%(actor)s approved the final verdict"),
    "claim.returned": _l("%(actor)s returned the claim to the reviewers"),
    "claim.reopened": _l("%(actor)s reopened the claim"),
    "review.created": _l("%(actor)s submitted a review"),
    "review.revised": _l("%(actor)s revised their review"),
    "comment.added": _l("%(actor)s commented"),
    "comment.edited": _l("%(actor)s edited a comment"),
    "comment.deleted": _l("%(actor)s deleted a comment"),
    "assignment.created": _l("%(actor)s assigned claims to a reviewer"),
    "assignment.due_set": _l("%(actor)s set the due date"),
    "report.exported": _l("%(actor)s exported the report"),
    # the rest of the trail: the audit page shows every event
    "auth.signed_in": _l("%(actor)s signed in"),
    "auth.sign_in_failed": _l("%(actor)s failed to sign in"),
    "auth.signed_out": _l("%(actor)s signed out"),
    "auth.totp_setup_started": _l("%(actor)s started setting up two-step sign-in"),
    "auth.totp_enabled": _l("%(actor)s turned on two-step sign-in"),
    "auth.totp_disabled": _l("%(actor)s turned off two-step sign-in"),
    "auth.totp_reset": _l("%(actor)s reset an account's two-step sign-in"),
    "auth.reauthenticated": _l("%(actor)s confirmed their password"),
    "auth.reauth_failed": _l("%(actor)s failed to confirm their password"),
    "user.created": _l("%(actor)s created an account"),
    "user.updated": _l("%(actor)s changed an account"),
    "user.deactivated": _l("%(actor)s deactivated an account"),
    "user.password_reset": _l("%(actor)s reset an account's password"),
    "token.created": _l("%(actor)s created an API token"),
    "token.revoked": _l("%(actor)s revoked an API token"),
    "webhook.created": _l("%(actor)s added a webhook"),
    "webhook.updated": _l("%(actor)s changed a webhook"),
    "webhook.activated": _l("%(actor)s switched a webhook on"),
    "webhook.deactivated": _l("%(actor)s switched a webhook off"),
    "webhook.deleted": _l("%(actor)s deleted a webhook"),
    "webhook.secret_rotated": _l("%(actor)s replaced a webhook's secret"),
    "webhook.delivery_retried": _l("%(actor)s asked to deliver a webhook call again"),
}
# The families of actions whose events belong to an article or a claim (ACTIONS covers them all).
PAGE_FAMILIES = ("article.", "claim.", "review.", "comment.", "assignment.", "report.")

# The names of the fields an event's before/after may hold, in the order the lines come.
FIELDS = {
    # a claim (services.common.claim_snapshot and the edits' extras) and a review
    "status": _l("Status"),
    "final_verdict": _l("Final verdict"),
    "verdict": _l("Verdict"),
    "note": _l("Note"),
    "links": _l("Evidence links"),
    "approval_note": _l("Approval note"),
    "return_comment": _l("Comment for the reviewers"),
    "excluded_reason": _l("Reason for exclusion"),
    "reopen_reason": _l("Reason for reopening"),
    "approved_at": _l("Approved at"),
    "statement": _l("Statement"),
    "speaker": _l("Speaker"),
    "speaker_type": _l("Kind of speaker"),
    "speaker_confidence": _l("Certainty about the speaker"),
    "text": _l("Text"),
    "start": _l("Start"),
    "end": _l("End"),
    "anchor": _l("Place in the corrected version"),
    "body_version": _l("Version of the text"),
    "new_claim_id": _l("New claim"),
    "merged_claim": _l("Merged claim"),
    "removed_claim": _l("Removed claim"),
    "restored_claim": _l("Restored claim"),
    "undoes": _l("Undoes event"),
    "undone_action": _l("Undone edit"),
    "removed": _l("Removed"),
    "id": _l("Claim id"),
    # an article
    "title": _l("Title"),
    "version": _l("Version"),
    "published_url": _l("Published address"),
    "input_kind": _l("Imported from"),
    "filename": _l("File name"),
    "chars": _l("Characters"),
    "claims": _l("Claims"),
    "language": _l("Language"),
    "first_review_id": _l("First review"),
    "reopened_claim_id": _l("Reopened claim"),
    "reason": _l("Reason"),
    "unchanged": _l("Claims unchanged"),
    "moved": _l("Claims moved"),
    "edited": _l("Claims edited"),
    "orphaned": _l("Claims orphaned"),
    "new": _l("New claims"),
    "user": _l("Reviewer"),
    "user_id": _l("Reviewer id"),
    "claim_ids": _l("Claims assigned"),
    "due_on": _l("Due date"),
    "format": _l("Format"),
    "bulk": _l("Several articles at once"),
    # an account, a token, a sign-in
    "email": _l("Email"),
    "display_name": _l("Name"),
    "role": _l("Role"),
    "active": _l("Active"),
    "locale": _l("Language of the pages"),
    "password": _l("Password"),
    "tokens_revoked": _l("API tokens revoked"),
    "everywhere": _l("On every device"),
    "second_factor": _l("Second factor"),
    "recovery_codes": _l("Recovery codes"),
    "name": _l("Name"),
    "expires_at": _l("Expires at"),
    "read_only": _l("Read only"),
    "revoked_at": _l("Revoked at"),
    # a webhook
    "url": _l("Address"),
    "events": _l("Events"),
    "description": _l("Description"),
    "secret": _l("Secret"),
    "delivery_id": _l("Delivery"),
    "next_attempt_at": _l("Next attempt at"),
    # a comment
    "body": _l("Comment"),
    "author_id": _l("Written by (id)"),
    "edited_at": _l("Edited at"),
    "deleted_at": _l("Deleted at"),
}
ORDER = {key: i for i, key in enumerate(FIELDS)}
ANCHORS = {  # text/anchoring.Anchor.kind, and "new" for a claim a corrected version added
    "unchanged": _l("found unchanged"),
    "moved": _l("found at another place"),
    "edited": _l("found with edited wording"),
    "orphaned": _l("not found (orphaned)"),
    "new": _l("new in this version"),
}
# Recorded values that are words, by field (the trail keeps the English code).
WORDS = {
    "password": {"changed": _l("changed")},
    "secret": {"rotated": _l("replaced by a new one")},
    "second_factor": {"totp": _l("authenticator code"), "recovery code": _l("recovery code")},
    "reason": {"bad credentials": _l("wrong e-mail or password"),
               "inactive": _l("the account is deactivated"),
               "second factor": _l("wrong or missing code")},
}  # fmt: skip
INPUT_KINDS = {"text": _l("pasted text"), "file": _l("uploaded file"), "url": _l("web page")}
UNDOABLE = {  # services.undo.UNDOABLE's actions, as the undo button names them
    "claim.split": _l("split of a claim"),
    "claim.merged": _l("merge of two claims"),
    "claim.excluded": _l("exclusion of a claim"),
    "claim.added": _l("added claim"),
}
VOCABULARY_KEYS = {"verdict": "verdict", "final_verdict": "verdict", "first_verdict": "verdict",
                   "status": "status", "speaker_type": "speaker_type", "role": "role"}  # fmt: skip
NUMBER_KEYS = {"start", "end", "chars", "claims", "version", "body_version", "unchanged", "moved",
               "edited", "orphaned", "new"}  # fmt: skip
NONE = "—"


def timeline(events: list[dict]) -> list[dict]:
    """The events as the page shows them: each with its sentence and its change lines."""
    return [
        dict(ev, shown_at=_when(ev["created_at"]), summary=summary(ev), lines=change_lines(ev))
        for ev in events
    ]


def summary(ev: dict) -> Markup:
    """What happened, in the page's language, the actor in bold (escaped)."""
    actor = Markup("<strong>%s</strong>") % ev["actor"]
    sentence = ACTIONS.get(ev["action"])
    if sentence is None:  # an action no page sentence knows: its code, as the trail has it
        return Markup("%s · %s") % (actor, ev["action"])
    return Markup(escape(str(sentence))) % {"actor": actor}


def change_lines(ev: dict) -> list[str]:
    """One "field: old → new" line per changed field (a field the event sets: "field: new";
    one it leaves empty, none)."""
    before, after = ev.get("before") or {}, ev.get("after") or {}
    lines = []
    for key in sorted(
        (set(before) | set(after)) - CONTEXT_KEYS, key=lambda k: (ORDER.get(k, len(ORDER)), k)
    ):
        old, new = before.get(key), after.get(key)
        if old == new or (key not in before and new in (None, "", [])):
            continue  # unchanged, or a new event's empty field: nothing to read
        if key == "revised_after_seen":
            if new is True:
                lines.append(_("revised after seeing the other reviews"))
            continue
        field = str(FIELDS.get(key, key))
        if key in before:
            lines.append(_("%(field)s: %(old)s → %(new)s", field=field, old=value(key, old),
                           new=value(key, new)))  # fmt: skip
        else:
            lines.append(_("%(field)s: %(value)s", field=field, value=value(key, new)))
    return lines


def value(key: str, v) -> str:
    """A field's value in the page's language: the vocabulary's words, dates, counts."""
    if v is None or v == "" or v == []:
        return NONE
    if v == HIDDEN:
        return _("(hidden until you submit your own review)")
    if key == "status" and v in ("pending", "delivered", "failed"):  # a webhook delivery's
        return label("delivery", v)
    if key in VOCABULARY_KEYS:
        return label(VOCABULARY_KEYS[key], v)
    if isinstance(v, str) and v in WORDS.get(key, {}):
        return str(WORDS[key][v])
    if key == "locale":
        return language_name(v)
    if key == "links" and isinstance(v, list):
        return ngettext("%(num)d link", "%(num)d links", len(v))
    if key == "claim_ids" and isinstance(v, list):
        return ngettext("%(num)d claim", "%(num)d claims", len(v))
    if key == "due_on":
        dates = v if isinstance(v, list) else [v]
        return ", ".join(day(d) if d else _("no due date") for d in dates)
    if key.endswith("_at") and isinstance(v, str):
        return _when(v)
    if key == "speaker_confidence" and isinstance(v, int | float):
        return format_percent(v)
    if key == "language":
        return language_name(v)
    if key == "anchor":
        return str(ANCHORS.get(v, v))
    if key == "input_kind":
        return str(INPUT_KINDS.get(v, v))
    if key == "undone_action":
        return str(UNDOABLE.get(v, v))
    if isinstance(v, dict):  # a claim an edit removed or restored: its number, else its id
        if v.get("number"):
            return _("claim %(seq)s", seq=v["number"])
        return f"#{v['id']}" if v.get("id") else NONE
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if key in NUMBER_KEYS and isinstance(v, int):
        return format_decimal(v)
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return _short(str(v))


def actor_name(label: str | None) -> str:
    """Who did it, as the trail names them: an e-mail as it is; nobody signed in, and the
    command line (system:<os user>), in the page's words."""
    if not label or label == "anonymous":
        return _("anonymous")
    if label.startswith("system:"):
        return _("command line (%(user)s)", user=label.removeprefix("system:"))
    return label


def action_name(action: str) -> str:
    """An action without its actor, for the audit page's filter: "Someone split the claim
    in two" (the History's sentence; the code itself when none is known)."""
    sentence = ACTIONS.get(action)
    if sentence is None:
        return action
    return str(sentence) % {"actor": pgettext("who did it", "Someone")}


def target(kind: str | None, target_id) -> str:
    """What an event is about: "claim 12", "account 3" (web/i18n.KINDS)."""
    if not kind:
        return ""
    name = kind_name(kind)
    return _("%(kind)s %(id)s", kind=name, id=target_id) if target_id is not None else name


def audit_row(ev) -> dict:
    """An audit page row's words: the sentence, the change lines, the target."""
    d = {"actor": actor_name(ev.actor_label), "action": ev.action, "before": ev.before,
         "after": ev.after}  # fmt: skip
    return {"summary": summary(d), "lines": change_lines(d), "actor": d["actor"],
            "target": target(ev.target_type, ev.target_id)}  # fmt: skip


def undo_label(action: str) -> str:
    """The undo button's name for the edit it reverses."""
    return str(UNDOABLE.get(action, action))


def _when(text: str) -> str:
    try:
        return utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return text


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"
