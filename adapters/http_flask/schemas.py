"""Request and response models of the HTTP contract (pydantic, at the edge only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from application.accounts.users import MAX_PAGE, MAX_PER_PAGE, UserPage, UsersAfter
from application.paging import MAX_LIMIT
from application.sessions.tokens import TokenPair
from domain.errors import InvalidInput
from domain.sessions import Session
from domain.users import Email, Role, User, parse_name


def domain_rule(check: Callable[[str], object]) -> AfterValidator:
    """Run a domain rule inside pydantic, so every bad field is reported at once."""

    def validate(value: str) -> str:
        try:
            check(value)
        except InvalidInput as error:
            raise PydanticCustomError(error.rule, error.message) from None
        return value

    return AfterValidator(validate)


def _rfc3339(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


EmailIn = Annotated[str, Field(min_length=3, max_length=320), domain_rule(Email.parse)]
NameIn = Annotated[str, Field(min_length=1, max_length=400), domain_rule(parse_name)]
PasswordIn = Annotated[str, Field(min_length=1, max_length=1024)]
# The policy is the domain's to judge, so its 422 names the rule that failed.
NewPasswordIn = Annotated[
    str,
    Field(
        min_length=1,
        max_length=1024,
        description="8 to 128 characters after NFKC (PASSWORD_MIN_LENGTH may raise the "
        "minimum); not a common password; not containing the email's local part or "
        "the service name. A 422 names the rule that failed.",
    ),
]
RefreshTokenIn = Annotated[str, Field(min_length=1, max_length=512)]
LinkTokenIn = Annotated[
    str, Field(min_length=1, max_length=512, description="The last path segment of the mailed link")
]
Timestamp = Annotated[datetime, PlainSerializer(_rfc3339, return_type=str)]


def _without_null_defaults(schema: dict[str, Any]) -> None:
    """An omitted optional field is documented as optional, not as ``null``,
    which the API refuses (``SkipJsonSchema`` hides the type, not the default)."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", ...) is None:
            del prop["default"]


def omitted() -> Any:
    """The default of a field that may be left out but not sent as ``null``: the
    field keeps its plain type, so ``null`` fails like any other wrong type,
    and the view reads an omitted field as ``None``."""
    return Field(default=None)


