"""Who is asking, with the app's rules (qualia_core.access), and the shared rate limit.

- `Authorization: Bearer qla_…` (a token from `qualia token create` or the Users page) acts as its account, with
  that account's role as it is now. An unknown or revoked token is a 401, whether sign-in is on or not.
- Without a token: when sign-in is off for the API's address (QUALIA_AUTH=auto on loopback while no account
  exists, or QUALIA_AUTH=off on loopback), the request acts as the local researcher with the role the app gives
  on loopback (qualia_core.access.LOCAL_ROLE); when it is on, a 401 says how to get a token.
- Every request of a caller counts against RATE_LIMIT_PER_MINUTE (api/limits.py) before its route runs; the
  key is the token when it is valid, else the client's address (so made-up tokens don't buy fresh budgets).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request

from qualia_core.access import LOCAL_ROLE, allows, needed_role, sign_in_required
from qualia_core.errors import PermissionDeniedError
from qualia_core.tokens import token_hash

from .limits import client_key
from .problems import ApiProblem

LOCAL_NAME = "local"


@dataclass(frozen=True)
class Caller:
    name: str
    role: str
    signed_in: bool  # False: sign-in is off and this is the local researcher


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ApiProblem(401, "The Authorization header must be `Bearer <token>`, with a token from `qualia token "
                              "create USER` or the Users page.", headers={"WWW-Authenticate": "Bearer"})
    return secret.strip()


def _limit(request: Request, key: str) -> None:
    wait = request.app.state.limiter.hit(key)
    if wait is not None:
        per = request.app.state.limiter.per_minute
        raise ApiProblem(429, f"More than {per} requests in a minute (RATE_LIMIT_PER_MINUTE): wait {wait} s "
                              f"(the Retry-After header) and send fewer requests at once.",
                         headers={"Retry-After": str(wait)})


def caller(request: Request) -> Caller:
    """The account (or local researcher) a request acts as; 401 or 429 problems otherwise."""
    state = request.app.state
    address = request.client.host if request.client else "unknown"
    secret = _bearer(request)
    if secret is not None:
        account = state.tokens.account_for(secret)
        if account is None:
            _limit(request, client_key("address", address))
            raise ApiProblem(401, "This token is unknown, revoked, or its account was removed: ask an admin for a "
                                  "new one (`qualia token create USER`).", headers={"WWW-Authenticate": "Bearer"})
        _limit(request, client_key("token", token_hash(secret)))
        return Caller(account.name, account.role, True)
    _limit(request, client_key("address", address))
    if sign_in_required(state.auth_mode, state.address, state.accounts.count() > 0):
        raise ApiProblem(401, "Sign-in is on for this study: send `Authorization: Bearer <token>` with a token from "
                              "`qualia token create USER` or an admin's Users page.",
                         headers={"WWW-Authenticate": "Bearer"})
    return Caller(LOCAL_NAME, LOCAL_ROLE, False)


def require(permission: str):
    """A dependency: the caller, when their role has `permission` (qualia_core.access); 403 otherwise."""
    action = {"read": "Reading the study", "analyze": "Running analyses", "edit": "Changing the study",
              "code": "Changing the coding", "admin": "Managing the study"}[permission]

    def dependency(who: Caller = Depends(caller)) -> Caller:
        if not allows(who.role, permission):
            raise PermissionDeniedError(action, who.role, needed_role(permission))
        return who

    return dependency
