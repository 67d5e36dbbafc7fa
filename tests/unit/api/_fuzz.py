"""Schema-driven fuzzing of the HTTP API with schemathesis (shared by the test and the tally).

``seeded_app`` builds the in-process ASGI app over a fresh SQLite runtime holding an admin (whose
bearer token the cases send), a project manager, a project and a vendor, so that generated ids
sometimes hit real rows. ``tally`` runs every operation for ``max_examples`` cases without
stopping at the first failure and counts what schemathesis finds: server errors (5xx) and
responses the schema does not document (status code, content type, body shape).

Run ``python -m tests.unit.api._fuzz`` for the counts (with ``PYTHONPATH=src``).
"""

from __future__ import annotations

import collections
import dataclasses
from pathlib import Path
from typing import Any

from datamill.runtime import Runtime

OPENAPI = "/api/v1/openapi.json"
SPEC = {
    "name": "fuzz-asr",
    "modality": "speech.asr",
    "language": "en-US",
    "project_type": "custom_service",
    "stages": ["annotate", "review"],
    "package_size": 2,
    "sampling": {"inspection_level": "II", "aql": 2.5},
    "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
    "requirements": {},
}


@dataclasses.dataclass
class Seeded:
    app: Any
    runtime: Runtime
    headers: dict[str, str]


def seeded_app(tmp: Path) -> Seeded:
    """A migrated SQLite runtime with an admin token, a PM, a project and a vendor."""
    from datamill.compliance.users import create_token, create_user
    from datamill.production.projects import create_project
    from datamill.server import create_app
    from datamill.testing.fixtures import make_runtime
    from datamill.workforce.vendors import create_vendor

    rt = make_runtime(tmp, "sqlite")
    with rt.session() as s:
        admin = create_user(s, "admin", "password1", "admin")
        create_user(s, "pm", "password1", "project_manager")
        create_user(s, "ann1", "password1", "annotator")
        token = create_token(s, admin, "fuzz")
        create_project(s, SPEC, actor_id=admin.id)
        create_vendor(s, admin, name="Acme", kind="company", fee_rate="0.08")
    return Seeded(_like_a_server(create_app(rt)), rt, {"Authorization": f"Bearer {token}"})


def _like_a_server(app: Any) -> Any:
    """Swallow an exception the app re-raises after answering 500, as uvicorn does.

    Starlette re-raises unhandled errors once its 500 response is sent so that servers can log
    them; the in-process client would otherwise turn that 500 into an exception.
    """

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, tracking_send)
        except Exception:
            if not started:
                raise

    return wrapped


def load_schema(app: Any, max_examples: int) -> Any:
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    config = SchemathesisConfig.from_dict(
        {"generation": {"max-examples": max_examples}, "phases": {"stateful": {"enabled": False}}}
    )
    return schemathesis.openapi.from_asgi(OPENAPI, app, config=config)


CHECKS_ALL = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


def checks(names: tuple[str, ...] = CHECKS_ALL) -> list[Any]:
    from schemathesis import checks as st_checks

    return [getattr(st_checks, name) for name in names]


def tally(seeded: Seeded, max_examples: int = 25, seed: int = 0) -> dict[str, Any]:
    """Run every operation; count failures by kind and unique (operation, status) pairs."""
    import hypothesis
    from hypothesis import HealthCheck
    from schemathesis.core.failures import FailureGroup

    schema = load_schema(seeded.app, max_examples)
    kinds: collections.Counter[str] = collections.Counter()
    server_errors: set[tuple[str, int]] = set()
    undocumented_codes: set[tuple[str, int]] = set()
    undocumented_types: set[tuple[str, str]] = set()
    samples: dict[str, str] = {}
    calls = 0
    def record(case: Any, response: Any, group: Any) -> None:
        label = case.operation.label
        for failure in group.exceptions:
            kind = type(failure).__name__
            kinds[kind] += 1
            code = response.status_code
            ctype = response.headers.get("content-type", [""])
            ctype = ctype[0] if isinstance(ctype, list) else ctype
            if code >= 500:
                server_errors.add((label, code))
                samples.setdefault(label, f"{case.path_parameters} {case.body!r:.120}")
            elif kind == "UndefinedStatusCode":
                undocumented_codes.add((label, code))
            elif kind == "UndefinedContentType":
                undocumented_types.add((label, ctype.split(";")[0]))

    def run(case: Any) -> None:
        nonlocal calls
        calls += 1
        response = case.call(headers=seeded.headers)
        try:
            case.validate_response(response, checks=checks(), headers=seeded.headers)
        except FailureGroup as group:
            record(case, response, group)

    settings = hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    for result in schema.get_all_operations():
        op = result.ok()
        settings(hypothesis.given(case=op.as_strategy())(run))()
    return {
        "operations": len(list(schema.get_all_operations())),
        "calls": calls,
        "failures_by_kind": dict(kinds),
        "server_errors": sorted(server_errors),
        "undocumented_status_codes": sorted(undocumented_codes),
        "undocumented_content_types": sorted(undocumented_types),
        "server_error_samples": samples,
    }


def main() -> None:
    import json
    import sys
    import tempfile
    import time

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        seeded = seeded_app(Path(tmp))
        try:
            report = tally(seeded, n)
        finally:
            seeded.runtime.close()
    report["seconds"] = round(time.monotonic() - t0, 1)
    report["counts"] = {
        "server_error_pairs": len(report["server_errors"]),
        "undocumented_status_code_pairs": len(report["undocumented_status_codes"]),
        "undocumented_content_type_pairs": len(report["undocumented_content_types"]),
    }
    sys.stdout.write(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
