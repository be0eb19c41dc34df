"""The workspace's tables (SQLAlchemy 2 declarative). The schema is created and upgraded by Alembic
(``detente/server/migrations``); these classes are the one definition the migrations mirror."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default="user")  # admin | user
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Token(Base):
    """An opaque bearer token or browser session, stored as its SHA-256 hash, with an expiry."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # api | session
    csrf: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    #: the client's address (``request.client.host``); throttling is per address
    source: Mapped[str] = mapped_column(String(64), nullable=False, index=True, server_default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Negotiation(Base):
    __tablename__ = "negotiations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    scenario_yaml: Mapped[str] = mapped_column(Text, nullable=False)
    mediator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("negotiation_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # mediator | delegate | observer
    party: Mapped[str | None] = mapped_column(String(64))


class Valuation(Base):
    """A party's private valuations: ``{"values": {move: {option: number}}, "reservation": number}``."""

    __tablename__ = "valuations"
    __table_args__ = (UniqueConstraint("negotiation_id", "party"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
    )
    party: Mapped[str] = mapped_column(String(64), nullable=False)
    values_json: Mapped[str] = mapped_column(Text, nullable=False)
    reservation: Mapped[float] = mapped_column(Float, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Proposal(Base):
    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
    )
    choices_json: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Response(Base):
    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("proposal_id", "party"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), nullable=False)
    party: Mapped[str] = mapped_column(String(64), nullable=False)
    accept: Mapped[bool] = mapped_column(Boolean, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AuditEntry(Base):
    """Who did what, when: every write. Never holds a password, a token or a valuation."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), nullable=False)
    negotiation_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str | None] = mapped_column(String(500))


class PartyKey(Base):
    """A delegation's Ed25519 *public* key for the implementation ledger (private keys never reach the server)."""

    __tablename__ = "party_keys"
    __table_args__ = (UniqueConstraint("negotiation_id", "party"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
    )
    party: Mapped[str] = mapped_column(String(64), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)


class LedgerLine(Base):
    """One line of a negotiation's implementation ledger (docs/ledger.md), in order; (negotiation, index)
    is unique, so two concurrent appends cannot both extend the same head."""

    __tablename__ = "ledger_lines"
    __table_args__ = (UniqueConstraint("negotiation_id", "idx"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(
        ForeignKey("negotiations.id", ondelete="CASCADE"), nullable=False
    )
    idx: Mapped[int] = mapped_column(Integer, nullable=False)
    line: Mapped[str] = mapped_column(Text, nullable=False)
