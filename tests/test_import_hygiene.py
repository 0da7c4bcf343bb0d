"""No import that does nothing (issue 16): httpx's command-line client (click, pygments), phone-number
metadata before a number is checked, pydantic's plugin scan. Subprocesses, so other tests' imports do
not count."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.python import python_stdout, run_python


def _probe(code: str) -> dict[str, object]:
    loaded = json.loads(python_stdout(code).strip().splitlines()[-1])
    assert isinstance(loaded, dict)
    return loaded


_REPORT = (
    "import json, sys\n"
    "modules = sorted(sys.modules)\n"
    "import pydantic.plugin._loader as plugins\n"
    "print(json.dumps({'modules': modules, 'plugins_scanned': plugins._plugins is not None,\n"
    "                  'built': globals().get('built')}))\n"
)


def test_the_registry_and_client_skip_httpx_cli_phone_metadata_and_plugin_scan() -> None:
    report = _probe(
        "import trunkwizard.client, trunkwizard.providers\n"
        "from trunkwizard.providers import all_providers\n"
        "[m.fields for p in all_providers() for m in p.modes]\n" + _REPORT
    )
    modules = report["modules"]
    assert isinstance(modules, list)
    assert "httpx" in modules
    assert [m for m in modules if m.split(".")[0] in ("click", "pygments", "phonenumbers")] == []
    assert report["plugins_scanned"] is False


def test_a_model_built_with_plugins_off_loads_no_plugin_machinery() -> None:
    """Not even the module that would scan them (importlib.metadata, zipfile, csv: ~5 ms)."""
    report = _probe(
        "import trunkwizard, pydantic\n"
        "class Model(pydantic.BaseModel):\n"
        "    x: int = 0\n"
        "assert Model(x=1).x == 1\n" + _REPORT
    )
    modules = report["modules"]
    assert isinstance(modules, list) and "pydantic.main" in modules
    assert "importlib.metadata" not in modules
    assert report["plugins_scanned"] is False


def test_plugins_turned_on_after_import_are_scanned_by_pydantic_itself() -> None:
    report = _probe(
        "import os, trunkwizard, pydantic\n"
        "os.environ['PYDANTIC_DISABLE_PLUGINS'] = ''\n"
        "class Model(pydantic.BaseModel):\n"
        "    x: int = 0\n"
        "assert 'importlib.metadata' in __import__('sys').modules\n" + _REPORT
    )
    assert report["plugins_scanned"] is True


def test_a_phone_number_check_loads_the_metadata_then() -> None:
    report = _probe(
        "from trunkwizard.values import e164\nassert e164('+1 415 555 0124') == '+14155550124'\n" + _REPORT
    )
    modules = report["modules"]
    assert isinstance(modules, list) and "phonenumbers" in modules


def test_httpx_main_says_where_the_cli_is() -> None:
    result = run_python("import trunkwizard, httpx; httpx.main()")
    assert result.returncode == 1
    assert "run `httpx`" in result.stderr


def test_a_sandbox_dry_run_loads_one_provider_and_no_server(tmp_path: Path) -> None:
    """`create yeastar --sandbox --dry-run`: the Yeastar models and the Yeastar emulator's account, not
    the other providers, not Starlette (the emulator is served only when a request is sent), no event
    loop, no store at all (nor platformdirs), no other command's module (each is configured only when it
    runs) and no TOML parser for a JSON answers file; of the Yeastar models, pydantic builds the validators of
    the two it validates only (the peer and account trunks' are built when first used)."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"name": "ITSP_Main", "transport": "udp", "hostname": "sip.example.com"}))
    answers.chmod(0o600)
    argv = ["create", "yeastar", "--sandbox", "--dry-run", "--json", "--mode", "register", "--answers"]
    report = _probe(
        "import contextlib, io, runpy, sys\n"
        f"sys.argv = ['trunkwizard', *{argv!r}, {str(answers)!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    runpy.run_module('trunkwizard', run_name='__main__')\n"
        "import trunkwizard.providers.yeastar as yeastar\n"
        "built = sorted(n for n, c in vars(yeastar).items() if getattr(c, '__pydantic_complete__', False))\n"
        + _REPORT
    )
    modules = report["modules"]
    assert isinstance(modules, list)
    assert report["built"] == ["YeastarAccount", "YeastarRegisterTrunk"]
    ours = {m for m in modules if m.startswith("trunkwizard.")}
    assert "trunkwizard.providers.yeastar" in ours and "trunkwizard.sandbox.yeastar" in ours
    others = ("chorus", "signalwire", "wavix", "vox")
    assert [m for m in ours if m.rsplit(".", 1)[-1] in others] == []
    assert [m for m in modules if m.split(".")[0] in ("starlette", "anyio", "asyncio", "uvicorn")] == []
    # nor the stores: a dry run writes nothing, so it leaves the orphan clean-up to the next run that does
    assert [m for m in ours if m.startswith("trunkwizard.store")] == []
    assert [m for m in modules if m.split(".")[0] == "platformdirs"] == []
    assert [m for m in ours if m.startswith("trunkwizard.commands.")] == ["trunkwizard.commands.create"]
    assert "trunkwizard.catalog" not in ours  # the provider keys of `create --help`: read when it prints
    assert "tomllib" not in modules


def test_the_in_process_sandbox_builds_an_emulator_when_a_request_goes_to_it() -> None:
    report = _probe(
        "import asyncio, httpx, sys\n"
        "from trunkwizard.sandbox import IN_PROCESS_ROOT, in_process_transport, sandbox_account\n"
        "sandbox_account('wavix')\n"
        "assert 'starlette' not in sys.modules\n"
        "async def main():\n"
        "    async with httpx.AsyncClient(transport=in_process_transport()) as client:\n"
        "        answer = await client.get(IN_PROCESS_ROOT + '/yeastar/openapi/v1.0/trunk/list')\n"
        "        assert answer.status_code == 200, answer.status_code\n"
        "        assert (await client.get(IN_PROCESS_ROOT + '/nowhere/x')).status_code == 404\n"
        "asyncio.run(main())\n" + _REPORT
    )
    modules = report["modules"]
    assert isinstance(modules, list)
    assert "starlette.applications" in modules and "trunkwizard.sandbox.yeastar" in modules
    assert [m for m in modules if m.rsplit(".", 1)[-1] in ("chorus", "signalwire", "vox")] == []
