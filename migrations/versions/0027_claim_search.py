"""search over every claim's wording, speaker and review notes (the desk's search page)

Revision ID: 0027_claim_search
Revises: 0026_claim_comments
Create Date: 2026-12-03

0003's index covers approved claims only (the "previously checked" lookup); this one covers
every claim, in any language, accents folded (the desk works in en/es/fr/de/pt), and keeps a
claim's own words apart from each review's note, so that search can honour blind review:
a note counts only for those who may read it (services/search.py).

SQLite: one FTS5 table, claim_search (unicode61, diacritics removed). A claim is the row
rowid = claim id (text, statement, speaker); a review is the row rowid = -review id (note,
with the claim and the reviewer unindexed). Triggers on claims and reviews keep it in step.
PostgreSQL: GIN indexes over to_tsvector('simple', claim_search_fold(...)) on claims
(text, statement, speaker) and on reviews (note); claim_search_fold lower-cases and strips
the accents of the desk's languages (translate: immutable, no extension needed).
"""

from alembic import op

revision = "0027_claim_search"
down_revision = "0026_claim_comments"
branch_labels = None
depends_on = None

_CLAIM_ROW = "new.id, new.id, NULL, new.text, new.statement, new.speaker, NULL"
_REVIEW_ROW = "-new.id, new.claim_id, new.reviewer_id, NULL, NULL, NULL, new.note"
_COLUMNS = "rowid, claim_id, reviewer_id, text, statement, speaker, note"
SQLITE = [
    "CREATE VIRTUAL TABLE claim_search USING fts5(claim_id UNINDEXED, reviewer_id UNINDEXED, "
    "text, statement, speaker, note, tokenize='unicode61 remove_diacritics 2')",
    f"""CREATE TRIGGER claim_search_claim_insert AFTER INSERT ON claims BEGIN
         INSERT INTO claim_search({_COLUMNS}) VALUES ({_CLAIM_ROW});
       END""",
    f"""CREATE TRIGGER claim_search_claim_update AFTER UPDATE OF text, statement, speaker ON claims
       BEGIN
         DELETE FROM claim_search WHERE rowid = old.id;
         INSERT INTO claim_search({_COLUMNS}) VALUES ({_CLAIM_ROW});
       END""",
    """CREATE TRIGGER claim_search_claim_delete AFTER DELETE ON claims BEGIN
         DELETE FROM claim_search WHERE rowid = old.id;
       END""",
    f"""CREATE TRIGGER claim_search_review_insert AFTER INSERT ON reviews BEGIN
         INSERT INTO claim_search({_COLUMNS}) VALUES ({_REVIEW_ROW});
       END""",
    f"""CREATE TRIGGER claim_search_review_update AFTER UPDATE OF note, claim_id, reviewer_id
       ON reviews BEGIN
         DELETE FROM claim_search WHERE rowid = -old.id;
         INSERT INTO claim_search({_COLUMNS}) VALUES ({_REVIEW_ROW});
       END""",
    """CREATE TRIGGER claim_search_review_delete AFTER DELETE ON reviews BEGIN
         DELETE FROM claim_search WHERE rowid = -old.id;
       END""",
    f"""INSERT INTO claim_search({_COLUMNS})
       SELECT id, id, NULL, text, statement, speaker, NULL FROM claims""",
    f"""INSERT INTO claim_search({_COLUMNS})
       SELECT -id, claim_id, reviewer_id, NULL, NULL, NULL, note FROM reviews""",
]
SQLITE_TRIGGERS = [f"claim_search_{t}_{e}" for t in ("claim", "review")
                   for e in ("insert", "update", "delete")]  # fmt: skip

# Lower case, then the accented letters of en/es/fr/de/pt (and their neighbours) to the bare
# ones; ß and æ/œ by replace (translate maps one letter to one).
_FROM = "àáâãäåāăąçćčèéêëēėęěìíîïīįñńňòóôõöøōőùúûüūůűųýÿžźż"
_TO = "aaaaaaaaaccceeeeeeeeiiiiiinnnoooooooouuuuuuuuyyzzz"
assert len(_FROM) == len(_TO)
POSTGRES = [
    f"""CREATE FUNCTION claim_search_fold(value text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$
         SELECT replace(replace(replace(translate(lower(value), '{_FROM}', '{_TO}'),
                'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe')
       $$""",
    """CREATE INDEX ix_claim_search_claims ON claims USING gin (to_tsvector('simple',
         claim_search_fold(coalesce(text, '') || ' ' || coalesce(statement, '') || ' '
                           || coalesce(speaker, ''))))""",
    """CREATE INDEX ix_claim_search_reviews ON reviews
       USING gin (to_tsvector('simple', claim_search_fold(note)))""",
]


def upgrade():
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_claim_search_reviews")
        op.execute("DROP INDEX IF EXISTS ix_claim_search_claims")
        op.execute("DROP FUNCTION IF EXISTS claim_search_fold(text)")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claim_search")
