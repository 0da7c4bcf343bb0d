"""SIP message building and parsing, digest answers (published test vectors), and the target rules."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.support.canary import CANARY
from trunkwizard import __version__
from trunkwizard.errors import ValidationFailed
from trunkwizard.preflight import CheckResult, CheckStatus, PreflightTarget, split_host_port
from trunkwizard.preflight.digest import DigestChallenge, authorization, choose_challenge, parse_challenge
from trunkwizard.preflight.message import SipParseError, build_request, parse_response


def _options(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "method": "OPTIONS",
        "request_uri": "sip:pbx.example.test:5070",
        "transport": "udp",
        "local": ("127.0.0.1", 40000),
        "from_uri": "sip:trunkwizard@pbx.example.test",
        "to_uri": "sip:pbx.example.test",
        "call_id": "abc@trunkwizard",
        "from_tag": "t1",
        "cseq": 1,
        "branch": "z9hG4bKxyz",
        "contact_uri": "sip:trunkwizard@127.0.0.1:40000",
    }
    arguments.update(overrides)
    return build_request(**arguments).decode()  # type: ignore[arg-type]


def test_request_has_the_rfc3261_mandatory_headers_and_an_honest_user_agent() -> None:
    text = _options()
    lines = text.split("\r\n")
    assert lines[0] == "OPTIONS sip:pbx.example.test:5070 SIP/2.0"
    assert "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKxyz;rport" in lines
    assert "Max-Forwards: 70" in lines
    assert "From: <sip:trunkwizard@pbx.example.test>;tag=t1" in lines
    assert "To: <sip:pbx.example.test>" in lines
    assert "Call-ID: abc@trunkwizard" in lines
    assert "CSeq: 1 OPTIONS" in lines
    assert "Contact: <sip:trunkwizard@127.0.0.1:40000>" in lines
    assert f"User-Agent: trunkwizard/{__version__}" in lines
    assert text.endswith("Content-Length: 0\r\n\r\n")


def test_request_over_ipv6_and_tls_brackets_the_address_and_names_the_transport() -> None:
    text = _options(transport="tls", local=("::1", 5999))
    assert "Via: SIP/2.0/TLS [::1]:5999;branch=z9hG4bKxyz;rport" in text


def test_parse_reads_status_headers_and_body() -> None:
    raw = (
        b"SIP/2.0 200 OK\r\n"
        b"Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKxyz;rport=40000;received=127.0.0.1\r\n"
        b"CSeq: 1 OPTIONS\r\n"
        b"Server: Asterisk PBX 20.5.0\r\n"
        b"Content-Type: application/sdp\r\n"
        b"Content-Length: 4\r\n\r\nv=0\nEXTRA"
    )
    response = parse_response(raw)
    assert (response.status, response.reason, response.status_line) == (200, "OK", "200 OK")
    assert response.via_branch == "z9hG4bKxyz"
    assert response.cseq_method == "OPTIONS"
    assert response.software == "Asterisk PBX 20.5.0"
    assert response.body == b"v=0\n"


def test_parse_expands_compact_headers_joins_folded_lines_and_splits_via_lists() -> None:
    raw = (
        b"SIP/2.0 404 Not Found\r\n"
        b"v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKfirst, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKsecond\r\n"
        b"i: call-1\r\n"
        b"USER-AGENT: Yeastar\r\n"
        b"\t P-Series\r\n"
        b"l: 0\r\n\r\n"
    )
    response = parse_response(raw)
    assert response.header("call-id") == "call-1"
    assert response.via_branch == "z9hG4bKfirst"
    assert len(response.all_headers("via")) == 2
    assert response.software == "Yeastar P-Series"


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 200 OK\r\n\r\n",
        b"SIP/2.0 2000 OK\r\n\r\n",
        b"SIP/2.0 200 OK\r\nno colon here\r\n\r\n",
        b"SIP/2.0 200",
    ],
)
def test_parse_rejects_what_is_not_a_sip_response(raw: bytes) -> None:
    with pytest.raises(SipParseError):
        parse_response(raw)


def test_digest_md5_with_qop_matches_rfc2617() -> None:
    challenge = parse_challenge(
        'Digest realm="testrealm@host.com", qop="auth,auth-int", '
        'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
    )
    assert challenge is not None
    header = authorization(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password=SecretStr("Circle Of Life"),
        cnonce="0a4f113b",
    )
    assert 'response="6629fae49393a05397450978507c4ef1"' in header
    assert "qop=auth, nc=00000001" in header
    assert 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in header


def test_digest_md5_without_qop_matches_rfc2069() -> None:
    challenge = DigestChallenge(realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093")
    header = authorization(
        challenge, method="GET", uri="/dir/index.html", username="Mufasa", password=SecretStr("CircleOfLife")
    )
    assert 'response="1949323746fe6a43ef61f9606e7febea"' in header
    assert "qop=" not in header and "cnonce=" not in header


def test_digest_sha256_matches_rfc7616() -> None:
    challenge = DigestChallenge(
        realm="http-auth@example.org",
        nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        algorithm="SHA-256",
        qop=("auth",),
    )
    header = authorization(
        challenge,
        method="GET",
        uri="/dir/index.html",
        username="Mufasa",
        password=SecretStr("Circle of Life"),
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )
    assert 'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"' in header


def test_the_strongest_offered_challenge_is_chosen_and_unknown_schemes_ignored() -> None:
    response = parse_response(
        b"SIP/2.0 401 Unauthorized\r\n"
        b'WWW-Authenticate: Basic realm="x"\r\n'
        b'WWW-Authenticate: Digest realm="r", nonce="n1", algorithm=MD5\r\n'
        b'WWW-Authenticate: Digest realm="r", nonce="n2", algorithm=SHA-256, qop="auth"\r\n'
        b"Content-Length: 0\r\n\r\n"
    )
    challenge = choose_challenge(response)
    assert challenge is not None
    assert (challenge.nonce, challenge.algorithm, challenge.reply_header) == (
        "n2",
        "SHA-256",
        "Authorization",
    )


def test_a_proxy_challenge_is_answered_with_proxy_authorization() -> None:
    response = parse_response(
        b"SIP/2.0 407 Proxy Authentication Required\r\n"
        b'Proxy-Authenticate: Digest realm="p", nonce="n"\r\n\r\n'
    )
    challenge = choose_challenge(response)
    assert challenge is not None and challenge.reply_header == "Proxy-Authorization"


def test_target_rejects_bad_fields_with_words_per_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        PreflightTarget(host="sip:pbx example", port=70000, transport="sctp", register=True)  # type: ignore[arg-type]
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"host", "port", "transport", "username", "password"}


def test_target_repr_and_result_text_never_show_the_password() -> None:
    target = PreflightTarget(
        host="pbx.example.test", username="tw1001", password=SecretStr(CANARY), register=True
    )
    assert CANARY not in repr(target)
    result = CheckResult(
        "register", CheckStatus.FAIL, f"echo {CANARY}", f"advice {CANARY}", (f"detail {CANARY}",)
    )
    assert CANARY not in result.summary + result.advice + "".join(result.details)
    assert CANARY not in str(result.to_dict())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("proxy.example.test", ("proxy.example.test", None)),
        ("proxy.example.test:5080", ("proxy.example.test", 5080)),
        ("sip:proxy.example.test:5080;lr", ("proxy.example.test", 5080)),
        ("[2001:db8::1]:5060", ("2001:db8::1", 5060)),
        ("2001:db8::1", ("2001:db8::1", None)),
    ],
)
def test_proxy_host_and_port_are_read_the_ways_providers_write_them(
    text: str, expected: tuple[str, int | None]
) -> None:
    assert split_host_port(text) == expected
