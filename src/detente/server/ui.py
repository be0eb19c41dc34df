"""Server-rendered browser pages (Jinja2 + HTMX, no build step) over :mod:`detente.server.service`.

A browser session is an HttpOnly, SameSite=Strict cookie holding an opaque token; every POST carries
the session's CSRF token (a hidden form field, or the ``X-CSRF-Token`` header HTMX sends).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from detente.server import security, service
from detente.server.api import Id, Writes, client_address, get_db, login_user
from detente.server.models import Token, User

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
COOKIE = "detente_session"
DB = Annotated[Session, Depends(get_db)]


def session_user(request: Request, db: DB) -> tuple[User, Token]:
    token = request.cookies.get(COOKIE)
    found = security.user_for_token(db, token, "session") if token else None
    if found is None:
        raise HTTPException(303, headers={"Location": "/login"})
    return found


Sess = Annotated[tuple[User, Token], Depends(session_user)]


async def check_csrf(request: Request, sess: tuple[User, Token]) -> None:
    given = request.headers.get("x-csrf-token")
    if given is None:
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not security.csrf_ok(sess[1].csrf, given):
        raise HTTPException(403, "missing or wrong CSRF token; reload the page")


def page(request: Request, name: str, sess: tuple[User, Token] | None, **ctx: Any) -> HTMLResponse:
    user = sess[0] if sess else None
    csrf = sess[1].csrf if sess else None
    return templates.TemplateResponse(request, name, {"user": user, "csrf": csrf, **ctx})


def _error(request: Request, sess: tuple[User, Token], exc: service.ServiceError) -> HTMLResponse:
    resp = page(request, "error.html", sess, message=exc.message)
    resp.status_code = exc.status
    return resp


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html", None, error=None)


@router.post("/login")
def login(
    _lock: Writes,
    request: Request,
    db: DB,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    try:
        user = login_user(db, username, password, client_address(request))
    except HTTPException as exc:
        failed = page(request, "login.html", None, error=exc.detail)
        failed.status_code = exc.status_code
        return failed
    token, _ = security.issue_token(db, user, "session")
    service.audit(db, user, "login-browser")
    db.commit()
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=bool(request.app.state.secure_cookies),
        max_age=int(security.TOKEN_TTL.total_seconds()), path="/",
    )  # fmt: skip
    return resp


@router.post("/logout")
async def logout(_lock: Writes, request: Request, db: DB, sess: Sess) -> Response:
    await check_csrf(request, sess)
    token = request.cookies.get(COOKIE)
    if token:
        security.revoke(db, token)
        db.commit()
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: DB, sess: Sess) -> HTMLResponse:
    return page(request, "home.html", sess, negotiations=service.negotiations_of(db, sess[0]))


@router.get("/n/{nid}", response_class=HTMLResponse)
def overview(request: Request, nid: Id, db: DB, sess: Sess) -> HTMLResponse:
    try:
        neg, member = service.require_member(db, sess[0], nid)
        proposals = service.list_proposals(db, sess[0], nid)
    except service.ServiceError as exc:
        return _error(request, sess, exc)
    from detente.server import ledger

    try:
        status = ledger.ledger_status_doc(db, sess[0], nid, None)
    except service.NotFound:
        status = None
    return page(
        request,
        "negotiation.html",
        sess,
        n=service.public_view(neg),
        member=member,
        proposals=proposals,
        ledger=status,
    )


@router.get("/n/{nid}/ledger.jsonl")
def ledger_export(request: Request, nid: Id, db: DB, sess: Sess) -> Response:
    from detente.server import ledger

    try:
        text = ledger.ledger_text(db, sess[0], nid)
    except service.ServiceError as exc:
        return _error(request, sess, exc)
    return Response(text, media_type="application/jsonl",
                    headers={"Content-Disposition": f'attachment; filename="negotiation-{nid}.ledger"'})  # fmt: skip


@router.get("/n/{nid}/valuations", response_class=HTMLResponse)
def valuations(request: Request, nid: Id, db: DB, sess: Sess) -> HTMLResponse:
    try:
        neg, member = service.require_member(db, sess[0], nid)
        if member.party is None:
            raise service.Forbidden("only a party's delegates have valuations to edit")
        val = service.get_valuation(db, sess[0], nid, member.party)
        proposals = service.list_proposals(db, sess[0], nid)
    except service.ServiceError as exc:
        return _error(request, sess, exc)
    return page(
        request,
        "valuations.html",
        sess,
        n=service.public_view(neg),
        member=member,
        val=val,
        proposals=proposals,
        saved=False,
    )


@router.post("/n/{nid}/valuations", response_class=HTMLResponse)
async def save_valuations(_lock: Writes, request: Request, nid: Id, db: DB, sess: Sess) -> HTMLResponse:
    await check_csrf(request, sess)
    form = await request.form()
    try:
        _, member = service.require_member(db, sess[0], nid)
        if member.party is None:
            raise service.Forbidden("only a party's delegates have valuations to edit")
        values: dict[str, dict[str, float]] = {}
        reservation: float | None = None
        for key, raw in form.items():
            if not isinstance(raw, str) or key == "csrf":
                continue
            try:
                number = float(raw)
            except ValueError:
                raise service.Invalid(f"{key}: not a number") from None
            if key == "reservation":
                reservation = number
            elif key.startswith("v|"):
                _, move, option = key.split("|", 2)
                values.setdefault(move, {})[option] = number
        service.put_valuation(db, sess[0], nid, member.party, values, reservation)
        db.commit()
    except service.ServiceError as exc:
        return HTMLResponse(
            f'<p class="error" role="alert">Not saved: {_esc(exc.message)}</p>', status_code=exc.status
        )
    return HTMLResponse('<p class="ok" role="status">Saved.</p>')


@router.get("/n/{nid}/suggestions", response_class=HTMLResponse)
def suggestions(request: Request, nid: Id, db: DB, sess: Sess, concept: str = "nash") -> HTMLResponse:
    try:
        out = service.suggestions(db, sess[0], nid, concept)
        neg, _ = service.require_member(db, sess[0], nid)
    except service.ServiceError as exc:
        return HTMLResponse(f'<p class="error" role="alert">{_esc(exc.message)}</p>', status_code=exc.status)
    view = service.public_view(neg)
    changes = []  # per package: (move name, option label) for every move away from its status quo
    for pkg in out["packages"]:
        rows = []
        for m in view["moves"]:
            chosen = pkg["choices"][m["id"]]
            if chosen != m["status_quo"]:
                label = next(o["label"] or o["id"] for o in m["options"] if o["id"] == chosen)
                rows.append((m["name"], m["id"], label))
        changes.append(rows)
    return page(request, "_suggestions.html", sess, n=view, s=out, changes=changes)


@router.post("/n/{nid}/proposals")
async def propose(_lock: Writes, request: Request, nid: Id, db: DB, sess: Sess) -> Response:
    await check_csrf(request, sess)
    form = await request.form()
    try:
        raw = form.get("choices")
        if isinstance(raw, str):
            choices = json.loads(raw)
        else:
            choices = {k[2:]: v for k, v in form.items() if k.startswith("m|") and isinstance(v, str)}
        service.create_proposal(db, sess[0], nid, choices)
        db.commit()
    except (service.ServiceError, json.JSONDecodeError) as exc:
        message = exc.message if isinstance(exc, service.ServiceError) else "choices: not JSON"
        return HTMLResponse(f'<p class="error" role="alert">{_esc(message)}</p>', status_code=422)
    return RedirectResponse(f"/n/{nid}", status_code=303)


@router.post("/n/{nid}/proposals/{pid}/respond")
async def respond(_lock: Writes, request: Request, nid: Id, pid: Id, db: DB, sess: Sess) -> Response:
    await check_csrf(request, sess)
    form = await request.form()
    try:
        service.respond(db, sess[0], nid, pid, form.get("accept") == "yes")
        db.commit()
    except service.ServiceError as exc:
        return _error(request, sess, exc)
    return RedirectResponse(f"/n/{nid}", status_code=303)


def _esc(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