class RequestModel(BaseModel):
    """Strict JSON types, and unknown fields refused: no mass assignment (S27)."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_without_null_defaults)


class RegisterRequest(RequestModel):
    email: EmailIn
    name: NameIn
    password: NewPasswordIn


class LoginRequest(RequestModel):
    email: Annotated[str, Field(max_length=320)]
    password: PasswordIn


class RefreshRequest(RequestModel):
    refresh_token: RefreshTokenIn


class EmptyRequest(RequestModel):
    """The body of an endpoint that takes none: absent, or ``{}``. Anything in
    it is refused rather than silently ignored."""


class LogoutRequest(RequestModel):
    refresh_token: RefreshTokenIn = omitted()


class ChangePasswordRequest(RequestModel):
    current_password: PasswordIn
    new_password: NewPasswordIn


class LinkTokenRequest(RequestModel):
    token: LinkTokenIn


class PasswordResetRequest(RequestModel):
    email: EmailIn


class PasswordResetConfirmRequest(RequestModel):
    token: LinkTokenIn
    new_password: NewPasswordIn


class EmailChangeRequest(RequestModel):
    new_email: EmailIn
    current_password: PasswordIn


class UpdateUserRequest(RequestModel):
    """Any subset of the fields; a field sent as ``null`` is an error, not a no-op."""

    email: EmailIn = omitted()
    name: NameIn = omitted()
    role: Role = omitted()
    is_active: bool = omitted()


class ListUsersQuery(BaseModel):
    """By page number (``page``, ``per_page``), or by cursor (``cursor``,
    ``limit``): a list by cursor starts with ``limit`` alone."""

    model_config = ConfigDict(json_schema_extra=_without_null_defaults)

    # Absent and given apart (a cursor with a page is refused), shown as plain integers.
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] | SkipJsonSchema[None] = Field(
        default=None, description="default 1"
    )
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] | SkipJsonSchema[None] = Field(
        default=None, description="default 20"
    )
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] | SkipJsonSchema[None] = Field(
        default=None, description="a page by cursor's size (default 20)"
    )
    cursor: str | None = Field(
        default=None, max_length=200, description="next_cursor of the previous page"
    )

    @field_validator("limit")
    @classmethod
    def _one_size(cls, limit: int | None, info: ValidationInfo) -> int | None:
        if limit is not None and (info.data.get("page") or info.data.get("per_page")):
            raise ValueError("limit goes with cursor; page goes with per_page")
        return limit

    @field_validator("cursor")
    @classmethod
    def _one_way(cls, cursor: str | None, info: ValidationInfo) -> str | None:
        if cursor is not None and (info.data.get("page") or info.data.get("per_page")):
            raise ValueError("page and cursor cannot be used together")
        return cursor

    @property
    def by_cursor(self) -> bool:
        return self.cursor is not None or self.limit is not None


class UserResponse(BaseModel):
    id: UUID
    email: str
    name: str
    role: Role
    is_active: bool
    email_verified: bool = Field(description="The account proved it receives mail at email.")
    mfa_enabled: bool = Field(description="A second factor is asked for at login.")
    created_at: Timestamp
    updated_at: Timestamp

    @classmethod
    def of(cls, user: User) -> UserResponse:
        return cls(
            id=user.id,
            email=user.email.value,
            name=user.name,
            role=user.role,
            is_active=user.is_active,
            email_verified=user.email_verified,
            mfa_enabled=user.mfa_enabled,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )


class AcceptedResponse(BaseModel):
    detail: str


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int
    user: UserResponse

    @classmethod
    def of(cls, tokens: TokenPair) -> TokenResponse:
        return cls(
            access_token=tokens.access_token,
            refresh_token=tokens.refresh_token,
            token_type="Bearer",  # noqa: S106
            expires_in=tokens.expires_in,
            user=UserResponse.of(tokens.user),
        )


class UserListResponse(BaseModel):
    """A page by number has every field; a page by cursor only ``users`` and ``next_cursor``."""

    users: list[UserResponse]
    next_cursor: str | None = Field(description="the next page by cursor; null on the last")
    total: int = Field(default=0, description="by page number only")
    page: int = Field(default=1, description="by page number only")
    per_page: int = Field(default=20, description="by page number only")
    pages: int = Field(default=0, description="by page number only")
    total_is_estimate: bool = Field(
        default=False,
        description="True when the table is large and total is the database's estimate",
    )

    @classmethod
    def of(cls, page: UserPage) -> UserListResponse:
        return cls(
            users=[UserResponse.of(user) for user in page.users],
            next_cursor=page.next_cursor,
            total=page.total,
            page=page.page,
            per_page=page.per_page,
            pages=page.pages,
            total_is_estimate=page.total_is_estimate,
        )

    @classmethod
    def after(cls, found: UsersAfter) -> UserListResponse:
        """Dumped with ``exclude_unset``: the page-number fields are left out."""
        return cls(
            users=[UserResponse.of(user) for user in found.users], next_cursor=found.next_cursor
        )


class SessionResponse(BaseModel):
    id: UUID
    created_at: Timestamp
    last_used_at: Timestamp
    expires_at: Timestamp
    user_agent: str | None
    ip: str | None
    current: bool
    kind: Literal["api", "browser"] = Field(
        description="How the session is held: API tokens, or a browser's cookie (the pages)."
    )


class SessionListResponse(BaseModel):
    sessions: list[SessionResponse]

    @classmethod
    def of(cls, sessions: list[Session], current: UUID) -> SessionListResponse:
        return cls(
            sessions=[
                SessionResponse(
                    id=s.id,
                    created_at=s.created_at,
                    last_used_at=s.last_used_at,
                    expires_at=s.expires_at,
                    user_agent=s.user_agent,
                    ip=s.ip,
                    current=s.id == current,
                    kind=s.kind.value,
                )
                for s in sessions
            ]
        )


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ProblemDetails(BaseModel):
    """RFC 9457 problem details: the body of every 4xx and 5xx (problems.py writes it)."""

    model_config = ConfigDict(json_schema_extra=_without_null_defaults)

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str
    errors: list[ValidationErrorItem] | SkipJsonSchema[None] = Field(
        default=None, description="422 only: one entry per offending field"
    )
    checks: dict[str, str] | SkipJsonSchema[None] = Field(
        default=None, description="503 from /health/ready: each check's state"
    )


class HealthResponse(BaseModel):
    status: Literal["healthy"] = "healthy"


class ReadinessResponse(BaseModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, Any]
