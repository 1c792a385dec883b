"""CSV export: columns, RFC 4180 quoting and formula neutralisation (HOSTILE REV-14)."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.reports.formats.tabular import COLUMNS, is_formula, neutralise
from factcheck.reports.render import render

HEADER = (
    "article_id,article_title,report_status,seq,claim_id,start,end,text,statement,speaker,"
    "status,final_verdict,approval_note,approved_by,approved_at,excluded_reason,"
    "review_count,verdicts,evidence_urls"
)


def rows(report) -> list[dict[str, str]]:
    text = render(report, "csv").content.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_header_and_one_row_per_claim(draft_report):
    text = render(draft_report, "csv").content.decode("utf-8")
    assert text.split("\r\n", 1)[0] == HEADER == ",".join(COLUMNS)
    data = rows(draft_report)
    assert [r["seq"] for r in data] == ["1", "2", "3", "4"]
    first = data[0]
    assert first["report_status"] == "DRAFT"
    assert first["final_verdict"] == "confirmed"
    assert first["approved_at"] == "2024-05-02T15:01:00Z"
    assert first["verdicts"] == "confirmed;confirmed"
    assert first["evidence_urls"] == "https://police.example/annual-2023.pdf"
    assert data[1]["verdicts"] == "confirmed;disputed"
    assert data[2]["excluded_reason"] == "Opinion, not a checkable fact"
    assert data[3]["review_count"] == "0" and data[3]["final_verdict"] == ""


def test_final_status(final_report):
    assert {r["report_status"] for r in rows(final_report)} == {"FINAL"}


def test_offsets_match_the_body(final_report):
    for row in rows(final_report):
        assert final_report.body[int(row["start"]) : int(row["end"])] == row["text"]


@pytest.mark.parametrize(
    "payload",
    [
        '=HYPERLINK("http://x")',
        "+1+1",
        "-2+3",
        "@SUM(A1)",
        "\t=cmd",
        "\r=cmd",
        "\0@zero",
        " =1+1",
        "-1+cmd|' /C calc'!A0",
        "- a bullet point",
        "=cmd|' /C calc'!A0",
    ],
)
def test_formula_cells_are_neutralised(final_report, payload):
    claim = dataclasses.replace(
        final_report.claims[0], approval_note=payload + '\n"q", x', speaker=payload
    )
    report = dataclasses.replace(final_report, title=payload, claims=(claim,))
    row = rows(report)[0]
    for column in ("article_title", "speaker"):
        assert row[column] == "'" + payload
    assert row["approval_note"] == "'" + payload + '\n"q", x'


def test_utf8_quotes_and_newlines_round_trip(final_report):
    title = 'Zoë says "hi", then\r\nleaves; 🚓'
    report = dataclasses.replace(final_report, title=title)
    assert rows(report)[0]["article_title"] == title


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_any_text_round_trips_neutralised(value):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(value), "end"])
    [cell, end] = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert end == "end"
    assert not is_formula(cell)
    assert cell in (value, "'" + value)


@pytest.mark.parametrize(
    "value",
    [
        "-3",
        "+1.5",
        "-12%",
        "-0.25",
        "+1,000",
        "1e-3",
        "\tplain",
        "Prices rose",
        "'quoted",
        "a=b",
        "email@example.org",
    ],
)
def test_numbers_and_text_are_left_as_they_are(final_report, value):
    # Before: every cell starting with - or + (a negative number) got a leading quote.
    claim = dataclasses.replace(final_report.claims[0], speaker=value)
    assert rows(dataclasses.replace(final_report, claims=(claim,)))[0]["speaker"] == value


def test_bom_on_the_web_page_by_default_and_on_request_in_the_api(
    app, make_article, make_user, login, api_as
):
    # Before: no BOM anywhere, so Excel showed UTF-8 as mojibake.
    article = make_article(text="Zoë said prices rose 5% in 2021. Unemployment fell to 3.9%.\n")
    user = make_user("reviewer")
    c = login(user)
    web = c.get(f"/articles/{article.id}/export?format=csv")
    assert web.data.startswith(b"\xef\xbb\xbf") and "Zoë" in web.data.decode("utf-8-sig")
    assert not c.get(f"/articles/{article.id}/export?format=csv&bom=0").data.startswith(b"\xef")
    api = api_as(user)
    assert not api.get(f"/articles/{article.id}/export?format=csv").data.startswith(b"\xef")
    assert api.get(f"/articles/{article.id}/export?format=csv&bom=1").data.startswith(
        b"\xef\xbb\xbf"
    )
    html = c.get(f"/articles/{article.id}/export?format=html").data
    assert not html.startswith(b"\xef")  # only CSV gets one
