"""Build the workspace's ASGI app: JSON API, browser pages, static files, security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from detente import __version__
from detente.server.db import make_engine, migrate, session_factory
from detente.server.service import ServiceError

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(db_url: str, *, secure_cookies: bool = False) -> FastAPI:
    """The app over the database at ``db_url`` (migrated to the newest schema first)."""
    from detente.server import api, ui

    engine = make_engine(db_url)
    migrate(engine)
    app = FastAPI(title="Détente workspace", version=__version__, docs_url="/api/docs", redoc_url=None)
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    # SQLite has one writer at a time: the server queues its own write requests (see api.hold_write_lock)
    app.state.serialize_writes = engine.dialect.name == "sqlite"
    app.state.write_lock = None
    app.state.secure_cookies = secure_cookies
    app.include_router(api.router)
    app.include_router(ui.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # the field and the problem, never the submitted value (it may be a private valuation)
        problems = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        return JSONResponse({"detail": problems}, status_code=422)

    @app.middleware("http")
    async def _headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    return app
