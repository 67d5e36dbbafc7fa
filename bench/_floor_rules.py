"""``claim_floor.py --rules``: the floor server running datamill's own SQL for a claim and a submit.

The bare floor (``claim_floor.Floor``) runs one statement per claim and two per submit on three
tables of its own. This one runs, on a database migrated and filled by datamill itself
(``claim_latency.prepare``), the very statements datamill's hot lane sends for one annotator's
claim and submit, in the same transactions, captured from SQLAlchemy's ``before_cursor_execute``
on 2026-12-07 (SQLite; the PostgreSQL forms differ only in their placeholders, ``FOR UPDATE SKIP
LOCKED`` on the pick and no ``BEGIN IMMEDIATE``): per cycle two token lookups, one combined read
of what the claim must know (membership, clearance, a task already held, packages, surveying,
worker record, qualification test, spec), the pick, the conditional claim, the hold, the item;
then the task and its item, the submit's combined read, the hold closed, the draft dropped, the
versions read, the annotation, the counter, the review task opened, the item moved on, the
audit trail's head and the hash-chained audit record (SHA-256 and HMAC computed as datamill
does: the same JSON and "record:" message). 20 statements and 4 transactions, as datamill.

What it leaves out is everything Python around them: FastAPI, SQLAlchemy's session, ORM
objects, pydantic models, the permission and modality code (the payload is only parsed and
dumped again). So datamill's cycle minus this floor's is what datamill's Python costs, and this
floor's distance to the goal is what its rules' SQL costs on this machine.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

_MEMBER_ROLES = ("annotator", "inspector", "reviewer", "vendor_manager", "vendor_worker")

TOKEN = (
    "SELECT api_tokens.revoked_at, api_tokens.expires_at, users.id, users.username, "
    "users.display_name, users.password_hash, users.role, users.vendor_id, users.is_active, "
    "users.created_at FROM api_tokens LEFT OUTER JOIN users ON users.id = api_tokens.user_id "
    "WHERE api_tokens.token_sha256 = ? LIMIT ? OFFSET ?")
CLAIM_AHEAD = (
    "SELECT EXISTS (SELECT * FROM projects WHERE projects.id = ?) AS anon_1, EXISTS (SELECT * "
    "FROM project_members WHERE project_members.project_id = ? AND project_members.user_id = ? "
    "AND (project_members.via_vendor_id IS NULL OR (EXISTS (SELECT * FROM users WHERE users.id = "
    "project_members.user_id AND users.role IN (?, ?, ?, ?, ?))))) AS anon_2, (SELECT "
    "project_classification.level FROM project_classification WHERE "
    "project_classification.project_id = ?) AS anon_3, (SELECT user_clearance.level FROM "
    "user_clearance WHERE user_clearance.user_id = ?) AS anon_4, (SELECT tasks.id FROM tasks JOIN "
    "task_assignments ON task_assignments.task_id = tasks.id WHERE task_assignments.user_id = ? "
    "AND task_assignments.status IN ('claimed', 'returned') AND tasks.project_id = ? AND "
    "tasks.stage = ? AND tasks.status = ? ORDER BY task_assignments.status DESC, tasks.id LIMIT 1 "
    "OFFSET ?) AS anon_5, EXISTS (SELECT * FROM work_packages WHERE work_packages.assignee_id = ? "
    "AND work_packages.project_id = ? AND work_packages.stage = ? AND work_packages.status != ?) "
    "AS anon_6, EXISTS (SELECT * FROM item_classification WHERE item_classification.project_id "
    "= ?) AS anon_7, (SELECT surveying_requirements.required FROM surveying_requirements WHERE "
    "surveying_requirements.project_id = ?) AS anon_8, (SELECT wf_workers.id FROM wf_workers "
    "WHERE wf_workers.user_id = ? LIMIT ? OFFSET ?) AS anon_9, (SELECT wf_qualification_tests.id "
    "FROM wf_qualification_tests WHERE wf_qualification_tests.project_id = ? LIMIT ? OFFSET ?) AS "
    "anon_10, (SELECT projects.spec FROM projects WHERE projects.id = ?) AS anon_11")
PICK = (
    "SELECT tasks.id FROM tasks LEFT OUTER JOIN work_packages ON work_packages.id = "
    "tasks.package_id WHERE tasks.kind = ? AND tasks.project_id = ? AND tasks.stage = ? AND "
    "tasks.status = ? AND tasks.active_claims < tasks.overlap AND NOT (EXISTS (SELECT * FROM "
    "task_assignments WHERE task_assignments.task_id = tasks.id AND task_assignments.user_id = ?)) "
    "AND work_packages.assignee_id IS NULL AND work_packages.vendor_id IS NULL ORDER BY tasks.id "
    "LIMIT 1 OFFSET ?")
WIN = (
    "UPDATE tasks SET active_claims=(tasks.active_claims + ?) WHERE tasks.id = ? AND "
    "tasks.active_claims < tasks.overlap AND tasks.status = ? RETURNING id, project_id, item_id, "
    "stage, kind, package_id, status, overlap")
HOLD = "INSERT INTO task_assignments (task_id, user_id, status, claimed_at) VALUES (?, ?, ?, ?)"
ITEM = (
    "SELECT items.id, items.external_id, items.attributes, items.prompt, items.current_version, "
    "items.current_annotation_id FROM items WHERE items.id = ?")
TASK_AND_ITEM = (
    "SELECT tasks.id, tasks.project_id, tasks.item_id, tasks.stage, tasks.kind, tasks.package_id, "
    "tasks.status, tasks.overlap, tasks.active_claims, tasks.submissions, tasks.created_at, "
    "items.id AS id_1, items.project_id AS project_id_1, items.external_id, items.sha256, "
    "items.filename, items.size_bytes, items.status AS status_1, items.owner, items.attributes, "
    "items.volume, items.prompt, items.meta, items.reject_reasons, items.current_annotation_id, "
    "items.current_version, items.import_run_id, items.created_at AS created_at_1, "
    "items.source_uri, items.supplier_vendor_id, items.superseded_by FROM tasks LEFT OUTER JOIN "
    "items ON items.id = tasks.item_id WHERE tasks.id = ?")
SUBMIT_AHEAD = (
    "SELECT EXISTS (SELECT * FROM project_members WHERE project_members.project_id = ? AND "
    "project_members.user_id = ? AND (project_members.via_vendor_id IS NULL OR (EXISTS (SELECT * "
    "FROM users WHERE users.id = project_members.user_id AND users.role IN (?, ?, ?, ?, ?))))) AS "
    "anon_1, (SELECT project_classification.level FROM project_classification WHERE "
    "project_classification.project_id = ?) AS anon_2, (SELECT user_clearance.level FROM "
    "user_clearance WHERE user_clearance.user_id = ?) AS anon_3, (SELECT task_assignments.id FROM "
    "task_assignments WHERE task_assignments.task_id = ? AND task_assignments.user_id = ?) AS "
    "anon_4, (SELECT task_assignments.status FROM task_assignments WHERE task_assignments.task_id "
    "= ? AND task_assignments.user_id = ?) AS anon_5, (SELECT projects.modality FROM projects "
    "WHERE projects.id = ?) AS anon_6, (SELECT projects.spec FROM projects WHERE projects.id = ?) "
    "AS anon_7")
CLOSE_HOLD = (
    "UPDATE task_assignments SET status=?, submitted_at=? WHERE task_assignments.id = ? AND "
    "task_assignments.status IN (?, ?)")
DROP_DRAFT = "DELETE FROM web_drafts WHERE web_drafts.task_id = ? AND web_drafts.user_id = ?"
VERSIONS = (
    "SELECT items.current_version, items.current_annotation_id, (SELECT annotations.version FROM "
    "annotations WHERE annotations.item_id = ? ORDER BY annotations.version DESC LIMIT ? OFFSET "
    "?) AS anon_1, (SELECT annotations.id FROM annotations WHERE annotations.item_id = ? AND "
    "annotations.kind = ? ORDER BY annotations.version DESC LIMIT ? OFFSET ?) AS anon_2 FROM "
    "items WHERE items.id = ?")
ANNOTATION = (
    "INSERT INTO annotations (item_id, version, parent_id, task_id, stage, kind, author_id, model, "
    "preannotation_id, payload, text, time_spent_ms, created_at, aggregation_method, confidence) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
COUNT = (
    "UPDATE tasks SET status=CASE WHEN (tasks.overlap <= ? AND tasks.submissions + ? >= "
    "tasks.overlap) THEN ? ELSE tasks.status END, submissions=(tasks.submissions + ?) WHERE "
    "tasks.id = ? AND tasks.status = ? RETURNING submissions, overlap, status")
OPEN_REVIEW = (
    "UPDATE tasks SET status=? WHERE tasks.item_id = ? AND tasks.stage = ? AND tasks.kind = ?")
MOVE_ITEM = (
    "UPDATE items SET status=?, current_annotation_id=?, current_version=? WHERE items.id = ?")
AUDIT_HEAD = (
    "SELECT audit_records.record_hash, audit_records.record_hmac, (SELECT "
    "max(audit_checkpoints.record_id) AS max_1 FROM audit_checkpoints) AS anon_1 FROM "
    "audit_records ORDER BY audit_records.id DESC LIMIT ? OFFSET ?")
AUDIT = (
    "INSERT INTO audit_records (at, actor_id, action, object_type, object_id, project_id, data, "
    "prev_hash, record_hash, record_hmac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")

_GENESIS = "0" * 64
_AUDIT_KEY = b"floor-audit-key"


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


class Transactions:
    """A floor's transaction on its one connection: SQLite's ``BEGIN IMMEDIATE`` (the
    connection is in autocommit mode), PostgreSQL's implicit one; then its commit."""

    pg: bool
    conn: Any

    def _begin(self, cur: Any) -> None:
        if not self.pg:
            cur.execute("BEGIN IMMEDIATE")

    def _commit(self, cur: Any) -> None:
        if self.pg:
            self.conn.commit()
        else:
            cur.execute("COMMIT")


