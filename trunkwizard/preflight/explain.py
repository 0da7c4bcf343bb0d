"""Why a check came out the way it did, in a technician's words: one table from each SIP outcome to its
likely causes and the next step.

Every `CheckResult` names its outcome (a stable key, also in `--json`); the table says what it means.
Provider modules add their own hints per outcome (`Provider.sip_hints`); the screens only show them.
The causes are the ones that come back again and again on VoIP forums and in provider support notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["OUTCOMES", "Explanation", "explain"]


@dataclass(frozen=True)
class Explanation:
    """What an outcome means: the likely causes, most likely first, and the next step to take."""

    causes: tuple[str, ...]
    next_step: str


_CHECK_FROM_THE_PBX = "run the check from the PBX itself (or a machine on its network)"
_NAT_ALG_CAUSES = (
    'a SIP ALG ("SIP helper", "SIP transformations") on the router rewrites SIP headers',
    "NAT: the provider sees the router's public address, not the PBX's",
)

OUTCOMES: Mapping[str, Explanation] = {
    # --- DNS -------------------------------------------------------------------------------------------
    "dns-ok": Explanation((), ""),
    "dns-hosts-file": Explanation(
        ("the name is in this machine's hosts file (or another local source), not in DNS",),
        "make sure the PBX resolves the name the same way, or enter the IP address",
    ),
    "dns-nxdomain": Explanation(
        ("a typo in the host name", "a name the provider has not published yet", "the wrong region's name"),
        "copy the SIP domain from the provider's portal",
    ),
    "dns-no-records": Explanation(
        ("the name exists but has no address or SIP records (a web name, not the SIP name)",),
        "use the SIP domain or the IP address the provider gives for SIP",
    ),
    "dns-servfail": Explanation(
        ("the provider's DNS is broken", "this machine's resolver blocks or cannot reach it"),
        "try again later, or check the DNS servers in /etc/resolv.conf",
    ),
    "dns-timeout": Explanation(
        ("no DNS server is reachable from this machine", "a firewall blocks DNS (port 53)"),
        "check the DNS servers in /etc/resolv.conf and that this machine can reach them",
    ),
    "dns-transport-mismatch": Explanation(
        ("the provider publishes SRV records for other transports or ports than the ones entered",),
        "pick a transport the provider publishes, or leave the port empty to follow SRV",
    ),
    # --- getting a SIP answer at all --------------------------------------------------------------------
    "unresolved": Explanation(
        ("the host name does not resolve (see the DNS check)",),
        "fix the host name first",
    ),
    "refused": Explanation(
        ("the wrong port", "the wrong transport (UDP, TCP or TLS)", "the SIP service is down on the host"),
        "check the port and transport in the provider's portal (5060 UDP/TCP, 5061 TLS are usual)",
    ),
    "udp-silence": Explanation(
        (
            "a firewall (here, at the provider, or between) drops the packets",
            "the provider ignores addresses it does not know (an IP allowlist, fail2ban)",
            "the wrong port or transport: a UDP request to a TCP- or TLS-only port gets no answer",
            "a SIP ALG on the router that mangles or eats the packets",
        ),
        "try TCP, check the port and the provider's allowlist, and turn off SIP ALG on the router",
    ),
    "tcp-silence": Explanation(
        ("a firewall drops the connection", "the port is not the SIP port of the host"),
        "check the port, the transport and the provider's allowlist",
    ),
    "connection-lost": Explanation(
        ("the peer does not speak this transport on that port", "it refuses this address"),
        "check the transport and port, and whether the provider allows this address",
    ),
    "tls-untrusted": Explanation(
        ("the PBX uses a private CA or a self-signed certificate", "the certificate chain is incomplete"),
        "give the PBX's CA file (--ca-file, or the profile's CA file) or fix the chain on the server",
    ),
    "tls-wrong-name": Explanation(
        ("the certificate was issued for another name (often the IP, or the PBX's own host name)",),
        "use the host name the certificate names, or ask for a certificate for this name",
    ),
    "tls-no-handshake": Explanation(
        ("the port speaks plain SIP (TCP), not TLS", "TLS is not enabled on the PBX"),
        "use the TLS port (usually 5061), or pick TCP or UDP",
    ),
    "transport-error": Explanation(
        ("this machine cannot send to that address (no route, no network)",),
        "check the host, the port and this machine's network",
    ),
    # --- OPTIONS -----------------------------------------------------------------------------------------
    "reachable": Explanation((), ""),
    "options-forbidden": Explanation(
        (
            "an IP allowlist: the provider accepts SIP only from the PBX's public address",
            "this machine is not the PBX",
        ),
        f"{_CHECK_FROM_THE_PBX}, or add this address to the provider's allowlist",
    ),
    "options-redirect": Explanation(
        ("the provider moved the service to another address",), "use the address it redirects to"
    ),
    "options-loop": Explanation(
        ("the outbound proxy and the registrar send the request to each other",),
        "check the outbound proxy setting",
    ),
    "options-unavailable": Explanation(
        ("maintenance or overload at the provider",), "try again later; ask the provider if it lasts"
    ),
    "options-error": Explanation(
        ("the server answers, but does not like this request",),
        "the path works; if calls fail, compare the trunk settings with the provider's",
    ),
    # --- REGISTER ----------------------------------------------------------------------------------------
    "registered": Explanation(
        (),
        "if calls still fail: check that the outbound proxy is set on both sides, and NAT/SIP ALG below",
    ),
    "registered-without-auth": Explanation(
        ("the registrar accepts this user without a password (an IP-authenticated trunk)",),
        "fine if the provider authenticates the PBX by IP; otherwise ask the provider",
    ),
    "auth-rejected": Explanation(
        (
            "the password is wrong",
            "the auth ID (authentication name) is not the one the provider set (it may differ from the user)",
            "a password with characters the PBX changes or cuts (quotes, spaces, accents)",
        ),
        "copy the username, auth ID and password again from the provider's portal; "
        "do not retry in a loop: many PBXs block an address after a few failed logins",
    ),
    "auth-id-refused": Explanation(
        (
            "the auth ID may not register this user: it belongs to another extension or trunk",
            "the user (the From/To name) is not the one this auth ID registers",
            "the password is wrong for that auth ID (less likely: some registrars answer 403 to both)",
        ),
        "set the auth ID and the user exactly as the provider's portal pairs them",
    ),
    "forbidden-no-challenge": Explanation(
        (
            "an IP allowlist: the provider accepts registrations only from the PBX's public address",
            "the account or trunk is suspended, disabled or not approved yet (e.g. unpaid, pending review)",
            "the domain is not the one this account belongs to",
        ),
        f"{_CHECK_FROM_THE_PBX}; check the account's status and allowlist in the portal",
    ),
    "user-not-found": Explanation(
        (
            "the user name is wrong or does not exist yet",
            "the domain (host) is not the registrar domain of this account",
        ),
        "check the user name and that the host is the SIP domain the provider gave",
    ),
    "interval-too-brief": Explanation(
        (
            "the registrar requires a longer registration interval than the test asks for",
            "the credentials were accepted or not judged yet: a 423 says nothing about the password",
        ),
        "set the PBX's registration interval (expiry) to the Min-Expires the registrar names",
    ),
    "stale-again": Explanation(
        (
            "the registrar keeps declaring its own nonces stale: its clock jumps, or a cluster of "
            "registrars does not share nonces",
        ),
        "tell the provider: the credentials were never judged",
    ),
    "auth-unsupported": Explanation(
        ("the registrar asks for an authentication scheme other than digest MD5 or SHA-256",),
        "ask the provider which authentication the trunk needs",
    ),
    "server-error": Explanation(
        ("a fault or overload at the registrar",), "try again later, or ask the provider"
    ),
    "register-other": Explanation(
        ("the registrar does not accept the REGISTER as sent",),
        "compare the trunk settings (domain, user, transport) with the provider's portal",
    ),
    # --- the outbound proxy and the registrar, side by side ----------------------------------------------
    "paths-both": Explanation((), ""),
    "proxy-only": Explanation(
        (
            "the provider accepts SIP only through its outbound proxy",
            "the outbound proxy is set on one side only: the side without it cannot register or call",
        ),
        "set the same outbound proxy on the PBX and at the provider, or on neither",
    ),
    "direct-only": Explanation(
        (
            "the outbound proxy address is wrong or down",
            "the outbound proxy is set on one side only (it belongs to another provider or an old setup)",
        ),
        "remove the outbound proxy, or fix its address; set it on both sides or on neither",
    ),
    "paths-none": Explanation(
        ("neither answers: see the OPTIONS checks",), "fix reachability first (port, transport, firewall)"
    ),
    # --- NAT and SIP ALG ---------------------------------------------------------------------------------
    "no-nat": Explanation((), ""),
    "nat": Explanation(
        ("this machine is behind NAT: the registrar answers to the router's public address",),
        "on the PBX, set the external (public) address and the local networks, and keep NAT mappings "
        "open with qualify/keep-alive",
    ),
    "alg-suspected": Explanation(
        _NAT_ALG_CAUSES,
        "turn off SIP ALG on the router/firewall; TCP or TLS, or a port other than 5060, avoids most ALGs",
    ),
    "nat-unknown": Explanation((), ""),
    # --- the run itself ----------------------------------------------------------------------------------
    "overall-timeout": Explanation(
        ("a slow DNS server or a silent host held the check up",),
        "raise the time limit, or look at the other checks",
    ),
    "crash": Explanation((), "this is a bug in trunkwizard; please report it with the log"),
}


def explain(outcome: str) -> Explanation | None:
    return OUTCOMES.get(outcome)
