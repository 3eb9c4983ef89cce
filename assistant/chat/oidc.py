"""Organisation login: the municipality's OpenID Connect provider (Keycloak, Entra ID, any other),
and the provider's group claim mapped to our roles and access groups.

With `KA_CHAT_AUTH=oidc` the chat reads the provider's discovery document
(`<KA_OIDC_ISSUER>/.well-known/openid-configuration`) and puts one Chainlit OAuth provider on its
endpoints (`organisation_provider`); Chainlit runs the authorization-code flow, we verify the ID
token against the provider's JWKS and merge its claims under the userinfo claims, and `oauth_user`
maps them. The user is named by `KA_OIDC_USER_CLAIM` (default `preferred_username`), their groups
are `KA_OIDC_GROUPS_CLAIM` (default `groups`; Entra ID sends them in the ID token only): a member
of a `KA_OIDC_ADMIN_GROUPS` group is an administrator, and with `KA_OIDC_REQUIRED_GROUPS` set only
members of one of those may sign in at all. The groups are kept on the user (`metadata["groups"]`)
and decide which documents they see (document access groups).
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


def organisation_provider(settings, document: dict[str, Any]):
    """A Chainlit OAuth provider for the organisation's OpenID Connect provider.

    Unlike Chainlit's generic provider it keeps the ID token from the token response, verifies
    it against the provider's JWKS (signature, issuer, audience, expiry) and merges its claims
    under the userinfo claims: Entra ID sends group claims only in the ID token."""
    from chainlit.oauth_providers import OAuthProvider
    from chainlit.user import User

    class OrganisationProvider(OAuthProvider):
        id = settings.oidc_name
        env: list[str] = []  # configured by Settings, not by OAUTH_* variables

        def __init__(self):
            self.client_id, self.client_secret = settings.oidc_client_id, settings.oidc_client_secret
            self.authorize_url = document["authorization_endpoint"]
            self.authorize_params = {"scope": settings.oidc_scopes, "response_type": "code"}
            self._id_tokens: dict[str, str] = {}  # access token -> its ID token, until userinfo is read

        async def get_raw_token_response(self, code: str, url: str) -> dict:
            payload = {"client_id": self.client_id, "client_secret": self.client_secret, "code": code,
                       "grant_type": "authorization_code", "redirect_uri": url}
            async with httpx.AsyncClient(timeout=30) as client:
                response = await client.post(document["token_endpoint"], data=payload)
                response.raise_for_status()
                return response.json()

        async def get_token(self, code: str, url: str) -> str:
            from fastapi import HTTPException

            answer = await self.get_raw_token_response(code, url)
            token = answer.get("access_token")
            if not token:
                raise HTTPException(status_code=400, detail="Inloggningstjänsten gav ingen åtkomsttoken.")
            if answer.get("id_token"):
                self._id_tokens[token] = answer["id_token"]
            return token

        async def get_user_info(self, token: str):
            async with httpx.AsyncClient(timeout=30) as client:
                response = await client.get(document["userinfo_endpoint"], headers={"Authorization": f"Bearer {token}"})
                response.raise_for_status()
                userinfo = response.json()
            id_token = self._id_tokens.pop(token, None)
            id_claims = verified_claims(id_token, document, settings.oidc_client_id) if id_token else {}
            claims = {**id_claims, **userinfo}
            if not claims.get(settings.oidc_groups_claim) and id_claims.get(settings.oidc_groups_claim):
                claims[settings.oidc_groups_claim] = id_claims[settings.oidc_groups_claim]  # Entra: groups in the ID token only
            return claims, User(identifier=str(claims.get(settings.oidc_user_claim) or claims.get("sub")),
                                metadata={"provider": self.id})

    return OrganisationProvider()


def verified_claims(id_token: str, document: dict[str, Any], client_id: str | None) -> dict[str, Any]:
    """The ID token's claims after checking its signature with the provider's JWKS."""
    import jwt

    key = jwt.PyJWKClient(document["jwks_uri"]).get_signing_key_from_jwt(id_token)
    return jwt.decode(id_token, key.key, algorithms=["RS256", "ES256"], audience=client_id, issuer=document.get("issuer"))


def install_provider(settings) -> None:
    """Put the organisation's provider first in Chainlit's list (before `@cl.oauth_callback`)."""
    from chainlit import oauth_providers

    provider = organisation_provider(settings, discover(settings.oidc_issuer))
    oauth_providers.providers[:] = [p for p in oauth_providers.providers if p.id != provider.id]
    oauth_providers.providers.insert(0, provider)


def check_settings(settings) -> None:
    """The errors `kulturassistent chat` reports before starting: missing settings, unreadable discovery."""
    if not settings.oidc_issuer:
        raise OIDCConfigError("KA_OIDC_ISSUER måste vara satt för KA_CHAT_AUTH=oidc.")
    if not (settings.oidc_client_id and settings.oidc_client_secret):
        raise OIDCConfigError("KA_OIDC_CLIENT_ID och KA_OIDC_CLIENT_SECRET måste vara satta för KA_CHAT_AUTH=oidc.")
    discover(settings.oidc_issuer)


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