class RulesFloor(Transactions):
    """One worker process's connection and datamill's statements (``claim_floor.Floor``'s
    interface: ``users``, ``claim``, ``submit``)."""

    def __init__(self, db_url: str, project_id: int) -> None:
        self.pg = not db_url.startswith("sqlite")
        self.project = project_id
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(db_url.replace("postgresql+psycopg", "postgresql"))
            self.sql = {name: _pg(text) for name, text in _STATEMENTS.items()}
            self.sql["PICK"] += " FOR UPDATE OF tasks SKIP LOCKED"
        else:
            import sqlite3

            self.conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None,
                                        check_same_thread=False, timeout=60)
            for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON",
                           "synchronous=NORMAL"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.sql = dict(_STATEMENTS)
        # the token check the floor's app makes: datamill's lookup runs in claim and submit
        self.users = _AnyBearer()

    def _user(self, cur: Any, bearer: bytes) -> int | None:
        digest = hashlib.sha256(bearer.removeprefix(b"Bearer ")).hexdigest()
        cur.execute(self.sql["TOKEN"], (digest, 1, 0))
        row = cur.fetchone()
        if self.pg:
            self.conn.commit()  # datamill reads the token in its own (autocommit) read
        return None if row is None or row[0] is not None or not row[8] else int(row[2])

    def claim(self, bearer: bytes) -> dict[str, Any] | None:
        cur = self.conn.cursor()
        user = self._user(cur, bearer)
        if user is None:
            return None
        p, s = self.project, self.sql
        self._begin(cur)
        cur.execute(s["CLAIM_AHEAD"], (p, p, user, *_MEMBER_ROLES, p, user, user, p, "annotate",
                                       "open", 0, user, p, "annotate", "done", p, p, user, 1, 0,
                                       p, 1, 0, p))
        ahead = cur.fetchone()
        if not ahead[0] or not ahead[1]:
            self._commit(cur)
            return None
        cur.execute(s["PICK"], ("work", p, "annotate", "open", user, 0))
        picked = cur.fetchone()
        if picked is None:
            self._commit(cur)
            return None
        cur.execute(s["WIN"], (1, picked[0], "open"))
        won = cur.fetchone()
        cur.execute(s["HOLD"], (won[0], user, "claimed", datetime.now(UTC).isoformat(" ")))
        cur.execute(s["ITEM"], (won[2],))
        item = cur.fetchone()
        self._commit(cur)
        attributes = item[2] if isinstance(item[2], dict) else json.loads(item[2])
        return {"id": won[0], "item_id": won[2], "external_id": item[1], "prompt": item[3],
                "duration_ms": attributes.get("duration_ms"), "current_version": item[4],
                "stage": won[3], "status": won[6]}

    def submit(self, task_id: int, bearer: bytes, body: bytes) -> bool:
        cur = self.conn.cursor()
        user = self._user(cur, bearer)
        if user is None:
            return False
        s = self.sql
        cur.execute(s["TASK_AND_ITEM"], (task_id,))
        task = cur.fetchone()
        if task is None:
            return False
        p, item = task[1], task[2]
        cur.execute(s["SUBMIT_AHEAD"], (p, user, *_MEMBER_ROLES, p, user, task_id, user, task_id,
                                        user, p, p))
        ahead = cur.fetchone()
        if self.pg:
            self.conn.commit()
        if not ahead[0] or ahead[3] is None or ahead[4] != "claimed":
            return False
        submitted = json.loads(body)
        payload = json.dumps(submitted["segments"])
        text = " ".join(seg["text"] for seg in submitted["segments"])
        now = datetime.now(UTC)
        self._begin(cur)
        cur.execute(s["CLOSE_HOLD"], ("submitted", now.isoformat(" "), ahead[3], "claimed",
                                      "returned"))
        cur.execute(s["DROP_DRAFT"], (task_id, user))
        cur.execute(s["VERSIONS"], (item, 1, 0, item, "preannotation", 1, 0, item))
        versions = cur.fetchone()
        version = (versions[2] or 0) + 1
        cur.execute(s["ANNOTATION"], (item, version, None, task_id, "annotate", "annotation", user,
                                      None, None, payload, text, submitted.get("time_spent_ms"),
                                      now.isoformat(" "), None, None))
        annotation = cur.fetchone()[0]
        cur.execute(s["COUNT"], (1, 1, "done", 1, task_id, "open"))
        counted = cur.fetchone()
        if counted is None:
            self.conn.rollback() if self.pg else cur.execute("ROLLBACK")
            return False
        cur.execute(s["OPEN_REVIEW"], ("open", item, "review", "work"))
        cur.execute(s["MOVE_ITEM"], ("in_review", annotation, version, item))
        cur.execute(s["AUDIT_HEAD"], (1, 0))
        head = cur.fetchone()
        prev = head[0] if head else _GENESIS
        fields = {"task_id": task_id, "version": version}
        data = json.dumps(fields, sort_keys=True)
        second = now.replace(microsecond=0)
        # as compliance/audit.py's _digest and _record_mac: the record as sorted JSON after the
        # previous hash, and the MAC over "record:<hash>"
        canonical = json.dumps({"at": second.isoformat(), "actor_id": user, "action": "annotation.submitted",
                           "object_type": "item", "object_id": item, "project_id": p,
                           "data": fields}, sort_keys=True, default=str)
        record = hashlib.sha256((prev + canonical).encode()).hexdigest()
        mac = hmac.new(_AUDIT_KEY, f"record:{record}".encode(), hashlib.sha256).hexdigest()
        at = second.isoformat(" ")
        cur.execute(s["AUDIT"], (at, user, "annotation.submitted", "item", item, p, data, prev,
                                 record, mac))
        cur.fetchone()
        self._commit(cur)
        return True


class _AnyBearer(dict[bytes, bytes]):
    """The floor app's ``users`` lookup: every bearer header passes through to the statements
    (datamill's token lookup is one of them)."""

    def get(self, key: bytes, default: Any = None) -> bytes:
        return key


_STATEMENTS = {name: value for name, value in globals().items()
               if name.isupper() and isinstance(value, str) and not name.startswith("_")}
