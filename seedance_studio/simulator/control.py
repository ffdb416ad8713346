"""`/_sim/*`: drive a simulator from another process (inject, counts, requests, reset)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from seedance_studio.simulator.faults import Fault
from seedance_studio.simulator.http import Request, Response
from seedance_studio.simulator.jobs import Outcome

if TYPE_CHECKING:
    from seedance_studio.simulator.server import App


def _body(req: Request) -> dict[str, Any]:
    if not req.body:
        return {}
    data = json.loads(req.body)
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


def _fault_from(body: dict[str, Any]) -> Fault:
    nested = body.get("fault")
    if isinstance(nested, dict):
        return Fault.from_json(nested)
    flat = {k: v for k, v in body.items() if k not in {"provider", "endpoint", "times", "fault"}}
    return Fault.from_json(flat)


def handle(app: App, req: Request) -> Response:
    """Answer one control request; mistakes come back as 400 `{"error": ...}`."""
    try:
        return _route(app, req)
    except (ValueError, KeyError, TypeError) as exc:
        return Response.json({"error": f"{type(exc).__name__}: {exc}"}, 400)


def _route(app: App, req: Request) -> Response:
    state = app.state
    action = req.path.removeprefix("/_sim/").strip("/")
    body = _body(req) if req.method == "POST" else {}
    if (req.method, action) == ("POST", "inject"):
        fault = _fault_from(body)
        state.faults.add(
            str(body["provider"]), str(body["endpoint"]), fault, int(body.get("times", 1))
        )
        return Response.json({"ok": True, "fault": fault.to_json()})
    if (req.method, action) == ("GET", "counts"):
        return Response.json(state.counts())
    if (req.method, action) == ("GET", "requests"):
        provider = req.query.get("provider")
        endpoint = req.query.get("endpoint")
        recs = [r.to_json() for r in state.requests(provider) if endpoint in (None, r.endpoint)]
        return Response.json(recs)
    if (req.method, action) == ("POST", "reset"):
        state.reset(keep_jobs=bool(body.get("keep_jobs", False)))
        return Response.json({"ok": True})
    if (req.method, action) == ("GET", "jobs"):
        return Response.json([job.to_json() for job in state.jobs.all()])
    if (req.method, action) == ("GET", "faults"):
        return Response.json(state.faults.pending())
    if (req.method, action) == ("POST", "outcome"):
        outcome = Outcome(body["outcome"])
        message = body.get("message")
        job_id = body.get("job_id")
        if job_id:
            state.jobs.set_outcome(str(job_id), outcome, message)
        else:
            state.set_default_outcome(str(body.get("provider", "*")), outcome, message)
        return Response.json({"ok": True})
    if (req.method, action) == ("POST", "configure"):
        state.configure(str(body["provider"]), **dict(body.get("options", {})))
        return Response.json({"ok": True})
    if (req.method, action) == ("GET", "health"):
        return Response.json({"ok": True, "url": state.url})
    return Response.json({"error": f"unknown control endpoint {req.method} /_sim/{action}"}, 404)
