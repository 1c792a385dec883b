"""Webhook endpoint forms (admins). The service checks the URL's addresses and the events."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from factcheck.forms import translated
from factcheck.models import WebhookEvent

EVENT_CHOICES = {
    WebhookEvent.CLAIM_APPROVED.value: _l("A claim is approved (claim.approved)"),
    WebhookEvent.ARTICLE_APPROVED.value: _l("An article is approved (article.approved)"),
    WebhookEvent.REPORT_EXPORTED.value: _l("A report is exported (report.exported)"),
}


class EventsField(SelectMultipleField):
    """Checkboxes, one per event."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CreateEndpointForm(FlaskForm):
    url = StringField(_l("URL"), validators=[DataRequired(), Length(max=2048)])
    events = EventsField(_l("Events"), choices=translated(EVENT_CHOICES), validate_choice=False)
    description = StringField(_l("Description"), validators=[Length(max=200)])


class EditEndpointForm(FlaskForm):
    events = EventsField(_l("Events"), choices=translated(EVENT_CHOICES), validate_choice=False)
    description = StringField(_l("Description"), validators=[Length(max=200)])
    active = BooleanField(_l("Active (receives events)"))


class ActionForm(FlaskForm):
    """A button that changes something: CSRF token only."""
