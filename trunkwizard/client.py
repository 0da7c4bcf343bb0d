"""The one HTTP path every caller uses: validation, auth, timeouts, error mapping, redaction, preview.

    prepared = prepare(provider, "sip-registration", answers, account)   # ValidationFailed on bad answers
    prepared.as_curl()                    # every call of the plan, secrets as $ENV references
    async with ProviderClient(provider, account) as client:
        created = await client.create(prepared)

A prepared request is a plan: the create call and its follow-up calls, in order. Secrets stay SecretStr
in the plan (no repr shows them) until `ProviderClient.send` builds the HTTP request.

A POST is never retried. `submit` returns an Outcome (created, refused or unknown, see outcome.py);
an unknown outcome is looked up once before it is reported, so the technician knows what exists.
Every string that leaves this module passes through `redact`.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import logging
import os
import re
import shlex
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from pydantic import SecretStr

from trunkwizard import __version__
from trunkwizard.curl_body import JSON_ESCAPE_FUNCTION, SecretVariable, heredoc_body, holds_secret
from trunkwizard.errors import (
    NetworkError,
    OutcomeUnknown,
    Problem,
    ProviderError,
    ReadOnlyRefused,
    RequestTimedOut,
    TrunkwizardError,
    ValidationFailed,
)
from trunkwizard.fields import (
    Choice,
    ProviderModel,
    check_answers,
    path_values,
    validate_answers,
)
from trunkwizard.nesting import TooDeep, loads_json
from trunkwizard.outcome import Outcome, Verdict, judge_failure, looked_up_empty, unknown
from trunkwizard.providers import Call, Created, Mode, Provider, ResourceRef
from trunkwizard.providers._auth import SessionAuth, ShellExpression, env_var
from trunkwizard.providers._base import CREATED_ID
from trunkwizard.redact import MASK, RedactingFilter, redact

__all__ = [
    "CREATED_ID_ENV",
    "DEFAULT_TIMEOUT",
    "PreparedRequest",
    "PreparedUpdate",
    "ProviderClient",
    "RequestPreview",
    "cleartext_credentials",
    "load_account",
    "prepare",
    "prepare_update",
    "preview_call",
    "scrub_secrets",
]

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=6.0)
MAX_FIND_PAGES = 20  # pages of a listing searched for the resource after a create timed out
SIGN_OUT_TIMEOUT = 3.0  # seconds a closing client waits to end its provider session
USER_AGENT = f"trunkwizard/{__version__}"
# A follow-up's curl takes the created id from this variable (the create call's answer gives it).
CREATED_ID_ENV = "TRUNKWIZARD_CREATED_ID"
_MAX_LOOKUP_PAGES = 50

log = logging.getLogger("trunkwizard.client")


def _install_log_redaction() -> None:
    for name in ("trunkwizard", "httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


_install_log_redaction()


def _display_url(url: str) -> str:
    """The URL as people may see it: secret query values masked."""
    return redact(url)


@dataclass(frozen=True)
class RequestPreview:
    """The exact request as a reviewer sees it: method, URL, headers, JSON body, secrets masked."""

    method: str
    url: str
    headers: Mapping[str, str]
    json: Mapping[str, Any] | None
    curl_body: Mapping[str, Any] | None

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "url": self.url, "headers": dict(self.headers), "json": self.json}

    def as_text(self) -> str:
        lines = [f"{self.method} {self.url}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.json is not None:
            lines += ["", json.dumps(self.json, indent=2, ensure_ascii=False)]
        return "\n".join(lines)

    def as_curl(self) -> str:
        """A curl command with every secret as an environment-variable reference; a secret in the body is
        JSON-escaped at run time by the `json_escape` shell function written above the command."""
        return _with_json_escape(self._curl_command(), [self])

    def _curl_command(self) -> str:
        parts = [f"curl -X {self.method} {_shell_url(self.url)}"]
        for name, value in self.headers.items():
            if isinstance(value, ShellExpression):
                parts.append(f'-H "{name}: {value}"')
            else:
                parts.append(f"-H {_shell_word(f'{name}: {value}')}")
        if self.curl_body is None:
            return " \\\n  ".join(parts)
        parts.append("--data-binary @- <<JSON")
        return " \\\n  ".join(parts) + "\n" + heredoc_body(self.curl_body) + "\nJSON"


def _with_json_escape(commands: str, previews: Sequence[RequestPreview]) -> str:
    """The commands, after the shell function their bodies' secrets call, when one has a secret."""
    if any(holds_secret(preview.curl_body) for preview in previews):
        return f"{JSON_ESCAPE_FUNCTION}\n\n{commands}"
    return commands


