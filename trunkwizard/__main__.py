from trunkwizard.cli import run

raise SystemExit(run())
