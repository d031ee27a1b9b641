"""Who is calling the Google Reader API. ClientLogin trades a user's name and password for a reader token
(`accounts.new_token`, kept as a hash only); a GET sends it as `Authorization: GoogleLogin auth=TOKEN`, a
POST as the form's `T` (what /token hands out: the same token, as Miniflux does), and the header, when a POST
sends it too, must name the same user. A token unused for READER_TOKEN_IDLE expires; a revoked one (deleted,
or its user disabled or deleted) is refused like a wrong one. Every request body is read with a limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from newsdesk.accounts import AccountError, UserDisabled, authenticate, hash_token, new_token
from newsdesk.model import TokenKind, User
from newsdesk.storage import Storage
from newsdesk.sync.greader_ids import ApiError, BadRequest, TooLarge, Unauthorized
from newsdesk.timeutil import utcnow

READER_TOKEN_IDLE = timedelta(days=90)
TOUCH_EVERY = timedelta(hours=1)          # a token's last use is written at most this often
MAX_READER_TOKENS = 50                    # a user's newest; ClientLogin forgets older ones
MAX_IDS = 10_000                          # item ids in one request
MAX_BODY = 2 * 1024 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"


class Form:
    """A request's parameters: the query's, then (for a POST) the form body's."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = pairs

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.pairs:
            if key == name:
                return value
        return default

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]


def _too_large() -> TooLarge:
    return TooLarge(f"request too large: at most {MAX_IDS} item ids (and {MAX_BODY // (1024 * 1024)} MiB) in "
                    "one request; send them in several")


async def read_form(request: Request) -> Form:
    pairs = list(request.query_params.multi_items())
    if request.method != "POST":
        return Form(pairs)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise _too_large()
    if not body:
        return Form(pairs)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("", FORM_TYPE):
        raise BadRequest(f"send the parameters as {FORM_TYPE}, not {kind}")
    try:
        pairs += parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_IDS + 100)
    except UnicodeDecodeError:
        raise BadRequest("the form is not UTF-8") from None
    except ValueError:
        raise _too_large() from None
    return Form(pairs)


def storage_of(request: Request) -> Storage:
    return request.app.state.web.storage


def require_sync_api(request: Request) -> None:
    if not request.app.state.web.settings.sync_api:
        raise ApiError(404, "the sync APIs (Google Reader, Fever) are switched off on this desk "
                            "(setting sync_api = false): ask its admin")


# -- ClientLogin ---------------------------------------------------------------------------------------------

def client_login(request: Request, form: Form) -> tuple[User, str]:
    """The user named by Email/Passwd and a fresh token for them; ApiError (401 BadAuthentication, 429 when
    this address failed too often) otherwise."""
    web = request.app.state.web
    storage = web.storage
    client = "greader " + (request.client.host if request.client else "unknown")
    wait = web.limiter.attempt(client)
    if wait:
        raise ApiError(429, f"Error=TooManyAttempts\nInfo=too many failed logins: try again in {int(wait) + 1} s",
                       {"Retry-After": str(int(wait) + 1)})
    try:
        user = authenticate(storage, form.get("Email") or "", form.get("Passwd") or "")
    except UserDisabled:
        raise ApiError(401, "Error=AccountDisabled") from None
    except AccountError:
        raise ApiError(401, "Error=BadAuthentication") from None
    web.limiter.succeeded(client)
    token = new_token(storage, user, TokenKind.READER, label="Google Reader API (ClientLogin)")
    _forget_old_tokens(storage, user)
    return user, token


def _forget_old_tokens(storage: Storage, user: User) -> None:
    mine = [t for t in storage.user_tokens(user.id) if t["kind"] == TokenKind.READER]
    mine.sort(key=lambda t: t["last_used_at"] or t["created_at"], reverse=True)
    idle_since = utcnow() - READER_TOKEN_IDLE
    for index, token in enumerate(mine):
        if index >= MAX_READER_TOKENS or (token["last_used_at"] or token["created_at"]) < idle_since:
            storage.delete_user_tokens(user.id, TokenKind.READER, token["id"])


# -- every other call ----------------------------------------------------------------------------------------

@dataclass
class Caller:
    user: User
    token: str


def _header_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, rest = header.strip().partition(" ")
    key, _, token = rest.strip().partition("=")
    if scheme.lower() != "googlelogin" or key.strip().lower() != "auth" or not token.strip():
        return None
    return token.strip()


def _user_of(storage: Storage, token: str) -> User:
    if not token or len(token) > 200:
        raise Unauthorized()
    use = storage.token_use(TokenKind.READER, hash_token(token))
    if use is None or use.user.disabled:
        raise Unauthorized()
    now = utcnow()
    last = use.last_used_at or use.created_at
    if last < now - READER_TOKEN_IDLE:
        storage.delete_user_tokens(use.user.id, TokenKind.READER, use.token_id)
        raise Unauthorized("Unauthorized: the token expired (unused for "
                           f"{READER_TOKEN_IDLE.days} days): log in again")
    if use.last_used_at is None or use.last_used_at < now - TOUCH_EVERY:
        if not storage.read_only:
            storage.touch_user_token(use.token_id, now)
    return use.user


def caller(request: Request, form: Form = Depends(read_form)) -> Caller:
    storage = storage_of(request)
    header = _header_token(request)
    if request.method == "POST":
        edit = (form.get("T") or "").strip()
        if not edit:
            raise Unauthorized("Unauthorized: a write needs the T token from /reader/api/0/token")
        user = _user_of(storage, edit)
        if header is not None and header != edit and _user_of(storage, header).id != user.id:
            raise Unauthorized("Unauthorized: the T token is not the logged-in user's")
        return Caller(user, edit)
    if header is None:
        raise Unauthorized()
    return Caller(_user_of(storage, header), header)