def _shell_word(text: str) -> str:
    """Quote for a POSIX shell, leaving `$TRUNKWIZARD_...` references to expand, and nothing else."""
    if "$TRUNKWIZARD_" in text or "${TRUNKWIZARD_" in text:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
        return '"' + _OTHER_DOLLAR.sub(r"\\$", escaped) + '"'
    return shlex.quote(text)


_OTHER_DOLLAR = re.compile(r"\$(?!\{?TRUNKWIZARD_)")


def _shell_url(url: str) -> str:
    return _shell_word(url)


@dataclass(frozen=True)
class PreparedRequest:
    """Validated answers turned into a plan: the create call, then each follow-up call, in order, each
    with its masked preview. Secrets in the calls are SecretStr until the client sends them."""

    provider: Provider
    mode: Mode
    request: ProviderModel
    calls: tuple[Call, ...]
    previews: tuple[RequestPreview, ...]
    # what inferred rules say about the answers: shown at the field and in the review, never refusing
    warnings: tuple[Problem, ...] = ()

    @property
    def call(self) -> Call:
        """The create call."""
        return self.calls[0]

    @property
    def preview(self) -> RequestPreview:
        """The create call's preview."""
        return self.previews[0]

    @property
    def follow_ups(self) -> tuple[Call, ...]:
        return self.calls[1:]

    def as_json(self) -> dict[str, Any]:
        """`{"calls": [{"method", "url", "headers", "json"}, ...]}`, secrets masked."""
        return _plan_json(self.previews)

    def as_text(self) -> str:
        return _plan_text(self.previews)

    def as_curl(self) -> str:
        """Every call as curl, in order; secrets and the created id as environment-variable references."""
        return _plan_curl(self.calls, self.previews)


@dataclass(frozen=True)
class PreparedUpdate:
    """An update of what an account already has, as a plan like a create's: every call in order, each
    with its masked preview (review, dry run and curl show the same), secrets SecretStr until sent."""

    provider: Provider
    calls: tuple[Call, ...]
    previews: tuple[RequestPreview, ...]

    def as_json(self) -> dict[str, Any]:
        return _plan_json(self.previews)

    def as_text(self) -> str:
        return _plan_text(self.previews)

    def as_curl(self) -> str:
        return _plan_curl(self.calls, self.previews)


def prepare_update(provider: Provider, account: ProviderModel, calls: Sequence[Call]) -> PreparedUpdate:
    """The documented update call(s) of an edit or a rotation, previewed for the account they go to."""
    return PreparedUpdate(provider, tuple(calls), tuple(_preview(provider, account, call) for call in calls))


def _plan_json(previews: Sequence[RequestPreview]) -> dict[str, Any]:
    return {"calls": [preview.as_dict() for preview in previews]}


def _plan_text(previews: Sequence[RequestPreview]) -> str:
    return "\n\n".join(_numbered(i, len(previews), p.as_text()) for i, p in enumerate(previews))


