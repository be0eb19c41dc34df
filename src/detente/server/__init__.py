"""The workspace server: delegations keep private valuations, a mediator proposes, everyone works in
the browser or over a JSON API (FastAPI + SQLAlchemy 2 + Alembic; SQLite by default, PostgreSQL for teams).

``create_app(db_url)`` builds the ASGI app; ``detente serve`` runs it with uvicorn.
"""
