"""Organisation login: the municipality's OpenID Connect provider (Keycloak, Entra ID, any other)
through Chainlit's generic OAuth provider, and the provider's group claim mapped to our roles.

`kulturassistent chat` with `KA_CHAT_AUTH=oidc` reads the provider's discovery document
(`<KA_OIDC_ISSUER>/.well-known/openid-configuration`) and hands Chainlit its authorization, token
and userinfo endpoints; Chainlit runs the authorization-code flow and calls `oauth_user` with the
userinfo claims. The user is named by `KA_OIDC_USER_CLAIM` (default `preferred_username`), their
groups are `KA_OIDC_GROUPS_CLAIM` (default `groups`): a member of a `KA_OIDC_ADMIN_GROUPS` group
is an administrator, and with `KA_OIDC_REQUIRED_GROUPS` set only members of one of those may sign
in at all. The groups are kept on the user (`metadata["groups"]`) for document access groups.
"""

from __future__ import annotations

from typing import Any

import httpx


class OIDCConfigError(RuntimeError):
    """The provider's discovery document cannot be read or lacks an endpoint."""


def discover(issuer: str, timeout_s: float = 10.0) -> dict[str, Any]:
    url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
    try:
        response = httpx.get(url, timeout=timeout_s)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise OIDCConfigError(f"Inloggningstjänstens konfiguration på {url} gick inte att läsa ({exc}).") from exc
    missing = [k for k in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint") if not document.get(k)]
    if missing:
        raise OIDCConfigError(f"{url} saknar {', '.join(missing)}; är KA_OIDC_ISSUER rätt?")
    return document


def chainlit_oauth_env(settings, document: dict[str, Any]) -> dict[str, str]:
    """The environment Chainlit's generic OAuth provider reads when it is imported."""
    if not (settings.oidc_client_id and settings.oidc_client_secret):
        raise OIDCConfigError("KA_OIDC_CLIENT_ID och KA_OIDC_CLIENT_SECRET måste vara satta för KA_CHAT_AUTH=oidc.")
    return {
        "OAUTH_GENERIC_NAME": settings.oidc_name,
        "OAUTH_GENERIC_CLIENT_ID": settings.oidc_client_id,
        "OAUTH_GENERIC_CLIENT_SECRET": settings.oidc_client_secret,
        "OAUTH_GENERIC_AUTH_URL": document["authorization_endpoint"],
        "OAUTH_GENERIC_TOKEN_URL": document["token_endpoint"],
        "OAUTH_GENERIC_USER_INFO_URL": document["userinfo_endpoint"],
        "OAUTH_GENERIC_SCOPES": settings.oidc_scopes,
        "OAUTH_GENERIC_USER_IDENTIFIER": settings.oidc_user_claim,
    }


def claim_groups(raw: dict[str, Any], claim: str) -> list[str]:
    """A group claim as providers send it: a list, one string, or absent."""
    value = raw.get(claim)
    if isinstance(value, str):
        return [value]
    return [str(g) for g in value] if isinstance(value, list) else []


def oauth_user(settings, raw: dict[str, Any]) -> tuple[str, dict] | None:
    """(identifier, metadata) for a signed-in user, or None when the login is refused here."""
    identifier = raw.get(settings.oidc_user_claim) or raw.get("email") or raw.get("sub")
    if not identifier:
        return None
    groups = claim_groups(raw, settings.oidc_groups_claim)
    if settings.oidc_required_groups and not set(groups) & set(settings.oidc_required_groups):
        return None
    admin = bool(set(groups) & set(settings.oidc_admin_groups)) or identifier in settings.admin_users
    return str(identifier), {"provider": "oidc", "role": "admin" if admin else "user", "groups": groups}