def _plan_curl(calls: Sequence[Call], previews: Sequence[RequestPreview]) -> str:
    parts = []
    for index, (call, preview) in enumerate(zip(calls, previews, strict=True)):
        if call.takes_created_id:
            url = preview.url.replace("{created_id}", f"${CREATED_ID_ENV}")
            text = replace(preview, url=url)._curl_command()
            text = f"# then, with {CREATED_ID_ENV} set to the id the first call answered with:\n{text}"
        else:
            text = preview._curl_command()
        parts.append(_numbered(index, len(calls), text, comment="# "))
    return _with_json_escape("\n\n".join(parts), previews)


def _numbered(index: int, count: int, text: str, comment: str = "") -> str:
    if count == 1:
        return text
    return f"{comment}call {index + 1} of {count}\n{text}"


def load_account(
    provider: Provider, values: Mapping[str, Any], *, insecure_http: bool = False
) -> ProviderModel:
    """Validate account settings and secrets (keyed by wire names) into the provider's account model.
    An http:// base URL that would carry the credentials in clear is refused unless `insecure_http`."""
    account: ProviderModel = validate_answers(provider.account_model, values)
    problem = cleartext_credentials(provider, account)
    if problem and not insecure_http:
        wire = next((f.wire for f in provider.account_fields if f.wire == "base_url"), "")
        raise ValidationFailed([Problem(wire, problem + INSECURE_HINT)])
    return account


INSECURE_HINT = ": use https://, or, for a lab PBX you trust the network to, pass --insecure-http"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def cleartext_credentials(provider: Provider, account: ProviderModel) -> str | None:
    """Why this account would send its credentials in clear (an http:// base URL to a host that is not
    this machine), or None. `.invalid` hosts never resolve: the in-process sandbox uses one."""
    if not any(f.secret for f in provider.account_fields):
        return None
    url = urlsplit(provider.base_url(account))
    if url.scheme.lower() != "http":
        return None
    host = (url.hostname or "").lower()
    if host in _LOOPBACK_NAMES or host.endswith((".localhost", ".invalid")):
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"{url.scheme}://{url.netloc} would send the {provider.title} credentials in clear (http, not https)"
    )


def prepare(
    provider: Provider, mode_key: str, answers: Mapping[str, Any], account: ProviderModel
) -> PreparedRequest:
    mode = provider.mode(mode_key)
    request, warnings = check_answers(mode.model, answers)
    calls = (provider.create_call(mode, request), *provider.follow_up_calls(mode, request))
    previews = tuple(_preview(provider, account, call) for call in calls)
    return PreparedRequest(provider, mode, request, calls, previews, warnings)


def preview_call(provider: Provider, account: ProviderModel, call: Call) -> RequestPreview:
    """One call as a reviewer sees it (a read the plan makes besides its own calls)."""
    return _preview(provider, account, call)


def _preview(provider: Provider, account: ProviderModel, call: Call) -> RequestPreview:
    auth_headers, auth_query = provider.auth_preview(account)
    masked = _masked(call.json) if call.json is not None else None
    curl_body = _env_refs(provider, call.json) if call.json is not None else None
    path = call.path.replace(CREATED_ID, "{created_id}")
    url = _join(provider.base_url(account), path)
    query = {**call.params, **auth_query}
    if query:
        url = f"{url}?{urlencode(query, safe='$')}"
    headers = {**auth_headers, "User-Agent": USER_AGENT, "Accept": "application/json"}
    if masked is not None:
        headers["Content-Type"] = "application/json"
    display_headers = {k: _mask_header(v) for k, v in headers.items()}
    return RequestPreview(call.method, _display_url(url), display_headers, masked, curl_body)


