"""A small OpenID Connect provider on loopback, for the organisation-login tests.

It speaks the parts of the protocol a relying party uses in the authorization-code flow:
discovery (`/.well-known/openid-configuration`), `/authorize` (a login form; a wrong password
sends the browser back with `error=access_denied`, as a provider does when it refuses), `/token`
(client secret, single-use code bound to its redirect URI; an RS256-signed ID token beside the
access token), `/userinfo` (Bearer access token) and `/jwks` (the RSA public key).
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.services import free_port


@dataclass
class Account:
    password: str
    email: str
    groups: list[str] = field(default_factory=list)
    groups_in_userinfo: bool = True  # False: as Entra ID, the groups are in the ID token only


class OIDCProvider:
    def __init__(self, client_id: str, client_secret: str, accounts: dict[str, Account]):
        self.client_id, self.client_secret, self.accounts = client_id, client_secret, accounts
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, tuple[str, str]] = {}  # code -> (user, redirect_uri)
        self.tokens: dict[str, str] = {}  # access token -> user
        self.requests: list[str] = []  # paths served, for the tests
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, code: int, body: str, content_type: str = "application/json", headers: dict | None = None):
                data = body.encode()
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict[str, str]:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                return {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}

            def do_GET(self):
                url = urllib.parse.urlparse(self.path)
                query = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                provider.requests.append(url.path)
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, json.dumps(provider.discovery()))
                elif url.path == "/jwks":
                    jwk = json.loads(RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._send(200, json.dumps({"keys": [{**jwk, "kid": "test", "use": "sig", "alg": "RS256"}]}))
                elif url.path == "/authorize":
                    if query.get("client_id") != provider.client_id or query.get("response_type") != "code":
                        self._send(400, json.dumps({"error": "invalid_request"}))
                        return
                    hidden = "".join(
                        f'<input type="hidden" name="{k}" value="{html.escape(query.get(k, ""))}">'
                        for k in ("redirect_uri", "state")
                    )
                    self._send(200, f"""<!doctype html><html><body><h1>Kommunens inloggning</h1>
<form method="post" action="/authorize">{hidden}
<input id="username" name="username"><input id="password" name="password" type="password">
<button id="login" type="submit">Logga in</button></form></body></html>""", "text/html; charset=utf-8")
                elif url.path == "/userinfo":
                    user = provider.tokens.get(self.headers.get("Authorization", "").removeprefix("Bearer "))
                    if user is None:
                        self._send(401, json.dumps({"error": "invalid_token"}))
                        return
                    claims = provider.claims(user)
                    if not provider.accounts[user].groups_in_userinfo:
                        claims.pop("groups")
                    self._send(200, json.dumps(claims))
                else:
                    self._send(404, json.dumps({"error": "not_found"}))

            def do_POST(self):
                url = urllib.parse.urlparse(self.path)
                provider.requests.append(url.path)
                form = self._form()
                if url.path == "/authorize":
                    account = provider.accounts.get(form.get("username", ""))
                    params = {"state": form.get("state", "")}
                    if account is None or account.password != form.get("password"):
                        params["error"] = "access_denied"
                    else:
                        code = secrets.token_urlsafe(16)
                        provider.codes[code] = (form["username"], form.get("redirect_uri", ""))
                        params["code"] = code
                    target = f"{form.get('redirect_uri', '')}?{urllib.parse.urlencode(params)}"
                    self._send(302, "", "text/plain", {"Location": target})
                elif url.path == "/token":
                    issued = provider.codes.pop(form.get("code", ""), None)
                    if (form.get("client_id"), form.get("client_secret")) != (provider.client_id, provider.client_secret):
                        self._send(401, json.dumps({"error": "invalid_client"}))
                    elif issued is None or issued[1] != form.get("redirect_uri") or form.get("grant_type") != "authorization_code":
                        self._send(400, json.dumps({"error": "invalid_grant"}))
                    else:
                        access = secrets.token_urlsafe(24)
                        provider.tokens[access] = issued[0]
                        self._send(200, json.dumps({
                            "access_token": access, "token_type": "Bearer", "expires_in": 3600,
                            "id_token": provider.id_token(issued[0]),
                        }))
                else:
                    self._send(404, json.dumps({"error": "not_found"}))

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "groups"],
        }

    def claims(self, user: str) -> dict:
        account = self.accounts[user]
        return {"sub": f"sub-{user}", "preferred_username": user, "email": account.email, "groups": account.groups}

    def id_token(self, user: str) -> str:
        now = int(time.time())
        payload = {**self.claims(user), "iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 3600}
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "test"})

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