def _masked(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return MASK
    if isinstance(value, Mapping):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _env_refs(provider: Provider, value: Any, key: str = "") -> Any:
    """The body for curl: each secret as the variable `TRUNKWIZARD_<PROVIDER>_<FIELD>` that holds it."""
    if isinstance(value, SecretStr):
        return SecretVariable(env_var(provider.key, key))
    if isinstance(value, Mapping):
        return {k: _env_refs(provider, v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_env_refs(provider, v, key) for v in value]
    return value


def _mask_header(value: str) -> str:
    # Previews already carry $ENV references instead of secrets; anything else secret-like is masked.
    return value if "$TRUNKWIZARD_" in value else redact(value)


def _join(base: str, path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return base.rstrip("/") + "/" + path.lstrip("/")


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Verification on, always: the default trust store plus, when given, the profile's own CA file.

    Built once per CA file (and again when the file changes): loading the trust store takes ~15 ms,
    more than the whole request to a nearby PBX, and an SSLContext serves any number of clients."""
    stamp = None
    if ca_file:
        try:
            stamp = os.stat(ca_file).st_mtime_ns
        except OSError as exc:
            raise NetworkError(f"cannot use the CA file {ca_file}: {exc}") from None
    return _tls_context(ca_file or None, stamp)


@functools.lru_cache(maxsize=8)
def _tls_context(ca_file: str | None, _stamp: int | None) -> ssl.SSLContext:
    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise NetworkError(f"cannot use the CA file {ca_file}: {exc}") from None
    return context


class ProviderClient:
    """An open connection to one provider account. Use as `async with`."""

    def __init__(
        self,
        provider: Provider,
        account: ProviderModel,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        ca_file: str | None = None,
        read_only: bool = False,
        insecure_http: bool = False,
    ) -> None:
        self.provider = provider
        self.account = account
        # an http:// base URL to another host is refused unless the user passed --insecure-http
        self._insecure_http = insecure_http
        # a read-only account: create and delete refuse before anything is sent (the callers check first;
        # this is the backstop)
        self.read_only = read_only
        self._transport = transport
        self._timeout = timeout
        self._ca_file = ca_file
        self._http: httpx.AsyncClient | None = None
        self._auth: httpx.Auth | None = None

    async def __aenter__(self) -> ProviderClient:
        cleartext = cleartext_credentials(self.provider, self.account)
        if cleartext and not self._insecure_http and self._transport is None:
            raise NetworkError(f"{self.provider.title}: refusing to connect: {cleartext}{INSECURE_HINT}")
        verify: ssl.SSLContext | bool = tls_context(self._ca_file) if self._transport is None else True
        self._auth = self.provider.auth(self.account)
        self._http = httpx.AsyncClient(
            base_url=self.provider.base_url(self.account),
            auth=self._auth,
            transport=self._transport,
            timeout=self._timeout,
            verify=verify,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
            trust_env=self._transport is None,
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._http is None:
            return
        try:
            # not when cancelled or interrupted: leaving at once matters more than the token
            if exc is None or isinstance(exc, Exception):
                await self._sign_out(self._http)
        finally:
            await self._http.aclose()
            self._http = None

    async def _sign_out(self, http: httpx.AsyncClient) -> None:
        """End the provider session the auth opened, if any. Best effort: the resource work is done,
        so a failure here is only logged, and it waits no longer than SIGN_OUT_TIMEOUT."""
        if not isinstance(self._auth, SessionAuth):
            return
        request = self._auth.sign_out(USER_AGENT)
        if request is None:
            return
        request.extensions["timeout"] = httpx.Timeout(SIGN_OUT_TIMEOUT).as_dict()
        try:
            response = await http.send(request, auth=None)
        except httpx.HTTPError as exc:
            log.info("%s: signing out failed (%s)", self.provider.title, type(exc).__name__)
            return
        log.debug("%s: signed out (HTTP %s)", self.provider.title, response.status_code)

    # --- public operations -----------------------------------------------------------------------------

    async def create(self, prepared: PreparedRequest) -> Created:
        """Send the create call and return what was created; a refusal raises the provider's error and
        an unknown outcome raises OutcomeUnknown (look it up before sending again)."""
        outcome = await self.submit(prepared)
        if outcome.created is not None:
            return outcome.created
        if outcome.verdict is Verdict.REFUSED and outcome.error is not None:
            raise outcome.error
        raise OutcomeUnknown(outcome.message)

    async def submit(self, prepared: PreparedRequest) -> Outcome:
        """Send the create call once and judge what it left behind. Never raises for what the provider
        or the network did: an unknown outcome is looked up once before it is returned."""
        self._refuse_if_read_only("create")
        call = prepared.call
        can_look_up = self.provider.find_call(prepared.mode, prepared.request) is not None
        try:
            body = await self.send(call)
        except TrunkwizardError as exc:
            outcome = judge_failure(self.provider, call, exc, can_look_up=can_look_up)
        except Exception as exc:  # anything unexpected once sending began: it may have left
            log.info("%s: %s while sending", self.provider.title, type(exc).__name__)
            reason = f"{call.method} {call.path} ended in an unexpected {type(exc).__name__}"
            outcome = unknown(self.provider, call, reason, can_look_up=can_look_up)
        else:
            outcome = await self._judge_answer(prepared, body, can_look_up=can_look_up)
        if outcome.verdict is Verdict.UNKNOWN and can_look_up and call.method == "POST":
            outcome = await self.look_up(prepared, outcome, settles=False)
        return outcome

    async def _judge_answer(self, prepared: PreparedRequest, body: Any, *, can_look_up: bool) -> Outcome:
        """A 2xx answer: created only when the provider's own reading of it names an id."""
        call = prepared.call
        try:
            created = self.provider.created(prepared.mode, prepared.request, body, self.account)
        except Exception as exc:  # an answer shaped unlike the documented one
            log.info("%s: reading the create answer failed (%s)", self.provider.title, type(exc).__name__)
            created = None
        if created is None or not created.ref.id.strip():
            reason = f"{self.provider.title} answered {call.method} {call.path} with success but no id"
            return unknown(self.provider, call, reason, can_look_up=can_look_up)
        created, follow_ups = await self._follow_up(prepared, created)
        message = f"Created {created.title} (id {created.ref.id})"
        return Outcome(Verdict.CREATED, call, message, created, follow_ups=follow_ups)

    async def look_up(
        self, prepared: PreparedRequest, outcome: Outcome | None = None, *, settles: bool = True
    ) -> Outcome:
        """Search the provider's listing for what this request creates. Found: created (its follow-up
        calls are made then). Not found: still unknown; when `settles` (a look-up the user asked for),
        with the time of the look-up, which allows sending again with a warning."""
        call = prepared.call
        if outcome is None:
            outcome = unknown(
                self.provider, call, "An earlier attempt may have been applied", can_look_up=True
            )
        if self.provider.find_call(prepared.mode, prepared.request) is None:
            return replace(outcome, can_look_up=False)
        try:
            existing, searched_all = await self._find_existing(prepared)
        except TrunkwizardError as exc:
            return replace(outcome, message=f"{outcome.message} Looking it up failed: {exc.message}")
        if existing:
            ref = ResourceRef(self.provider.key, prepared.mode.key, existing, path_values(prepared.request))
            found = Created(
                ref=ref,
                title=f"{self.provider.creates} {existing} (found by a look-up)",
                returned={"id": existing},
            )
            found, follow_ups = await self._follow_up(prepared, found)
            return Outcome(
                Verdict.CREATED,
                call,
                f"Looked it up: {self.provider.title} has the {self.provider.creates} (id {existing}). "
                "It was created: do not send it again.",
                found,
                follow_ups=follow_ups,
            )
        if not searched_all:
            return replace(
                outcome,
                message=f"{outcome.message} It is not in the first {MAX_FIND_PAGES} pages of the list, "
                "which goes on: check in the provider's console.",
            )
        return looked_up_empty(outcome, self.provider, settles=settles)

    async def _follow_up(
        self, prepared: PreparedRequest, created: Created
    ) -> tuple[Created, tuple[Outcome, ...]]:
        """The plan's follow-up calls, in order, each with its own outcome; a failure becomes a warning
        (the resource exists now) and ends the plan there."""
        outcomes: list[Outcome] = []
        for planned in prepared.follow_ups:
            call = planned.after_create(created.ref.id)
            try:
                body = await self.send(call)
            except TrunkwizardError as exc:
                judged = judge_failure(self.provider, call, exc, can_look_up=False)
                outcomes.append(judged)
                state = (
                    "was refused" if judged.verdict is Verdict.REFUSED else "may or may not have been applied"
                )
                warning = (
                    f"The {self.provider.creates} was created (id {created.ref.id}), but the follow-up "
                    f"{call.method} {call.path} {state}: {exc.message}. Do not submit again: make this "
                    "call again (the review's curl export has it) or finish it in the provider's console."
                )
                return replace(created, warnings=(*created.warnings, warning)), tuple(outcomes)
            created = self.provider.followed_up(prepared.mode, prepared.request, created, call, body)
            outcomes.append(Outcome(Verdict.APPLIED, call, f"{call.method} {call.path}: applied"))
        return created, tuple(outcomes)

    async def fetch(self, ref: ResourceRef) -> Any:
        call = self.provider.get_call(ref)
        if call is None:
            raise ProviderError(f"{self.provider.title} has no API to read a {self.provider.creates} back")
        return scrub_secrets(await self.send(call))

    async def update(self, call: Call, action: str = "edit") -> Any:
        """Send a documented update call (an edit or a rotation); refused on a read-only account."""
        self._refuse_if_read_only(action)
        return await self.send(call)

    async def delete(self, ref: ResourceRef) -> None:
        self._refuse_if_read_only("delete")
        call = self.provider.delete_call(ref)
        if call is None:
            raise ProviderError(f"{self.provider.title}'s API cannot delete a {self.provider.creates}")
        await self.send(call)

    async def lookup(self, name: str, of: str | None = None) -> list[Choice]:
        """All choices of a look-up (e.g. SignalWire subscribers), following the provider's paging; `of`
        is the value the look-up lists choices of (Vox: the agent whose versions are listed)."""
        choices: list[Choice] = []
        cursor: str | None = None
        for _ in range(_MAX_LOOKUP_PAGES):
            body = await self.send(self.provider.lookup_call(name, cursor, of))
            page, cursor = self.provider.lookup_page(name, body)
            choices.extend(page)
            if not cursor:
                break
        return choices

    async def send(self, call: Call) -> Any:
        """Send one call; return its JSON body, or raise a TrunkwizardError with a clear message."""
        http = self._require_open()
        if call.takes_created_id:
            raise ValueError(f"{call.method} {call.path}: fill in the created id first (Call.after_create)")
        body = call.revealed_json()
        request = http.build_request(call.method, call.path, json=body, params=dict(call.params) or None)
        shown = _display_url(_strip_query_secrets(str(request.url)))
        log.info("%s %s", call.method, shown)
        try:
            response = await http.send(request)
        except (httpx.ConnectTimeout, httpx.PoolTimeout):
            raise RequestTimedOut(
                f"{self.provider.title} could not be reached for {call.method} {shown} in time"
            ) from None
        except httpx.TimeoutException:
            raise RequestTimedOut(
                f"{self.provider.title} did not answer {call.method} {shown} in time", reached=True
            ) from None
        except httpx.ConnectError as exc:
            raise NetworkError(_connect_message(self.provider.title, shown, exc)) from None
        except httpx.HTTPError as exc:
            raise NetworkError(
                f"{self.provider.title}: {call.method} {shown} failed: {redact(str(exc))}", reached=True
            ) from None
        except TrunkwizardError:
            raise
        return self._read(response, call, shown)

    # --- internals -------------------------------------------------------------------------------------

    def _refuse_if_read_only(self, action: str) -> None:
        if self.read_only:
            raise ReadOnlyRefused(action, f"at {self.provider.title}")

    def _require_open(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("ProviderClient used outside `async with`")
        return self._http

    def _read(self, response: httpx.Response, call: Call, shown: str) -> Any:
        body = _json_or_text(response)
        log.info("%s %s -> HTTP %s", call.method, shown, response.status_code)
        if response.status_code >= 400:
            retry_after = _retry_after(response.headers.get("retry-after"))
            raise self.provider.error_for(response.status_code, body, retry_after=retry_after)
        if response.status_code >= 300:
            raise NetworkError(
                f"{self.provider.title} redirected {call.method} {shown} (HTTP {response.status_code}); "
                "check the base URL (https, no trailing path)",
                # 303 See Other is how a server says "done, look there"; other redirects did not apply
                reached=response.status_code == 303,
            )
        if response.status_code == 204 or (not response.content and call.method == "DELETE"):
            return None
        if isinstance(body, str):
            kind = response.headers.get("content-type", "unknown type")
            raise NetworkError(
                f"{self.provider.title} answered HTTP {response.status_code} with {kind}, not JSON: "
                f"is the base URL right? ({shown})",
                reached=True,
            )
        hidden_error = self.provider.check_body(body)
        if hidden_error is not None:
            raise hidden_error
        return body

    async def _find_existing(self, prepared: PreparedRequest) -> tuple[str | None, bool]:
        return await self.find_existing(prepared.mode, prepared.request)

    async def find_existing(self, mode: Mode, request: ProviderModel) -> tuple[str | None, bool]:
        """The id of the resource this request would create, if it exists, page after page of the
        provider's listing; and whether the whole listing was searched."""
        cursor: str | None = None
        for _ in range(MAX_FIND_PAGES):
            find = self.provider.find_call(mode, request, cursor)
            if find is None:
                return None, False
            body = await self.send(find)
            existing = self.provider.find_existing(mode, request, body)
            if existing:
                return existing, True
            cursor = self.provider.find_next(body, cursor)
            if cursor is None:
                return None, True
        return None, False


_SECRET_KEY = re.compile(r"(?i)(password|passwd|secret|token|api_?key|auth_?token)")


def _scrub_value(key: object, value: Any) -> Any:
    if isinstance(value, str) and value and _SECRET_KEY.search(str(key)):
        return MASK
    return scrub_secrets(value)


def scrub_secrets(body: Any) -> Any:
    """A read-back body with every secret-named value masked (a Yeastar PBX returns trunk passwords)."""
    if isinstance(body, dict):
        return {key: _scrub_value(key, value) for key, value in body.items()}
    if isinstance(body, list):
        return [scrub_secrets(item) for item in body]
    return body


def _strip_query_secrets(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=redact(parts.query))) if parts.query else url


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 86_400))
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    from datetime import UTC, datetime

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, min((when - datetime.now(UTC)).total_seconds(), 86_400.0))


def _json_or_text(response: httpx.Response) -> Any:
    if not response.content:
        return {}
    try:
        return loads_json(response.content, "the answer")
    except TooDeep as exc:
        return str(exc)
    except (json.JSONDecodeError, UnicodeDecodeError):
        # not cut to a short length here: error_text masks first, then cuts (a cut secret is not masked)
        return response.text[:20_000]


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _connect_message(title: str, url: str, exc: httpx.ConnectError) -> str:
    chain = _causes(exc)
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, ConnectionRefusedError) for e in chain):
        text += " connection refused"
    host = urlsplit(url).netloc or url
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text.lower():
        return (
            f"{title}: the TLS certificate of {host} is not trusted. If this PBX uses its own certificate, "
            "add its CA file to the profile (ca_file); verification stays on."
        )
    if "Name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return f"{title}: cannot resolve {host}: check the host name"
    if "refused" in text.lower():
        return f"{title}: connection to {host} refused: nothing listens there; check host and port"
    return f"{title}: cannot connect to {host}: {redact(text) or type(exc).__name__}"


def masked(value: object) -> str:
    """How a secret is shown anywhere: always the same mask, whatever its length."""
    return MASK if value else ""
